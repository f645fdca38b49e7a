"""Every report by name, in the order the Reports page lists them."""

from lms.reports import learners, payments
from lms.reports.base import Report
from lms.roles import Viewer

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        learners.enrollments,
        payments.transactions,
        learners.course_progress,
        learners.lesson_progress,
        learners.quiz_attempts,
        learners.certificates,
        learners.users,
        payments.revenue_by_month,
        payments.revenue_by_course,
        learners.never_started,
        learners.inactive_students,
        learners.stuck_students,
        payments.pending_payments,
    )
}


def reports_for(viewer: Viewer) -> list[Report]:
    """The reports a viewer may download."""
    return [report for report in REPORTS.values() if report.allows(viewer)]
