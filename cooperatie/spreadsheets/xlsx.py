"""Office Open XML workbooks (.xlsx), read in one streaming pass per sheet with defused XML.

Never trusts the declared dimension: every <row> that is there is read, and only the columns
asked for. Each cell keeps its saved value, its formula and whether its number format shows a
percentage or a date."""

import re
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from posixpath import dirname, join, normpath

from defusedxml.ElementTree import fromstring

from . import errors, xmlsafe
from .archive import Limits, read_small
from .cells import Cell, Row, RowCollector, column_letter, number_from_text

STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MACRO_TYPES = ("macroenabled", "vbaproject", "ms-excel.macrosheet", "ms-excel.intlmacrosheet")
WORKBOOK_TYPES = ("spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml",
                  "spreadsheetml/main")

PERCENT_IDS = {9, 10}
DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | {45, 46, 47} | set(range(50, 59))
TEXT_IDS = {49}
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[([^\]]*)\]")
_ELAPSED = re.compile(r"^(h+|m+|s+)$", re.IGNORECASE)
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIGITS = "0123456789"
FAR = 1 << 30  # a column past every limit


def is_xlsx(archive: zipfile.ZipFile) -> bool:
    return "[Content_Types].xml" in archive.namelist()


def format_kind(code: str) -> str:
    """'percent', 'date', 'text' or '' for a number format code such as '0,0%' or 'dd-mm-jjjj'
    (stored as 'dd-mm-yyyy'). Quoted text, escapes and colours do not count."""
    section = code.split(";")[0]
    if section.strip() == "@":
        return "text"
    elapsed = any(_ELAPSED.match(b) for b in _BRACKET.findall(section))
    bare = _BRACKET.sub("", _QUOTED.sub("", section))
    if "%" in bare:
        return "percent"
    if elapsed or (_DATE_LETTERS.search(bare) and bare.lower() not in ("general", "standard")):
        return "date"
    return ""


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _xml(data: bytes | None):
    return None if data is None else fromstring(data, forbid_dtd=True)


class XlsxBook:
    kind = "xlsx"

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive = archive
        self.limits = limits
        self._check_content_types()
        self.workbook_path = self._office_document()
        workbook = _xml(read_small(archive, self.workbook_path, limits))
        if workbook is None:
            raise errors.not_valid()
        self.ns = workbook.tag[1:].partition("}")[0]
        rel_ns = STRICT_REL if self.ns == STRICT else REL
        props = workbook.find(f"{{{self.ns}}}workbookPr")
        self.date1904 = props is not None and props.get("date1904") in ("1", "true")
        targets = self._relationships(self.workbook_path)
        self.sheet_parts: dict[str, str] = {}
        sheets = workbook.find(f"{{{self.ns}}}sheets")
        for sheet in sheets if sheets is not None else ():
            target = targets.get(sheet.get(f"{{{rel_ns}}}id"))
            if target and sheet.get("name"):
                self.sheet_parts[sheet.get("name")] = target
        self._strings: list[str] | None = None
        self._styles: list[str] | None = None
        # Some writers (openpyxl) name these only in the content types.
        self._shared_part = next(targets.get_by_type("sharedStrings"),
                                 self.parts_by_type.get("sharedstrings"))
        self._styles_part = next(targets.get_by_type("styles"), self.parts_by_type.get("styles"))

    @property
    def sheet_names(self) -> list[str]:
        return list(self.sheet_parts)

    # --- the package ---------------------------------------------------------------------

    def _check_content_types(self) -> None:
        types = _xml(read_small(self.archive, "[Content_Types].xml", self.limits))
        if types is None:
            raise errors.not_valid()
        found = [(el.get("ContentType") or "").lower() for el in types]
        self.parts_by_type = {t.rsplit(".", 1)[-1].split("+")[0]: (el.get("PartName") or "")
                              .lstrip("/") for el, t in zip(types, found, strict=True)
                              if el.get("PartName")}
        names = [n.lower() for n in self.archive.namelist()]
        if any(m in t for t in found for m in MACRO_TYPES) or any(
                n.endswith("vbaproject.bin") or "/macrosheets/" in n for n in names):
            raise errors.has_macros()
        if not any(w in t for t in found for w in WORKBOOK_TYPES):
            raise errors.not_valid()  # a Word document, a presentation, …

    def _office_document(self) -> str:
        rels = _xml(read_small(self.archive, "_rels/.rels", self.limits))
        for rel in rels if rels is not None else ():
            if rel.get("Type", "").endswith("/officeDocument"):
                return normpath(rel.get("Target", "").lstrip("/"))
        return "xl/workbook.xml"

    def _relationships(self, part: str) -> "_Targets":
        folder = dirname(part)
        rels = _xml(read_small(self.archive, join(folder, "_rels", part.rsplit("/", 1)[-1]
                                                  + ".rels"), self.limits))
        targets = _Targets()
        for rel in rels if rels is not None else ():
            if rel.tag != PKG_REL or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = normpath(target.lstrip("/") if target.startswith("/") else join(folder,
                                                                                    target))
            targets[rel.get("Id")] = path
            targets.types.append((rel.get("Type", "").rsplit("/", 1)[-1], path))
        return targets

    # --- shared parts --------------------------------------------------------------------

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_strings()
        return self._strings

    def _read_strings(self) -> list[str]:
        if self._shared_part is None or self._shared_part not in self.archive.namelist():
            return []
        ns = self.ns
        sst, si, t, phonetic = (f"{ns} {n}" for n in ("sst", "si", "t", "rPh"))
        strings: list[str] = []
        parts: list[str] = []
        state = {"text": False, "phonetic": 0}
        max_strings = self.limits.max_strings

        def start(name, attrs):
            if name == t:
                state["text"] = not state["phonetic"]
            elif name == phonetic:
                state["phonetic"] += 1  # a reading guide, not the text
            elif name == sst and _int(attrs.get("uniqueCount")) > max_strings:
                raise errors.out_of_proportion()

        def end(name):
            if name == t:
                state["text"] = False
            elif name == phonetic:
                state["phonetic"] -= 1
            elif name == si:
                strings.append(_unescape("".join(parts)))
                parts.clear()
                if len(strings) > max_strings:
                    raise errors.out_of_proportion()

        def data(text):
            if state["text"]:
                parts.append(text)

        xmlsafe.expat_parse(self.archive, self._shared_part, start, end, data)
        return strings

    def styles(self) -> list[str]:
        """Per cell style (the `s` attribute): 'percent', 'date', 'text' or ''."""
        if self._styles is None:
            self._styles = self._read_styles()
        return self._styles

    def _read_styles(self) -> list[str]:
        styles = _xml(read_small(self.archive, self._styles_part or "xl/styles.xml",
                                 self.limits))
        if styles is None:
            return []
        ns = self.ns
        custom = {}
        formats = styles.find(f"{{{ns}}}numFmts")
        for fmt in formats if formats is not None else ():
            custom[_int(fmt.get("numFmtId"))] = format_kind(fmt.get("formatCode", ""))
        kinds = []
        xfs = styles.find(f"{{{ns}}}cellXfs")
        for xf in xfs if xfs is not None else ():
            number = _int(xf.get("numFmtId"))
            if number in custom:
                kinds.append(custom[number])
            elif number in PERCENT_IDS:
                kinds.append("percent")
            elif number in DATE_IDS:
                kinds.append("date")
            elif number in TEXT_IDS:
                kinds.append("text")
            else:
                kinds.append("")
        return kinds

    # --- a sheet -------------------------------------------------------------------------

    def read_sheet(self, name: str, columns: int | None) -> list[Row]:
        part = self.sheet_parts[name]
        if part not in self.archive.namelist():
            raise errors.not_valid()
        if _count_rows(self.archive, part) > self.limits.max_rows + 1:
            # More <row> elements than an upload may have rows: refused before parsing, in
            # milliseconds (counting bytes runs at memory speed).
            raise errors.too_many_rows(name, self.limits.max_rows)
        return _SheetReader(self, name, columns).read(part)


_ROW_MARKS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")


def _count_rows(archive: zipfile.ZipFile, part: str) -> int:
    """How many <row> elements a sheet part has (an upper bound of its rows with content)."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            block = tail + chunk
            count += sum(block.count(mark) for mark in _ROW_MARKS)
            tail = block[-5:]
            count -= sum(tail.count(mark) for mark in _ROW_MARKS)  # counted again next time
    return count + sum(tail.count(mark) for mark in _ROW_MARKS)


class _Targets(dict):
    def __init__(self):
        super().__init__()
        self.types: list[tuple[str, str]] = []

    def get_by_type(self, kind: str):
        return (path for k, path in self.types if k == kind)


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


def _letters_to_index(max_columns: int) -> dict[str, int]:
    return {column_letter(i): i for i in range(max_columns)}


class _SheetReader:
    """One pass over a sheet's XML with expat handlers: no element tree, so memory stays at
    one row's cells whatever the sheet holds or declares."""

    def __init__(self, book: XlsxBook, name: str, columns: int | None):
        self.book = book
        self.collector = RowCollector(name, columns, book.limits)
        self.letters = _letters_to_index(self.collector.columns)
        self.styles = book.styles()
        self.shared_formulas: dict[str, tuple[str, str]] = {}

    def read(self, part: str) -> list[Row]:
        ns = self.book.ns
        row_tag, c_tag, v_tag, f_tag, t_tag = (f"{ns} {n}" for n in ("row", "c", "v", "f", "t"))
        collector, letters, far = self.collector, self.letters, FAR
        text: list[str] = []
        state = {"number": 0, "column": -1, "cells": {}, "cell": None, "collect": False}

        def start(name, attrs):
            if name == c_tag:
                ref = attrs.get("r")
                column = letters.get(ref.rstrip(_DIGITS), far) if ref else state["column"] + 1
                state["column"] = column
                if column < collector.columns:
                    state["cell"] = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "r": ref}
                else:
                    state["cell"] = None
            elif state["cell"] is not None and name in (v_tag, f_tag, t_tag):
                text.clear()
                state["collect"] = True
                if name == f_tag:
                    state["cell"]["f_attrs"] = attrs
            elif name == row_tag:
                state["number"] = _int(attrs.get("r")) or state["number"] + 1
                state["cells"], state["column"] = {}, -1

        def end(name):
            cell = state["cell"]
            if name == c_tag:
                if cell is not None:
                    made = self._cell(cell)
                    if made is not None:
                        state["cells"][state["column"]] = made
                state["cell"] = None
            elif cell is not None and state["collect"]:
                state["collect"] = False
                if name == v_tag:
                    cell["v"] = "".join(text)
                elif name == f_tag:
                    cell["f"] = "".join(text)
                elif name == t_tag:  # the runs of an inline string
                    cell["is"] = cell.get("is", "") + "".join(text)
            elif name == row_tag:
                if state["cells"]:
                    collector.add(state["number"], state["cells"])

        def data(chunk):
            if state["collect"]:
                text.append(chunk)

        xmlsafe.expat_parse(self.book.archive, part, start, end, data)
        return collector.rows

    def _cell(self, raw: dict) -> Cell | None:
        kind = raw["t"]
        formula = self._formula(raw["f"], raw.get("f_attrs", {}), raw["r"]) if "f" in raw \
            else None
        text = raw.get("v")
        if kind == "s":
            if text is None:
                return None
            try:
                return Cell(self.book.strings()[int(text)], "text", formula)
            except (ValueError, IndexError):
                raise errors.not_valid() from None
        if kind == "inlineStr":
            return Cell(_unescape(raw.get("is", "")), "text", formula)
        if kind == "str":
            if text is None:
                return Cell(None, "text", formula) if formula else None
            return Cell(_unescape(text), "text", formula)
        if kind == "b":
            if text is None:
                return Cell(None, "bool", formula) if formula else None
            return Cell(text.strip() in ("1", "true"), "bool", formula)
        if kind == "e":
            return Cell(text or "#N/A", "error", formula)
        if kind == "d":
            return Cell(_iso_date(text), "date", formula) if text else (
                Cell(None, "date", formula) if formula else None)
        if text is None or not text.strip():
            return Cell(None, "number", formula) if formula else None
        number = number_from_text(text.strip())
        style = raw["s"]
        style = self.styles[int(style)] if style and style.isdigit() and int(style) < len(
            self.styles) else ""
        if style == "date":
            return Cell(_serial_date(number, self.book.date1904), "date", formula)
        return Cell(number, "number", formula, percent=style == "percent")

    def _formula(self, text: str, attrs: dict, ref: str | None) -> str:
        text = text.strip()
        if attrs.get("t") == "shared":
            index = attrs.get("si", "")
            if text:
                self.shared_formulas[index] = (text, ref or "A1")
            elif index in self.shared_formulas:
                text = _translate(*self.shared_formulas[index], ref)
        if not text:
            return "="  # a formula we cannot show; it still counts as one
        return text if text.startswith("=") else f"={text}"


def _translate(text: str, origin: str, ref: str | None) -> str:
    """A shared formula as it reads in this cell (its references moved along)."""
    if not ref:
        return text
    from openpyxl.formula.translate import Translator, TranslatorError

    try:
        return Translator(f"={text}", origin=origin).translate_formula(ref)[1:]
    except (TranslatorError, ValueError, IndexError):
        return text


def _serial_date(number: Decimal, date1904: bool) -> date | datetime:
    if number < 0 or number > 2958465:  # 31-12-9999
        raise errors.not_valid()
    days = int(number)
    if date1904:
        start = datetime(1904, 1, 1)
    elif days < 61:  # Lotus' 29-02-1900 that never was
        start = datetime(1899, 12, 31)
    else:
        start = datetime(1899, 12, 30)
    seconds = round((number - days) * 86400)
    moment = start + timedelta(days=days, seconds=seconds)
    return moment.date() if seconds == 0 else moment


def _iso_date(text: str) -> date | datetime:
    try:
        moment = datetime.fromisoformat(text.strip().removesuffix("Z"))
    except ValueError:
        raise errors.not_valid() from None
    return moment.date() if moment.time() == datetime.min.time() else moment

