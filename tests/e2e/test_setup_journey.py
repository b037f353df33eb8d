"""Journey: the application administrator sets up a new cooperative with one workbook (a bad
one first: every error named, nothing made), sets its voting rules, loads inhabitants from a
CBS table, changes the structure by a downloaded and edited workbook, and reads the history;
the cooperative's own administrator finds the set-up page, a director does not. Axe-clean, at
1280 and 390 px."""

import io

import openpyxl

from cooperatie.setup import excel
from cooperatie.setup import structure as s
from tests.e2e.conftest import axe_violations, login, screenshot
from tests.setup.test_services import new_structure

CBS_CSV = (
    "gwb_code_10;regio;gm_naam;recs;gwb_code;ind_wbi;a_inw\r\n"
    "GM0995    ;Lelystad             ;Lelystad;Gemeente;GM0995    ;.;   79000\r\n"
    "BU09950101;Atolwijk             ;Lelystad;Buurt   ;BU09950101;1;    8350\r\n"
    "BU09950102;Boswijk              ;Lelystad;Buurt   ;BU09950102;1;    9020\r\n"
    "BU09950201;Waterwijk            ;Lelystad;Buurt   ;BU09950201;1;    7410\r\n"
    "BU09950999;Bedrijvenpark        ;Lelystad;Buurt   ;BU09950999;1;       .\r\n"
)


def _workbook(path, structure):
    output = io.BytesIO()
    excel.write_workbook(output, structure)
    path.write_bytes(output.getvalue())
    return str(path)


def _section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading))


def test_a_new_cooperative_set_up_in_minutes(page, tmp_path):
    login(page, "beheerder")
    page.goto("/")
    page.get_by_role("link", name="Nieuwe coöperatie").click()
    page.get_by_role("heading", name="Nieuwe coöperatie", exact=True).wait_for()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Leeg structuurwerkboek downloaden").click()
    empty = tmp_path / "leeg.xlsx"
    download.value.save_as(empty)
    assert openpyxl.load_workbook(empty).sheetnames == s.SHEETS

    wrong = new_structure()
    wrong.neighbourhoods[1].area = "NERGENS"
    wrong.teams[1].neighbourhoods = ["BU09950299"]
    page.get_by_label("Structuurwerkboek (.xlsx of .ods)").set_input_files(
        _workbook(tmp_path / "fout.xlsx", wrong))
    page.get_by_role("button", name="Controleren").click()
    alert = page.get_by_role("alert").inner_text()
    assert "er is niets gewijzigd" in alert
    assert "Blad Buurten, rij 3, kolom Gebied: onbekend gebied 'NERGENS'" in alert
    assert "Blad Teams, rij 3, kolom Buurten: onbekende buurtcode(s) BU09950299" in alert
    assert axe_violations(page) == []

    page.get_by_label("Structuurwerkboek (.xlsx of .ods)").set_input_files(
        _workbook(tmp_path / "lelystad.xlsx", new_structure()))
    page.get_by_role("button", name="Controleren").click()
    page.get_by_role("heading", name="Controleer de wijzigingen").wait_for()
    main = page.inner_text("main")
    assert "maakt de nieuwe coöperatie Coöperatie Lelystad Samen (lelystad)" in main
    assert "Atolwijk" in main and "inwoners 2026: – → 8.200" in main
    assert axe_violations(page) == []
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.get_by_text("De coöperatie Coöperatie Lelystad Samen is gemaakt").wait_for()
    page.get_by_role("heading", name="Inrichting van Coöperatie Lelystad Samen").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "inrichting")

    settings = _section(page, "1. Gegevens, stemregels en realisatie")
    settings.get_by_label("Quorum (%)").fill("60")
    settings.get_by_label("Signaleringsdrempel (%)").fill("12,5")
    settings.get_by_label("Reden van de wijziging (voor de historie)").fill("statuten 2026")
    settings.get_by_role("button", name="Opslaan", exact=True).click()
    page.get_by_text("quorum (%): 50 → 60").wait_for()

    csv = tmp_path / "kwb-2025.csv"
    csv.write_bytes(CBS_CSV.encode("cp1252"))
    inhabitants = _section(page, "3. Inwoners uit een CBS-tabel")
    inhabitants.get_by_label("Jaar van de inwonertallen").fill("2027")
    inhabitants.get_by_label("CBS-tabel Kerncijfers wijken en buurten").set_input_files(str(csv))
    inhabitants.get_by_role("button", name="Controleren").click()
    page.get_by_role("heading", name="Controleer de inwonertallen van 2027").wait_for()
    main = page.inner_text("main")
    assert "3 buurten krijgen een nieuw aantal inwoners" in main and "BU09950999" in main
    assert axe_violations(page) == []
    page.get_by_role("button", name="Inwonertallen opslaan").click()
    page.get_by_text("Inwoners 2027 ingelezen: 3 buurt(en) bijgewerkt.").wait_for()

    with page.expect_download() as download:
        page.get_by_role("link", name="Structuurwerkboek downloaden").click()
    current = tmp_path / "huidig.xlsx"
    download.value.save_as(current)
    book = openpyxl.load_workbook(current)
    hoods = book[s.NEIGHBOURHOODS]
    assert [c.value for c in hoods[1]][4:] == ["Inwoners 2026", "Inwoners 2027"]
    atolwijk = next(r for r in hoods.iter_rows(min_row=2) if r[0].value == "BU09950101")
    assert atolwijk[5].value == 8350
    atolwijk[1].value = "Atolwijk-Noord"
    west = next(r for r in book[s.TEAMS].iter_rows(min_row=2) if r[0].value == "LW")
    west[1].value = "Sociaal team West"
    edited = tmp_path / "bewerkt.xlsx"
    book.save(edited)
    structure = _section(page, "2. Structuur")
    structure.get_by_label("Structuurwerkboek (.xlsx of .ods)").set_input_files(str(edited))
    structure.get_by_label("Reden van de wijziging (voor de historie)").fill("nieuwe namen")
    structure.get_by_role("button", name="Controleren").click()
    main = page.inner_text("main")
    assert "naam: Atolwijk → Atolwijk-Noord" in main
    assert "naam: Buurtteam West → Sociaal team West" in main
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.get_by_text("Ingelezen: 2 wijziging(en).").wait_for()

    page.get_by_role("link", name="Naar Mensen").click()  # then the people, with their roles
    page.get_by_role("heading", name="Mensen", exact=True).wait_for()
    page.go_back()
    page.get_by_role("link", name="Geschiedenis van de inrichting").click()
    history = page.inner_text("main")
    assert "nieuwe namen" in history and "Atolwijk → Atolwijk-Noord" in history
    # The settings change names who made it (as the header names the person signed in),
    # what changed and why.
    me = page.locator("header .account span").inner_text()
    cells = (page.get_by_role("row").filter(has_text="statuten 2026")
             .filter(has_text="coöperatie lelystad").get_by_role("cell"))
    assert cells.all_inner_texts()[1:] == [
        me, "coöperatie lelystad Coöperatie Lelystad Samen", "gewijzigd",
        "quorum (%): 50 → 60", "statuten 2026"]
    realisation = page.get_by_role("row").filter(has_text="instellingen realisatie")
    assert realisation.get_by_role("cell").all_inner_texts()[1:] == [
        me, "instellingen realisatie", "aangemaakt", "signaleringsdrempel (%): 10,00 → 12,50",
        "statuten 2026"]
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/c/lelystad/inrichting/", "/c/lelystad/inrichting/geschiedenis/",
                 "/inrichting/nieuw/"):
        page.goto(path)
        assert axe_violations(page) == [], path
        # Nothing wider than the phone but the tables that scroll on their own.
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390, (path, overflow)


def test_the_cooperatives_administrator_finds_the_set_up_page(page, tmp_path):
    login(page, "tom-beheerder")
    page.get_by_role("link", name="Inrichting").click()
    page.get_by_role("heading", name="Inrichting van Tom in de buurt").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Structuurwerkboek downloaden").click()
    path = tmp_path / "tom.xlsx"
    download.value.save_as(path)
    structure = _section(page, "2. Structuur")
    structure.get_by_label("Structuurwerkboek (.xlsx of .ods)").set_input_files(str(path))
    structure.get_by_role("button", name="Controleren").click()
    page.get_by_text("bevat geen wijzigingen ten opzichte van de huidige structuur").wait_for()

    login(page, "tom-directeur")
    assert page.get_by_role("link", name="Inrichting").count() == 0
    assert page.goto("/c/tom/inrichting/").status == 403
