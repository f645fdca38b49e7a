"""No link or redirect of the app leads off-site, whatever `url=` or `next=` a link carries."""

import re

import pytest
from form_robot import FormPage
from support import csrf_token_from, sign_in

from lms.models import UserRole
from lms.roles import declared_access
from lms.security import is_same_site
from lms.seed.demo import DEMO_PASSWORD

OFF_SITE = [
    "http:evil.example",
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:///evil.example",
    "/\tevil",
    " //evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_off_site_targets_are_not_same_site(target):
    assert not is_same_site(target)


@pytest.mark.parametrize("target", ["/admin/", "/admin/course/?page=2", "/admin/course/edit/?id=x"])
def test_paths_on_this_site_are(target):
    assert is_same_site(target)


def leaves_site(response) -> bool:
    location = response.headers.get("Location", "")
    return bool(location) and not is_same_site(location)


def links_off_site(html: str) -> list[str]:
    return [
        h
        for h in re.findall(r'(?:href|action)="([^"]*)"', html)
        if "evil" in h or h.lower().startswith("javascript:alert")
    ]


def admin(app):
    client = app.test_client()
    assert sign_in(client, "admin@example.com", DEMO_PASSWORD).status_code == 302
    return client


def test_no_page_links_or_redirects_off_site_whatever_its_return_target(demo_app):
    """Every page (from the URL map), opened with hostile `url=` and `next=`."""
    client = admin(demo_app)
    opened = 0
    for rule in demo_app.url_map.iter_rules():
        access = declared_access(demo_app, rule.endpoint)
        if (
            "GET" not in rule.methods
            or rule.arguments
            or not isinstance(access, frozenset)
            or UserRole.ADMIN not in access
            or rule.endpoint.endswith(("export_csv", "plotly_js"))
        ):
            continue
        for target in OFF_SITE[:3]:
            response = client.get(rule.rule, query_string={"url": target, "next": target})
            assert response.status_code < 500, rule.rule
            assert not leaves_site(response), (rule.rule, response.headers["Location"])
            assert links_off_site(response.get_data(as_text=True)) == [], rule.rule
            opened += 1
    assert opened > 50


def test_saving_a_form_with_an_off_site_return_target_stays_on_site(demo_app):
    client = admin(demo_app)
    url = client.get("/admin/course/").get_data(as_text=True)
    course_id = re.search(r'/admin/course/edit/\?id=([^&"]+)', url).group(1)
    form = FormPage(client, f"/admin/course/edit/?id={course_id}&url=http:evil.example")
    response = form.submit()
    assert response.status_code == 302 and not leaves_site(response)


def test_delete_and_actions_with_an_off_site_return_target_stay_on_site(demo_app):
    client = admin(demo_app)
    html = client.get("/admin/media/").get_data(as_text=True)
    token = csrf_token_from(html)
    media_id = re.search(r'name="rowid" class="action-checkbox" value="([^"]+)"', html).group(1)
    for path, data in (
        ("/admin/media/delete/", {"id": media_id, "confirmed": "yes"}),
        ("/admin/course/action/", {"action": "publish", "rowid": "nope"}),
        ("/admin/analytics/refresh/", {"next": "http:evil.example"}),
    ):
        response = client.post(path, data={"csrf_token": token, "url": "http:evil.example", **data})
        assert response.status_code in (200, 302), path
        assert not leaves_site(response), (path, response.headers.get("Location"))


def test_sign_in_never_sends_a_person_off_site(demo_app):
    for target in OFF_SITE:
        client = demo_app.test_client()
        response = sign_in(client, "admin@example.com", DEMO_PASSWORD, next_url=target)
        assert response.status_code == 302 and is_same_site(response.location), target
        assert "evil.example" not in response.location
