"""The dashboard pages (Analytics menu): read the filters, ask for the figures, render them.

Shared figures come from `source`, the one `figures_source` picks (live or rollups); the
others always from their dashboard's live module, `live.<dashboard>`.
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from urllib.parse import quote

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from plotly.offline import get_plotlyjs_version
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BuildError

from lms import audit
from lms.admin import at_risk
from lms.admin.drill import equals, list_url
from lms.analytics import charts, drill_down, live
from lms.analytics.bins import COHORT_WINDOW_DAYS
from lms.analytics.filters import PRESETS, Filters, parse_range, pick_choice
from lms.analytics.live.assessments import MIN_ITEM_ATTEMPTS
from lms.analytics.refresh import refresh_everything
from lms.analytics.rollups import refreshed_at
from lms.analytics.sources import figures_source, rollup_threshold
from lms.analytics.sql import month_spans
from lms.db import db
from lms.models import utcnow
from lms.roles import ADMIN, STAFF, StaffPage, current_viewer
from lms.security import same_site

log = logging.getLogger(__name__)
CATEGORY = "Analytics"
YEAR = 365 * 24 * 3600


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, to 0.1 (halves up, as SQL's round), or None when whole is 0."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change(now: Decimal, before: Decimal) -> Decimal | None:
    """Relative change in percent, or None when there is nothing to compare with."""
    return share(now - before, before)


def revenue_totals(series: list[dict], currencies: list[str]) -> list[dict]:
    """Per currency, the range's gross sales, refunds, net revenue, refund rate (refunds ÷
    gross, by amount) and average order (gross ÷ sales, to the cent): the chart's rows added
    up, so the tiles and the chart agree."""
    totals: dict[str, dict] = {
        c: {"currency": c, "gross": Decimal(0), "sales": 0, "refunded": Decimal(0), "refunds": 0}
        for c in currencies
    }
    for row in series:
        for key in ("gross", "sales", "refunded", "refunds"):
            totals[row["currency"]][key] += row[key]
    for t in totals.values():
        t["net"] = t["gross"] - t["refunded"]
        t["refund_rate"] = share(t["refunded"], t["gross"])
        t["average_order"] = (
            (t["gross"] / t["sales"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if t["sales"]
            else None
        )
    return list(totals.values())


def item_reading(row: dict) -> str:
    """What an author should make of a question's indices (Moodle's bands, simplified);
    nothing below MIN_ITEM_ATTEMPTS first attempts, where one student moves them a lot."""
    facility, discrimination = row["facility"], row["discrimination"]
    if facility is None:
        return "no attempts"
    if row["attempts"] < MIN_ITEM_ATTEMPTS:
        return f"too few attempts ({row['attempts']} of the {MIN_ITEM_ATTEMPTS} needed)"
    notes = []
    if facility >= 90:
        notes.append("too easy")
    elif facility <= 20:
        notes.append("too hard")
    if discrimination is None:
        notes.append("discrimination needs varied marks")
    elif discrimination < 0:
        notes.append("misleading: stronger students get it wrong")
    elif discrimination < 20:
        notes.append("weak discrimination")
    return ", ".join(notes) or "fine"


def reliability_reading(row: dict) -> str:
    """What the quiz's KR-20 or alpha says, with the same minimum sample as item_reading."""
    if not row or not row["attempts"]:
        return "no attempts"
    if row["attempts"] < MIN_ITEM_ATTEMPTS:
        return f"too few attempts ({row['attempts']} of the {MIN_ITEM_ATTEMPTS} needed)"
    if row["reliability"] is None:
        return "needs two auto-marked questions and totals that vary"
    value = row["reliability"]
    return "good" if value >= 0.8 else "acceptable" if value >= 0.7 else "low"


def previous_period(figure: Callable[[Filters], list[dict]], f: Filters) -> charts.Previous:
    """A time series for the range of equal length before f's, from the same figure source."""
    before = f.previous()
    return charts.Previous.of(before, figure(before))


def details_url(endpoint: str, path: str):
    """id -> the row's details page; a plain path while that admin view does not exist."""
    try:
        pattern = url_for(f"{endpoint}.details_view", id="ROW_ID")
    except BuildError:
        pattern = f"/admin/{path}/details/?id=ROW_ID"
    return lambda row_id: pattern.replace("ROW_ID", quote(str(row_id), safe=""))


class Dashboard(StaffPage):
    """A dashboard page: filters from the query string, figures as JSON drawn by charts.js."""

    read_roles = STAFF
    template = ""

    def __init__(self, name: str, endpoint: str, url: str):
        super().__init__(name=name, endpoint=endpoint, url=url, category=CATEGORY)

    def read_filters(self) -> tuple[Filters, list[str], list[dict]]:
        now = utcnow()
        preset, start, end, messages = parse_range(request.args, now.date())
        instructor = current_viewer().instructor_id
        base = Filters(start=start, end=end, preset=preset, instructor_id=instructor, now=now)
        courses = live.courses.course_choices(base)
        course_id = pick_choice(
            request.args.get("course"), {c["id"] for c in courses}, "course", messages
        )
        return replace(base, course_id=course_id), messages, courses

    def show(self, f: Filters, messages: list[str], courses: list[dict], figures: dict, **context):
        context.setdefault("as_of", None)
        return self.render(
            self.template,
            f=f,
            messages=messages,
            courses=courses,
            presets=PRESETS,
            figures={name: fig.to_json() for name, fig in figures.items()},
            plotly_url=url_for("analytics_courses.plotly_js", v=get_plotlyjs_version()),
            **context,
        )


def course_title(courses: list[dict], course_id: str | None) -> str | None:
    return next((c["title"] for c in courses if c["id"] == course_id), None)


class RevenueDashboard(Dashboard):
    template = "analytics/revenue.html"

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        source, as_of = figures_source(f)
        statuses = source.transactions_by_status(f)
        series = source.revenue_series(f)
        by_course = source.revenue_by_course(f)
        # Made (any status) or refunded in the range.
        currencies = sorted({r["currency"] for r in statuses} | {r["currency"] for r in series})
        months = [
            {**row, "change": change(row["this_month"], row["last_month_to_date"])}
            for row in source.revenue_months(f)
        ]
        figures = {
            "revenue": charts.revenue_over_time(
                series,
                f.bucket,
                links=drill_down.revenue_series(f, series),
                previous=previous_period(source.revenue_series, f),
            ),
            "by_course": charts.revenue_by_course(by_course),
            "status": charts.status_breakdown(statuses),
        }
        return self.show(
            f,
            messages,
            courses,
            figures,
            as_of=as_of,
            currencies=currencies,
            totals=revenue_totals(series, currencies),
            tile_links=drill_down.revenue_tiles(f, currencies),
            months=months,
            spans=month_spans(f.now),
            statuses=statuses,
            by_course=by_course,
            pending=live.revenue.pending_payments(f),
            pending_count=live.revenue.pending_payments_count(f),
            transaction_url=details_url("transaction", "transaction"),
            user_url=details_url("user", "user"),
        )


class EnrollmentDashboard(Dashboard):
    template = "analytics/enrollments.html"

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        source, as_of = figures_source(f)
        totals, by_course = source.enrollment_overview(f)
        funnel_course = f.course_id or (by_course[0]["course_id"] if by_course else None)
        funnel = (
            live.enrollments.drop_off_funnel(f.with_course(funnel_course)) if funnel_course else []
        )
        funnel_title = course_title(courses, funnel_course)
        durations = source.time_to_completion(f)
        series, cohorts = source.enrollment_series(f), source.completion_by_cohort(f)
        figures = {
            "series": charts.enrollments_over_time(
                series,
                f.bucket,
                links=drill_down.enrollment_series(f, series),
                previous=previous_period(source.enrollment_series, f),
            ),
            "by_course": charts.completion_vs_progress(
                by_course, links=drill_down.enrollments_by_course(f, by_course)
            ),
            "duration": charts.time_to_completion(durations),
            "funnel": charts.drop_off_funnel(funnel, funnel_title),
            "cohorts": charts.cohort_completion(cohorts, links=drill_down.cohorts(f, cohorts)),
            "refunds": charts.refunds_by_progress(source.refunds_by_progress(f)),
        }
        return self.show(
            f,
            messages,
            courses,
            figures,
            as_of=as_of,
            totals=totals,
            tile_links={
                "enrollments": drill_down.enrollments(f),
                "completed": drill_down.enrollments(f, equals("status", "COMPLETED")),
            },
            durations=durations[0] if durations else {},
            funnel_title=funnel_title,
            drop=charts.biggest_drop(funnel),
            funnel=funnel,
            freshness=live.courses.course_analytics_freshness(f),
            cohort_window=COHORT_WINDOW_DAYS,
        )


class ProgressDashboard(Dashboard):
    template = "analytics/progress.html"

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        source, as_of = figures_source(f)
        by_course = source.progress_by_course(f)
        lesson_course = f.course_id or (by_course[0]["course_id"] if by_course else None)
        lessons = (
            live.progress.lesson_engagement(f.with_course(lesson_course)) if lesson_course else []
        )
        lesson_title = course_title(courses, lesson_course)
        figures = {
            "distribution": charts.progress_distribution(source.progress_distribution(f)),
            "by_course": charts.progress_by_course(by_course),
            "lessons": charts.lesson_engagement(lessons, lesson_title),
        }
        return self.show(
            f,
            messages,
            courses,
            figures,
            as_of=as_of,
            totals=source.progress_totals(f),
            at_risk=live.progress.at_risk_students(f),
            at_risk_count=live.progress.at_risk_count(f),
            at_risk_url=at_risk_list_url(f),
            lessons=lessons,
            lesson_title=lesson_title,
            user_url=details_url("user", "user"),
            enrollment_url=details_url("enrollment", "enrollment"),
        )


def at_risk_list_url(f: Filters) -> str | None:
    """The course progress list of the students the at-risk tile counts (same moment, course)."""
    course = [equals("course_id", f.course_id)] if f.course_id else []
    return list_url("course_progress", at_risk.as_of(live.progress.at_risk_as_of(f)), *course)


class PeopleDashboard(Dashboard):
    template = "analytics/people.html"

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        roles = live.people.users_by_role(f)
        figures = {
            "signups": charts.signups_over_time(
                signups := live.people.signups_series(f),
                f.bucket,
                links=drill_down.signup_series(f, signups),
                previous=previous_period(live.people.signups_series, f),
            ),
            "roles": charts.users_by_role(roles),
        }
        return self.show(f, messages, courses, figures, roles=roles)


class AssessmentDashboard(Dashboard):
    template = "analytics/assessments.html"

    def pick_quiz(self, f: Filters, quizzes: list[dict], messages: list[str]) -> dict | None:
        wanted = request.args.get("quiz")
        if wanted:
            found = live.assessments.quiz_in_scope(f, wanted[:200])
            if found:
                return found
            messages.append(
                "There is no quiz with that id among the ones you can see; "
                "the quiz filter was ignored."
            )
        return quizzes[0] if quizzes else None

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        source, as_of = figures_source(f)
        pass_rates = source.quiz_pass_rates(f)
        quizzes = (
            live.assessments.course_quizzes(f)
            if f.course_id
            else [{"id": r["quiz_id"], "title": r["title"]} for r in pass_rates]
        )
        quiz = self.pick_quiz(f, quizzes, messages)
        items = live.assessments.item_analysis(f, quiz["id"]) if quiz else []
        reliability = live.assessments.quiz_reliability(f, quiz["id"]) if quiz else {}
        distractors = live.assessments.distractors(f, quiz["id"]) if quiz else []
        if quiz and quiz["id"] not in {choice["id"] for choice in quizzes}:
            quizzes = [quiz, *quizzes]
        figures = {
            "pass_rates": charts.pass_rate_by_quiz(
                pass_rates, links=drill_down.pass_rates(f, pass_rates)
            ),
            "scores": charts.score_distribution(source.score_distribution(f)),
            "attempts": charts.attempts_per_student(source.attempts_per_student(f)),
            "items": charts.item_analysis(items, quiz["title"] if quiz else None),
        }
        return self.show(
            f,
            messages,
            courses,
            figures,
            as_of=as_of,
            totals=source.assessment_totals(f),
            attempts_url=drill_down.attempts(f),
            quizzes=quizzes,
            quiz=quiz,
            items=items,
            reliability=reliability,
            reliability_note=reliability_reading(reliability),
            distractors=distractors,
            reading=item_reading,
            min_attempts=MIN_ITEM_ATTEMPTS,
        )


class CourseSummary(Dashboard):
    """course_analytics as stored (all time), with its lastCalculatedAt; also serves plotly.js."""

    template = "analytics/courses.html"

    @expose("/")
    def index(self):
        f, messages, courses = self.read_filters()
        rows = live.courses.course_analytics_rows(f)
        return self.show(
            f,
            messages,
            courses,
            {"courses": charts.course_analytics(rows)},
            rows=rows,
            freshness=live.courses.course_analytics_freshness(f),
            rollups_at=refreshed_at(db.session),
            rollups_from=rollup_threshold(),
        )

    @expose("/plotly.min.js")
    def plotly_js(self):
        """The plotly.js bundled with the installed plotly package (same version as to_json)."""
        path = resources.files("plotly") / "package_data" / "plotly.min.js"
        # str(): the package is a folder on disk, and send_file takes a path, not a Traversable.
        response = send_file(str(path), mimetype="text/javascript", max_age=YEAR, conditional=True)
        response.cache_control.public = False
        response.cache_control.private = True
        response.cache_control.immutable = True
        return response


class AnalyticsRefresh(StaffPage):
    """Admins recompute course_analytics (POST with CSRF); not a menu entry."""

    read_roles = ADMIN

    def is_visible(self) -> bool:
        return False

    @expose("/", methods=("GET", "POST"))
    def index(self):
        summary = url_for("analytics_courses.index")
        if request.method == "GET":
            return redirect(summary)
        started = utcnow()
        try:
            count = refresh_everything(db.session, started)
            audit.record("refresh", "course_analytics", details={"courses": count, "rollups": True})
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("analytics refresh failed")
            flash(
                "The recalculation failed and nothing was changed; the error was logged.", "error"
            )
            return redirect(summary)
        seconds = (utcnow() - started).total_seconds()
        flash(
            f"Course analytics and the dashboards' rollups recalculated ({count} courses) "
            f"in {seconds:.1f} s.",
            "success",
        )
        return redirect(same_site(request.form.get("next"), summary))


PAGES = [
    (RevenueDashboard, "Revenue", "analytics_revenue", "revenue"),
    (EnrollmentDashboard, "Enrollments & completion", "analytics_enrollments", "enrollments"),
    (ProgressDashboard, "Progress & engagement", "analytics_progress", "progress"),
    (PeopleDashboard, "People", "analytics_people", "people"),
    (AssessmentDashboard, "Assessments", "analytics_assessments", "assessments"),
    (CourseSummary, "Course summary", "analytics_courses", "courses"),
]


def register(admin) -> None:
    """New view instances for this Admin (views keep per-app state)."""
    for view, name, endpoint, path in PAGES:
        admin.add_view(view(name=name, endpoint=endpoint, url=f"/admin/analytics/{path}"))
    admin.add_view(
        AnalyticsRefresh(
            name="Refresh analytics", endpoint="analytics_refresh", url="/admin/analytics/refresh"
        )
    )
