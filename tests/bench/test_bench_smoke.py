"""The benchmark harness runs end to end (quick mode, tiny data, SQLite) and reports every
figure. No timing is asserted: only that each figure is there, and what must hold whatever
the machine (query counts that do not grow with the data, the import's lines all written)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {"budget grid (director, draft)", "pooled budget (board)", "coverage matrix (board)",
         "allocation plan, adopted (treasurer)", "allocation plan, draft (treasurer)",
         "scorecard (board)", "pooled budget, one area (board)",
         "coverage matrix, one area (board)", "budget vs actual per partner (board)",
         "budget vs actual per area (board)", "budget vs actual per stream (board)",
         "budget vs actual, one area per neighbourhood (board)", "realisation grid (director)"}


def test_quick_run_writes_every_figure(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DATA_DIR")}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--requests", "2", "--warmup", "1",
         "--data-dir", str(tmp_path / "data"), "--output-dir", str(tmp_path / "results")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "page_p95_ms" in done.stdout  # the table

    latest = json.loads((tmp_path / "results" / "latest-sqlite.json").read_text())
    dated = list((tmp_path / "results").glob("sqlite-*.json"))
    assert len(dated) == 1 and json.loads(dated[0].read_text()) == latest
    assert latest["database"] == "sqlite" and latest["database_version"].startswith("SQLite")
    assert {"nproc", "cpu", "memory_gb", "load_average_1m"} <= set(latest["machine"])
    assert latest["dataset"]["budget_lines"] > 0 and latest["dataset"]["ledger_entries"] > 0

    pages = latest["pages"]
    for size in ("large", "small"):
        assert {p["page"] for p in pages if p["size"] == size} == PAGES
    for page in pages:
        assert page["requests"] == 2
        assert 0 < page["p50_ms"] <= page["p95_ms"] and page["cpu_p50_ms"] > 0
        assert page["queries"] > 0 and page["kilobytes"] > 0
    queries = {(p["page"], p["size"]): p["queries"] for p in pages}
    assert all(queries[page, "large"] == queries[page, "small"] for page in PAGES), queries

    imported = latest["import"]
    assert imported["lines"] == latest["dataset"]["neighbourhoods"] * \
        latest["dataset"]["funding_streams"]
    assert imported["lines_per_second"] > 0 and imported["read_seconds"] >= 0
    for path in ("web", "command"):  # wall and CPU time, as the user goes through it
        assert imported[path]["seconds"] > 0 and imported[path]["cpu_seconds"] > 0
        assert imported[path]["lines_per_second"] > 0
        assert imported[path]["cpu_lines_per_second"] > 0
    assert set(imported["web"]["steps"]) == {"upload", "preview", "confirm"}
    assert 0 < imported["web"]["preview_kilobytes"] < 300
    realised = latest["realisation_import"]
    assert realised["lines"] == imported["lines"] and realised["lines_per_second"] > 0
    assert latest["dataset"]["realisation_periods"] == 12
    assert latest["dataset"]["realisation_lines"] > 0

    export = latest["export"]
    assert export["baseline_rss_mb"] > 0 and export["memory_method"] and export["peak_rss_mb"]
    for slug in ("ledger", "audit"):
        figures = export["reports"][slug]
        assert figures["rows"] > 0 and figures["identical_to_xlsxwriter"], slug
        for mode in ("report", "xlsxwriter", "rust", "read"):
            assert figures[f"{mode}_seconds"] > 0 and figures[f"{mode}_cpu_seconds"] >= 0
            assert figures[f"{mode}_peak_rss_mb"] > 0
        assert figures["ratio"] > 0 and figures["cpu_ratio"] >= 0
        assert figures["report_formulas_without_value"] == 0
    assert export["reports"]["ledger"]["rust_formulas"] > 0

    history = latest["history"]
    assert history["saves"] == 50 and history["ratio"] > 0
    assert history["with_seconds"] > 0 and history["without_seconds"] > 0
    assert history["service_ratio"] > 0

    assert set(latest["aims"]) == {"page_p95_ms", "query_counts_constant",
                                   "import_lines_per_second", "import_command_lines_per_second",
                                   "export_ratio",
                                   "export_peak_mb", "history_ratio", "realisation_page_p95_ms",
                                   "realisation_import_lines_per_second"}
    assert all(isinstance(a["met"], bool) for a in latest["aims"].values())


def test_pages_only_run_has_the_pages_and_realisation_import_alone(tmp_path):
    """`--pages-only`: every page at each size and the realisation import, nothing else, in a
    file of its own (it never replaces a full run's latest-<db>.json)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DATA_DIR")}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--pages-only", "--requests", "2",
         "--warmup", "1", "--data-dir", str(tmp_path / "data"),
         "--output-dir", str(tmp_path / "results")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "realisation_page_p95_ms" in done.stdout

    results = tmp_path / "results"
    assert not (results / "latest-sqlite.json").exists()
    latest = json.loads((results / "latest-pages-sqlite.json").read_text())
    assert latest["only"] == "pages"
    for size in ("large", "small"):
        assert {p["page"] for p in latest["pages"] if p["size"] == size} == PAGES
    assert latest["realisation_import"]["lines_per_second"] > 0
    assert not {"import", "export", "history"} & set(latest)
    assert set(latest["aims"]) == {"page_p95_ms", "query_counts_constant",
                                   "realisation_page_p95_ms",
                                   "realisation_import_lines_per_second"}
