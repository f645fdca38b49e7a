"""Re-exports the admin form helpers for the operation tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "admin"))

from helpers import edit as edit_form  # noqa: F401
