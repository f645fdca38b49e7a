"""Payment records. No foreign keys: they outlive the user and course they name (audit)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Model
from lms.models.common import (
    Json,
    Money,
    PaymentStatus,
    created_at_column,
    id_column,
    pg_enum,
    updated_at_column,
)


class Transaction(Model):
    __tablename__ = "transactions"
    __table_args__ = (
        Index("transactions_providerTxnId_key", "providerTxnId", unique=True),
        Index("transactions_userId_idx", "userId"),
        Index("transactions_courseId_idx", "courseId"),
        Index("transactions_status_idx", "status"),
    )

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column("userId", Text, nullable=False)
    course_id: Mapped[str] = mapped_column("courseId", Text, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    currency: Mapped[str] = mapped_column(Text, nullable=False, default="USD", server_default="USD")
    status: Mapped[PaymentStatus] = mapped_column(
        pg_enum(PaymentStatus),
        nullable=False,
        default=PaymentStatus.PENDING,
        server_default="PENDING",
    )
    provider: Mapped[str] = mapped_column(Text, nullable=False)  # stripe, paypal, ...
    provider_txn_id: Mapped[str | None] = mapped_column("providerTxnId", Text)
    # Attribute not named `metadata`: that name is taken on declarative classes.
    details: Mapped[dict | None] = mapped_column("metadata", Json)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    # Read-only and dangling-tolerant: a deleted user or course leaves these None.
    user = relationship(
        "User", primaryjoin="foreign(Transaction.user_id) == User.id", viewonly=True
    )
    course = relationship(
        "Course", primaryjoin="foreign(Transaction.course_id) == Course.id", viewonly=True
    )


Index("transactions_userId_createdAt_idx", Transaction.user_id, Transaction.created_at.desc())
Index("transactions_status_createdAt_idx", Transaction.status, Transaction.created_at.desc())
Index("transactions_createdAt_idx", Transaction.created_at.desc())
