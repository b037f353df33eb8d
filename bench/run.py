"""Run every benchmark, print a table and write JSON. One command: `python bench/run.py`
(or `make bench`).

- SQLite always, in its own folder (data/bench/sqlite, never the developer's database);
- PostgreSQL as well when DATABASE_URL points at a PostgreSQL server: the benchmark uses a
  database of its own there (the URL's database name with "_bench" added, unless the name
  already says "bench"), created when missing.

The first run generates the data (`generate_scale_data --preset large`, and a small
cooperative beside it); later runs reuse it. Results go to bench/results/<db>-<date>.json and
bench/results/latest-<db>.json. `--quick` is a smoke run on tiny data (seconds), written to
the data folder instead, so that it never replaces the committed figures.
"""

import argparse
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
AIMS = {"page_p95_ms": 150, "import_lines_per_second": 5000,
        "import_command_lines_per_second": 10000, "export_ratio": 1.0,
        "export_peak_mb": 150, "history_ratio": 2.0, "realisation_page_p95_ms": 150,
        "realisation_import_lines_per_second": 5000}


def machine() -> dict:
    info = {"nproc": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    info["platform"] = sys.platform
    # Other work on the machine slows every figure down: say how busy it was.
    info["load_average_1m"] = round(os.getloadavg()[0], 2)
    return info


def code_state() -> dict:
    """The commit measured, and whether the product's code differed from it (other work in
    the same tree)."""
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "budgets", "cooperatie", "partners",
                  "reports").splitlines()
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted_product_files":
            [line[3:] for line in changed]}


def bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "cooperatie"
    if "bench" not in name:
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')


def run_suite(database: str, args, env_extra: dict) -> dict:
    data_dir = Path(args.data_dir) / (f"quick-{database}" if args.quick else database)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0",
               SECRET_KEY="bench-only-not-a-secret", PYTHONPATH=str(ROOT), **env_extra)
    command = [sys.executable, "-m", "bench.suite", "--requests", str(args.requests),
               "--warmup", str(args.warmup)] + (["--quick"] if args.quick else []) + \
        (["--only", "import"] if args.import_only else []) + \
        (["--only", "pages"] if args.pages_only else [])
    print(f"== {database} ({data_dir})", file=sys.stderr, flush=True)
    load = round(os.getloadavg()[0], 2)
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the {database} benchmark failed (exit {done.returncode})")
    result = json.loads(done.stdout)
    result["database"] = database
    result["date"] = datetime.now().isoformat(timespec="seconds")
    result["machine"] = {**machine(), "load_average_1m_at_start": load}
    result["code"] = code_state()
    if not args.import_only:
        result["aims"] = aims(result)
    return result


AREA_PAGES = ("pooled budget, one area (board)", "coverage matrix, one area (board)")
# Issue 14's page: budget against actual (with twelve monthly periods), its own aim.
REALISATION_PAGES = ("budget vs actual per partner (board)", "budget vs actual per area (board)",
                     "budget vs actual per stream (board)",
                     "budget vs actual, one area per neighbourhood (board)",
                     "realisation grid (director)")


def aims(result: dict) -> dict:
    """The issue's aims, over the pages it names (the one-area pages are extra)."""
    every = [p for p in result["pages"] if p["size"] == "large"]
    large = [p for p in every if p["page"] not in AREA_PAGES + REALISATION_PAGES]
    realisation = [p for p in every if p["page"] in REALISATION_PAGES]
    # Query counts are compared with the medium cooperative (a tenth of the data, pages in the
    # same one-area-at-a-time mode); a quick run has only the small one.
    other = "medium" if any(p["size"] == "medium" for p in result["pages"]) else "small"
    small = {p["page"]: p["queries"] for p in result["pages"] if p["size"] == other}
    worst = max(large, key=lambda p: p["p95_ms"])
    grows = [p["page"] for p in large + realisation if p["queries"] > small.get(p["page"], 0)]
    slowest = max(realisation, key=lambda p: p["p95_ms"])
    imported = result["realisation_import"]
    export, history = result.get("export"), result.get("history")
    every_aim = {
        "page_p95_ms": {"aim": f"< {AIMS['page_p95_ms']} ms", "value": worst["p95_ms"],
                        "worst": worst["page"],
                        "met": all(p["p95_ms"] < AIMS["page_p95_ms"] for p in large)},
        "query_counts_constant": {"aim": f"large = {other}", "value": grows or "constant",
                                  "met": not grows},
        "realisation_page_p95_ms": {
            "aim": f"< {AIMS['realisation_page_p95_ms']} ms", "value": slowest["p95_ms"],
            "worst": slowest["page"],
            "met": all(p["p95_ms"] < AIMS["realisation_page_p95_ms"] for p in realisation)},
        "realisation_import_lines_per_second": {
            "aim": f">= {AIMS['realisation_import_lines_per_second']}",
            "value": imported["lines_per_second"],
            "met": imported["lines_per_second"] >= AIMS["realisation_import_lines_per_second"]},
    }
    if export is None:  # a pages-only run (--pages-only): the aims its figures decide
        return every_aim
    every_aim.update({
        "import_lines_per_second": {"aim": f">= {AIMS['import_lines_per_second']}",
                                    "value": result["import"]["lines_per_second"],
                                    "met": result["import"]["lines_per_second"]
                                    >= AIMS["import_lines_per_second"]},
        "import_command_lines_per_second": {
            "aim": f">= {AIMS['import_command_lines_per_second']}",
            "value": result["import"]["command_lines_per_second"],
            "met": result["import"]["command_lines_per_second"]
            >= AIMS["import_command_lines_per_second"]},
        # The worse of the ledger and the audit trail, by wall and by CPU time.
        "export_ratio": {"aim": f">= {AIMS['export_ratio']}", "value": export["worst_ratio"],
                         "met": export["worst_ratio"] >= AIMS["export_ratio"]},
        "export_peak_mb": {"aim": f"< {AIMS['export_peak_mb']} MB",
                           "value": export["peak_rss_mb"],
                           "met": export["peak_rss_mb"] < AIMS["export_peak_mb"]},
        "history_ratio": {"aim": f"< {AIMS['history_ratio']}", "value": history["ratio"],
                          "met": history["ratio"] < AIMS["history_ratio"]},
    })
    return every_aim


def _rust(x: dict) -> str:
    if x.get("rust_failure"):
        return f"Rust writer failed: {x['rust_failure']}"
    return (f"Rust {x['rust_seconds']} s = {x['rust_speedup']}× xlsxwriter "
            f"(CPU {x['cpu_rust_speedup']}×), {x['rust_formulas_without_value']} of "
            f"{x['rust_formulas']} formulas without value")


def table(result: dict) -> str:
    d = result["dataset"]
    lines = [
        f"# {result['database_version']} · Python {result['python']} · "
        f"{result['machine'].get('cpu', '?')} × {result['machine']['nproc']} · "
        f"{result['machine'].get('memory_gb', '?')} GB · load "
        f"{result['machine']['load_average_1m_at_start']} → "
        f"{result['machine']['load_average_1m']}",
        f"dataset: {d['cooperative']} with {d['neighbourhoods']} neighbourhoods, "
        f"{d['partners']} partners, {d['teams']} teams, {d['years']} years, "
        f"{d['budget_lines']:,} budget lines, {d['ledger_entries']:,} ledger entries",
        "",
        f"{'page':42} {'size':6} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8} "
        f"{'KB':>8}",
    ]
    for p in result["pages"]:
        lines.append(f"{p['page']:42} {p['size']:6} {p['p50_ms']:8.1f} {p['p95_ms']:8.1f} "
                     f"{p.get('cpu_p50_ms', 0):8.1f} {p['queries']:8} {p['kilobytes']:8.0f}")
    r = result["realisation_import"]
    realised = (f"realisation import {r['lines']:,} lines: {r['seconds']} s (read "
                f"{r['read_seconds']} s, import {r['import_seconds']} s) = "
                f"{r['lines_per_second']:,} lines/s")
    if result.get("only") == "pages":
        lines += ["", realised]
        return "\n".join(lines + [""] + aim_lines(result))
    i, e, h = result["import"], result["export"], result["history"]
    lines += [
        "",
        f"import {i['lines']:,} lines, web (upload, preview, confirm): {i['web']['seconds']} s "
        f"= {i['lines_per_second']:,} lines/s ({i['cpu_lines_per_second']:,} by CPU time); "
        f"command: {i['command']['seconds']} s = {i['command_lines_per_second']:,} lines/s "
        f"({i['command_cpu_lines_per_second']:,} by CPU time); reading alone "
        f"{i['read_seconds']} s; preview page {i['web']['preview_kilobytes']} KB",
        realised,
        *(f"{slug} export {x['rows']:,} rows: report {x['report_seconds']} s "
          f"(CPU {x['report_cpu_seconds']} s), xlsxwriter writing the same workbook "
          f"{x['xlsxwriter_seconds']} s (CPU {x['xlsxwriter_cpu_seconds']} s): ratio "
          f"{x['ratio']} (CPU {x['cpu_ratio']}), same file: {x['identical_to_xlsxwriter']}; "
          f"read only {x['read_seconds']} s; {_rust(x)}; "
          f"peak {x['report_peak_rss_mb']} MB (xlsxwriter {x['xlsxwriter_peak_rss_mb']}, "
          f"Rust {x.get('rust_peak_rss_mb', '–')}, Django alone {e['baseline_rss_mb']} MB)"
          for slug, x in e["reports"].items()),
        f"history: {h['saves']} saves, {h['with_ms_per_save']} ms with history, "
        f"{h['without_ms_per_save']} ms without, ratio {h['ratio']}; through save_recorded "
        f"(full_clean + save): {h['service_with_ms_per_save']} ms against "
        f"{h['service_without_ms_per_save']} ms, ratio {h['service_ratio']}",
        "",
    ]
    return "\n".join(lines + aim_lines(result))


def aim_lines(result: dict) -> list[str]:
    lines = [f"{'aim':26} {'target':>12} {'measured':>20}  met"]
    for name, aim in result["aims"].items():
        value = aim["value"] if not isinstance(aim["value"], list) else ", ".join(aim["value"])
        lines.append(f"{name:26} {aim['aim']:>12} {str(value):>20}  "
                     f"{'yes' if aim['met'] else 'NO'}")
    return lines


def import_table(result: dict) -> str:
    i, m = result["import"], result["machine"]
    return "\n".join([
        f"# {result['database_version']} · commit {result['code']['commit']} · load "
        f"{m['load_average_1m_at_start']} → {m['load_average_1m']}",
        f"{'import, ' + format(i['lines'], ',') + ' lines':32} {'wall s':>8} {'lines/s':>8} "
        f"{'CPU s':>8} {'lines/s':>8}",
        *(f"{name:32} {p['seconds']:8.3f} {round(i['lines'] / p['seconds']):8} "
          f"{p['cpu_seconds']:8.3f} {round(i['lines'] / p['cpu_seconds']):8}"
          for name, p in (("web (upload, preview, confirm)", i["web"]),
                          ("command (import_budget)", i["command"]))),
        f"reading alone {i['read_seconds']} s (CPU {i['read_cpu_seconds']} s); preview page "
        f"{i['web']['preview_kilobytes']} KB"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run on tiny data")
    parser.add_argument("--requests", type=int, help="requests per page (default 20, quick 3)")
    parser.add_argument("--warmup", type=int, help="warm-up requests per page (default 2)")
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--output-dir", help="default bench/results (quick: the data folder)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pages-only", action="store_true",
                        help="only the pages (large, medium, small) and the realisation "
                             "import; the aims they decide; written to pages-<db>-<date>.json")
    parser.add_argument("--import-only", action="store_true",
                        help="only the budget import (web and command), on the large data; "
                             "written to import-<db>-<date>.json")
    args = parser.parse_args()
    args.requests = args.requests or (3 if args.quick else 20)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    output = Path(args.output_dir or (Path(args.data_dir) / "results" if args.quick
                                      else ROOT / "bench" / "results"))
    output.mkdir(parents=True, exist_ok=True)
    runs = []
    if args.only in (None, "sqlite"):
        runs.append(("sqlite", {}))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and args.only in (None, "postgresql"):
        bench_url = bench_database_url(url)
        ensure_postgres_database(bench_url)
        runs.append(("postgresql", {"DATABASE_URL": bench_url}))
    elif args.only == "postgresql":
        raise SystemExit("--only postgresql: set DATABASE_URL to a PostgreSQL server")
    for database, env in runs:
        result = run_suite(database, args, env)
        text = json.dumps(result, indent=2, default=str) + "\n"
        name = f"import-{database}" if args.import_only else \
            f"pages-{database}" if args.pages_only else database
        (output / f"{name}-{result['date'][:10]}.json").write_text(text)
        (output / f"latest-{name}.json").write_text(text)
        print(import_table(result) if args.import_only else table(result))
        print()


if __name__ == "__main__":
    main()
