"""The structure workbook: written pre-filled with what exists, read back into a `Structure`.

Sheets (README): `Coöperatie` (code, name, municipality), `Gebieden`, `Buurten` (CBS code,
name, area, end date, then one column "Inwoners JJJJ" per year), `Teams`, `Partners`,
`Financieringsstromen` and `Expertises`. Reading goes through the one hardened reader
(cooperatie.spreadsheets) and validates the cells only; `services.structure_apply` checks the
rest, so that both name every problem by sheet, row and column.
"""

import re
from datetime import date, datetime

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import FundingStream
from partners.models import Organisation

from .. import spreadsheets
from ..models import Team
from ..numbers import NoSavedResult, parse_decimal, typed
from . import structure as s
from .structure import Structure, where

COLUMNS = {
    s.AREAS: ["Code", "Naam"],
    s.NEIGHBOURHOODS: ["Buurtcode", "Naam", "Gebied", "Einddatum"],  # + "Inwoners JJJJ"
    s.TEAMS: ["Code", "Naam", "Soort", "Gebied", "Buurten", "Einddatum"],
    s.PARTNERS: ["Code", "Naam", "KvK-nummer", "Soort", "Lid vanaf", "Lid tot en met",
                 "Stemgewicht"],
    s.STREAMS: ["Code", "Naam", "Wet", "Taakveld"],
    s.EXPERTISES: ["Code", "Naam"],
}
COOPERATIVE_FIELDS = ["Code", "Naam", "Gemeente"]
INHABITANTS = re.compile(r"^inwoners\s+(\d{4})$", re.IGNORECASE)
MAX_YEAR_COLUMNS = 30
WIDTHS = {"Code": 14, "Buurtcode": 14, "Naam": 34, "Gebied": 12, "Einddatum": 13, "Soort": 22,
          "Buurten": 48, "KvK-nummer": 13, "Lid vanaf": 13, "Lid tot en met": 14,
          "Stemgewicht": 12, "Wet": 28, "Taakveld": 40}
LIST_ROWS = 5000  # how far down the drop-down lists reach
NAME_MAX = 200


def choices(model_choices) -> dict[str, str]:
    """Label (as the workbook shows it) → value, for a TextChoices."""
    return {str(label): value for value, label in model_choices.choices}


def team_kinds():
    return choices(Team.Kind)


def partner_kinds():
    return choices(Organisation.Kind)


def laws():
    return choices(FundingStream.Law)


# --- writing --------------------------------------------------------------------------------


def write_workbook(output, structure: Structure) -> None:
    """Write the structure workbook to `output` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(output, {
        "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
        "strings_to_urls": False})
    add = workbook.add_format
    formats = {
        "header": add({"bold": True, "bg_color": "#DCE6F1", "border": 1}),
        "text": add({"num_format": "@"}),
        "date": add({"num_format": "dd-mm-yyyy"}),
        "int": add({"num_format": "#,##0"}),
        "weight": add({"num_format": "0.00"}),
        "label": add({"bold": True}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
    }
    coop = structure.cooperative or s.CooperativeRow("", "")
    _cooperative_sheet(workbook, formats, coop)
    areas = [[a.code, a.name] for a in structure.areas or []]
    _table(workbook, formats, s.AREAS, COLUMNS[s.AREAS], areas, ["text", "text"])
    years = sorted({y for h in structure.neighbourhoods or [] for y in h.inhabitants}
                   or {timezone.localdate().year})
    hoods = [[h.code, h.name, h.area, h.ended_on, *(h.inhabitants.get(y) for y in years)]
             for h in structure.neighbourhoods or []]
    sheet = _table(workbook, formats, s.NEIGHBOURHOODS,
                   COLUMNS[s.NEIGHBOURHOODS] + [f"Inwoners {y}" for y in years], hoods,
                   ["text", "text", "text", "date"] + ["int"] * len(years))
    _area_list(sheet, 2)
    kinds = {v: k for k, v in team_kinds().items()}
    teams = [[t.code, t.name, kinds.get(t.kind, t.kind), t.area, ", ".join(t.neighbourhoods),
              t.ended_on] for t in structure.teams or []]
    sheet = _table(workbook, formats, s.TEAMS, COLUMNS[s.TEAMS], teams,
                   ["text", "text", "text", "text", "text", "date"])
    _choice_list(sheet, 2, list(team_kinds()))
    _area_list(sheet, 3)
    kinds = {v: k for k, v in partner_kinds().items()}
    partners = [[p.code, p.name, p.kvk_number, kinds.get(p.kind, p.kind), p.valid_from,
                 p.valid_to, p.voting_weight] for p in structure.partners or []]
    sheet = _table(workbook, formats, s.PARTNERS, COLUMNS[s.PARTNERS], partners,
                   ["text", "text", "text", "text", "date", "date", "weight"])
    _choice_list(sheet, 3, list(partner_kinds()))
    names = {v: k for k, v in laws().items()}
    streams = [[f.code, f.name, names.get(f.law, f.law), f.taakveld]
               for f in structure.streams or []]
    sheet = _table(workbook, formats, s.STREAMS, COLUMNS[s.STREAMS], streams,
                   ["text", "text", "text", "text"])
    _choice_list(sheet, 2, list(laws()))
    _table(workbook, formats, s.EXPERTISES, COLUMNS[s.EXPERTISES],
           [[e.code, e.name] for e in structure.expertises or []], ["text", "text"])
    workbook.close()


def _cooperative_sheet(workbook, formats, coop: s.CooperativeRow) -> None:
    sheet = workbook.add_worksheet(s.COOPERATIVE)
    sheet.write_row(0, 0, ["Gegeven", "Waarde"], formats["header"])
    for i, (label, value) in enumerate(zip(COOPERATIVE_FIELDS,
                                           [coop.code, coop.name, coop.municipality],
                                           strict=True), start=1):
        sheet.write_string(i, 0, label, formats["label"])
        sheet.write_string(i, 1, value or "", formats["text"])
    lines = [
        _("Zo werkt dit werkboek"),
        _("Elk blad is de volledige lijst: wat er staat, wordt zo; een nieuwe rij wordt "
          "toegevoegd; een rij die u weghaalt, wordt verwijderd, tenzij er al begrotingen, "
          "grootboekregels of inzet aan hangen: beëindig zo'n buurt of team dan met een "
          "einddatum, en een partner met 'Lid tot en met'."),
        _("Buurten: de CBS-code is BU gevolgd door 8 cijfers. Inwoners per jaar staan in "
          "kolommen 'Inwoners 2026', 'Inwoners 2027', …; voeg gerust een kolom toe. Een leeg "
          "vak laat het bekende aantal staan."),
        _("Teams: zet bij Buurten de buurtcodes die het team bedient, gescheiden door "
          "komma's."),
        _("Partners: het KvK-nummer heeft 8 cijfers; datums als 24-11-2026."),
        _("Expertises gelden voor alle coöperaties; nieuwe worden toegevoegd, namen wijzigt "
          "de applicatiebeheerder."),
        _("Bij het uploaden ziet u eerst alle wijzigingen (oud → nieuw); er verandert niets "
          "tot u bevestigt. Een fout ergens en er verandert niets."),
        _("Gemaakt op %(when)s") % {"when": timezone.localtime().strftime("%d-%m-%Y %H:%M")},
    ]
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 80)
    sheet.write_string(6, 0, lines[0], formats["label"])
    for i, line in enumerate(lines[1:], start=7):
        sheet.merge_range(i, 0, i, 1, line, formats["wrap"])
        sheet.set_row(i, 45)


def _table(workbook, formats, name: str, header: list[str], rows: list[list], kinds: list[str]):
    sheet = workbook.add_worksheet(name)
    sheet.write_row(0, 0, header, formats["header"])
    for r, values in enumerate(rows, start=1):
        for c, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None or value == "":
                sheet.write_blank(r, c, None, formats[kind])
            elif kind == "date":
                sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()),
                                     formats["date"])
            elif kind in ("int", "weight"):
                sheet.write_number(r, c, value, formats[kind])
            else:
                sheet.write_string(r, c, str(value), formats["text"])
    for c, (title, kind) in enumerate(zip(header, kinds, strict=True)):
        sheet.set_column(c, c, WIDTHS.get(title, 14), formats[kind])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(header) - 1)
    return sheet


def _choice_list(sheet, column: int, labels: list[str]) -> None:
    sheet.data_validation(1, column, LIST_ROWS, column, {
        "validate": "list", "source": labels,
        "error_title": _("Onbekende keuze"),
        "error_message": _("Kies een waarde uit de lijst."),
    })


def _area_list(sheet, column: int) -> None:
    # A warning, not a stop: a new area may be typed here before it is on Gebieden.
    sheet.data_validation(1, column, LIST_ROWS, column, {
        "validate": "list", "source": f"='{s.AREAS}'!$A$2:$A${LIST_ROWS}",
        "error_type": "warning", "error_title": _("Onbekend gebied"),
        "error_message": _("Deze code staat (nog) niet op het blad Gebieden."),
    })


# --- reading --------------------------------------------------------------------------------


class _Reader:
    def __init__(self):
        self.errors: list[str] = []

    def problem(self, sheet, row, column, message) -> None:
        self.errors.append(f"{where(sheet, row, column)}: {message}")

    def cell(self, sheet, row, column, cell, parse, *, required=False):
        """The parsed value of a cell, or None (with the problem noted) when it is wrong."""
        if cell.is_blank:
            if required:
                self.problem(sheet, row.number, column, _("vul dit in."))
            return None
        try:
            return parse(cell)
        except ValueError as exc:
            self.problem(sheet, row.number, column, str(exc))
            return None

    def sheet(self, book, name: str, header: list[str], *, extra: int = 0):
        sheet = book.sheet(name, columns=len(header) + extra)
        if sheet is None:
            self.errors.append(_("Het blad '%(sheet)s' ontbreekt.") % {"sheet": name})
            return None
        problems = spreadsheets.header_problems(sheet, header)
        if problems:
            self.errors += problems
            return None
        return sheet


def read_workbook(data: bytes, *, filename: str = "") -> tuple[Structure | None, list[str]]:
    """The structure a workbook describes, and every problem in its cells (Dutch, with sheet,
    row and column). Nothing is written here."""
    try:
        book = spreadsheets.open_workbook(data, filename=filename)
        reader = _Reader()
        structure = Structure(
            cooperative=_read_cooperative(reader, book),
            areas=_read_rows(reader, book, s.AREAS, _area),
            neighbourhoods=_read_neighbourhoods(reader, book),
            teams=_read_rows(reader, book, s.TEAMS, _team),
            partners=_read_rows(reader, book, s.PARTNERS, _partner),
            streams=_read_rows(reader, book, s.STREAMS, _stream),
            expertises=_read_rows(reader, book, s.EXPERTISES, _expertise),
        )
    except spreadsheets.Refused as exc:
        return None, exc.messages
    return structure, reader.errors


def _read_cooperative(reader: _Reader, book) -> s.CooperativeRow | None:
    sheet = book.sheet(s.COOPERATIVE, columns=2)
    if sheet is None:
        reader.errors.append(_("Het blad '%(sheet)s' ontbreekt.") % {"sheet": s.COOPERATIVE})
        return None
    values, rows = {}, {}
    for row in sheet.body():
        label_cell, value_cell = row.cells(2)
        label = spreadsheets.read_code(label_cell) if not label_cell.formula else ""
        if label in COOPERATIVE_FIELDS:
            values[label] = reader.cell(s.COOPERATIVE, row, "Waarde", value_cell, _name) or ""
            rows[label] = row.number
    if not values.get("Code") or not values.get("Naam"):
        reader.errors.append(_("%(where)s: vul de code en de naam van de coöperatie in (rijen "
                               "Code en Naam).") % {"where": where(s.COOPERATIVE)})
    return s.CooperativeRow(values.get("Code", ""), values.get("Naam", ""),
                            values.get("Gemeente", ""), rows.get("Code"))


def _read_rows(reader: _Reader, book, name: str, make) -> list | None:
    sheet = reader.sheet(book, name, COLUMNS[name])
    if sheet is None:
        return None
    out = []
    for row in sheet.body():
        cells = dict(zip(COLUMNS[name], row.cells(len(COLUMNS[name])), strict=True))
        before = len(reader.errors)

        def get(column, parse=None, required=False, cells=cells, row=row):
            return reader.cell(name, row, column, cells[column], parse or _name,
                               required=required)

        item = make(get, row.number)
        if len(reader.errors) == before:
            out.append(item)
    return out


def _area(get, number) -> s.AreaRow:
    return s.AreaRow(get("Code", _code, True), get("Naam", required=True), number)


def _team(get, number) -> s.TeamRow:
    return s.TeamRow(get("Code", _code, True), get("Naam", required=True),
                     get("Soort", _choice(team_kinds()), True), get("Gebied", _code, True),
                     get("Buurten", _codes) or [], get("Einddatum", _date), number)


def _partner(get, number) -> s.PartnerRow:
    weight = get("Stemgewicht", _weight)
    return s.PartnerRow(get("Code", _code, True), get("Naam", required=True),
                        get("KvK-nummer", _kvk, True), get("Soort", _choice(partner_kinds()),
                                                          True),
                        get("Lid vanaf", _date, True), get("Lid tot en met", _date),
                        weight if weight is not None else s.DEFAULT_WEIGHT, number)


def _stream(get, number) -> s.StreamRow:
    return s.StreamRow(get("Code", _code, True), get("Naam", required=True),
                       get("Wet", _choice(laws()), True), get("Taakveld") or "", number)


def _expertise(get, number) -> s.ExpertiseRow:
    return s.ExpertiseRow(get("Code", _code, True), get("Naam", required=True), number)


def _read_neighbourhoods(reader: _Reader, book) -> list | None:
    fixed = COLUMNS[s.NEIGHBOURHOODS]
    sheet = reader.sheet(book, s.NEIGHBOURHOODS, fixed, extra=MAX_YEAR_COLUMNS)
    if sheet is None:
        return None
    years: list[tuple[int, int, str]] = []  # (column index, year, header)
    for i, title in enumerate(sheet.header()[len(fixed):], start=len(fixed)):
        if not title:
            continue
        found = INHABITANTS.match(title)
        if found is None or not 2000 <= int(found[1]) <= 2100:
            reader.problem(s.NEIGHBOURHOODS, 1, spreadsheets.column_letter(i), _(
                "verwacht 'Inwoners' en een jaartal, bijvoorbeeld 'Inwoners 2026', gevonden "
                "'%(found)s'.") % {"found": title})
            continue
        years.append((i, int(found[1]), title))
    if len({y for _i, y, _t in years}) != len(years):
        reader.problem(s.NEIGHBOURHOODS, 1, None, _("een jaar staat in twee kolommen."))
        return None
    out = []
    for row in sheet.body():
        before = len(reader.errors)
        cells = row.cells(len(fixed))
        item = s.NeighbourhoodRow(
            reader.cell(s.NEIGHBOURHOODS, row, "Buurtcode", cells[0], _code, required=True),
            reader.cell(s.NEIGHBOURHOODS, row, "Naam", cells[1], _name, required=True),
            reader.cell(s.NEIGHBOURHOODS, row, "Gebied", cells[2], _code, required=True),
            reader.cell(s.NEIGHBOURHOODS, row, "Einddatum", cells[3], _date),
            {}, row.number)
        for index, year, title in years:
            n = reader.cell(s.NEIGHBOURHOODS, row, title, row[index], _inhabitants)
            if n is not None:
                item.inhabitants[year] = n
        if len(reader.errors) == before:
            out.append(item)
    return out


# --- cells ------------------------------------------------------------------------------------


def _name(cell) -> str:
    text = spreadsheets.read_note(cell, max_length=NAME_MAX)
    return " ".join(text.split())


def _code(cell) -> str:
    code = spreadsheets.read_code(cell)
    if " " in code:
        raise ValueError(_("'%(code)s' is geen code: een code heeft geen spaties.")
                         % {"code": code})
    return code


def _codes(cell) -> list[str]:
    text = spreadsheets.read_code(cell)
    return [c for c in re.split(r"[\s,;]+", text) if c]


def _choice(options: dict[str, str]):
    by_text = {k.casefold(): v for k, v in options.items()}
    by_text.update({v.casefold(): v for v in options.values()})

    def parse(cell) -> str:
        text = spreadsheets.read_code(cell)
        value = by_text.get(" ".join(text.split()).casefold())
        if value is None:
            raise ValueError(_("'%(text)s' is geen keuze uit de lijst: %(options)s.") % {
                "text": text, "options": ", ".join(options)})
        return value

    return parse


DATE_TEXT = [re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"),  # 24-11-2026, as the Dutch write
             re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")]  # 2026-11-24


def _date(cell) -> date:
    if cell.formula:
        raise ValueError(_("bevat een formule (%(formula)s); typ de datum zelf in.")
                         % {"formula": cell.formula})
    if isinstance(cell.value, datetime):
        return cell.value.date()
    if isinstance(cell.value, date):
        return cell.value
    text = spreadsheets.read_code(cell)
    for i, pattern in enumerate(DATE_TEXT):
        found = pattern.match(text)
        if found:
            day, month, year = found.groups() if i == 0 else reversed(found.groups())
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                break
    raise ValueError(_("'%(text)s' is geen datum; schrijf bijvoorbeeld 24-11-2026.")
                     % {"text": text})


def _number(cell):
    """The cell's number (a formula's saved result counts); None when it is not one."""
    try:
        return parse_decimal(cell)
    except NoSavedResult:
        raise
    except ValueError:
        return None


def _whole(cell, what: str) -> int:
    number = _number(cell)
    if number is None or number != number.to_integral_value() or number < 0:
        raise ValueError(_("'%(text)s' is geen %(what)s: vul een heel getal van 0 of meer in.")
                         % {"text": typed(cell), "what": what})
    return int(number)


def _inhabitants(cell) -> int:
    return _whole(cell, _("aantal inwoners"))


def _kvk(cell) -> str:
    """Eight digits. A number cell lost its leading zero in Excel: 1234567 is 01234567."""
    if cell.kind == "number":
        digits = str(_whole(cell, _("KvK-nummer")))
        if len(digits) < 8:
            digits = digits.zfill(8)
    else:
        digits = spreadsheets.read_code(cell).replace(" ", "").replace(".", "")
    if not re.fullmatch(r"\d{8}", digits):
        raise ValueError(_("'%(text)s' is geen KvK-nummer: dat bestaat uit precies 8 cijfers.")
                         % {"text": typed(cell)})
    return digits


def _weight(cell):
    number = _number(cell)
    if number is None or number < 0 or number.as_tuple().exponent < -2 or number >= 10_000:
        raise ValueError(_("'%(text)s' is geen stemgewicht: vul een getal van 0 tot 10.000 in, "
                           "met hoogstens 2 decimalen.") % {"text": typed(cell)})
    return number.quantize(s.DEFAULT_WEIGHT)
