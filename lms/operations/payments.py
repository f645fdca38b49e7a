"""Refunds: the transaction and the enrollment it paid for change together."""

from sqlalchemy import select

from lms import audit
from lms.db import db
from lms.models import Enrollment, EnrollmentStatus, PaymentStatus, Transaction
from lms.operations import OperationRefused


def refund(transaction_id: str) -> Transaction:
    """COMPLETED → REFUNDED, and its enrollment → CANCELLED with payment status REFUNDED."""
    transaction = db.session.get(Transaction, transaction_id, with_for_update=True)
    if transaction is None:
        raise OperationRefused("That transaction no longer exists.")
    if transaction.status is not PaymentStatus.COMPLETED:
        raise OperationRefused(
            f"Only completed payments can be refunded; "
            f"{transaction.provider_txn_id or transaction.id} is "
            f"{transaction.status.name}."
        )
    transaction.status = PaymentStatus.REFUNDED
    audit.record_update(transaction, operation="refund")
    enrollment = db.session.scalar(
        select(Enrollment)
        .where(
            Enrollment.user_id == transaction.user_id, Enrollment.course_id == transaction.course_id
        )
        .with_for_update()
    )
    if enrollment is not None:
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.payment_status = PaymentStatus.REFUNDED
        audit.record_update(enrollment, operation="refund", transaction=transaction.id)
    db.session.flush()
    return transaction
