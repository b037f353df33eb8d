"""Journey: tom's finance finds the mapping to the accounting package from the exports page
(axe-clean at 1280 and 390 px), starts the auditfile export, downloads it, and the file is
valid XAF 3.2 whose lines add up to the ledger."""

import sqlite3
from decimal import Decimal

from lxml import etree

from tests.accounting.test_auditfile import NS, SCHEMA, signed
from tests.e2e.conftest import axe_violations, login, served_db


def test_finance_maps_and_exports_the_auditfile(page, app_server, tmp_path):
    login(page, "tom-financien")
    page.get_by_role("link", name="Exports").click()
    page.get_by_role("link", name="Koppeling boekhouding").click()
    page.get_by_text("Alles is gekoppeld").wait_for()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Naar de exports").click()
    page.get_by_label("Rapport").select_option(label="Auditfile financieel (XAF 3.2)")
    page.get_by_label("Jaar").select_option("2026")
    page.get_by_role("button", name="Start export").click()
    page.get_by_text("Export gestart: Auditfile financieel (XAF 3.2) 2026.").wait_for()
    link = page.locator("#exports tbody tr").first.get_by_role("link", name="Downloaden")
    link.wait_for(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "auditfile-financieel-xaf-32-tom-2026.xaf"
    path = tmp_path / "tom.xaf"
    download.value.save_as(path)
    doc = etree.parse(str(path))
    SCHEMA.assertValid(doc)
    lines = doc.findall(".//x:trLine", namespaces=NS)
    assert sum(map(signed, lines)) == 0
    ledger = [x for x in lines if x.findtext("x:accID", namespaces=NS) not in ("0950", "1600")]
    with sqlite3.connect(served_db(app_server)) as db:  # what the served ledger holds
        cents = db.execute("SELECT SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM "
                           "budgets_ledgerentry e JOIN cooperatie_cooperative c "
                           "ON c.id = e.cooperative_id WHERE c.code = 'tom' AND e.year = 2026"
                           ).fetchone()[0]
    assert sum(map(signed, ledger)) == Decimal(cents) / 100 != 0
