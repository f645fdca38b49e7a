"""Flask-Admin at /admin/: the shell (theme, index, menus); views come from the domain modules."""

from flask import Flask, redirect, url_for
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from lms.admin import assessments, catalog, learning, payments, people, records
from lms.admin.base import StaffIndexView
from lms.admin.csp_templates import CspSafeLoader
from lms.analytics import views as dashboards
from lms.reports import views as reports
from lms.security import csp_nonce

# Registered in this order; each entry is a function(admin) adding one domain's views.
VIEW_REGISTRARS: list = [
    people.register,
    catalog.register,
    learning.register,
    payments.register,
    assessments.register,
    records.register,
    reports.register,
    dashboards.register,
]


def init_admin(app: Flask) -> Admin:
    """A new Admin and new view instances per app: Flask-Admin views keep per-app state."""
    admin = Admin(
        app,
        name="LMS Admin",
        # "default" is one of the swatches whose CSS has no web-font @import (works offline).
        theme=Bootstrap4Theme(swatch="default", fluid=True, base_template="admin/lms_master.html"),
        index_view=StaffIndexView(name="Home", url="/admin"),
        csp_nonce_generator=csp_nonce,
    )
    for register in VIEW_REGISTRARS:
        register(admin)
    # README sends newcomers to the site root: the admin signs them in (or greets them).
    app.add_url_rule("/", "root", lambda: redirect(url_for("admin.index")))
    app.jinja_env.loader = CspSafeLoader(app.jinja_env.loader)
    return admin
