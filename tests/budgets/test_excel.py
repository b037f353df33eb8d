import io
from decimal import Decimal

import openpyxl
import pytest

from budgets import excel, services
from budgets.models import BudgetLine
from tests.budgets.xlsx import fill, template_bytes


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


def test_formulas_are_refused(draft, hoods, streams):
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "=1000*2"})
    assert any("rij 2, kolom Bedrag: bevat een formule" in e for e in errors_for(draft, data))


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
    assert errors_for(draft, b"PK\x03\x04 dit is geen xlsx") == [
        "Dit is geen geldig Excel-bestand (.xlsx)."]
    assert errors_for(draft, template_bytes(draft)[:500]) == [
        "Dit is geen geldig Excel-bestand (.xlsx)."]


def test_too_big_and_too_many_rows(draft, hoods, streams, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert errors_for(draft, template_bytes(draft)) == ["Het bestand is groter dan 0 MB."]
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    settings.UPLOAD_MAX_ROWS = 10
    errors = errors_for(draft, template_bytes(draft))
    assert "Het blad Begroting heeft meer dan 10 rijen." in errors


def test_template_of_another_partner_is_refused(draft, round_2026, users):
    from partners.models import Organisation

    other = services.budget_get_or_create(
        budget_round=round_2026, organisation=Organisation.objects.get(code="tom-jeugd"),
        actor=users["tom-directeur2"])
    errors = errors_for(draft, template_bytes(other))
    assert errors == ["Dit sjabloon is gemaakt voor partner 'tom-jeugd', niet voor 'tom-welzijn'."]
