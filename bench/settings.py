"""Settings for the benchmark: the production settings (DEBUG off, the same middleware and
database options), with the test client's host allowed and static files unhashed (no
collectstatic needed). DATA_DIR and DATABASE_URL come from bench/run.py."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DEBUG", "0")
# Mail (never sent here) to files: the suite's stdout is its JSON.
os.environ.setdefault("EMAIL_BACKEND", "file")

from cooperatie.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "ERROR"}}
