"""The `Inzet` sheet: written pleasant, read strictly (sheet, row and column in Dutch), applied
all or nothing; and the whole template round trip a director makes."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.exceptions import ValidationError

from budgets import excel as budget_excel
from budgets import services as budget_services
from cooperatie import spreadsheets as ss
from partners import excel
from partners.models import StaffCommitment
from partners.services import staff_upload_apply

HEADER = ("Teamcode", "Team", "Expertise", "FTE", "Kosten per FTE", "Toelichting", "Vanaf",
          "Tot en met")


def sheet_bytes(budget_round, organisation) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    excel.write_inzet_sheet(workbook, budget_round=budget_round, organisation=organisation,
                            formats={})
    workbook.close()
    return out.getvalue()


def values(data: bytes) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return list(wb[excel.INZET_SHEET].iter_rows(values_only=True))


def read(rows, budget_round, organisation):
    """Write the rows into a real workbook (as Excel would save them) and read the sheet back
    through the one reader."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = excel.INZET_SHEET
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    sheet = ss.open_workbook(out.getvalue()).sheet(excel.INZET_SHEET, columns=len(excel.COLUMNS))
    return excel.read_inzet_sheet(sheet, budget_round=budget_round, organisation=organisation)


def test_sheet_is_pleasant_and_carries_the_current_commitments(commit, round_tom, welzijn, tom):
    commit(fte=Decimal("0.80"), note="vaste collega")
    commit(fte=Decimal("0.40"), team=tom.teams.get(code="TOM-Z"),
           period_start=date(2026, 9, 1))
    wb = openpyxl.load_workbook(io.BytesIO(sheet_bytes(round_tom, welzijn)))
    ws = wb[excel.INZET_SHEET]
    assert tuple(c.value for c in ws[1]) == HEADER
    assert ws.freeze_panes == "A2"
    assert ws.protection.sheet and ws["A1"].protection.locked and not ws["D2"].protection.locked
    assert ws.column_dimensions["B"].width >= 30 and ws.column_dimensions["F"].width >= 40
    assert "€" in ws["E2"].number_format and ws["G3"].number_format == "dd-mm-yyyy"
    rows = [tuple(c.value for c in r[:8]) for r in ws.iter_rows(min_row=2, max_row=3)]
    assert rows == [
        ("TOM-N", "Tom Noord", "MW", 0.8, 68750, "vaste collega", None, None),
        ("TOM-Z", "Tom Zuid", "MW", 0.4, 68750, None, datetime(2026, 9, 1),
         datetime(2026, 12, 31)),
    ]
    validations = {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}
    assert excel.LISTS_SHEET in validations["A2"].formula1
    assert excel.LISTS_SHEET in validations["C2"].formula1
    assert validations["D2"].type == "decimal" and validations["G2"].type == "date"
    lists = wb[excel.LISTS_SHEET]
    codes = [r[0].value for r in lists.iter_rows(min_row=2, max_row=4)]
    assert codes == ["TOM-N", "TOM-B", "TOM-Z"]
    assert "JEUGD" in [r[4].value for r in lists.iter_rows(min_row=2, max_row=9)]
    assert lists["H1"].value == "Teamcode" and lists["L1"].value == "Tekort (fte)"


def test_written_sheet_reads_back_unchanged(commit, round_tom, welzijn, tom):
    commit(fte=Decimal("0.80"))
    commit(fte=Decimal("0.40"), period_start=date(2026, 9, 1), note="extra")
    changes, errors = read(values(sheet_bytes(round_tom, welzijn)), round_tom, welzijn)
    assert errors == []
    assert len(changes) == 2
    assert changes.plan().counts == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 2}
    assert excel.describe_inzet_changes(changes) == ["De inzet blijft ongewijzigd."]


def rows_with(*lines, header=HEADER):
    return [header, *lines]


def test_dutch_and_plain_notations_are_read(round_tom, welzijn):
    changes, errors = read(rows_with(
        ("TOM-N", None, "mw", "0,8", "€ 68.750,00", " een toelichting ", None, None),
        ("tom-z", None, "Geestelijke gezondheidszorg (GGZ)", 1, 89250, None, "01-03-2026",
         datetime(2026, 6, 30)),
        (None, "Tom Boskoop en Hazerswoude", "JEUGD", 0.5, "78500.5", None, "2026-02-01",
         None),
        (None, '=IF(A5="","",VLOOKUP(A5,X,2,FALSE))', None, None, None, None, None, None),
        ("TOM-B", None, "VG", None, None, None, None, None),  # chosen, not filled: no line
        (None,) * 8,
    ), round_tom, welzijn)
    assert errors == []
    got = [(c.team.code, c.expertise.code, c.fte, c.annual_cost, c.period_start, c.period_end,
            c.note, c.row) for c in changes]
    assert got == [
        ("TOM-N", "MW", Decimal("0.80"), Decimal("68750.00"), date(2026, 1, 1),
         date(2026, 12, 31), "een toelichting", 2),
        ("TOM-Z", "GGZ", Decimal("1.00"), Decimal("89250.00"), date(2026, 3, 1),
         date(2026, 6, 30), "", 3),
        ("TOM-B", "JEUGD", Decimal("0.50"), Decimal("78500.50"), date(2026, 2, 1),
         date(2026, 12, 31), "", 4),
    ]


def test_a_sheet_with_only_the_six_contract_columns_is_a_whole_year(round_tom, welzijn):
    changes, errors = read([HEADER[:6], ("TOM-N", "", "MW", 1, 1000, "x")], round_tom, welzijn)
    assert errors == []
    assert (changes[0].period_start, changes[0].period_end) == (date(2026, 1, 1),
                                                                 date(2026, 12, 31))


@pytest.mark.parametrize("line,expected", [
    (("TOM-X", None, "MW", 1, 1000, None, None, None),
     "Blad Inzet, rij 2, kolom Teamcode: onbekende teamcode 'TOM-X' in deze coöperatie"),
    (("SBT01", None, "MW", 1, 1000, None, None, None),  # Heerlen's team
     "Blad Inzet, rij 2, kolom Teamcode: onbekende teamcode 'SBT01'"),
    ((None, None, "MW", 1, 1000, None, None, None), "Blad Inzet, rij 2, kolom Teamcode: vul"),
    (("TOM-N", None, "KOKEN", 1, 1000, None, None, None),
     "Blad Inzet, rij 2, kolom Expertise: onbekende expertise 'KOKEN'"),
    (("TOM-N", None, "MW", 0, 1000, None, None, None),
     "Blad Inzet, rij 2, kolom FTE: het aantal fte moet groter zijn dan 0"),
    (("TOM-N", None, "MW", -0.5, 1000, None, None, None), "kolom FTE: het aantal fte moet"),
    (("TOM-N", None, "MW", 100.01, 1000, None, None, None),
     "kolom FTE: hoogstens 100 fte op één regel"),
    (("TOM-N", None, "MW", "0,125", 1000, None, None, None),
     "kolom FTE: een aantal fte heeft hoogstens 2 decimalen"),
    (("TOM-N", None, "MW", "veel", 1000, None, None, None), "kolom FTE: 'veel' is geen"),
    (("TOM-N", None, "MW", None, 1000, None, None, None), "kolom FTE: vul het aantal fte in."),
    (("TOM-N", None, "MW", 1, None, None, None, None), "kolom Kosten per FTE: vul de kosten"),
    (("TOM-N", None, "MW", 1, -1, None, None, None), "kolom Kosten per FTE: Een bedrag kan"),
    (("TOM-N", None, "MW", 1, "12,345", None, None, None),
     "kolom Kosten per FTE: Een bedrag heeft hoogstens 2 decimalen"),
    (("TOM-N", None, "MW", 1, 1000, None, datetime(2025, 12, 1), None),
     "kolom Vanaf: 01-12-2025 ligt buiten het jaar 2026 van de begrotingsronde."),
    (("TOM-N", None, "MW", 1, 1000, None, None, "31-01-2027"),
     "kolom Tot en met: 31-01-2027 ligt buiten het jaar 2026"),
    (("TOM-N", None, "MW", 1, 1000, None, "01-06-2026", "31-05-2026"),
     "kolom Tot en met: de einddatum 31-05-2026 ligt vóór de begindatum 01-06-2026."),
    (("TOM-N", None, "MW", 1, 1000, None, "morgen", None), "kolom Vanaf: 'morgen' is geen datum"),
    (("TOM-N", None, "MW", "=B2*2", 1000, None, None, None),
     "kolom FTE: '=B2*2' is een formule die zonder uitkomst is opgeslagen"),
    (("=A1", None, "MW", 1, 1000, None, None, None),
     "kolom Teamcode: bevat een formule (=A1); typ de tekst zelf in."),
    (("TOM-N", None, "MW", "80%", 1000, None, None, None),
     "kolom FTE: '80%' is een percentage, geen aantal fte."),
    (("TOM-N", None, "MW", 1, 1000, "let op \u202eop", None, None),
     "kolom Toelichting: bevat een onzichtbaar teken dat de leesrichting"),
    (("TOM-N", None, "MW", 1, 1000, "x" * 2001, None, None),
     "kolom Toelichting: de toelichting is langer dan 2000 tekens."),
])
def test_every_bad_cell_names_sheet_row_and_column(round_tom, welzijn, line, expected):
    changes, errors = read(rows_with(line), round_tom, welzijn)
    assert any(e.startswith("Blad Inzet, rij 2, kolom ") and expected in e for e in errors), \
        errors
    assert len(changes) == 0


def test_all_errors_of_a_sheet_are_listed_at_once(round_tom, welzijn):
    changes, errors = read(rows_with(
        ("TOM-N", None, "MW", 1, 1000, None, None, None),
        ("TOM-X", None, "MW", 0, -1, None, None, None),
        ("TOM-N", None, "MW", 2, 1000, None, "01-01-2026", None),
    ), round_tom, welzijn)
    assert [e.split(":")[0] for e in errors] == [
        "Blad Inzet, rij 3, kolom Teamcode", "Blad Inzet, rij 3, kolom FTE",
        "Blad Inzet, rij 3, kolom Kosten per FTE", "Blad Inzet, rij 4, kolom Teamcode"]
    assert "staat al op rij 2" in errors[-1]


@pytest.mark.parametrize("header,expected", [
    (("Team", "Team", "Expertise", "FTE", "Kosten per FTE", "Toelichting"),
     "Blad Inzet, rij 1, kolom A: verwacht 'Teamcode', gevonden 'Team'."),
    (("Teamcode", "Team", "Expertise", "FTE"),
     "Blad Inzet, rij 1, kolom E: verwacht 'Kosten per FTE', gevonden ''."),
])
def test_a_renamed_or_missing_column_is_refused(round_tom, welzijn, header, expected):
    changes, errors = read([header, ("TOM-N", None, "MW", 1, 1000, None)], round_tom, welzijn)
    assert expected in errors
    assert len(changes) == 0


def test_an_empty_sheet_has_no_header(round_tom, welzijn):
    assert read([], round_tom, welzijn)[1] == ["Blad Inzet: de kopregel ontbreekt."]


def test_too_many_rows(round_tom, welzijn, settings):
    settings.UPLOAD_MAX_ROWS = 3
    with pytest.raises(ss.Refused, match="Het blad Inzet heeft meer dan 3 rijen"):
        read(rows_with(*[("TOM-N", None, "MW", 1, 1000)] * 4), round_tom, welzijn)


def test_describe_and_apply(commit, round_tom, welzijn, draft, users):
    kept = commit(fte=Decimal("1.00"))
    rows = values(sheet_bytes(round_tom, welzijn))
    rows = [rows[0], ("TOM-N", None, "MW", 1.25, 68750, None, None, None),
            ("TOM-Z", None, "GGZ", 0.5, 89250, None, "01-07-2026", None)]
    changes, errors = read(rows, round_tom, welzijn)
    assert errors == []
    assert excel.describe_inzet_changes(changes) == [
        "Inzet nieuw: 0,50 fte Geestelijke gezondheidszorg (GGZ) voor Tom Zuid (TOM-Z), "
        "01-07-2026 t/m 31-12-2026, à € 89.250,00 per fte",
        "Inzet gewijzigd: 1,00 fte Maatschappelijk werk voor Tom Noord (TOM-N), het hele jaar, "
        "à € 68.750,00 per fte → 1,25 fte Maatschappelijk werk voor Tom Noord (TOM-N), het "
        "hele jaar, à € 68.750,00 per fte",
    ]
    staff_upload_apply(changes, budget=draft, actor=users["tom-directeur"], reason="Excel")
    kept.refresh_from_db()
    assert kept.fte == Decimal("1.25")
    assert kept.history.first().history_change_reason == "Excel"
    assert StaffCommitment.objects.filter(organisation=welzijn).count() == 2


def test_director_round_trip_through_the_whole_template(commit, draft, users, tom):
    """Download the template, change the Inzet sheet in Excel, upload: budget lines and
    commitments change together (budgets.services.budget_import)."""
    commit(fte=Decimal("1.00"))
    draft.refresh_from_db()  # a commitment moves the budget's version on
    out = io.BytesIO()
    budget_excel.write_template(out, budget_round=draft.budget_round,
                                organisation=draft.organisation, budget=draft)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    ws = wb[excel.INZET_SHEET]
    ws["D2"].value = 0.9
    ws.append(["TOM-B", None, "SCHULD", 0.6, 65600, "nieuw", None, None])
    data = io.BytesIO()
    wb.save(data)
    upload = budget_excel.read_upload(data.getvalue(), budget=draft)
    assert upload.errors == []
    assert len(budget_services.staff_upload_preview(upload)) == 2
    budget_services.budget_import(budget=draft, upload=upload, expected_version=draft.version,
                                  actor=users["tom-directeur"], reason="sjabloon")
    got = {(c.team.code, c.expertise.code): c.fte
           for c in StaffCommitment.objects.filter(organisation=draft.organisation)}
    assert got == {("TOM-N", "MW"): Decimal("0.90"), ("TOM-B", "SCHULD"): Decimal("0.60")}


def test_upload_with_an_inzet_error_changes_nothing(commit, draft, users):
    commit(fte=Decimal("1.00"))
    draft.refresh_from_db()  # a commitment moves the budget's version on
    out = io.BytesIO()
    budget_excel.write_template(out, budget_round=draft.budget_round,
                                organisation=draft.organisation, budget=draft)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    wb[excel.INZET_SHEET]["D2"].value = 250
    data = io.BytesIO()
    wb.save(data)
    upload = budget_excel.read_upload(data.getvalue(), budget=draft)
    assert upload.errors == [
        "Blad Inzet, rij 2, kolom FTE: hoogstens 100 fte op één regel (250)."]
    with pytest.raises(ValidationError):
        budget_services.budget_import(budget=draft, upload=upload,
                                      expected_version=draft.version,
                                      actor=users["tom-directeur"], reason="x")
    assert StaffCommitment.objects.get(organisation=draft.organisation).fte == Decimal("1.00")
