"""The demo as a newcomer meets it: `make demo` (scripts/demo, which every browser test runs)
prints the logins and the address last, once the worker is up, and shows the product's own
Dutch error pages, not Django's debug pages."""

from pathlib import Path

from tests.e2e.conftest import axe_violations, login


def test_demo_prints_the_logins_and_the_address_last_after_the_worker_started(app_server):
    lines = [line.rstrip() for line in app_server["output"] if line.strip()]
    assert lines[-1].startswith("Samen begroten draait op http://127.0.0.1:")
    logins = lines.index("Demologins (wachtwoord voor allemaal: demo-2026):")
    assert "tom-directeur" in "\n".join(lines[logins:])
    assert all("celery" not in line.lower() for line in lines[logins:])  # no banner in between
    worker_log = Path(app_server["data"], "demo-worker.log").read_text()
    assert " ready." in worker_log


def test_wrong_address_and_forbidden_page_are_the_products_own_dutch_pages(page):
    response = page.goto("/bestaat-niet/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Niet gevonden").is_visible()
    assert "URLconf" not in page.content() and "DEBUG = True" not in page.content()
    assert axe_violations(page) == []
    login(page, "tom-voorzitter")
    response = page.goto("/c/tom/begroting/invullen/")  # the board fills in no budget
    assert response.status == 403
    assert page.get_by_role("heading", name="Geen toegang").is_visible()
    # static files come from WhiteNoise with DEBUG off (hashed names, cached for ever)
    css = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert css.startswith("/static/cooperatie/site.") and css != "/static/cooperatie/site.css"
    assert page.request.get(css).status == 200
