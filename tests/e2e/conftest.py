"""End-to-end: the real app on loopback (web server + Celery worker, demo data) driven by
Debian's Chromium through Playwright. Skipped where Chromium or Playwright is missing; CI
installs both."""

import os
import signal
import socket
import subprocess
import time
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed journey shows the end of the demo's worker and web logs: most failures that
    only happen in CI (a task that never finished, a locked database) are told there."""
    outcome = yield
    report = outcome.get_result()
    server = item.funcargs.get("app_server") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and server:
        for name in ("demo-worker.log", "demo-web.log"):
            log = Path(server["data"], name)
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-40:]
                report.sections.append((name, "\n".join(tail)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The demo exactly as a user starts it (`make demo` runs scripts/demo: DEBUG off, web
    server + Celery worker), on its own port, SQLite file and broker."""
    data = tmp_path_factory.mktemp("e2e-data")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DEBUG",
                        "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "WORKER_DATABASE_NAME")}
    port = _free_port()
    # The demo's worker runs the scheduler (-B); here it checks the deadlines every 2 seconds.
    env.update(DATA_DIR=str(data), PORT=str(port), PYTHONUNBUFFERED="1",
               DEADLINE_CHECK_SECONDS="2")
    demo = subprocess.Popen([str(ROOT / "scripts" / "demo")], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        line = demo.stdout.readline()
        if not line:
            raise RuntimeError("scripts/demo stopped:\n" + "".join(output))
        output.append(line)
        if "draait op http://" in line:
            break
    base = f"http://127.0.0.1:{port}"
    try:
        yield {"url": base, "data": data, "env": env, "output": output}
    finally:
        demo.send_signal(signal.SIGINT)  # as Ctrl+C: the script stops web server and worker
        demo.wait(timeout=60)
        demo.stdout.close()


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
    # The Content-Security-Policy holds on every journey: anything it blocks fails the test.
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert blocked == []


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
    page.evaluate(AXE.read_text())  # evaluated by the browser's tools, not a page <script>
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def served_db(app_server) -> Path:
    return Path(app_server["data"]) / "cooperatie.sqlite3"


