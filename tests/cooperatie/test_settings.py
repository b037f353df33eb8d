"""Settings fail loudly; production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cooperatie.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "misschien")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


def test_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_ROWS", "veel")
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_MAX_ROWS"):
        env_int("UPLOAD_MAX_ROWS", 1)


def test_secret_key_is_required_without_debug(tmp_path):
    result = run_manage("check", DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_bad_database_url_fails_loudly(tmp_path):
    result = run_manage("check", DEBUG="1", DATABASE_URL="nonsense://x", DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DATA_DIR=str(tmp_path),
        SECRET_KEY="p" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="samen.example.nl", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        EMAIL_BACKEND="", EMAIL_HOST="smtp.example.nl",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("env, message", [
    ({}, "EMAIL_HOST is required when DEBUG is off"),
    ({"EMAIL_HOST": "smtp.example.nl", "EMAIL_PORT": "vijf"}, "EMAIL_PORT must be a whole number"),
    ({"EMAIL_BACKEND": "duif"}, "EMAIL_BACKEND must be one of"),
    ({"EMAIL_HOST": "h", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "cannot both be on"),
    ({"EMAIL_HOST": "h", "SITE_URL": "samen.example.nl"}, "SITE_URL must be an address"),
    ({"EMAIL_HOST": "h", "SIGNIN_FAILURE_LIMIT": "20"}, "SIGNIN_FAILURE_LIMIT must be"),
    ({"EMAIL_HOST": "h", "REMINDER_DAYS": "14,drie"}, "REMINDER_DAYS must be whole numbers"),
    ({"EMAIL_HOST": "h", "DIGEST_HOUR": "25"}, "DIGEST_HOUR must be an hour"),
    ({"EMAIL_HOST": "h", "PASSWORD_MIN_LENGTH": "4"}, "PASSWORD_MIN_LENGTH must be at least 8"),
    ({"EMAIL_HOST": "h", "INVITATION_EXPIRY_DAYS": "0"}, "INVITATION_EXPIRY_DAYS"),
])
def test_mail_and_sign_in_settings_fail_loudly(tmp_path, env, message):
    result = run_manage("check", DATA_DIR=str(tmp_path), SECRET_KEY="k" * 60,
                        ALLOWED_HOSTS="samen.example.nl", **{"EMAIL_BACKEND": "", **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_the_wsgi_entry_point_freezes_the_loaded_app(tmp_path):
    """A served process's full garbage collections skip what the app loaded (bench/README.md,
    "Garbage collection")."""
    env = {**os.environ, "DEBUG": "1", "DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", "import gc, cooperatie.wsgi; "
                           "print(gc.get_freeze_count())"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000
