"""Every figure of the enrollments, progress, people, assessments and course summary pages has
its definition written under it, and shows what that sentence says: each number here is
computed again by SQL written for this test from the sentence, not by the app's queries."""

import html as markup
import json
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import factories as fx
import pytest
from conftest import d
from sqlalchemy import select, text

from lms.analytics.refresh import refresh_course_analytics
from lms.db import db
from lms.models import Course, User

Q1 = "from=2026-01-01&to=2026-03-31"
START, END = datetime(2026, 1, 1), datetime(2026, 4, 1)
NOW = datetime(2026, 3, 15, 12)

# page -> (cards, charts): every figure the page shows.
FIGURES = {
    "enrollments": (
        ["card-enrollments", "card-completed", "card-completion-rate", "card-average-progress"],
        ["series", "by_course", "cohorts", "duration", "refunds", "funnel"],
    ),
    "progress": (
        ["card-active", "card-average-progress", "card-finished", "card-at-risk"],
        ["distribution", "by_course", "lessons"],
    ),
    "people": (["card-student", "card-instructor", "card-admin"], ["signups", "roles"]),
    "assessments": (
        ["card-attempts", "card-starts", "card-pass-rate", "card-average-score"],
        ["pass_rates", "scores", "attempts", "items"],
    ),
    "courses": ([], ["courses"]),
}


def page(client, name: str, query: str = Q1) -> str:
    response = client.get(f"/admin/analytics/{name}/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figures_of(html: str) -> dict:
    blocks = re.findall(
        r'<script type="application/json" id="figure-([a-z_]+)">(.*?)</script>', html, re.DOTALL
    )
    return {name: json.loads(body) for name, body in blocks}


def card(html: str, card_id: str) -> str:
    """The card's value as text (a link's text when the value is a link)."""
    match = re.search(rf'id="{card_id}">(.*?)</div>', html, re.DOTALL)
    assert match, card_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def definition(html: str, figure_id: str) -> str:
    match = re.search(rf'id="def-{figure_id}">(.*?)</p>', html, re.DOTALL)
    assert match, f"{figure_id} has no definition on the page"
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())


def sql(query: str, **params) -> list:
    return db.session.execute(text(query), {"start": START, "end": END, **params}).all()


def one(query: str, **params):
    (row,) = sql(query, **params)
    return row[0] if len(row) == 1 else tuple(row)


def pct(value) -> str:
    """As the page writes a percentage: one decimal, half up (PostgreSQL's numeric round)."""
    if value is None:
        return "–"
    return f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def percentile(values: list, p: float) -> float:
    """percentile_cont: linear between the two nearest ranks."""
    values = sorted(float(v) for v in values)
    rank = p * (len(values) - 1)
    low = int(rank)
    high = min(low + 1, len(values) - 1)
    return values[low] + (rank - low) * (values[high] - values[low])


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body cell of a table, row by row."""
    body = html[html.index(f'id="{table_id}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", "", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def tenth(value) -> float | None:
    return None if value is None else float(Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_has_a_one_sentence_definition_under_it(
    admin_client, dataset, frozen_now, name
):
    if name == "courses":
        with admin_client.application.app_context():
            refresh_course_analytics(db.session, NOW)
            db.session.commit()
    html = page(admin_client, name)
    cards, charts = FIGURES[name]
    assert set(re.findall(r'id="(card-[a-z-]+)"', html)) == set(cards)
    assert set(figures_of(html)) == set(charts)
    for figure_id in [*cards, *(f"chart-{chart}" for chart in charts)]:
        sentence = definition(html, figure_id)
        assert sentence.endswith(".") and 20 < len(sentence) < 400, (figure_id, sentence)


# --- enrollments -------------------------------------------------------------------------


def test_enrollment_figures_are_what_their_definitions_say(app, admin_client, dataset, frozen_now):
    with app.app_context():  # an enrollment nobody has started: counts as 0% progress
        s7 = db.session.scalars(select(User).where(User.email == "s7@example.com")).one()
        fx.make_enrollment(
            s7, db.session.get(Course, dataset.ids["A"]), enrolled_at=d("2026-02-15")
        )
        db.session.commit()
    html = page(admin_client, "enrollments", f"{Q1}&course={dataset.ids['A']}")
    a = dataset.ids["A"]
    figures = figures_of(html)
    with app.app_context():
        # "Enrollments made in the range, whatever their status now."
        in_range = """FROM enrollments e WHERE e."enrolledAt" >= :start AND e."enrolledAt" < :end
                      AND e."courseId" = :a"""
        total, completed = one(
            f"SELECT count(*), count(*) FILTER (WHERE status = 'COMPLETED') {in_range}", a=a
        )
        # "Mean progress over those enrollments; no progress record counts as 0%."
        progress = one(
            f"""SELECT avg(coalesce((SELECT "progressPercent" FROM course_progress p
                   WHERE p."userId" = e."userId" AND p."courseId" = e."courseId"), 0))
                {in_range}""",
            a=a,
        )
        by_status = dict(sql(f"SELECT CAST(status AS text), count(*) {in_range} GROUP BY 1", a=a))
        # Cohorts: share completed within 30 days of enrolling, once a month's last possible
        # enrollee is 30 days old.
        cohorts = sql(
            f"""SELECT date_trunc('month', "enrolledAt"), count(*),
                       count(*) FILTER (WHERE "completedAt" <= "enrolledAt" + interval '30 days')
                {in_range} GROUP BY 1 ORDER BY 1""",
            a=a,
        )
        # Completions in the range by exact duration; median and 90th percentile in days.
        durations = [
            seconds / 86400
            for (seconds,) in sql(
                """SELECT EXTRACT(EPOCH FROM "completedAt" - "enrolledAt") FROM enrollments
                   WHERE "completedAt" >= :start AND "completedAt" < :end AND "courseId" = :a""",
                a=a,
            )
        ]
        # Funnel: enrolled in the range, then those with a progress record at lesson k or later.
        lessons = [
            lesson_id
            for (lesson_id,) in sql(
                """SELECT l.id FROM lessons l JOIN course_modules m ON m.id = l."moduleId"
                   WHERE m."courseId" = :a ORDER BY m."order", l."order" """,
                a=a,
            )
        ]
        funnel = [total] + [
            one(
                f"""SELECT count(*) {in_range} AND EXISTS (
                        SELECT 1 FROM course_progress p JOIN lesson_progress lp
                             ON lp."progressId" = p.id
                        WHERE p."userId" = e."userId" AND p."courseId" = e."courseId"
                          AND lp."lessonId" = ANY(:later))""",
                a=a,
                later=lessons[k:],
            )
            for k in range(len(lessons))
        ]
        refunds = one(
            """SELECT count(*) FROM transactions WHERE status = 'REFUNDED' AND currency = 'USD'
               AND "createdAt" >= :start AND "createdAt" < :end AND "courseId" = :a""",
            a=a,
        )
    assert card(html, "card-enrollments") == str(total) == "6"
    assert card(html, "card-completed") == str(completed)
    assert card(html, "card-completion-rate") == pct(Decimal(100) * completed / total)
    assert card(html, "card-average-progress") == pct(progress) == "37.5%"  # 225 / 6
    assert "no progress record counts as 0%" in definition(html, "card-average-progress")

    series = {  # the bars; the dashed line is the previous period (test_period_comparison.py)
        trace["name"].upper(): sum(trace["y"])
        for trace in figures["series"]["data"]
        if trace["type"] == "bar"
    }
    assert {k: v for k, v in series.items() if v} == by_status

    bars = figures["by_course"]["data"]
    assert bars[0]["x"] == [tenth(Decimal(100) * completed / total)]
    assert bars[1]["x"] == [tenth(progress)]

    rate_line = figures["cohorts"]["data"][1]
    assert figures["cohorts"]["data"][0]["y"] == [n for _m, n, _c in cohorts]
    young = [month >= datetime(2026, 2, 1) for month, _n, _c in cohorts]  # 15 Mar - 30 days
    assert rate_line["y"] == [
        None if too_young else tenth(Decimal(100) * done / n)
        for (_m, n, done), too_young in zip(cohorts, young, strict=True)
    ]
    assert "30 days" in definition(html, "chart-cohorts")

    note = figures["duration"]["layout"]["annotations"][0]["text"]
    median, p90 = percentile(durations, 0.5), percentile(durations, 0.9)
    assert note == f"median {median:.1f} days · 90% within {p90:.1f} days"

    assert figures["funnel"]["data"][0]["x"] == funnel == [6, 4, 2, 2, 1]
    assert sum(figures["refunds"]["data"][0]["y"]) == refunds


# --- progress ----------------------------------------------------------------------------


def test_progress_figures_are_what_their_definitions_say(app, admin_client, dataset, frozen_now):
    html = page(admin_client, "progress")
    figures = figures_of(html)
    with app.app_context():
        # "Course progress records with a lesson watched or completed in the range."
        active = """EXISTS (
            SELECT 1 FROM lesson_progress lp WHERE lp."progressId" = cp.id
            AND ((lp."lastWatchedAt" >= :start AND lp."lastWatchedAt" < :end)
              OR (lp."completedAt" >= :start AND lp."completedAt" < :end)))"""
        students, average, finished = one(
            f"""SELECT count(*), avg("progressPercent"),
                       count(*) FILTER (WHERE "progressPercent" = 100)
                FROM course_progress cp WHERE {active}"""
        )
        percents = [
            p for (p,) in sql(f'SELECT "progressPercent" FROM course_progress cp WHERE {active}')
        ]
        per_course = sql(
            f"""SELECT c.title, avg(cp."progressPercent")
                FROM course_progress cp JOIN courses c ON c.id = cp."courseId" WHERE {active}
                GROUP BY c.title ORDER BY count(*) DESC, c.title"""
        )
        # "Enrollment still ACTIVE and not refunded, under 100%, no access for 30 days."
        at_risk = one(
            """SELECT count(*) FROM course_progress cp JOIN enrollments e
                   ON e."userId" = cp."userId" AND e."courseId" = cp."courseId"
               WHERE e.status = 'ACTIVE' AND e."paymentStatus" <> 'REFUNDED'
                 AND cp."progressPercent" < 100
                 AND cp."lastAccessedAt" < :now - interval '30 days'""",
            now=NOW,
        )
        busiest = per_course[0][0]
        lessons = sql(
            """SELECT count(lp.id), avg(CASE WHEN lp.completed THEN 100.0 ELSE 0 END),
                      avg(lp."watchTimeSeconds") / 60
               FROM lessons l JOIN course_modules m ON m.id = l."moduleId"
                    JOIN courses c ON c.id = m."courseId"
                    LEFT JOIN lesson_progress lp ON lp."lessonId" = l.id
                     AND lp."lastWatchedAt" >= :start AND lp."lastWatchedAt" < :end
               WHERE c.title = :title GROUP BY m."order", l."order" ORDER BY m."order", l."order"
            """,
            title=busiest,
        )
    assert (card(html, "card-active"), card(html, "card-finished")) == (
        str(students),
        str(finished),
    )
    assert (students, finished) == (4, 1)
    assert card(html, "card-average-progress") == pct(average)
    assert card(html, "card-at-risk") == str(at_risk) == "1"
    bins = figures["distribution"]["data"][0]
    assert sum(bins["y"]) == len(percents)
    assert bins["y"][bins["x"].index("100%")] == percents.count(100)
    bars = figures["by_course"]["data"][0]
    assert bars["x"] == [tenth(avg) for _title, avg in reversed(per_course)]
    completion, watch = figures["lessons"]["data"]
    assert completion["y"] == [tenth(rate) for _n, rate, _w in lessons]
    assert watch["y"] == pytest.approx([float(w) for _n, _r, w in lessons])


def test_the_at_risk_tile_links_to_the_list_of_those_students(
    app, admin_client, instructor_client, dataset, frozen_now
):
    with app.app_context():
        b = db.session.get(Course, dataset.ids["B"])
        for key, status in [("ok", "ACTIVE"), ("gone", "CANCELLED")]:
            user = fx.make_user(email=f"{key}@example.com", name=key)
            fx.make_enrollment(user, b, status=status, enrolled_at=d("2026-01-02"))
            fx.make_progress(user, b, progress_percent=10, last_accessed_at=d("2026-01-03"))
        db.session.commit()
    for client, expected in [(admin_client, {"s2", "ok"}), (instructor_client, {"s2", "ok"})]:
        html = page(client, "progress")
        link = re.search(r'id="card-at-risk"><a href="([^"]+)"', html).group(1)
        assert card(html, "card-at-risk") == str(len(expected))
        assert link.startswith("/admin/course_progress/?")
        listed = client.get(markup.unescape(link)).get_data(as_text=True)
        emails = set(re.findall(r"([a-z0-9.]+)@example\.com", listed)) - {"admin", "instructor"}
        assert {e for e in emails if e in {"s1", "s2", "s3", "s4", "s5", "s6", "ok", "gone"}} == (
            expected
        )
    chosen = page(admin_client, "progress", f"{Q1}&course={dataset.ids['A']}")
    link = markup.unescape(re.search(r'id="card-at-risk"><a href="([^"]+)"', chosen).group(1))
    listed = admin_client.get(link).get_data(as_text=True)
    assert card(chosen, "card-at-risk") == "1"
    assert "s2@example.com" in listed and "ok@example.com" not in listed


# --- people ------------------------------------------------------------------------------


def test_people_figures_are_what_their_definitions_say(app, admin_client, dataset, frozen_now):
    html = page(admin_client, "people", "from=2025-11-01&to=2026-03-31")
    figures = figures_of(html)
    with app.app_context():
        roles = {
            role: (users, new)
            for role, users, new in sql(
                """SELECT CAST(role AS text), count(*),
                          count(*) FILTER (WHERE "createdAt" >= :start AND "createdAt" < :end)
                   FROM users GROUP BY 1""",
                start=datetime(2025, 11, 1),
            )
        }
        monthly = dict(
            sql(
                """SELECT date_trunc('month', "createdAt"), count(*) FROM users
                   WHERE role = 'STUDENT' AND "createdAt" >= :start AND "createdAt" < :end
                   GROUP BY 1""",
                start=datetime(2025, 11, 1),
            )
        )
    for role in ("STUDENT", "INSTRUCTOR", "ADMIN"):
        users, new = roles.get(role, (0, 0))
        assert card(html, f"card-{role.lower()}") == str(users)
        assert f"{new} new in range" in html
    students = next(t for t in figures["signups"]["data"] if t["name"] == "Student")
    assert students["y"] == [monthly.get(datetime.fromisoformat(x), 0) for x in students["x"]]
    assert students["y"] == [0, 1, 2, 2, 2]
    bars = figures["roles"]["data"][0]
    assert dict(zip(bars["x"], bars["y"], strict=True)) == {
        role.title(): roles.get(role, (0, 0))[0] for role in ("STUDENT", "INSTRUCTOR", "ADMIN")
    }


# --- assessments -------------------------------------------------------------------------


def test_assessment_figures_are_what_their_definitions_say(app, admin_client, dataset, frozen_now):
    html = page(admin_client, "assessments", f"{Q1}&quiz={dataset.ids['quiz']}")
    figures = figures_of(html)
    with app.app_context():
        in_range = """a."startedAt" >= :start AND a."startedAt" < :end"""
        attempts, passed, score = one(
            f"""SELECT count(*), count(*) FILTER (WHERE passed), avg(score)
                FROM quiz_attempts a WHERE {in_range}"""
        )
        starts = one(
            """SELECT count(*) FROM (SELECT min("startedAt") AS first FROM quiz_attempts
               GROUP BY "userId", "quizId") f WHERE first >= :start AND first < :end"""
        )
        per_quiz = sql(
            f"""SELECT q.title, 100.0 * count(*) FILTER (WHERE passed) / count(*)
                FROM quiz_attempts a JOIN quizzes q ON q.id = a."quizId" WHERE {in_range}
                GROUP BY q.title ORDER BY count(*) DESC, q.title"""
        )
        by_tens = dict(
            sql(
                f"""SELECT least(9, floor(score / 10)), count(*) FROM quiz_attempts a
                    WHERE {in_range} GROUP BY 1"""
            )
        )
        first_attempts = one(
            """SELECT count(*) FROM (SELECT DISTINCT ON ("userId") "startedAt" FROM quiz_attempts
               WHERE "quizId" = :quiz ORDER BY "userId", "startedAt") f
               WHERE "startedAt" >= :start AND "startedAt" < :end""",
            quiz=dataset.ids["quiz"],
        )
    assert card(html, "card-attempts") == str(attempts)
    assert card(html, "card-starts") == str(starts)
    assert card(html, "card-pass-rate") == pct(Decimal(100) * passed / attempts)
    assert card(html, "card-average-score") == str(tenth(score))
    bars = figures["pass_rates"]["data"][0]
    assert bars["x"] == [tenth(rate) for _title, rate in reversed(per_quiz)]
    passed_bars, failed_bars = figures["scores"]["data"]
    totals = [p + f for p, f in zip(passed_bars["y"], failed_bars["y"], strict=True)]
    assert totals == [by_tens.get(k, 0) for k in range(10)]
    # Four first attempts: under the stated minimum, no verdict on any question.
    assert first_attempts == 4
    assert "at least 10 first attempts" in definition(html, "chart-items")
    assert "misleading" not in html and "too few attempts (4 of the 10 needed)" in html


# --- course summary (not its revenue column) ----------------------------------------------


def test_course_summary_figures_are_what_their_definitions_say(
    app, admin_client, dataset, frozen_now
):
    with app.app_context():
        s7 = db.session.scalars(select(User).where(User.email == "s7@example.com")).one()
        fx.make_enrollment(s7, db.session.get(Course, dataset.ids["B"]))  # never started
        refresh_course_analytics(db.session, NOW)
        db.session.commit()
        expected = {
            title: (total, active, tenth(rate), tenth(progress))
            for title, total, active, rate, progress in sql("""
                SELECT c.title, count(e.id), count(e.id) FILTER (WHERE e.status = 'ACTIVE'),
                       coalesce(100.0 * count(e.id) FILTER (WHERE e.status = 'COMPLETED')
                                / nullif(count(e.id), 0), 0),
                       coalesce(avg(coalesce(cp."progressPercent", 0)), 0)
                FROM courses c LEFT JOIN enrollments e ON e."courseId" = c.id
                     LEFT JOIN course_progress cp
                     ON cp."userId" = e."userId" AND cp."courseId" = e."courseId"
                GROUP BY c.title""")
        }
    html = page(admin_client, "courses", "")
    bars = figures_of(html)["courses"]["data"]
    shown = dict(zip(bars[1]["y"], bars[1]["x"], strict=True))  # average progress per course
    for title, (_total, _active, _rate, progress) in expected.items():
        assert shown[title] == progress, title
    assert shown["Course B"] == 50.0  # (100 + 0) / 2
    shown_rows = {
        cells[0]: (int(cells[1]), int(cells[2]), float(cells[3][:-1]), float(cells[4][:-1]))
        for cells in table_rows(html, "course-analytics")
    }
    assert shown_rows == expected
    assert "no progress record counts as 0%" in definition(html, "chart-courses")
