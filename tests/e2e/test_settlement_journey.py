"""Journey: the treasurer sees tom's settled year 2025 (advances paid, the settlement adopted,
the reserve), drafts a change (half of a surplus to the reserve instead of a quarter),
checks what it comes to, confirms what the board will decide on and proposes it; the board
votes, the last vote closes it and the new version is posted, the old one reversed, and the
reserve shows its new balance. Every page on the way is axe-clean."""

import re
import sqlite3
from decimal import Decimal

from budgets.settlement import rules
from tests.e2e.conftest import axe_violations, login, served_db

D = Decimal
SURPLUS_HALF = {"partner": D(50), "reserve": D(50), "funder": D(0), "key": D(0)}
DEFICIT_PARTNER = {"partner": D(100), "reserve": D(0), "key": D(0)}


def euro(amount: Decimal) -> str:
    return "€\xa0" + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _settled_2025(app_server):
    """From the served demo: the lump sum's amount, the reserve, and version 1's figures per
    partner (allocated, realised), to compute what the changed rule must come to."""
    with sqlite3.connect(served_db(app_server)) as db:
        amount = db.execute("SELECT amount FROM budgets_lumpsumgrant WHERE year = 2025 AND "
                            "cooperative_id = (SELECT id FROM cooperatie_cooperative "
                            "WHERE code = 'tom')").fetchone()[0]
        reserve = db.execute("SELECT SUM(ROUND(e.amount * 100)) FROM budgets_ledgerentry e "
                             "JOIN cooperatie_cooperative c ON c.id = e.cooperative_id "
                             "WHERE c.code = 'tom' AND e.kind = 'reserve'").fetchone()[0]
        lines = db.execute(
            "SELECT o.name, l.allocated, l.realised FROM settlement_settlementline l "
            "JOIN partners_organisation o ON o.id = l.organisation_id "
            "JOIN settlement_settlement s ON s.id = l.settlement_id WHERE s.version = 1"
        ).fetchall()
    cents = D("0.01")
    figures = {name: (D(str(a)).quantize(cents), D(str(r)).quantize(cents))
               for name, a, r in lines}
    return D(str(amount)).quantize(cents), D(int(reserve)) / 100, figures


def _vote_for(page) -> None:
    page.get_by_label("voor", exact=True).check()
    page.get_by_role("button", name="Stem uitbrengen").click()
    page.get_by_text("U stemde voor").wait_for()


def test_treasurer_drafts_a_settlement_and_the_board_adopts_it(page, app_server):
    amount, reserve, figures = _settled_2025(app_server)
    changed = rules.settle(rules.Rule(SURPLUS_HALF, DEFICIT_PARTNER), figures)
    name, most = max(changed.partners.items(), key=lambda item: item[1].surplus)
    login(page, "tom-penningmeester")
    page.goto("/c/tom/")
    page.get_by_role("link", name="Vaststelling", exact=True).first.click()
    assert euro(reserve) in page.inner_text("main")  # the reserve after 2025
    assert axe_violations(page) == []
    page.get_by_role("link", name="Voorschotten Gemeente Alphen aan den Rijn (fictief) 2025"
                     ).click()
    totals = page.locator("#voorschotten-per-partner tfoot").inner_text()
    assert totals.count(euro(amount)) == 3  # allocated, due and paid: all of it
    assert axe_violations(page) == []

    page.goto("/c/tom/vaststelling/")
    page.locator("#lumpsums").get_by_role("link", name="versie 1").click()
    main = page.inner_text("main")
    assert "vastgesteld" in main and "In het grootboek" in main
    assert axe_violations(page) == []
    page.get_by_label("Reden van de wijziging").fill("de helft van een overschot naar de reserve")
    page.get_by_role("button", name="Wijziging opstellen").click()
    page.get_by_role("heading", name=re.compile("versie 2")).wait_for()

    page.get_by_label("Blijft bij de partner (%)").fill("50")
    page.get_by_label("Naar de reserve van de coöperatie (%)").fill("50")
    page.get_by_role("button", name="Berekenen").click()
    row = page.locator("#vaststelling-per-partner tr", has_text=name).inner_text()
    assert euro(most.to_reserve) in row and euro(most.kept) in row  # its surplus halved
    page.get_by_role("button", name="Opslaan", exact=True).click()
    assert "De vaststelling is opgeslagen" in page.inner_text("main")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Voorleggen aan het bestuur…").click()
    summary = page.inner_text("main")
    assert "Er is nog niets voorgelegd" in summary
    assert f"komt na de boeking op {euro(changed.reserve_net)}" in summary
    assert axe_violations(page) == []
    page.get_by_role("button", name="Ja, voorleggen aan het bestuur").click()
    page.wait_for_url(re.compile("/voorstel/"))
    proposal_url = page.url
    assert "Overschot: 50\xa0% blijft bij de partner, 50\xa0% naar de reserve" in page.inner_text(
        "main")
    assert axe_violations(page) == []
    _vote_for(page)

    login(page, "tom-voorzitter")
    page.goto(proposal_url)
    _vote_for(page)
    login(page, "tom-bestuurslid")
    page.goto(proposal_url)
    page.get_by_label("voor", exact=True).check()
    page.get_by_role("button", name="Stem uitbrengen").click()
    decision = page.get_by_role("heading", name=re.compile("^Besluit 20"))
    decision.wait_for()
    assert "aangenomen" in decision.inner_text()

    page.goto("/c/tom/vaststelling/reserve/")
    assert f"Saldo nu: {euro(changed.reserve_net)}" in page.inner_text("main")
    assert axe_violations(page) == []
    page.goto("/c/tom/vaststelling/")
    lumpsums = page.locator("#lumpsums").inner_text()
    assert "versie 2: vastgesteld" in lumpsums and "versie 1: vervangen" in lumpsums
