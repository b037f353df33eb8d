"""Reads about staff availability: coverage of team needs, spare capacity per area and the
value of what partners make available (in-kind contribution).

Arithmetic rules (one place, tested by property tests):

- A commitment counts for the part of the year it runs: its *FTE-year* is
  FTE × (days in period ÷ days in the year), rounded half-even to 2 decimals once per
  commitment. A whole-year commitment counts its FTE exactly.
- Per team and expertise: covered = min(committed, required), gap = required − covered,
  surplus = committed − covered. So gap + covered = required and surplus + covered = committed.
- The in-kind value of a commitment is FTE × annual cost per FTE × (days in period ÷ days in
  the year), rounded half-even to the cent ONCE per commitment; every total is a sum of those
  rounded values, so the ledger and every report agree to the cent.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from functools import lru_cache

from django.db.models import Case, DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext as _

from budgets.ledger import totals
from budgets.models import BudgetRound, LedgerEntry, PartnerBudget
from cooperatie.models import Area, Expertise, Team

from .models import StaffCommitment, TeamNeed

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# --- arithmetic -----------------------------------------------------------------------------


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def period_days(start: date, end: date) -> int:
    """Days in a closed period: 1 January to 31 December is the whole year."""
    return (end - start).days + 1


def _share(amount: Decimal, start: date, end: date) -> Decimal:
    """amount × (days in period ÷ days in the year), rounded half-even to 2 decimals."""
    with localcontext() as ctx:
        ctx.prec = 60  # the product is exact; the division is rounded once, at the cent
        exact = amount * period_days(start, end) / Decimal(days_in_year(start.year))
        return exact.quantize(CENT, rounding=ROUND_HALF_EVEN)


def in_kind_value(*, fte: Decimal, annual_cost: Decimal, period_start: date,
                  period_end: date) -> Decimal:
    """The value in euros of one commitment, exact to the cent (see the module docstring)."""
    return _share(fte * annual_cost, period_start, period_end)


def fte_year(*, fte: Decimal, period_start: date, period_end: date) -> Decimal:
    """What a commitment counts for in a year's coverage (FTE-year, 2 decimals)."""
    return _share(fte, period_start, period_end)


def fte_year_hundredths(hundredths: int, start: date, end: date) -> int:
    """`fte_year` in whole hundredths of an FTE: the same half-even rounding, in integers
    (the coverage matrix sums thousands of them)."""
    year_days = days_in_year(start.year)
    days = period_days(start, end)
    if days == year_days:
        return hundredths
    whole, rest = divmod(hundredths * days, year_days)
    if 2 * rest > year_days or (2 * rest == year_days and whole % 2):
        whole += 1
    return whole


@lru_cache(maxsize=4096)  # bounded: sums take any value over time
def _fte(hundredths: int) -> Decimal:
    """Whole hundredths as the Decimal the database gives for an FTE (2 decimals: 3.10)."""
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True, slots=True)
class Cell:
    """Coverage of one expertise in one team (or summed over teams). The figures are worked
    out once, on creation: the matrix page reads each several times for thousands of cells."""

    required: Decimal = ZERO
    committed: Decimal = ZERO
    covered: Decimal = field(init=False)
    gap: Decimal = field(init=False)
    surplus: Decimal = field(init=False)
    empty: bool = field(init=False)

    def __post_init__(self):
        covered = min(self.required, self.committed)
        for name, value in (("covered", covered), ("gap", self.required - covered),
                            ("surplus", self.committed - covered),
                            ("empty", not self.required and not self.committed)):
            object.__setattr__(self, name, value)


@dataclass
class Totals:
    """Sums over teams, keeping each team's gap and surplus (no netting between teams)."""

    required: Decimal = ZERO
    committed: Decimal = ZERO
    covered: Decimal = ZERO
    gap: Decimal = ZERO
    surplus: Decimal = ZERO

    @property
    def substitutable(self) -> Decimal:
        """How much of the gaps could be filled by the surplus of other teams."""
        return min(self.gap, self.surplus)


# --- rounds ---------------------------------------------------------------------------------


def round_for(cooperative, year: int | None = None) -> BudgetRound | None:
    """The round of `year`, or else the open round, or else the latest one."""
    rounds = BudgetRound.objects.filter(cooperative=cooperative)
    if year is not None:
        return rounds.filter(year=year).first()
    return (rounds.filter(status=BudgetRound.Status.OPEN).order_by("-year").first()
            or rounds.order_by("-year").first())


def commitments_lock_reason(budget_round: BudgetRound, organisation) -> str | None:
    """Why the partner's commitments cannot change now, or None if they can: they belong to
    the partner's budget, so only while that budget is absent or a draft and the round open."""
    if not budget_round.is_open:
        return _("De begrotingsronde %(year)s is gesloten; de inzet kan niet meer wijzigen.") % {
            "year": budget_round.year}
    budget = PartnerBudget.objects.filter(budget_round=budget_round,
                                          organisation=organisation).first()
    if budget is not None and budget.status != PartnerBudget.Status.DRAFT:
        return _("De begroting %(year)s van %(org)s is ingediend; de inzet kan pas weer "
                 "wijzigen als het bestuur de begroting heropent.") % {
            "year": budget_round.year, "org": organisation}
    return None


def needs_lock_reason(budget_round: BudgetRound) -> str | None:
    if not budget_round.is_open:
        return _("De begrotingsronde %(year)s is gesloten; de behoefte kan niet meer "
                 "wijzigen.") % {"year": budget_round.year}
    return None


# --- coverage -------------------------------------------------------------------------------


@dataclass
class TeamRow:
    team: Team
    cells: list[Cell]  # one per expertise column, in column order
    total: Totals = field(default_factory=Totals)

    @property
    def has_gap(self) -> bool:
        return self.total.gap > 0


@dataclass
class Suggestion:
    expertise: Expertise
    from_team: Team
    to_team: Team
    fte: Decimal


@dataclass
class AreaSummary:
    area: Area
    totals: list[Totals]  # one per expertise column
    total: Totals = field(default_factory=Totals)
    suggestions: list[Suggestion] = field(default_factory=list)
    lines: list[tuple[Expertise, Totals]] = field(default_factory=list)  # for templates
    rows: list[TeamRow] = field(default_factory=list)  # the area's teams, in order

    @property
    def substitutable(self) -> Decimal:
        """How much of the area's gaps its own surplus could fill, expertise by expertise."""
        return sum((t.substitutable for t in self.totals), ZERO)


@dataclass
class Coverage:
    budget_round: BudgetRound
    expertises: list[Expertise]
    rows: list[TeamRow]
    areas: list[AreaSummary]
    totals: list[Totals]
    total: Totals

    def cell(self, team_code: str, expertise_code: str) -> Cell:
        column = [e.code for e in self.expertises].index(expertise_code)
        row = next(r for r in self.rows if r.team.code == team_code)
        return row.cells[column]


# An FTE in whole hundredths, from the database: exact (at most 2 decimals), and no Decimal
# converted per row (SQLite keeps the column as a float; ROUND makes 28.999… 29).
HUNDREDTHS = Cast(Round(F("fte") * 100), IntegerField())


def _committed_by_cell(budget_round: BudgetRound, area=None) -> dict[tuple[int, int], int]:
    """FTE-years committed per (team, expertise), in hundredths. Whole-year commitments, nearly
    all of them, come without their dates: they count their FTE, and need no date parsed."""
    rows = StaffCommitment.objects.filter(budget_round=budget_round).order_by()  # sums
    if area is not None:
        rows = rows.filter(team__area=area)
    whole_year = Q(period_start=date(budget_round.year, 1, 1),
                   period_end=date(budget_round.year, 12, 31))
    committed: dict[tuple[int, int], int] = defaultdict(int)
    for team_id, expertise_id, fte, start, end in rows.values_list(
            "team_id", "expertise_id", HUNDREDTHS,
            *(Case(When(whole_year, then=Value(None)), default=F(name), output_field=DateField())
              for name in ("period_start", "period_end"))):
        committed[team_id, expertise_id] += (fte if start is None
                                             else fte_year_hundredths(fte, start, end))
    return committed


def _sums(required: int, committed: int, gap: int) -> Totals:
    """Totals from sums of hundredths: what is covered and the surplus follow from these three
    (per cell covered = required − gap and surplus = committed − covered, so for sums too)."""
    covered = required - gap
    return Totals(_fte(required), _fte(committed), _fte(covered), _fte(gap),
                  _fte(committed - covered))


def _total(columns: list[list[int]]) -> Totals:
    """The Totals of [required, committed, gap] sums added up (no columns: all zero)."""
    return _sums(*(sum(column[f] for column in columns) for f in range(3)))


def _team_row(team: Team, columns, needs: dict, committed: dict, cells: dict,
              area_sums: list[list[int]]) -> TeamRow:
    """One team's cells, adding its figures to its area's sums per column (hundredths)."""
    row = TeamRow(team=team, cells=[])
    row_required = row_committed = row_gap = 0
    for i, expertise_id in columns:
        key = (team.pk, expertise_id)
        required, given = needs.get(key, 0), committed.get(key, 0)
        gap = required - given if required > given else 0
        row_required += required
        row_committed += given
        row_gap += gap
        column = area_sums[i]
        column[0] += required
        column[1] += given
        column[2] += gap
        cell = cells.get((required, given))
        if cell is None:  # equal figures share one (frozen) Cell
            cell = cells[required, given] = Cell(_fte(required), _fte(given))
        row.cells.append(cell)
    row.total = _sums(row_required, row_committed, row_gap)
    return row


def coverage(budget_round: BudgetRound, *, area: Area | None = None) -> Coverage:
    """Teams × expertise for the cooperative (or one area): required, committed, gap.

    Four queries whatever the number of teams: teams, needs, commitments, expertises; for one
    area they read only that area's teams (the page costs the same in a cooperative of any
    size). Columns are the expertises any team of the cooperative needs or gets this round, so
    the matrix of an area lines up with the cooperative's. Summed in whole hundredths of an
    FTE (exact), made Decimals once per figure shown; equal cells share one Cell."""
    teams = Team.objects.filter(cooperative_id=budget_round.cooperative_id).in_year(
        budget_round.year)
    needs = TeamNeed.objects.filter(budget_round=budget_round)
    if area is not None:
        teams = teams.filter(area=area)
        needs = needs.filter(team__area=area)
    teams = list(teams.select_related("area").order_by("area__name", "code"))
    # order_by(): a dict needs no order, and the models' ordering joins four tables and sorts
    needs = {(t, e): fte for t, e, fte in needs.order_by().values_list(
        "team_id", "expertise_id", HUNDREDTHS)}
    committed = _committed_by_cell(budget_round, area=area)
    expertises = list(Expertise.objects.filter(
        Q(pk__in=TeamNeed.objects.filter(budget_round=budget_round).values("expertise_id"))
        | Q(pk__in=StaffCommitment.objects.filter(budget_round=budget_round)
            .values("expertise_id"))).order_by("name"))

    columns = list(enumerate(e.pk for e in expertises))
    cells: dict[tuple[int, int], Cell] = {}
    # sums: per area and column, [required, committed, gap] in hundredths
    rows, by_area, sums = [], defaultdict(list), {}
    for team in teams:
        if team.area_id not in sums:
            sums[team.area_id] = [[0, 0, 0] for _e in expertises]
        row = _team_row(team, columns, needs, committed, cells, sums[team.area_id])
        rows.append(row)
        by_area[team.area_id].append(row)
    summaries = []
    for area_id, area_rows in by_area.items():
        summary = AreaSummary(area=area_rows[0].team.area,
                              totals=[_sums(*t) for t in sums[area_id]],
                              total=_total(sums[area_id]),
                              suggestions=_suggestions(area_rows, expertises), rows=area_rows)
        summary.lines = list(zip(expertises, summary.totals, strict=True))
        summaries.append(summary)
    per_column = [[sum(s[i][f] for s in sums.values()) for f in range(3)] for i, _e in columns]
    return Coverage(budget_round=budget_round, expertises=expertises, rows=rows,
                    areas=summaries, totals=[_sums(*t) for t in per_column],
                    total=_total(per_column))


def _suggestions(rows: list[TeamRow], expertises: list[Expertise]) -> list[Suggestion]:
    """Where a team's surplus could fill a gap in another team of the same area: the largest
    gaps first, from the largest surpluses first (ties by team code), as the teams in Heerlen
    substitute within their area."""
    out = []
    for i, expertise in enumerate(expertises):
        gaps = sorted(((r.cells[i].gap, r.team) for r in rows if r.cells[i].gap),
                      key=lambda g: (-g[0], g[1].code))
        spare = sorted(([r.cells[i].surplus, r.team] for r in rows if r.cells[i].surplus),
                       key=lambda s: (-s[0], s[1].code))
        for gap, to_team in gaps:
            for source in spare:
                if gap <= 0:
                    break
                fte = min(gap, source[0])
                if fte > 0:
                    out.append(Suggestion(expertise, source[1], to_team, fte))
                    source[0] -= fte
                    gap -= fte
    return out


@dataclass
class TeamLine:
    """One expertise of one team in the team view: no employer, by design."""

    expertise: Expertise
    cell: Cell
    commitments: list[dict]  # {"fte", "period_start", "period_end", "whole_year"}; no names


def team_view(budget_round: BudgetRound, teams) -> list[tuple[Team, list[TeamLine]]]:
    """Per team: expertise and FTE required, committed and gap, with the anonymous lines
    that make up the commitment ("zonder rugnummer": no organisation is ever read here)."""
    teams = list(teams.select_related("area").order_by("area__name", "code"))
    needs = {
        (t, e): fte for t, e, fte in TeamNeed.objects.filter(
            budget_round=budget_round, team__in=teams).values_list("team_id", "expertise_id",
                                                                    "fte")
    }
    lines_by_cell: dict[tuple[int, int], list[dict]] = defaultdict(list)
    year_start, year_end = date(budget_round.year, 1, 1), date(budget_round.year, 12, 31)
    # values_list, not objects: the organisation is not even fetched.
    for team_id, expertise_id, fte, start, end in (
            StaffCommitment.objects.filter(budget_round=budget_round, team__in=teams)
            .order_by("period_start", "-fte")
            .values_list("team_id", "expertise_id", "fte", "period_start", "period_end")):
        lines_by_cell[team_id, expertise_id].append({
            "fte": fte, "period_start": start, "period_end": end,
            "whole_year": start == year_start and end == year_end,
            "fte_year": fte_year(fte=fte, period_start=start, period_end=end),
        })
    used = {e for _t, e in needs} | {e for _t, e in lines_by_cell}
    expertises = list(Expertise.objects.filter(pk__in=used).order_by("name"))
    out = []
    for team in teams:
        lines = []
        for expertise in expertises:
            key = (team.pk, expertise.pk)
            commitments = lines_by_cell.get(key, [])
            cell = Cell(needs.get(key, ZERO), sum((c["fte_year"] for c in commitments), ZERO))
            if not cell.empty:
                lines.append(TeamLine(expertise, cell, commitments))
        out.append((team, lines))
    return out


# --- in-kind contribution -------------------------------------------------------------------


def commitment_value(commitment: StaffCommitment) -> Decimal:
    return in_kind_value(fte=commitment.fte, annual_cost=commitment.annual_cost,
                         period_start=commitment.period_start,
                         period_end=commitment.period_end)


def in_kind_entries(budget: PartnerBudget) -> list[dict]:
    """Ledger entries for the partner's in-kind contribution in the budget's round: one per
    team (the sum of its commitments' values, each rounded once to the cent), ordered by team
    code; teams whose value is zero are left out. Posted with the budget lines on submit."""
    commitments = (StaffCommitment.objects
                   .filter(budget_round_id=budget.budget_round_id,
                           organisation_id=budget.organisation_id)
                   .select_related("team").order_by("team__code", "pk"))
    per_team: dict[int, Decimal] = {}
    teams = {}
    for c in commitments:
        teams[c.team_id] = c.team
        per_team[c.team_id] = per_team.get(c.team_id, ZERO) + commitment_value(c)
    return [
        {"kind": LedgerEntry.Kind.IN_KIND, "amount": amount,
         "organisation": budget.organisation, "team": teams[team_id]}
        for team_id, amount in per_team.items() if amount
    ]


def commitments_of(budget_round: BudgetRound, organisation):
    return (StaffCommitment.objects.filter(budget_round=budget_round, organisation=organisation)
            .select_related("team", "expertise").order_by("team__code", "expertise__name",
                                                          "period_start"))


@dataclass
class PartnerInKind:
    organisation: object
    commitments: list[StaffCommitment]
    fte: Decimal  # sum of FTE-years
    value: Decimal  # sum of the commitments' values
    booked: Decimal  # what the ledger holds (live postings of submitted budgets)
    budget_status: str | None  # PartnerBudget.Status or None when there is no budget yet

    @property
    def difference(self) -> Decimal:
        return self.value - self.booked

    @property
    def submitted(self) -> bool:
        return self.budget_status == PartnerBudget.Status.SUBMITTED


def in_kind_by_partner(budget_round: BudgetRound) -> list[PartnerInKind]:
    """Per member organisation with commitments or bookings: FTE, value and what the ledger
    holds for the round's year. Four queries whatever the number of partners."""
    commitments = (StaffCommitment.objects.filter(budget_round=budget_round)
                   .select_related("organisation", "team", "expertise")
                   .order_by("organisation__name", "team__code", "expertise__name",
                             "period_start"))
    # Summed in whole cents (budgets.ledger.totals): exact on SQLite too.
    booked = {row["organisation"]: row["total"] for row in totals(
        LedgerEntry.objects.filter(cooperative_id=budget_round.cooperative_id,
                                   year=budget_round.year, kind=LedgerEntry.Kind.IN_KIND),
        "organisation")}
    statuses = dict(PartnerBudget.objects.filter(budget_round=budget_round)
                    .values_list("organisation_id", "status"))
    by_org: dict[int, PartnerInKind] = {}
    for c in commitments:
        c.value = commitment_value(c)
        c.fte_year = fte_year(fte=c.fte, period_start=c.period_start, period_end=c.period_end)
        entry = by_org.get(c.organisation_id)
        if entry is None:
            entry = by_org[c.organisation_id] = PartnerInKind(
                organisation=c.organisation, commitments=[], fte=ZERO, value=ZERO,
                booked=booked.get(c.organisation_id) or ZERO,
                budget_status=statuses.get(c.organisation_id))
        entry.commitments.append(c)
        entry.fte += c.fte_year
        entry.value += c.value
    missing = [o for o, amount in booked.items() if o not in by_org and amount]
    if missing:  # booked earlier, every commitment removed since: show it, it needs a repost
        from .models import Organisation

        for org in Organisation.objects.filter(pk__in=missing):
            by_org[org.pk] = PartnerInKind(org, [], ZERO, ZERO, booked[org.pk],
                                           statuses.get(org.pk))
    return sorted(by_org.values(), key=lambda p: p.organisation.name)
