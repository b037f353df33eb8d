"""One export in its own process, so that its peak memory can be read on its own.

    python -m bench.export_child report|raw|baseline COOPERATIVE YEAR OUTPUT.xlsx

report: `reports.builders.build("ledger", …)`, the product's export (constant memory mode).
raw: the same rows from the same query, written with plain xlsxwriter in constant-memory
mode: the fastest the product's export could be.
baseline: Django loaded and one query, nothing written (what every process costs anyway).
Prints JSON: rows, seconds (the export only, not Django's start), megabytes written and the
process's peak resident memory.
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.utils import timezone  # noqa: E402

from budgets.models import LedgerTransaction  # noqa: E402
from cooperatie.models import Cooperative  # noqa: E402
from reports.builders import Scope, build  # noqa: E402
from reports.builders.ledger import COLUMNS, FIELDS  # noqa: E402


def raw(scope: Scope, output: str) -> int:
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False,
                                            "remove_timezone": True})
    sheet = workbook.add_worksheet("Grootboek")
    sheet.write_row(0, 0, [c.header for c in COLUMNS])
    rows = 0
    query = scope.ledger_entries().order_by("pk").values_list(*FIELDS)
    for row in query.iterator(chunk_size=5000):
        rows += 1
        values = list(row)
        values[2] = timezone.localtime(values[2]).replace(tzinfo=None)
        values[13] = float(values[13])
        sheet.write_row(rows, 0, values)
    workbook.close()
    return rows


def main() -> None:
    mode, code, year, output = sys.argv[1:5]
    cooperative = Cooperative.objects.get(code=code)
    scope = Scope(cooperative, int(year), requested_by="benchmark")
    started = time.perf_counter()
    if mode == "report":
        rows = build("ledger", output, scope)
    elif mode == "raw":
        scope.last_transaction = (LedgerTransaction.objects.filter(cooperative=cooperative)
                                  .order_by("-id").first())
        rows = raw(scope, output)
    else:
        rows = scope.ledger_entries().count()
    seconds = time.perf_counter() - started
    size = Path(output).stat().st_size / 1_048_576 if Path(output).exists() else 0
    print(json.dumps({"mode": mode, "rows": rows, "seconds": round(seconds, 3),
                      "megabytes": round(size, 1), "peak_rss_mb": peak_rss_mb()}))


def peak_rss_mb() -> float:
    """The peak resident memory of this process: VmHWM of its own address space. (getrusage's
    ru_maxrss, for this process or as a waited-for child, also counts the parent's memory at
    fork time on Linux, so it reads the benchmark's own size rather than the export's.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


if __name__ == "__main__":
    main()
