"""Journey: finance makes a personal API token, reads the ledger with it, finds the API's
documentation (Swagger UI from the app's own static files, no CSP exception) and revokes the
token. The token pages are axe-clean at 1280 and 390 px."""

import sqlite3
from decimal import Decimal

from tests.e2e.conftest import axe_violations, login, served_db


def test_finance_makes_uses_and_revokes_a_token(page, app_server):
    login(page, "tom-financien")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="API-sleutels").click()
    assert axe_violations(page) == []
    page.get_by_label("Naam").fill("Power BI bestuur")
    page.get_by_label("Geldig").select_option(label="een jaar")
    page.get_by_role("button", name="Sleutel maken").click()
    secret = page.get_by_label("Sleutel „Power BI bestuur”").input_value()
    assert secret.startswith("sb_")
    assert axe_violations(page) == []

    # The token reads the ledger page by page (the Authorization header decides who reads).
    api = page.context.request
    url, total = "/api/cooperatives/tom/ledger-entries/?year=2026&page_size=30", Decimal("0")
    headers = {"Authorization": f"Bearer {secret}"}
    while url:
        body = api.get(url, headers=headers).json()
        total += sum(Decimal(row["amount"]) for row in body["results"])
        url = body["next"]
    with sqlite3.connect(served_db(app_server)) as db:  # what the served ledger holds
        cents = db.execute("SELECT SUM(CAST(ROUND(amount * 100) AS INTEGER)) FROM "
                           "budgets_ledgerentry e JOIN cooperatie_cooperative c "
                           "ON c.id = e.cooperative_id WHERE c.code = 'tom' AND e.year = 2026"
                           ).fetchone()[0]
    assert total == Decimal(cents) / 100 != 0

    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Samen begroten API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator("text=/api/cooperatives/{code}/ledger-entries/").first.wait_for()

    page.goto("/api-sleutels/")
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.get_by_role("link", name="Intrekken Power BI bestuur").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ja, sleutel intrekken").click()
    page.get_by_text("is ingetrokken").wait_for()
    assert api.get("/api/cooperatives/", headers=headers).status == 401
