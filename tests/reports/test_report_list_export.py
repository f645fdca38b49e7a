"""A list view's CSV (lms/admin/list_export.py): its filters, search and sort, report columns."""

import pytest
from report_support import expected_rows, parse_csv, parse_json_columns, sql_rows
from sqlalchemy import select

from lms.admin.base import StaffModelView
from lms.admin.list_export import ListExportMixin
from lms.db import db
from lms.models import AuditEntry, Course, Transaction, User, UserRole
from lms.roles import STAFF


def own_transactions(query, instructor_id):
    own = select(Course.id).where(Course.instructor_id == instructor_id)
    return query.filter(Transaction.course_id.in_(own))


class ExportableTransactions(ListExportMixin, StaffModelView):
    read_roles = STAFF
    instructor_scope = staticmethod(own_transactions)
    export_report = "transactions"
    named_filter_urls = True
    column_list = ["created_at", "user", "amount", "status"]  # "user" adds a joinedload
    column_filters = ["status", "amount", "user.email"]  # user.email joins users
    column_searchable_list = ["provider"]
    column_sortable_list = ["amount", "created_at"]
    column_default_sort = ("created_at", True)


class ExportableUsers(ListExportMixin, StaffModelView):
    read_roles = STAFF
    instructor_scope = staticmethod(lambda query, _id: query)
    export_report = "users"


@pytest.fixture
def app(app):
    """The app with two list views that export (added before its first request)."""
    admin = app.extensions["admin"][0]
    admin.add_view(ExportableTransactions(Transaction, endpoint="tx_export", url="tx-export"))
    admin.add_view(ExportableUsers(User, endpoint="user_export", url="user-export"))
    return app


TRANSACTIONS_SQL = """
    SELECT t.id, t."createdAt", t."userId", COALESCE(u.email, '(deleted user)'), t."courseId",
           COALESCE(c.title, '(deleted course)'), t.amount, t.currency, t.status::text,
           t.provider, t."providerTxnId", t.metadata, t."updatedAt"
    FROM transactions t LEFT JOIN users u ON u.id = t."userId"
    LEFT JOIN courses c ON c.id = t."courseId"
    WHERE {where} ORDER BY {order}
"""


def exported(client, query=""):
    response = client.get(f"/admin/tx-export/export.csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    header, rows = parse_csv(response.get_data())
    return header, parse_json_columns(rows, [11])


def expected(app, where="true", order='t."createdAt" DESC'):
    return expected_rows(sql_rows(app, TRANSACTIONS_SQL.format(where=where, order=order)))


def test_export_follows_the_lists_default_sort(app, admin_client, world):
    header, rows = exported(admin_client)
    assert header[:3] == ["transaction_id", "created_at", "user_id"]
    assert rows == expected(app)


def test_export_keeps_the_lists_filter_search_and_sort(app, admin_client, world):
    # status = COMPLETED, provider contains "strip", sorted by amount (column 2 of the list).
    header, rows = exported(admin_client, "?flt0_status_equals=COMPLETED&search=strip&sort=2")
    where = "t.status = 'COMPLETED' AND t.provider ILIKE '%strip%'"
    assert rows == expected(app, where, order="t.amount")
    assert [row[header.index("amount")] for row in rows] == [
        "-5.00",
        "0.10",
        "0.20",
        "12.34",
        "100.00",
    ]


def test_a_filter_that_joins_users_does_not_clash_with_the_reports_joins(app, admin_client, world):
    _header, rows = exported(admin_client, "?flt0_user_users_email_equals=cy%40example.com")
    assert rows == expected(app, "u.email = 'cy@example.com'")
    assert len(rows) == 2


def test_instructor_list_export_holds_only_their_courses(app, instructor_client, world):
    _header, rows = exported(instructor_client)
    assert rows == expected(app, f"c.\"instructorId\" = '{world['me']}'")
    assert len(rows) == 7


def test_list_export_is_audited_with_the_list_state(app, admin_client, world):
    exported(admin_client, "?flt0_status_equals=PENDING&page=2&bom=1")
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.table_name == "transactions" and entry.details["source"] == "list view"
    assert entry.details["filters"] == {"flt0_status_equals": "PENDING"}
    assert (entry.details["rows"], entry.details["bom"]) == (3, True)


def test_a_list_exporting_an_admin_only_report_declares_it_and_refuses_instructors(
    app, admin_client, instructor_client, world
):
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "user_export")
    assert view.roles_for("export_csv") == frozenset({UserRole.ADMIN})
    assert view.roles_for("index_view") == STAFF
    assert instructor_client.get("/admin/user-export/export.csv").status_code == 403
    assert admin_client.get("/admin/user-export/export.csv").status_code == 200


def test_export_url_carries_the_lists_query_string(app, admin_client):
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "tx_export")
    with app.test_request_context("/admin/tx-export/?search=x&sort=1&page=3"):
        assert view.export_url() == "/admin/tx-export/export.csv?search=x&sort=1"
