"""The app-owned audit log: every write and export done through the app, who and when."""

from datetime import datetime

from sqlalchemy import BigInteger, Identity, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Model
from lms.models.common import Json, Timestamp, utcnow


class AuditEntry(Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("audit_log_table_rowId_idx", "tableName", "rowId"),
        Index("audit_log_userId_idx", "userId"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utcnow)
    # No foreign key: the record must outlive the user who made it.
    user_id: Mapped[str | None] = mapped_column("userId", Text)
    user_email: Mapped[str | None] = mapped_column("userEmail", Text)
    action: Mapped[str] = mapped_column(Text, nullable=False)  # create, update, delete, export, …
    table_name: Mapped[str] = mapped_column("tableName", Text, nullable=False)
    row_id: Mapped[str | None] = mapped_column("rowId", Text)
    before: Mapped[dict | None] = mapped_column(Json)
    after: Mapped[dict | None] = mapped_column(Json)
    details: Mapped[dict | None] = mapped_column(Json)  # filters, row counts, messages


Index("audit_log_at_idx", AuditEntry.at.desc())
