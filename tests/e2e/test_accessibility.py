"""WCAG 2.1 AA: axe-core finds no serious or critical violations on the main pages, and a
director can do the whole budget journey with the keyboard alone."""

import pytest

from tests.e2e.conftest import axe_violations, login, screenshot

PAGES = {
    "tom-directeur": ["/", "/c/tom/begroting/", "/c/tom/begroting/invullen/",
                      "/c/tom/begroting/uploaden/", "/c/tom/begroting/indienen/",
                      "/c/tom/begroting/gebundeld/",
                      "/c/tom/begroting/partner/tom-ggz/historie/", "/c/tom/structuur/",
                      "/c/tom/inzet/", "/c/tom/inzet/teams/", "/c/tom/inzet/mijn/",
                      "/c/tom/evaluatie/", "/wachtwoord/"],
    "heerlen-voorzitter": ["/", "/c/heerlen/inzet/", "/c/heerlen/begroting/gebundeld/",
                           "/c/heerlen/begroting/partner/hl-ggzmijn/",
                           "/c/heerlen/inzet/natura/"],
    "heerlen-financien": ["/c/heerlen/exports/"],
    "tom-penningmeester": ["/", "/c/tom/verdeling/", "/c/tom/besluiten/",
                           "/c/tom/verdeling/lumpsum/nieuw/", "/c/tom/evaluatie/metingen/",
                           "/c/tom/evaluatie/streefwaarden/"],
}
SHOTS = {"/": "dashboard", "/c/tom/begroting/gebundeld/": "gebundelde-begroting",
         "/c/heerlen/inzet/": "bezetting", "/c/tom/evaluatie/": "scorekaart"}


def test_login_page_is_accessible(page):
    page.goto("/inloggen/")
    assert axe_violations(page) == []
    screenshot(page, "inloggen")


@pytest.mark.parametrize("username", sorted(PAGES))
def test_main_pages_have_no_serious_violations(page, username):
    login(page, username)
    problems = {}
    for path in PAGES[username]:
        response = page.goto(path)
        assert response.status == 200, path
        found = axe_violations(page)
        if found:
            problems[path] = found
        if path in SHOTS and username != "heerlen-financien":
            screenshot(page, SHOTS[path] if path != "/" else f"dashboard-{username}")
    assert problems == {}


def test_plan_and_proposal_pages_have_no_serious_violations(page):
    login(page, "tom-voorzitter")
    page.locator(".card", has_text="Voorstellen aan het bestuur").get_by_role("link").first.click()
    assert axe_violations(page) == []
    page.goto("/c/tom/verdeling/")
    page.get_by_role("link", name="versie 1").first.click()
    assert axe_violations(page) == []
    screenshot(page, "verdeling")


def _tab_to(page, text: str, limit: int = 200) -> None:
    """Press Tab until the focused element's accessible text contains `text`."""
    for attempt in range(limit):
        if attempt:
            page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            if (!e || e === document.body) return '';
            if (e.labels && e.labels.length) return e.labels[0].innerText;
            return e.getAttribute('aria-label') || e.innerText || e.value || ''; }""")
        if text in focused:
            return
    raise AssertionError(f"could not reach {text!r} with Tab")


def test_director_journey_by_keyboard_only(page):
    page.goto("/inloggen/")
    _tab_to(page, "Gebruikersnaam")
    page.keyboard.type("tom-directeur2")
    _tab_to(page, "Wachtwoord")
    page.keyboard.type("demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    _tab_to(page, "Begroting invullen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/begroting/invullen/**")
    _tab_to(page, "Bedrag Centrum, Participatie")
    page.keyboard.press("Control+A")
    page.keyboard.type("4.321,09")
    _tab_to(page, "Reden van de wijziging")
    page.keyboard.type("via het toetsenbord")
    _tab_to(page, "Opslaan")
    page.keyboard.press("Enter")
    page.get_by_text("Opgeslagen: 1 wijziging(en).").wait_for()
    _tab_to(page, "Opslaan en indienen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/begroting/indienen/**")
    _tab_to(page, "Ja, begroting indienen")
    page.keyboard.press("Enter")
    page.get_by_text("Uw begroting is ingediend").wait_for()
    assert page.get_by_text("Status: ingediend").count() == 1 or "ingediend" in page.inner_text(
        "main")
