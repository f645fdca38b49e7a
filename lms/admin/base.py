"""The base class of every admin model view: declared roles, instructor scoping, safe forms.

A view declares who may read it (`read_roles`), who may write (`write_roles`, or finer
`create_roles`/`edit_roles`/`delete_roles`), and, when instructors may read it, how their
rows are scoped (`instructor_scope`, from lms.scoping). `roles_for` turns that into the
roles of each endpoint, which lms.roles enforces on every request; the scope applies to the
list, the count, details, edit, delete, inline edit, actions, export and ajax lookups. A view
never re-checks.
"""

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin.contrib.sqla import ModelView
from sqlalchemy.exc import DataError, SQLAlchemyError
from wtforms.validators import ValidationError

from lms import audit
from lms.admin.concurrency import ConflictDetection
from lms.admin.deletion import DeleteWithPreview
from lms.admin.errors import friendly_message
from lms.admin.fields import LmsForm, LmsModelConverter, error_summary
from lms.admin.submissions import OneSubmission
from lms.db import db
from lms.models import UserRole
from lms.operations import OperationRefused
from lms.outage import DatabaseUnavailable
from lms.roles import ADMIN, NOBODY, AccessRules, current_role, current_viewer


class StaffModelView(AccessRules, OneSubmission, ConflictDetection, DeleteWithPreview, ModelView):
    """CRUD over one table with role rules and instructor row scoping."""

    write_roles: frozenset = ADMIN
    create_roles: frozenset | None = None
    edit_roles: frozenset | None = None
    delete_roles: frozenset | None = None
    # Extra @expose'd endpoints that write (e.g. an "enroll" page): they need edit rights.
    write_endpoints: frozenset = frozenset()
    # Who may run each list action: "delete" needs delete rights, any other edit rights,
    # unless named here (e.g. an action that writes a table the role may only read).
    action_roles: dict[str, frozenset] = {}
    # f(query, instructor_user_id) -> query limited to that instructor's rows; required when
    # instructors may read the view. ALL_ROWS says on purpose that nothing is hidden.
    instructor_scope: Callable[[Any, str], Any] | None = None
    inline_models: list | tuple | None  # declared by Flask-Admin, which ships no types

    can_view_details = True
    can_export = False  # Flask-Admin's export loads every row; reports stream instead
    simple_list_pager = True  # no COUNT(*) over millions of rows on every page
    page_size = 25
    can_set_page_size = True
    page_size_options = (25, 50, 100)
    form_base_class = LmsForm
    model_form_converter = LmsModelConverter
    details_template = "admin/lms_details.html"
    list_template = "admin/lms_list.html"
    edit_template = "admin/lms_edit.html"
    create_template = "admin/lms_create.html"
    column_display_actions = True

    def __init__(self, model, **kwargs):
        if UserRole.INSTRUCTOR in (self.read_roles or NOBODY) and self.instructor_scope is None:
            raise TypeError(
                f"{type(self).__name__}: instructors may read it, so it must "
                "declare instructor_scope"
            )
        # Inline child rows (a course's modules) follow the same form rules as their parent.
        self.inline_models = [
            (entry[0], {"form_base_class": LmsForm, **entry[1]})
            if isinstance(entry, tuple)
            else entry
            for entry in self.inline_models or ()
        ]
        super().__init__(model, db, **kwargs)

    @property
    def can_create(self):
        return current_role() in self.roles_for("create_view")

    @property
    def can_edit(self):
        return current_role() in self.roles_for("edit_view")

    @property
    def can_delete(self):
        return current_role() in self.roles_for("delete_view")

    def roles_for(self, endpoint_name: str) -> frozenset:
        """Who may call one of this view's endpoints: the single source of the answer."""
        create = self.write_roles if self.create_roles is None else self.create_roles
        edit = self.write_roles if self.edit_roles is None else self.edit_roles
        delete = self.write_roles if self.delete_roles is None else self.delete_roles
        actions = frozenset().union(*(self.action_roles_for(name) for name, _ in self._actions))
        writes = {
            "create_view": create,
            "edit_view": edit,
            "ajax_update": edit,
            "delete_view": delete,
            "action_view": actions,
        } | dict.fromkeys(self.write_endpoints, edit)
        read = self.read_roles or NOBODY
        return read & writes[endpoint_name] if endpoint_name in writes else read

    def action_roles_for(self, action_name: str) -> frozenset:
        if action_name in self.action_roles:
            roles = self.action_roles[action_name]
        elif action_name == "delete":
            roles = self.write_roles if self.delete_roles is None else self.delete_roles
        else:
            roles = self.write_roles if self.edit_roles is None else self.edit_roles
        return (self.read_roles or NOBODY) & roles

    def is_action_allowed(self, name):
        """Lists offer a role only the actions it may run."""
        return current_role() in self.action_roles_for(name) and super().is_action_allowed(name)

    def refuse(self, endpoint_name: str):
        """lms.roles refuses calls outside roles_for; an action goes back to the list."""
        if endpoint_name == "action_view" and self.is_accessible():
            return self.refuse_action()
        return super().refuse(endpoint_name)

    def handle_action(self, return_view=None):
        """An action the role may not run is refused with a message on the list."""
        name = request.form.get("action", "")
        if name in self._actions_data and not self.is_action_allowed(name):
            return self.refuse_action()
        return super().handle_action(return_view)

    def refuse_action(self):
        """Back to the list, saying which action was refused."""
        action = self._actions_data.get(request.form.get("action", ""))
        what = f"“{action[1]}”" if action else "this action"
        flash(f"Not done: you may not run {what} here. Nothing was changed.", "error")
        return redirect(self.get_url(".index_view"))

    def _get_list_extra_args(self):
        """The list's query string, made safe: no negative page, no NUL, a bounded search."""
        args = super()._get_list_extra_args()
        args.page = max(args.page or 0, 0)
        if args.search:
            args.search = args.search.replace("\x00", "")[:200].strip() or None
        return args

    def _get_list_filter_args(self):
        try:
            return super()._get_list_filter_args()
        except (KeyError, ValueError, LookupError):  # e.g. an enum filter given "abc"
            flash("A filter value was not understood; showing the list without filters.", "error")
            return None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """A filter value the column cannot hold (e.g. status=abc) shows a message, not a 500."""
        try:
            return super().get_list(
                page, sort_column, sort_desc, search, filters, execute, page_size
            )
        except (SQLAlchemyError, KeyError, ValueError, LookupError) as error:
            if isinstance(error, DatabaseUnavailable):
                raise  # the 503 page (lms/outage.py), not "a filter was not understood"
            db.session.rollback()
            flash(
                "A filter or search value was not understood; showing the list without it.", "error"
            )
            return super().get_list(0, sort_column, sort_desc, None, None, execute, page_size)

    def selected(self, ids: list[str]):
        """The selected rows the current user may act on (an action's rowid list is untrusted)."""
        pk = self.model.__mapper__.primary_key[0]
        return self.get_query().filter(pk.in_([str(i)[:200] for i in ids]))

    def own_ids(self, ids: list[str]) -> list[str]:
        pk = self.model.__mapper__.primary_key[0]
        return [row_id for (row_id,) in self.selected(ids).with_entities(pk)]

    def scoped(self, query):
        instructor_id = current_viewer().instructor_id
        if instructor_id is None:
            return query
        scope = type(self).instructor_scope
        if scope is None:  # __init__ refuses such a view; say so rather than call None
            raise TypeError(f"{type(self).__name__} declares no instructor_scope")
        return scope(query, instructor_id)

    def get_query(self):
        return self.scoped(super().get_query())

    def get_count_query(self):
        return self.scoped(super().get_count_query())

    def get_one(self, id):
        """The row, if it exists and the user may see it; 404 otherwise (never a 500)."""
        pk_column = self.model.__mapper__.primary_key[0]
        if not isinstance(id, str) or not id or len(id) > 200 or "\x00" in id:
            abort(404)
        try:
            key = pk_column.type.python_type(id)  # the audit log's ids are integers
            row = self.get_query().filter(pk_column == key).first()
        except (TypeError, ValueError, DataError):  # not a number, or beyond bigint
            db.session.rollback()
            abort(404)
        if row is None:
            abort(404)
        return row

    def error_summary(self, form) -> list[tuple[str, str, str]]:
        return error_summary(form)

    def history_url(self, model) -> str | None:
        """The audit log filtered to this row, for admins (who may read the log)."""
        if not current_viewer().is_admin or not hasattr(model, "id"):
            return None
        return url_for("audit_log.index_view", table=self.model.__tablename__, row=model.id)

    # --- operations, errors and the audit trail -------------------------------------------------

    def run_operation(self, work, done: str):
        """Run `work()` as one transaction; flash `done` (formatted with its result) or why not."""
        try:
            result = work()
            db.session.commit()
        except OperationRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return None
        except SQLAlchemyError as error:
            db.session.rollback()
            flash(friendly_message(error), "error")
            return None
        flash(done.format(result=result), "success")
        return result

    def handle_view_exception(self, exc):
        """Flash a message a person understands; never the SQL. True: handled.

        A rule of lms.operations refusing a save (OperationRefused, e.g. a status change the
        spec's state diagram forbids) reads like a form error: the form again, nothing saved.
        """
        if isinstance(exc, ValidationError | OperationRefused):
            flash(str(exc), "error")
            return True
        if isinstance(exc, DatabaseUnavailable):
            raise exc  # the 503 page (lms/outage.py), not the form again with a message
        if isinstance(exc, SQLAlchemyError):
            flash(friendly_message(exc), "error")
            return True
        return super().handle_view_exception(exc)

    def create_model(self, form):
        if not self.first_submission(form):
            return False
        with audit.FormSave() as g.form_save:
            return super().create_model(form)

    def update_model(self, form, model):
        if not self.first_submission(form):
            return False
        with audit.FormSave() as g.form_save:
            return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        g.form_save.finish(model)  # the row and the inline child rows saved with it

    def on_model_delete(self, model):
        audit.record_delete(model)
