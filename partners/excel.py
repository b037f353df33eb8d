"""The `Inzet` sheet of the budget template: the staff a partner makes available.

Columns (contract in DESIGN.md): Teamcode | Team | Expertise | FTE | Kosten per FTE |
Toelichting, followed by two optional columns Vanaf | Tot en met (a period within the round's
year; both empty = the whole year). The sheet is the partner's whole set of commitments for the
round: a line that is no longer on it is removed. `budgets.excel` writes and reads it as part
of the template; `partners.services.staff_upload_apply` applies what was read.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.amounts import parse_amount
from cooperatie import spreadsheets as ss
from cooperatie.models import Expertise, Team
from cooperatie.templatetags.money import amount as format_amount

from . import selectors
from .models import StaffCommitment
from .parsing import parse_day, parse_fte
from .services import CommitmentInput, commitments_plan

INZET_SHEET = "Inzet"
LISTS_SHEET = "Inzet-keuzelijsten"
HEADER = ["Teamcode", "Team", "Expertise", "FTE", "Kosten per FTE", "Toelichting"]
PERIOD_HEADER = ["Vanaf", "Tot en met"]
COLUMNS = HEADER + PERIOD_HEADER
NOTE_MAX = 2000
BLANK_ROWS = 300  # rows with choice lists and the team-name formula below the current lines
FTE_FORMAT = "0.00"
MONEY_FORMAT = '"€" #,##0.00'
DATE_FORMAT = "dd-mm-yyyy"


class InzetChanges(list):
    """The commitments the sheet asks for (CommitmentInput), for one partner and round."""

    def __init__(self, items=(), *, budget_round, organisation):
        super().__init__(items)
        self.budget_round = budget_round
        self.organisation = organisation

    def plan(self):
        return commitments_plan(budget_round=self.budget_round, organisation=self.organisation,
                                commitments=self)

    def plain(self) -> list[list]:
        """The commitments as JSON values (kept between an upload's preview and confirm)."""
        return [[c.team.pk, c.expertise.pk, str(c.fte), str(c.annual_cost),
                 c.period_start.isoformat(), c.period_end.isoformat(), c.note, c.row]
                for c in self]

    @classmethod
    def from_plain(cls, items: list[list], *, budget_round, organisation) -> "InzetChanges":
        """Back from `plain`; a team or expertise gone since is a KeyError."""
        cooperative = budget_round.cooperative
        teams = Team.objects.in_bulk({i[0] for i in items})
        expertises = Expertise.objects.in_bulk({i[1] for i in items})
        changes = cls(budget_round=budget_round, organisation=organisation)
        for team, expertise, fte, cost, start, end, note, row in items:
            if teams[team].cooperative_id != cooperative.pk:
                raise KeyError(team)
            changes.append(CommitmentInput(
                team=teams[team], expertise=expertises[expertise], fte=Decimal(fte),
                annual_cost=Decimal(cost), period_start=date.fromisoformat(start),
                period_end=date.fromisoformat(end), note=note, row=row))
        return changes


# --- writing --------------------------------------------------------------------------------


def _format(workbook, formats: dict, name: str, spec: dict):
    """The lead's format when the template passes one, else one of our own."""
    if name in formats:
        return formats[name]
    formats[name] = workbook.add_format(spec)
    return formats[name]


def write_inzet_sheet(workbook, *, budget_round, organisation, formats: dict) -> None:
    """Add the sheets `Inzet` (the partner's current commitments, ready to change) and
    `Inzet-keuzelijsten` (team and expertise codes, and where teams still need people)."""
    header = _format(workbook, formats, "header", {"bold": True, "bg_color": "#DCE6F1",
                                                   "border": 1, "locked": True})
    text = _format(workbook, formats, "text", {"locked": False, "num_format": "@"})
    choice = _format(workbook, formats, "choice", {"locked": False})
    money = _format(workbook, formats, "money", {"locked": False, "num_format": MONEY_FORMAT})
    fte = _format(workbook, formats, "fte", {"locked": False, "num_format": FTE_FORMAT})
    day = _format(workbook, formats, "date", {"locked": False, "num_format": DATE_FORMAT})
    name = _format(workbook, formats, "team_name", {"locked": False, "font_color": "#4F5862"})

    teams = list(Team.objects.filter(cooperative_id=budget_round.cooperative_id)
                 .in_year(budget_round.year).select_related("area").order_by("area__name", "code"))
    expertises = list(Expertise.objects.order_by("code"))
    commitments = list(selectors.commitments_of(budget_round, organisation))

    sheet = workbook.add_worksheet(INZET_SHEET)
    sheet.write_row(0, 0, COLUMNS, header)
    year_start, year_end = date(budget_round.year, 1, 1), date(budget_round.year, 12, 31)
    row = 0
    for c in commitments:
        row += 1
        sheet.write_string(row, 0, c.team.code, choice)
        sheet.write_string(row, 1, c.team.name, name)
        sheet.write_string(row, 2, c.expertise.code, choice)
        sheet.write_number(row, 3, c.fte, fte)
        sheet.write_number(row, 4, c.annual_cost, money)
        sheet.write_string(row, 5, c.note, text) if c.note else sheet.write_blank(row, 5, None,
                                                                                  text)
        if (c.period_start, c.period_end) == (year_start, year_end):
            sheet.write_blank(row, 6, None, day)
            sheet.write_blank(row, 7, None, day)
        else:
            sheet.write_datetime(row, 6, datetime.combine(c.period_start, datetime.min.time()),
                                 day)
            sheet.write_datetime(row, 7, datetime.combine(c.period_end, datetime.min.time()),
                                 day)
    last = row + BLANK_ROWS
    for r in range(row + 1, last + 1):
        # The team's name appears as soon as a code is chosen (the reader ignores it).
        sheet.write_formula(
            r, 1, f'=IF(A{r + 1}="","",IFERROR(VLOOKUP(A{r + 1},'
                  f"'{LISTS_SHEET}'!$A:$B,2,FALSE),\"onbekende teamcode\"))", name, "")
    n_teams, n_exp = max(len(teams), 1), max(len(expertises), 1)
    sheet.data_validation(1, 0, last, 0, {
        "validate": "list", "source": f"='{LISTS_SHEET}'!$A$2:$A${n_teams + 1}",
        "input_title": "Teamcode", "input_message": "Kies het team (zie Inzet-keuzelijsten).",
        "error_title": "Onbekend team",
        "error_message": "Kies een teamcode uit de lijst op het blad Inzet-keuzelijsten.",
    })
    sheet.data_validation(1, 2, last, 2, {
        "validate": "list", "source": f"='{LISTS_SHEET}'!$E$2:$E${n_exp + 1}",
        "input_title": "Expertise", "input_message": "Kies de code van de expertise.",
        "error_title": "Onbekende expertise",
        "error_message": "Kies een expertisecode uit de lijst op het blad Inzet-keuzelijsten.",
    })
    sheet.data_validation(1, 3, last, 3, {
        "validate": "decimal", "criteria": "between", "minimum": 0.01, "maximum": 100,
        "input_title": "FTE", "input_message": "Meer dan 0 en hoogstens 100, 2 decimalen.",
        "error_title": "Ongeldig aantal fte",
        "error_message": "Vul een aantal fte in groter dan 0 en hoogstens 100 (2 decimalen).",
    })
    sheet.data_validation(1, 4, last, 4, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "input_title": "Kosten per FTE", "input_message": "Afgesproken kosten per fte per jaar.",
        "error_title": "Ongeldig bedrag",
        "error_message": "Vul een bedrag van 0 of meer in, met hoogstens 2 decimalen.",
    })
    for column, title in ((6, "Vanaf"), (7, "Tot en met")):
        sheet.data_validation(1, column, last, column, {
            "validate": "date", "criteria": "between",
            "minimum": datetime.combine(year_start, datetime.min.time()),
            "maximum": datetime.combine(year_end, datetime.min.time()),
            "input_title": title,
            "input_message": f"Leeg = het hele jaar {budget_round.year}.",
            "error_title": "Datum buiten het jaar",
            "error_message": f"Kies een datum in {budget_round.year} (dd-mm-jjjj).",
        })
    for column, width, fmt in ((0, 12, choice), (1, 34, name), (2, 14, choice), (3, 9, fte),
                               (4, 17, money), (5, 44, text), (6, 13, day), (7, 13, day)):
        sheet.set_column(column, column, width, fmt)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(COLUMNS) - 1)
    # Only the header is locked; rows can be added, removed and sorted.
    sheet.protect("", {"autofilter": True, "sort": True, "insert_rows": True,
                       "delete_rows": True, "format_columns": True})
    _write_lists_sheet(workbook, header, budget_round, teams, expertises)


def _write_lists_sheet(workbook, header, budget_round, teams, expertises) -> None:
    sheet = workbook.add_worksheet(LISTS_SHEET)
    sheet.write_row(0, 0, ["Teamcode", "Team", "Gebied"], header)
    for i, team in enumerate(teams, start=1):
        sheet.write_row(i, 0, [team.code, team.name, team.area.name])
    sheet.write_row(0, 4, ["Expertisecode", "Expertise"], header)
    for i, expertise in enumerate(expertises, start=1):
        sheet.write_row(i, 4, [expertise.code, expertise.name])
    # Where teams still need people (all partners together; no names).
    matrix = selectors.coverage(budget_round)
    sheet.write_row(0, 7, ["Teamcode", "Expertisecode", "Nodig (fte)", "Toegezegd (fte)",
                           "Tekort (fte)"], header)
    number = workbook.add_format({"num_format": FTE_FORMAT})
    r = 0
    for team_row in matrix.rows:
        for expertise, cell in zip(matrix.expertises, team_row.cells, strict=True):
            if cell.gap:
                r += 1
                sheet.write_row(r, 7, [team_row.team.code, expertise.code])
                for col, value in ((9, cell.required), (10, cell.committed), (11, cell.gap)):
                    sheet.write_number(r, col, value, number)
    notes = [
        "Uitleg bij het blad Inzet",
        "Eén regel per team, expertise en periode: hoeveel fte uw organisatie beschikbaar "
        "stelt en tegen welke kosten per fte per jaar.",
        f"Vanaf en Tot en met leeg laten = het hele jaar {budget_round.year}.",
        "Een regel die u weghaalt, vervalt bij het inlezen. Het blad is uw hele inzet.",
        "In het team ziet niemand van welke organisatie iemand komt (zonder rugnummer).",
    ]
    for i, line in enumerate(notes):
        sheet.write(i + 2 + max(len(teams), len(expertises)), 0, line)
    for column, width in ((0, 12), (1, 34), (2, 18), (4, 14), (5, 34), (7, 12), (8, 14),
                          (9, 12), (10, 15), (11, 12)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)


# --- reading --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: list  # cooperatie.spreadsheets.Cell, one per column of COLUMNS


def where(row: int, column: str) -> str:
    return ss.where(INZET_SHEET, row, column)


def read_inzet_sheet(sheet, *, budget_round, organisation) -> tuple[InzetChanges, list[str]]:
    """Validate the sheet (a `cooperatie.spreadsheets.Sheet` read with the columns of COLUMNS).
    Returns the commitments it asks for and Dutch errors naming sheet, row and column.
    Nothing is written here; with any error, apply nothing."""
    changes = InzetChanges(budget_round=budget_round, organisation=organisation)
    if not sheet.rows or sheet.rows[0].number != 1:
        return changes, [_("Blad %(sheet)s: de kopregel ontbreekt.") % {"sheet": INZET_SHEET}]
    errors = ss.header_problems(sheet, HEADER)
    if errors:
        return changes, errors
    with_period = [h.casefold() for h in sheet.header()[6:8]] == [
        h.casefold() for h in PERIOD_HEADER]

    teams = {t.code.casefold(): t for t in Team.objects.filter(
        cooperative_id=budget_round.cooperative_id).in_year(budget_round.year)}
    team_names = {t.name.casefold(): t for t in teams.values()}
    expertises = {}
    for e in Expertise.objects.all():
        expertises[e.name.casefold()] = e
        expertises[e.code.casefold()] = e
    for row in sheet.body():
        cells = row.cells(len(COLUMNS))
        if not with_period:
            cells[6] = cells[7] = ss.EMPTY
        item = _read_row(_Row(row.number, cells), budget_round, teams, team_names, expertises,
                         errors)
        if item is not None:
            changes.append(item)
    errors += _duplicates(changes)
    return changes, errors


def _read_row(row: _Row, budget_round, teams, team_names, expertises, errors):
    code, team_name, expertise_raw, fte_raw, cost_raw, note, start_raw, end_raw = row.cells
    if all(c.is_blank for c in (fte_raw, cost_raw, note, start_raw, end_raw)):
        return None  # an empty line, or only a team and expertise chosen: no commitment
    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(f"{where(row.number, column)}: {message}")

    def text(column: str, cell) -> str | None:
        """The cell's code; None after an error about it."""
        try:
            return ss.read_code(cell)
        except ValueError as exc:
            error(column, str(exc))
            return None

    team = None
    code = text("Teamcode", code)
    # The Team column holds our own helper formula (the name of the chosen code), or a name
    # typed instead of a code; a formula there is never read.
    team_name = "" if team_name.formula else text("Team", team_name)
    if code:
        team = teams.get(code.casefold())
        if team is None:
            error("Teamcode", _("onbekende teamcode '%(code)s' in deze coöperatie (zie het "
                                "blad %(lists)s).") % {"code": code, "lists": LISTS_SHEET})
    elif team_name:
        team = team_names.get(team_name.casefold())
        if team is None:
            error("Team", _("onbekend team '%(name)s'; vul de teamcode in.") % {
                "name": team_name})
    elif code is not None and team_name is not None:
        error("Teamcode", _("vul de teamcode in."))
    expertise = None
    expertise_code = text("Expertise", expertise_raw)
    if expertise_code:
        expertise = expertises.get(expertise_code.casefold())
        if expertise is None:
            error("Expertise", _("onbekende expertise '%(code)s' (zie het blad %(lists)s).") % {
                "code": expertise_code, "lists": LISTS_SHEET})
    elif expertise_code is not None:
        error("Expertise", _("vul de expertise in."))
    fte = cost = None
    try:
        fte = parse_fte(fte_raw)
        if fte is None:
            error("FTE", _("vul het aantal fte in."))
    except ValueError as exc:
        error("FTE", str(exc))
    try:
        cost = parse_amount(cost_raw)
        if cost is None:
            error("Kosten per FTE", _("vul de kosten per fte per jaar in."))
    except ValueError as exc:
        error("Kosten per FTE", str(exc))
    try:
        note = ss.read_note(note, max_length=NOTE_MAX)
    except ValueError as exc:
        error("Toelichting", str(exc))
    start, end = _read_period(row, budget_round.year, error)
    if len(errors) > before:
        return None
    return CommitmentInput(team=team, expertise=expertise, fte=fte, annual_cost=cost,
                           period_start=start, period_end=end, note=note, row=row.number)


def _read_period(row: _Row, year: int, error):
    days = {}
    for column, raw, default in (("Vanaf", row.cells[6], date(year, 1, 1)),
                                 ("Tot en met", row.cells[7], date(year, 12, 31))):
        try:
            day = parse_day(raw)
        except ValueError as exc:
            error(column, str(exc))
            days[column] = None
            continue
        if day is None:
            day = default
        elif day.year != year:
            error(column, _("%(day)s ligt buiten het jaar %(year)s van de begrotingsronde.") % {
                "day": day.strftime("%d-%m-%Y"), "year": year})
            day = None
        days[column] = day
    start, end = days["Vanaf"], days["Tot en met"]
    if start and end and end < start:
        error("Tot en met", _("de einddatum %(end)s ligt vóór de begindatum %(start)s.") % {
            "end": end.strftime("%d-%m-%Y"), "start": start.strftime("%d-%m-%Y")})
        return None, None
    return start, end


def _duplicates(items: list[CommitmentInput]) -> list[str]:
    """One line per team, expertise and start date (periods may overlap: 0,4 fte extra from
    September on top of a whole-year line is two lines)."""
    errors, seen = [], {}
    for item in items:
        other = seen.setdefault((item.team.pk, item.expertise.pk, item.period_start), item)
        if other is not item:
            errors.append(f"{where(item.row, 'Teamcode')}: " + _(
                "team %(team)s met expertise %(expertise)s vanaf %(start)s staat al op rij "
                "%(other)s; voeg de regels samen.") % {
                "team": item.team.code, "expertise": item.expertise.code,
                "start": item.period_start.strftime("%d-%m-%Y"), "other": other.row})
    return errors


# --- describing what an upload would change -------------------------------------------------


def _describe(c, *, year: int) -> str:
    period = (_("het hele jaar") if (c.period_start, c.period_end) ==
              (date(year, 1, 1), date(year, 12, 31))
              else f"{c.period_start:%d-%m-%Y} t/m {c.period_end:%d-%m-%Y}")
    return _("%(fte)s fte %(expertise)s voor %(team)s, %(period)s, à € %(cost)s per fte") % {
        "fte": format_amount(c.fte), "expertise": c.expertise.name,
        "team": f"{c.team.name} ({c.team.code})",
        "period": period, "cost": format_amount(c.annual_cost)}


def describe_inzet_changes(changes: InzetChanges) -> list[str]:
    """Dutch lines saying what applying the sheet would change (for a preview or dry run)."""
    plan = changes.plan()
    year = changes.budget_round.year
    current = {c.pk: c for c in StaffCommitment.objects.filter(
        pk__in=[c.pk for c, _i in plan.update])}
    lines = [_("Inzet nieuw: %(what)s") % {"what": _describe(c, year=year)}
             for c, _i in plan.create]
    for c, _i in plan.update:
        old = current[c.pk]
        before, after = _describe(old, year=year), _describe(c, year=year)
        if before == after:
            after = _("toelichting gewijzigd")
        lines.append(_("Inzet gewijzigd: %(old)s → %(new)s") % {"old": before, "new": after})
    lines += [_("Inzet vervalt: %(what)s") % {"what": _describe(c, year=year)}
              for c in plan.delete]
    return lines or [_("De inzet blijft ongewijzigd.")]
