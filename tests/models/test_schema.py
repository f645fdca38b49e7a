"""The migrated database has exactly the shape Prisma gives the platform's schema.prisma."""

import uuid

import pytest
from prisma_schema import (
    COLUMNS,
    ENUMS,
    FOREIGN_KEYS,
    INDEXES,
    NOT_FOREIGN_KEYS,
    SEARCH_VECTOR_EXPRESSION,
)
from sqlalchemy import create_engine, text
from support import database_url, drop_database

# --- reading the catalog --------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog(pg_maintenance_url, template_database):
    """One connection to a migrated database, shared by this module's read-only checks."""
    name = f"lms_schema_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg_maintenance_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}" STRATEGY FILE_COPY')
        )
    engine.dispose()
    engine = create_engine(database_url(pg_maintenance_url, name))
    with engine.connect() as conn:
        yield conn
    engine.dispose()
    drop_database(pg_maintenance_url, name)


def columns_of(conn, table):
    rows = conn.execute(
        text("""
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END
        FROM pg_attribute a
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    """),
        {"table": f'public."{table}"'},
    )
    return [tuple(row) for row in rows]


def indexes_of(conn, table):
    rows = conn.execute(
        text("""
        SELECT i.relname,
               CASE WHEN x.indisprimary THEN 'primary'
                    WHEN x.indisunique THEN 'unique' ELSE 'index' END,
               am.amname,
               array_agg(a.attname || CASE WHEN x.indoption[k.n - 1] & 1 = 1 THEN ' DESC'
                                           ELSE '' END ORDER BY k.n),
               pg_get_expr(x.indpred, x.indrelid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_am am ON am.oid = i.relam
        CROSS JOIN LATERAL unnest(CAST(x.indkey AS int2[])) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
        WHERE x.indrelid = CAST(:table AS regclass)
        GROUP BY i.relname, x.indisprimary, x.indisunique, am.amname, x.indpred, x.indrelid
    """),
        {"table": f'public."{table}"'},
    )
    return {name: (kind, using, tuple(cols), where) for name, kind, using, cols, where in rows}


def foreign_keys(conn):
    """Every foreign key leaving a platform table: name -> (table, col, target, del, upd)."""
    rows = conn.execute(
        text("""
        SELECT c.conname, t.relname, a.attname, r.relname, c.confdeltype, c.confupdtype,
               (SELECT array_agg(ra.attname) FROM pg_attribute ra
                WHERE ra.attrelid = c.confrelid AND ra.attnum = ANY (c.confkey))
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND t.relname = ANY (:tables)
          AND t.relnamespace = CAST('public' AS regnamespace)
    """),
        {"tables": list(COLUMNS)},
    )
    return {
        name: (table, col, target, ref_cols, on_delete, on_update)
        for name, table, col, target, on_delete, on_update, ref_cols in rows
    }


# --- tests ------------------------------------------------------------------------------------


def test_the_seventeen_platform_tables_exist(catalog):
    tables = set(
        catalog.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    )
    assert len(COLUMNS) == 17
    assert set(COLUMNS) <= tables


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_columns_types_nullability_and_defaults(catalog, table):
    assert columns_of(catalog, table) == COLUMNS[table]


def test_enum_types_have_prismas_labels_in_order(catalog):
    rows = catalog.execute(
        text("""
        SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = CAST('public' AS regnamespace)
        GROUP BY t.typname
    """)
    )
    assert dict(rows.all()) == ENUMS


@pytest.mark.parametrize("table", sorted(INDEXES))
def test_indexes_names_columns_sort_order_and_predicates(catalog, table):
    assert indexes_of(catalog, table) == INDEXES[table]


def test_primary_keys_are_constraints_named_table_pkey(catalog):
    rows = catalog.execute(
        text("""
        SELECT t.relname, c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'p' AND t.relname = ANY (:tables)
    """),
        {"tables": list(COLUMNS)},
    )
    expected = {table: f"{table}_pkey" for table in COLUMNS if table != "verification_tokens"}
    assert dict(rows.all()) == expected


def test_uniqueness_is_by_unique_index_not_constraint_as_prisma_does(catalog):
    # Prisma writes CREATE UNIQUE INDEX; a UNIQUE constraint would be a different object
    # (and `prisma migrate diff` would report drift).
    count = catalog.scalar(
        text("""
        SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype IN ('u', 'c', 'x') AND t.relname = ANY (:tables)
    """),
        {"tables": list(COLUMNS)},
    )
    assert count == 0


def test_foreign_keys_exactly_where_prisma_has_a_relation(catalog):
    expected = {
        name: (table, col, target, ["id"], "c", "c")  # c = CASCADE
        for name, (table, col, target) in FOREIGN_KEYS.items()
    }
    assert foreign_keys(catalog) == expected


@pytest.mark.parametrize("table, column", NOT_FOREIGN_KEYS)
def test_no_foreign_key_where_records_must_outlive_their_subject(catalog, table, column):
    constrained = {(t, c) for t, c, *_ in foreign_keys(catalog).values()}
    assert (table, column) not in constrained


def test_search_vector_is_a_stored_generated_tsvector_of_title_and_description(catalog):
    generated, expression = catalog.execute(
        text("""
        SELECT a.attgenerated, pg_get_expr(d.adbin, d.adrelid)
        FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = CAST('public.courses' AS regclass) AND a.attname = 'search_vector'
    """)
    ).one()
    assert generated == "s"  # STORED
    assert expression == SEARCH_VECTOR_EXPRESSION


def test_partial_and_gin_indexes_read_as_the_spec_writes_them(catalog):
    definitions = dict(
        catalog.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY (:names)"),
            {
                "names": [
                    "courses_published_catalog_idx",
                    "course_progress_incomplete_idx",
                    "lesson_progress_incomplete_idx",
                    "courses_search_vector_idx",
                ]
            },
        ).all()
    )
    assert definitions == {
        "courses_published_catalog_idx": "CREATE INDEX courses_published_catalog_idx"
        " ON public.courses USING btree "
        '(featured DESC, difficulty, "createdAt" DESC) WHERE (published = true)',
        "course_progress_incomplete_idx": "CREATE INDEX course_progress_incomplete_idx"
        " ON public.course_progress USING btree "
        '("progressPercent", "lastAccessedAt" DESC) WHERE ("progressPercent" < 100)',
        "lesson_progress_incomplete_idx": "CREATE INDEX lesson_progress_incomplete_idx"
        " ON public.lesson_progress USING btree "
        '("progressId", "lastWatchedAt" DESC) WHERE (completed = false)',
        "courses_search_vector_idx": "CREATE INDEX courses_search_vector_idx"
        " ON public.courses USING gin (search_vector)",
    }
