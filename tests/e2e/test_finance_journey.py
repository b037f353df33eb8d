"""Journey 3: finance starts a ledger export, sees the progress bar, downloads the file, and
the totals agree with the ledger to the cent."""

import sqlite3
from decimal import Decimal

import openpyxl

from tests.e2e.conftest import login, screenshot, served_db


def test_finance_exports_the_ledger(page, app_server, tmp_path):
    login(page, "heerlen-financien")
    page.get_by_role("link", name="Exports").click()
    page.get_by_label("Rapport").select_option(label="Grootboek: alle boekingen")
    page.get_by_label("Jaar").select_option("2026")
    page.get_by_role("button", name="Start export").click()
    page.get_by_text("Export gestart: Grootboek: alle boekingen 2026.").wait_for()
    first_row = page.locator("#exports tbody tr").first
    assert first_row.locator("progress").count() == 1 or "klaar" in first_row.inner_text()
    screenshot(page, "exports")
    link = first_row.get_by_role("link", name="Downloaden")
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "grootboek-alle-boekingen-heerlen-2026.xlsx"
    path = tmp_path / "grootboek.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path)["Grootboek"].iter_rows(min_row=2, values_only=True))
    amounts = [Decimal(str(r[13])) for r in rows if r[0] != "Totaal"]
    assert rows[-1][13].startswith("=SUM(")
    with sqlite3.connect(served_db(app_server)) as db:
        cents, count = db.execute(
            "SELECT SUM(ROUND(e.amount * 100)), COUNT(*) FROM budgets_ledgerentry e "
            "JOIN cooperatie_cooperative c ON c.id = e.cooperative_id "
            "WHERE c.code = 'heerlen' AND e.year = 2026").fetchone()
    assert len(amounts) == count
    assert sum(amounts).quantize(Decimal("0.01")) == Decimal(int(cents)) / 100
