"""The course progress list's "at risk" filter: the Progress dashboard's at-risk tile links to it.

The same rule as `AT_RISK` in lms/analytics/live/progress.py, in the list's terms: progress
under 100%, no access for 30 days before the moment given, and the student's enrollment in the
course still ACTIVE and not refunded (tests/analytics/test_figure_definitions.py checks the list
shows exactly the students the tile counts).
"""

from datetime import datetime

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from sqlalchemy import exists

from lms.admin.drill import STAMP, stamp
from lms.models import CourseProgress, Enrollment, EnrollmentStatus, PaymentStatus
from lms.reports.learners import INACTIVE_AFTER

AS_OF = "at risk as of"


def parse_moment(value) -> datetime | None:
    try:
        return datetime.strptime(str(value).strip()[:30], STAMP)
    except ValueError:
        return None


class AtRiskAsOf(BaseSQLAFilter):
    """Course progress at risk at a moment (written as drill.stamp writes it)."""

    def validate(self, value) -> bool:
        return parse_moment(value) is not None

    def clean(self, value):
        return parse_moment(value)

    def apply(self, query, value, alias=None):
        running = exists().where(
            Enrollment.user_id == CourseProgress.user_id,
            Enrollment.course_id == CourseProgress.course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.payment_status != PaymentStatus.REFUNDED,
        )
        return query.filter(
            CourseProgress.last_accessed_at < value - INACTIVE_AFTER,
            CourseProgress.progress_percent < 100,
            running,
        )

    def operation(self) -> str:
        return AS_OF


def at_risk_filter() -> AtRiskAsOf:
    return AtRiskAsOf(CourseProgress.last_accessed_at, "At risk (ACTIVE, under 100%, 30 days idle)")


def as_of(moment: datetime) -> tuple[str, str, str]:
    """The drill.list_url condition for the students at risk at `moment`."""
    return ("last_accessed_at", AS_OF, stamp(moment))
