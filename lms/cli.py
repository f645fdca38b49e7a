"""Flask CLI commands (`flask --app app …`)."""

from flask import Flask
from flask_migrate.cli import db as db_group


def register_commands(app: Flask) -> None:
    from lms.analytics.refresh import analytics_group
    from lms.auth.cli import user_group
    from lms.database.backup_cli import backup_command, restore_command
    from lms.database.schema_cli import check_platform_command
    from lms.operations.cli import enrollments_group, sessions_group
    from lms.reports.cli import export_command
    from lms.seed.command import seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(user_group)
    app.cli.add_command(enrollments_group)
    app.cli.add_command(sessions_group)
    app.cli.add_command(analytics_group)
    app.cli.add_command(export_command)
    # Beside Flask-Migrate's own `flask db upgrade`: the database's upkeep in one group.
    for command in (check_platform_command, backup_command, restore_command):
        db_group.add_command(command)
