"""`flask db check-platform`: a database's differences from the platform's schema, named."""

import pytest
from flask_migrate.cli import db as db_group
from sqlalchemy import create_engine, text

from lms import create_app
from lms.database.platform_schema import (
    Drift,
    expected_schema,
    migrated_catalog,
    normal_default,
    platform_drift,
)
from lms.database.schema_cli import check_platform_command
from lms.models import PLATFORM_MODELS

PLATFORM = "(0001_init + 0002_database_optimization)"


@pytest.fixture(autouse=True)
def check_platform_in_flask_db():
    """lms/cli.py puts the command under `flask db`; should it not (yet), the tests do."""
    if "check-platform" in db_group.commands:
        yield
        return
    db_group.add_command(check_platform_command)
    yield
    del db_group.commands["check-platform"]


def check_platform(app):
    return app.test_cli_runner().invoke(args=["db", "check-platform"])


def alter(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def drift_of(url: str) -> list[Drift]:
    engine = create_engine(url)
    with engine.connect() as conn:
        drifts = platform_drift(conn)
    engine.dispose()
    return drifts


def test_a_database_migrated_to_head_has_no_drift(app):
    result = check_platform(app)

    assert result.exit_code == 0, result.output
    # The app's own tables (admin_credentials has a foreign key to users) are not compared.
    assert result.output == (
        "No drift: the 17 platform tables and 4 enums match migrations "
        "0001_init + 0002_database_optimization.\n"
    )


def test_a_dropped_phase_4_index_and_an_added_course_column_are_both_named(app, db_url):
    alter(
        db_url,
        "DROP INDEX courses_published_catalog_idx; ALTER TABLE courses ADD COLUMN rating integer",
    )

    result = check_platform(app)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "extra column courses.rating: integer, nullable",
        "missing index courses_published_catalog_idx: on courses: "
        'btree (featured DESC, difficulty, "createdAt" DESC) WHERE (published = true)',
        f"2 differences from the platform schema {PLATFORM}.",
    ]


def test_a_changed_column_type_and_a_dropped_enum_label_are_named(app, db_url):
    # PostgreSQL cannot drop an enum label: the type is replaced by one without it.
    alter(
        db_url,
        """
        ALTER TABLE media ALTER COLUMN size TYPE bigint;
        ALTER TYPE "Difficulty" RENAME TO "Difficulty_old";
        CREATE TYPE "Difficulty" AS ENUM ('BEGINNER', 'INTERMEDIATE', 'ADVANCED');
        ALTER TABLE courses ALTER COLUMN difficulty TYPE "Difficulty"
            USING CAST(CAST(difficulty AS text) AS "Difficulty");
        DROP TYPE "Difficulty_old";
        """,
    )

    assert drift_of(db_url) == [
        Drift(
            "changed",
            "enum",
            "Difficulty",
            "labels BEGINNER, INTERMEDIATE, ADVANCED, EXPERT expected, "
            "BEGINNER, INTERMEDIATE, ADVANCED found (EXPERT missing)",
        ),
        Drift("changed", "column", "media.size", "type integer expected, bigint found"),
    ]
    result = check_platform(app)
    assert result.exit_code == 1
    assert "changed enum Difficulty" in result.output
    assert "changed column media.size" in result.output


FK = 'FOREIGN KEY ("userId") REFERENCES users(id) ON UPDATE CASCADE ON DELETE'


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        pytest.param(
            'ALTER INDEX "users_role_idx" RENAME TO users_by_role',
            [
                "extra index users_by_role: on users: btree (role)",
                "missing index users_role_idx: on users: btree (role) "
                "(index users_by_role has this definition)",
            ],
            id="renamed index",
        ),
        pytest.param(
            """DROP INDEX lesson_progress_incomplete_idx;
               CREATE INDEX lesson_progress_incomplete_idx ON lesson_progress ("progressId")
               WHERE completed = false""",
            [
                "changed index lesson_progress_incomplete_idx: on lesson_progress: "
                'btree ("progressId", "lastWatchedAt" DESC) WHERE (completed = false) expected, '
                'btree ("progressId") WHERE (completed = false) found'
            ],
            id="changed index",
        ),
        pytest.param(
            """ALTER TABLE enrollments DROP CONSTRAINT "enrollments_userId_fkey",
               ADD CONSTRAINT "enrollments_userId_fkey" FOREIGN KEY ("userId")
               REFERENCES users (id) ON DELETE RESTRICT ON UPDATE CASCADE""",
            [
                "changed constraint enrollments_userId_fkey: on enrollments: "
                f"{FK} CASCADE expected, {FK} RESTRICT found"
            ],
            id="foreign key's ON DELETE",
        ),
        pytest.param(
            "ALTER TABLE courses ADD CONSTRAINT courses_price_check CHECK (price >= 0)",
            ["extra constraint courses_price_check: on courses: CHECK ((price >= (0)::numeric))"],
            id="extra check",
        ),
        pytest.param(
            """ALTER TABLE courses ALTER COLUMN currency SET DEFAULT 'EUR';
               ALTER TABLE users ALTER COLUMN name SET NOT NULL""",
            [
                "changed column courses.currency: default 'USD'::text expected, 'EUR'::text found",
                "changed column users.name: nullable expected, NOT NULL found",
            ],
            id="default and nullability",
        ),
        pytest.param(
            "ALTER TABLE courses DROP COLUMN search_vector",
            [
                "missing column courses.search_vector: tsvector, nullable, generated "
                "(setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), "
                "'A'::\"char\") || setweight(to_tsvector('english'::regconfig, "
                "COALESCE(description, ''::text)), 'B'::\"char\"))",
                "missing index courses_search_vector_idx: on courses: gin (search_vector)",
            ],
            id="phase 4 search column",
        ),
        pytest.param("DROP TABLE certificates", ["missing table certificates"], id="missing table"),
        pytest.param(
            """ALTER TABLE users ALTER COLUMN "createdAt" SET DEFAULT now();
               ALTER TABLE course_analytics ALTER COLUMN "totalRevenue" SET DEFAULT 0.00""",
            [],
            id="same defaults spelt differently",
        ),
    ],
)
def test_each_kind_of_difference_is_named(db_url, sql, expected):
    alter(db_url, sql)

    assert [str(drift) for drift in drift_of(db_url)] == expected


def test_the_platform_schema_is_read_from_the_connection_s_current_schema(db_url):
    alter(db_url, "ALTER SCHEMA public RENAME TO platform; CREATE SCHEMA public")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        everything_missing = platform_drift(conn)
        conn.execute(text("SET search_path TO platform"))
        elsewhere = platform_drift(conn)
    engine.dispose()

    assert elsewhere == []
    assert {(d.change, d.kind) for d in everything_missing} == {
        ("missing", "enum"),
        ("missing", "table"),
    }
    assert len(everything_missing) == 17 + 4


def test_an_unreachable_database_gives_a_message_and_status_2():
    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/platform", "TESTING": True})

    result = check_platform(app)

    assert result.exit_code == 2
    assert "Cannot reach the database at postgresql+psycopg://nobody@127.0.0.1:1/platform" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_the_snapshot_is_what_migrations_0001_and_0002_create(pg_maintenance_url):
    expected = expected_schema()
    assert set(expected["tables"]) == set(PLATFORM_MODELS)
    assert set(expected["enums"]) == {"UserRole", "Difficulty", "EnrollmentStatus", "PaymentStatus"}

    assert migrated_catalog(pg_maintenance_url) == expected, (
        "lms/database/platform_schema.json is stale: "
        "run `python -m lms.database.platform_schema --write`"
    )


@pytest.mark.parametrize(
    ("rendered", "normal"),
    [
        ("now()", "CURRENT_TIMESTAMP"),
        ("CURRENT_TIMESTAMP(0)", "CURRENT_TIMESTAMP(0)"),
        ("'-0.5'::double precision", "-0.5"),
        ("0.00", "0"),
        ("'-1'::integer", "-1"),
        ("100", "100"),
        ("'USD'::text", "'USD'::text"),
    ],
)
def test_defaults_that_mean_the_same_are_spelt_the_same(rendered, normal):
    assert normal_default(rendered) == normal
