"""Measurements by Excel: the template to fill in, and the upload.

An upload is validated whole. Any error and nothing is saved; every error is listed with its
sheet, row and column, in plain Dutch. The layout of sheet `Metingen` (row 1 the header):

    Indicator | Naam indicator | Niveau | Code niveau | Naam niveau | Jaar | Periode | Waarde |
    Aantal respondenten | Verbeterd | Stabiel | Achteruit | Toelichting

`Naam indicator` and `Naam niveau` are for the reader and are not read back. A row without a
value and without counts is skipped (the template has one row per indicator and scope).
"""

import io
from dataclasses import dataclass

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cooperatie import spreadsheets as ss
from cooperatie.numbers import NoSavedResult, parse_decimal, typed

from .. import policy
from ..models import Cooperative
from . import selectors, services, values
from .models import Indicator, Measurement

SHEET = "Metingen"
# key → header; the header text is the file's contract and stays Dutch in every language.
COLUMNS = [
    ("indicator", "Indicator"),
    ("indicator_name", "Naam indicator"),
    ("scope", "Niveau"),
    ("scope_code", "Code niveau"),
    ("scope_name", "Naam niveau"),
    ("year", "Jaar"),
    ("period", "Periode"),
    ("value", "Waarde"),
    ("respondents", "Aantal respondenten"),
    ("count_improved", "Verbeterd"),
    ("count_stable", "Stabiel"),
    ("count_declined", "Achteruit"),
    ("note", "Toelichting"),
]
HEADERS = dict(COLUMNS)
REQUIRED = ["indicator", "scope", "scope_code", "year", "period", "value", "respondents",
            "count_improved", "count_stable", "count_declined"]
DATA = ["value", "respondents", "count_improved", "count_stable", "count_declined"]
INTEGERS = ["respondents", "count_improved", "count_stable", "count_declined"]
# A Measurement field's errors belong in this column.
FIELD_COLUMN = {"indicator": "indicator", "scope": "scope", "area": "scope_code",
                "neighbourhood": "scope_code", "team": "scope_code", "year": "year",
                "period": "period", "value": "value", "respondents": "respondents",
                "count_improved": "count_improved", "count_stable": "count_stable",
                "count_declined": "count_declined", "note": "note"}
NOTE_MAX = 2000
SCOPE_WORDS = {"coöperatie": "cooperative", "cooperatie": "cooperative",
               "cooperative": "cooperative", "gebied": "area", "area": "area",
               "buurt": "neighbourhood", "wijk": "neighbourhood",
               "neighbourhood": "neighbourhood", "team": "team"}
SCOPE_NAMES = {"cooperative": "coöperatie", "area": "gebied", "neighbourhood": "buurt",
               "team": "team"}
PERIOD_NAMES = {"Y": "jaar", "H1": "H1", "H2": "H2", "Q1": "K1", "Q2": "K2", "Q3": "K3",
                "Q4": "K4"}


class UploadError(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str | None  # a key of COLUMNS
    message: str

    def sort_key(self):
        keys = [k for k, _h in COLUMNS]
        return (self.row or 0, keys.index(self.column) if self.column in keys else -1)

    def text(self, positions: dict[str, int]) -> str:
        if self.row is None:
            return _("Blad %(sheet)s: %(message)s") % {"sheet": SHEET, "message": self.message}
        if self.column is None:
            return _("Blad %(sheet)s, rij %(row)s: %(message)s") % {
                "sheet": SHEET, "row": self.row, "message": self.message}
        position = positions.get(self.column)
        letter = ss.column_letter(position) if position is not None else "?"
        return _("Blad %(sheet)s, rij %(row)s, kolom %(letter)s (%(column)s): %(message)s") % {
            "sheet": SHEET, "row": self.row, "letter": letter, "column": HEADERS[self.column],
            "message": self.message}


@dataclass
class UploadResult:
    count: int
    saved: bool


# --- reading ----------------------------------------------------------------------------------


def _code(cell) -> str:
    return ss.read_code(cell)


def _integer(cell) -> int:
    number = parse_decimal(cell)
    if number != number.to_integral_value():
        raise ValueError(_("Een aantal is een geheel getal; %(value)s kan niet.")
                         % {"value": typed(cell)})
    if number < 0:
        raise ValueError(_("Een aantal kan niet negatief zijn (%(value)s).")
                         % {"value": typed(cell)})
    return int(number)


def _year(cell) -> int:
    try:
        number = parse_decimal(cell)
    except NoSavedResult:
        raise
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value() or not 2000 <= number <= 2100:
        raise ValueError(_("'%(value)s' is geen jaartal (2000–2100).") % {"value": typed(cell)})
    return int(number)


class _Reader:
    """Parses one workbook into MeasurementInputs and Problems (no writes)."""

    def __init__(self, cooperative: Cooperative):
        self.cooperative = cooperative
        self.problems: list[Problem] = []
        self.refused: list[str] = []  # about the file as a whole
        self.positions: dict[str, int] = {}
        self.indicators = {i.code.lower(): i for i in
                           Indicator.objects.filter(cooperative=cooperative)}
        self.scopes = selectors.scope_lookup(cooperative)

    def problem(self, row, column, message) -> None:
        self.problems.append(Problem(row, column, message))

    def read(self, file) -> list[services.MeasurementInput]:
        data = file.read(settings.UPLOAD_MAX_BYTES + 1)
        try:
            book = ss.open_workbook(data, filename=getattr(file, "name", "") or "")
            sheet = book.sheet(SHEET)
            if sheet is None:
                self.problem(None, None, _("Het blad '%(sheet)s' ontbreekt. Gebruik het "
                                           "sjabloon.") % {"sheet": SHEET})
                return []
        except ss.Refused as exc:
            self.refused = exc.messages
            return []
        return self._rows(sheet)

    def _rows(self, sheet) -> list[services.MeasurementInput]:
        wanted = {h.casefold(): k for k, h in COLUMNS}
        for position, text in enumerate(sheet.header()):
            key = wanted.get(text.casefold())
            if key and key not in self.positions:
                self.positions[key] = position
        missing = [HEADERS[k] for k in REQUIRED if k not in self.positions]
        if missing:
            self.problem(1, None, _("Deze kolommen ontbreken in de kopregel: %(columns)s.")
                         % {"columns": ", ".join(missing)})
            return []
        entries = []
        for row in sheet.body():
            cells = {k: row[p] for k, p in self.positions.items()}
            if all(cells[k].is_blank for k in DATA):
                continue  # an unfilled template row
            entry = self._entry(row.number, cells)
            if entry is not None:
                entries.append(entry)
        if not entries and not self.problems:
            self.problem(None, None, _("Er staat geen enkele meting in: vul bij ten minste één "
                                       "rij een waarde of de aantallen in."))
        return entries

    def _entry(self, number: int, cells: dict) -> services.MeasurementInput | None:
        before = len(self.problems)
        indicator = self._indicator(number, cells)
        scope = self._scope(number, cells)
        year = self._parse(number, "year", cells, _year)
        period = self._period(number, cells)
        parsed = {k: self._parse(number, k, cells, _integer) for k in INTEGERS}
        value = self._parse(number, "value", cells, parse_decimal)
        note = self._parse(number, "note", cells,
                           lambda c: ss.read_note(c, max_length=NOTE_MAX)) or ""
        if len(self.problems) > before:
            return None
        return services.MeasurementInput(
            indicator=indicator, scope=scope, year=year, period=period, value=value,
            note=note, row=number, **parsed,
        )

    def _parse(self, number, key, cells, parse):
        cell = cells.get(key, ss.EMPTY)
        if cell.is_blank:
            if key == "year":
                self.problem(number, key, _("Vul het jaar in."))
            return None
        try:
            return parse(cell)
        except ValueError as exc:
            self.problem(number, key, str(exc))
            return None

    def _text(self, number, key, cells) -> str | None:
        """A code in the row; None after a problem with it."""
        try:
            return _code(cells.get(key, ss.EMPTY))
        except ValueError as exc:
            self.problem(number, key, str(exc))
            return None

    def _indicator(self, number, cells) -> Indicator | None:
        code = self._text(number, "indicator", cells)
        if code is None:
            return None
        if not code:
            self.problem(number, "indicator", _("Vul de code van de indicator in."))
            return None
        indicator = self.indicators.get(code.lower())
        if indicator is None:
            self.problem(number, "indicator", _("Onbekende indicator '%(code)s' in deze "
                                                "coöperatie (zie het blad Indicatoren).")
                         % {"code": code})
        return indicator

    def _scope(self, number, cells) -> selectors.Scope | None:
        word = self._text(number, "scope", cells)
        if word is None:
            return None
        kind = SCOPE_WORDS.get(word.casefold())
        if kind is None:
            self.problem(number, "scope", _("Kies coöperatie, gebied, buurt of team "
                                            "(niet '%(word)s').") % {"word": word})
            return None
        if kind == Measurement.Scope.COOPERATIVE:
            return self.scopes[(kind, "")]
        code = self._text(number, "scope_code", cells)
        if code is None:
            return None
        if not code:
            self.problem(number, "scope_code", _("Vul de code van het %(scope)s in.")
                         % {"scope": SCOPE_NAMES[kind]})
            return None
        scope = self.scopes.get((kind, code.lower()))
        if scope is None:
            self.problem(number, "scope_code", _(
                "Geen %(scope)s met code '%(code)s' in deze coöperatie (zie het blad Niveaus)."
            ) % {"scope": SCOPE_NAMES[kind], "code": code})
        return scope

    def _period(self, number, cells) -> str | None:
        word = self._text(number, "period", cells)
        if word is None:
            return None
        period = values.PERIOD_WORDS.get(word.casefold())
        if period is None:
            self.problem(number, "period", _("Kies jaar, H1, H2, K1, K2, K3 of K4 (niet "
                                             "'%(word)s').") % {"word": word})
        return period


def upload_measurements(*, cooperative: Cooperative, file, actor, reason: str,
                        dry_run: bool = False) -> UploadResult:
    """Read, validate the whole workbook, and save all its measurements, or none.
    Raises UploadError with every problem as a Dutch line."""
    policy.ensure(actor, "measurement.enter", cooperative)
    reader = _Reader(cooperative)
    entries = reader.read(file)
    if reader.refused:
        raise UploadError(reader.refused)
    _objects, errors = services.measurements_check(cooperative=cooperative, entries=entries)
    problems = reader.problems + [
        Problem(e.row, FIELD_COLUMN.get(e.field) if e.field else None, e.message)
        for e in errors
    ]
    if problems:
        problems.sort(key=Problem.sort_key)
        raise UploadError(ss.capped([p.text(reader.positions) for p in problems]))
    try:
        # A dry run saves and rolls back: it fails exactly when the real upload would.
        with transaction.atomic():
            created = services.measurements_create_many(cooperative=cooperative,
                                                        entries=entries, actor=actor,
                                                        reason=reason)
            transaction.set_rollback(dry_run)
    except services.BatchValidationError as exc:
        raise UploadError([Problem(e.row, FIELD_COLUMN.get(e.field) if e.field else None,
                                   e.message).text(reader.positions)
                           for e in exc.row_errors]) from None
    return UploadResult(len(created), saved=not dry_run)


# --- the template -----------------------------------------------------------------------------


def template_workbook(cooperative: Cooperative, year: int, period: str) -> bytes:
    """One row per indicator that is measured (not derived) for the cooperative as a whole
    and for each team; more rows, for areas and neighbourhoods, may be added."""
    indicators = [i for i in Indicator.objects.filter(cooperative=cooperative)
                  .order_by("aim", "position", "name") if not i.is_derived and i.covers(year)]
    indicators.sort(key=lambda i: Indicator.Aim.values.index(i.aim))
    targets = selectors.targets_for(indicators, year)
    scopes = selectors.scopes_of(cooperative)
    filled = [s for s in scopes if s.kind in (Measurement.Scope.COOPERATIVE,
                                              Measurement.Scope.TEAM)]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F3F5F7", "border": 1})
    grey = book.add_format({"font_color": "#4F5862"})
    number = book.add_format({"num_format": "0.0###"})
    integer = book.add_format({"num_format": "0"})

    sheet = book.add_worksheet(SHEET)
    for col, (_key, header) in enumerate(COLUMNS):
        sheet.write(0, col, header, bold)
    widths = [14, 40, 12, 14, 30, 8, 9, 10, 20, 11, 10, 11, 40]
    formats = {"value": number, **dict.fromkeys(INTEGERS, integer)}
    for col, (key, _header) in enumerate(COLUMNS):
        sheet.set_column(col, col, widths[col], formats.get(key))
    sheet.freeze_panes(1, 0)
    row = 1
    for indicator in indicators:
        for scope in filled:
            sheet.write_string(row, 0, indicator.code)
            sheet.write_string(row, 1, indicator.name, grey)
            sheet.write_string(row, 2, SCOPE_NAMES[scope.kind])
            if scope.code:
                sheet.write_string(row, 3, scope.code)
            sheet.write_string(row, 4, str(scope.obj or cooperative), grey)
            sheet.write_number(row, 5, year)
            sheet.write_string(row, 6, PERIOD_NAMES[period])
            row += 1
    last = max(row, 1000)
    sheet.data_validation(1, 2, last, 2, {"validate": "list",
                                          "source": list(dict.fromkeys(SCOPE_NAMES.values()))})
    sheet.data_validation(1, 6, last, 6, {"validate": "list",
                                          "source": list(PERIOD_NAMES.values())})
    for key in INTEGERS:
        col = [k for k, _h in COLUMNS].index(key)
        sheet.data_validation(1, col, last, col, {
            "validate": "integer", "criteria": ">=", "value": 0,
            "error_message": "Een aantal is een geheel getal van 0 of meer."})

    info = book.add_worksheet("Indicatoren")
    heads = ["Code", "Naam", "Doel", "Eenheid", "Richting", "Streefwaarde", "Wat invullen",
             "Jaren"]
    for col, header in enumerate(heads):
        info.write(0, col, header, bold)
    info.set_column(0, 0, 14)
    info.set_column(1, 1, 40)
    info.set_column(2, 4, 24)
    info.set_column(5, 5, 13)
    info.set_column(6, 6, 60)
    for r, indicator in enumerate(indicators, start=1):
        info.write_string(r, 0, indicator.code)
        info.write_string(r, 1, indicator.name)
        info.write_string(r, 2, str(indicator.get_aim_display()))
        info.write_string(r, 3, str(indicator.get_unit_display()))
        info.write_string(r, 4, str(indicator.get_direction_display()))
        if targets[indicator.pk] is not None:  # float ok: a cell
            info.write_number(r, 5, float(targets[indicator.pk]), number)
        info.write_string(r, 6, _what_to_fill(indicator))
        info.write_string(r, 7, indicator.years_label)

    levels = book.add_worksheet("Niveaus")
    for col, header in enumerate(["Niveau", "Code niveau", "Naam"]):
        levels.write(0, col, header, bold)
    levels.set_column(0, 1, 16)
    levels.set_column(2, 2, 40)
    for r, scope in enumerate(scopes, start=1):
        levels.write_string(r, 0, SCOPE_NAMES[scope.kind])
        if scope.code:
            levels.write_string(r, 1, scope.code)
        levels.write_string(r, 2, str(scope.obj or cooperative))

    help_sheet = book.add_worksheet("Toelichting")
    help_sheet.set_column(0, 0, 110)
    for r, line in enumerate(_instructions(), start=0):
        help_sheet.write_string(r, 0, line, bold if r == 0 else None)
    book.close()
    return out.getvalue()


def _what_to_fill(indicator: Indicator) -> str:
    if indicator.uses_parts:
        return ("Verbeterd, Stabiel en Achteruit (aantallen cliënten); Waarde leeg laten. "
                "Aantal respondenten mag leeg (= het totaal).")
    if indicator.needs_respondents:
        return "Waarde (het gemiddelde) en Aantal respondenten."
    return {
        "score": "Waarde: een score van 1 tot 10.",
        "percentage": "Waarde: een percentage van 0 tot 100 (zonder %-teken mag ook).",
        "euro": "Waarde: een bedrag in euro, hoogstens 2 decimalen.",
        "count": "Waarde: een geheel aantal.",
        "change": "Waarde: een verandering in procenten.",
    }[indicator.unit]


def _instructions() -> list[str]:
    minimum = values.min_respondents()
    return [
        "Zo vult u dit sjabloon in",
        "Eén rij per meting: een indicator, voor één niveau (coöperatie, gebied, buurt of team),"
        " in één periode (jaar, H1, H2, K1 t/m K4).",
        "Rijen zonder waarde en zonder aantallen worden overgeslagen; u mag rijen toevoegen, "
        "bijvoorbeeld voor een gebied of buurt (codes op het blad Niveaus).",
        "Het blad Indicatoren zegt per indicator wat u invult. Kosten per inwoner worden "
        "berekend uit het grootboek en staan hier niet.",
        "Getallen met een decimale komma (8,1) of als getal in Excel.",
        f"Een waarde met minder dan {minimum} respondenten wordt opgeslagen, maar op de "
        "scorecard en in rapportages getoond als 'te weinig waarnemingen'.",
        "Bij een fout wordt niets opgeslagen: u krijgt alle fouten met blad, rij en kolom.",
        "Alleen geaggregeerde cijfers: nooit gegevens over individuele cliënten.",
    ]
