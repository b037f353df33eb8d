"""OpenDocument spreadsheets as LibreOffice writes them: value types, repeated rows and
columns, formulas with and without their result, macros and hostile XML."""

from datetime import date
from decimal import Decimal

import pytest

from cooperatie import spreadsheets as ss
from cooperatie.numbers import parse_decimal
from tests.spreadsheets.files import XXE, zip_parts

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(tables: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>', extra=None):
    content = (f"{prolog}<office:document-content {NS}><office:body><office:spreadsheet>"
               f"{tables}</office:spreadsheet></office:body></office:document-content>")
    return zip_parts({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                      "content.xml": content, **(extra or {})})


def text(value: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>' \
           "</table:table-cell>"


SPACES = 'a<text:s text:c="2"/>b'


def test_values_formulas_and_repeats():
    data = ods(
        '<table:table table:name="Begroting">'
        f"<table:table-row>{text('Code')}{text('Bedrag')}</table:table-row>"
        f"<table:table-row>{text('BU01')}"
        '<table:table-cell table:formula="of:=12*4500" office:value-type="float" '
        'office:value="54000"><text:p>54000</text:p></table:table-cell></table:table-row>'
        f"<table:table-row>{text('BU02')}"
        '<table:table-cell office:value-type="percentage" office:value="0.045">'
        "<text:p>4,5%</text:p></table:table-cell></table:table-row>"
        f"<table:table-row>{text(SPACES)}"
        '<table:table-cell table:formula="of:=[.B2]*2"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="date" '
        'office:date-value="2026-03-01"/></table:table-row>'
        "</table:table>")
    book = ss.open_workbook(data)
    assert book.kind == "ods" and book.sheet_names == ["Begroting"]
    rows = book.sheet("Begroting").rows
    assert [r.number for r in rows] == [1, 2, 3, 4, 1048575]
    amount = rows[1][1]
    assert (amount.value, amount.formula, str(amount)) == (
        Decimal("54000"), "=12*4500", "=12*4500 → 54000")
    assert parse_decimal(rows[2][1]) == Decimal("4.5") and str(rows[2][1]) == "4,5%"
    assert rows[3][0].value == "a  b"
    assert rows[3][1].missing_result
    assert rows[4][0].value == date(2026, 3, 1)


def test_a_repeated_row_counts_as_that_many_rows(settings):
    settings.UPLOAD_MAX_ROWS = 1000
    data = ods('<table:table table:name="Blad"><table:table-row '
               f'table:number-rows-repeated="5000">{text("x")}</table:table-row></table:table>')
    with pytest.raises(ss.Refused, match="meer dan 1.000 rijen"):
        ss.open_workbook(data).sheet("Blad")


@pytest.mark.parametrize(("data", "message"), [
    (ods(f"<table:table table:name='B'><table:table-row>{text('&xxe;')}</table:table-row>"
         "</table:table>", prolog=XXE), "geen geldig bestand"),
    (ods("<table:table table:name='B'/>", extra={
        "Basic/Standard/Module1.xml": "<script/>"}), "macro's"),
    (zip_parts({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
     "geen geldig bestand"),
])
def test_hostile_ods_files_are_refused(data, message):
    with pytest.raises(ss.Refused, match=message):
        book = ss.open_workbook(data)
        book.sheet(book.sheet_names[0])
