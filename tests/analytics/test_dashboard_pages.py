"""The dashboard pages: figures carry the queries' numbers, instructors see their courses only,
bad query strings give messages (never a 500), empty ranges show empty states, plotly.js is local.
"""

import json
import re

import factories as fx
import pytest

from lms.db import db

PAGES = ["revenue", "enrollments", "progress", "people", "assessments", "courses"]
Q1_ARGS = "from=2026-01-01&to=2026-03-31"
WINTER_ARGS = "from=2025-11-01&to=2026-03-31"


def figures_of(html: str) -> dict:
    """Every figure on a page, by name, parsed from its JSON data block."""
    blocks = re.findall(
        r'<script type="application/json" id="figure-([a-z_]+)">(.*?)</script>', html, re.DOTALL
    )
    return {name: json.loads(body) for name, body in blocks}


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def card(html: str, card_id: str) -> str:
    """The card's value as text (a link's text when the value is a link)."""
    match = re.search(rf'id="{card_id}">(.*?)</div>', html, re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("page", PAGES)
def test_every_dashboard_renders_its_figures_for_both_roles(
    admin_client, instructor_client, dataset, frozen_now, page
):
    for client in (admin_client, instructor_client):
        html = get(client, f"/admin/analytics/{page}/?{Q1_ARGS}")
        figures = figures_of(html)
        assert figures and all(fig["layout"]["title"]["text"] for fig in figures.values())
        assert 'type="application/json"' in html and "charts.js" in html


def test_revenue_page_shows_the_queries_numbers(admin_client, dataset, frozen_now):
    html = get(admin_client, f"/admin/analytics/revenue/?{WINTER_ARGS}")
    revenue = figures_of(html)["revenue"]["data"]  # EUR's panel, then USD's
    assert [trace["yaxis"] for trace in revenue] == ["y", "y", "y", "y2", "y2", "y2"]
    assert revenue[3]["y"] == [0, 0.1, 50.19, 119.97, 100.0]  # gross, by payment date
    assert revenue[4]["y"] == [0, 0, 0, 49.99, 0]  # refunds, by refund date
    assert revenue[5]["y"] == [0, 0.1, 50.19, 69.98, 100.0]  # net
    assert card(html, "card-gross-USD") == "$270.26"
    assert card(html, "card-aov-USD") == "$38.61"  # 270.26 / 7
    assert card(html, "card-refunds-USD") == "$49.99"
    assert card(html, "card-net-USD") == "$220.27"
    assert card(html, "card-gross-EUR") == "€12.34"
    assert card(html, "card-this-month-USD") == "$100.00"
    assert card(html, "card-last-month-USD") == "$119.97"
    assert card(html, "card-change-USD") == "0.0%"  # 100.00 vs 99.98 to 15 Feb 12:00: +0.02%
    assert card(html, "card-pending") == "1"
    assert "s4@example.com" in html and "s5@example.com" not in html  # 10 minutes is not late
    assert "All dates and times are UTC" in html


def test_enrollments_page_funnel_and_biggest_drop(admin_client, dataset, frozen_now):
    html = get(admin_client, f"/admin/analytics/enrollments/?{Q1_ARGS}&course={dataset.ids['A']}")
    funnel = figures_of(html)["funnel"]["data"][0]
    assert funnel["x"] == [5, 4, 2, 2, 1]
    assert re.search(
        r"Biggest drop: <strong>2</strong> students\s+\(50\.0% of those still there\)", html
    )
    assert card(html, "card-completion-rate") == "20.0%"  # Course A: 1 of 5


def test_enrollments_page_defaults_the_funnel_to_the_busiest_course(
    admin_client, dataset, frozen_now
):
    html = get(admin_client, f"/admin/analytics/enrollments/?{Q1_ARGS}")
    assert "Drop-off funnel: Course A" in html
    assert "Showing the course with the most enrollments" in html


def test_progress_page_links_at_risk_students_to_user_and_enrollment(
    admin_client, dataset, frozen_now
):
    html = get(admin_client, f"/admin/analytics/progress/?{Q1_ARGS}")
    table = html[html.index('id="at-risk-table"') :]
    assert f"/admin/user/details/?id={dataset.ids['s2']}" in table
    assert "/admin/enrollment/details/?id=" in table
    assert re.sub(r"<[^>]+>", "", card(html, "card-at-risk")) == "1"  # s2; s3 cancelled
    lessons = figures_of(html)["lessons"]["data"]
    assert lessons[0]["y"] == [100.0, 100.0, 50.0, 100.0]
    assert lessons[1]["y"] == [7.5, 10.0, 350 / 60, 10.0]  # average watch time in minutes


def test_people_page(admin_client, dataset, frozen_now):
    html = get(admin_client, f"/admin/analytics/people/?{WINTER_ARGS}")
    signups = {trace["name"]: trace["y"] for trace in figures_of(html)["signups"]["data"]}
    assert signups["Student"] == [0, 1, 2, 2, 2]


def test_assessments_page_item_analysis(admin_client, dataset, frozen_now):
    html = get(admin_client, f"/admin/analytics/assessments/?{Q1_ARGS}&quiz={dataset.ids['quiz']}")
    items = figures_of(html)["items"]["data"][0]
    assert items["x"] == [75.0, 50.0, 50.0] and items["y"] == [25.8, -19.2, 57.7]
    assert "each student's first attempt" in html
    # q2's negative discrimination rests on four students: too few to call it misleading.
    assert "misleading" not in html and "too few attempts (4 of the 10 needed)" in html


def test_instructor_only_sees_their_courses_as_choices_and_figures(
    instructor_client, dataset, frozen_now
):
    html = get(instructor_client, f"/admin/analytics/revenue/?{WINTER_ARGS}")
    assert "Course A" in html and "Course B" in html
    assert "Course C" not in html and "Course D" not in html
    assert card(html, "card-net-USD") == "$120.27"


@pytest.mark.parametrize("page", PAGES)
def test_another_instructors_course_is_refused_with_a_message(
    instructor_client, dataset, frozen_now, page
):
    html = get(instructor_client, f"/admin/analytics/{page}/?{Q1_ARGS}&course={dataset.ids['C']}")
    assert "the course filter was ignored" in html
    assert "Course C" not in html


BAD_QUERIES = [
    "from=garbage&to=2026-13-45",
    "range=forever",
    "range=custom&from=0001-01-01",
    "course=unknown",
    "quiz=unknown",
    "quiz=" + "x" * 5000,
    "from=2026-03-01&to=2026-01-01",
    "range=7d&course=",
    "range[]=1&course=a&course=b",
]


@pytest.mark.parametrize("page", PAGES)
def test_bad_query_strings_never_give_a_500(admin_client, dataset, frozen_now, page):
    for query in BAD_QUERIES:
        response = admin_client.get(f"/admin/analytics/{page}/?{query}")
        assert response.status_code == 200, (page, query)
    # A NUL is refused at the edge (lms.security) before the dashboard reads it.
    assert admin_client.get(f"/admin/analytics/{page}/?course=%00").status_code == 400


def test_bad_input_is_explained(admin_client, dataset, frozen_now):
    html = get(admin_client, "/admin/analytics/revenue/?range=custom&from=garbage")
    assert "is not a date" in html
    html = get(admin_client, "/admin/analytics/assessments/?quiz=unknown")
    assert "the quiz filter was ignored" in html


@pytest.mark.parametrize("page", PAGES[:-1])
def test_an_empty_range_shows_empty_states(admin_client, dataset, frozen_now, page):
    html = get(admin_client, f"/admin/analytics/{page}/?from=2020-01-01&to=2020-01-31")
    texts = [
        a["text"] for fig in figures_of(html).values() for a in fig["layout"].get("annotations", [])
    ]
    assert any(text.startswith("No ") for text in texts)


def test_pages_work_on_an_empty_database(admin_client, instructor_client):
    for page in PAGES:
        for client in (admin_client, instructor_client):
            assert client.get(f"/admin/analytics/{page}/").status_code == 200


def test_titles_cannot_break_out_of_the_figure_block(app, admin_client):
    evil = "</script><script>alert(1)</script>"
    with app.app_context():
        course = fx.make_course(title=evil)
        fx.make_enrollment(course=course)
        db.session.commit()
    html = get(admin_client, "/admin/analytics/enrollments/")
    assert evil not in html
    assert any(evil[:20] in json.dumps(fig) for fig in figures_of(html).values())


def test_plotly_js_is_served_locally_with_long_cache(admin_client):
    html = get(admin_client, "/admin/analytics/revenue/")
    url = re.search(r'<script src="([^"]*plotly\.min\.js[^"]*)"', html).group(1)
    assert url.startswith("/admin/analytics/courses/plotly.min.js?v=")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert b"plotly.js" in response.get_data()[:2000]
    assert "cdn.plot.ly" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/analytics/revenue/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
