"""The hardened reader on its own: what it reads from a cell, and what it refuses."""

import io
import time
import tracemalloc
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter

from cooperatie import spreadsheets as ss
from cooperatie.numbers import parse_decimal
from cooperatie.spreadsheets.xlsx import format_kind
from tests.spreadsheets import files

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def openpyxl_book(rows, formats=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad"
    for row in rows:
        ws.append(row)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def cells(data, sheet="Blad", columns=5):
    return [[c for c in row.cells(columns)] for row in ss.open_workbook(data).sheet(
        sheet, columns=columns).rows]


def test_values_percent_dates_and_formulas_without_a_saved_result():
    data = openpyxl_book([["code", 12500.5, 0.045, date(2026, 3, 1), "=12*4500"]],
                         {"C1": "0.0%", "D1": "dd-mm-yyyy"})
    (row,) = cells(data)
    assert [c.kind for c in row] == ["text", "number", "number", "date", "number"]
    assert row[1].value == Decimal("12500.5") and str(row[1]) == "12500,5"
    assert row[2].percent and row[2].value == Decimal("0.045") and str(row[2]) == "4,5%"
    assert parse_decimal(row[2]) == Decimal("4.5")
    assert row[3].value == date(2026, 3, 1) and str(row[3]) == "01-03-2026"
    assert row[4].formula == "=12*4500" and row[4].missing_result  # openpyxl saves no result
    with pytest.raises(ValueError, match="zonder uitkomst"):
        parse_decimal(row[4])


def test_saved_formula_results_and_shared_formulas_are_read_not_calculated():
    sheet = files.sheet_xml(
        '<row r="1"><c r="A1"><f>12*4500</f><v>54000</v></c>'
        '<c r="B1"><f t="shared" ref="B1:B2" si="0">A1*2</f><v>108000</v></c></row>'
        '<row r="2"><c r="A2"><v>0.30000000000000004</v></c>'
        '<c r="B2"><f t="shared" si="0"/><v>0.6</v></c>'
        '<c r="C2" t="str"><f>"tekst"</f><v>tekst</v></c>'
        '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')
    rows = cells(files.build({"Blad": sheet}))
    assert str(rows[0][0]) == "=12*4500 → 54000" and rows[0][0].value == Decimal("54000")
    assert rows[1][1].formula == "=A2*2"  # the shared formula as it reads in B2
    assert rows[1][0].value == Decimal("0.3")  # the 15 digits a spreadsheet shows
    assert rows[1][2].value == "tekst" and rows[1][2].formula == '="tekst"'
    assert rows[1][3].kind == "error"
    with pytest.raises(ValueError, match="geen getal"):
        parse_decimal(rows[1][3])


def test_every_row_is_read_whatever_the_dimension_says_and_only_the_columns_asked():
    sheet = files.sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>kop</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c></row>'
        '<row r="3"><c r="A3"><v>2</v></c><c r="XFD3"><v>9</v></c></row>'
        '<row r="7"><c r="XFD7"><v>9</v></c></row>', dimension="A1:E2")
    sheet = ss.open_workbook(files.build({"Blad": sheet})).sheet("Blad", columns=5)
    assert [r.number for r in sheet.rows] == [1, 2, 3]
    assert sheet.rows[2].width == 1


def test_rows_without_numbers_and_cells_without_references():
    sheet = files.sheet_xml('<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>')
    rows = ss.open_workbook(files.build({"Blad": sheet})).sheet("Blad").rows
    assert [(r.number, [c.value for c in r.cells(2)]) for r in rows] == [
        (1, [1, 2]), (2, [3, None])]


@pytest.mark.parametrize(("code", "kind"), [
    ("0%", "percent"), ("0,0%", "percent"), ('0.0"%"', ""), ("dd-mm-yyyy", "date"),
    ("[h]:mm", "date"), ('"€" #,##0.00', ""), ("[Red]0.00", ""), ("@", "text"),
    ("General", ""), ('#,##0.00\\ "d"', ""),
])
def test_number_format_kinds(code, kind):
    assert format_kind(code) == kind


def test_codes_and_notes_lose_invisible_characters_and_refuse_reversed_text():
    assert ss.clean_code("\u200bBU\u200d01\u202e ") == "BU01"
    assert ss.clean_note("goed\u200b plan\x07") == "goed plan"
    with pytest.raises(ValueError, match="leesrichting"):
        ss.clean_note("prijs \u202e05,1 €")


def test_a_csv_table_when_asked():
    data = "Codes;Inwoners\nBU01;1.234\n\nBU02;56\n".encode("cp1252")
    book = ss.open_workbook(data, filename="kerncijfers.csv", accept=("csv",))
    (sheet,) = [book.sheet(n) for n in book.sheet_names]
    assert sheet.name == "kerncijfers"
    assert [(r.number, parse_decimal(r[1]) if r.number > 1 else None) for r in sheet.rows] == [
        (1, None), (2, Decimal("1234")), (4, Decimal("56"))]
    with pytest.raises(ss.Refused, match="geen geldig bestand"):
        ss.open_workbook(data)  # not unless asked


def template() -> bytes:
    """A small workbook as xlsxwriter (and Excel) write it: texts in the shared strings."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Blad")
    sheet.write_column(0, 0, ["kop", "waarde"])
    book.close()
    return out.getvalue()


def refused(data, sheet="Blad") -> tuple[str, float, int]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ss.Refused) as info:
            book = ss.open_workbook(data)
            book.sheet(sheet)
        return (info.value.messages[0], time.perf_counter() - start,
                tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("make", "message"), [
    (lambda t: files.xxe_in_sheet(t, "Blad"), "geen geldig bestand"),
    (files.xxe_in_strings, "geen geldig bestand"),
    (lambda t: files.billion_laughs(t, "Blad"), "geen geldig bestand"),
    (lambda t: files.nul_byte(t, "Blad"), "geen geldig bestand"),
    (files.string_bomb, "uitgepakt is het veel groter"),
    (files.with_macros, "macro's"),
    (lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "oud Excel-bestand"),
    (lambda t: b"PK\x03\x04 kapot", "geen geldig bestand"),
    (lambda t: b"Buurtcode;Bedrag\n", "geen geldig bestand"),
    (lambda t: b"", "leeg"),
])
def test_hostile_files_are_refused_with_a_dutch_message(make, message):
    text, _seconds, _peak = refused(make(template()))
    assert message in text


def test_too_many_rows_is_refused_and_reading_costs_what_the_file_holds(settings):
    settings.UPLOAD_MAX_ROWS = 1000
    wide = files.huge_dimension(template(), "Blad", ["kop"], rows=1001)
    text, _seconds, _peak = refused(wide)
    assert "meer dan 1.000 rijen" in text
    # Far cells beyond the header's columns cost nothing.
    far = files.huge_dimension(template(), "Blad", ["kop"], rows=900, column="XFD")
    tracemalloc.start()
    sheet = ss.open_workbook(far).sheet("Blad", columns=8)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [r.number for r in sheet.rows] == [1]
    assert peak < 5_000_000


def test_by_default_only_the_header_columns_are_read():
    sheet = files.sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c></row>'
        '<row r="3"><c r="D3"><v>4</v></c></row>')
    sheet = ss.open_workbook(files.build({"Blad": sheet})).sheet("Blad")
    assert sheet.header() == ["a", "b"]
    assert [(r.number, r.width) for r in sheet.rows] == [(1, 2), (2, 1)]


def test_long_error_lists_are_capped():
    assert ss.capped([str(i) for i in range(5)], limit=3) == ["0", "1", "2",
                                                               "… en nog 2 fouten."]
