"""A list offers each role only the actions it may run; one refused anyway is a message.

Lists and their actions are discovered from the app, so new actions are covered as they come.
"""

import re

import pytest
from form_robot import audit_count, model_views, page_text
from support import csrf_token_from, sign_in

from lms.models import UserRole
from lms.seed.demo import DEMO_PASSWORD

ACCOUNTS = {UserRole.ADMIN: "admin@example.com", UserRole.INSTRUCTOR: "ada@example.com"}


def offered_actions(html: str) -> set[str]:
    return set(re.findall(r'data-action="([^"]+)"', html))


def run_action(client, view, name, row_id, token):
    return client.post(
        f"{view.url}/action/", data={"action": name, "rowid": row_id, "csrf_token": token}
    )


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.INSTRUCTOR], ids=["admin", "instructor"])
def test_each_offered_action_runs_and_each_other_is_refused_with_a_message(demo_app, role):
    app = demo_app
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
    offered_somewhere, refused = 0, 0
    for view in model_views(app, "index_view"):
        if role not in view.roles_for("index_view"):
            continue
        html = page_text(client.get(f"{view.url}/"))
        row_ids = re.findall(r'name="rowid" class="action-checkbox" value="([^"]+)"', html)
        offered = offered_actions(html)
        every = {name for name, _label in view._actions}
        for name in sorted(offered):
            assert row_ids, f"{view.endpoint} offers {name} on an empty list"
            response = run_action(client, view, name, row_ids[0], csrf_token_from(html))
            where = f"{role.name} ran {view.endpoint}.{name}"
            assert response.status_code in (200, 302), f"{where}: {response.status_code}"
            if response.status_code == 302:
                assert "Not done: you may not" not in page_text(client.get(response.location)), (
                    where
                )
            offered_somewhere += 1
        for name in sorted(every - offered):
            logged = audit_count(app)
            response = run_action(
                client, view, name, row_ids[0] if row_ids else "x", csrf_token_from(html)
            )
            where = f"{role.name} forced {view.endpoint}.{name}"
            assert response.status_code == 302, f"{where}: {response.status_code}"
            assert response.location.rstrip("/").endswith(view.url), where
            assert "Not done: you may not run" in page_text(client.get(response.location)), where
            assert audit_count(app) == logged, f"{where}: something was written"
            refused += 1
    assert offered_somewhere, "no action offered anywhere"
    if role is UserRole.INSTRUCTOR:
        assert refused, "the instructor was offered every action"


def test_an_instructor_is_offered_no_write_action_on_lists_they_only_read(demo_app):
    """DESIGN.md: enrollments, progress, payments, attempts and certificates are read-only."""
    client = demo_app.test_client()
    sign_in(client, ACCOUNTS[UserRole.INSTRUCTOR], DEMO_PASSWORD)
    for view in model_views(demo_app, "index_view"):
        read_only = UserRole.INSTRUCTOR not in view.roles_for("edit_view") | view.roles_for(
            "delete_view"
        )
        if UserRole.INSTRUCTOR in view.roles_for("index_view") and read_only:
            html = page_text(client.get(f"{view.url}/"))
            assert offered_actions(html) == set(), view.endpoint
