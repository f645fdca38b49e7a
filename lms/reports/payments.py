"""Reports on money: transactions, pending payments, revenue by month and by course."""

from datetime import timedelta

from sqlalchemy import Integer, and_, cast, func, select

from lms.models import PaymentStatus, Transaction
from lms.reports.base import RowReport, SummaryReport
from lms.reports.cells import sql_string
from lms.reports.joins import COURSE, USER, course_title, taught_by, user_email

PENDING_AFTER = timedelta(minutes=15)

TRANSACTION_JOINS = (
    (USER, USER.id == Transaction.user_id),
    (COURSE, COURSE.id == Transaction.course_id),
)

transactions = RowReport(
    name="transactions",
    title="Transactions",
    description="Every payment, with the student and course it names (kept after either is "
    "deleted) and the provider's metadata as JSON.",
    date_label="created",
    model=Transaction,
    columns=(
        ("transaction_id", Transaction.id),
        ("created_at", Transaction.created_at),
        ("user_id", Transaction.user_id),
        ("user_email", user_email()),
        ("course_id", Transaction.course_id),
        ("course_title", course_title()),
        ("amount", Transaction.amount),
        ("currency", Transaction.currency),
        ("status", Transaction.status),
        ("provider", Transaction.provider),
        ("provider_txn_id", Transaction.provider_txn_id),
        ("metadata", Transaction.details),
        ("updated_at", Transaction.updated_at),
    ),
    joins=TRANSACTION_JOINS,
    date_column=Transaction.created_at,
    order_by=(Transaction.created_at.desc(), Transaction.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: Transaction.course_id == course_id,
)


def minutes_pending(filters):
    return cast(
        func.floor(func.extract("epoch", filters.as_of - Transaction.created_at) / 60), Integer
    )


pending_payments = RowReport(
    name="pending-payments",
    title="Pending payments",
    description="Payments still PENDING more than 15 minutes after they started (to retry).",
    date_label="created",
    model=Transaction,
    columns=(
        ("transaction_id", Transaction.id),
        ("created_at", Transaction.created_at),
        ("minutes_pending", minutes_pending),
        ("user_email", user_email()),
        ("course_title", course_title()),
        ("amount", Transaction.amount),
        ("currency", Transaction.currency),
        ("provider", Transaction.provider),
        ("provider_txn_id", Transaction.provider_txn_id),
    ),
    joins=TRANSACTION_JOINS,
    date_column=Transaction.created_at,
    order_by=(Transaction.created_at, Transaction.id),
    instructor_scope=taught_by,
    course_filter=lambda course_id: Transaction.course_id == course_id,
    conditions=lambda filters: (
        Transaction.status == PaymentStatus.PENDING,
        Transaction.created_at < filters.as_of - PENDING_AFTER,
    ),
)


def completed_payments(filters, viewer):
    """The rows revenue is made of: COMPLETED transactions in the filters and the viewer's scope."""
    clauses = [Transaction.status == PaymentStatus.COMPLETED]
    if filters.course_id is not None:
        clauses.append(Transaction.course_id == filters.course_id)
    if filters.starts_at is not None:
        clauses.append(Transaction.created_at >= filters.starts_at)
    if filters.ends_at is not None:
        clauses.append(Transaction.created_at <= filters.ends_at)
    if viewer.instructor_id is not None:
        clauses.append(taught_by(viewer.instructor_id))
    return and_(*clauses)


def revenue_by_month_query(filters, viewer):
    # Constants written into the SQL, so GROUP BY matches the selected expression exactly.
    month = func.to_char(
        func.date_trunc(sql_string("month"), Transaction.created_at), sql_string("YYYY-MM")
    )
    return (
        select(
            month.label("month"),
            Transaction.currency.label("currency"),
            func.count().label("payments"),
            func.sum(Transaction.amount).label("revenue"),
        )
        .select_from(Transaction)
        .outerjoin(COURSE, COURSE.id == Transaction.course_id)
        .where(completed_payments(filters, viewer))
        .group_by(month, Transaction.currency)
        .order_by(month.desc(), Transaction.currency)
    )


revenue_by_month = SummaryReport(
    name="revenue-by-month",
    title="Revenue by month",
    description="Completed payments per calendar month (UTC) and currency.",
    date_label="paid",
    column_headers=("month", "currency", "payments", "revenue"),
    query=revenue_by_month_query,
)


def revenue_by_course_query(filters, viewer):
    revenue = func.sum(Transaction.amount)
    return (
        select(
            course_title().label("course_title"),
            COURSE.slug.label("course_slug"),
            Transaction.course_id.label("course_id"),
            Transaction.currency.label("currency"),
            func.count().label("payments"),
            revenue.label("revenue"),
        )
        .select_from(Transaction)
        .outerjoin(COURSE, COURSE.id == Transaction.course_id)
        .where(completed_payments(filters, viewer))
        .group_by(Transaction.course_id, COURSE.title, COURSE.slug, Transaction.currency)
        .order_by(revenue.desc(), COURSE.title, Transaction.course_id)
    )


revenue_by_course = SummaryReport(
    name="revenue-by-course",
    title="Revenue by course",
    description="Completed payments per course and currency, highest revenue first.",
    date_label="paid",
    column_headers=("course_title", "course_slug", "course_id", "currency", "payments", "revenue"),
    query=revenue_by_course_query,
)
