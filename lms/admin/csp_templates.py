"""Rewrites Flask-Admin's templates as they load so its pages work under a nonce CSP.

Flask-Admin 2.2.1 writes inline event handlers (`onclick="…"`) and `javascript:` links,
which a Content-Security-Policy without 'unsafe-inline' blocks (pallets-eco/flask-admin#2556).
Here they become data attributes, bound once by lms/static/js/csp-handlers.js.
"""

import re

from jinja2 import BaseLoader

REWRITES = [
    (re.compile(r'href="javascript:void\(0\)"'), 'href="#" data-no-nav'),
    # The row delete button leads to our preview page, which asks; no extra JS confirm.
    (re.compile(r"""\s*onclick="return faHelpers\.safeConfirm\('(.*?)'\);\""""), ""),
    (re.compile(r"""onclick="return modelActions\.execute\('(.*?)'\);\""""), r'data-action="\1"'),
    (
        re.compile(r"""onclick="faForm\.addInlineField\(this, '(.*?)'\);\""""),
        r'data-inline-add="\1"',
    ),
    (re.compile(r'\s+onclick="return false;"'), ""),
]


def make_csp_safe(source: str) -> str:
    for pattern, replacement in REWRITES:
        source = pattern.sub(replacement, source)
    return source


class CspSafeLoader(BaseLoader):
    """Wraps the app's loader; rewrites the admin templates it returns."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if template.startswith("admin/"):
            source = make_csp_safe(source)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()
