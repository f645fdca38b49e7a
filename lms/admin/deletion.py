"""Delete with a preview: first a page listing what goes with the rows, then the delete itself.

One database transaction deletes every selected row; each is recorded in the audit log.
"""

from flask import flash, redirect, request
from flask_admin.actions import action
from flask_admin.base import expose
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from wtforms.validators import ValidationError

from lms.admin.errors import friendly_message
from lms.admin.mixin_base import ModelViewMixin
from lms.db import db
from lms.operations import delete_impact
from lms.security import same_site

CONFIRMED = "yes"


def describe_row(row) -> str:
    """A name for the row on the preview page (never a secret such as a token)."""
    if hasattr(row, "identifier"):
        return f"token for {row.identifier}"
    if type(row).__str__ is not object.__str__:
        return str(row)
    return f"{row.__tablename__.rstrip('s').replace('_', ' ')} {row.id}"


class DeleteWithPreview(ModelViewMixin):
    """Mixin for ModelView: the row delete button and the bulk delete action both preview."""

    delete_preview_template = "admin/delete_preview.html"

    def return_target(self) -> str:
        """Where to go back to: the form's `url` when it is on this site, else the list."""
        return same_site(request.values.get("url"), self.get_url(".index_view"))

    def why_not_delete(self, row) -> str | None:
        """Why the current user may not delete this row (shown on the preview), or None."""
        return None

    def rows_for(self, ids: list[str], via_action: bool) -> list:
        """The rows to delete: one (404 if not yours), or the selected ones you may see."""
        if not via_action:
            return [self.get_one(ids[0])]
        return self.selected(ids).all()

    def render_delete_preview(self, ids: list[str], via_action: bool):
        rows = self.rows_for(ids, via_action)
        if not rows:
            flash("None of the selected rows can be deleted by you.", "error")
            return redirect(self.return_target())
        table = self.model.__table__
        real_ids = [str(inspect(row).identity[0]) for row in rows]
        refusals = list(dict.fromkeys(filter(None, map(self.why_not_delete, rows))))
        return self.render(
            self.delete_preview_template,
            via_action=via_action,
            refusals=refusals,
            rows=[(self.get_pk_value(row), describe_row(row)) for row in rows],
            deleted=delete_impact.deleted_with(table, real_ids),
            kept=delete_impact.kept(table, real_ids),
            return_url=self.return_target(),
        )

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        row_id = request.form.get("id", "")
        if request.form.get("confirmed") != CONFIRMED:
            return self.render_delete_preview([row_id], via_action=False)
        return self.delete_rows([row_id], via_action=False)

    @action("delete", "Delete", None)  # no JavaScript confirm: the preview page asks
    def action_delete(self, ids):
        if request.form.get("confirmed") != CONFIRMED:
            return self.render_delete_preview(ids, via_action=True)
        return self.delete_rows(ids, via_action=True)

    def delete_rows(self, ids: list[str], via_action: bool):
        return_url = self.return_target()
        rows = self.rows_for(ids, via_action)
        try:
            for row in rows:
                if refusal := self.why_not_delete(row):
                    raise ValidationError(refusal)
                self.on_model_delete(row)
                db.session.delete(row)
            db.session.commit()
        except (ValidationError, SQLAlchemyError) as error:
            db.session.rollback()
            message = str(error) if isinstance(error, ValidationError) else friendly_message(error)
            flash(f"Nothing was deleted: {message}", "error")
            return redirect(return_url)
        for row in rows:
            self.after_model_delete(row)
        flash(
            f"Deleted {len(rows)} row{'s' if len(rows) != 1 else ''} and what went with "
            f"{'them' if len(rows) != 1 else 'it'}.",
            "success",
        )
        return redirect(return_url)
