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
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
