"""Entry point: `flask --app app …`, or `python app.py` to run with the embedded database."""
from lms import create_app

app = create_app()
