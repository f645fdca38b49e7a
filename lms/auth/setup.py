"""Wires Flask-Login and the auth blueprint into the app."""

from datetime import timedelta

from flask import Flask
from flask_login import LoginManager

from lms.auth import accounts
from lms.auth.views import bp
from lms.roles import unauthorized

login_manager = LoginManager()
login_manager.session_protection = "basic"
login_manager.user_loader(accounts.load_staff)
login_manager.unauthorized_handler(unauthorized)


def init_auth(app: Flask) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    login_manager.init_app(app)
    app.register_blueprint(bp)
