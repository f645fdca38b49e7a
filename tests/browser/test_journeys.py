"""In chromium, on the demo data: an admin's and an instructor's day in the admin, click by click.

Each journey clicks and types as a person would, then checks the database.
"""

import json
import re
from functools import partial

import pytest
from journeys import (
    DEMO_PASSWORD,
    INLINE_ROWS,
    add_inline_row,
    assert_clean,
    assert_saved,
    lookup_labels,
    messages,
    offered_actions,
    pick,
    row_of,
    run_action,
    save,
    search_list,
    sign_in,
)
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms.db import db
from lms.models import (
    Certificate,
    Course,
    CourseModule,
    CourseProgress,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    PaymentStatus,
    Question,
    Quiz,
    Transaction,
    User,
    UserRole,
)

pytestmark = pytest.mark.browser

ADMIN = "admin@example.com"
ADA = "ada@example.com"
SAVED = "Record was successfully saved."
CREATED = "Record was successfully created."


def query(app, work):
    """`work()` in an app context, on fresh rows (what the server committed)."""
    with app.app_context():
        db.session.expire_all()
        return work()


def user_id(email):
    return db.session.scalar(select(User.id).where(User.email == email))


def course_named(title):
    return db.session.scalars(select(Course).where(Course.title == title)).one()


def module_rows(course_id):
    """Everything about a course's modules but the save stamp, by id."""
    modules = db.session.scalars(select(CourseModule).where(CourseModule.course_id == course_id))
    return {
        m.id: {
            "course_id": m.course_id,
            "order": m.order,
            "title": m.title,
            "description": m.description,
            "duration": m.duration,
            "video_url": m.video_url,
            "content": m.content,
            "created_at": m.created_at,
        }
        for m in modules
    }


def largest_records(instructor_email=None):
    """(course id, module id, quiz id): the most modules, lessons, questions (ties: lowest id)."""
    courses = select(Course.id)
    if instructor_email:
        courses = courses.where(Course.instructor_id == user_id(instructor_email))
    course_ids = list(db.session.scalars(courses))
    course = db.session.execute(
        select(CourseModule.course_id)
        .where(CourseModule.course_id.in_(course_ids))
        .group_by(CourseModule.course_id)
        .order_by(func.count().desc(), CourseModule.course_id)
        .limit(1)
    ).scalar_one()
    module = db.session.execute(
        select(Lesson.module_id)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(CourseModule.course_id.in_(course_ids))
        .group_by(Lesson.module_id)
        .order_by(func.count().desc(), Lesson.module_id)
        .limit(1)
    ).scalar_one()
    quiz = db.session.execute(
        select(Question.quiz_id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .where(Quiz.course_id.in_(course_ids))
        .group_by(Question.quiz_id)
        .order_by(func.count().desc(), Question.quiz_id)
        .limit(1)
    ).scalar_one()
    return course, module, quiz


def open_edit_from_list(page, endpoint, row_id, search=None):
    """Go to the list (search it if asked) and click the row's edit pencil."""
    page.goto(f"/admin/{endpoint}/")
    if search:
        search_list(page, search)
    with page.expect_navigation():
        row_of(page, row_id).locator("a[title='Edit Record']").click()
    assert "/edit/" in page.url


def swap_first_two_orders(page):
    """Swap the order numbers of the first two inline rows; returns (their ids, old orders)."""
    rows = page.locator(INLINE_ROWS)
    first, second = rows.nth(0), rows.nth(1)
    ids = [row.locator("input[name$='-id']").input_value() for row in (first, second)]
    orders = [row.locator("[name$='-order']").input_value() for row in (first, second)]
    first.locator("[name$='-order']").fill(orders[1])
    second.locator("[name$='-order']").fill(orders[0])
    return ids, [int(o) for o in orders]


# --- an admin's day ---------------------------------------------------------------------------


def test_opening_the_site_root_leads_to_sign_in_and_then_the_admin(demo_page):
    page = demo_page
    response = page.goto("/")  # what the README tells newcomers to open
    assert response.status == 200 and "/login" in page.url, f"{response.status} at {page.url}"
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/admin/"), page.url
    expect(page.locator("#greeting")).to_have_text("Welcome, Avery Admin")
    assert_clean(page)


MODULES = [
    ("Capturing Notes", "Fleeting, literature and permanent notes.", 40),
    ("Linking Notes", "Links, structure notes and indexes.", 55),
    ("Writing From Notes", "Drafts that assemble themselves.", 35),
    ("Keeping It Going", "Reviews and habits.", 25),
]
LESSONS = [
    ("Why links beat folders", "Folders hide ideas.\nLinks surface them.", 12),
    ("Atomic notes", "One idea per note.", 9),
    ("Structure notes", "Hubs that point into the web.", 14),
    ("The index", "Entry points, not a taxonomy.", 7),
    ("Links with reasons", "Say why two notes belong together.", 11),
]
QUESTIONS = [
    (
        "multiple_choice",
        "Which note holds a single idea?",
        ["Fleeting", "Atomic", "Index"],
        "Atomic",
        2,
    ),
    (
        "true_false",
        "Folders are the main structure of a Zettelkasten.",
        ["True", "False"],
        "False",
        1,
    ),
    (
        "multiple_choice",
        "What does a structure note do?",
        ["Stores drafts", "Points into the web of notes", "Replaces tags"],
        "Points into the web of notes",
        2,
    ),
    ("essay", "Describe how you would link two notes and why.", None, "", 5),
    (
        "multiple_choice",
        "What belongs beside a link?",
        ["A reason", "A date", "Nothing"],
        "A reason",
        1,
    ),
    ("true_false", "The index is a complete taxonomy.", ["True", "False"], "False", 1),
]


def test_an_admin_builds_a_course_with_modules_lessons_and_a_quiz(demo_page, demo_app):
    page = demo_page
    sign_in(page, ADMIN)

    page.goto("/admin/course/new/")
    page.fill("input[name=title]", "Zettelkasten for Engineers")
    page.fill("textarea[name=description]", "Build a web of linked notes that writes for you.")
    page.select_option("select[name=difficulty]", "INTERMEDIATE", force=True)  # behind select2
    page.fill("input[name=price]", "59.90")
    page.fill("input[name=duration_hours]", "3")
    for order, (title, description, minutes) in enumerate(MODULES, 1):
        add_inline_row(
            page,
            "Add Module",
            {"order": order, "title": title, "description": description, "duration": minutes},
        )
    assert_saved(page, save(page), CREATED)

    def stored_course():
        course = course_named("Zettelkasten for Engineers")
        return (
            course.id,
            str(course.price),
            course.difficulty.value,
            course.duration_hours,
            course.description,
            [(m.order, m.title, m.description, m.duration) for m in course.modules],
        )

    course_id, price, difficulty, hours, description, modules = query(demo_app, stored_course)
    assert (price, difficulty, hours) == ("59.90", "INTERMEDIATE", 3)
    assert description == "Build a web of linked notes that writes for you."
    assert modules == [(n, *m) for n, m in enumerate(MODULES, 1)]

    # The second module gets its five lessons, from its own form.
    page.goto("/admin/course_module/")
    search_list(page, "Linking Notes")
    with page.expect_navigation():
        page.locator("a[title='Edit Record']").first.click()
    assert page.input_value("input[name=title]") == "Linking Notes"
    for order, (title, content, minutes) in enumerate(LESSONS, 1):
        add_inline_row(
            page,
            "Add Lesson",
            {"order": order, "title": title, "content": content, "duration": minutes},
        )
    assert_saved(page, save(page), SAVED)

    def stored_lessons():
        module = db.session.scalars(
            select(CourseModule).where(
                CourseModule.course_id == course_id, CourseModule.title == "Linking Notes"
            )
        ).one()
        return module.id, [
            (lesson.order, lesson.title, lesson.content, lesson.duration)
            for lesson in module.lessons
        ]

    module_id, lessons = query(demo_app, stored_lessons)
    assert lessons == [(n, *lesson) for n, lesson in enumerate(LESSONS, 1)]

    # A quiz on that course and module, both chosen through the lookups, with six questions.
    page.goto("/admin/quiz/new/")
    pick(page, "course_id", "Zettelkasten", "Zettelkasten for Engineers")
    pick(page, "module_id", "Linking", "Linking Notes")
    page.fill("input[name=title]", "Linking check-in")
    page.fill("textarea[name=description]", "Six questions on links and structure notes.")
    page.fill("input[name=passing_score]", "75")
    page.fill("input[name=max_attempts]", "2")
    page.fill("input[name=time_limit]", "20")
    for order, (kind, text, options, answer, points) in enumerate(QUESTIONS, 1):
        add_inline_row(
            page,
            "Add Question",
            {
                "order": order,
                "question": text,
                "options": json.dumps(options) if options else "",
                "correct_answer": answer,
                "points": points,
            },
            select_values={"type": kind},
        )
    assert_saved(page, save(page), CREATED)

    def stored_quiz():
        quiz = db.session.scalars(select(Quiz).where(Quiz.title == "Linking check-in")).one()
        return (
            (
                quiz.course_id,
                quiz.module_id,
                quiz.description,
                quiz.passing_score,
                quiz.max_attempts,
                quiz.time_limit,
            ),
            [
                (q.order, q.type, q.question, q.options, q.correct_answer or "", q.points)
                for q in quiz.questions
            ],
        )

    quiz, questions = query(demo_app, stored_quiz)
    assert quiz == (course_id, module_id, "Six questions on links and structure notes.", 75, 2, 20)
    assert questions == [(n, *q) for n, q in enumerate(QUESTIONS, 1)]
    assert_clean(page)


def test_an_admin_assigns_a_course_to_grace_through_the_instructor_picker(demo_page, demo_app):
    page = demo_page
    course_id, modules_before, grace = query(
        demo_app,
        lambda: (
            course_named("Prompt Engineering Fundamentals").id,
            module_rows(course_named("Prompt Engineering Fundamentals").id),
            user_id("grace@example.com"),
        ),
    )
    sign_in(page, ADMIN)
    open_edit_from_list(page, "course", course_id)
    expect(page.locator("#s2id_instructor_id .select2-chosen")).to_contain_text("ada@example.com")
    pick(page, "instructor_id", "grac", re.compile(r"Grace Hopper"))
    assert_saved(page, save(page), SAVED)

    def stored():
        course = db.session.get(Course, course_id)
        return course.instructor_id, course.title, module_rows(course_id)

    instructor, title, modules = query(demo_app, stored)
    assert instructor == grace
    assert title == "Prompt Engineering Fundamentals" and modules == modules_before
    # The list names the new instructor.
    page.goto("/admin/course/")
    expect(row_of(page, course_id).locator("td.col-instructor")).to_contain_text("grace")
    assert_clean(page)


def test_an_admin_publishes_a_new_course_and_finds_it_by_search(demo_page, demo_app):
    page = demo_page
    sign_in(page, ADMIN)
    page.goto("/admin/course/new/")
    page.fill("input[name=title]", "Spaced Repetition in Practice")
    page.fill("textarea[name=description]", "Flashcards, intervals and the forgetting curve.")
    page.select_option("select[name=difficulty]", "BEGINNER", force=True)
    page.fill("input[name=price]", "0")
    page.fill("input[name=duration_hours]", "2")
    assert_saved(page, save(page), CREATED)
    course_id, published = query(
        demo_app,
        lambda: (
            course_named("Spaced Repetition in Practice").id,
            course_named("Spaced Repetition in Practice").published,
        ),
    )
    assert published is False  # a new course starts as a draft

    page.goto("/admin/course/")
    response = run_action(page, [course_id], "publish")
    assert response.status == 200 and "Published 1 course(s)." in messages(page), messages(page)
    assert page.dialogs == ["Publish the selected courses?"]
    assert query(demo_app, lambda: db.session.get(Course, course_id).published) is True

    page.goto("/admin/course/")
    search_list(page, "repetition")
    titles = [t.strip() for t in page.locator("td.col-title").all_inner_texts()]
    assert titles == ["Spaced Repetition in Practice"]
    expect(row_of(page, course_id).locator("td.col-published .fa-check-circle")).to_have_count(1)
    assert_clean(page)


def test_an_admin_enrolls_a_student_who_was_not_enrolled(demo_page, demo_app):
    page = demo_page

    def newcomer():
        course = course_named("Reinforcement Learning in Practice")
        enrolled = select(Enrollment.user_id).where(Enrollment.course_id == course.id)
        student = db.session.scalars(
            select(User)
            .where(User.role == UserRole.STUDENT, User.id.not_in(enrolled))
            .order_by(User.email)
        ).first()
        lessons = db.session.scalar(
            select(func.count(Lesson.id))
            .join(CourseModule, CourseModule.id == Lesson.module_id)
            .where(CourseModule.course_id == course.id)
        )
        return course.id, course.price, student.id, student.email, lessons

    course_id, price, student_id, email, lessons = query(demo_app, newcomer)

    sign_in(page, ADMIN)
    page.goto("/admin/enrollment/")
    with page.expect_navigation():
        page.click("#enroll-link")
    pick(page, "user_id", email.split("@")[0], email)
    pick(page, "course_id", "reinforcement", "Reinforcement Learning in Practice")
    with page.expect_navigation() as navigation:
        page.click("#enroll-form button[type=submit]")
    assert navigation.value.status == 200 and "/admin/enrollment/details/" in page.url, page.url
    assert any(m.startswith("Enrolled") for m in messages(page)), messages(page)

    def stored():
        enrollment = db.session.scalars(
            select(Enrollment).where(
                Enrollment.user_id == student_id, Enrollment.course_id == course_id
            )
        ).one()
        progress = db.session.scalars(
            select(CourseProgress).where(
                CourseProgress.user_id == student_id, CourseProgress.course_id == course_id
            )
        ).one()
        payments = db.session.scalars(
            select(Transaction).where(
                Transaction.user_id == student_id, Transaction.course_id == course_id
            )
        ).all()
        return (
            (enrollment.status, enrollment.payment_status, enrollment.payment_amount),
            (progress.total_lessons, progress.completed_lessons, progress.progress_percent),
            [(t.status, t.amount) for t in payments],
        )

    enrollment, progress, payments = query(demo_app, stored)
    assert enrollment == (EnrollmentStatus.ACTIVE, PaymentStatus.PENDING, price)
    assert progress == (lessons, 0, 0)
    assert payments == [(PaymentStatus.PENDING, price)]  # a paid course: its payment is due
    assert_clean(page)


def test_an_admin_refunds_a_completed_payment_and_its_enrollment_is_cancelled(demo_page, demo_app):
    page = demo_page

    def paid():
        rows = db.session.execute(
            select(Transaction.id, Transaction.provider_txn_id, Enrollment.id)
            .join(
                Enrollment,
                (Enrollment.user_id == Transaction.user_id)
                & (Enrollment.course_id == Transaction.course_id),
            )
            .where(
                Transaction.status == PaymentStatus.COMPLETED,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Transaction.provider_txn_id.is_not(None),
            )
            .order_by(Transaction.id)
        ).all()
        return rows[0]

    transaction_id, provider_txn_id, enrollment_id = query(demo_app, paid)

    sign_in(page, ADMIN)
    page.goto("/admin/transaction/")
    search_list(page, provider_txn_id)
    expect(row_of(page, transaction_id)).to_have_count(1)
    response = run_action(page, [transaction_id], "refund")
    assert response.status == 200 and messages(page) == [
        "Refunded 1 payment(s); their enrollments are cancelled."
    ], messages(page)
    expect(row_of(page, transaction_id).locator("td.col-status")).to_contain_text("REFUNDED")

    def stored():
        transaction = db.session.get(Transaction, transaction_id)
        enrollment = db.session.get(Enrollment, enrollment_id)
        return transaction.status, enrollment.status, enrollment.payment_status

    assert query(demo_app, stored) == (
        PaymentStatus.REFUNDED,
        EnrollmentStatus.CANCELLED,
        PaymentStatus.REFUNDED,
    )
    assert_clean(page)


def test_an_admin_completes_an_enrollment_and_issues_its_certificate(demo_page, demo_app):
    page = demo_page

    def active():
        enrollment = db.session.scalars(
            select(Enrollment)
            .where(Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(Enrollment.id.desc())
        ).first()
        return enrollment.id, enrollment.user_id, enrollment.course_id

    enrollment_id, student_id, course_id = query(demo_app, active)

    def certificates():
        return db.session.scalars(
            select(Certificate).where(
                Certificate.user_id == student_id, Certificate.course_id == course_id
            )
        ).all()

    assert query(demo_app, certificates) == []

    sign_in(page, ADMIN)
    open_edit_from_list(page, "enrollment", enrollment_id)
    page.select_option("select[name=status]", "COMPLETED", force=True)  # behind select2
    assert_saved(page, save(page), SAVED)
    assert (
        query(demo_app, lambda: db.session.get(Enrollment, enrollment_id).status)
        == EnrollmentStatus.COMPLETED
    )

    page.goto("/admin/enrollment/")
    response = run_action(page, [enrollment_id], "issue_certificate")
    assert response.status == 200 and "Issued 1 certificate(s)." in messages(page), messages(page)
    issued = query(demo_app, lambda: [(c.certificate_no, c.issued_at) for c in certificates()])
    assert len(issued) == 1 and re.fullmatch(
        r"LMS-\d{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-Z]", issued[0][0]
    ), issued
    page.goto("/admin/certificate/")
    search_list(page, issued[0][0])
    expect(page.locator("td.col-certificate_no")).to_have_text([issued[0][0]])
    assert_clean(page)


def test_an_admin_renames_the_largest_course_and_swaps_its_first_two_modules(demo_page, demo_app):
    page = demo_page
    course_id = query(demo_app, lambda: largest_records()[0])
    before = query(demo_app, lambda: module_rows(course_id))
    sign_in(page, ADMIN)
    open_edit_from_list(page, "course", course_id)
    page.fill("input[name=title]", "Machine Learning with Python, Second Edition")
    (first, second), (first_order, second_order) = swap_first_two_orders(page)
    assert_saved(page, save(page), SAVED)

    title, after = query(
        demo_app, lambda: (db.session.get(Course, course_id).title, module_rows(course_id))
    )
    assert title == "Machine Learning with Python, Second Edition"
    assert (after[first]["order"], after[second]["order"]) == (second_order, first_order)
    expected = {key: dict(row) for key, row in before.items()}
    expected[first]["order"], expected[second]["order"] = second_order, first_order
    assert after == expected  # nothing else about the modules changed
    assert_clean(page)


def test_an_admin_deletes_a_course_and_its_modules_through_the_preview(demo_page, demo_app):
    page = demo_page

    def doomed():
        course = course_named("AI Ethics & Responsible AI")
        module_ids = [m.id for m in course.modules]
        return (
            course.id,
            module_ids,
            db.session.scalar(
                select(func.count(Lesson.id)).where(Lesson.module_id.in_(module_ids))
            ),
        )

    course_id, module_ids, lessons = query(demo_app, doomed)

    sign_in(page, ADMIN)
    page.goto("/admin/course/")
    with page.expect_navigation():
        row_of(page, course_id).locator("button[title='Delete Record']").click()
    expect(page.locator("#delete-preview")).to_contain_text("AI Ethics & Responsible AI")
    expect(page.locator("#deleted-with [data-table=course_modules]")).to_have_text(
        str(len(module_ids))
    )
    expect(page.locator("#deleted-with [data-table=lessons]")).to_have_text(str(lessons))
    with page.expect_navigation():
        page.click("#confirm-delete")
    assert any(m.startswith("Deleted 1 row") for m in messages(page)), messages(page)
    expect(row_of(page, course_id)).to_have_count(0)

    def left():
        return (
            db.session.get(Course, course_id),
            db.session.scalar(
                select(func.count(CourseModule.id)).where(CourseModule.id.in_(module_ids))
            ),
            db.session.scalar(
                select(func.count(Lesson.id)).where(Lesson.module_id.in_(module_ids))
            ),
        )

    assert query(demo_app, left) == (None, 0, 0)
    assert_clean(page)


# --- an instructor's day (Ada teaches Prompt Engineering Fundamentals and Machine Learning) ----


def test_an_instructor_renames_her_course_and_reorders_its_modules(demo_page, demo_app):
    page = demo_page
    course_id = query(demo_app, lambda: course_named("Prompt Engineering Fundamentals").id)
    before = query(demo_app, lambda: module_rows(course_id))
    sign_in(page, ADA)
    page.goto("/admin/course/")
    titles = sorted(t.strip() for t in page.locator("td.col-title").all_inner_texts())
    assert titles == ["Machine Learning with Python", "Prompt Engineering Fundamentals"]
    open_edit_from_list(page, "course", course_id)
    expect(page.locator("#s2id_instructor_id")).to_have_count(0)  # not hers to give away
    page.fill("input[name=title]", "Prompt Engineering Fundamentals (revised)")
    (first, second), (first_order, second_order) = swap_first_two_orders(page)
    assert_saved(page, save(page), SAVED)

    def stored():
        course = db.session.get(Course, course_id)
        return course.title, course.instructor_id, module_rows(course_id)

    title, instructor, after = query(demo_app, stored)
    assert title == "Prompt Engineering Fundamentals (revised)"
    assert instructor == query(demo_app, lambda: user_id(ADA))
    expected = {key: dict(row) for key, row in before.items()}
    expected[first]["order"], expected[second]["order"] = second_order, first_order
    assert after == expected
    assert_clean(page)


def test_an_instructor_adds_a_module_with_lessons_to_her_course(demo_page, demo_app):
    page = demo_page
    course_id = query(demo_app, lambda: course_named("Machine Learning with Python").id)
    sign_in(page, ADA)
    page.goto("/admin/course_module/new/")
    # The course lookup offers her courses only.
    offered = lookup_labels(page, "course_id", "learning")
    assert offered == ["Machine Learning with Python"], offered
    pick(page, "course_id", "machine", "Machine Learning with Python")
    page.fill("input[name=order]", "6")
    page.fill("input[name=title]", "Monitoring Models")
    page.fill("textarea[name=description]", "Drift, alerts and retraining.")
    page.fill("input[name=duration]", "50")
    lessons = [
        ("Data drift", "Compare live inputs with training data.", 20),
        ("Alerts that matter", "Thresholds without alert fatigue.", 15),
        ("When to retrain", "Schedules versus triggers.", 15),
    ]
    for order, (title, content, minutes) in enumerate(lessons, 1):
        add_inline_row(
            page,
            "Add Lesson",
            {"order": order, "title": title, "content": content, "duration": minutes},
        )
    assert_saved(page, save(page), CREATED)

    def stored():
        module = db.session.scalars(
            select(CourseModule).where(CourseModule.title == "Monitoring Models")
        ).one()
        return (
            module.course_id,
            module.order,
            module.description,
            module.duration,
            [
                (lesson.order, lesson.title, lesson.content, lesson.duration)
                for lesson in module.lessons
            ],
        )

    assert query(demo_app, stored) == (
        course_id,
        6,
        "Drift, alerts and retraining.",
        50,
        [(n, *lesson) for n, lesson in enumerate(lessons, 1)],
    )
    assert_clean(page)


def test_an_instructor_edits_every_question_of_her_quiz(demo_page, demo_app):
    page = demo_page

    def quiz():
        row = db.session.scalars(
            select(Quiz).where(Quiz.title == "Final exam: Machine Learning")
        ).one()
        return row.id, [(q.id, q.question, q.points) for q in row.questions]

    quiz_id, questions = query(demo_app, quiz)
    assert len(questions) >= 3

    sign_in(page, ADA)
    page.goto("/admin/quiz/")
    search_list(page, "Machine Learning")
    with page.expect_navigation():
        row_of(page, quiz_id).locator("a[title='Edit Record']").click()
    rows = page.locator(INLINE_ROWS)
    expect(rows).to_have_count(len(questions))
    typed = {}
    for index in range(len(questions)):
        row = rows.nth(index)
        question_id = row.locator("input[name$='-id']").input_value()
        typed[question_id] = (f"Revised question {index + 1}: what changes?", index + 3)
        row.locator("[name$='-question']").fill(typed[question_id][0])
        row.locator("[name$='-points']").fill(str(typed[question_id][1]))
    page.fill("input[name=passing_score]", "80")
    assert_saved(page, save(page), SAVED)

    def stored():
        row = db.session.get(Quiz, quiz_id)
        return row.passing_score, {q.id: (q.question, q.points) for q in row.questions}

    assert set(typed) == {q[0] for q in questions}
    assert query(demo_app, stored) == (80, typed)
    assert_clean(page)


# Lists an instructor may open, in the order they are tried: a delete confirmed on one list
# must not empty a later one (a course takes its modules, lessons and enrollments with it).
INSTRUCTOR_LISTS = [
    "question",
    "quiz",
    "lesson",
    "course_module",
    "media",
    "user",
    "enrollment",
    "course_progress",
    "lesson_progress",
    "transaction",
    "certificate",
    "quiz_attempt",
    "course",
]
# A message saying the action was not hers to run means the menu should not have offered it.
NOT_ALLOWED = re.compile(r"may not|not allowed|permission|forbidden", re.IGNORECASE)
# DESIGN.md: instructors only read these; their lists offer nothing to run.
READ_ONLY_FOR_INSTRUCTORS = {
    "enrollment",
    "course_progress",
    "lesson_progress",
    "transaction",
    "certificate",
    "quiz_attempt",
}


def test_an_instructor_is_offered_only_list_actions_she_can_run(demo_page):
    page = demo_page
    sign_in(page, ADA)
    offered, refused = {}, []
    for endpoint in INSTRUCTOR_LISTS:
        response = page.goto(f"/admin/{endpoint}/")
        assert response.status == 200, f"/admin/{endpoint}/ answered {response.status}"
        offered[endpoint] = offered_actions(page)
        for action, label in offered[endpoint].items():
            page.goto(f"/admin/{endpoint}/")
            boxes = page.locator("input.action-checkbox")
            if not boxes.count():
                refused.append(f"{endpoint}: “{label}” offered on a list with no rows")
                continue
            response = run_action(page, [boxes.first.get_attribute("value")], action)
            if response.status < 400 and page.locator("#confirm-delete").count():
                with page.expect_navigation() as navigation:
                    page.click("#confirm-delete")
                response = navigation.value
            shown = messages(page)
            if (
                response.status >= 400
                or f"/admin/{endpoint}/" not in page.url
                or not shown
                or any(NOT_ALLOWED.search(m) for m in shown)
            ):
                refused.append(
                    f"{endpoint}: “{label}” ended in HTTP {response.status} at "
                    f"{page.url} (messages: {shown})"
                )
    write_actions = {
        endpoint: sorted(offered[endpoint].values())
        for endpoint in READ_ONLY_FOR_INSTRUCTORS
        if offered[endpoint]
    }
    assert write_actions == {}, f"read-only lists offer actions to instructors: {write_actions}"
    assert refused == [], "\n".join(refused)
    # She still runs what is hers to run: publishing her courses, deleting her rows.
    assert {"publish", "unpublish", "delete"} <= set(offered["course"]), offered["course"]
    assert "delete" in offered["question"], offered["question"]
    assert_clean(page)


def child_rows(kind, parent_id):
    """A course's modules, a module's lessons or a quiz's questions, minus the save stamp."""
    model, parent = {
        "course": (CourseModule, CourseModule.course_id),
        "course_module": (Lesson, Lesson.module_id),
        "quiz": (Question, Question.quiz_id),
    }[kind]
    columns = [c.key for c in model.__mapper__.column_attrs if c.key != "updated_at"]
    return {
        row.id: {c: getattr(row, c) for c in columns}
        for row in db.session.scalars(select(model).where(parent == parent_id))
    }


@pytest.mark.parametrize("email", [ADMIN, ADA], ids=["admin", "instructor"])
def test_saving_the_biggest_forms_unchanged_says_saved(demo_page, demo_app, email):
    page = demo_page
    instructor = None if email == ADMIN else email

    def biggest():
        course_id, module_id, quiz_id = largest_records(instructor)
        return [
            ("course", course_id, None),
            ("course_module", module_id, db.session.get(CourseModule, module_id).title),
            ("quiz", quiz_id, db.session.get(Quiz, quiz_id).title),
        ]

    records = query(demo_app, biggest)
    sign_in(page, email)
    outcomes = {}
    for endpoint, row_id, title in records:
        before = query(demo_app, partial(child_rows, endpoint, row_id))
        open_edit_from_list(page, endpoint, row_id, search=title)
        expect(page.locator(INLINE_ROWS)).to_have_count(len(before))
        response = save(page)
        outcomes[endpoint] = (response.status, messages(page))
        assert query(demo_app, partial(child_rows, endpoint, row_id)) == before
    assert outcomes == {endpoint: (200, [SAVED]) for endpoint, _, _ in records}
    assert_clean(page)


def test_an_instructor_cannot_delete_her_course_while_students_are_enrolled(demo_page, demo_app):
    """DESIGN.md: instructors delete their own courses only while nobody is enrolled."""
    page = demo_page

    def enrolled_course():
        course = course_named("Machine Learning with Python")
        return course.id, db.session.scalar(
            select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id)
        )

    course_id, enrollments = query(demo_app, enrolled_course)
    assert enrollments > 0
    sign_in(page, ADA)
    page.goto("/admin/course/")
    with page.expect_navigation():
        row_of(page, course_id).locator("button[title='Delete Record']").click()
    if page.locator("#confirm-delete").count():  # a preview may still offer the button
        with page.expect_navigation():
            page.click("#confirm-delete")
    assert messages(page), f"no message at {page.url}"

    def left():
        return db.session.get(Course, course_id) is not None, db.session.scalar(
            select(func.count(Enrollment.id)).where(Enrollment.course_id == course_id)
        )

    assert query(demo_app, left) == (True, enrollments), messages(page)
    assert_clean(page)
