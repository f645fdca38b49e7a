"""Flask CLI commands (`flask --app app …`)."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from lms.analytics.refresh import analytics_group
    from lms.auth.cli import user_group
    from lms.operations.cli import enrollments_group, sessions_group
    from lms.reports.cli import export_command
    from lms.seed.command import seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(user_group)
    app.cli.add_command(enrollments_group)
    app.cli.add_command(sessions_group)
    app.cli.add_command(analytics_group)
    app.cli.add_command(export_command)
