"""Pre-computed per-course figures (course_analytics), refreshed by the app."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Double, Index, Integer, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import Money, Timestamp, id_column, utcnow


class CourseAnalytics(Model):
    __tablename__ = "course_analytics"
    __table_args__ = (
        Index("course_analytics_courseId_key", "courseId", unique=True),
        Index("course_analytics_courseId_idx", "courseId"),
    )

    id: Mapped[str] = id_column()
    # No foreign key in Prisma.
    course_id: Mapped[str] = mapped_column("courseId", Text, nullable=False)
    total_enrollments: Mapped[int] = mapped_column(
        "totalEnrollments", Integer, nullable=False, default=0, server_default=text("0")
    )
    active_enrollments: Mapped[int] = mapped_column(
        "activeEnrollments", Integer, nullable=False, default=0, server_default=text("0")
    )
    completion_rate: Mapped[float] = mapped_column(
        "completionRate", Double, nullable=False, default=0, server_default=text("0")
    )
    average_progress: Mapped[float] = mapped_column(
        "averageProgress", Double, nullable=False, default=0, server_default=text("0")
    )
    total_revenue: Mapped[Decimal] = mapped_column(
        "totalRevenue", Money, nullable=False, default=Decimal("0"), server_default=text("0")
    )
    average_rating: Mapped[float | None] = mapped_column("averageRating", Double)
    last_calculated_at: Mapped[datetime] = mapped_column(
        "lastCalculatedAt",
        Timestamp,
        nullable=False,
        default=utcnow,
        server_default=func.current_timestamp(),
    )

    course = relationship(
        "Course", primaryjoin="foreign(CourseAnalytics.course_id) == Course.id", viewonly=True
    )
