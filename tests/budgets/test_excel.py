import io
from decimal import Decimal

import openpyxl
import pytest

from budgets import excel, services
from budgets.models import BudgetLine
from tests.budgets.xlsx import fill, saved_results, template_bytes


def test_template_is_pleasant_in_excel(draft, hoods, streams):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(draft)))
    ws = wb[excel.SHEET]
    assert [c.value for c in ws[1]] == excel.HEADER
    assert ws.max_row == 1 + len(hoods) * len(streams)
    assert ws.freeze_panes == "A2"
    assert ws.protection.sheet
    assert ws["A2"].protection.locked and not ws["D2"].protection.locked
    assert "€" in ws["D2"].number_format
    assert ws.column_dimensions["E"].width >= 40
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    stream_list = next(v for ref, v in validations.items() if ref.startswith("C"))
    assert all(s.code in stream_list.formula1 for s in streams)
    assert {r[0].value for r in ws.iter_rows(min_row=2)} == {h.code for h in hoods}
    assert "Over dit sjabloon" in wb.sheetnames
    # streams by name: the input message of the code cells, and the info sheet
    assert all(f"{s.code} = {s.name}" in stream_list.prompt for s in streams)
    info = wb["Over dit sjabloon"]
    assert info["B10"].value == streams[0].code and info["C10"].value == streams[0].name


def test_round_trip_template_fill_import(draft, hoods, streams, users):
    director = users["tom-directeur"]
    services.budget_line_set(budget=draft, neighbourhood=hoods[0], funding_stream=streams[0],
                             amount=Decimal("5.00"), actor=director, reason="web")
    draft.refresh_from_db()
    data = fill(template_bytes(draft), {
        (hoods[0].code, streams[0].code): 12500.5,
        (hoods[1].code, streams[1].code): "1.234,56",
        (hoods[2].code, streams[2].code): 0,
    }, notes={(hoods[1].code, streams[1].code): "=geen formule, wel tekst"})
    upload = excel.read_upload(data, budget=draft)
    assert upload.errors == []
    changes = services.budget_changes(draft, upload.rows)
    assert [(c.old_amount, c.new_amount) for c in changes] == [
        (Decimal("5.00"), Decimal("12500.50")), (None, Decimal("1234.56")), (None, Decimal("0.00"))]
    services.budget_import(budget=draft, upload=upload, expected_version=draft.version,
                           actor=director, reason="Excel")
    lines = {(ln.neighbourhood.code, ln.funding_stream.code): ln for ln in draft.lines.all()}
    assert lines[(hoods[1].code, streams[1].code)].note == "=geen formule, wel tekst"
    assert sum(ln.amount for ln in lines.values()) == Decimal("13735.06")
    # and the template written now carries the amounts back
    again = openpyxl.load_workbook(io.BytesIO(template_bytes(draft)))[excel.SHEET]
    amounts = {(r[0].value, r[2].value): r[3].value for r in again.iter_rows(min_row=2)}
    assert amounts[(hoods[1].code, streams[1].code)] == 1234.56


def errors_for(draft, data) -> list[str]:
    before = BudgetLine.objects.count()
    upload = excel.read_upload(data, budget=draft)
    assert BudgetLine.objects.count() == before
    return upload.errors


def test_every_bad_cell_is_listed_with_row_and_column(draft, hoods, streams):
    h, s = hoods[0].code, streams[0].code
    data = fill(template_bytes(draft), {
        (h, s): "veel", (hoods[1].code, s): -5, (hoods[2].code, s): 10.123,
    }, extra_rows=[("BU9999", "?", s, 1), (h, "?", "ONBEKEND", 1), (h, "x", s, 7)])
    errors = errors_for(draft, data)
    text = "\n".join(errors)
    assert "Blad Begroting, rij 2, kolom Bedrag: 'veel' is geen bedrag." in text
    assert "kolom Bedrag: Een bedrag kan niet negatief zijn" in text
    assert "hoogstens 2 decimalen" in text
    assert "kolom Buurtcode: onbekende buurtcode 'BU9999'" in text
    assert "kolom Financieringsstroom: onbekende financieringsstroom 'ONBEKEND'" in text
    assert f"buurt {h} met stroom {s} staat ook al op rij 2" in text
    assert len(errors) == 6


def test_a_formula_counts_with_the_result_its_spreadsheet_saved(draft, hoods, streams):
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "=12*4500"})
    data = saved_results(data, "xl/worksheets/sheet1.xml", {"D2": 54000})
    upload = excel.read_upload(data, budget=draft)
    assert upload.errors == []
    (change,) = services.budget_changes(draft, upload.rows)
    assert (change.new_amount, change.formula) == (Decimal("54000.00"), "=12*4500")


def test_a_formula_without_a_saved_result_is_refused_saying_so(draft, hoods, streams):
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "=1000*2"})
    assert errors_for(draft, data) == [
        "Blad Begroting, rij 2, kolom Bedrag: '=1000*2' is een formule die zonder uitkomst is "
        "opgeslagen (wij rekenen formules niet zelf uit). Open het bestand in Excel of "
        "LibreOffice en sla het opnieuw op, of vul de waarde zelf in."]


def test_formulas_in_code_and_note_columns_are_refused_never_calculated(draft, hoods, streams):
    def edit(wb):
        wb[excel.SHEET]["C2"] = '="WMO"'
        wb[excel.SHEET]["E3"] = '=A3&" extra"'

    data = saved_results(fill(template_bytes(draft), {}, edit=edit), "xl/worksheets/sheet1.xml",
                         {"C2": "WMO", "E3": "x"})
    assert errors_for(draft, data) == [
        "Blad Begroting, rij 2, kolom Financieringsstroom: bevat een formule (=\"WMO\"); typ de "
        "tekst zelf in.",
        "Blad Begroting, rij 3, kolom Toelichting: bevat een formule (=A3&\" extra\"); typ de "
        "tekst zelf in."]


@pytest.mark.parametrize(("typed", "amount"), [
    ("€ 1.250,-", Decimal("1250.00")), ("1.250,--", Decimal("1250.00")),
    ("€1.250,50", Decimal("1250.50")), ("EUR 99", Decimal("99.00")),
])
def test_dutch_ways_of_writing_amounts(draft, hoods, streams, typed, amount):
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): typed})
    upload = excel.read_upload(data, budget=draft)
    assert upload.errors == []
    assert upload.rows[0].amount == amount


def test_values_are_quoted_as_the_user_typed_them(draft, hoods, streams):
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): 12.345,
                                        (hoods[0].code, streams[1].code): 0.045},
                edit=lambda wb: setattr(wb[excel.SHEET]["D3"], "number_format", "0.0%"))
    assert errors_for(draft, data) == [
        "Blad Begroting, rij 2, kolom Bedrag: Een bedrag heeft hoogstens 2 decimalen (12,345).",
        "Blad Begroting, rij 3, kolom Bedrag: '4,5%' is een percentage, geen bedrag."]


def test_invisible_characters_in_codes_and_notes(draft, hoods, streams):
    h, s = hoods[0].code, streams[0].code
    data = fill(template_bytes(draft), {(h, s): 10}, notes={(h, s): "zero\u200bwidth"},
                edit=lambda wb: setattr(wb[excel.SHEET]["A2"], "value", f"\u200b{h}\u202c"))
    upload = excel.read_upload(data, budget=draft)
    assert upload.errors == []
    assert (upload.rows[0].neighbourhood.code, upload.rows[0].note) == (h, "zerowidth")
    data = fill(template_bytes(draft), {(h, s): 10}, notes={(h, s): "prijs \u202e01,5"})
    assert errors_for(draft, data) == [
        "Blad Begroting, rij 2, kolom Toelichting: bevat een onzichtbaar teken dat de "
        "leesrichting van de tekst omdraait (U+202E); haal het weg."]


@pytest.mark.parametrize("column,new", [(3, "Budget"), (4, None)])
def test_renamed_or_missing_column_is_refused(draft, column, new):
    def edit(wb):
        wb[excel.SHEET].cell(row=1, column=column + 1).value = new

    errors = errors_for(draft, fill(template_bytes(draft), {}, edit=edit))
    assert errors == [f"Blad Begroting, rij 1, kolom {'ABCDE'[column]}: verwacht "
                      f"'{excel.HEADER[column]}', gevonden '{new or ''}'."]


def test_missing_sheet_empty_and_corrupt_files(draft):
    def rename(wb):
        wb[excel.SHEET].title = "Blad1"

    assert errors_for(draft, fill(template_bytes(draft), {}, edit=rename)) == [
        "Het blad 'Begroting' ontbreekt."]
    assert errors_for(draft, b"") == ["Het bestand is leeg."]
    not_valid = ("Dit is geen geldig bestand: alleen een Excel-werkmap (.xlsx) of een "
                 "LibreOffice-rekenblad (.ods), zoals het sjabloon, kan worden ingelezen. Dit "
                 "bestand is dat niet, of het is beschadigd.")
    assert errors_for(draft, b"PK\x03\x04 dit is geen xlsx") == [not_valid]
    assert errors_for(draft, template_bytes(draft)[:500]) == [not_valid]


def test_too_big_and_too_many_rows(draft, hoods, streams, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert errors_for(draft, template_bytes(draft)) == ["Het bestand is groter dan 0 kB."]
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    settings.UPLOAD_MAX_ROWS = 10
    errors = errors_for(draft, template_bytes(draft))
    assert errors == ["Het blad Begroting heeft meer dan 10 rijen; splits het bestand."]


def test_template_of_another_partner_is_refused(draft, round_2026, users):
    from partners.models import Organisation

    other = services.budget_get_or_create(
        budget_round=round_2026, organisation=Organisation.objects.get(code="tom-jeugd"),
        actor=users["tom-directeur2"])
    errors = errors_for(draft, template_bytes(other))
    assert errors == ["Dit sjabloon is gemaakt voor partner 'tom-jeugd', niet voor 'tom-welzijn'."]
