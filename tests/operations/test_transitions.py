"""Status changes made in forms follow the spec's state diagrams."""

import factories as f
import pytest
from admin_forms import edit as edit_form

from lms.db import db
from lms.models import Enrollment, EnrollmentStatus, PaymentStatus, Transaction


def enrollment_form(enrollment, **changes):
    form = {
        "user_id": enrollment.user_id,
        "course_id": enrollment.course_id,
        "status": enrollment.status.name,
        "payment_status": enrollment.payment_status.name,
        "payment_amount": f"{enrollment.payment_amount:.2f}",
        "payment_currency": enrollment.payment_currency,
        "enrolled_at": enrollment.enrolled_at.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    "start,target,allowed",
    [
        (EnrollmentStatus.ACTIVE, "COMPLETED", True),
        (EnrollmentStatus.ACTIVE, "CANCELLED", True),
        (EnrollmentStatus.COMPLETED, "ACTIVE", False),
        (EnrollmentStatus.CANCELLED, "COMPLETED", False),
    ],
)
def test_enrollment_status_moves(app, admin_client, start, target, allowed):
    with app.app_context():
        enrollment = f.make_enrollment(status=start)
        db.session.commit()
        form, enrollment_id = enrollment_form(enrollment, status=target), enrollment.id
    response = edit_form(admin_client, "enrollment", enrollment_id, form)
    with app.app_context():
        stored = db.session.get(Enrollment, enrollment_id).status.name
    if allowed:
        assert response.status_code == 302 and stored == target
    else:
        assert response.status_code == 200 and stored == start.name
        assert "cannot go from" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "start,target,allowed,hint",
    [
        (PaymentStatus.PENDING, "COMPLETED", True, None),
        (PaymentStatus.PENDING, "REFUNDED", False, "can only become COMPLETED or FAILED"),
        (PaymentStatus.FAILED, "COMPLETED", False, "FAILED is final"),
        (PaymentStatus.COMPLETED, "REFUNDED", True, None),
    ],
)
def test_payment_status_moves(app, admin_client, start, target, allowed, hint):
    with app.app_context():
        transaction = f.make_transaction(status=start)
        db.session.commit()
        form = {
            "user_id": transaction.user_id,
            "course_id": transaction.course_id,
            "amount": f"{transaction.amount:.2f}",
            "currency": transaction.currency,
            "status": target,
            "provider": transaction.provider,
        }
        transaction_id = transaction.id
    response = edit_form(admin_client, "transaction", transaction_id, form)
    with app.app_context():
        stored = db.session.get(Transaction, transaction_id).status.name
    assert (stored == target) is allowed
    if hint:
        assert hint in response.get_data(as_text=True)
