"""People: users, and (admins only) their OAuth accounts, sessions and verification tokens."""

import hashlib

from flask import abort
from flask_admin.actions import action
from flask_login import current_user
from sqlalchemy import func
from wtforms.validators import Email, InputRequired, Length

from lms import scoping
from lms.admin.base import StaffModelView
from lms.admin.display import USER_LINK, enum_name
from lms.admin.drill import time_ranges
from lms.admin.list_export import ListExportMixin
from lms.audit import previous_value
from lms.auth.accounts import count_admins, end_all_sessions, normalise_email
from lms.models import Account, Session, User, UserRole, VerificationToken
from lms.operations.purging import purge_expired_sessions
from lms.roles import ADMIN, NOBODY, STAFF

CATEGORY = "People"


class UserView(ListExportMixin, StaffModelView):
    export_report = "users"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.students)

    column_list = ["email", "name", "role", "email_verified", "created_at"]
    column_details_list = [
        "id",
        "email",
        "name",
        "role",
        "email_verified",
        "image",
        "created_at",
        "updated_at",
    ]
    column_labels = {
        "email_verified": "Email verified",
        "created_at": "Signed up",
        "updated_at": "Updated",
        "image": "Avatar URL",
    }
    column_formatters = {"role": enum_name}
    column_default_sort = ("created_at", True)
    column_searchable_list = ["email", "name"]
    column_filters = ["role", "created_at", "email_verified", *time_ranges(User.created_at)]
    column_sortable_list = ["email", "name", "role", "created_at"]
    form_columns = ["email", "name", "role", "email_verified", "image"]
    form_args = {"email": {"validators": [InputRequired(), Email(), Length(max=320)]}}

    def on_model_change(self, form, model, is_created):
        from wtforms.validators import ValidationError

        model.email = normalise_email(model.email)
        if not is_created and model.id == current_user.user_id and model.role is not UserRole.ADMIN:
            raise ValidationError("You cannot take away your own admin role.")
        old_role = previous_value(model, "role")
        if (
            not is_created
            and model.role is not UserRole.ADMIN
            and old_role is UserRole.ADMIN
            and count_admins() <= 1
        ):
            raise ValidationError("This is the last admin; make someone else admin first.")
        if not is_created and old_role is not model.role:
            end_all_sessions(model.id)  # they sign in again with what the new role allows
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model):
        from wtforms.validators import ValidationError

        if model.id == current_user.user_id:
            raise ValidationError("You cannot delete your own account.")
        if model.role is UserRole.ADMIN and count_admins() <= 1:
            raise ValidationError("This is the last admin and cannot be deleted.")
        super().on_model_delete(model)


class RevokeOnlyView(StaffModelView):
    """Admins list and delete (revoke) these; nobody creates or edits them here."""

    read_roles = ADMIN
    write_roles = ADMIN
    create_roles = NOBODY
    edit_roles = NOBODY
    column_formatters = {"user": USER_LINK}


class AccountView(RevokeOnlyView):
    # Tokens are never listed, shown or exported: allow-lists name every visible column.
    column_list = ["user", "provider", "type", "providerAccountId", "expires_at", "scope"]
    column_details_list = [
        "id",
        "user",
        "provider",
        "type",
        "provider_account_id",
        "expires_at",
        "token_type",
        "scope",
    ]
    column_labels = {"provider_account_id": "Provider account id", "expires_at": "Expires (epoch)"}
    column_searchable_list = ["provider", "provider_account_id"]
    column_filters = ["provider", "type"]
    column_sortable_list = ["provider", "type"]


class SessionView(RevokeOnlyView):
    action_roles = {"purge_expired": ADMIN}  # deletes rows: a revocation, like delete
    column_list = ["user", "expires"]

    @action("purge_expired", "Purge if expired", "Delete the selected sessions that have expired?")
    def action_purge_expired(self, ids):
        self.run_operation(
            lambda: purge_expired_sessions(ids=ids), "Purged {result} expired session(s)."
        )

    column_details_list = ["id", "user", "expires"]
    column_default_sort = ("expires", True)
    column_filters = ["expires"]
    column_sortable_list = ["expires"]


class VerificationTokenView(RevokeOnlyView):
    column_list = ["identifier", "expires"]
    column_details_list = ["identifier", "expires"]
    column_default_sort = ("expires", True)
    column_searchable_list = ["identifier"]
    column_filters = ["expires"]
    column_formatters = {}
    can_view_details = False
    action_disallowed_list = ["delete"]

    # The primary key is the token itself: rows are named by a digest of it in URLs and forms.
    def get_pk_value(self, model):
        return hashlib.sha256(model.token.encode()).hexdigest()

    def get_one(self, id):
        digest = func.encode(func.sha256(func.convert_to(VerificationToken.token, "UTF8")), "hex")
        row = self.get_query().filter(digest == str(id)).first()
        if row is None:
            abort(404)
        return row


def register(admin):
    admin.add_view(UserView(User, name="Users", category=CATEGORY, endpoint="user"))
    admin.add_view(
        AccountView(Account, name="OAuth accounts", category=CATEGORY, endpoint="account")
    )
    admin.add_view(SessionView(Session, name="Sessions", category=CATEGORY, endpoint="session"))
    admin.add_view(
        VerificationTokenView(
            VerificationToken,
            name="Verification tokens",
            category=CATEGORY,
            endpoint="verification_token",
        )
    )
