"""Request-wide protection: CSRF, a nonce-based Content-Security-Policy, security headers, errors."""
import logging
import secrets

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# One CSRF mechanism for the whole app (Flask-Admin forms included): Flask-WTF's.
csrf = CSRFProtect()

ERROR_TEXT = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address, or it is not yours to see."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    429: ("Slow down", "Too many requests. Please wait and try again."),
    500: ("Something went wrong", "The error was logged. Please try again or tell an admin."),
}


def csp_nonce() -> str:
    """The nonce of this request's inline scripts (same value for the whole request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    return "; ".join([
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
    ])


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
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
    return render_error(400, "The form expired or was not sent from this site. "
                             "Reload the page and try again.")


def handle_unexpected_error(error: Exception):
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    app.after_request(add_security_headers)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
