from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(bind=True, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=2,
             max_retries=3)
def run_export(self, job_id: int) -> int:
    """Build one export in the worker; the job row carries progress and the outcome."""
    return services.export_run(job_id, worker=self.request.hostname or "").pk


@shared_task
def reap() -> int:
    """Fail the exports whose worker died (beat runs this every EXPORT_REAP_SECONDS)."""
    return services.exports_reap()


@shared_task
def housekeeping() -> tuple[int, int]:
    return services.exports_reap(), services.exports_expire()
