"""Settings: production refuses to start without SECRET_KEY; development keeps one generated key."""

import stat

import pytest

from lms import create_app
from lms.config import ConfigError, load_secret_key, settings_from_environment

PRODUCTION = {"LMS_ENV": "production"}


@pytest.mark.parametrize("secret", [None, "", "   "])
def test_production_without_secret_key_is_refused_with_a_clear_message(tmp_path, secret):
    environ = dict(PRODUCTION) if secret is None else {**PRODUCTION, "SECRET_KEY": secret}
    with pytest.raises(ConfigError, match=r"SECRET_KEY is not set.*LMS_ENV=production"):
        settings_from_environment(tmp_path, environ)


def test_production_ignores_a_development_key_left_in_the_instance_folder(tmp_path):
    load_secret_key(tmp_path, {})  # a development run wrote instance/secret_key
    with pytest.raises(ConfigError):
        load_secret_key(tmp_path, PRODUCTION)


def test_create_app_fails_in_production_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": "postgresql://app@localhost/lms"})


def test_development_generates_a_key_once_and_reuses_it(tmp_path):
    instance = tmp_path / "instance"  # not created yet: the first run makes it
    first = load_secret_key(instance, {})
    second = load_secret_key(instance, {})
    assert first == second
    assert len(first) >= 64
    key_file = instance / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # a secret, readable by its owner only


def test_each_instance_folder_gets_its_own_key(tmp_path):
    assert load_secret_key(tmp_path / "a", {}) != load_secret_key(tmp_path / "b", {})


def test_secret_key_from_the_environment_wins(tmp_path):
    assert load_secret_key(tmp_path, {"SECRET_KEY": "from-env"}) == "from-env"
    assert load_secret_key(tmp_path, {**PRODUCTION, "SECRET_KEY": "from-env"}) == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_development_app_uses_the_kept_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("LMS_ENV", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    url = {"DATABASE_URL": "postgresql://app@localhost/lms"}
    assert create_app(url).secret_key == create_app(url).secret_key == load_secret_key(tmp_path, {})


def test_cookies_are_secure_in_production(tmp_path):
    settings = settings_from_environment(tmp_path, {**PRODUCTION, "SECRET_KEY": "k"})
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_cookies_are_not_secure_in_development_unless_asked(tmp_path):
    # Over plain http on 127.0.0.1 a Secure cookie would never come back: no sign-in possible.
    assert settings_from_environment(tmp_path, {})["SESSION_COOKIE_SECURE"] is False
    asked = settings_from_environment(tmp_path, {"SESSION_COOKIE_SECURE": "true"})
    assert asked["SESSION_COOKIE_SECURE"] is True
