"""Every page a role may open answers on real data: the demo and a generated `medium` database.

Pages come from the URL map (every GET rule without arguments: lists, dashboards, reports,
home), then the details page of the first rows of each list and a search where a list has one.
Downloads are left to the report tests (a medium CSV is 100k rows).
"""

import re
from urllib.parse import unquote

import pytest
from support import sign_in

from lms.models import UserRole
from lms.roles import declared_access
from lms.seed.demo import DEMO_PASSWORD

ACCOUNTS = {UserRole.ADMIN: "admin@example.com", UserRole.INSTRUCTOR: "ada@example.com"}
# Endpoints that need a row id or a query (edit, details, lookups), or download a file.
NOT_PAGES = (
    "export_csv",
    "plotly_js",
    "static",
    "healthz",
    "edit_view",
    "details_view",
    "create_view",
    "ajax_lookup",
)


def pages(app, role):
    for rule in app.url_map.iter_rules():
        access = declared_access(app, rule.endpoint)
        if (
            "GET" in rule.methods
            and not rule.arguments
            and isinstance(access, frozenset)
            and role in access
            and not rule.endpoint.endswith(NOT_PAGES)
        ):
            yield rule.endpoint, rule.rule


@pytest.fixture(params=["demo", "medium"])
def real_app(request):
    if request.param == "medium":
        request.applymarker(pytest.mark.slow)
    return request.getfixturevalue(f"{request.param}_app")


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.INSTRUCTOR], ids=["admin", "instructor"])
def test_every_page_a_role_may_open_answers_on_real_data(real_app, role):
    client = real_app.test_client()
    assert sign_in(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
    failures, opened = [], 0
    for endpoint, url in pages(real_app, role):
        response = client.get(url, follow_redirects=True)  # a GET may lead to its page
        opened += 1
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code}")
            continue
        if endpoint.endswith(".index_view"):
            html = response.get_data(as_text=True)
            own = re.escape(url) + r'details/\?id=([^&"]+)'
            for row_id in list(dict.fromkeys(re.findall(own, html)))[:3]:
                details = client.get(f"{url}details/", query_string={"id": unquote(row_id)})
                opened += 1
                if details.status_code != 200:
                    failures.append(f"{url}details/?id={row_id}: {details.status_code}")
            if 'name="search"' in html:
                searched = client.get(url, query_string={"search": "a"})
                opened += 1
                if searched.status_code != 200:
                    failures.append(f"{url}?search=a: {searched.status_code}")
    assert opened > 30 and not failures, failures
