"""The writer every report is built on: a formula never without its value, totals exact to the
cent from the Decimals written, subtotals for groups that must not be added up, header rows
high enough for their wrapped text, Dutch local time."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.writer import (
    LINE_HEIGHT,
    Cell,
    Column,
    Formula,
    FormulaWithoutValue,
    ReportWriter,
    row_height,
    wrapped_lines,
)

MONEY = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"),
                    places=2, allow_nan=False, allow_infinity=False)


def _write(build) -> tuple[openpyxl.Workbook, openpyxl.Workbook]:
    out = io.BytesIO()
    writer = ReportWriter(out)
    build(writer)
    writer.close()
    data = out.getvalue()
    return (openpyxl.load_workbook(io.BytesIO(data)),
            openpyxl.load_workbook(io.BytesIO(data), data_only=True))


@pytest.mark.parametrize("value", [None, 1.5])
def test_a_formula_needs_its_exact_value(value):
    with pytest.raises(FormulaWithoutValue):
        Formula("=A1+A2", value)


def test_the_writers_sheets_refuse_a_formula_without_its_value():
    writer = ReportWriter(io.BytesIO())
    sheet = writer.workbook.add_worksheet("Blad")
    for write in (lambda: sheet.write_formula(0, 0, "=1+1"),
                  lambda: sheet.write_formula("A1", "=1+1"),
                  lambda: sheet.write_array_formula("A1:A2", "{=1+1}"),
                  lambda: sheet.write_dynamic_array_formula(0, 0, 1, 0, "=SEQUENCE(2)")):
        with pytest.raises(FormulaWithoutValue):
            write()
    sheet.write_formula("A1", "=1+1", None, 2)
    writer.close()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.just("regel"), MONEY, st.one_of(st.none(), MONEY)), max_size=40))
def test_totals_are_stored_with_their_exact_value(rows):
    columns = [Column("Omschrijving"), Column("Bedrag", "money", total=True),
               Column("Ander bedrag", "money", total=True)]
    tables = []
    formulas, values = _write(lambda w: tables.append(w.table("Blad", columns, rows)))
    exact = [sum((r[i] for r in rows if r[i] is not None), Decimal("0.00")) for i in (1, 2)]
    assert tables[0].totals == {"Bedrag": exact[0], "Ander bedrag": exact[1]}
    assert tables[0].rows == len(rows)
    last = len(rows) + 2
    assert values["Blad"].cell(last, 1).value == "Totaal"
    for col, letter in ((0, "B"), (1, "C")):
        stored = values["Blad"][f"{letter}{last}"].value
        assert Decimal(repr(stored)) == exact[col], (rows, col)
        if rows:
            assert formulas["Blad"][f"{letter}{last}"].value == f"=SUM({letter}2:{letter}{last - 1})"
    for i, (_label, amount, _other) in enumerate(rows, start=2):  # each cell: the exact amount
        assert Decimal(repr(values["Blad"][f"B{i}"].value)) == amount


def test_groups_get_their_own_subtotal_and_no_grand_total():
    columns = [Column("Versie", "text"), Column("Bedrag", "money", total=True)]
    rows = [["versie 1", Decimal("10.10")], ["versie 1", Decimal("0.20")],
            ["versie 2", Decimal("5.00")]]
    tables = []
    formulas, values = _write(lambda w: tables.append(
        w.table("Blad", columns, rows, group_by=lambda r: r[0], note="Tellen niet mee.")))
    table = tables[0]
    assert table.totals == {}
    assert table.subtotals == {"versie 1": {"Bedrag": Decimal("10.30")},
                               "versie 2": {"Bedrag": Decimal("5.00")}}
    cells = [(r[0].value, r[1].value) for r in values["Blad"].iter_rows(min_row=4)]
    assert cells == [("versie 1", 10.1), ("versie 1", 0.2), ("Subtotaal versie 1", 10.3),
                     ("versie 2", 5.0), ("Subtotaal versie 2", 5.0)]
    assert formulas["Blad"]["B6"].value == "=SUM(B4:B5)" and formulas["Blad"]["B8"].value == "=SUM(B7:B7)"
    assert values["Blad"]["A1"].value == "Tellen niet mee."
    assert values["Blad"].auto_filter.ref == "A3:B7"


def test_rows_and_columns_that_do_not_fit_are_refused():
    writer = ReportWriter(io.BytesIO())
    with pytest.raises(ValueError):
        writer.table("Blad", [Column("A"), Column("B")], [["a"]])
    with pytest.raises(ValueError):  # the total row's label needs the first column
        writer.table("Blad 2", [Column("A", "money", total=True)], [])
    with pytest.raises(ValueError):
        writer.table("Blad 3", [Column("A"), Column("B", "money", total=True),
                                Column("B", "money", total=True)], [])


def test_formulas_in_rows_carry_their_values_and_text_stays_text():
    columns = [Column("Tekst"), Column("Bedrag", "money", total=True),
               Column("Twee keer", "money", total=True)]
    rows = [["=HYPERLINK(\"x\")", Decimal("1.25"), Formula("=B{row}*2", Decimal("2.50"))]]
    formulas, values = _write(lambda w: w.table("Blad", columns, rows))
    assert formulas["Blad"]["A2"].data_type == "s"
    assert formulas["Blad"]["C2"].value == "=B2*2" and values["Blad"]["C2"].value == 2.5
    assert values["Blad"]["C3"].value == 2.5  # the total of formula cells uses their values


@pytest.mark.parametrize("constant_memory", [False, True])
def test_text_that_looks_like_rich_text_xml_reads_back_as_typed(constant_memory):
    # xlsxwriter itself writes "<r>…</r>" unescaped: empty cells, or a broken file with "&".
    texts = ["<r>rijk</r>", "<r>a & b <c></r>", "<r></r>", "<r> spatie</r>"]
    out = io.BytesIO()
    writer = ReportWriter(out, constant_memory=constant_memory)
    writer.table("Blad", [Column("Tekst"), Column("Noot", "wrap")], [[t, t] for t in texts])
    writer.close()
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Blad"]
    assert [[sheet.cell(row=2 + i, column=c).value for c in (1, 2)]
            for i in range(len(texts))] == [[t, t] for t in texts]


def test_mixed_cells_and_local_time():
    columns = [Column("Wanneer", "datetime"), Column("Nieuw", "mixed")]
    rows = [[datetime(2026, 6, 30, 22, 30, tzinfo=UTC), Cell(Decimal("87596.00"), "money")],
            [datetime(2026, 12, 1, 9, 5, tzinfo=UTC), "ingediend"]]
    formulas, values = _write(lambda w: w.table("Blad", columns, rows))
    ws = formulas["Blad"]
    assert ws["A2"].value == datetime(2026, 7, 1, 0, 30)  # Europe/Amsterdam, summer time
    assert ws["A3"].value == datetime(2026, 12, 1, 10, 5) and ws["A2"].number_format == "dd-mm-yyyy hh:mm"
    assert ws["B2"].value == 87596 and "€" in ws["B2"].number_format
    assert ws["B3"].value == "ingediend"


@pytest.mark.parametrize("text, width, lines", [
    ("Bedrag", 16, 1), ("Overschot (fte)", 14, 2), ("Laatste boeking in dit rapport", 32, 1),
    ("Belangenconflict", 10, 2), ("aaaaaaaaaaaaaaaaaaaaaaaaa", 10, 3), ("een\ntwee", 30, 2),
    ("De totalen zijn bij het maken vergeleken met het grootboek", 20, 4),
])
def test_wrapped_lines(text, width, lines):
    assert wrapped_lines(text, width) == lines


def test_header_row_height_follows_the_longest_wrapped_header():
    assert row_height([("Bedrag", 16)]) is None
    assert row_height([("Bedrag", 16), ("Toegezegd (fte)", 10)]) == 2 * LINE_HEIGHT + 3
    columns = [Column("Partner", "text", 30), Column("Overschot (fte)", "number", 10)]
    formulas, _values = _write(lambda w: w.table("Blad", columns, [], title="Titel"))
    assert formulas["Blad"].row_dimensions[3].height == 2 * LINE_HEIGHT + 3


def test_the_file_says_who_made_it():
    formulas, _values = _write(lambda w: w.about([("Rapport", "Proef")]))
    assert formulas.properties.creator == "Samen begroten"
    about = formulas["Over dit rapport"]
    assert about.sheet_properties.pageSetUpPr.fitToPage and about.page_setup.paperSize == 9
