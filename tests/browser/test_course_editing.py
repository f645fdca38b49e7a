"""In chromium: build a course with two modules and their lessons, edit it, find it by search."""

import pytest

from lms.models import UserRole

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")


def save(page):
    with page.expect_navigation():
        page.click("input[type=submit][value='Save']")


def test_course_with_modules_and_lessons_through_the_forms(page, make_staff):
    make_staff(UserRole.INSTRUCTOR, email="ada@example.com", name="Ada")
    sign_in(page, "ada@example.com")

    page.goto("/admin/course/new/")
    page.fill("input[name=title]", "Transformers from Scratch")
    # The slug is proposed from the title (and made server-side if left empty).
    assert page.get_attribute("input[name=slug]", "placeholder") == "transformers-from-scratch"
    page.fill("textarea[name=description]", "Attention, embeddings and decoding.")
    page.select_option("select[name=difficulty]", "ADVANCED", force=True)  # behind select2
    page.fill("input[name=price]", "129.00")
    page.fill("input[name=duration_hours]", "12")
    for index, title in enumerate(["Attention", "Decoding"]):
        page.click("text=Add Module")
        row = page.locator(".inline-field-list > .inline-field").nth(index)
        row.locator("[name$='-order']").fill(str(index + 1))
        row.locator("[name$='-title']").fill(title)
        row.locator("[name$='-description']").fill(f"All about {title.lower()}")
        row.locator("[name$='-duration']").fill("45")
    save(page)
    assert "Record was successfully created" in page.content()

    for title in ("Attention", "Decoding"):
        page.goto("/admin/course_module/?search=" + title)
        page.locator("a[title='Edit Record']").first.click()
        page.wait_for_url("**/course_module/edit/**")  # a loaded machine may be slow
        page.click("text=Add Lesson")
        row = page.locator(".inline-field-list > .inline-field").last
        row.locator("[name$='-order']").fill("1")
        row.locator("[name$='-title']").fill(f"{title} lesson")
        row.locator("[name$='-content']").fill("Text of the lesson.")
        row.locator("[name$='-duration']").fill("10")
        save(page)
        assert "Record was successfully saved" in page.content()

    page.goto("/admin/lesson/")
    assert "Attention lesson" in page.content() and "Decoding lesson" in page.content()

    page.goto("/admin/course/")
    page.locator("a[title='Edit Record']").first.click()
    page.fill("input[name=title]", "Transformers from Scratch (2nd edition)")
    save(page)

    page.goto("/admin/course/")
    page.fill("input[name=search]", "transformer decoding")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Transformers from Scratch (2nd edition)" in page.content()
    assert page.console_errors == []
    assert page.external_requests == []
