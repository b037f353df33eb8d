"""Start a real Celery worker process for the tests that are about background work."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running_worker():
    from django.db import connection

    # The worker must use the database the tests use (test_… or the test SQLite file).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "WORKER_DATABASE_NAME": str(connection.settings_dict["NAME"])}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cooperatie", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)
