"""A real Celery worker process runs a ledger export end to end (embedded broker)."""

import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection, transaction

from budgets.ledger import balance
from budgets.models import LedgerEntry
from cooperatie.models import Cooperative
from reports import services
from reports.models import ExportJob
from tests.workers import running_worker


@pytest.mark.worker
def test_worker_runs_a_ledger_export_with_progress(demo_after_flush, transactional_db):
    from django.contrib.auth import get_user_model

    heerlen = Cooperative.objects.get(code="heerlen")
    actor = get_user_model().objects.get(username="heerlen-financien")
    job = services.export_start(cooperative=heerlen, report="ledger", year=2026, actor=actor)
    with running_worker():
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(0.3)
    assert job.status == ExportJob.Status.DONE, job.message
    assert job.progress == 100 and job.started_at and job.finished_at
    wb = openpyxl.load_workbook(io.BytesIO(job.path.read_bytes()))
    amounts = [r[13] for r in wb["Grootboek"].iter_rows(min_row=2, values_only=True)
               if r[0] != "Totaal"]
    total = sum(Decimal(str(a)) for a in amounts).quantize(Decimal("0.01"))
    assert total == balance(LedgerEntry.objects.filter(cooperative=heerlen, year=2026))


def _wait(job, done, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if done(job):
            return True
        time.sleep(0.2)
    return False


def _running_job(cooperative, actor, heartbeat_at) -> ExportJob:
    from datetime import timedelta

    from django.utils import timezone

    return ExportJob.objects.create(
        cooperative=cooperative, report="ledger", year=2026, requested_by=actor,
        status=ExportJob.Status.RUNNING, started_at=heartbeat_at, heartbeat_at=heartbeat_at,
        worker="weg@nergens", expires_at=timezone.now() + timedelta(days=7))


def test_the_heartbeat_beats_while_the_export_runs_and_stops_with_it(demo_after_flush,
                                                                      transactional_db):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    long_ago = timezone.now() - timedelta(hours=1)
    job = _running_job(Cooperative.objects.get(code="tom"),
                       get_user_model().objects.get(username="tom-financien"), long_ago)
    with services.heartbeat(job.pk, every=0.2):
        assert _wait(job, lambda j: j.heartbeat_at > long_ago, 10)
        assert services.exports_reap() == 0  # alive: not reaped, however long it takes
    job.refresh_from_db()  # the thread may have beaten once more before it was stopped
    last = job.heartbeat_at
    time.sleep(0.8)
    job.refresh_from_db()
    assert job.heartbeat_at == last


@pytest.mark.worker
def test_a_dead_workers_export_fails_within_a_minute_without_a_page_load(demo_after_flush,
                                                                         transactional_db):
    """A running job whose worker stopped beating; the worker the demo runs (with its embedded
    scheduler, -B) fails it: not before three missed heartbeats, and within a minute."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    job = _running_job(Cooperative.objects.get(code="tom"),
                       get_user_model().objects.get(username="tom-financien"), timezone.now())
    died = time.monotonic()
    with running_worker(beat=True):
        assert _wait(job, lambda j: j.status == ExportJob.Status.FAILED, 90), job.status
    elapsed = time.monotonic() - died
    assert services.STALE_AFTER.total_seconds() <= elapsed < 60, elapsed
    assert "Start de export opnieuw" in job.message


class LedgerLock:
    """An exclusive lock on the ledger's entries, held from another connection: an export
    waits in its first query of the ledger for as long as the test wants (PostgreSQL)."""

    def __init__(self):
        import threading

        self._locked, self._release = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE budgets_ledgerentry IN ACCESS EXCLUSIVE MODE")
                self._locked.set()
                self._release.wait(180)
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        assert self._locked.wait(30)
        return self

    def release(self):
        self._release.set()
        self._thread.join(60)

    def __exit__(self, *exc):
        self.release()


postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="SQLite readers do not wait for a lock")


@pytest.mark.worker
@postgresql_only
def test_a_worker_killed_mid_export_is_detected_by_the_other(demo_after_flush, transactional_db):
    import os
    import signal

    from django.contrib.auth import get_user_model

    heerlen = Cooperative.objects.get(code="heerlen")
    actor = get_user_model().objects.get(username="heerlen-financien")
    with LedgerLock():
        job = services.export_start(cooperative=heerlen, report="ledger", year=2026, actor=actor)
        with running_worker(name="een") as first:
            assert _wait(job, lambda j: j.status == ExportJob.Status.RUNNING, 60)
            started = job.heartbeat_at
            # Waiting in a query, the export still shows it is alive.
            assert _wait(job, lambda j: j.heartbeat_at > started, 30)
            with running_worker(beat=True, name="twee"):
                os.kill(first.pid, signal.SIGKILL)
                first.wait(10)
                died = time.monotonic()
                assert _wait(job, lambda j: j.status == ExportJob.Status.FAILED, 90)
                elapsed = time.monotonic() - died
    assert job.worker.startswith("een@")
    assert elapsed < 60, elapsed


@pytest.mark.worker
@postgresql_only
def test_two_workers_take_jobs_from_one_queue(demo_after_flush, transactional_db):
    """While both wait on the ledger, each worker holds one job; released, both finish."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    with LedgerLock() as lock:
        jobs = [services.export_start(cooperative=Cooperative.objects.get(code=code),
                                      report="ledger", year=2026,
                                      actor=User.objects.get(username=f"{code}-financien"))
                for code in ("heerlen", "tom")]
        with running_worker(name="een"), running_worker(name="twee"):
            for job in jobs:
                assert _wait(job, lambda j: j.status == ExportJob.Status.RUNNING, 60)
            assert {job.worker.split("@")[0] for job in jobs} == {"een", "twee"}
            lock.release()
            for job in jobs:
                assert _wait(job, lambda j: not j.is_active, 90)
    for job in jobs:
        assert job.status == ExportJob.Status.DONE, job.message
        total = sum(Decimal(str(r[13])) for r in openpyxl.load_workbook(io.BytesIO(
            job.path.read_bytes()))["Grootboek"].iter_rows(min_row=2, values_only=True)
            if r[0] != "Totaal")
        assert total.quantize(Decimal("0.01")) == balance(
            LedgerEntry.objects.filter(cooperative=job.cooperative, year=2026))
