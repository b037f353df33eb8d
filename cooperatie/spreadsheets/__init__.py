"""The one hardened reader every upload goes through (.xlsx, .ods and, where asked, .csv).

    book = spreadsheets.open_workbook(data, filename=name)   # raises Refused (Dutch)
    sheet = book.sheet("Begroting", columns=5)               # None when the sheet is missing
    for row in sheet.rows:                                   # every row with something in it
        code, name, stream, amount, note = row.cells(5)      # Cell: value, formula, percent

Before anything is parsed the zip directory is checked (size, part count, unpacked size and
ratio, encryption, macros); XML is parsed with defusedxml (no DTD, no entities); a sheet is
read in one streaming pass, whatever dimension it declares, keeping only the columns asked
for, so memory and time follow what the file really holds. A formula keeps its saved result
(never calculated here); a number keeps whether it is shown as a percentage. Anything
malformed is a Refused with a Dutch message, never an exception from a parser.
"""

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from . import errors, pending
from .archive import Limits, open_zip
from .cells import EMPTY, Cell, Row, RowCollector, column_letter, shown
from .errors import Refused, where
from .ods import OdsBook, is_ods
from .text import clean_code, clean_note, read_code, read_note
from .xlsx import XlsxBook, is_xlsx

__all__ = ["EMPTY", "Cell", "Limits", "Refused", "Row", "Sheet", "Workbook", "capped", "clean_code",
           "clean_note", "column_letter", "header_problems", "open_workbook", "pending",
           "read_code", "read_note", "shown", "where"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected .xlsx
_MALFORMED = (zipfile.BadZipFile, zlib.error, ParseError, ExpatError, DefusedXmlException,
              ValueError, KeyError, IndexError, EOFError, OSError, RecursionError,
              UnicodeError)


class Sheet:
    """`rows`: the rows that hold something within the columns read, in file order, each
    numbered as in the file."""

    def __init__(self, name: str, rows: list[Row]):
        self.name = name
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)

    def header(self) -> list[str]:
        """Row 1's texts (stripped), up to the columns read; [] when row 1 is empty."""
        if not self.rows or self.rows[0].number != 1:
            return []
        first = self.rows[0]
        return [clean_code(c.shown()) if not c.formula else c.formula
                for c in first.cells(first.width)]

    def body(self) -> list[Row]:
        """The rows below the header (row 1)."""
        return [r for r in self.rows if r.number > 1]


class Workbook:
    def __init__(self, backend, limits: Limits):
        self._backend = backend
        self.limits = limits
        self.kind = backend.kind
        self._sheets: dict[tuple[str, int], Sheet] = {}
        with _guard():
            self.sheet_names: list[str] = backend.sheet_names

    def sheet(self, name: str, *, columns: int | None = None) -> Sheet | None:
        """The sheet, reading only its first `columns` columns (default: those of its header,
        row 1); None when the workbook has no such sheet. Raises Refused for a malformed or
        oversized sheet."""
        if name not in self.sheet_names:
            return None
        key = (name, columns)
        if key not in self._sheets:
            with _guard():
                self._sheets[key] = Sheet(name, self._backend.read_sheet(name, columns))
        return self._sheets[key]


class _guard:
    """Every parser error becomes the one Dutch "geen geldig bestand" message."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, _MALFORMED):
            raise errors.not_valid() from None
        return False


def open_workbook(data: bytes, *, filename: str = "", accept: Sequence[str] = ("xlsx", "ods"),
                  limits: Limits | None = None) -> Workbook:
    """Open an upload. `accept` may add "csv" (one sheet, named after the file). Raises
    Refused with a Dutch message for a file that is empty, too big, not a workbook, a zip bomb,
    encrypted, or with macros."""
    limits = (limits or Limits()).resolved()
    if not data:
        raise errors.empty_file()
    if len(data) > limits.max_bytes:
        raise errors.too_big(limits.max_bytes)
    if data.startswith(OLE_MAGIC):
        raise errors.locked_or_old()
    if data.startswith(b"PK"):
        archive = open_zip(data, limits)
        with _guard():
            if is_ods(archive) and "ods" in accept:
                return Workbook(OdsBook(archive, limits), limits)
            if is_xlsx(archive) and "xlsx" in accept:
                return Workbook(XlsxBook(archive, limits), limits)
        raise errors.not_valid()
    if "csv" in accept:
        with _guard():
            return Workbook(_CsvBook(data, filename, limits), limits)
    raise errors.not_valid()


class _CsvBook:
    """A CSV table (such as CBS publishes), with ';', ',' or tab between the fields: one sheet
    of text cells, named after the file."""

    kind = "csv"

    def __init__(self, data: bytes, filename: str, limits: Limits):
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.text = data.decode("cp1252")  # Excel's "CSV (gescheiden door lijstscheiding…)"
        if "\x00" in self.text:
            raise errors.not_valid()
        self.limits = limits
        self.name = (filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or _("CSV"))[:31]

    @property
    def sheet_names(self) -> list[str]:
        return [self.name]

    def read_sheet(self, name: str, columns: int | None) -> list[Row]:
        first = self.text.split("\n", 1)[0]
        delimiter = max(";,\t", key=first.count)
        collector = RowCollector(name, columns, self.limits)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        for number, fields in enumerate(reader, start=1):
            cells = {i: Cell(v, "text") for i, v in enumerate(fields[:collector.columns])
                     if v.strip()}
            if cells:
                collector.add(number, cells)
        return collector.rows


def capped(messages: list[str], limit: int = 200) -> list[str]:
    """The first `limit` messages and how many more there are: a file with an error on every
    one of its 50,000 rows gets a page that can still be read."""
    if len(messages) <= limit:
        return messages
    return [*messages[:limit], _("… en nog %(n)s fouten.") % {"n": len(messages) - limit}]


def header_problems(sheet: Sheet, expected: Sequence[str]) -> list[str]:
    """A Dutch line for every column of row 1 that is not the expected header (compared
    without case and surrounding spaces)."""
    found = sheet.header()
    found += [""] * (len(expected) - len(found))
    return [
        _("%(where)s: verwacht '%(expected)s', gevonden '%(found)s'.") % {
            "where": where(sheet.name, 1, column_letter(i)), "expected": exp, "found": got}
        for i, (exp, got) in enumerate(zip(expected, found, strict=False))
        if exp.casefold() != got.casefold()
    ]
