"""The platform's operations as admin actions: success paths, refusals, and all-or-nothing."""

from datetime import timedelta
from decimal import Decimal

import factories as f
import pytest
from sqlalchemy import text
from support import csrf_token_from

from lms.db import db
from lms.models import (
    Certificate,
    Course,
    CourseProgress,
    Enrollment,
    EnrollmentStatus,
    PaymentStatus,
    Session,
    Transaction,
    utcnow,
)
from lms.operations.enrollment import is_valid_certificate_number


def action(client, endpoint, name, ids):
    token = csrf_token_from(client.get(f"/admin/{endpoint}/").get_data(as_text=True))
    return client.post(
        f"/admin/{endpoint}/action/", data={"action": name, "rowid": ids, "csrf_token": token}
    )


def enroll(client, user_id, course_id):
    token = csrf_token_from(client.get("/admin/enrollment/enroll/").get_data(as_text=True))
    return client.post(
        "/admin/enrollment/enroll/",
        data={"user_id": user_id, "course_id": course_id, "csrf_token": token},
    )


def fail_inserts_into(app, table):
    """A real database failure in the middle of an operation: a trigger that raises."""
    with app.app_context():
        db.session.execute(
            text("""
            CREATE FUNCTION fail_now() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'forced failure'; END $$""")
        )
        db.session.execute(
            text(
                f"CREATE TRIGGER fail BEFORE INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fail_now()"
            )
        )
        db.session.commit()


def rows(app, model, **where):
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


@pytest.fixture
def paid_course(app):
    with app.app_context():
        course = f.make_course(price=Decimal("49.99"))
        module = f.make_module(course=course)
        f.make_lesson(module=module), f.make_lesson(module=module)
        student = f.make_user()
        db.session.commit()
        return course.id, student.id


def test_enroll_creates_enrollment_progress_and_transaction_together(
    app, admin_client, paid_course
):
    course_id, user_id = paid_course
    assert enroll(admin_client, user_id, course_id).status_code == 302
    with app.app_context():
        progress = db.session.query(CourseProgress).filter_by(user_id=user_id).one()
        assert progress.total_lessons == 2 and progress.progress_percent == 0
        enrollment = db.session.query(Enrollment).filter_by(user_id=user_id).one()
        assert enrollment.payment_amount == Decimal("49.99")
        assert enrollment.payment_status is PaymentStatus.PENDING
        transaction = db.session.query(Transaction).filter_by(user_id=user_id).one()
        assert (
            transaction.amount == Decimal("49.99") and transaction.status is PaymentStatus.PENDING
        )


def test_enrolling_twice_is_refused_with_a_message(app, admin_client, paid_course):
    course_id, user_id = paid_course
    enroll(admin_client, user_id, course_id)
    response = enroll(admin_client, user_id, course_id)
    assert response.status_code == 200
    assert "already enrolled" in response.get_data(as_text=True)
    assert rows(app, Enrollment, user_id=user_id) == 1


def test_a_free_course_needs_no_transaction(app, admin_client):
    with app.app_context():
        course, student = f.make_course(price=Decimal("0.00")), f.make_user()
        db.session.commit()
        course_id, user_id = course.id, student.id
    enroll(admin_client, user_id, course_id)
    assert rows(app, Enrollment, user_id=user_id) == 1
    assert rows(app, Transaction, user_id=user_id) == 0


def test_a_failure_in_the_middle_of_enrolling_leaves_no_rows(app, admin_client, paid_course):
    course_id, user_id = paid_course
    fail_inserts_into(app, "transactions")  # after the enrollment and progress are written
    response = enroll(admin_client, user_id, course_id)
    assert response.status_code == 200
    assert "forced failure" not in response.get_data(as_text=True)  # no raw database error
    assert rows(app, Enrollment, user_id=user_id) == 0
    assert rows(app, CourseProgress, user_id=user_id) == 0


def test_instructors_cannot_enroll_or_refund(instructor_client):
    assert instructor_client.get("/admin/enrollment/enroll/").status_code == 403
    token = csrf_token_from(instructor_client.get("/admin/transaction/").get_data(as_text=True))
    response = instructor_client.post(
        "/admin/transaction/action/",
        data={"action": "refund", "rowid": ["x"], "csrf_token": token},
        follow_redirects=True,
    )
    assert response.request.path == "/admin/transaction/"
    assert "Not done: you may not run “Refund” here." in response.get_data(as_text=True)


def paid_enrollment(app, status=PaymentStatus.COMPLETED):
    with app.app_context():
        enrollment = f.make_enrollment(payment_status=status)
        transaction = f.make_transaction(
            user=enrollment.user, course=enrollment.course, status=status
        )
        db.session.commit()
        return enrollment.id, transaction.id


def test_refund_moves_the_payment_and_cancels_the_enrollment(app, admin_client):
    enrollment_id, transaction_id = paid_enrollment(app)
    action(admin_client, "transaction", "refund", [transaction_id])
    with app.app_context():
        assert db.session.get(Transaction, transaction_id).status is PaymentStatus.REFUNDED
        enrollment = db.session.get(Enrollment, enrollment_id)
        assert enrollment.status is EnrollmentStatus.CANCELLED
        assert enrollment.payment_status is PaymentStatus.REFUNDED


def test_refund_of_a_pending_payment_is_refused(app, admin_client):
    _enrollment_id, transaction_id = paid_enrollment(app, PaymentStatus.PENDING)
    action(admin_client, "transaction", "refund", [transaction_id])
    page = admin_client.get("/admin/transaction/").get_data(as_text=True)
    assert "Only completed payments can be refunded" in page
    with app.app_context():
        assert db.session.get(Transaction, transaction_id).status is PaymentStatus.PENDING


def test_a_refund_that_fails_half_way_changes_nothing(app, admin_client):
    enrollment_id, transaction_id = paid_enrollment(app)
    fail_inserts_into(app, "enrollments")  # the transaction is updated first
    action(admin_client, "transaction", "refund", [transaction_id])
    with app.app_context():
        assert db.session.get(Transaction, transaction_id).status is PaymentStatus.COMPLETED
        assert db.session.get(Enrollment, enrollment_id).status is EnrollmentStatus.ACTIVE


def test_expire_overdue_enrollments_from_the_admin_and_the_cli(app, admin_client):
    with app.app_context():
        overdue = f.make_enrollment(expires_at=utcnow() - timedelta(days=1))
        current = f.make_enrollment(expires_at=utcnow() + timedelta(days=30))
        later = f.make_enrollment(expires_at=utcnow() - timedelta(days=2))
        db.session.commit()
        ids = overdue.id, current.id, later.id
    action(admin_client, "enrollment", "expire", [ids[0], ids[1]])
    with app.app_context():
        statuses = [db.session.get(Enrollment, i).status for i in ids]
    assert statuses == [EnrollmentStatus.EXPIRED, EnrollmentStatus.ACTIVE, EnrollmentStatus.ACTIVE]
    result = app.test_cli_runner().invoke(args=["enrollments", "expire"])
    assert result.exit_code == 0 and "Expired 1 enrollment" in result.output
    with app.app_context():
        assert db.session.get(Enrollment, ids[2]).status is EnrollmentStatus.EXPIRED


def test_purge_expired_sessions_from_the_admin_and_the_cli(app, admin_client):
    with app.app_context():
        old = [f.make_session(expires=utcnow() - timedelta(hours=1)) for _ in range(2)]
        live = f.make_session(expires=utcnow() + timedelta(days=1))
        db.session.commit()
        old_ids, live_id = [s.id for s in old], live.id
    action(admin_client, "session", "purge_expired", [old_ids[0], live_id])
    assert rows(app, Session) == 2
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Purged 1 expired session" in result.output
    with app.app_context():
        assert [s.id for s in db.session.query(Session)] == [live_id]


def test_recompute_progress_from_lesson_progress(app, admin_client):
    with app.app_context():
        course = f.make_course()
        module = f.make_module(course=course)
        lessons = [f.make_lesson(module=module) for _ in range(4)]
        progress = f.make_progress(
            course=course, completed_lessons=0, total_lessons=9, progress_percent=0
        )
        for lesson in lessons[:3]:
            f.make_lesson_progress(
                progress=progress, lesson=lesson, completed=True, completed_at=utcnow()
            )
        db.session.commit()
        progress_id, course_id = progress.id, course.id
    action(admin_client, "course_progress", "recompute", [progress_id])
    with app.app_context():
        row = db.session.get(CourseProgress, progress_id)
        assert (row.completed_lessons, row.total_lessons, row.progress_percent) == (3, 4, 75)
        assert row.completed_at is None
        f.make_lesson_progress(
            progress=row, lesson=lessons[3], completed=True, completed_at=utcnow()
        )
        db.session.commit()
    action(admin_client, "course", "recompute_progress", [course_id])
    with app.app_context():
        row = db.session.get(CourseProgress, progress_id)
        assert row.progress_percent == 100 and row.completed_at is not None


def test_certificates_are_issued_once_for_completed_enrollments(app, admin_client):
    with app.app_context():
        done = f.make_enrollment(status=EnrollmentStatus.COMPLETED, completed_at=utcnow())
        active = f.make_enrollment()
        db.session.commit()
        done_id, active_id, user_id = done.id, active.id, done.user_id
    action(admin_client, "enrollment", "issue_certificate", [done_id])
    with app.app_context():
        certificate = db.session.query(Certificate).filter_by(user_id=user_id).one()
        assert is_valid_certificate_number(certificate.certificate_no)
        assert not is_valid_certificate_number(certificate.certificate_no[:-1] + "#")
    action(admin_client, "enrollment", "issue_certificate", [done_id])
    assert "already has certificate" in admin_client.get("/admin/enrollment/").get_data(
        as_text=True
    )
    action(admin_client, "enrollment", "issue_certificate", [active_id])
    assert "Only completed enrollments" in admin_client.get("/admin/enrollment/").get_data(
        as_text=True
    )
    assert rows(app, Certificate) == 1


def test_publish_and_feature_courses_in_bulk(app, admin_client):
    with app.app_context():
        ids = [f.make_course(published=False).id for _ in range(3)]
        db.session.commit()
    action(admin_client, "course", "publish", ids[:2])
    action(admin_client, "course", "feature", ids[1:])
    with app.app_context():
        flags = [(c.published, c.featured) for c in (db.session.get(Course, i) for i in ids)]
    assert flags == [(True, False), (True, True), (False, True)]
    action(admin_client, "course", "unpublish", ids)
    action(admin_client, "course", "unfeature", ids)
    with app.app_context():
        assert db.session.query(Course).filter(Course.published | Course.featured).count() == 0
