"""The one layer that writes workbooks, with the conventions every report shares.

Dutch headers, money in a euro format, frozen headers, autofilter, sensible widths, totals as
formulas, user text always as text (a note starting with "=" never becomes a formula), and a
first sheet "Over dit rapport". Decimals stay exact until they are written into a cell.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils import timezone
from xlsxwriter.utility import xl_rowcol_to_cell

EXCEL_MAX_ROWS = 1_048_576
MONEY = '"€" #,##0.00;[Red]"€" -#,##0.00'


@dataclass(frozen=True)
class Formula:
    """A cell formula ("{row}" is replaced by the row's Excel number) with its value, so
    Excel users can audit the total and readers without recalculation still see it."""

    text: str
    value: Decimal


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, money, number, percent, date, datetime, int
    width: int = 14
    total: bool = False  # a SUM formula under the column


class ReportWriter:
    def __init__(self, output, *, constant_memory: bool = False):
        self.workbook = xlsxwriter.Workbook(output, {
            "constant_memory": constant_memory, "in_memory": not constant_memory,
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "remove_timezone": True,
        })
        add = self.workbook.add_format
        self.formats = {
            "header": add({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
                           "valign": "top"}),
            "title": add({"bold": True, "font_size": 14}),
            "label": add({"bold": True}),
            "text": add({}),
            "money": add({"num_format": MONEY}),
            "money_total": add({"num_format": MONEY, "bold": True, "top": 2}),
            "number_total": add({"num_format": "#,##0.00", "bold": True, "top": 2}),
            "number": add({"num_format": "#,##0.00"}),
            "int": add({"num_format": "0"}),
            "percent": add({"num_format": "0.0%"}),
            "date": add({"num_format": "dd-mm-yyyy"}),
            "datetime": add({"num_format": "dd-mm-yyyy hh:mm:ss"}),
            "total_label": add({"bold": True, "top": 2}),
        }

    def close(self) -> None:
        self.workbook.close()

    def about(self, rows: list[tuple[str, object]]) -> None:
        """The first sheet: what this report is, for whom, from which data."""
        sheet = self.workbook.add_worksheet("Over dit rapport")
        sheet.write_string(0, 0, "Over dit rapport", self.formats["title"])
        for i, (label, value) in enumerate(rows, start=2):
            sheet.write_string(i, 0, label, self.formats["label"])
            self.write_cell(sheet, i, 1, value, "text")
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 70)

    def write_cell(self, sheet, row: int, col: int, value, kind: str) -> None:
        fmt = self.formats.get(kind, self.formats["text"])
        if isinstance(value, Formula):
            sheet.write_formula(row, col, value.text.replace("{row}", str(row + 1)), fmt,
                                float(value.value))  # float ok: an Excel cell
        elif value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif kind in ("money", "number", "int", "percent") and not isinstance(value, str):
            # The one place a Decimal becomes a float: the cell itself.
            sheet.write_number(row, col, float(value), fmt)  # float ok: an Excel cell
        elif kind == "date" and isinstance(value, date):
            sheet.write_datetime(row, col, value, fmt)
        elif kind == "datetime" and isinstance(value, datetime):
            sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def table(self, name: str, columns: list[Column], rows: Iterable[tuple], *,
              progress=None, title: str | None = None) -> int:
        """Write rows under a header; continue on "<name> (2)" etc. beyond Excel's row limit.
        Returns the number of rows written."""
        count = 0
        part = 1
        sheet, first = self._start_sheet(name, columns, title)
        row = first
        for values in rows:
            if row >= EXCEL_MAX_ROWS - 1:  # keep one row for the totals
                self._finish_sheet(sheet, columns, first, row)
                part += 1
                sheet, first = self._start_sheet(f"{name} ({part})", columns, title)
                row = first
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                self.write_cell(sheet, row, col, value, column.kind)
            row += 1
            count += 1
            if progress is not None and count % 500 == 0:
                progress(count)
        self._finish_sheet(sheet, columns, first, row)
        return count

    def _start_sheet(self, name: str, columns: list[Column], title: str | None):
        sheet = self.workbook.add_worksheet(name[:31])
        top = 0
        if title:
            sheet.write_string(0, 0, title, self.formats["title"])
            top = 2
        for col, column in enumerate(columns):
            sheet.write_string(top, col, column.header, self.formats["header"])
            sheet.set_column(col, col, column.width)
        sheet.freeze_panes(top + 1, 0)
        return sheet, top + 1

    def _finish_sheet(self, sheet, columns: list[Column], first: int, end: int) -> None:
        header = first - 1
        last = max(end - 1, first)
        sheet.autofilter(header, 0, last, len(columns) - 1)
        if any(c.total for c in columns):
            sheet.write_string(end, 0, "Totaal", self.formats["total_label"])
            for col, column in enumerate(columns):
                if column.total:
                    cells = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(end - 1, col)}"
                    formula = f"=SUM({cells})" if end > first else "=0"
                    fmt = "money_total" if column.kind == "money" else "number_total"
                    sheet.write_formula(end, col, formula, self.formats[fmt])


def money_sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal("0.00"))
