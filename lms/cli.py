"""Flask CLI commands (`flask --app app …`)."""
import click
from flask import Flask


def register_commands(app: Flask) -> None:
    from lms.seed.command import seed_command

    app.cli.add_command(seed_command)
