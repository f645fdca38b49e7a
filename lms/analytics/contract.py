"""The figures both sources provide, live (analytics/live/) and from the rollups (precomputed.py).

A dashboard asks `sources.figures_source(f)` for one of the two and calls these on it; both
return the same rows for the same data (tests/analytics/test_figure_sources.py checks every
member). Figures only the live queries provide are not listed here: they are cheap live or
about one course or quiz (pending payments, at-risk students, the funnel, lessons, people,
item analysis, the course and quiz choices, course_analytics) and views call them from their
dashboard's module, `live.<dashboard>.<figure>(f)`.
"""

from typing import Protocol

from lms.analytics.filters import Filters


class FigureSource(Protocol):
    """Figures over the range of `f` (unless one says otherwise) and its course scope.

    The rollups hold every course only, so `figures_source` never hands them a scoped `f`.
    """

    # --- revenue ---------------------------------------------------------------------------

    # Every amount in its own currency, never added to another (analytics/live/revenue.py
    # defines sales, refunds and net revenue).

    def revenue_series(self, f: Filters) -> list[dict]:
        """Per currency, per day or month: gross sales and sales, refunds by refund date, net."""

    def revenue_by_course(self, f: Filters) -> list[dict]:
        """Per currency, the top courses by gross sales (a deleted course has no title)."""

    def transactions_by_status(self, f: Filters) -> list[dict]:
        """Count, value and average of the payments made, per currency and status."""

    def revenue_months(self, f: Filters) -> list[dict]:
        """Per currency: gross sales this month so far, in the same span of last month
        (sql.month_spans), and in all of last month; whatever the range."""

    # --- enrollments and completion --------------------------------------------------------

    def enrollment_series(self, f: Filters) -> list[dict]:
        """Enrollments per day or month and status, zeros included."""

    def enrollment_overview(self, f: Filters) -> tuple[dict, list[dict]]:
        """Enrollments, completions, completion rate and average progress (an enrollment with
        no course_progress row at 0%): in total, and per course."""

    def time_to_completion(self, f: Filters) -> list[dict]:
        """Completions by their exact time since enrollment, with the median and 90th
        percentile in days (to 0.1)."""

    def completion_by_cohort(self, f: Filters) -> list[dict]:
        """Per month of enrollment: enrolled, completed within bins.COHORT_WINDOW_DAYS of
        enrolling, whether the cohort is old enough to compare, and the rate if it is."""

    def refunds_by_progress(self, f: Filters) -> list[dict]:
        """Refunded sales by how far the student had got in the course."""

    # --- progress --------------------------------------------------------------------------

    def progress_distribution(self, f: Filters) -> list[dict]:
        """Students active in the range (a lesson watched or completed in it; per course) by
        progress percent, in bins."""

    def progress_by_course(self, f: Filters) -> list[dict]:
        """Average progress per course of the students active in the range."""

    def progress_totals(self, f: Filters) -> dict:
        """Students active in the range, their average progress, and how many finished."""

    # --- assessments -----------------------------------------------------------------------

    def quiz_pass_rates(self, f: Filters) -> list[dict]:
        """Per quiz, most attempted first: attempts, pass rate and average score."""

    def assessment_totals(self, f: Filters) -> dict:
        """Attempts, pass rate, average score, and quiz starts (first attempts)."""

    def score_distribution(self, f: Filters) -> list[dict]:
        """Attempts by score in tens, passed and failed apart."""

    def attempts_per_student(self, f: Filters) -> list[dict]:
        """Students whose first attempt at a quiz fell in the range, by attempts at it."""


# The members' names in declaration order: what the class body defines or annotates
# (typing.get_protocol_members comes with Python 3.13).
FIGURES = tuple(
    name
    for name in [*vars(FigureSource), *vars(FigureSource).get("__annotations__", {})]
    if not name.startswith("_")
)
