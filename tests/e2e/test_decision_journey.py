"""Journey: the chair puts a general decision with a PDF to the board; a member authorises
the treasurer for it (signed PDF); the chair votes in person and the treasurer by proxy; the
member sees the live tally on a phone; the deadline passes, the demo's worker closes the vote
and the decision is in the register (found by its filters), printable on one A4."""

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import axe_violations, login, screenshot, served_db
from tests.governance import files

TITLE = "Toelating van Buurtzorg Zuid als lid"
PDF = {"name": "Statuten.pdf", "mimeType": "application/pdf", "buffer": files.PDF}
PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _names(app_server) -> dict[str, str]:
    with sqlite3.connect(served_db(app_server)) as db:
        rows = db.execute("SELECT username, first_name || ' ' || last_name FROM auth_user "
                          "WHERE username LIKE 'tom-%'").fetchall()
    return dict(rows)


def _pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


def test_the_board_decides_a_general_decision_with_a_pdf(page, browser, app_server):
    names = _names(app_server)
    login(page, "tom-voorzitter")
    page.goto("/c/tom/besluiten/voorstellen/")
    page.get_by_role("link", name="Nieuw voorstel").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Tekst van het voorstel: wat het bestuur besluit").fill(
        "Het bestuur laat Buurtzorg Zuid toe als lid van de coöperatie per 1 januari.")
    page.get_by_role("button", name="Opslaan als concept").click()
    page.get_by_label(re.compile("^Bijlage toevoegen")).set_input_files(PDF)
    page.get_by_role("button", name="Toevoegen", exact=True).click()
    assert "Statuten.pdf" in page.locator("#bijlagen").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Voorleggen aan het bestuur").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, voorleggen").click()  # it asks
    page.get_by_text("open voor stemming").first.wait_for()
    assert "open voor stemming" in page.inner_text("main")
    proposal_url = page.url
    pk = int(re.search(r"/voorstel/(\d+)/", proposal_url).group(1))

    # The member authorises the treasurer for this proposal, with the signed PDF.
    login(page, "tom-bestuurslid")
    page.goto("/c/tom/besluiten/machtigingen/")
    page.get_by_label("Gemachtigde (wie stemt namens de volmachtgever)").select_option(
        label=names["tom-penningmeester"])
    choice = page.get_by_label("Voorstel", exact=True)
    choice.select_option(str(pk))
    page.get_by_label(re.compile("^Getekende machtiging")).set_input_files(
        {**PDF, "name": "machtiging.pdf"})
    page.get_by_role("button", name="Machtiging vastleggen").click()
    assert names["tom-penningmeester"] in page.locator("#machtigingen").inner_text()

    login(page, "tom-voorzitter")  # votes in person
    page.goto(proposal_url)
    page.get_by_label("voor", exact=True).check()
    page.get_by_role("button", name="Stem uitbrengen").click()
    login(page, "tom-penningmeester")  # votes for the member, not (yet) for themself
    page.goto(proposal_url)
    ballot = page.get_by_role("group", name=f"Stem van {names['tom-bestuurslid']}")
    ballot.get_by_label("voor", exact=True).check()
    page.get_by_role("button", name="Stem uitbrengen namens hem of haar").click()
    assert "bij volmacht" in page.locator("#stemmen").inner_text()

    # The member sees the live tally on a phone.
    phone = browser.new_context(base_url=app_server["url"], locale="nl-NL", viewport=PHONE,
                                is_mobile=True, has_touch=True)
    member = phone.new_page()
    login(member, "tom-bestuurslid")
    member.goto(proposal_url)
    tally = member.locator("#stand").inner_text()
    assert re.search(r"Voor\s+2", tally) and re.search(r"Waarvan bij volmacht\s+1", tally)
    assert f"Nog niet gestemd: {names['tom-penningmeester']}." in tally
    assert "Als de stemming nu sluit, is het voorstel aangenomen." in tally
    assert "stemde namens u: voor" in member.inner_text("main")
    assert member.evaluate(PAGE_WIDTH) <= 390
    assert axe_violations(member) == []
    screenshot(member, "telefoon-stand")

    # The deadline passes (set-up); the demo's worker checks every 2 seconds and closes it.
    past = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(served_db(app_server)) as db:
        db.execute("UPDATE cooperatie_proposal SET deadline = ? WHERE id = ?", (past, pk))
    until = time.monotonic() + 60
    while time.monotonic() < until:
        member.goto(proposal_url)
        if member.get_by_role("heading", name=re.compile("^Besluit ")).count():
            break
        time.sleep(1)
    decision = member.get_by_role("heading", name=re.compile("^Besluit ")).inner_text()
    assert "aangenomen" in decision
    number = re.search(r"\d{4}-\d{3}", decision).group(0)
    assert "gesloten bij het verstrijken van de termijn" in member.inner_text("main")

    # In the register, found by its kind and its number; on a phone as well.
    for reader in (page, member):
        reader.goto("/c/tom/besluiten/")
        reader.get_by_label("Soort").select_option(label="algemeen besluit")
        reader.get_by_label("Zoeken in nummer, titel, tekst en overwegingen").fill(number)
        reader.get_by_role("button", name="Tonen").click()
        assert "1 besluit gevonden." in reader.inner_text("main")
        row = reader.locator("#besluiten tbody tr").first.inner_text()
        assert number in row and TITLE in row and "aangenomen" in row
        assert "2 voor" in row and "1 bij volmacht" in row
        assert axe_violations(reader) == []
    assert member.evaluate(PAGE_WIDTH) <= 390
    screenshot(page, "besluitenregister-gefilterd")

    # The printable decision: one A4 with number, date, text, tally and reasons.
    page.get_by_role("link", name=f"afdrukken {number}").click()
    sheet = page.inner_text("main")
    assert f"Besluit {number}: aangenomen" in sheet and "Buurtzorg Zuid toe als lid" in sheet
    assert "Statuten.pdf" in sheet and axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert _pages_in(page.pdf(format="A4", prefer_css_page_size=True)) == 1
    phone.close()
