"""One result per submitted form: each admin form carries a one-time token.

A second submission of the same form (a double click, a browser resending the request) finds
its token taken and writes nothing. The token is claimed in the transaction that saves the
form, so a save that fails releases it and the person can correct and resubmit.
"""

import secrets

from flask import flash
from flask_login import current_user
from sqlalchemy.dialects.postgresql import insert
from wtforms import HiddenField

from lms.admin.mixin_base import ModelViewMixin
from lms.db import db
from lms.models import FormSubmission

ALREADY_SUBMITTED = (
    "This form was already submitted (a second click?), and was saved once. "
    "Open the row again to make another change."
)


def claim(token: str | None) -> bool:
    """True when this submission may go ahead (no token: a hand-made request, not a click)."""
    if not token:
        return True
    statement = (
        insert(FormSubmission)
        .values(token=token[:100], user_id=getattr(current_user, "user_id", None))
        .on_conflict_do_nothing()
        .returning(FormSubmission.token)
    )
    return db.session.scalar(statement) is not None


class OneSubmission(ModelViewMixin):
    """Mixin for ModelView: a token field in create and edit forms, claimed on save."""

    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.form_token = HiddenField("One-time form token")
        return form_class

    def with_token(self, form):
        if "form_token" in form and not form.form_token.data:
            form.form_token.data = secrets.token_urlsafe(16)
        return form

    def create_form(self, obj=None):
        return self.with_token(super().create_form(obj))

    def edit_form(self, obj=None):
        return self.with_token(super().edit_form(obj))

    def first_submission(self, form) -> bool:
        if claim(form.form_token.data if "form_token" in form else None):
            return True
        flash(ALREADY_SUBMITTED, "error")
        return False
