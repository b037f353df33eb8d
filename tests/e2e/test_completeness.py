"""Figures that are not final say so (issue 13): heerlen 2026 has 8 of its 10 budgets in, so
the dashboard, the pooled budget and the scorecard say who is missing, the comparison with
2025 is "voorlopig" and no indicator from the ledger is judged "gehaald". A step that cannot
be undone asks first, and "no" leaves everything as it was. At 1280 and 390 px, axe-clean."""

import re

from tests.e2e.conftest import axe_violations, login, screenshot

LINE = "2026: 8 van 10 ingediend, de cijfers zijn voorlopig."
MISSING = "Nog niet ingediend: Welzijn Heerlen Samen, Zorggroep Parkstad Zuid."


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_incomplete_year_is_provisional_on_dashboard_pooled_budget_and_scorecard(page):
    login(page, "heerlen-voorzitter")
    page.goto("/c/heerlen/")
    assert LINE in page.locator("p.completeness").first.inner_text()

    page.goto("/c/heerlen/begroting/gebundeld/")
    line = page.locator("p.completeness[data-year='2026']")
    assert line.inner_text().startswith(LINE) and MISSING in line.inner_text()
    assert page.locator("p.completeness[data-year='2025']").inner_text() == \
        "✓ 2025: alle 10 partners hebben hun begroting ingediend."
    # the comparison is marked where it is read: both marks in view while the table is wide
    marks = page.locator("#gebundeld thead .provisional-mark")
    assert marks.count() == 2 and all(_in_view(page, marks.nth(i)) for i in range(2))
    assert not _page_scrolls_sideways(page)
    assert axe_violations(page) == []

    page.goto("/c/heerlen/evaluatie/?jaar=2026")
    assert LINE in page.locator("p.completeness").inner_text()
    derived = page.locator("table.scorecard tbody tr", has_text="berekend uit het grootboek")
    assert derived.count() >= 1
    for i in range(derived.count()):
        judgement = derived.nth(i).locator("td").nth(3).inner_text()
        assert "voorlopig, nog niet alle begrotingen ingediend" in judgement
        assert "gehaald" not in judgement
    assert axe_violations(page) == []

    page.goto("/c/heerlen/evaluatie/?jaar=2025")  # a complete year is judged
    assert "voorlopig" not in page.locator("main").inner_text()


def test_closing_a_round_asks_first_naming_who_is_missing_and_no_changes_nothing(page):
    login(page, "heerlen-voorzitter")
    page.goto("/c/heerlen/begroting/?jaar=2026")
    page.get_by_role("button", name="Ronde 2026 sluiten").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Ronde 2026 sluiten? Daarna kan niemand een begroting voor 2026 nog wijzigen" in text
    assert "Nu zijn 8 van 10 begrotingen ingediend; nog niet: Welzijn Heerlen Samen, " \
           "Zorggroep Parkstad Zuid." in text
    assert page.evaluate("document.activeElement.textContent") == "Nee, terug"  # the safe one
    assert axe_violations(page) == []
    screenshot(page, "ronde-sluiten-vraag")
    dialog.get_by_role("button", name="Nee, terug").click()
    assert not dialog.is_visible()
    page.keyboard.press("Escape")
    page.reload()
    assert "is gesloten" not in page.inner_text("main")
    assert page.get_by_role("button", name="Ronde 2026 sluiten").is_visible()  # still open
    page.get_by_role("button", name="Ronde 2026 sluiten").click()
    page.keyboard.press("Escape")  # Escape is "no" too
    assert not page.get_by_role("dialog").is_visible()
    assert re.search(r"/c/heerlen/begroting/\?jaar=2026$", page.url)


def test_phone_provisional_line_and_the_question_fit_the_screen(browser, app_server):
    context = browser.new_context(base_url=app_server["url"], locale="nl-NL",
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, "heerlen-voorzitter")
    page.goto("/c/heerlen/begroting/gebundeld/")
    assert page.locator("p.completeness[data-year='2026']").is_visible()
    assert _in_view(page, page.locator("p.completeness[data-year='2026']"))
    assert not _page_scrolls_sideways(page)
    assert axe_violations(page) == []
    page.goto("/c/heerlen/begroting/?jaar=2026")
    page.get_by_role("button", name="Ronde 2026 sluiten").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert _in_view(page, dialog) and _in_view(page, dialog.get_by_role("button",
                                                                         name="Ja, ronde sluiten"))
    dialog.get_by_role("button", name="Nee, terug").click()
    context.close()
