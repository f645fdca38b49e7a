"""The spec's state diagrams for enrollment and payment statuses."""

from lms.models import EnrollmentStatus, PaymentStatus
from lms.operations import OperationRefused

ENROLLMENT_MOVES = {
    EnrollmentStatus.ACTIVE: {
        EnrollmentStatus.COMPLETED,
        EnrollmentStatus.EXPIRED,
        EnrollmentStatus.CANCELLED,
    },
}
PAYMENT_MOVES = {
    PaymentStatus.PENDING: {PaymentStatus.COMPLETED, PaymentStatus.FAILED},
    PaymentStatus.COMPLETED: {PaymentStatus.REFUNDED},
}


def check_move(kind: str, status_type, moves: dict, old, new) -> None:
    """Refuse a status change the diagram does not draw, naming the moves that are allowed."""
    if old is None or old == new:
        return
    old, new = status_type(old), status_type(new)  # forms may hand over plain names
    allowed = moves.get(old, set())
    if new in allowed:
        return
    if allowed:
        names = " or ".join(sorted(status.name for status in allowed))
        raise OperationRefused(
            f"A {kind} cannot go from {old.name} to {new.name}; "
            f"from {old.name} it can only become {names}."
        )
    raise OperationRefused(
        f"A {kind} cannot go from {old.name} to {new.name}: {old.name} is final."
    )


def check_enrollment_move(old: EnrollmentStatus | None, new: EnrollmentStatus) -> None:
    check_move("enrollment", EnrollmentStatus, ENROLLMENT_MOVES, old, new)


def check_payment_move(old: PaymentStatus | None, new: PaymentStatus) -> None:
    check_move("payment", PaymentStatus, PAYMENT_MOVES, old, new)
