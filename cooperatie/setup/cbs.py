"""Inhabitants from a CBS "Kerncijfers wijken en buurten" table, as CBS publishes it.

CBS publishes the table for the whole country, as Excel or as CSV: one row per municipality
(GM…), district (WK…) and neighbourhood (BU…); the column `gwb_code` holds the code and `a_inw`
the number of inhabitants. The CSV is separated by semicolons, pads its values with spaces and
writes "." where a figure is missing or kept secret. Only the neighbourhood rows count; they
are matched to the cooperative's neighbourhoods by code. Read through the hardened reader.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .. import spreadsheets
from ..numbers import NoSavedResult, parse_decimal, typed

CODE, INHABITANTS = "gwb_code", "a_inw"
MISSING = {".", "", "-", "x"}  # CBS's marks for "not known" and "secret"
COLUMNS = 16  # gwb_code and a_inw are columns F and H of CBS's tables; a selection has them
#               further left. Reading only these keeps a national table (17,000 rows) small.
HEADER_ROWS = 10
MAX_BYTES = 60 * 1024 * 1024  # the national table as CSV is about 25 MB


@dataclass
class CbsTable:
    """Inhabitants per neighbourhood code; None where CBS gives no figure."""

    sheet: str = ""
    inhabitants: dict[str, int | None] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # code → row in the file


def read_table(data: bytes, *, filename: str = "") -> tuple[CbsTable | None, list[str]]:
    limits = spreadsheets.Limits(max_bytes=MAX_BYTES, max_rows=100_000, max_columns=COLUMNS)
    try:
        book = spreadsheets.open_workbook(data, filename=filename,
                                          accept=("xlsx", "ods", "csv"), limits=limits)
        for name in book.sheet_names:
            sheet = book.sheet(name, columns=COLUMNS)
            found = _header(sheet)
            if found is not None:
                return _read(sheet, *found)
    except spreadsheets.Refused as exc:
        return None, exc.messages
    return None, [_("Dit is geen tabel 'Kerncijfers wijken en buurten' van het CBS: geen blad "
                    "heeft in de eerste rijen de kolommen '%(code)s' en '%(inw)s'.")
                  % {"code": CODE, "inw": INHABITANTS}]


def _header(sheet):
    """(header row number, code column, inhabitants column), or None."""
    for row in sheet.rows[:HEADER_ROWS]:
        names = {}
        for i, cell in enumerate(row.cells(COLUMNS)):
            if cell.kind == "text":
                names.setdefault(spreadsheets.clean_code(cell.value).casefold(), i)
        if CODE in names and INHABITANTS in names:
            return row.number, names[CODE], names[INHABITANTS]
    return None


def _read(sheet, header_row: int, code_column: int, count_column: int):
    table, errors = CbsTable(sheet=sheet.name), []
    for row in sheet.rows:
        if row.number <= header_row:
            continue
        try:
            code = spreadsheets.read_code(row[code_column])
        except ValueError as exc:
            errors.append(f"{spreadsheets.where(sheet.name, row.number, CODE)}: {exc}")
            continue
        if not code.upper().startswith("BU"):
            continue  # the country, a municipality or a district
        code = code.upper()
        if code in table.rows:
            errors.append(_("%(where)s: buurtcode %(code)s staat ook al op rij %(first)s.") % {
                "where": spreadsheets.where(sheet.name, row.number, CODE), "code": code,
                "first": table.rows[code]})
            continue
        table.rows[code] = row.number
        try:
            table.inhabitants[code] = _count(row[count_column])
        except ValueError as exc:
            errors.append(f"{spreadsheets.where(sheet.name, row.number, INHABITANTS)}: {exc}")
    if not table.rows and not errors:
        errors.append(_("Blad %(sheet)s: er staan geen buurten (codes BU…) in de tabel.")
                      % {"sheet": sheet.name})
    return (None if errors else table), errors


def _count(cell) -> int | None:
    if cell.kind in ("text", "empty") and (cell.value or "").strip() in MISSING:
        return None
    try:
        number = parse_decimal(cell)
    except NoSavedResult:
        raise
    except ValueError:
        number = None
    if number is None or number < 0 or number != number.to_integral_value():
        raise ValueError(_("'%(value)s' is geen aantal inwoners.")
                         % {"value": typed(cell).strip()})  # without CBS's padding
    return int(number)
