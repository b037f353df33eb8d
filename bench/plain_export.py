"""The benchmark's baseline for the streamed reports: plain xlsxwriter (constant-memory mode,
its public API, one typed call per cell) writing exactly what the product writes for the
ledger and the audit trail: the same document properties, the "Over dit rapport" sheet, the
same cells with the same formats, the total formula with its value, freeze, filter and print
setup. The rows come from the report's own generator, so both do the same database work and
differ only in writing. `same_workbook` compares two files part by part (tests/bench checks the
product against this baseline; the benchmark checks every run)."""

import re
import zipfile
from datetime import datetime

import xlsxwriter
from django.utils import timezone
from xlsxwriter.utility import xl_rowcol_to_cell

from reports import writer as product_writer
from reports.builders import about_rows, properties, registry, start
from reports.builders.audit import COLUMNS as AUDIT_COLUMNS
from reports.builders.ledger import COLUMNS as LEDGER_COLUMNS
from reports.writer import (
    A4,
    APPLICATION,
    FORMATS,
    NUMERIC,
    PRINT_FIT_WIDTH,
    TOTAL_FORMATS,
    ZERO,
    Cell,
    row_height,
)

SHEETS = {"ledger": ("Grootboek", LEDGER_COLUMNS), "audit": ("Audittrail", AUDIT_COLUMNS)}


def write(slug: str, output: str, scope) -> int:
    report = registry()[slug]
    start(report, scope)
    workbook = xlsxwriter.Workbook(output, {
        "constant_memory": True, "in_memory": False, "strings_to_formulas": False,
        "strings_to_urls": False, "strings_to_numbers": False, "remove_timezone": True})
    workbook.set_properties({"author": APPLICATION, "created": timezone.now(),
                             **properties(report, scope)})
    formats = {name: spec and workbook.add_format(spec) for name, spec in FORMATS.items()}
    _about(workbook, formats, about_rows(report, scope))
    name, columns = SHEETS[slug]
    rows = _table(workbook, formats, name, columns, report.rows(scope))
    workbook.close()
    return rows


def _about(workbook, formats, rows) -> None:
    sheet = workbook.add_worksheet("Over dit rapport")
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 60)
    sheet.write_string(0, 0, "Over dit rapport", formats["title"])
    for i, (label, value) in enumerate(rows, start=2):
        sheet.write_string(i, 0, label, formats["label"])
        if value:
            sheet.write_string(i, 1, str(value), formats["wrap"])
        else:
            sheet.write_blank(i, 1, None, formats["wrap"])
        height = row_height([(label, 32), (value, 60)])
        if height:
            sheet.set_row(i, height)
    sheet.set_paper(A4)
    sheet.set_portrait()
    sheet.fit_to_pages(1, 1)
    sheet.set_margins(left=0.6, right=0.6, top=0.8, bottom=0.8)
    sheet.print_area(0, 0, len(rows) + 1, 1)
    sheet.set_footer("&LOver dit rapport&RPagina &P van &N")


def _table(workbook, formats, name, columns, rows) -> int:
    """The rows in sheets of at most Excel's rows, each with its total, as the product does."""
    totals = [i for i, c in enumerate(columns) if c.total]
    sheet, writers = _sheet(workbook, formats, name, columns)
    sums, row, part, written = {i: ZERO for i in totals}, 0, 1, 0
    for values in rows:
        row += 1
        if row >= product_writer.EXCEL_MAX_ROWS - 2:  # keep room for the total
            _total(sheet, formats, columns, totals, sums, row - 1)
            part += 1
            sheet, writers = _sheet(workbook, formats, f"{name} ({part})", columns)
            sums, row = {i: ZERO for i in totals}, 1
        for col, value in enumerate(values):
            writers[col](row, col, value)
        for i in totals:
            if values[i] is not None:
                sums[i] += values[i]
        written += 1
    _total(sheet, formats, columns, totals, sums, row)
    return written


def _sheet(workbook, formats, name, columns):
    sheet = workbook.add_worksheet(name[:31])
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, formats["header"])
        sheet.set_column(col, col, column.width)
    height = row_height((c.header, c.width) for c in columns)
    if height:
        sheet.set_row(0, height)
    sheet.freeze_panes(1, 0)
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.repeat_rows(0, 0)
    if sum(c.width for c in columns) <= PRINT_FIT_WIDTH:
        sheet.fit_to_pages(1, 0)
    else:
        leading = next((i for i, c in enumerate(columns) if c.kind != "text"), 0)
        sheet.repeat_columns(0, max(leading, 1) - 1)
        sheet.print_across()
    sheet.set_footer("&L&A&RPagina &P van &N")
    return sheet, [_writer(sheet, formats, c.kind) for c in columns]


def _total(sheet, formats, columns, totals, sums, row) -> None:
    """The total under the last data row `row`, and the filter over the data."""
    end = row + 1
    if totals:
        sheet.write_string(end, 0, "Totaal", formats["total_label"])
        for i in totals:
            fmt = formats[TOTAL_FORMATS.get(columns[i].kind, "number_total")]
            if end == 1:
                sheet.write_number(end, i, sums[i], fmt)
            else:
                cells = f"{xl_rowcol_to_cell(1, i)}:{xl_rowcol_to_cell(end - 1, i)}"
                sheet.write_formula(end, i, f"=SUM({cells})", fmt, sums[i])
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)


def _writer(sheet, formats, kind):
    """The typed xlsxwriter call for a column of this kind (None and "" are blank cells)."""
    fmt = formats.get(kind)
    if kind in NUMERIC:
        def write(row, col, value):
            if value is None:
                sheet.write_blank(row, col, None, fmt)
            else:
                sheet.write_number(row, col, value, fmt)
    elif kind in ("date", "datetime"):
        zone = timezone.get_default_timezone()

        def write(row, col, value):
            if value is None:
                sheet.write_blank(row, col, None, fmt)
            else:
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.astimezone(zone).replace(tzinfo=None)
                sheet.write_datetime(row, col, value, fmt)
    elif kind == "mixed":
        by_kind = {}

        def write(row, col, value):
            if isinstance(value, Cell):
                if value.kind not in by_kind:
                    by_kind[value.kind] = _writer(sheet, formats, value.kind)
                by_kind[value.kind](row, col, value.value)
            elif value is not None and value != "":
                sheet.write_string(row, col, str(value), fmt)
    else:
        def write(row, col, value):
            if value is not None and value != "":
                sheet.write_string(row, col, str(value), fmt)
    return write


# --- comparing two workbooks ----------------------------------------------------------------

# What differs between two runs of the same report: the time it was made.
MADE_AT = [re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*<"),
           re.compile(rb"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d")]


def same_workbook(a: str, b: str) -> list[str]:
    """The parts of two xlsx files that differ (empty: the same file, but for the time each
    was made, in docProps/core.xml and on the about sheet)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        if za.namelist() != zb.namelist():
            return ["the list of parts"]
        differ = []
        for name in za.namelist():
            x, y = za.read(name), zb.read(name)
            for pattern in MADE_AT:
                x, y = pattern.sub(b"<made>", x), pattern.sub(b"<made>", y)
            if x != y:
                differ.append(name)
        return differ
