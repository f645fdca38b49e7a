"""GET/POST /login, POST /logout, and the signed-in user's change-password page."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import accounts, passwords, throttle
from lms.auth.forms import ChangePasswordForm, LoginForm
from lms.db import db
from lms.security import same_site

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """`next` only when it is a path on this site; otherwise the admin index."""
    return same_site(target, url_for("admin.index"))


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
    email_key, address_keys = keys[0], keys[1:]
    throttle.hold(keys)  # until this attempt is counted
    verdicts = throttle.verdicts(keys)
    if not verdicts[email_key].allowed:
        return too_many(verdicts[email_key], form)
    staff, message = accounts.authenticate(form.email.data, form.password.data)
    # A busy address (an office behind one proxy) never blocks the right password of an
    # account nobody is attacking; anything else from it waits.
    blocked = [verdicts[k] for k in address_keys if not verdicts[k].allowed]
    if blocked and (staff is None or throttle.under_attack(email_key)):
        if staff is None:
            throttle.record_failure(keys)
        return too_many(blocked[0], form)
    if staff is None:
        throttle.record_failure(keys)
        return render_template("auth/login.html", form=form, error=message), 401
    throttle.record_success(email_key)
    begin_session(staff)
    return redirect(safe_next(request.args.get("next")))


def begin_session(staff) -> None:
    """A new server-side session, and a new cookie session: nothing from before sign-in
    (the CSRF secret included) carries over."""
    session.clear()
    session.permanent = True  # the cookie expires with the session's absolute lifetime
    login_user(accounts.start_session(staff, request.user_agent.string, request.remote_addr))


def finish_session(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.end_session(current_user.session_token)
        db.session.commit()
    return finish_session("You are signed out.")


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    ended = accounts.end_all_sessions(current_user.user_id)
    db.session.commit()
    return finish_session(
        f"You are signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended)."
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        problem = passwords.password_problem(
            form.new_password.data, current_user.email, current_user.name
        )
        if not accounts.check_password(current_user.user_id, form.current_password.data):
            error = "The current password is not right."
        elif problem:
            error = problem
        else:
            user = db.session.get_one(accounts.User, current_user.user_id)
            accounts.set_password(user, form.new_password.data)  # ends every session
            db.session.commit()
            begin_session(current_user._get_current_object())  # this browser stays in
            flash("Your password was changed. Other sessions are signed out.", "success")
            return redirect(url_for("admin.index"))
    elif request.method == "POST":
        error = "; ".join(msg for errors in form.errors.values() for msg in errors)
    status = 400 if error else 200
    return render_template("auth/change_password.html", form=form, error=error), status
