"""The one place that decides access: base classes every admin view and page inherits.

A view declares who may read it (`read_roles`), who may write (`write_roles`, or finer
`create_roles`/`edit_roles`/`delete_roles`), and, when instructors may read it, how their
rows are scoped (`instructor_scope`). The base class applies that to the list, the count,
details, edit, delete, inline edit, actions, export and ajax lookups; a view never re-checks.
"""
from flask import abort, flash
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_login import current_user
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from lms import audit
from lms.admin.errors import friendly_message
from lms.admin.fields import LmsForm, LmsModelConverter
from lms.auth.views import unauthorized
from lms.db import db
from lms.models import UserRole

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
            and item.get_url() != self.url
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


class StaffModelView(AccessRules, ModelView):
    """CRUD over one table with role rules and instructor row scoping."""

    write_roles: frozenset = ADMIN
    create_roles: frozenset | None = None
    edit_roles: frozenset | None = None
    delete_roles: frozenset | None = None
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
        }
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
        row = self.get_query().filter(pk_column == id).first()
        if row is None:
            abort(404)
        return row


    # --- errors and the audit trail ----------------------------------------------------------

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
        changes = column_changes(model)
        if is_created:
            db.session.flush()  # the id exists now
            audit.record("create", self.model.__tablename__, primary_key(model),
                         after=column_values(model))
        elif changes[1]:
            audit.record("update", self.model.__tablename__, primary_key(model),
                         before=changes[0], after=changes[1])

    def on_model_delete(self, model):
        audit.record("delete", self.model.__tablename__, primary_key(model),
                     before=column_values(model))


def primary_key(model) -> str | None:
    # verification_tokens has no id and its key is a secret: name the row by its identifier.
    return getattr(model, "id", None) or getattr(model, "identifier", None)


def column_values(model) -> dict:
    """Every column of the row, by database column name."""
    mapper = inspect(model).mapper
    return {attr.columns[0].name: getattr(model, attr.key) for attr in mapper.column_attrs
            if attr.key != "search_vector"}


def column_changes(model) -> tuple[dict, dict]:
    """(before, after) of the columns changed in this unit of work."""
    state = inspect(model)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes() and history.deleted:
            name = attr.columns[0].name
            old, new = history.deleted[0], getattr(model, attr.key)
            if old != new:
                before[name], after[name] = old, new
    return before, after


def ALL_ROWS(query, _user_id):  # noqa: N802 (reads as a constant in view declarations)
    """instructor_scope for tables every instructor may read in full."""
    return query
