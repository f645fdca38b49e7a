"""The admin site: theme, home page, menu order, and every view and page it registers.

The top of the package: it imports the admin views (lms.admin), the dashboards
(lms.analytics.views), the Reports page (lms.reports.views) and the Database page
(lms.database.views); nothing imports it but the app factory.
"""

from flask import Flask, redirect, url_for
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.theme import Bootstrap4Theme

from lms.admin import (
    assessments,
    audit_log,
    catalog,
    course_analytics,
    learning,
    payments,
    people,
)
from lms.admin.csp_templates import CspSafeLoader
from lms.analytics import views as dashboards
from lms.database import views as database
from lms.reports import views as reports
from lms.roles import STAFF, AccessRules, init_roles
from lms.security import csp_nonce

# The menu, in this order; each entry is a function(admin) adding one domain's views.
VIEW_REGISTRARS = [
    people.register,
    catalog.register,
    learning.register,
    payments.register,
    assessments.register,
    course_analytics.register,
    audit_log.register,
    database.register,
    reports.register,
    dashboards.register,
]


class StaffIndexView(AccessRules, AdminIndexView):
    """The admin home: greets the user with their role and the links they may use."""

    read_roles = STAFF

    @expose("/")
    def index(self):
        links = [
            item
            for item in self.admin.menu()
            if not item.is_category()
            and item.is_accessible()
            and item.is_visible()
            and item.get_url().rstrip("/") != self.url.rstrip("/")  # not Home itself
        ]
        categories = [
            (item.name, [c for c in item.get_children() if c.is_accessible() and c.is_visible()])
            for item in self.admin.menu()
            if item.is_category()
        ]
        categories = [(name, children) for name, children in categories if children]
        return self.render("admin/index.html", links=links, categories=categories)


def init_site(app: Flask) -> Admin:
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
    loader = app.jinja_env.loader
    assert loader is not None  # Flask sets one up for the template folder
    app.jinja_env.loader = CspSafeLoader(loader)
    init_roles(app)
    return admin
