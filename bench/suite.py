"""Every benchmark against one database, inside Django; prints one JSON document.

Run by bench/run.py (which sets DATA_DIR, DATABASE_URL and DJANGO_SETTINGS_MODULE), never
against the developer's database. Timings are measured, never asserted.
"""

import argparse
import gc
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from budgets import excel, services  # noqa: E402
from budgets.models import (  # noqa: E402
    AllocationPlan,
    BudgetLine,
    FundingStream,
    LedgerEntry,
    PartnerBudget,
)
from budgets.realisation import excel as realisation_excel  # noqa: E402
from budgets.realisation import services as realisation_services  # noqa: E402
from budgets.realisation.models import PartnerRealisation, Period, RealisationLine  # noqa: E402,E501
from cooperatie.history import save_recorded  # noqa: E402
from cooperatie.models import Cooperative, Neighbourhood  # noqa: E402
from partners.models import Organisation  # noqa: E402

# The dataset for the large cooperative, and a small one beside it: the same pages on both
# show whether query counts grow with the data.
LARGE = {"full": {"preset": "large", "prefix": "s"}, "quick": {"preset": "quick", "prefix": "q"}}
SMALL = {"prefix": "t", "cooperatives": 1, "partners": 4, "neighbourhoods": 12, "teams": 4,
         "years": 2}
# A tenth of the large one in neighbourhoods, teams and budget lines (the same 40 partners and
# 3 years: a partner's budget covers a tenth of the neighbourhoods), above the size from which
# pages show one area at a time (budgets.selectors): the same page in the same mode, so large ÷
# medium says how a page grows with the cooperative. Its 170 neighbourhoods are one cycle of
# fixtures.scale.AREA_SIZES: its largest area is the large one's size.
MEDIUM = {"prefix": "e", "cooperatives": 1, "partners": 40, "neighbourhoods": 170, "teams": 56,
          "years": 3}
IMPORT_LINES = 10_000


class Rollback(Exception):
    """Leave the database as it was after a benchmark that writes."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- data -----------------------------------------------------------------------------------


def ensure_data(mode: str, only_large: bool = False) -> dict:
    """Migrate and generate what is missing; return how long generating took (if it ran)."""
    call_command("migrate", verbosity=0)
    out = {}
    sizes = [("large", LARGE[mode])] if only_large else [("large", LARGE[mode]), ("small", SMALL)]
    if mode == "full" and not only_large:
        sizes.append(("medium", MEDIUM))
    for label, options in sizes:
        if Cooperative.objects.filter(code__startswith=options["prefix"]).exists():
            continue
        log(f"generating the {label} dataset …")
        started, cpu = time.perf_counter(), time.process_time()
        stdout = io.StringIO()
        call_command("generate_scale_data", force=True, stdout=stdout, **options)
        seconds = time.perf_counter() - started
        log(stdout.getvalue().strip().splitlines()[1] if stdout.getvalue() else "")
        # CPU time beside the wall time: on a shared machine the wall time holds the wait for
        # a core (on PostgreSQL it is the client's side only).
        out[label] = {"seconds": round(seconds, 2),
                      "cpu_seconds": round(time.process_time() - cpu, 2), "options": options}
    return out


def largest(prefix: str) -> Cooperative:
    return (Cooperative.objects.filter(code__startswith=prefix)
            .annotate(n=Count("neighbourhoods")).order_by("-n", "code").first())


def dataset(cooperative: Cooperative) -> dict:
    rnd = cooperative.budget_rounds.order_by("-year").first()
    return {
        "cooperative": cooperative.code,
        "neighbourhoods": cooperative.neighbourhoods.count(),
        "teams": cooperative.teams.count(),
        "partners": cooperative.memberships.count(),
        "funding_streams": cooperative.funding_streams.count(),
        "years": cooperative.budget_rounds.count(),
        "open_year": rnd.year if rnd else None,
        "budget_lines": BudgetLine.objects.filter(
            budget__budget_round__cooperative=cooperative).count(),
        "ledger_entries": LedgerEntry.objects.filter(cooperative=cooperative).count(),
        "realisation_periods": Period.objects.filter(budget_round__cooperative=cooperative)
        .count(),
        "realisation_lines": RealisationLine.objects.filter(
            realisation__period__budget_round__cooperative=cooperative).count(),
        "installation": {
            "cooperatives": Cooperative.objects.count(),
            "budget_lines": BudgetLine.objects.count(),
            "ledger_entries": LedgerEntry.objects.count(),
        },
    }


# --- pages ----------------------------------------------------------------------------------


def pages_of(cooperative: Cooperative) -> list[tuple[str, str, str]]:
    """(page, user, url) for the pages the issue names, as the role that uses them."""
    code = cooperative.code
    director = (Organisation.objects.filter(budgets__budget_round__cooperative=cooperative,
                                            budgets__status=PartnerBudget.Status.DRAFT)
                .order_by("code").first())
    plans = AllocationPlan.objects.filter(grant__cooperative=cooperative).order_by("version")
    adopted = plans.filter(status=AllocationPlan.Status.ADOPTED).first()
    draft = plans.filter(status=AllocationPlan.Status.DRAFT).first()
    pages = [
        ("budget grid (director, draft)", f"{director.code}-directeur",
         reverse("budget_grid", args=[code])),
        ("pooled budget (board)", f"{code}-voorzitter", reverse("pooled", args=[code])),
        ("coverage matrix (board)", f"{code}-voorzitter", reverse("staff_matrix", args=[code])),
        ("allocation plan, adopted (treasurer)", f"{code}-penningmeester",
         reverse("allocation:plan", args=[code, adopted.pk])),
        ("allocation plan, draft (treasurer)", f"{code}-penningmeester",
         reverse("allocation:plan", args=[code, draft.pk])),
        ("scorecard (board)", f"{code}-voorzitter", reverse("evaluation:scorecard",
                                                            args=[code])),
    ]
    # What one area looks like (the pages that can show one): how a large cooperative's
    # board would page through them.
    area = (cooperative.areas.annotate(n=Count("neighbourhoods")).order_by("-n", "code")
            .first())
    pages += [
        ("pooled budget, one area (board)", f"{code}-voorzitter",
         f"{reverse('pooled', args=[code])}?gebied={area.code}"),
        ("coverage matrix, one area (board)", f"{code}-voorzitter",
         f"{reverse('staff_matrix', args=[code])}?gebied={area.code}"),
    ]
    return pages + realisation_pages(cooperative, area)


def realisation_pages(cooperative: Cooperative, area) -> list[tuple[str, str, str]]:
    """Budget against actual (twelve monthly periods) as the board sees it, and a partner's
    realisation grid."""
    code = cooperative.code
    overview = reverse("realisation:overview", args=[code])
    entered = (PartnerRealisation.objects.filter(period__budget_round__cooperative=cooperative)
               .order_by("-period__budget_round__year", "-period__number", "organisation__code")
               .select_related("organisation", "period__budget_round").first())
    grid = (f"{reverse('realisation:grid', args=[code])}?jaar="
            f"{entered.period.budget_round.year}&periode={entered.period.code}"
            f"&org={entered.organisation.code}")
    return [
        ("budget vs actual per partner (board)", f"{code}-voorzitter", overview),
        ("budget vs actual per area (board)", f"{code}-voorzitter", f"{overview}?per=gebied"),
        ("budget vs actual per stream (board)", f"{code}-voorzitter", f"{overview}?per=stroom"),
        ("budget vs actual, one area per neighbourhood (board)", f"{code}-voorzitter",
         f"{overview}?per=buurt&gebied={area.code}"),
        ("realisation grid (director)", f"{entered.organisation.code}-directeur", grid),
    ]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p95 of 20 requests is the 19th fastest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def bench_pages(cooperative: Cooperative, size: str, requests: int, warmup: int) -> list[dict]:
    results = []
    User = get_user_model()
    for page, username, url in pages_of(cooperative):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(warmup):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{page}: {url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured)  # now: the log is reset by the next request
        timings, cpu = [], []
        for _ in range(requests):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200
        results.append({
            "page": page, "size": size, "cooperative": cooperative.code, "url": url,
            "requests": requests, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 95), 1),
            "mean_ms": round(statistics.fmean(timings), 1),
            # The page's own work (SQLite runs in this process): on a shared machine the wall
            # time also holds the wait for a core.
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "queries": queries, "kilobytes": round(len(response.content) / 1024, 1),
        })
        log(f"  {size:6} {page:40} p50 {results[-1]['p50_ms']:8.1f} ms  "
            f"p95 {results[-1]['p95_ms']:8.1f} ms  CPU {results[-1]['cpu_p50_ms']:7.1f} ms  "
            f"{results[-1]['queries']:3} queries")
    return results


# --- import ---------------------------------------------------------------------------------


def import_workbook(cooperative: Cooperative, organisation, year: int, lines: int) -> bytes:
    """A filled-in template (sheet Begroting, the contract's header) with `lines` rows."""
    hoods = list(Neighbourhood.objects.filter(cooperative=cooperative)
                 .select_related("area").order_by("area__name", "code"))
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(excel.SHEET)
    sheet.write_row(0, 0, excel.HEADER)
    row = 0
    for hood in hoods:
        for stream in streams:
            if row == lines:
                break
            row += 1
            cents = 1_000_000 + (row * 7919) % 9_000_000
            sheet.write_row(row, 0, [hood.code, hood.name, stream.code, cents / 100,
                                     "ingelezen" if row % 10 == 0 else None])
    info = workbook.add_worksheet(excel.INFO_SHEET)
    info.write_row(0, 0, ["Gegeven", "Code", "Naam"])
    info.write_row(1, 0, ["Coöperatie", cooperative.code, cooperative.name])
    info.write_row(2, 0, ["Jaar", str(year), ""])
    info.write_row(3, 0, ["Partner", organisation.code, organisation.name])
    workbook.close()
    if row < lines:
        raise RuntimeError(f"{cooperative.code} has only {row} neighbourhood × stream cells")
    return output.getvalue()


class Clock:
    """Wall and CPU time of this process (SQLite runs in it; a PostgreSQL server's own work
    is in another process, so there CPU time is the application's share only)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return lap


def import_subject(cooperative: Cooperative, lines: int):
    """(round, partner without a budget in it, its director, lines, workbook)."""
    rnd = cooperative.budget_rounds.order_by("-year").first()
    org = (Organisation.objects.filter(memberships__cooperative=cooperative)
           .exclude(budgets__budget_round=rnd).order_by("code").first())
    director = get_user_model().objects.get(username=f"{org.code}-directeur")
    cells = Neighbourhood.objects.filter(cooperative=cooperative).count() * \
        FundingStream.objects.filter(cooperative=cooperative).count()
    lines = min(lines, cells)
    return rnd, org, director, lines, import_workbook(cooperative, org, rnd.year, lines)


def _written(rnd, org, lines: int) -> None:
    budget = PartnerBudget.objects.get(budget_round=rnd, organisation=org)
    assert budget.lines.count() == lines, budget.lines.count()
    history = BudgetLine.history.filter(budget_id=budget.pk)
    assert history.count() == lines and not history.filter(history_user=None).exists()


def bench_import_web(rnd, org, director, lines: int, data: bytes) -> dict:
    """As a director goes through it, with the test client: upload (POST), the preview
    (GET), confirm (POST); rolled back afterwards."""
    code = rnd.cooperative.code
    client = Client()
    client.force_login(director)
    query = f"?jaar={rnd.year}&org={org.code}"
    steps = {}
    try:
        with transaction.atomic():
            clock = Clock()
            upload = SimpleUploadedFile("begroting.xlsx", data)
            response = client.post(reverse("budget_upload", args=[code]) + query,
                                   {"file": upload, "jaar": rnd.year, "org": org.code})
            steps["upload"] = clock.lap()
            if response.status_code == 302:  # the preview is a page of its own
                response = client.get(response.url)
            steps["preview"] = clock.lap()
            assert response.status_code == 200, response.content[:3000]
            preview_kb = len(response.content) / 1024
            form = dict(re.findall(r'name="(token|checksum|jaar|org)" value="([^"]*)"',
                                   response.content.decode()))
            response = client.post(reverse("budget_upload_confirm", args=[code]), form)
            steps["confirm"] = clock.lap()
            assert response.status_code == 302, response.status_code
            _written(rnd, org, lines)
            raise Rollback
    except Rollback:
        pass
    return {"steps": steps, "preview_kilobytes": round(preview_kb, 1)}


def bench_import_command(rnd, org, director, lines: int, data: bytes) -> dict:
    """`manage.py import_budget` on the same workbook, rolled back afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "begroting.xlsx"
        path.write_bytes(data)
        try:
            with transaction.atomic():
                clock = Clock()
                call_command("import_budget", str(path), cooperative=rnd.cooperative.code,
                             year=rnd.year, partner=org.code, user=director.username,
                             stdout=io.StringIO())
                steps = {"command": clock.lap()}
                _written(rnd, org, lines)
                raise Rollback
        except Rollback:
            pass
    return {"steps": steps}


def _best(runs: list[dict], lines: int) -> dict:
    """The best run by wall time and, apart, the best by CPU time."""
    def total(run, i):
        return sum(step[i] for step in run["steps"].values())

    wall = min(runs, key=lambda r: total(r, 0))
    cpu = min(runs, key=lambda r: total(r, 1))
    return {
        "seconds": round(total(wall, 0), 3), "cpu_seconds": round(total(cpu, 1), 3),
        "lines_per_second": round(lines / total(wall, 0)),
        "cpu_lines_per_second": round(lines / total(cpu, 1)),
        "steps": {name: {"seconds": round(s[0], 3), "cpu_seconds": round(s[1], 3)}
                  for name, s in wall["steps"].items()},
        **{k: v for k, v in wall.items() if k != "steps"},
    }


def bench_import(cooperative: Cooperative, lines: int, repeats: int) -> dict:
    """A director imports a workbook for a partner without a budget: on the web as she goes
    through it (the aim's figure) and by command beside it; best of `repeats`, alternating.
    Also the reader alone (`read_upload`)."""
    rnd, org, director, lines, data = import_subject(cooperative, lines)
    web, command, read = [], [], []
    for _ in range(repeats):
        web.append(bench_import_web(rnd, org, director, lines, data))
        command.append(bench_import_command(rnd, org, director, lines, data))
        budget = services.budget_find(budget_round=rnd, organisation=org, actor=director)
        clock = Clock()
        upload = excel.read_upload(data, budget=budget)
        read.append(clock.lap())
        assert not upload.errors and len(upload.rows) == lines, upload.errors[:3]
    web, command = _best(web, lines), _best(command, lines)
    return {"lines": lines, "bytes": len(data), "repeats": repeats,
            "lines_per_second": web["lines_per_second"],
            "cpu_lines_per_second": web["cpu_lines_per_second"],
            "command_lines_per_second": command["lines_per_second"],
            "command_cpu_lines_per_second": command["cpu_lines_per_second"],
            "read_seconds": round(min(r[0] for r in read), 3),
            "read_cpu_seconds": round(min(r[1] for r in read), 3),
            "web": web, "command": command}


def realisation_workbook(period: Period, organisation, lines: int) -> bytes:
    """A filled-in realisation template (sheet Realisatie, the contract's header)."""
    cooperative = period.budget_round.cooperative
    hoods = list(Neighbourhood.objects.filter(cooperative=cooperative)
                 .select_related("area").order_by("area__name", "code"))
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(realisation_excel.SHEET)
    sheet.write_row(0, 0, realisation_excel.HEADER)
    row = 0
    for hood in hoods:
        for stream in streams:
            if row == lines:
                break
            row += 1
            cents = 10_000 + (row * 7919) % 900_000
            sheet.write_row(row, 0, [hood.code, hood.name, stream.code, period.code,
                                     cents / 100, "toelichting" if row % 10 == 0 else None])
    info = workbook.add_worksheet(realisation_excel.INFO_SHEET)
    info.write_row(0, 0, ["Gegeven", "Code", "Naam"])
    info.write_row(1, 0, ["Coöperatie", cooperative.code, cooperative.name])
    info.write_row(2, 0, ["Jaar", str(period.budget_round.year), ""])
    info.write_row(3, 0, ["Partner", organisation.code, organisation.name])
    info.write_row(4, 0, ["Periode", period.code, period.label])
    workbook.close()
    return output.getvalue()


def bench_realisation_import(cooperative: Cooperative, lines: int, repeats: int) -> dict:
    """A partner uploads a month's realisation (the open period): read_upload, then
    realisation_import (the web's path), each time rolled back."""
    period = (Period.objects.filter(budget_round__cooperative=cooperative,
                                    status=Period.Status.OPEN)
              .select_related("budget_round__cooperative").order_by("-number").first())
    org = (Organisation.objects.filter(memberships__cooperative=cooperative)
           .exclude(realisations__period=period).order_by("code").first())
    director = get_user_model().objects.get(username=f"{org.code}-directeur")
    cells = Neighbourhood.objects.filter(cooperative=cooperative).count() * \
        FundingStream.objects.filter(cooperative=cooperative).count()
    lines = min(lines, cells)
    data = realisation_workbook(period, org, lines)
    runs = []
    for _ in range(repeats):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                upload = realisation_excel.read_upload(data, period=period, organisation=org)
                read = time.perf_counter() - started
                if upload.errors:
                    raise RuntimeError(upload.errors[:3])
                started = time.perf_counter()
                changes = realisation_services.realisation_import(
                    period=period, organisation=org, upload=upload, expected_version=0,
                    actor=director, reason="benchmark")
                written = time.perf_counter() - started
                assert len(changes) == lines, len(changes)
                runs.append((read, written))
                raise Rollback
        except Rollback:
            pass
    read, written = min(runs, key=lambda r: r[0] + r[1])
    return {"lines": lines, "bytes": len(data), "repeats": repeats, "period": period.code,
            "read_seconds": round(read, 3), "import_seconds": round(written, 3),
            "seconds": round(read + written, 3),
            "lines_per_second": round(lines / (read + written))}


# --- the ledger export ------------------------------------------------------------------------


EXPORT_MODES = ("xlsxwriter", "report", "rust", "read")  # run alternately, best of each
STREAMED = ("ledger", "audit")


def run_child(mode: str, slug: str, cooperative: Cooperative, year: int, path: Path) -> dict:
    """Run bench/export_child.py in a process of its own, which reports its own wall and CPU
    time and peak memory (see export_child.peak_rss_mb)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.export_child", mode, slug, cooperative.code, str(year),
         str(path)], cwd=ROOT, capture_output=True, text=True,
        env=os.environ.copy())
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [""])[-1]
        raise RuntimeError(f"export child {mode} {slug} failed ({done.returncode}): {last}")
    return json.loads(done.stdout)


def formulas_without_value(path: Path) -> tuple[int, int]:
    """(formula cells, those saved without a value or as 0) in an xlsx, from its XML: what
    LibreOffice with default settings and every reader of saved values would show."""
    import re
    import zipfile

    cell = re.compile(rb"<c [^>]*><f>[^<]*</f>(?:<v>([^<]*)</v>)?</c>")
    formulas = unsaved = 0
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/sheet"):
                for match in cell.finditer(book.read(name)):
                    formulas += 1
                    unsaved += match.group(1) in (None, b"", b"0")
    return formulas, unsaved


def cell_differences(a: Path, b: Path) -> dict:
    """Cells whose value or number format differ between two workbooks (openpyxl), per
    sheet; and the document properties that differ."""
    import openpyxl

    books = [openpyxl.load_workbook(p, read_only=True) for p in (a, b)]
    out = {"sheets": books[0].sheetnames == books[1].sheetnames, "values": 0, "formats": 0,
           "properties": [k for k in ("creator", "title", "subject", "description")
                          if getattr(books[0].properties, k) != getattr(books[1].properties, k)]}
    for name in books[0].sheetnames:
        if name not in books[1].sheetnames:
            continue
        rows = [books[i][name].iter_rows() for i in (0, 1)]
        for x, y in zip(*rows, strict=False):
            for c, d in zip(x, y, strict=False):
                out["values"] += c.value != d.value
                out["formats"] += c.value is not None and c.number_format != d.number_format
    return out


def bench_export(cooperative: Cooperative, small: Cooperative | None, repeats: int) -> dict:
    """The streamed reports (ledger, audit trail) against plain xlsxwriter writing the same
    workbook (checked part by part every run), the read limit and the Rust writer."""
    from bench.plain_export import same_workbook

    year = (LedgerEntry.objects.filter(cooperative=cooperative).values("year")
            .annotate(n=Count("id")).order_by("-n", "-year").first()["year"])
    out = {"year": year, "repeats": repeats, "reports": {},
           "memory_method": "VmHWM (peak resident set) of the export's own process, Django "
                            "loaded; django: the same process without the export",
           "time_method": "wall (perf_counter) and CPU (process_time) of the export in its "
                          "own process, best of the runs"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out["baseline_rss_mb"] = run_child("django", "ledger", cooperative, year,
                                           folder / "django.xlsx")["peak_rss_mb"]
        for slug in STREAMED:
            runs = {mode: [] for mode in EXPORT_MODES}
            identical, rust_failure = True, None
            for _ in range(repeats):  # alternate, so that all see the same machine
                for mode in [m for m in EXPORT_MODES if not (m == "rust" and rust_failure)]:
                    try:
                        runs[mode].append(run_child(mode, slug, cooperative, year,
                                                    folder / f"{slug}-{mode}.xlsx"))
                    except RuntimeError as failed:
                        if mode != "rust":
                            raise
                        rust_failure = str(failed)  # a finding about the Rust writer
                        runs.pop("rust")
                identical &= same_workbook(folder / f"{slug}-report.xlsx",
                                           folder / f"{slug}-xlsxwriter.xlsx") == []
            rows = {r["rows"] for mode in runs for r in runs[mode]}
            assert len(rows) == 1, f"{slug}: every mode reads the same rows ({rows})"
            result = {"rows": rows.pop(), "identical_to_xlsxwriter": identical,
                      "rust_failure": rust_failure}
            for mode, done in runs.items():
                result[f"{mode}_seconds"] = min(r["seconds"] for r in done)
                result[f"{mode}_cpu_seconds"] = min(r["cpu_seconds"] for r in done)
                result[f"{mode}_peak_rss_mb"] = max(r["peak_rss_mb"] for r in done)
                result[f"{mode}_megabytes"] = done[0]["megabytes"]
                result[f"{mode}_rows_per_second"] = round(result["rows"] /
                                                          result[f"{mode}_seconds"])
            for clock, cpu in (("seconds", ""), ("cpu_seconds", "cpu_")):
                result[f"{cpu}ratio"] = round(result[f"xlsxwriter_{clock}"]
                                              / result[f"report_{clock}"], 3)
                result[f"{cpu}read_ratio"] = round(result[f"read_{clock}"]
                                                   / result[f"report_{clock}"], 3)
                if not rust_failure:
                    result[f"{cpu}rust_speedup"] = round(result[f"xlsxwriter_{clock}"]
                                                         / result[f"rust_{clock}"], 2)
            if not rust_failure:
                formulas, unsaved = formulas_without_value(folder / f"{slug}-rust.xlsx")
                result["rust_formulas"], result["rust_formulas_without_value"] = formulas, unsaved
            result["report_formulas_without_value"] = formulas_without_value(
                folder / f"{slug}-report.xlsx")[1]
            # Cell by cell on the small cooperative (openpyxl would take minutes at large;
            # the quick run's data is small already).
            compared = folder / f"{slug}-report.xlsx", folder / f"{slug}-rust.xlsx"
            if small is not None:
                small_year = small.budget_rounds.order_by("-year").first().year
                compared = tuple(folder / f"small-{mode}.xlsx" for mode in ("report", "rust"))
                for mode, path in zip(("report", "rust"), compared, strict=True):
                    run_child(mode, slug, small, small_year, path)
            if small is not None or not rust_failure:
                result["rust_differences_small"] = cell_differences(*compared)
            out["reports"][slug] = result
    ledger = out["reports"]["ledger"]
    out.update({k: ledger[k] for k in ("rows", "ratio", "cpu_ratio", "report_seconds",
                                       "xlsxwriter_seconds", "report_peak_rss_mb")})
    out["peak_rss_mb"] = max(r["report_peak_rss_mb"] for r in out["reports"].values())
    out["worst_ratio"] = min(min(r["ratio"], r["cpu_ratio"]) for r in out["reports"].values())
    return out


# --- the cost of history --------------------------------------------------------------------


def bench_history(cooperative: Cooperative, saves: int, rounds: int = 3) -> dict:
    """The same saves of budget lines with simple_history's post_save on and off, inside one
    transaction that is rolled back (so commits, equal for both, are left out): a plain
    `save()` (the aim's measure), and the product's way in, `save_recorded` (full_clean, then
    save)."""
    lines = list(BudgetLine.objects.filter(budget__budget_round__cooperative=cooperative,
                                           budget__status=PartnerBudget.Status.DRAFT)
                 .select_related("budget", "neighbourhood", "funding_stream")
                 .order_by("pk")[:saves])
    actor = get_user_model().objects.get(username=f"{cooperative.code}-voorzitter")
    timings = {(kind, history): [] for kind in ("plain", "service")
               for history in (True, False)}

    def run(kind: str, history: bool) -> float:
        started = time.perf_counter()
        with override_settings(SIMPLE_HISTORY_ENABLED=history):
            for line in lines:
                line.amount += Decimal("1.00")
                if kind == "plain":
                    line._history_user, line._change_reason = actor, "benchmark"
                    line.save()
                else:
                    save_recorded(line, actor=actor, reason="benchmark")
        return time.perf_counter() - started

    try:
        with transaction.atomic():
            run("plain", True)  # warm-up
            for _ in range(rounds):
                for kind in ("plain", "service"):
                    timings[kind, False].append(run(kind, False))
                    timings[kind, True].append(run(kind, True))
            raise Rollback
    except Rollback:
        pass
    best = {key: min(values) for key, values in timings.items()}
    n = len(lines)
    return {"saves": n, "rounds": rounds, "model": "budgets.BudgetLine",
            "with_seconds": round(best["plain", True], 4),
            "without_seconds": round(best["plain", False], 4),
            "with_ms_per_save": round(best["plain", True] * 1000 / n, 3),
            "without_ms_per_save": round(best["plain", False] * 1000 / n, 3),
            "ratio": round(best["plain", True] / best["plain", False], 2),
            "service_with_ms_per_save": round(best["service", True] * 1000 / n, 3),
            "service_without_ms_per_save": round(best["service", False] * 1000 / n, 3),
            "service_ratio": round(best["service", True] / best["service", False], 2)}


# --- the whole run --------------------------------------------------------------------------


def versions() -> dict:
    out = {"python": platform.python_version(), "django": django.get_version(),
           "database_vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            out["database_version"] = "SQLite " + cursor.fetchone()[0]
        else:
            cursor.execute("show server_version")
            out["database_version"] = "PostgreSQL " + cursor.fetchone()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", choices=["import", "pages"],
                        help="only this benchmark: import (on the large dataset alone), or "
                             "pages (every page at each size, and the realisation import)")
    parser.add_argument("--export-only", action="store_true",
                        help="only the export figures (JSON), on data already generated")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    if args.export_only:
        export = bench_export(largest(LARGE[mode]["prefix"]),
                              None if args.quick else largest(SMALL["prefix"]),
                              repeats=1 if args.quick else 2)
        print(json.dumps({**versions(), "export": export}, indent=2, default=str))
        return
    generated = ensure_data(mode, only_large=args.only == "import")
    big = largest(LARGE[mode]["prefix"])
    if args.only == "import":
        result = {"mode": mode, "only": "import", **versions(), "dataset": dataset(big),
                  "generation": generated,
                  "import": bench_import(big, IMPORT_LINES, repeats=1 if args.quick else 3)}
        print(json.dumps(result, indent=2, default=str))
        return
    small = largest(SMALL["prefix"])
    result = {"mode": mode, **versions(), "dataset": dataset(big),
              "small_dataset": dataset(small), "generation": generated}
    # As cooperatie/wsgi.py does once the app is loaded: what this process holds so far (and
    # the generator's leftovers, collected first) is not walked by a request's full collection.
    gc.collect()
    gc.freeze()
    log(f"pages ({args.requests} requests after {args.warmup} warm-up) …")
    result["pages"] = bench_pages(big, "large", args.requests, args.warmup)
    if mode == "full":
        medium = largest(MEDIUM["prefix"])
        result["medium_dataset"] = dataset(medium)
        result["pages"] += bench_pages(medium, "medium", args.requests, args.warmup)
    result["pages"] += bench_pages(small, "small", args.requests, args.warmup)
    if args.only == "pages":
        result["only"] = "pages"
        log("realisation import …")
        result["realisation_import"] = bench_realisation_import(big, IMPORT_LINES,
                                                                repeats=1 if args.quick else 3)
        print(json.dumps(result, indent=2, default=str))
        return
    log("import …")
    result["import"] = bench_import(big, IMPORT_LINES, repeats=1 if args.quick else 3)
    log(f"  {result['import']}")
    log("realisation import …")
    result["realisation_import"] = bench_realisation_import(big, IMPORT_LINES,
                                                            repeats=1 if args.quick else 3)
    log(f"  {result['realisation_import']}")
    log("ledger export …")
    result["export"] = bench_export(big, None if args.quick else small,
                                    repeats=1 if args.quick else 2)
    log(f"  {result['export']}")
    log("history …")
    result["history"] = bench_history(big, saves=50 if args.quick else 2000)
    log(f"  {result['history']}")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
