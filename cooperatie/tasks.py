import os

from celery import shared_task


@shared_task
def ping() -> int:
    """Answer with the worker's process id: proof that a real worker ran the task."""
    return os.getpid()


@shared_task
def uploads_sweep() -> int:
    """Remove previewed uploads nobody confirmed (cooperatie.spreadsheets.pending)."""
    from cooperatie.spreadsheets import pending

    return pending.sweep()


# The board's deadlines (cooperatie/governance/tasks.py), found by the worker through here.
from .governance.tasks import close_due_proposals  # noqa: E402,F401
