"""What a person does in the admin, as Playwright steps: sign in, pick in a lookup, save a form,
run a list action. Each step waits for what the person would wait for (a page, a result row),
never for a fixed time, and fails with what the page said when it goes wrong.
"""

from playwright.sync_api import expect

DEMO_PASSWORD = "demo-password-123"
SAVE = "input[type=submit][value='Save']"
INLINE_ROWS = ".inline-field-list > .inline-field"


def sign_in(page, email, password=DEMO_PASSWORD):
    """Sign in through the form; every JavaScript confirm() afterwards is accepted (and kept)."""
    page.dialogs = []

    def accept(dialog):
        page.dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/admin/"), f"signing in as {email} ended on {page.url}"


def messages(page) -> list[str]:
    """The flash messages on the page, as shown (without the × that closes them)."""
    return [
        " ".join(text.replace("\u00d7", " ").split())
        for text in page.locator(".alert").all_inner_texts()
    ]


def field_errors(page) -> list[str]:
    """Validation messages next to form fields."""
    return [
        " ".join(text.split())
        for text in page.locator(
            ".invalid-feedback, .help-block, .form-text.text-danger"
        ).all_inner_texts()
        if text.strip()
    ]


def save(page, button=SAVE):
    """Press Save; returns the response of the page it leads to."""
    with page.expect_navigation() as navigation:
        page.click(button)
    return navigation.value


def assert_saved(page, response, expected="Record was successfully"):
    """The save ended on a page saying so (the message includes what the page said otherwise)."""
    shown = messages(page)
    assert response.status < 400 and any(expected in m for m in shown), (
        f"expected “{expected}…”, got HTTP {response.status} at {page.url}; "
        f"messages: {shown}; field errors: {field_errors(page)}"
    )


def pick(page, field_id, typed, choice):
    """Choose in a select2 AJAX lookup: open it, type, click the result showing `choice`.

    `choice` is a string or a compiled regex matched against the result labels.
    """
    page.click(f"#s2id_{field_id}")
    search = page.locator("#select2-drop input.select2-input")
    search.fill(typed)
    result = page.locator("#select2-drop .select2-results .select2-result-label", has_text=choice)
    problem = page.locator("#select2-drop .select2-ajax-error, #select2-drop .select2-no-results")
    result.or_(problem).first.wait_for()
    if not result.count():
        raise AssertionError(
            f"the {field_id} lookup answered “{problem.first.inner_text()}” to “{typed}”"
        )
    result.first.click()
    expect(page.locator(f"#s2id_{field_id} .select2-chosen")).to_contain_text(choice)


def lookup_labels(page, field_id, typed) -> list[str]:
    """The labels a select2 lookup offers for `typed` (the drop-down is closed afterwards)."""
    page.click(f"#s2id_{field_id}")
    page.locator("#select2-drop input.select2-input").fill(typed)
    outcome = page.locator(
        "#select2-drop .select2-result-label, "
        "#select2-drop .select2-ajax-error, "
        "#select2-drop .select2-no-results"
    )
    outcome.first.wait_for()
    error = page.locator("#select2-drop .select2-ajax-error")
    assert not error.count(), f"the {field_id} lookup answered “{error.inner_text()}”"
    labels = page.locator("#select2-drop .select2-result-label").all_inner_texts()
    page.keyboard.press("Escape")
    return labels


def add_inline_row(page, button_text, values: dict, select_values: dict | None = None):
    """Click e.g. "Add Module" and fill the new row: {"order": "1", "title": …} by name suffix."""
    rows = page.locator(INLINE_ROWS)
    before = rows.count()
    page.click(f"text={button_text}")
    expect(rows).to_have_count(before + 1)
    row = rows.nth(before)
    for suffix, value in values.items():
        row.locator(f"[name$='-{suffix}']").fill(str(value))
    for suffix, value in (select_values or {}).items():
        row.locator(f"select[name$='-{suffix}']").select_option(value, force=True)  # select2
    return row


def row_of(page, row_id):
    """The list row whose checkbox holds `row_id`."""
    return page.locator(
        "table tbody tr", has=page.locator(f"input.action-checkbox[value='{row_id}']")
    )


def offered_actions(page) -> dict[str, str]:
    """{action name: label} of the list's "With selected" menu (empty when there is none)."""
    items = page.locator("a[data-action]")
    return {
        items.nth(i).get_attribute("data-action"): items.nth(i).inner_text().strip()
        for i in range(items.count())
    }


def run_action(page, row_ids, action):
    """Tick the rows, choose `action` under "With selected"; returns the response it leads to."""
    for row_id in row_ids:
        page.locator(f"input.action-checkbox[value='{row_id}']").check()
    page.click("a.dropdown-toggle:text-is('With selected')")
    item = page.locator(f"a[data-action='{action}']")
    expect(item).to_be_visible()
    with page.expect_navigation() as navigation:
        item.click()
    return navigation.value


def search_list(page, words):
    """Type into the list's search box and press Enter."""
    page.fill("input[name=search]", words)
    with page.expect_navigation():
        page.press("input[name=search]", "Enter")


def assert_clean(page):
    """No console error, no server error (HTTP >= 500), no request leaving 127.0.0.1."""
    assert (
        page.console_errors == [] and page.server_errors == [] and page.external_requests == []
    ), (
        f"console errors: {page.console_errors}; server errors: {page.server_errors}; "
        f"external requests: {page.external_requests}"
    )
