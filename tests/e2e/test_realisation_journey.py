"""Journey: a director of `tom` enters November 2026 on screen and by template and submits
it; the board sees budget against actual with the forecast, a warning and the charts; the
cooperative's finance corrects a closed month (a reversal plus a new posting). Every page
axe-clean, at 1280 and 390 pixels."""

import io
import sqlite3
from decimal import Decimal

import openpyxl

from tests.e2e.conftest import axe_violations, login, screenshot, served_db


def _fill(path, values: dict[tuple[str, str], object]) -> bytes:
    """Set Bedrag for (Buurtcode, Financieringsstroom) rows, as a director would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Realisatie"]
    for row in ws.iter_rows(min_row=2):
        if (row[0].value, row[2].value) in values:
            row[4].value = values[row[0].value, row[2].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _booked(app_server, org: str, month: int) -> Decimal:
    with sqlite3.connect(served_db(app_server)) as db:
        cents = db.execute(
            "SELECT SUM(ROUND(e.amount * 100)) FROM budgets_ledgerentry e "
            "JOIN partners_organisation o ON o.id = e.organisation_id "
            "JOIN realisation_period p ON p.id = e.period_id "
            "WHERE o.code = ? AND e.year = 2026 AND e.kind = 'realisation' AND p.number = ?",
            (org, month)).fetchone()[0]
    return Decimal(int(cents or 0)) / 100


def test_director_enters_and_submits_november_by_screen_and_template(page, app_server,
                                                                     tmp_path):
    login(page, "tom-directeur2")
    page.get_by_role("link", name="Realisatie november 2026 invullen").first.click()
    page.get_by_role("heading",
                     name="Realisatie Jeugd en Gezin Groene Hart november 2026").wait_for()
    assert "begr." in page.locator("#realisatie").inner_text()  # the budget beside each cell
    assert axe_violations(page) == []
    page.get_by_label("Realisatie Ridderveld, Jeugdhulp", exact=True).fill("4.500,00")
    page.get_by_label("Realisatie Boskoop, Jeugdhulp", exact=True).fill("2.250,50")
    assert page.locator("[data-grand-total]").inner_text() == "€\xa06.750,50"  # live totals
    screenshot(page, "realisatie-invullen")
    page.get_by_label("Reden van de wijziging (voor de historie)").fill("november, eerste deel")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.get_by_text("Opgeslagen: 2 wijziging(en).").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel-sjabloon downloaden").click()
    template = tmp_path / "sjabloon.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(_fill(template, {("BU04840201", "JEUGD"): 1200}))
    page.get_by_role("link", name="Ingevuld sjabloon uploaden").click()
    assert axe_violations(page) == []
    page.get_by_label("Excel-bestand (.xlsx of .ods, hoogstens 5 MB)").set_input_files(
        str(filled))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("heading", name="Controleer de wijzigingen").wait_for()
    assert "1.200,00" in page.locator("table").first.inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.get_by_text("Ingelezen: 1 wijziging(en).").wait_for()

    page.get_by_role("button", name="Opslaan en november 2026 indienen").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, indienen").click()  # it asks
    page.get_by_text("De realisatie van november 2026 is ingediend").wait_for()
    assert page.get_by_label("Realisatie Boskoop, Jeugdhulp", exact=True).count() == 0
    assert _booked(app_server, "tom-jeugd", 11) == Decimal("7950.50")


def test_board_sees_budget_against_actual_with_forecast_warning_and_charts(page):
    login(page, "tom-voorzitter")
    page.locator(".card", has_text="Realisatie 2026").get_by_role(
        "link", name="Begroting tegen realisatie").click()
    page.get_by_role("heading", name="Begroting tegen realisatie 2026").wait_for()
    table = page.locator("#begroting-realisatie")
    assert "Prognose jaar" in table.inner_text()
    assert table.locator("tr.flagged").count() >= 1  # a partner above the threshold
    assert "signalen: boven de begroting tot nu toe" in page.locator("#signalen").inner_text()
    chart = page.locator("svg.chart").first
    assert chart.get_attribute("role") == "img"
    assert "Begroting en realisatie, cumulatief per periode" in chart.locator(
        "title").first.text_content()
    assert "oktober 2026: begroting tot dan" in chart.locator("desc").text_content()
    assert page.locator("svg.chart").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "begroting-realisatie")
    page.get_by_label("Per", exact=True).select_option("buurt")
    page.get_by_role("button", name="Toon").click()
    page.get_by_role("caption").filter(has_text="per buurt").wait_for()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # wide tables scroll inside their own region


def test_finance_corrects_a_closed_month_as_reversal_plus_posting(page, app_server):
    login(page, "tom-financien")
    page.goto("/c/tom/realisatie/corrigeren/?jaar=2026&periode=2026-03&org=tom-ggz")
    page.get_by_role("heading", name="Correctie realisatie GGZ Rijnland maart 2026").wait_for()
    assert axe_violations(page) == []
    before_march = _booked(app_server, "tom-ggz", 3)
    before_november = _booked(app_server, "tom-ggz", 11)
    field = next(f for f in page.locator("#realisatie input.money").all() if f.input_value())
    old = Decimal(field.input_value().replace(",", "."))
    assert old > 100
    field.fill(f"{old - 100:.2f}".replace(".", ","))
    page.get_by_label("Boeken in de open periode").select_option(label="november 2026")
    page.get_by_label("Reden van de correctie (verplicht)").fill("creditnota ontvangen")
    page.get_by_role("button", name="Correctie boeken").click()
    page.get_by_text("een tegenboeking en een nieuwe boeking").wait_for()
    postings = page.locator("#boekingen").inner_text()
    assert "tegenboeking" in postings and "creditnota ontvangen" in postings
    assert axe_violations(page) == []
    assert _booked(app_server, "tom-ggz", 3) == before_march  # the closed month stays
    assert _booked(app_server, "tom-ggz", 11) == before_november - 100
