"""Every edit and create form of every view, for each role that may use it, on real data.

The views come from the URL map, so a view added later is covered without touching this file.
Rows are the ones people have: the demo data (`python app.py`) and a generated `medium`
database, including the row with the most inline children of each view (the course with the
most modules, the quiz with the most questions). Forms are read from the page and posted as a
browser posts them (tests/html_forms.py).
"""

from dataclasses import replace

import pytest
from form_robot import (
    CREATED,
    SAVED,
    FormPage,
    alerts,
    assert_readable,
    audit_count,
    audit_entries_since,
    biggest_rows,
    edit_ids_on_list,
    field_kinds,
    fields_in_error,
    lookup_choices,
    model_views,
    new_token,
    page_text,
    proposals,
    row_state,
    shown_value,
    unique_column,
)
from support import sign_in
from wtforms import BooleanField

from lms.admin.fields import IdLookupField
from lms.models import UserRole
from lms.seed.demo import DEMO_PASSWORD

# Demo accounts exist at every scale; Ada teaches courses in each.
ACCOUNTS = {UserRole.ADMIN: "admin@example.com", UserRole.INSTRUCTOR: "ada@example.com"}
ROWS_FROM_LIST = {"demo": 10, "medium": 3}


def signed_in(app, role):
    client = app.test_client()
    assert sign_in(client, ACCOUNTS[role], DEMO_PASSWORD).status_code == 302
    return client


def view_roles(app, endpoint_name):
    """(view, role) for every view registering the endpoint and every role that may use it."""
    roles_of = {"edit_view": "edit_view", "create_view": "create_view"}[endpoint_name]
    return [
        (view, role)
        for view in model_views(app, endpoint_name)
        for role in ACCOUNTS
        if role in view.roles_for(roles_of)
    ]


def rows_to_try(app, client, view, how_many: int) -> list[str]:
    """The first rows of the list as the role sees it, and the biggest row it may open."""
    ids = edit_ids_on_list(client, view, how_many)
    for row_id in biggest_rows(app, view):
        if client.get(f"{view.url}/edit/", query_string={"id": row_id}).status_code == 200:
            ids.insert(0, row_id)
            break
    return list(dict.fromkeys(ids))


def save_as_is(client, url):
    form = FormPage(client, url)
    return form, form.submit()


@pytest.fixture(params=["demo", "medium"])
def real_app(request):
    if request.param == "medium":
        request.applymarker(pytest.mark.slow)
    app = request.getfixturevalue(f"{request.param}_app")
    app.dataset = request.param
    return app


def test_every_edit_form_saves_unchanged_on_real_rows(real_app):
    """Open, press Save, nothing else: "saved", the row and its children as they were, no
    audit entry (nothing changed)."""
    app, tried, failures = real_app, [], []
    for view, role in view_roles(app, "edit_view"):
        client = signed_in(app, role)
        rows = rows_to_try(app, client, view, ROWS_FROM_LIST[app.dataset])
        assert rows, f"{view.endpoint}: no row to try as {role.name}"
        for row_id in rows:
            url = f"{view.url}/edit/?id={row_id}"
            before, logged = row_state(app, view, row_id), audit_count(app)
            _form, response = save_as_is(client, url)
            html = (
                page_text(client.get(response.location))
                if response.status_code == 302
                else page_text(response)
            )
            problems = []
            if response.status_code != 302 or SAVED not in html:
                problems.append(f"not saved: {alerts(html)[:400]}")
            if row_state(app, view, row_id) != before:
                problems.append("the row changed")
            if audit_count(app) != logged:
                entries = audit_entries_since(app, logged)
                problems.append(f"audit logged {[(e.action, e.after) for e in entries]}")
            if problems:
                failures.append(f"{role.name} {view.endpoint} {row_id}: {'; '.join(problems)}")
            children = sum(len(v) for k, v in before.items() if k != "row")
            tried.append((view.endpoint, role.name, children))
    report(app, "unchanged saves", tried)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.INSTRUCTOR], ids=["admin", "instructor"])
def test_each_kind_of_field_is_stored_when_changed(real_app, role):
    """On the biggest row of each view: change one field of each kind, save, reopen."""
    app, failures, tried = real_app, [], []
    for view, _role in [vr for vr in view_roles(app, "edit_view") if vr[1] is role]:
        client = signed_in(app, role)
        row_id = rows_to_try(app, client, view, 1)[0]
        url = f"{view.url}/edit/?id={row_id}"
        kinds = field_kinds(app, view)
        first_of_kind = {}
        for control in FormPage(client, url).controls:
            kind = kinds.get(control.name)
            if kind is not None:
                first_of_kind.setdefault(kind, control.name)
        for kind, name in first_of_kind.items():
            outcome = change_one_field(app, client, view, row_id, url, name, kind)
            tried.append((view.endpoint, role.name, f"{name}:{kind.__name__}"))
            if outcome:
                failures.append(f"{role.name} {view.endpoint}.{name} ({kind.__name__}): {outcome}")
    report(app, "changed fields", tried)
    assert not failures, "\n".join(failures)


def change_one_field(app, client, view, row_id, url, name, kind) -> str | None:
    """None when a value of this kind was stored and shown again; else what went wrong."""
    form = FormPage(client, url)
    control = form.control(name)
    cleared = [()]
    if issubclass(kind, BooleanField):
        values = ["" if control.checked else "y"]
    elif issubclass(kind, IdLookupField):
        values = [
            i for i in lookup_choices(client, view, name, ["a", "e", "o"]) if i != control.value
        ][:5]
        # Moving a quiz to another course: a person empties its module (of the old course).
        cleared.append(
            tuple(
                c.name
                for c in form.controls
                if c.name != name and c.attrs.get("data-allow-blank") == "1"
            )
        )
    else:
        values = proposals(kind, control.value, new_token(), control.options)
    refusals = []
    for others, value in [(others, value) for others in cleared for value in values]:
        before, logged = row_state(app, view, row_id), audit_count(app)
        form = FormPage(client, url)
        form.set(name, value)
        for other in others:
            form.set(other, "")
        response = form.submit()
        if response.status_code != 302:
            assert response.status_code == 200, (url, name, value, response.status_code)
            assert_readable(page_text(response))
            refusals.append(f"{value!r}: {alerts(page_text(response))[:200]}")
            if row_state(app, view, row_id) != before:
                return f"refused {value!r} but the row changed"
            continue
        if SAVED not in page_text(client.get(response.location)):
            return f"{value!r}: redirected without 'saved'"
        if row_state(app, view, row_id) == before:
            return f"{value!r}: 'saved' but nothing changed in the database"
        if not any(
            e.action == "update" and e.row_id == row_id for e in audit_entries_since(app, logged)
        ):
            return f"{value!r}: saved without an audit entry"
        reopened = FormPage(client, url).control(name)
        typed = replace(control, value=value, checked=value == "y")
        if shown_value(reopened) != shown_value(typed):
            return f"typed {value!r}, the form shows {reopened.value!r}"
        return None
    if refusals and len(refusals) == len(values) * len(cleared) and unique_column(view.model, name):
        return None  # every other value is taken (each course has its analytics row): refused
    return "no value was accepted: " + " / ".join(refusals) if refusals else "nothing to try"


@pytest.mark.parametrize("role", [UserRole.ADMIN, UserRole.INSTRUCTOR], ids=["admin", "instructor"])
def test_every_create_form_creates_a_row(demo_app, role):
    """Every create form the role may open, filled with values a person would type, in the
    order of the menu (a course before its modules), creates its row."""
    app, token, failures, created = demo_app, new_token(), [], []
    app.dataset = "demo"
    client = signed_in(app, role)
    for view, _role in [vr for vr in view_roles(app, "create_view") if vr[1] is role]:
        outcome = create_one(app, client, view, token)
        if outcome:
            failures.append(f"{role.name} {view.endpoint}: {outcome}")
        else:
            created.append(view.endpoint)
    report(app, f"created as {role.name}", [(e, role.name, 0) for e in created])
    assert created and not failures, "\n".join(failures)


def create_one(app, client, view, token) -> str | None:
    url = f"{view.url}/new/"
    kinds = field_kinds(app, view)
    form = FormPage(client, url)
    choices = {}
    for control in form.controls:
        kind = kinds.get(control.name)
        if kind is None or issubclass(kind, BooleanField) or control.value.strip():
            continue
        if issubclass(kind, IdLookupField):
            choices[control.name] = lookup_choices(client, view, control.name, [token, "a", "e"])[
                :8
            ]
        else:
            choices[control.name] = proposals(kind, "", token, control.options)
    position = dict.fromkeys(choices, 0)
    messages = []
    for _attempt in range(12):
        for name, values in choices.items():
            if values:
                form.set(name, values[position[name] % len(values)])
        logged = audit_count(app)
        response = form.submit()
        if response.status_code == 302:
            if CREATED not in page_text(client.get(response.location)):
                return "redirected without 'created'"
            entries = audit_entries_since(app, logged)
            if not any(
                e.action == "create" and e.table_name == view.model.__tablename__ for e in entries
            ):
                return "created without an audit entry"
            return None
        assert response.status_code == 200, (url, response.status_code)
        html = page_text(response)
        assert_readable(html)
        messages.append(alerts(html)[:300])
        if audit_count(app) != logged:
            return "refused, but something was written"
        wrong = fields_in_error(html) & set(choices) or {
            n for n in choices if n in {c for c, k in kinds.items() if k is IdLookupField}
        }
        if not wrong:
            break
        for name in wrong:
            position[name] += 1
        form = FormPage(client, url)
    return "never created: " + " / ".join(dict.fromkeys(messages))


def report(app, what, tried):
    """How many rows of which shapes were tried, for the closing note (-rP shows it)."""
    views = sorted({(endpoint, role) for endpoint, role, _ in tried})
    most = max((children for *_, children in tried if isinstance(children, int)), default=0)
    print(
        f"[{app.dataset}] {what}: {len(tried)} tries over {len(views)} view/role pairs; "
        f"most inline children in one form: {most}"
    )
    for endpoint, role in views:
        print(
            f"  {role:<10} {endpoint}: {sum(1 for e, r, _ in tried if (e, r) == (endpoint, role))}"
        )
