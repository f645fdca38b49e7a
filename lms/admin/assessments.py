"""Assessments: quizzes with their questions, attempts, and certificates."""

from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from lms import scoping
from lms.admin import lookups
from lms.admin.base import StaffModelView
from lms.admin.display import (
    COURSE_LINK,
    MODULE_LINK,
    QUIZ_LINK,
    USER_LINK,
    short_text,
)
from lms.admin.drill import time_ranges
from lms.admin.fields import JsonField
from lms.admin.list_export import ListExportMixin
from lms.db import db
from lms.models import Certificate, CourseModule, Question, Quiz, QuizAttempt
from lms.operations.enrollment import check_no_certificate_yet
from lms.roles import ADMIN, STAFF

CATEGORY = "Assessments"
QUESTION_TYPES = [
    ("multiple_choice", "Multiple choice"),
    ("true_false", "True / false"),
    ("essay", "Essay"),
]


class QuizView(StaffModelView):
    read_roles = STAFF
    write_roles = STAFF
    instructor_scope = staticmethod(scoping.quizzes)

    column_list = [
        "title",
        "course",
        "module",
        "passing_score",
        "max_attempts",
        "time_limit",
        "created_at",
    ]
    column_details_list = [
        "id",
        "title",
        "description",
        "course",
        "module",
        "passing_score",
        "max_attempts",
        "time_limit",
        "created_at",
        "updated_at",
    ]
    column_labels = {
        "passing_score": "Pass mark %",
        "max_attempts": "Max attempts",
        "time_limit": "Time limit (min)",
    }
    column_formatters = {"course": COURSE_LINK, "module": MODULE_LINK}
    column_default_sort = ("created_at", True)
    column_searchable_list = ["title"]
    column_filters = ["passing_score", "created_at", "course_id"]
    column_sortable_list = ["title", "passing_score", "max_attempts", "created_at"]
    form_columns = [
        "course_id",
        "module_id",
        "title",
        "description",
        "passing_score",
        "max_attempts",
        "time_limit",
    ]
    form_args = {
        "passing_score": {"validators": [InputRequired(), NumberRange(0, 100)]},
        "max_attempts": {"validators": [InputRequired(), NumberRange(1, 1000)]},
        "time_limit": {"validators": [Optional(), NumberRange(1, 10_000)]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups(
        "course_id", "module_id", optional=("module_id",)
    )
    # Correct answers appear only here, in the form of someone allowed to edit the quiz.
    inline_models = [
        (
            Question,
            {
                "form_columns": [
                    "id",
                    "order",
                    "type",
                    "question",
                    "options",
                    "correct_answer",
                    "points",
                ],
                "form_overrides": {"options": JsonField},
                "form_choices": {"type": QUESTION_TYPES},
                "form_args": {
                    "order": {"validators": [InputRequired(), NumberRange(0, 100_000)]},
                    "points": {"validators": [InputRequired(), NumberRange(0, 1000)]},
                },
                "form_label": "Question",
            },
        )
    ]

    def on_model_change(self, form, model, is_created):
        module = model.module_id and db.session.get(CourseModule, model.module_id)
        if module and module.course_id != model.course_id:
            raise ValidationError(
                f"The module “{module.title}” belongs to another course; "
                "choose a module of the quiz's course, or none."
            )
        super().on_model_change(form, model, is_created)


class QuestionView(StaffModelView):
    read_roles = STAFF
    write_roles = STAFF
    instructor_scope = staticmethod(scoping.questions)

    # No correct answer in the list or details: only the edit form shows it.
    column_list = ["quiz", "order", "type", "question", "points"]
    column_details_list = [
        "id",
        "quiz",
        "order",
        "type",
        "question",
        "options",
        "points",
        "created_at",
        "updated_at",
    ]
    column_formatters = {"quiz": QUIZ_LINK, "question": short_text(100)}
    column_default_sort = [("quiz_id", False), ("order", False)]
    column_searchable_list = ["question"]
    column_filters = ["type", "points", "quiz_id"]
    column_sortable_list = ["order", "type", "points"]
    form_columns = ["quiz_id", "order", "type", "question", "options", "correct_answer", "points"]
    form_choices = {"type": QUESTION_TYPES}
    form_args = {
        "order": {"validators": [InputRequired(), NumberRange(0, 100_000)]},
        "points": {"validators": [InputRequired(), NumberRange(0, 1000)]},
    }
    form_ajax_refs, form_extra_fields = lookups.id_lookups("quiz_id")
    form_extra_fields["options"] = JsonField(
        "Options", description='For multiple choice, e.g. ["A", "B"].'
    )


class QuizAttemptView(ListExportMixin, StaffModelView):
    export_report = "quiz-attempts"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.quiz_attempts)

    column_list = ["quiz", "user", "score", "passed", "started_at", "completed_at"]
    column_details_list = [
        "id",
        "quiz",
        "user",
        "score",
        "passed",
        "answers",
        "started_at",
        "completed_at",
    ]
    column_formatters = {"quiz": QUIZ_LINK, "user": USER_LINK}
    # Newest first by id (pkey index; cuids are time-ordered): "startedAt" has no index of its
    # own, and sorting 500k attempts by it missed the list budget (bench: 382 ms p95).
    column_default_sort = ("id", True)
    column_filters = [
        "passed",
        "score",
        "started_at",
        "quiz_id",
        "user_id",
        *time_ranges(QuizAttempt.started_at),
    ]
    column_sortable_list = ["score", "passed", "started_at", "completed_at"]
    form_columns = [
        "quiz_id",
        "user_id",
        "score",
        "passed",
        "answers",
        "started_at",
        "completed_at",
    ]
    form_args = {"score": {"validators": [InputRequired(), NumberRange(0, 100)]}}
    form_ajax_refs, form_extra_fields = lookups.id_lookups("quiz_id", "user_id")
    form_extra_fields["answers"] = JsonField("Answers", required=True)


class CertificateView(ListExportMixin, StaffModelView):
    export_report = "certificates"  # the list's "Export CSV" (streamed, see lms/reports)
    read_roles = STAFF
    write_roles = ADMIN
    instructor_scope = staticmethod(scoping.certificates)

    column_list = ["certificate_no", "user", "course", "issued_at", "expires_at"]
    column_details_list = [
        "id",
        "certificate_no",
        "user",
        "course",
        "issued_at",
        "expires_at",
        "pdf_url",
    ]
    column_labels = {"certificate_no": "Certificate no.", "pdf_url": "PDF URL"}
    column_formatters = {"user": USER_LINK, "course": COURSE_LINK}
    column_default_sort = ("issued_at", True)
    column_searchable_list = ["certificate_no"]
    column_filters = [
        "issued_at",
        "expires_at",
        "user_id",
        "course_id",
        *time_ranges(Certificate.issued_at),
    ]
    column_sortable_list = ["certificate_no", "issued_at", "expires_at"]
    form_columns = ["certificate_no", "user_id", "course_id", "issued_at", "expires_at", "pdf_url"]
    form_args = {"certificate_no": {"validators": [InputRequired()]}}
    form_ajax_refs, form_extra_fields = lookups.id_lookups("user_id", "course_id")

    def on_model_change(self, form, model, is_created):
        with db.session.no_autoflush:  # the row being saved must not count as "already there"
            check_no_certificate_yet(model.user_id, model.course_id, model.id)
        super().on_model_change(form, model, is_created)


def register(admin):
    admin.add_view(QuizView(Quiz, name="Quizzes", category=CATEGORY, endpoint="quiz"))
    admin.add_view(QuestionView(Question, name="Questions", category=CATEGORY, endpoint="question"))
    admin.add_view(
        QuizAttemptView(
            QuizAttempt, name="Quiz attempts", category=CATEGORY, endpoint="quiz_attempt"
        )
    )
    admin.add_view(
        CertificateView(Certificate, name="Certificates", category=CATEGORY, endpoint="certificate")
    )
