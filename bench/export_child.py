"""One export in its own process, so that its peak memory can be read on its own.

    python -m bench.export_child MODE REPORT COOPERATIVE YEAR OUTPUT.xlsx

REPORT: ledger or audit (the streamed reports). MODE:
- report: `reports.builders.build(REPORT, …)`, the product's export;
- xlsxwriter: plain xlsxwriter writing exactly the same workbook from the same rows
  (bench/plain_export.py; the suite checks that the two files are the same);
- rust: the product's builder with the Rust port of xlsxwriter behind the writer interface
  (bench/rust_writer.py);
- read: the same rows from the report's own generator, nothing written (the read limit);
- django: Django loaded and the cooperative read, nothing else (what every process costs).
Prints JSON: rows, wall and CPU seconds of the export (not Django's start), megabytes
written and the process's peak resident memory.
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from cooperatie.models import Cooperative  # noqa: E402
from reports.builders import Scope, build, registry, start  # noqa: E402


def read(slug: str, scope: Scope) -> int:
    report = registry()[slug]
    start(report, scope)
    return sum(1 for _row in report.rows(scope))


def export(mode: str, slug: str, scope: Scope, output: str) -> int:
    if mode == "report":
        return build(slug, output, scope)
    if mode == "rust":
        from bench.rust_writer import RustReportWriter

        return build(slug, output, scope, writer_class=RustReportWriter)
    with translation.override(settings.LANGUAGE_CODE):
        if mode == "xlsxwriter":
            from bench import plain_export

            return plain_export.write(slug, output, scope)
        if mode == "read":
            return read(slug, scope)
    return 0


def main() -> None:
    mode, slug, code, year, output = sys.argv[1:6]
    cooperative = Cooperative.objects.get(code=code)
    scope = Scope(cooperative, int(year), requested_by="benchmark")
    started, cpu = time.perf_counter(), time.process_time()
    rows = export(mode, slug, scope, output)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    size = Path(output).stat().st_size / 1_048_576 if Path(output).exists() else 0
    print(json.dumps({"mode": mode, "report": slug, "rows": rows, "seconds": round(seconds, 3),
                      "cpu_seconds": round(cpu_seconds, 3), "megabytes": round(size, 1),
                      "peak_rss_mb": peak_rss_mb()}))


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
