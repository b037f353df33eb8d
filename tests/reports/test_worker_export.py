"""A real Celery worker process runs a ledger export end to end (embedded broker)."""

import io
import time
from decimal import Decimal

import openpyxl
import pytest

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
