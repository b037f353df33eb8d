import os

from celery import shared_task


@shared_task
def ping() -> int:
    """Answer with the worker's process id: proof that a real worker ran the task."""
    return os.getpid()
