"""The latest figures as Markdown tables, for bench/README.md and the main README:

    python bench/markdown.py [bench/results/latest-sqlite.json bench/results/latest-postgresql.json]
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def load(paths: list[str]) -> list[dict]:
    files = [Path(p) for p in paths] or [ROOT / "results" / f"latest-{db}.json"
                                          for db in NAMES]
    return [json.loads(f.read_text()) for f in files if f.exists()]


def pages(results: list[dict]) -> str:
    head = "| page | data | " + " | ".join(
        f"{NAMES[r['database']]} p50 / p95 (CPU) ms" for r in results) + " | queries | size |"
    rows = [head, "|" + " --- |" * (4 + len(results) - 1 + 1)]
    first = results[0]
    by_run = [{(p["page"], p["size"]): p for p in r["pages"]} for r in results]
    for page in first["pages"]:
        cells = []
        for shown in by_run:
            p = shown.get((page["page"], page["size"]))
            if p is None:  # a run that predates the page
                cells.append("–")
                continue
            cpu = f" ({p['cpu_p50_ms']:.0f})" if "cpu_p50_ms" in p else ""
            cells.append(f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f}{cpu}")
        data = page["size"]
        rows.append(f"| {page['page']} | {data} | " + " | ".join(cells)
                    + f" | {page['queries']} | {page['kilobytes']:,.0f} KB |")
    return "\n".join(rows)


def _cell(fn, result: dict) -> str:
    """One run's figure, or "–" where that run predates it."""
    try:
        return fn(result)
    except (KeyError, TypeError):
        return "–"


def figures(results: list[dict]) -> str:
    rows = ["| figure | " + " | ".join(NAMES[r["database"]] for r in results) + " |",
            "|" + " --- |" * (len(results) + 1)]

    def row(label, fn):
        rows.append(f"| {label} | " + " | ".join(_cell(fn, r) for r in results) + " |")

    row("import of a 10,000-line workbook, web (upload, preview, confirm)", lambda r: (
        f"{r['import']['lines_per_second']:,} lines/s wall, "
        f"{r['import']['cpu_lines_per_second']:,} by CPU time"))
    row("import of a 10,000-line workbook, command", lambda r: (
        f"{r['import']['command_lines_per_second']:,} lines/s wall, "
        f"{r['import']['command_cpu_lines_per_second']:,} by CPU time"))
    row("import of a 10,000-line realisation workbook", lambda r: (
        f"{r['realisation_import']['lines_per_second']:,} lines/s "
        f"({r['realisation_import']['read_seconds']} s read + "
        f"{r['realisation_import']['import_seconds']} s import)"))
    for slug in ("ledger", "audit"):
        def x(r, slug=slug):
            return r["export"]["reports"][slug]
        row(f"{slug} export, rows", lambda r, x=x: f"{x(r)['rows']:,} ({r['export']['year']})")
        row(f"{slug} export: report / xlsxwriter, same workbook (wall; CPU)", lambda r, x=x: (
            f"{x(r)['report_seconds']} s / {x(r)['xlsxwriter_seconds']} s = ratio "
            f"{x(r)['ratio']}; CPU {x(r)['report_cpu_seconds']} s / "
            f"{x(r)['xlsxwriter_cpu_seconds']} s = {x(r)['cpu_ratio']}"))
        row(f"{slug} export: read only; Rust writer", lambda r, x=x: (
            f"{x(r)['read_seconds']} s; " + (
                f"failed: {x(r)['rust_failure']}" if x(r).get("rust_failure") else
                f"{x(r)['rust_seconds']} s = {x(r)['rust_speedup']}× "
                f"xlsxwriter (CPU {x(r)['cpu_rust_speedup']}×)")))
        row(f"{slug} export: peak memory (Django alone)", lambda r, x=x: (
            f"{x(r)['report_peak_rss_mb']} MB ({r['export']['baseline_rss_mb']} MB)"))
    row("save() with / without history", lambda r: (
        f"{r['history']['with_ms_per_save']} / {r['history']['without_ms_per_save']} ms = "
        f"{r['history']['ratio']}×"))
    row("save_recorded() with / without history", lambda r: (
        f"{r['history']['service_with_ms_per_save']} / "
        f"{r['history']['service_without_ms_per_save']} ms = {r['history']['service_ratio']}×"))
    return "\n".join(rows)


def aims(results: list[dict]) -> str:
    rows = ["| aim | target | " + " | ".join(NAMES[r["database"]] for r in results) + " |",
            "|" + " --- |" * (len(results) + 2)]
    for name, aim in results[0]["aims"].items():
        cells = []
        for r in results:
            a = r["aims"].get(name)
            if a is None:  # a run that predates the aim
                cells.append("–")
                continue
            value = a["value"] if not isinstance(a["value"], list) else ", ".join(a["value"])
            cells.append(f"{value} ({'met' if a['met'] else '**missed**'})")
        rows.append(f"| {name} | {aim['aim']} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    results = load(sys.argv[1:])
    if not results:
        raise SystemExit("no results: run bench/run.py first")
    for r in results:
        m, d = r["machine"], r["dataset"]
        print(f"- {NAMES[r['database']]}: {r['database_version']}, Python {r['python']}, "
              f"Django {r['django']}; {m.get('cpu')} × {m['nproc']}, {m.get('memory_gb')} GB; "
              f"load {m.get('load_average_1m_at_start', '?')} → {m.get('load_average_1m')}; "
              f"{r['date']}; commit {r.get('code', {}).get('commit', '?')}")
    d = results[0]["dataset"]
    print(f"\nData: `{d['cooperative']}`, {d['neighbourhoods']:,} neighbourhoods, "
          f"{d['partners']} partners, {d['teams']} teams, {d['funding_streams']} funding "
          f"streams, {d['years']} years: {d['budget_lines']:,} budget lines, "
          f"{d['ledger_entries']:,} ledger entries. Medium: "
          f"{results[0].get('medium_dataset', {}).get('neighbourhoods', '–')} neighbourhoods; "
          f"small: {results[0]['small_dataset']['neighbourhoods']} neighbourhoods.\n")
    print(aims(results), "\n")
    print(pages(results), "\n")
    print(figures(results))


if __name__ == "__main__":
    main()
