"""OpenDocument spreadsheets (.ods, LibreOffice), read in one streaming pass over content.xml
with defused XML. Repeated rows and columns (LibreOffice writes a million empty ones) cost
nothing unless they hold something, and then only up to the limits."""

import zipfile
from datetime import date, datetime

from . import errors, xmlsafe
from .archive import Limits
from .cells import Cell, Row, RowCollector, number_from_text

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

T_TABLE, T_ROW, T_CELL, T_COVERED = (f"{{{TABLE}}}{n}" for n in (
    "table", "table-row", "table-cell", "covered-table-cell"))
CONTAINERS = {f"{{{TABLE}}}{n}" for n in ("table", "table-header-rows", "table-rows",
                                          "table-row-group")}
A_NAME, A_ROWS, A_COLUMNS, A_FORMULA = (f"{{{TABLE}}}{n}" for n in (
    "name", "number-rows-repeated", "number-columns-repeated", "formula"))
A_TYPE, A_VALUE, A_DATE, A_BOOL, A_STRING = (f"{{{OFFICE}}}{n}" for n in (
    "value-type", "value", "date-value", "boolean-value", "string-value"))
P_TAGS = {f"{{{TEXT}}}p", f"{{{TEXT}}}h"}
X_SPACE, X_TAB, X_BREAK = (f"{{{TEXT}}}{n}" for n in ("s", "tab", "line-break"))
MACRO_FOLDERS = ("basic/", "scripts/")
MACRO_INDEXES = ("script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml")


def is_ods(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").strip() == MIMETYPE
    except KeyError:
        return False


class OdsBook:
    kind = "ods"

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        for name in (n.lower() for n in archive.namelist()):
            if name.startswith(MACRO_FOLDERS) and not name.endswith(("/", *MACRO_INDEXES)):
                raise errors.has_macros()
        if "content.xml" not in archive.namelist():
            raise errors.not_valid()
        self._names: list[str] | None = None

    @property
    def sheet_names(self) -> list[str]:
        if self._names is None:
            self._names = _read_content(xmlsafe.iterparse(self.archive, "content.xml"),
                                        self.limits)
        return self._names

    def read_sheet(self, name: str, columns: int | None) -> list[Row]:
        collector = RowCollector(name, columns, self.limits)
        _read_content(xmlsafe.iterparse(self.archive, "content.xml"), self.limits, collector)
        return collector.rows


def _read_content(events, limits: Limits, collector: RowCollector | None = None) -> list[str]:
    """The names of the tables; with a collector, also the rows of its table."""
    names: list[str] = []
    containers: list = []
    reading = False
    number = 0
    cells: dict[int, Cell] = {}
    column = 0
    for event, el in events:
        tag = el.tag
        if event == "start":
            if tag in CONTAINERS:
                containers.append(el)
                if tag == T_TABLE:
                    names.append(el.get(A_NAME) or f"Blad{len(names) + 1}")
                    reading = collector is not None and names[-1] == collector.sheet
                    number = 0
            elif tag == T_ROW:
                cells, column = {}, 0
            continue
        if reading and (tag == T_CELL or tag == T_COVERED):
            repeat = _count(el.get(A_COLUMNS))
            if column < collector.columns:
                cell = _cell(el) if tag == T_CELL else None
                if cell is not None and not cell.is_blank:
                    for i in range(column, min(column + repeat, collector.columns)):
                        cells[i] = cell
            column += repeat
        elif tag == T_ROW:
            repeat = _count(el.get(A_ROWS))
            if reading and cells:
                if repeat > limits.max_rows:
                    raise errors.too_many_rows(collector.sheet, limits.max_rows)
                for i in range(repeat):
                    collector.add(number + i + 1, cells)
            number += repeat
            if containers:
                containers[-1].clear()
        elif tag in CONTAINERS:
            containers.pop()
    return names


def _count(text) -> int:
    try:
        return max(int(text), 1) if text else 1
    except ValueError:
        raise errors.not_valid() from None


def _cell(el) -> Cell | None:
    formula = el.get(A_FORMULA)
    if formula:
        prefix, sep, rest = formula.partition(":=")  # "of:=12*4500": OpenFormula
        formula = "=" + (rest if sep and prefix.isalnum() else formula.lstrip("="))
    kind = el.get(A_TYPE)
    if kind in ("float", "percentage", "currency"):
        raw = el.get(A_VALUE)
        if raw is None:
            return Cell(None, "number", formula) if formula else None
        return Cell(number_from_text(raw), "number", formula, percent=kind == "percentage")
    if kind == "date":
        return Cell(_date(el.get(A_DATE) or ""), "date", formula)
    if kind == "boolean":
        return Cell(el.get(A_BOOL) == "true", "bool", formula)
    text = _text(el)
    if kind == "string" and el.get(A_STRING) is not None and not text:
        text = el.get(A_STRING)
    if kind is None and formula:
        return Cell(None, "text", formula)  # a formula saved without its result
    if not text and kind is None:
        return None
    return Cell(text, "text", formula)


def _date(text: str) -> date | datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise errors.not_valid() from None
    return moment.date() if moment.time() == datetime.min.time() else moment


def _text(cell) -> str:
    return "\n".join(_inline(p) for p in cell if p.tag in P_TAGS)


def _inline(el) -> str:
    parts = [el.text or ""]
    for child in el:
        if child.tag == X_SPACE:
            parts.append(" " * _count(child.get(f"{{{TEXT}}}c")))
        elif child.tag == X_TAB:
            parts.append("\t")
        elif child.tag == X_BREAK:
            parts.append("\n")
        elif child.tag.startswith(f"{{{OFFICE}}}annotation"):
            pass
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
