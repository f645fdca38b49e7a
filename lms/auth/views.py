"""GET/POST /login, POST /logout, and the signed-in user's change-password page."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import accounts, passwords, throttle
from lms.auth.forms import ChangePasswordForm, LoginForm
from lms.db import db
from lms.security import render_error

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """`next` only when it is a path on this site; otherwise the admin index."""
    default = url_for("admin.index")
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return default
    return target


def too_many(verdict: throttle.Verdict, form: LoginForm):
    body, status = render_template("auth/login.html", form=form, error=verdict.message), 429
    return body, status, {"Retry-After": str(verdict.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form, error=None), status
    keys = throttle.throttle_keys(form.email.data, request.remote_addr)
    verdict = throttle.check(keys)
    if not verdict.allowed:
        return too_many(verdict, form)
    staff, message = accounts.authenticate(form.email.data, form.password.data)
    if staff is None:
        throttle.record_failure(keys)
        return render_template("auth/login.html", form=form, error=message), 401
    throttle.record_success(keys[0])
    login_user(staff)
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        problem = passwords.password_problem(form.new_password.data)
        if not accounts.check_password(current_user.user_id, form.current_password.data):
            error = "The current password is not right."
        elif problem:
            error = problem
        else:
            user = db.session.get(accounts.User, current_user.user_id)
            accounts.set_password(user, form.new_password.data)
            db.session.commit()
            # The session id includes the password fingerprint: sign in again with the new one.
            staff, _ = accounts.authenticate(user.email, form.new_password.data)
            login_user(staff)
            flash("Your password was changed. Other sessions are signed out.", "success")
            return redirect(url_for("admin.index"))
    elif request.method == "POST":
        error = "; ".join(msg for errors in form.errors.values() for msg in errors)
    status = 400 if error else 200
    return render_template("auth/change_password.html", form=form, error=error), status


def unauthorized():
    """Anonymous visitors: HTML pages go to /login; XHR and JSON callers get 401."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.is_json:
        return render_error(401, "Sign in first.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
