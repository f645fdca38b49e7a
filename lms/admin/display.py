"""How values look in lists and details: related rows as linked names, money, dangling ids."""

from flask import url_for
from markupsafe import Markup, escape

from lms.formatting import amount


def related_link(relation: str, id_attr: str, endpoint: str, missing: str):
    """Column formatter: the related row's name linked to its details page.

    An id whose row is gone (payments outlive users and courses) shows as `missing`.
    """

    def formatter(view, context, model, name):
        related = getattr(model, relation)
        row_id = getattr(model, id_attr)
        if related is None:
            if not row_id:
                return ""
            return Markup(
                f'<span class="dangling" title="{escape(row_id)}">{escape(missing)}</span>'
            )
        try:
            url = url_for(f"{endpoint}.details_view", id=row_id)
        except Exception:  # the view is not registered in this app
            return str(related)
        return Markup(f'<a href="{escape(url)}">{escape(str(related))}</a>')

    return formatter


def money(view, context, model, name):
    return amount(getattr(model, name))


def enum_name(view, context, model, name):
    value = getattr(model, name)
    return "" if value is None else value.name


def text_list(view, context, model, name):
    return "; ".join(getattr(model, name) or [])


def short_text(limit: int = 80):
    def formatter(view, context, model, name):
        value = getattr(model, name) or ""
        return value if len(value) <= limit else value[: limit - 1] + "…"

    return formatter


# Every link from a row to a related row, by the relation's name on the model.
USER_LINK = related_link("user", "user_id", "user", "deleted user")
COURSE_LINK = related_link("course", "course_id", "course", "deleted course")
QUIZ_LINK = related_link("quiz", "quiz_id", "quiz", "deleted quiz")
MODULE_LINK = related_link("module", "module_id", "course_module", "deleted module")
LESSON_LINK = related_link("lesson", "lesson_id", "lesson", "deleted lesson")
PROGRESS_LINK = related_link("progress", "progress_id", "course_progress", "deleted progress")
INSTRUCTOR_LINK = related_link("instructor", "instructor_id", "user", "no instructor / deleted")
