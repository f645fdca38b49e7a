"""LMS Admin: create_app() builds the Flask app (config, database, blueprints, CLI)."""

import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: one app per process (or per test)."""
    from lms import config as config_module
    from lms.db import db, migrate, resolve_database_url

    instance_path = Path(os.environ.get("LMS_INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "lms" / "static"),
    )
    app.config.update(config_module.settings_from_environment(instance_path))
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = resolve_database_url(
        app.config["DATABASE_URL"], instance_path
    )

    import lms.models  # noqa: F401  (registers every table on the metadata)

    db.init_app(app)
    with app.app_context():
        from lms.db import bound_statement_time

        bound_statement_time(db.engine, app.config["STATEMENT_TIMEOUT_MS"])
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), compare_server_default=True
    )

    from lms.auth.setup import init_auth
    from lms.formatting import register_filters
    from lms.health import bp as health_bp
    from lms.outage import init_outage
    from lms.security import init_security
    from lms.site import init_site

    init_security(app)
    init_outage(app)
    init_auth(app)
    app.register_blueprint(health_bp)
    init_site(app)
    register_filters(app)

    from lms.cli import register_commands

    register_commands(app)
    from lms import request_timing

    request_timing.install(app)  # the slow-request log, and bench/run.py's Server-Timing
    return app
