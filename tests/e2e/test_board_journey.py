"""Journey 2: the board reviews the pooled budget and the coverage matrix, votes on the open
allocation proposal, the last member's vote closes it, the chair records the considerations
and the decision is in the register; a drafter who approves their own plan alone is
refused when the chair closes the vote early (after a confirmation of the outcome)."""

import re

from tests.e2e.conftest import axe_violations, login, screenshot


def _vote_for(page, reason: str) -> None:
    page.get_by_label("voor", exact=True).check()
    page.get_by_label("Toelichting (niet verplicht)").fill(reason)
    page.get_by_role("button", name="Stem uitbrengen").click()


def test_board_reviews_votes_and_decides(browser, app_server):
    context = browser.new_context(base_url=app_server["url"], viewport={"width": 1280,
                                                                        "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, "tom-voorzitter")
    page.get_by_role("link", name="Gebundelde begroting").first.click()
    assert "Totaal coöperatie" in page.inner_text("main")
    page.get_by_role("link", name="Inzet en bezetting").click()
    assert "Bezetting" in page.inner_text("main")
    page.get_by_role("link", name="Overzicht").click()
    card = page.locator(".card", has_text="Voorstellen aan het bestuur")
    assert "wacht op uw stem" in card.inner_text()
    card.get_by_role("link").first.click()
    proposal_url = page.url
    assert "/voorstel/" in proposal_url
    screenshot(page, "voorstel")
    _vote_for(page, "eens met de correctie")
    assert "voor" in page.inner_text("main")

    # The third seated member votes: everyone has voted, so the vote closes by itself.
    login(page, "tom-bestuurslid")
    page.goto(proposal_url)
    _vote_for(page, "akkoord")
    decision = page.get_by_role("heading", name="Besluit 20")
    decision.wait_for()
    number = decision.inner_text().split()[1].rstrip(":")
    assert "aangenomen" in decision.inner_text()
    assert "alle zittende bestuursleden hadden gestemd" in page.inner_text("main")

    login(page, "tom-voorzitter")
    page.goto(proposal_url)
    page.get_by_label("Overwegingen van het bestuur (komen in het besluitenregister; "
                      "eenmalig vast te leggen)").fill("Correctie op de cliëntaantallen aangenomen.")
    page.get_by_role("button", name="Overwegingen vastleggen").click()
    assert "De overwegingen zijn vastgelegd" in page.inner_text("main")

    page.goto("/c/tom/besluiten/")
    register = page.inner_text("main")
    assert number in register and "Correctie op de cliëntaantallen aangenomen." in register
    screenshot(page, "besluitenregister")
    context.close()


def test_drafter_cannot_adopt_alone(page):
    login(page, "malberg-penningmeester")
    page.goto("/c/malberg/verdeling/lumpsum/nieuw/")
    page.get_by_label("Jaar").fill("2026")
    page.get_by_label("Bedrag (euro, bijvoorbeeld 4.200.000,00)").fill("100.000,00")
    page.get_by_label("Financieringsstroom").select_option(index=1)
    page.get_by_label("of de naam van de financier").fill("Fonds Maastricht-West")
    page.get_by_label("Wat de lumpsum dekt").fill("Extra inzet in Malberg")
    page.get_by_role("button", name="Vastleggen").click()
    page.get_by_role("button", name="Verdeling opstellen").click()
    page.get_by_label("Gemeente Maastricht (fictief)").fill("60")
    page.get_by_label("Welzijn Maastricht-West").fill("40")
    page.get_by_label("Reden van de wijziging (voor de historie)").fill("eerste opzet")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    assert "60.000,00" in page.inner_text("main")
    # changed on screen, not saved: proposing saves it first and confirms that split
    page.get_by_label("Gemeente Maastricht (fictief)").fill("70")
    page.get_by_label("Welzijn Maastricht-West").fill("30")
    page.get_by_role("button", name="Opslaan en voorleggen aan het bestuur…").click()
    page.get_by_role("heading", name=re.compile("voorleggen aan het bestuur")).wait_for()
    summary = page.locator("#verdeling-partners").inner_text()
    assert "70.000,00" in summary and "30.000,00" in summary
    assert "liggen de bedragen en voorschotten vast" in page.inner_text("main")
    assert axe_violations(page) == []
    screenshot(page, "voorleggen-samenvatting")
    page.get_by_role("button", name="Ja, voorleggen aan het bestuur").click()
    _vote_for(page, "mijn eigen voorstel")
    proposal_url = page.url
    assert "Stemming nu sluiten" not in page.inner_text("main")  # only the chair closes early
    # the chair closes early: the confirmation shows the tally and the outcome first
    login(page, "malberg-voorzitter")
    page.goto(proposal_url)
    page.get_by_role("link", name="Stemming nu sluiten…").click()
    confirmation = page.inner_text("main")
    assert "Als de stemming nu sluit, is het voorstel verworpen." in confirmation
    assert "alleen de opsteller stemde voor" in confirmation
    page.get_by_role("button", name="Ja, sluit de stemming: verworpen").click()
    outcome = page.get_by_role("heading", name="Besluit 20").inner_text()
    assert "verworpen" in outcome
    assert "alleen de opsteller stemde voor" in page.inner_text("main")
