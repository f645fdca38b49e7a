"""Who may call the endpoints that are not admin views (admin views declare their own)."""

from lms.models import UserRole

PUBLIC = "public"
STAFF = frozenset({UserRole.ADMIN, UserRole.INSTRUCTOR})

# endpoint -> PUBLIC or the roles that may use it. A new blueprint endpoint must be listed
# here, or the permission walk (tests/test_permissions.py) fails.
NON_ADMIN_ENDPOINTS = {
    "root": PUBLIC,  # redirects to the admin, which asks anonymous visitors to sign in
    "static": PUBLIC,
    "admin.static": PUBLIC,
    "auth.login": PUBLIC,
    "health.healthz": PUBLIC,
    "auth.logout": PUBLIC,  # signing out is harmless for anyone (and CSRF-checked)
    "auth.change_password": STAFF,
    "auth.sign_out_everywhere": STAFF,
}


def admin_view_for(app, endpoint: str):
    """The Flask-Admin view that serves `endpoint`, or None."""
    blueprint = endpoint.split(".", 1)[0]
    for admin in app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == blueprint:
                return view
    return None


def declared_access(app, endpoint: str):
    """PUBLIC, a frozenset of roles, or None when nobody declared who may use it."""
    if endpoint in NON_ADMIN_ENDPOINTS:
        return NON_ADMIN_ENDPOINTS[endpoint]
    view = admin_view_for(app, endpoint)
    if view is None or not getattr(view, "declares_access", lambda: False)():
        return None
    return view.roles_for(endpoint.split(".", 1)[1])
