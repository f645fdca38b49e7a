"""Who may do what: the role sets, who is asking, and the access rule of every endpoint.

- `ADMIN`, `STAFF`, `NOBODY`, `PUBLIC`: the only definitions of the role sets.
- `Viewer`: who is asking (a signed-in person or the command line); the one place that
  answers "is this an instructor?" (`current_viewer().instructor_id`).
- Access declarations: admin views and pages declare theirs on the class (`AccessRules`:
  `read_roles`, and for model views the finer write roles in lms.admin.base); the endpoints
  outside the admin are listed in `NON_ADMIN_ENDPOINTS`. `declared_access` answers for any
  endpoint, and `refuse_undeclared` enforces it on every request: an endpoint nobody
  declared is refused, a role outside the declared set is sent to sign in or refused.
  Admin views then apply their finer rules (an action the role may not run goes back to the
  list with a message) in `AccessRules` and lms.admin.base.
"""

from dataclasses import dataclass

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_admin import BaseView
from flask_login import current_user

from lms.models import UserRole
from lms.security import render_error

ADMIN = frozenset({UserRole.ADMIN})
STAFF = frozenset({UserRole.ADMIN, UserRole.INSTRUCTOR})
NOBODY: frozenset[UserRole] = frozenset()
PUBLIC = "public"

# endpoint -> PUBLIC or the roles that may use it. Every endpoint outside the admin views must
# be listed: an unlisted one is refused at run time (refuse_undeclared), and the permission
# walk (tests/test_permissions.py) fails.
NON_ADMIN_ENDPOINTS: dict[str, str | frozenset[UserRole]] = {
    "root": PUBLIC,  # redirects to the admin, which asks anonymous visitors to sign in
    "static": PUBLIC,
    "admin.static": PUBLIC,
    "auth.login": PUBLIC,
    "health.healthz": PUBLIC,
    "auth.logout": PUBLIC,  # signing out is harmless for anyone (and CSRF-checked)
    "auth.change_password": STAFF,
    "auth.sign_out_everywhere": STAFF,
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a role (None when nobody is signed in) and, for people, their user id."""

    role: UserRole | None
    user_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN

    @property
    def instructor_id(self) -> str | None:
        """The user id when the viewer is an instructor (whose rows are scoped), else None."""
        return self.user_id if self.role is UserRole.INSTRUCTOR else None

    @property
    def is_instructor(self) -> bool:
        return self.instructor_id is not None


COMMAND_LINE = Viewer(role=UserRole.ADMIN)  # whoever runs `flask` owns the server anyway


def current_viewer() -> Viewer:
    if not current_user.is_authenticated:
        return Viewer(role=None)
    return Viewer(role=current_user.role, user_id=current_user.user_id)


def current_role() -> UserRole | None:
    return current_viewer().role


def admin_view_for(app: Flask, endpoint: str):
    """The Flask-Admin view that serves `endpoint`, or None."""
    blueprint = endpoint.split(".", 1)[0]
    for admin in app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == blueprint:
                return view
    return None


def declared_access(app: Flask, endpoint: str) -> str | frozenset[UserRole] | None:
    """PUBLIC, a frozenset of roles, or None when nobody declared who may use it."""
    if endpoint in NON_ADMIN_ENDPOINTS:
        return NON_ADMIN_ENDPOINTS[endpoint]
    view = admin_view_for(app, endpoint)
    if view is None or not isinstance(view, AccessRules) or not view.declares_access():
        return None
    return view.roles_for(endpoint.split(".", 1)[1])


def refuse_undeclared():
    """before_request: every request meets its endpoint's declared roles, here and only here."""
    if request.endpoint is None:
        return None  # no route matched: the 404 follows
    access = declared_access(current_app, request.endpoint)
    if access is None:
        current_app.logger.error("refused %s: no access declared for it", request.endpoint)
        return abort(403)
    if access == PUBLIC or current_role() in access:
        return None
    view = admin_view_for(current_app, request.endpoint)
    if view is not None:  # the view words its refusal (e.g. an action: back to the list)
        return view.refuse(request.endpoint.split(".", 1)[1])
    return refuse()


def unauthorized():
    """Anonymous visitors: HTML pages go to /login; XHR and JSON callers get 401."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.is_json:
        return render_error(401, "Sign in first.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def refuse():
    """Visitors are asked to sign in; a signed-in person without the role gets a 403."""
    if not current_user.is_authenticated:
        return unauthorized()
    return abort(403)


def init_roles(app: Flask) -> None:
    app.before_request(refuse_undeclared)

    @app.context_processor
    def viewer():  # templates ask `viewer.is_instructor`, as the code does
        return {"viewer": current_viewer()}


class AccessRules:
    """Role checks shared by admin pages and model views. `read_roles` must be declared."""

    read_roles: frozenset[UserRole] | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Checked again at registration; here it catches typos such as a set of strings.
        if cls.read_roles is not None and not all(isinstance(r, UserRole) for r in cls.read_roles):
            raise TypeError(f"{cls.__name__}.read_roles must hold UserRole members")

    def is_accessible(self) -> bool:
        return current_role() in (self.read_roles or NOBODY)

    def inaccessible_callback(self, name, **kwargs):
        return self.refuse(name)

    def refuse(self, endpoint_name: str):
        """The answer to a role that may not call `endpoint_name`."""
        return refuse()

    @classmethod
    def declares_access(cls) -> bool:
        return cls.read_roles is not None

    def roles_for(self, endpoint_name: str) -> frozenset[UserRole]:
        return self.read_roles or NOBODY


class StaffPage(AccessRules, BaseView):
    """A custom page (dashboard, report) in the admin."""
