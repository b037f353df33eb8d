"""The one layer that writes workbooks, with the conventions every report shares.

Dutch headers, money in a euro format, frozen headers high enough for their text, autofilter,
print setup, user text always as text (a note starting with "=" never becomes a formula),
and a first sheet "Over dit rapport" that prints on one page.

Every formula cell carries its value. LibreOffice (with default settings), file previews and
every reader of saved values (openpyxl data_only, pandas) show what is stored, not what the
formula would compute; xlsxwriter stores 0 unless told otherwise. So the writer sums each
total column from the Decimals it writes (exactly, per column) and stores the sum with the
SUM formula, and its worksheets refuse a formula without a value (`FormulaWithoutValue`).
Decimals are written as they are: the cell holds their exact digits.
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

import xlsxwriter
from django.utils import timezone
from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet, convert_cell_args, convert_range_args

EXCEL_MAX_ROWS = 1_048_576
MONEY = '"€" #,##0.00;[Red]"€" -#,##0.00'
LINE_HEIGHT = 15  # points per line of 11-point text
A4 = 9  # xlsxwriter's paper size code
PRINT_FIT_WIDTH = 200  # column widths up to this print one landscape page wide (scaled)
NUMERIC = frozenset({"money", "number", "int", "percent"})
ZERO = Decimal("0.00")
APPLICATION = "Samen begroten"
TOTAL_FORMATS = {"money": "money_total", "int": "int_total"}
FORMATS = {  # by kind or role; None is the default style
    "header": {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True,
               "valign": "top"},
    "title": {"bold": True, "font_size": 14},
    "note": {"italic": True},
    "label": {"bold": True, "valign": "top", "text_wrap": True},
    "wrap": {"text_wrap": True, "valign": "top"},
    "text": None,  # the default style: an empty format of its own cost time in every cell
    "money": {"num_format": MONEY},
    "money_total": {"num_format": MONEY, "bold": True, "top": 2},
    "number_total": {"num_format": "#,##0.00", "bold": True, "top": 2},
    "int_total": {"num_format": "#,##0", "bold": True, "top": 2},
    "number": {"num_format": "#,##0.00"},
    "int": {"num_format": "0"},
    "percent": {"num_format": "0.0%"},
    "date": {"num_format": "dd-mm-yyyy"},
    "datetime": {"num_format": "dd-mm-yyyy hh:mm"},
    "total_label": {"bold": True, "top": 2},
}
# Text that xlsxwriter writes in a way of its own (whitespace kept, control characters and
# "_xHHHH_" escaped, "<r>…" as runs of rich text, over 16,383 characters checked for length): a
# streamed row with such a cell goes through xlsxwriter's own writer instead.
SPECIAL_TEXT = re.compile(r"^\s|\s$|_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]|^<r>")
TEXT_LIMIT = 32767 // 2


class FormulaWithoutValue(TypeError):
    """A formula written without the value it computes to: readers would show 0."""


def _require_value(formula, value) -> None:
    if value is None or isinstance(value, float):
        raise FormulaWithoutValue(
            f"{formula}: a formula needs its computed value (a Decimal, int or text), "
            "or LibreOffice and every reader of saved values show 0")


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell formula with the value it computes to, from the same Decimals as the cells it
    refers to. "{row}" in the text becomes the row's Excel number. A text value ("") stands
    for a formula that shows text, such as an empty IF branch."""

    text: str
    value: Decimal | int | str

    def __post_init__(self):
        _require_value(self.text, self.value)


class Cell(NamedTuple):
    """A value with its own kind, for a column whose cells differ (the audit's old and new)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text, money, number, percent, date, datetime, int, mixed (Cell values)
    width: int = 14
    total: bool = False  # a SUM formula under the column, with its exact value


@dataclass
class Table:
    """What `ReportWriter.table` wrote: the number of data rows and, per total column (by
    header), the exact total stored in the file; per group the subtotals."""

    rows: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)
    subtotals: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def total(self, header: str) -> Decimal:
        return self.totals[header]


class ValuedWorksheet(Worksheet):
    """A worksheet that refuses a formula without its value (xlsxwriter would store 0) and
    writes every text as the text it is."""

    def _write_string(self, row, col, string, cell_format=None):
        # xlsxwriter takes text of the form "<r>…</r>" for rich-text XML and writes it
        # unescaped: a note typed so would read empty, or "&" in it would break the file.
        # As plain runs of rich text (xlsxwriter wants three or more) it is escaped and reads
        # back as typed.
        if string.startswith("<r>") and string.endswith("</r>"):
            runs = ("<", "r>", string[3:]) + ((cell_format,) if cell_format else ())
            return self._write_rich_string(row, col, *runs)
        return super()._write_string(row, col, string, cell_format)

    @convert_cell_args
    def write_formula(self, row, col, formula, cell_format=None, value=None):
        _require_value(formula, value)
        return super().write_formula(row, col, formula, cell_format, value)

    @convert_range_args
    def write_array_formula(self, first_row, first_col, last_row, last_col, formula,
                            cell_format=None, value=None):
        _require_value(formula, value)
        return super().write_array_formula(first_row, first_col, last_row, last_col, formula,
                                           cell_format, value)

    @convert_range_args
    def write_dynamic_array_formula(self, first_row, first_col, last_row, last_col, formula,
                                    cell_format=None, value=None):
        _require_value(formula, value)
        return super().write_dynamic_array_formula(first_row, first_col, last_row, last_col,
                                                   formula, cell_format, value)


class _Workbook(xlsxwriter.Workbook):
    worksheet_class = ValuedWorksheet


def _style(sheet, col: int, fmt) -> str:
    """The cell's style attribute, as xlsxwriter's `_write_cell` chooses it (data rows have
    no row format)."""
    if fmt:
        return f' s="{fmt._get_xf_index()}"'
    info = sheet.col_info.get(col)
    if info is not None and info.column_format is not None:
        return f' s="{info.column_format._get_xf_index()}"'
    return ""


class RowStream:
    """The data rows of a streamed (constant-memory) table, written as XML straight into the
    sheet's row file: byte for byte what xlsxwriter writes for the same calls (the benchmark's
    baseline and tests/bench/test_export_baseline.py compare the files), at a fraction of its
    cost. xlsxwriter keeps every cell as a named tuple in a dict of rows and writes it with
    about ten calls and four regular expressions; that was 77 % of the ledger export. A row
    with a cell this does not write (a formula, text xlsxwriter treats specially, a value of
    an unexpected type) goes through xlsxwriter's own writer, so the output stays its own.

    Formats get their style number when a cell first uses them, as xlsxwriter numbers them
    (in the order cells are written): styles.xml comes out the same."""

    def __init__(self, sheet: Worksheet, kinds: list[str], formats: dict, first: int):
        sheet._write_single_row(first)  # what xlsxwriter still holds (the header) goes first
        self.sheet = sheet
        self.out = sheet.fh.write
        self.formats = formats
        self.encoders = [self._encoder(col, kind) for col, kind in enumerate(kinds)]

    def write(self, row: int, values) -> bool:
        """Write one row; False (nothing written) when it needs xlsxwriter's own writer."""
        r = row + 1
        cells = []
        for encode, value in zip(self.encoders, values, strict=True):
            xml = encode(r, value)
            if xml is None:
                return False
            cells.append(xml)
        xml = "".join(cells)
        if xml:  # xlsxwriter writes no row without cells
            self.out(f'<row r="{r}">{xml}</row>')
            self.sheet.dim_rowmax = row
        return True

    def written_by_xlsxwriter(self, row: int) -> None:
        """After a row written through xlsxwriter: out with it, before the next streamed row."""
        self.sheet._write_single_row(row + 1)

    def _encoder(self, col: int, kind: str) -> Callable[[int, object], str | None]:
        """A function from (Excel row number, value) to the cell's XML ("" for no cell, None
        for "let xlsxwriter write this row"), as `ReportWriter._cell_writer` writes it."""
        sheet, fmt = self.sheet, self.formats.get(kind)
        letter = xl_col_to_name(col)
        style = None  # known at the first cell (see the class)
        blank_cell = bool(fmt)  # xlsxwriter writes a blank cell only with a format

        def blank(r):
            nonlocal style
            if not blank_cell:
                return ""
            if style is None:
                style = _style(sheet, col, fmt)
            return f'<c r="{letter}{r}"{style}/>'

        if kind in NUMERIC:
            def encode(r, value):
                nonlocal style
                cls = value.__class__
                if cls is Decimal:
                    if not value.is_finite():
                        return None
                elif cls is not int and not (cls is float and math.isfinite(value)):
                    return blank(r) if value is None or value == "" else None
                if style is None:
                    style = _style(sheet, col, fmt)
                return f'<c r="{letter}{r}"{style}><v>{value:.16G}</v></c>'
        elif kind in ("date", "datetime"):
            zone = timezone.get_default_timezone()
            date_1904, remove_timezone = sheet.date_1904, sheet.remove_timezone

            def encode(r, value):
                nonlocal style
                if value is None:
                    return blank(r)
                if not fmt:  # xlsxwriter's default date format: its own writer
                    return None
                if isinstance(value, datetime):
                    if value.tzinfo is not None:
                        value = value.astimezone(zone).replace(tzinfo=None)
                elif not isinstance(value, date):
                    return None
                number = _datetime_to_excel_datetime(value, date_1904, remove_timezone)
                if style is None:
                    style = _style(sheet, col, fmt)
                return f'<c r="{letter}{r}"{style}><v>{number:.16G}</v></c>'
        elif kind == "mixed":
            by_kind = {}
            text = self._encoder(col, "text")

            def encode(r, value):
                if value.__class__ is Cell:
                    cell = by_kind.get(value.kind)
                    if cell is None:
                        cell = by_kind[value.kind] = self._encoder(col, value.kind)
                    return cell(r, value.value)
                if value is None or value == "":
                    return blank(r)
                return text(r, str(value))
        else:
            special = SPECIAL_TEXT.search

            def encode(r, value):
                nonlocal style
                if value.__class__ is not str:
                    if value is None:
                        return blank(r)
                    if value.__class__ is Formula:
                        return None
                    value = str(value)
                    if not value:
                        return None  # an empty string cell, not a blank: xlsxwriter's
                elif not value:
                    return blank(r)
                if len(value) > TEXT_LIMIT or special(value):
                    return None
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                if style is None:
                    style = _style(sheet, col, fmt)
                return f'<c r="{letter}{r}"{style} t="inlineStr"><is><t>{value}</t></is></c>'
        return encode


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide. Counted
    for bold text in the wider font LibreOffice substitutes where Calibri is missing (about
    0.9 of a column unit per character, measured in its PDF output): width − 1 characters a
    line leaves a margin, so the row is never too low."""
    capacity = max(1, math.floor(width) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            while len(word) > capacity:  # a word longer than the column breaks anywhere
                if used:
                    lines += 1
                lines += 1
                word = word[capacity:]
                used = 0
                if not word:
                    break
            if used and used + 1 + len(word) > capacity:
                lines += 1
                used = len(word)
            else:
                used += (1 if used else 0) + len(word)
    return max(lines, 1)


def row_height(texts_and_widths: Iterable[tuple[str, float]]) -> float | None:
    """The height for a row of wrapped cells, or None when one line is enough."""
    lines = max((wrapped_lines(t, w) for t, w in texts_and_widths), default=1)
    return lines * LINE_HEIGHT + 3 if lines > 1 else None


class ReportWriter:
    def __init__(self, output, *, constant_memory: bool = False,
                 properties: dict | None = None):
        self.workbook = _Workbook(output, {
            "constant_memory": constant_memory, "in_memory": not constant_memory,
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "remove_timezone": True,
        })
        # Say who made the file (xlsxwriter's app.xml claims "Microsoft Excel" regardless).
        self.workbook.set_properties({"author": APPLICATION, "created": timezone.now(),
                                      **(properties or {})})
        self.formats = {name: None if spec is None else self.workbook.add_format(spec)
                        for name, spec in FORMATS.items()}

    def close(self) -> None:
        self.workbook.close()

    def about(self, rows: list[tuple[str, object]]) -> None:
        """The first sheet: what this report is, for whom, from which data. Prints on one
        A4 page, however many rows the report adds."""
        sheet = self.workbook.add_worksheet("Over dit rapport")
        widths = (32, 60)
        sheet.set_column(0, 0, widths[0])
        sheet.set_column(1, 1, widths[1])
        sheet.write_string(0, 0, "Over dit rapport", self.formats["title"])
        for i, (label, value) in enumerate(rows, start=2):
            sheet.write_string(i, 0, label, self.formats["label"])
            self.write_cell(sheet, i, 1, value, "wrap")
            height = row_height([(label, widths[0]), (value, widths[1])])
            if height:
                sheet.set_row(i, height)
        sheet.set_paper(A4)
        sheet.set_portrait()
        sheet.fit_to_pages(1, 1)
        sheet.set_margins(left=0.6, right=0.6, top=0.8, bottom=0.8)
        sheet.print_area(0, 0, len(rows) + 1, 1)
        sheet.set_footer("&LOver dit rapport&RPagina &P van &N")

    def write_cell(self, sheet, row: int, col: int, value, kind: str) -> None:
        """One cell of any kind; tables use the faster per-column writers below."""
        self._cell_writer(sheet, kind)(row, col, value)

    def _cell_writer(self, sheet, kind: str) -> Callable[[int, int, object], None]:
        """A function writing one cell of a column of this kind: chosen once per column, so
        the per-cell path is a call and a type test, not a lookup of the kind."""
        fmt = self.formats.get(kind)
        blank, string, number = sheet.write_blank, sheet.write_string, sheet.write_number

        def formula(row, col, value: Formula):
            sheet.write_formula(row, col, value.text.replace("{row}", str(row + 1)), fmt,
                                value.value)

        if kind in NUMERIC:
            def write(row, col, value):
                cls = value.__class__
                if cls is Decimal or cls is int:  # a Decimal keeps its exact digits
                    number(row, col, value, fmt)
                elif value is None:
                    blank(row, col, None, fmt)
                elif cls is Formula:
                    formula(row, col, value)
                elif cls is str:  # e.g. "te weinig waarnemingen"
                    string(row, col, value, fmt) if value else blank(row, col, None, fmt)
                else:
                    number(row, col, value, fmt)
        elif kind in ("date", "datetime"):
            zone = timezone.get_default_timezone()  # workbooks show Dutch local time

            def write(row, col, value):
                if value is None:
                    blank(row, col, None, fmt)
                elif isinstance(value, datetime):
                    if value.tzinfo is not None:
                        value = value.astimezone(zone).replace(tzinfo=None)
                    sheet.write_datetime(row, col, value, fmt)
                elif isinstance(value, date):
                    sheet.write_datetime(row, col, value, fmt)
                else:
                    string(row, col, str(value), fmt)
        elif kind == "mixed":
            writers = {}

            def write(row, col, value):
                if value.__class__ is Cell:
                    cell_writer = writers.get(value.kind)
                    if cell_writer is None:
                        cell_writer = writers[value.kind] = self._cell_writer(sheet, value.kind)
                    cell_writer(row, col, value.value)
                elif value is None or value == "":
                    blank(row, col, None, fmt)
                else:
                    string(row, col, str(value), fmt)
        else:
            def write(row, col, value):
                if value.__class__ is str:
                    string(row, col, value, fmt) if value else blank(row, col, None, fmt)
                elif value is None:
                    blank(row, col, None, fmt)
                elif value.__class__ is Formula:
                    formula(row, col, value)
                else:
                    string(row, col, str(value), fmt)
        return write

    def table(self, name: str, columns: list[Column], rows: Iterable[list], *,
              progress=None, title: str | None = None, note: str | None = None,
              group_by: Callable[[list], str] | None = None) -> Table:
        """Write rows under a header, with a total row for the total columns; continue on
        "<name> (2)" etc. beyond Excel's row limit. With `group_by` (row → group label;
        rows arrive grouped) each group gets its own subtotal and there is no grand total:
        for groups that must not be added up, such as versions of one plan."""
        grouped = group_by is not None
        result = Table(totals={} if grouped else {c.header: ZERO for c in columns if c.total})
        totals = [i for i, c in enumerate(columns) if c.total]
        if len({columns[i].header for i in totals}) != len(totals) or columns[0].total:
            raise ValueError(f"{name}: total columns need their own headers, and the first "
                             "column holds the label of the total row")
        part, group = 1, None
        sheet, first, writers, stream = self._start_sheet(name, columns, title, note)
        row = section = first  # section: the first row of what the next (sub)total sums
        sums = [ZERO] * len(columns)

        def close_section() -> int:
            """The (sub)total row under the current section; returns the next free row."""
            if not totals or (grouped and group is None):
                return row
            label = f"Subtotaal {group}" if grouped else "Totaal"
            self._total_row(sheet, columns, section, row, sums, label)
            target = result.subtotals.setdefault(group, {}) if grouped else result.totals
            for i in totals:
                header = columns[i].header
                target[header] = target.get(header, ZERO) + sums[i]
            return row + 1

        for values in rows:
            if grouped and (label := group_by(values)) != group:
                row = close_section()
                group, section, sums = label, row, [ZERO] * len(columns)
            if row >= EXCEL_MAX_ROWS - 2:  # keep room for the total
                self._finish_sheet(sheet, columns, first, row)
                row = close_section()
                part += 1
                sheet, first, writers, stream = self._start_sheet(f"{name} ({part})", columns,
                                                                  title, note)
                row = section = first
                sums = [ZERO] * len(columns)
            if stream is None or not stream.write(row, values):
                for col, (write, value) in enumerate(zip(writers, values, strict=True)):
                    write(row, col, value)
                if stream is not None:
                    stream.written_by_xlsxwriter(row)
            for i in totals:
                value = values[i]
                if value is not None and value.__class__ is not str:
                    sums[i] += value.value if value.__class__ is Formula else value
            row += 1
            result.rows += 1
            if progress is not None and result.rows % 500 == 0:
                progress(result.rows)
        self._finish_sheet(sheet, columns, first, row)
        close_section()
        return result

    def _total_row(self, sheet, columns, first, end, sums, label) -> None:
        sheet.write_string(end, 0, label, self.formats["total_label"])
        for col, column in enumerate(columns):
            if not column.total:
                continue
            fmt = self.formats[TOTAL_FORMATS.get(column.kind, "number_total")]
            if end == first:  # nothing to add up: a plain 0, not a formula
                sheet.write_number(end, col, sums[col], fmt)
                continue
            cells = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(end - 1, col)}"
            sheet.write_formula(end, col, f"=SUM({cells})", fmt, sums[col])

    def _start_sheet(self, name: str, columns: list[Column], title: str | None,
                     note: str | None):
        sheet = self.workbook.add_worksheet(name[:31])
        top = 0
        if title:
            sheet.write_string(0, 0, title, self.formats["title"])
            top = 2
        if note:
            sheet.write_string(1 if title else 0, 0, note, self.formats["note"])
            top = 2
        for col, column in enumerate(columns):
            sheet.write_string(top, col, column.header, self.formats["header"])
            sheet.set_column(col, col, column.width)
        height = row_height((c.header, c.width) for c in columns)
        if height:
            sheet.set_row(top, height)
        sheet.freeze_panes(top + 1, 0)
        self._print_setup(sheet, columns, top)
        kinds = [c.kind for c in columns]
        # Rows as xlsxwriter writes them by default: constant memory, Excel 2007 rows (no
        # data bars), the default row height.
        plain_rows = (sheet.constant_memory and sheet.excel_version == 2007
                      and sheet.default_row_height == sheet.original_row_height)
        stream = RowStream(sheet, kinds, self.formats, top + 1) if plain_rows else None
        return sheet, top + 1, [self._cell_writer(sheet, kind) for kind in kinds], stream

    def _print_setup(self, sheet, columns: list[Column], header: int) -> None:
        """Landscape A4, the header on every page; one page wide when that stays readable,
        else at full size over several pages, a row's pages one after the other, with the
        leading text columns (at least the first column) on every page."""
        sheet.set_paper(A4)
        sheet.set_landscape()
        sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        sheet.repeat_rows(0, header)
        if sum(c.width for c in columns) <= PRINT_FIT_WIDTH:
            sheet.fit_to_pages(1, 0)
        else:
            leading = next((i for i, c in enumerate(columns) if c.kind != "text"), 0)
            sheet.repeat_columns(0, max(leading, 1) - 1)
            sheet.print_across()
        sheet.set_footer("&L&A&RPagina &P van &N")

    def _finish_sheet(self, sheet, columns: list[Column], first: int, end: int) -> None:
        """The filter over the header and the data rows (not the total under them)."""
        last = max(end - 1, first)
        sheet.autofilter(first - 1, 0, last, len(columns) - 1)
