"""Journey 1: a director of `tom` fills in the budget on screen and by template (with one
mistake, read, fixed), submits it, and commits staff. Then the same by keyboard only."""

import io
import sqlite3

import openpyxl

from tests.e2e.conftest import login, screenshot, served_db


def _fill_template(path, values: dict[tuple[int, int], object]) -> bytes:
    """Set Bedrag on data rows (1-based index among data rows) as a director would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Begroting"]
    for (row, _col), value in values.items():
        ws.cell(row=row + 1, column=4).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_director_budget_by_screen_and_template_then_staff(page, app_server, tmp_path):
    login(page, "tom-directeur")
    page.get_by_role("link", name="Begroting invullen").click()
    page.get_by_role("heading", name="Begroting Welzijn Rijnstreek 2026").wait_for()
    page.get_by_label("Bedrag Ridderveld, Wmo-ondersteuning").fill("12.500,00")
    page.get_by_label("Bedrag Boskoop, Jeugdhulp").fill("7.250,50")
    assert page.locator("[data-grand-total]").inner_text() == "€\xa019.750,50"  # live totals
    screenshot(page, "begroting-invullen")
    page.get_by_label("Reden van de wijziging (voor de historie)").fill("eerste opzet")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.get_by_text("Opgeslagen: 2 wijziging(en).").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel-sjabloon downloaden").click()
    template = tmp_path / "sjabloon.xlsx"
    download.value.save_as(template)
    bad = tmp_path / "fout.xlsx"
    bad.write_bytes(_fill_template(template, {(1, 4): 1000, (2, 4): "twaalf"}))
    page.get_by_role("link", name="Ingevuld sjabloon uploaden").click()
    page.get_by_label("Ingevuld sjabloon (.xlsx of .ods, hoogstens 5 MB)").set_input_files(str(bad))
    page.get_by_role("button", name="Controleren").click()
    error = page.get_by_role("alert")
    assert "Blad Begroting, rij 3, kolom Bedrag: 'twaalf' is geen bedrag." in error.inner_text()
    assert "er is niets gewijzigd" in error.inner_text()
    screenshot(page, "upload-met-fout")

    good = tmp_path / "goed.xlsx"
    good.write_bytes(_fill_template(template, {(1, 4): 1000, (2, 4): "1.200,00"}))
    page.get_by_label("Ingevuld sjabloon (.xlsx of .ods, hoogstens 5 MB)").set_input_files(str(good))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("heading", name="Controleer de wijzigingen").wait_for()
    assert "1.200,00" in page.locator("table").first.inner_text()
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.get_by_text("Ingelezen: 2 wijziging(en).").wait_for()

    # staff made available, before submitting: commitments belong to the budget
    page.goto("/c/tom/inzet/mijn/")
    page.get_by_label("Team", exact=True).select_option(label="Tom Noord (TOM-N)")
    page.get_by_label("Expertise", exact=True).select_option(index=1)
    page.get_by_label("FTE", exact=True).fill("0,8")
    page.get_by_label("Kosten per fte per jaar (€)").fill("72.000,00")
    page.get_by_role("button", name="Inzet vastleggen").click()
    assert "Tom Noord" in page.locator("table").first.inner_text()
    screenshot(page, "inzet")

    page.goto("/c/tom/begroting/invullen/")
    page.get_by_role("button", name="Opslaan en indienen…").click()
    page.get_by_role("heading", name="Begroting Welzijn Rijnstreek 2026 indienen").wait_for()
    page.get_by_role("button", name="Ja, begroting indienen").click()
    page.get_by_text("Uw begroting is ingediend").wait_for()
    assert page.get_by_label("Bedrag Boskoop, Jeugdhulp").count() == 0  # read-only now

    with sqlite3.connect(served_db(app_server)) as db:
        lines = db.execute(
            "SELECT SUM(ROUND(l.amount * 100)) FROM budgets_budgetline l "
            "JOIN budgets_partnerbudget b ON b.id = l.budget_id "
            "JOIN partners_organisation o ON o.id = b.organisation_id "
            "JOIN budgets_budgetround r ON r.id = b.budget_round_id "
            "WHERE o.code = 'tom-welzijn' AND r.year = 2026 AND b.status = 'submitted'"
        ).fetchone()[0]
    assert lines == 1_975_050 + 100_000 + 120_000  # € 19.750,50 + € 1.000 + € 1.200 in cents
    with sqlite3.connect(served_db(app_server)) as db:
        in_kind = db.execute(
            "SELECT SUM(ROUND(e.amount * 100)) FROM budgets_ledgerentry e "
            "JOIN partners_organisation o ON o.id = e.organisation_id "
            "WHERE o.code = 'tom-welzijn' AND e.year = 2026 AND e.kind = 'in_kind'").fetchone()[0]
    assert in_kind == 5_760_000  # 0,8 fte × € 72.000 for the whole year, in cents

