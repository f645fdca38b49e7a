"""The one place that decides access: base classes every admin view and page inherits.

A view declares who may read it (`read_roles`), who may write (`write_roles`, or finer
`create_roles`/`edit_roles`/`delete_roles`), and, when instructors may read it, how their
rows are scoped (`instructor_scope`). The base class applies that to the list, the count,
details, edit, delete, inline edit, actions, export and ajax lookups; a view never re-checks.
"""
from flask import abort, flash, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import DataError, SQLAlchemyError

from lms import audit
from lms.admin.concurrency import ConflictDetection
from lms.admin.deletion import DeleteWithPreview
from lms.admin.errors import friendly_message
from lms.admin.fields import LmsForm, LmsModelConverter
from lms.auth.views import unauthorized
from lms.db import db
from lms.models import UserRole
from lms.operations import OperationRefused

ADMIN = frozenset({UserRole.ADMIN})
STAFF = frozenset({UserRole.ADMIN, UserRole.INSTRUCTOR})
NOBODY = frozenset()


def current_role() -> UserRole | None:
    return current_user.role if current_user.is_authenticated else None


class AccessRules:
    """Role checks shared by pages and model views. `read_roles` must be declared."""

    read_roles: frozenset | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Checked again at registration; here it catches typos such as a set of strings.
        if cls.read_roles is not None and not all(isinstance(r, UserRole) for r in cls.read_roles):
            raise TypeError(f"{cls.__name__}.read_roles must hold UserRole members")

    def is_accessible(self) -> bool:
        return current_role() in (self.read_roles or NOBODY)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return unauthorized()
        abort(403)

    @classmethod
    def declares_access(cls) -> bool:
        return cls.read_roles is not None

    def roles_for(self, endpoint_name: str) -> frozenset:
        return self.read_roles or NOBODY


class StaffPage(AccessRules, BaseView):
    """A custom page (dashboard, report) in the admin."""


class StaffIndexView(AccessRules, AdminIndexView):
    """The admin home: greets the user with their role and the links they may use."""

    read_roles = STAFF

    @expose("/")
    def index(self):
        links = [
            item for item in self.admin.menu()
            if not item.is_category() and item.is_accessible() and item.is_visible()
            and item.get_url().rstrip("/") != self.url.rstrip("/")  # not Home itself
        ]
        categories = [
            (item.name, [c for c in item.get_children() if c.is_accessible() and c.is_visible()])
            for item in self.admin.menu() if item.is_category()
        ]
        categories = [(name, children) for name, children in categories if children]
        return self.render("admin/index.html", links=links, categories=categories)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """select2 lookups that only return rows the current user may pick."""

    def __init__(self, name, session, model, scope=None, **options):
        super().__init__(name, session, model, **options)
        self.scope = scope

    def get_query(self):
        query = super().get_query()
        if self.scope is not None and current_role() is UserRole.INSTRUCTOR:
            query = self.scope(query, current_user.user_id)
        return query

    def get_one(self, pk):
        """The row, only if the lookup could have offered it (scope and filters apply)."""
        query = self.get_query().filter(getattr(self.model, self.pk) == pk)
        for condition in self.filters or ():
            query = query.filter(text(condition))
        with db.session.no_autoflush:
            return query.first()


class StaffModelView(AccessRules, ConflictDetection, DeleteWithPreview, ModelView):
    """CRUD over one table with role rules and instructor row scoping."""

    write_roles: frozenset = ADMIN
    create_roles: frozenset | None = None
    edit_roles: frozenset | None = None
    delete_roles: frozenset | None = None
    # Extra @expose'd endpoints that write (e.g. an "enroll" page): they need edit rights.
    write_endpoints: frozenset = frozenset()
    # f(query, instructor_user_id) -> query limited to that instructor's rows; required when
    # instructors may read the view. ALL_ROWS says on purpose that nothing is hidden.
    instructor_scope = None

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
    column_display_actions = True

    def __init__(self, model, **kwargs):
        if UserRole.INSTRUCTOR in (self.read_roles or NOBODY) and self.instructor_scope is None:
            raise TypeError(f"{type(self).__name__}: instructors may read it, so it must "
                            "declare instructor_scope")
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
        writes = {
            "create_view": create, "edit_view": edit, "ajax_update": edit,
            "delete_view": delete, "action_view": edit | delete,
        } | {name: edit for name in self.write_endpoints}
        read = self.read_roles or NOBODY
        return read & writes[endpoint_name] if endpoint_name in writes else read

    def _handle_view(self, name, **kwargs):
        denied = super()._handle_view(name, **kwargs)
        if denied is not None:
            return denied
        if current_role() not in self.roles_for(name):
            abort(403)
        return None

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
            flash("A filter value was not understood; showing the list without filters.",
                  "error")
            return None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        """A filter value the column cannot hold (e.g. status=abc) shows a message, not a 500."""
        try:
            return super().get_list(page, sort_column, sort_desc, search, filters, execute,
                                    page_size)
        except (SQLAlchemyError, KeyError, ValueError, LookupError):
            db.session.rollback()
            flash("A filter or search value was not understood; showing the list without it.",
                  "error")
            return super().get_list(0, sort_column, sort_desc, None, None, execute, page_size)

    def selected(self, ids: list[str]):
        """The selected rows the current user may act on (an action's rowid list is untrusted)."""
        pk = self.model.__mapper__.primary_key[0]
        return self.get_query().filter(pk.in_([str(i)[:200] for i in ids]))

    def own_ids(self, ids: list[str]) -> list[str]:
        pk = self.model.__mapper__.primary_key[0]
        return [row_id for (row_id,) in self.selected(ids).with_entities(pk)]

    def scoped(self, query):
        if current_role() is UserRole.INSTRUCTOR:
            return type(self).instructor_scope(query, current_user.user_id)
        return query

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


    def history_url(self, model) -> str | None:
        """The audit log filtered to this row, for admins (who may read the log)."""
        if current_role() is not UserRole.ADMIN or not hasattr(model, "id"):
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
        """Flash a message a person understands; never the SQL. True: handled."""
        from wtforms.validators import ValidationError

        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, SQLAlchemyError):
            flash(friendly_message(exc), "error")
            return True
        return super().handle_view_exception(exc)

    def on_model_change(self, form, model, is_created):
        if is_created:
            db.session.flush()  # the id exists now
            audit.record_create(model)
        else:
            audit.record_update(model)

    def on_model_delete(self, model):
        audit.record_delete(model)


def ALL_ROWS(query, _user_id):  # noqa: N802 (reads as a constant in view declarations)
    """instructor_scope for tables every instructor may read in full."""
    return query
