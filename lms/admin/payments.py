"""Payments: transactions (kept when their user or course is deleted)."""

from flask_admin.actions import action
from wtforms.validators import InputRequired, Optional

from lms import scoping
from lms.admin import lookups
from lms.admin.base import StaffModelView
from lms.admin.display import COURSE_LINK, USER_LINK, enum_name, money
from lms.admin.drill import time_ranges
from lms.admin.fields import CURRENCY_CODE, JsonField, MoneyField
from lms.admin.list_export import ListExportMixin
from lms.audit import previous_value
from lms.models import Transaction
from lms.operations.payments import refund
from lms.operations.transitions import check_payment_move
from lms.roles import ADMIN, STAFF


class TransactionView(ListExportMixin, StaffModelView):
    export_report = "transactions"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.transactions)

    column_list = [
        "created_at",
        "user",
        "course",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_txn_id",
    ]
    column_details_list = [
        "id",
        "user",
        "course",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_txn_id",
        "details",
        "created_at",
        "updated_at",
    ]
    column_labels = {
        "provider_txn_id": "Provider txn id",
        "details": "Metadata",
        "created_at": "Created",
        "updated_at": "Updated",
    }
    column_formatters = {
        "user": USER_LINK,
        "course": COURSE_LINK,
        "amount": money,
        "status": enum_name,
    }
    column_default_sort = ("created_at", True)
    column_searchable_list = ["provider_txn_id"]
    column_filters = [
        "status",
        "provider",
        "amount",
        "created_at",
        "currency",
        "user_id",
        "course_id",
        *time_ranges(Transaction.created_at, Transaction.updated_at),
    ]
    column_sortable_list = ["created_at", "amount", "status", "provider"]
    form_columns = [
        "user_id",
        "course_id",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_txn_id",
        "details",
    ]
    form_overrides = {"amount": MoneyField}
    form_args = {
        "amount": {"validators": [InputRequired()]},
        "currency": CURRENCY_CODE,
        "provider_txn_id": {"validators": [Optional()], "filters": [lambda v: v or None]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups(
        "user_id", "course_id", labels={"user_id": "User"}
    )
    form_extra_fields["details"] = JsonField("Metadata")

    def search_placeholder(self):
        return "Exact provider txn id or transaction id"

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Exact match on two unique keys: instant on a million rows (ILIKE '%…%' is not)."""
        term = search.strip()
        match = (Transaction.provider_txn_id == term) | (Transaction.id == term)
        query = query.filter(match)
        if count_query is not None:
            count_query = count_query.filter(match)
        return query, count_query, joins, count_joins

    def on_model_change(self, form, model, is_created):
        check_payment_move(previous_value(model, "status"), model.status)
        super().on_model_change(form, model, is_created)

    @action("refund", "Refund", "Refund the selected payments? Their enrollments are cancelled.")
    def action_refund(self, ids):
        own = self.own_ids(ids)
        self.run_operation(
            lambda: len([refund(row_id) for row_id in own]),
            "Refunded {result} payment(s); their enrollments are cancelled.",
        )


def register(admin):
    admin.add_view(
        TransactionView(
            Transaction, name="Transactions", category="Payments", endpoint="transaction"
        )
    )
