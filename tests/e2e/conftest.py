"""End-to-end: the real app on loopback (web server + Celery worker, demo data) driven by
Debian's Chromium through Playwright. Skipped where Chromium or Playwright is missing; CI
installs both."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "demo-2026"

playwright = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)



def pytest_collection_modifyitems(config, items):
    """Everything in this folder drives the browser (`-m "not browser"` leaves it out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The demo as a user gets it from `make demo`, on its own SQLite file and broker."""
    data = tmp_path_factory.mktemp("e2e-data")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                        "DJANGO_SETTINGS_MODULE", "WORKER_DATABASE_NAME")}
    env.update(DEBUG="1", DATA_DIR=str(data), PYTHONUNBUFFERED="1")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run([*manage, "load_demo"], cwd=ROOT, env=env, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(data / "server.log", "w")
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cooperatie", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/inloggen/", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    try:
        yield {"url": base, "data": data, "env": env}
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_server, tmp_path):
    context = browser.new_context(base_url=app_server["url"], accept_downloads=True,
                                  viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, username: str) -> None:
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    if not AXE.exists():
        pytest.skip("axe-core missing: run `npm ci` in tests/e2e")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def served_db(app_server) -> Path:
    return Path(app_server["data"]) / "cooperatie.sqlite3"


