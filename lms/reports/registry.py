"""Every report by name, in the order the Reports page lists them."""

from lms.reports import activity, payments
from lms.reports.base import Report

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        activity.enrollments,
        payments.transactions,
        activity.course_progress,
        activity.lesson_progress,
        activity.quiz_attempts,
        activity.certificates,
        activity.users,
        payments.revenue_by_month,
        payments.revenue_by_course,
        activity.inactive_students,
        payments.pending_payments,
    )
}


def reports_for(role) -> list[Report]:
    """The reports a role may download."""
    return [report for report in REPORTS.values() if role in report.roles]
