"""The project's settings for tests: same as production code paths, faster hashing."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# The worker processes that tests start read the same folder (the embedded broker lives there).
os.environ.setdefault("DATA_DIR", str(Path(__file__).resolve().parent.parent / "data" / "test"))

# Mail goes to files unless a test starts a worker with an SMTP server (tests/mail.py).
os.environ.setdefault("EMAIL_BACKEND", "file")

from cooperatie.settings import *  # noqa: E402,F403
from cooperatie.settings import DATA_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a real worker process sees what a test committed.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
if os.environ.get("WORKER_DATABASE_NAME"):
    # A worker process started by a test: point it at that test's database.
    DATABASES["default"]["NAME"] = os.environ["WORKER_DATABASE_NAME"]
