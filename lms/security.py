"""Request-wide protection: CSRF, a nonce-based CSP, security headers, error pages."""

import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

# One CSRF mechanism for the whole app (Flask-Admin forms included): Flask-WTF's.
csrf = CSRFProtect()

ERROR_TEXT = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address, or it is not yours to see."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What was sent is larger than this app accepts."),
    429: ("Slow down", "Too many requests. Please wait and try again."),
    500: ("Something went wrong", "The error was logged. Please try again or tell an admin."),
}


def csp_nonce() -> str:
    """The nonce of this request's inline scripts (same value for the whole request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            # Bootstrap, select2 and plotly set style attributes at run time.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


# --- return targets: one same-site rule for every redirect -----------------------------------

RETURN_TARGETS = ("url", "next")  # Flask-Admin's return target, and sign-in's


def is_same_site(target) -> bool:
    """A path on this site: one leading '/', no scheme or host, no backslash or control
    character. (Flask-Admin's own check lets `http:evil.example` through.)"""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def same_site(target, default: str) -> str:
    return target if is_same_site(target) else default


def drop_off_site_return_targets():
    """Before any view runs: a `url=`/`next=` in the query string that leaves the site is
    removed, so no view redirects to it and no page links to it. (Form bodies keep theirs: a
    Media row has a field named `url`; the views that read a return target from a form use
    `same_site` themselves.)"""
    off_site = {
        name
        for name in RETURN_TARGETS
        if any(not is_same_site(v) for v in request.args.getlist(name))
    }
    if off_site:
        request.args = ImmutableMultiDict(
            [(k, v) for k, v in request.args.items(multi=True) if k not in off_site]
        )
        request.__dict__.pop("values", None)  # rebuilt from the cleaned args


# Forms whose every field is checked for NUL by lms.admin.fields.LmsForm, with the message
# shown next to the field (a person can correct it there).
FIELD_CHECKED_FORMS = (".create_view", ".edit_view")


def refuse_nul_characters():
    """A NUL can be neither stored nor searched in PostgreSQL: refused here, once, for every
    query parameter and form field of every endpoint before any view or query sees it (the
    admin's create and edit forms say it next to the field instead)."""
    sources = [request.args]
    if not (request.endpoint or "").endswith(FIELD_CHECKED_FORMS):
        sources.append(request.form)
    for values in sources:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(
                    400,
                    "The request contains a NUL character, which cannot be stored or "
                    "searched. Remove it and try again.",
                )


def keep_redirects_on_site(response):
    """The last guard: a redirect never leaves the site, whatever built it."""
    location = response.headers.get("Location")
    if (
        300 <= response.status_code < 400
        and location
        and not is_same_site(location)
        and not location.startswith(request.host_url)
    ):
        log.warning("off-site redirect to %r replaced on %s", location[:200], request.path)
        response.headers["Location"] = url_for("admin.index")
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def render_error(status: int, message: str | None = None):
    title, default_text = ERROR_TEXT.get(status, (f"Error {status}", ""))
    text = message or default_text
    if wants_json():
        return jsonify(error=title, message=text), status
    return render_template("errors/error.html", status=status, title=title, message=text), status


def handle_http_error(error: HTTPException):
    if error.code in (301, 302, 303, 307, 308) or error.code is None:
        return error
    description = None
    if error.code in (400, 429) and isinstance(error.description, str):
        description = error.description  # our own messages; never SQL
    return render_error(error.code, description)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400, "The form expired or was not sent from this site. Reload the page and try again."
    )


def handle_unexpected_error(error: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def init_security(app: Flask) -> None:
    if app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the proxies in front saw them (throttling by
        # address, Secure cookies); with 0 proxies the headers are ignored (anyone can send them).
        hops = app.config["TRUSTED_PROXIES"]
        # Flask documents wrapping wsgi_app by assignment; mypy refuses any assignment to a
        # method (python/mypy#7347), hence the ignore.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    csrf.init_app(app)
    # Form bodies: the longest text a field takes (500,000 characters, lms.admin.fields) in
    # UTF-8, with room; Flask's own default (500 kB) would refuse it with a 413.
    app.config["MAX_FORM_MEMORY_SIZE"] = 4 * 1024 * 1024
    app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
    app.before_request(refuse_nul_characters)
    app.before_request(drop_off_site_return_targets)
    app.after_request(keep_redirects_on_site)
    app.after_request(add_security_headers)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
