"""Starting, running, reaping and expiring exports. Views, the command and the Celery task
all come through here."""

import contextlib
import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy

from . import notices
from .builders import ReportMismatch, Scope, build, registry
from .models import ExportJob

log = logging.getLogger(__name__)
# A running export's process says it is alive every HEARTBEAT_SECONDS, whatever the build is
# doing; three missed beats and its worker is taken for dead. The reaper runs every
# EXPORT_REAP_SECONDS (beat), so a dead worker's job is failed within about 40 seconds.
HEARTBEAT_SECONDS = 10
STALE_AFTER = timedelta(seconds=3 * HEARTBEAT_SECONDS)
QUEUED_TOO_LONG = timedelta(hours=1)


def report_choices() -> list[tuple[str, str]]:
    return [(slug, report.title) for slug, report in registry().items()]


@transaction.atomic
def export_start(*, cooperative, report: str, year: int, actor, area=None,
                 organisation=None) -> ExportJob:
    """Queue an export. Streaming reports run in a worker; small ones run at once."""
    policy.ensure(actor, "export.start", cooperative)
    reports = registry()
    if report not in reports:
        raise ValidationError({"report": _("Onbekend rapport: %(r)s.") % {"r": report}})
    if report == "audit":
        policy.ensure(actor, "export.audit", cooperative)
    if not cooperative.budget_rounds.filter(year=year).exists():
        raise ValidationError({"year": _("Er is geen begrotingsronde %(y)s.") % {"y": year}})
    if area is not None and area.cooperative_id != cooperative.pk:
        raise ValidationError({"area": _("Dit gebied hoort niet bij deze coöperatie.")})
    if organisation is not None and not cooperative.memberships.filter(
            organisation=organisation).exists():
        raise ValidationError({"organisation": _("Deze organisatie is geen partner.")})
    refusals = reports[report].refusals(Scope(cooperative, year, area=area,
                                              organisation=organisation))
    if refusals:
        raise ValidationError({"report": refusals})
    now = timezone.now()
    job = ExportJob.objects.create(
        cooperative=cooperative, report=report, year=year, area=area, organisation=organisation,
        requested_by=actor, expires_at=now + timedelta(days=settings.EXPORT_EXPIRY_DAYS),
    )
    if reports[report].streaming:
        from .tasks import run_export

        transaction.on_commit(lambda: run_export.delay(job.pk))
    else:
        transaction.on_commit(lambda: export_run(job.pk))
    return job


def export_run(job_id: int, *, worker: str = "") -> ExportJob:
    """Build the workbook for a job (in a worker, named `worker`, or at once for small
    reports)."""
    job = ExportJob.objects.select_related("cooperative", "area", "organisation",
                                           "requested_by").get(pk=job_id)
    if job.status in (ExportJob.Status.DONE, ExportJob.Status.EXPIRED, ExportJob.Status.FAILED):
        return job  # a redelivered message for a finished job: nothing to do
    scope = Scope(job.cooperative, job.year, area=job.area, organisation=job.organisation,
                  requested_by=job.requested_by.get_full_name() or job.requested_by.username)
    report = registry()[job.report]
    now = timezone.now()
    _update(job, status=ExportJob.Status.RUNNING, started_at=now, heartbeat_at=now, progress=1,
            worker=worker)
    with heartbeat(job.pk):
        return _build(job, report, scope)


def _build(job: ExportJob, report, scope: Scope) -> ExportJob:
    estimate = max(report.estimate(scope), 1)
    folder = settings.DATA_DIR / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job.pk}-{job.report}-{job.cooperative.code}-{job.year}.{report.extension}"
    partial = folder / f"{name}.part"

    def progress(rows: int) -> None:
        percent = min(99, max(1, rows * 100 // estimate))
        if percent != job.progress:  # one small write per percent, not per row
            _update(job, progress=percent, heartbeat_at=timezone.now())

    try:
        rows = build(job.report, str(partial), scope, progress)
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise  # transient: the task retries
    except ReportMismatch as exc:
        partial.unlink(missing_ok=True)
        return _fail(job, str(exc))
    except Exception:
        log.exception("export %s failed", job.pk)
        partial.unlink(missing_ok=True)
        return _fail(job, _("Er ging iets mis bij het maken van het rapport. Probeer het "
                            "opnieuw; blijft het misgaan, meld het dan aan de beheerder."))
    partial.rename(folder / name)
    with transaction.atomic():
        _update(job, status=ExportJob.Status.DONE, progress=100, rows=rows, file_name=name,
                finished_at=timezone.now(), heartbeat_at=timezone.now())
        notices.export_ready(job)
    return job


@contextlib.contextmanager
def heartbeat(job_id: int, every: float = HEARTBEAT_SECONDS):
    """Keep a running job's heartbeat fresh from a thread of this process while the block
    runs: a long query or the zipping of a big file is no sign of death, a killed process is."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING).update(
                        heartbeat_at=timezone.now())
                except DatabaseError:
                    log.warning("export %s: heartbeat not written", job_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"export-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _update(job: ExportJob, **fields) -> None:
    for key, value in fields.items():
        setattr(job, key, value)
    job.save(update_fields=list(fields))


def _fail(job: ExportJob, message: str) -> ExportJob:
    _update(job, status=ExportJob.Status.FAILED, message=message, finished_at=timezone.now())
    return job


def exports_reap() -> int:
    """Mark jobs whose worker died (or that no worker ever took) as failed, so none stays
    "running" for ever."""
    now = timezone.now()
    dead = ExportJob.objects.filter(status=ExportJob.Status.RUNNING,
                                    heartbeat_at__lt=now - STALE_AFTER)
    never = ExportJob.objects.filter(status=ExportJob.Status.QUEUED,
                                     created_at__lt=now - QUEUED_TOO_LONG)
    count = dead.update(
        status=ExportJob.Status.FAILED, finished_at=now,
        message=_("De achtergrondverwerking stopte voordat het rapport klaar was. "
                  "Start de export opnieuw."))
    count += never.update(
        status=ExportJob.Status.FAILED, finished_at=now,
        message=_("De export is niet gestart: er draait geen achtergrondverwerking. "
                  "Meld dit aan de beheerder."))
    return count


def exports_expire() -> int:
    """Remove the files of exports past their expiry date."""
    expired = list(ExportJob.objects.filter(expires_at__lt=timezone.now())
                   .exclude(status=ExportJob.Status.EXPIRED).exclude(
                       status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]))
    for job in expired:
        if job.file_name:
            job.path.unlink(missing_ok=True)
        _update(job, status=ExportJob.Status.EXPIRED)
    return len(expired)
