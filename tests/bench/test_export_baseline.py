"""The export benchmark's baseline writes exactly what the product writes: the ledger and the
audit trail of every demo cooperative, through `reports.builders.build` (whose rows the writer
streams as XML of its own) and through plain xlsxwriter (bench/plain_export.py), are the same
file part by part, but for the time each was made. And a streamed row with text xlsxwriter
writes in a way of its own (whitespace, control characters, "&", "<r>") comes out as it does."""

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from bench.plain_export import same_workbook, write
from cooperatie.models import Cooperative
from reports import writer as writer_module
from reports.builders import Scope, build
from reports.writer import Cell, Column, Formula, ReportWriter


@pytest.mark.parametrize("slug", ["ledger", "audit"])
def test_the_baseline_writes_what_the_product_writes(slug, db, tmp_path):
    compared = 0
    for coop in Cooperative.objects.filter(code__in=("heerlen", "tom")).order_by("code"):
        year = coop.budget_rounds.order_by("-year").values_list("year", flat=True).first()
        product, baseline = tmp_path / f"{coop.code}-product.xlsx", tmp_path / f"{coop.code}.xlsx"
        rows = build(slug, str(product), Scope(coop, year))
        assert write(slug, str(baseline), Scope(coop, year)) == rows > 0
        assert same_workbook(str(product), str(baseline)) == []
        compared += rows
    assert compared > 100


@pytest.mark.parametrize("slug", ["ledger", "audit"])
def test_the_baseline_splits_sheets_where_the_product_does(slug, db, tmp_path, monkeypatch):
    """Past Excel's rows the product goes on in a sheet "(2)" with a total per sheet; so must
    the baseline, or it writes (and is timed on) fewer rows. A limit of 60 rows stands in
    for 1,048,576."""
    monkeypatch.setattr(writer_module, "EXCEL_MAX_ROWS", 60)
    coop = Cooperative.objects.get(code="tom")
    year = coop.budget_rounds.order_by("-year").values_list("year", flat=True).first()
    product, baseline = tmp_path / "product.xlsx", tmp_path / "baseline.xlsx"
    rows = build(slug, str(product), Scope(coop, year))
    assert write(slug, str(baseline), Scope(coop, year)) == rows > 120
    assert len(openpyxl.load_workbook(product, read_only=True).sheetnames) > 3
    assert same_workbook(str(product), str(baseline)) == []


def test_same_workbook_finds_a_difference(db, tmp_path):
    coop = Cooperative.objects.get(code="tom")
    year = coop.budget_rounds.order_by("-year").values_list("year", flat=True).first()
    build("ledger", str(tmp_path / "a.xlsx"), Scope(coop, year))
    build("ledger", str(tmp_path / "b.xlsx"), Scope(coop, year, requested_by="iemand anders"))
    assert same_workbook(str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")) == [
        "xl/worksheets/sheet1.xml"]


TEXTS = ["gewoon", "a & b <c> \"d\"", " voorloop", "achter ", "regel\nregel", "regel\n",
         "stuur\x01teken", "_x0041_", "<r>rijk</r>", "", None, 12, "é ü € ✓", "x" * 17000]


def _workbook() -> bytes:
    out = io.BytesIO()
    writer = ReportWriter(out, constant_memory=True,
                          properties={"created": datetime(2026, 1, 1, tzinfo=UTC)})
    columns = [Column("Nr", "int"), Column("Wanneer", "datetime"), Column("Tekst", "text"),
               Column("Oud", "mixed"), Column("Bedrag", "money", total=True),
               Column("Dag", "date"), Column("Aantal", "number")]
    when = datetime(2026, 3, 4, 12, 30, tzinfo=UTC)
    mixed = [Cell(Decimal("12.50"), "money"), Cell(when.date(), "date"), "tekst", None, "",
             Cell(3, "int"), Cell("x", "text")]
    rows = [[i, when if i % 5 else None, TEXTS[i % len(TEXTS)], mixed[i % len(mixed)],
             Decimal(i) / 4 if i % 9 else None, when.date(),
             Formula("=A{row}*2", i * 2) if i == 17 else Decimal("1.5")] for i in range(200)]
    writer.table("Blad", columns, rows, title="Titel", note="Noot")
    writer.close()
    return out.getvalue()


def test_streamed_rows_are_what_xlsxwriter_writes(monkeypatch):
    streamed = _workbook()
    # The same rows, every one through xlsxwriter's own writer.
    monkeypatch.setattr(writer_module.RowStream, "write", lambda self, row, values: False)
    by_xlsxwriter = _workbook()
    a, b = zipfile.ZipFile(io.BytesIO(streamed)), zipfile.ZipFile(io.BytesIO(by_xlsxwriter))
    assert a.namelist() == b.namelist()
    assert [n for n in a.namelist() if a.read(n) != b.read(n)] == []
    sheet = openpyxl.load_workbook(io.BytesIO(streamed))["Blad"]
    texts = [sheet.cell(row=4 + i, column=3).value for i in range(len(TEXTS))]
    assert texts[:6] == TEXTS[:6] and texts[8:12] == ["<r>rijk</r>", None, None, "12"]
    assert sheet["D4"].number_format == '"€" #,##0.00;[Red]"€" -#,##0.00'
