"""Start a real Celery worker process for the tests that are about background work."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running_worker(*, beat: bool = False, beat_seconds: int = 1, name: str | None = None,
                   **extra_env: str):
    """With `beat`, the worker runs the scheduler too (-B, as the demo does), checking the
    board's deadlines every `beat_seconds`. `name` names it (-n NAME@host): several workers
    may take jobs from the one queue."""
    from django.db import connection

    # The worker must use the database the tests use (test_… or the test SQLite file).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "WORKER_DATABASE_NAME": str(connection.settings_dict["NAME"]),
           "DEADLINE_CHECK_SECONDS": str(beat_seconds), **extra_env}
    command = [sys.executable, "-m", "celery", "-A", "cooperatie", "worker", "--pool=solo",
               "--loglevel=WARNING", "--without-gossip", "--without-mingle",
               "--without-heartbeat"]
    if beat:
        command.append("-B")
    if name:
        command += ["-n", f"{name}@%h"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=30)
