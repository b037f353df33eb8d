"""No click loses work or misleads (issue 13): a typo is marked at once and survives a refused
save; leaving a changed form asks first; submitting saves what is on screen and confirms with a
summary; a save refused because someone else saved keeps the user's values beside theirs; the
board's reason for reopening reaches the director."""

import sqlite3

from tests.e2e.conftest import axe_violations, login, screenshot, served_db


def _cents(app_server, sql: str, *args):
    with sqlite3.connect(served_db(app_server)) as db:
        return db.execute(sql, args).fetchone()[0]


def test_typo_unsaved_typing_and_submitting_with_a_summary_then_the_reopen_reason(
        page, browser, app_server):
    login(page, "heerlen-directeur")
    page.get_by_role("link", name="Begroting invullen").click()
    page.get_by_role("heading", name="Begroting Zorggroep Parkstad Zuid 2026").wait_for()
    assert "nog niet begonnen" in page.inner_text("main")
    first, second = page.locator("input.money").nth(0), page.locator("input.money").nth(1)
    row = first.get_attribute("data-row")

    # a typo is marked while typing, with a message tied to the cell; totals say "onvolledig"
    first.click()
    first.press_sequentially("1.000,5o")
    assert first.get_attribute("aria-invalid") == "true"
    error = page.locator("#" + first.get_attribute("aria-describedby"))
    assert error.inner_text() == "'1.000,5o' is geen bedrag."
    assert page.locator(f'[data-row-total="{row}"]').inner_text() == "onvolledig"
    assert page.locator("[data-grand-total]").inner_text() == "onvolledig"
    assert axe_violations(page) == []
    second.fill("2.500,00")
    page.get_by_label("Reden van de wijziging (voor de historie)").fill("eerste opzet")
    first.scroll_into_view_if_needed()
    page.mouse.wheel(0, -150)
    screenshot(page, "begroting-typfout")

    # a refused save keeps everything: values, reason, the upload link, the marked cell
    page.get_by_role("button", name="Opslaan", exact=True).click()
    alert = page.get_by_role("alert")
    assert "'1.000,5o' is geen bedrag." in alert.inner_text()
    assert first.input_value() == "1.000,5o" and second.input_value() == "2.500,00"
    assert first.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Reden van de wijziging (voor de historie)").input_value() == \
        "eerste opzet"
    assert page.get_by_role("link", name="Ingevuld sjabloon uploaden").is_visible()
    assert page.locator("[data-grand-total]").inner_text() == "onvolledig"
    alert.get_by_role("link").first.click()  # the error links to its cell
    assert page.evaluate("document.activeElement.id") == first.get_attribute("id")

    # fixed while typing; leaving now (unsaved) asks first, and staying keeps the typing
    first.fill("")
    first.press_sequentially("99.999,99")
    assert first.get_attribute("aria-invalid") is None
    assert page.locator("[data-grand-total]").inner_text() == "€\xa0102.499,99"
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Overzicht").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/begroting/invullen/" in page.url and first.input_value() == "99.999,99"

    # "Opslaan en indienen…" saves what is on screen, then shows the summary to confirm
    page.get_by_role("button", name="Opslaan en indienen…").click()
    page.get_by_role("heading", name="Begroting Zorggroep Parkstad Zuid 2026 indienen").wait_for()
    summary = page.locator("#samenvatting").inner_text()
    assert "102.499,99" in summary and "\t2\t" in summary.replace("\xa0", " ")
    assert "alleen-lezen en wordt zij geboekt in het gedeelde grootboek" in page.inner_text("main")
    assert page.locator("#inzet-samenvatting").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "indienen-samenvatting")
    assert _cents(app_server, "SELECT COUNT(*) FROM budgets_partnerbudget b "
                  "JOIN partners_organisation o ON o.id = b.organisation_id "
                  "WHERE o.code = 'hl-zorgparkstad' AND b.status = 'draft'") == 1
    page.get_by_role("button", name="Ja, begroting indienen").click()
    page.get_by_text("Uw begroting is ingediend").wait_for()
    assert page.locator("input.money").count() == 0  # read-only now
    assert _cents(app_server, "SELECT SUM(ROUND(e.amount * 100)) FROM budgets_ledgerentry e "
                  "JOIN partners_organisation o ON o.id = e.organisation_id "
                  "WHERE o.code = 'hl-zorgparkstad' AND e.year = 2026 "
                  "AND e.kind = 'contribution'") == 10_249_999

    # the board reopens it with a reason; the director sees it on the dashboard and the grid
    board = browser.new_context(base_url=app_server["url"], viewport={"width": 1280,
                                                                       "height": 900})
    chair = board.new_page()
    login(chair, "heerlen-voorzitter")
    chair.goto("/c/heerlen/begroting/partner/hl-zorgparkstad/")
    chair.get_by_label("Reden (verplicht, komt in de historie)").fill(
        "Wijkverpleging in Heerlerbaan ontbreekt; graag aanvullen.")
    chair.get_by_role("button", name="Begroting heropenen").click()
    question = chair.get_by_role("dialog")  # it asks first, saying what follows
    assert "telt als niet ingediend tot zij opnieuw is ingediend" in question.inner_text()
    question.get_by_role("button", name="Ja, heropenen").click()
    chair.get_by_text("is heropend").wait_for()
    board.close()
    page.goto("/c/heerlen/")
    card = page.locator(".card", has_text="Begroting Zorggroep Parkstad Zuid 2026")
    assert "Wijkverpleging in Heerlerbaan ontbreekt; graag aanvullen." in card.inner_text()
    assert "heeft deze begroting op" in card.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "heropend-dashboard")
    page.goto("/c/heerlen/begroting/invullen/")
    assert "Wijkverpleging in Heerlerbaan ontbreekt" in page.locator(".notice").inner_text()


def test_save_conflict_keeps_the_users_values_beside_the_other_persons(browser, app_server):
    """The same director in two windows (or a director and a deputy): the second save is
    refused, but shows both values per cell, lets the user choose and saves again."""
    windows = []
    for _ in range(2):
        context = browser.new_context(base_url=app_server["url"], locale="nl-NL",
                                      viewport={"width": 1280, "height": 900})
        page = context.new_page()
        login(page, "heerlen-directeur2")
        page.goto("/c/heerlen/begroting/invullen/")
        windows.append((context, page))
    (_, mine), (_, theirs) = windows
    cell = mine.locator("input.money").nth(0)
    key = cell.get_attribute("id")[2:]
    other = mine.locator("input.money").nth(3)
    theirs.locator(f"#a-{key}").fill("700,00")
    theirs.get_by_role("button", name="Opslaan", exact=True).click()
    theirs.get_by_text("Opgeslagen: 1 wijziging(en).").wait_for()

    cell.fill("1,00")
    other.fill("4.321,00")
    mine.get_by_role("button", name="Opslaan", exact=True).click()
    mine.get_by_text("Iemand anders heeft deze begroting intussen opgeslagen").wait_for()
    assert cell.input_value() == "1,00" and other.input_value() == "4.321,00"  # nothing lost
    merge = mine.locator("table.merge").inner_text()
    assert "€\xa01,00" in merge and "€\xa0700,00" in merge
    assert axe_violations(mine) == []
    screenshot(mine, "conflict")
    mine.locator(f'input[name="keuze-{key}"][value="hun"]').check()
    assert cell.input_value() == "700,00"
    mine.get_by_role("button", name="Opslaan", exact=True).click()
    mine.get_by_text("Opgeslagen: 1 wijziging(en).").wait_for()
    assert cell.input_value() == "700,00" and other.input_value() == "4321,00"
    for context, _ in windows:
        context.close()

