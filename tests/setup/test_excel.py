"""The structure workbook: written pre-filled, read back through the hardened reader into the
same structure; every bad cell named by sheet, row and column, quoting what was typed."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from cooperatie.setup import excel, selectors, services
from cooperatie.setup import structure as s


def workbook_of(structure) -> bytes:
    output = io.BytesIO()
    excel.write_workbook(output, structure)
    return output.getvalue()


def edited(data: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def read(data):
    return excel.read_workbook(data, filename="structuur.xlsx")


def test_the_workbook_reads_back_as_the_structure_it_shows(heerlen, users):
    current = selectors.current_structure(heerlen)
    structure, errors = read(workbook_of(current))
    assert errors == []
    assert structure.cooperative.code == "heerlen"
    assert len(structure.neighbourhoods) == 18 and len(structure.teams) == 16
    assert len(structure.partners) == 10
    hood = next(h for h in structure.neighbourhoods if h.code == "BU09170101")
    assert hood.inhabitants == {2025: 6150, 2026: 6211} and hood.area == "NOORD"
    team = next(t for t in structure.teams if t.code == "EXP-N")
    assert team.kind == "expertise" and len(team.neighbourhoods) == 9
    result = services.structure_apply(cooperative=heerlen, structure=structure,
                                      actor=users["heerlen-beheerder"], reason="t")
    assert result.changes == []


def test_sheets_show_labels_dates_and_text_codes(tom):
    data = workbook_of(selectors.current_structure(tom))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [s.COOPERATIVE, s.AREAS, s.NEIGHBOURHOODS, s.TEAMS, s.PARTNERS,
                               s.STREAMS, s.EXPERTISES]
    partners = book[s.PARTNERS]
    assert [c.value for c in partners[1]] == excel.COLUMNS[s.PARTNERS]
    row = [c for c in partners[2]]
    assert row[3].value in excel.partner_kinds()  # a label such as "welzijnsorganisatie"
    assert isinstance(row[4].value, datetime) and row[4].number_format == "dd-mm-yyyy"
    assert row[2].data_type == "s" and len(row[2].value) == 8
    assert [c.value for c in book[s.NEIGHBOURHOODS][1]][4:] == ["Inwoners 2025", "Inwoners 2026"]
    teams = book[s.TEAMS]
    assert teams["C2"].value == "ambulant team" and teams["E2"].value.startswith("BU0484")


def test_users_edits_as_spreadsheets_save_them(tom):
    def edit(book):
        hoods = book[s.NEIGHBOURHOODS]
        hoods["G1"] = "inwoners 2027"
        hoods["G2"] = "10.250"          # typed with a thousands dot
        hoods["D3"] = "31-12-2026"      # a date typed as text
        hoods.append(["BU04840104", "  Nieuwe   wijk ", "NOORD", None, 10, 11, 12])
        partners = book[s.PARTNERS]
        partners["C2"] = 1234567          # Excel dropped the leading zero
        partners["D2"] = "Zorgaanbieder"  # a label in another case
        partners["G2"] = "1,5"
    structure, errors = read(edited(workbook_of(selectors.current_structure(tom)), edit))
    assert errors == []
    first, second = structure.neighbourhoods[0], structure.neighbourhoods[1]
    assert first.inhabitants[2027] == 10250
    assert second.ended_on == date(2026, 12, 31)
    new = structure.neighbourhoods[-1]
    assert (new.code, new.name, new.inhabitants) == ("BU04840104", "Nieuwe wijk",
                                                       {2025: 10, 2026: 11, 2027: 12})
    partner = structure.partners[0]
    assert (partner.kvk_number, partner.kind, partner.voting_weight) == (
        "01234567", "care", Decimal("1.50"))


def test_every_bad_cell_is_named_quoting_what_was_typed(tom):
    def edit(book):
        hoods = book[s.NEIGHBOURHOODS]
        hoods["E2"] = "veel"
        hoods["E3"] = -5
        hoods["D4"] = "31-02-2026"
        hoods["C5"] = None
        teams = book[s.TEAMS]
        teams["C3"] = "voetbalteam"
        partners = book[s.PARTNERS]
        partners["C4"] = "1234-567"
        partners["E4"] = "gisteren"
        partners["G5"] = "=1+1"
        book[s.STREAMS]["C2"] = "Belastingwet"
    structure, errors = read(edited(workbook_of(selectors.current_structure(tom)), edit))
    assert errors == [
        "Blad Buurten, rij 2, kolom Inwoners 2025: 'veel' is geen aantal inwoners: vul een heel getal van 0 of meer in.",
        "Blad Buurten, rij 3, kolom Inwoners 2025: '-5' is geen aantal inwoners: vul een heel getal van 0 of meer in.",
        "Blad Buurten, rij 4, kolom Einddatum: '31-02-2026' is geen datum; schrijf bijvoorbeeld 24-11-2026.",
        "Blad Buurten, rij 5, kolom Gebied: vul dit in.",
        "Blad Teams, rij 3, kolom Soort: 'voetbalteam' is geen keuze uit de lijst: buurtteam, expertiseteam, ambulant team.",
        "Blad Partners, rij 4, kolom KvK-nummer: '1234-567' is geen KvK-nummer: dat bestaat uit precies 8 cijfers.",
        "Blad Partners, rij 4, kolom Lid vanaf: 'gisteren' is geen datum; schrijf bijvoorbeeld 24-11-2026.",
        "Blad Partners, rij 5, kolom Stemgewicht: '=1+1' is een formule die zonder uitkomst is opgeslagen (wij rekenen formules niet zelf uit). Open het bestand in Excel of LibreOffice en sla het opnieuw op, of vul de waarde zelf in.",
        "Blad Financieringsstromen, rij 2, kolom Wet: 'Belastingwet' is geen keuze uit de lijst: Wmo 2015, Jeugdwet, Participatiewet, Zorgverzekeringswet (Zvw), Wet langdurige zorg (Wlz), eigen middelen, overig.",
    ]


def test_missing_sheets_and_wrong_headers_are_refused(tom):
    def edit(book):
        del book[s.EXPERTISES]
        book[s.AREAS]["B1"] = "Omschrijving"
        book[s.NEIGHBOURHOODS]["F1"] = "Bewoners"
    structure, errors = read(edited(workbook_of(selectors.current_structure(tom)), edit))
    assert "Het blad 'Expertises' ontbreekt." in errors
    assert "Blad Gebieden, rij 1, kolom B: verwacht 'Naam', gevonden 'Omschrijving'." in errors
    assert any(e.startswith("Blad Buurten, rij 1, kolom F: verwacht 'Inwoners' en een jaartal")
               for e in errors)


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_not_a_workbook(data):
    structure, errors = read(data)
    assert structure is None and errors and all(isinstance(e, str) for e in errors)


def _soffice():
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_saved_again_by_libreoffice_it_reads_the_same(heerlen, tmp_path, target):
    """What an administrator does who works in LibreOffice: open the workbook, save it as .ods
    (or as .xlsx again); dates, numbers, codes with leading zeros and labels survive."""
    import os
    import subprocess

    written = selectors.current_structure(heerlen)
    written.partners[0].kvk_number = "01234567"  # a leading zero, as many real ones have
    source = tmp_path / "structuur.xlsx"
    source.write_bytes(workbook_of(written))
    out = tmp_path / "out"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", target, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    structure, errors = excel.read_workbook((out / f"structuur.{target}").read_bytes(),
                                            filename=f"structuur.{target}")
    assert errors == []
    assert without_rows(structure) == without_rows(written)
    before = selectors.current_structure(heerlen).partners[0].kvk_number
    (change,) = services.structure_apply(
        cooperative=heerlen, structure=structure, reason="t", dry_run=True,
        actor=heerlen.roles.get(role="administrator").user).changes
    assert change.fields == (("KvK-nummer", before, "01234567"),)


def without_rows(structure) -> s.Structure:
    """The structure without the row numbers the reader adds."""
    from dataclasses import fields, replace

    parts = {f.name: getattr(structure, f.name) for f in fields(structure)}
    return s.Structure(**{name: replace(part, row=None) if not isinstance(part, list) else
                          [replace(r, row=None) for r in part] for name, part in parts.items()})


@pytest.mark.parametrize("attack", ["xxe_in_sheet", "xxe_in_strings", "billion_laughs",
                                    "nul_byte", "with_macros"])
def test_hostile_workbooks_are_refused_in_dutch(tom, attack):
    from tests.spreadsheets import files

    template = workbook_of(selectors.current_structure(tom))
    make = getattr(files, attack)
    data = make(template) if attack in ("xxe_in_strings", "with_macros") else make(
        template, s.NEIGHBOURHOODS)
    structure, errors = read(data)
    assert structure is None or errors
    assert errors and not any("Traceback" in e or "xml" in e.lower() for e in errors)
