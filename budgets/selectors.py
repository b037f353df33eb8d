"""Reads about rounds, budgets and the ledger."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext

from cooperatie.models import Area, Neighbourhood

from .ledger import balance, from_cents, totals
from .models import (
    BudgetLine,
    BudgetRound,
    FundingStream,
    LedgerBalance,
    LedgerEntry,
    PartnerBudget,
)


def open_round(cooperative) -> BudgetRound | None:
    rounds = cooperative.budget_rounds.filter(status=BudgetRound.Status.OPEN)
    return rounds.order_by("-year").first()


def dashboard_budget_panels(user, cooperative, roles) -> dict:
    """What the dashboard shows about budgets: the director's own budget, the round's
    progress for the board, the pooled total for everyone."""
    rnd = open_round(cooperative) or cooperative.budget_rounds.order_by("-year").first()
    panel = {"round": rnd}
    if rnd is None:
        return panel
    budgets = round_budgets(rnd)
    panel["own"] = [(org, budget) for org, budget in budgets if org.pk in roles.director_of]
    for _org, budget in panel["own"]:
        if budget is not None:
            budget.reopened = reopen_notice(budget)  # shown until it is submitted again
    panel["submitted"] = sum(1 for _, b in budgets if b is not None and b.is_submitted)
    panel["members"] = len(budgets)
    panel["pooled_total"] = pooled_total(cooperative, rnd.year)
    panel["completeness"] = completeness(cooperative, rnd.year)
    return panel


@dataclass
class Completeness:
    """How many members have submitted their budget for a year: figures built on submitted
    budgets are provisional ("voorlopig") until all have. A reopened budget is not submitted
    (its earlier posting may still change)."""

    year: int
    members: int
    missing: list  # organisations whose budget is not submitted

    @property
    def submitted(self) -> int:
        return self.members - len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    def __str__(self) -> str:
        text = gettext("%(n)s van %(m)s ingediend") % {"n": self.submitted, "m": self.members}
        if self.missing:
            text += "; " + gettext("nog niet: %(names)s") % {
                "names": ", ".join(o.name for o in self.missing)}
        return text


def completeness(cooperative, year: int) -> Completeness | None:
    """Submitted budgets against the members of the year (None: there is no round)."""
    return completeness_by_year(cooperative, [year])[year]


def completeness_by_year(cooperative, years) -> dict[int, Completeness | None]:
    """`completeness` for several years in three queries."""
    from cooperatie.models import Membership

    years = sorted(set(years))
    rounds = {r.year: r for r in cooperative.budget_rounds.filter(year__in=years)}
    submitted: dict[int, set[int]] = {}
    for round_id, org_id in PartnerBudget.objects.filter(
            budget_round__in=rounds.values(), status=PartnerBudget.Status.SUBMITTED
    ).values_list("budget_round_id", "organisation_id"):
        submitted.setdefault(round_id, set()).add(org_id)
    memberships = list(Membership.objects.filter(cooperative=cooperative)
                       .select_related("organisation").order_by("organisation__name"))
    out: dict[int, Completeness | None] = {}
    for year in years:
        rnd = rounds.get(year)
        if rnd is None:
            out[year] = None
            continue
        start, end = date(year, 1, 1), date(year, 12, 31)
        members = {m.organisation_id: m.organisation for m in memberships
                   if m.valid_from <= end and (m.valid_to is None or m.valid_to >= start)}
        done = submitted.get(rnd.pk, set())
        out[year] = Completeness(year, len(members),
                                 [o for o in members.values() if o.pk not in done])
    return out


def contributions(cooperative, year: int):
    """Ledger entries of the money partners put on the table (submitted budgets)."""
    return LedgerEntry.objects.filter(cooperative=cooperative, year=year,
                                      kind=LedgerEntry.Kind.CONTRIBUTION)


def pooled_total(cooperative, year: int, neighbourhoods=None) -> Decimal:
    """The pooled budget of the cooperative (or of some neighbourhoods) for a year."""
    entries = contributions(cooperative, year)
    if neighbourhoods is not None:
        entries = entries.filter(neighbourhood__in=neighbourhoods)
    return balance(entries)


# --- the grid a director fills in -----------------------------------------------------------


@dataclass
class GridCell:
    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    amount: Decimal | None
    note: str
    raw: str | None = None  # what the user typed, shown back with errors
    error: str = ""  # why what the user typed is not an amount

    @property
    def key(self) -> str:
        return f"{self.neighbourhood.pk}-{self.funding_stream.pk}"


def _sum(cells) -> Decimal | None:
    """The total of some cells; None when one of them holds a typo (never skip it silently)."""
    cells = list(cells)
    if any(c.error for c in cells):
        return None
    return sum((c.amount or Decimal("0") for c in cells), Decimal("0.00"))


@dataclass
class GridRow:
    neighbourhood: Neighbourhood
    cells: list[GridCell]

    @property
    def total(self) -> Decimal | None:
        return _sum(self.cells)


@dataclass
class GridArea:
    area: Area
    rows: list[GridRow]


@dataclass
class Grid:
    streams: list[FundingStream]
    areas: list[GridArea]

    @property
    def rows(self) -> list[GridRow]:
        return [row for area in self.areas for row in area.rows]

    def column_totals(self) -> list[Decimal | None]:
        return [_sum(r.cells[i] for r in self.rows) for i in range(len(self.streams))]

    @property
    def total(self) -> Decimal | None:
        return _sum(c for r in self.rows for c in r.cells)

    @property
    def errors(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.error)


@dataclass
class StreamTotal:
    funding_stream: FundingStream
    lines: int
    total: Decimal


@dataclass
class StreamTotals:
    rows: list[StreamTotal]

    @property
    def lines(self) -> int:
        return sum(r.lines for r in self.rows)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal("0.00"))


def stream_totals(budget: PartnerBudget) -> StreamTotals:
    """The budget's lines and money per funding stream (every stream of the cooperative)."""
    streams = FundingStream.objects.filter(
        cooperative_id=budget.budget_round.cooperative_id).order_by("code")
    found = {}
    if budget.pk:
        lines = budget.lines.all()
        counts = dict(lines.values("funding_stream_id").annotate(n=Count("id"))
                      .values_list("funding_stream_id", "n"))
        found = {r["funding_stream_id"]: (counts[r["funding_stream_id"]], r["total"])
                 for r in totals(lines, "funding_stream_id")}
    return StreamTotals([StreamTotal(s, *found.get(s.pk, (0, Decimal("0.00"))))
                         for s in streams])


# A cooperative with more neighbourhoods than this shows its grid and pooled budget one area at
# a time (a page with thousands of inputs is neither usable nor quick).
PAGE_NEIGHBOURHOODS = 150


def is_large(cooperative) -> bool:
    """Too many neighbourhoods for one page: pages open on the areas (or one area)."""
    return Neighbourhood.objects.filter(cooperative=cooperative).count() > PAGE_NEIGHBOURHOODS


def page_area(cooperative, code: str | None) -> Area | None:
    """The area to show: the one asked for, or for a large cooperative its first area;
    None means the whole cooperative on one page."""
    areas = Area.objects.filter(cooperative=cooperative).order_by("name")
    if code:
        return areas.filter(code=code).first()
    if is_large(cooperative):
        return areas.first()
    return None


def budget_grid(budget: PartnerBudget, area: Area | None = None) -> Grid:
    """Neighbourhoods (grouped by area, or of one area) × funding streams with the budget's
    lines; a constant number of queries whatever the size."""
    cooperative = budget.budget_round.cooperative
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    hoods = (Neighbourhood.objects.filter(cooperative=cooperative)
             .in_year(budget.budget_round.year).select_related("area")
             .order_by("area__name", "area_id", "code"))
    lines = budget.lines.all() if budget.pk else BudgetLine.objects.none()
    if area is not None:
        hoods, lines = hoods.filter(area=area), lines.filter(neighbourhood__area=area)
    lines = {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in lines}
    areas: list[GridArea] = []
    for hood in hoods:
        if not areas or areas[-1].area.pk != hood.area_id:
            areas.append(GridArea(hood.area, []))
        cells = []
        for stream in streams:
            line = lines.get((hood.pk, stream.pk))
            cells.append(GridCell(hood, stream, line.amount if line else None,
                                  line.note if line else ""))
        areas[-1].rows.append(GridRow(hood, cells))
    return Grid(streams, areas)


def previous_submitted(budget: PartnerBudget) -> PartnerBudget | None:
    """The partner's submitted budget of the year before, to start this year's from."""
    return (PartnerBudget.objects.filter(
        budget_round__cooperative_id=budget.budget_round.cooperative_id,
        budget_round__year=budget.budget_round.year - 1, organisation_id=budget.organisation_id,
        status=PartnerBudget.Status.SUBMITTED).select_related("budget_round").first())


def round_budgets(budget_round: BudgetRound):
    """Every member's budget in the round (None where a member has not started one)."""
    from cooperatie.selectors import current_members

    budgets = {b.organisation_id: b for b in budget_round.budgets.all()}
    return [(m.organisation, budgets.get(m.organisation_id))
            for m in current_members(budget_round.cooperative)]


# --- the pooled budget ----------------------------------------------------------------------


@dataclass
class PooledRow:
    label: str
    code: str
    cells: list[Decimal]
    previous: Decimal
    is_area: bool = False

    @property
    def total(self) -> Decimal:
        return sum(self.cells, Decimal("0.00"))

    @property
    def difference(self) -> Decimal:
        return self.total - self.previous

    @property
    def difference_percent(self) -> Decimal | None:
        if not self.previous:
            return None
        return (self.difference * 100 / self.previous).quantize(Decimal("0.1"))


@dataclass
class Pooled:
    year: int
    by: str
    columns: list
    rows: list[PooledRow]
    total: PooledRow


POOL_BY = {"partner": "organisation", "stroom": "funding_stream"}


def pooled_budget(cooperative, year: int, by: str = "partner", area=None,
                  areas_only: bool = False) -> Pooled:
    """Per neighbourhood, per area and in total: what the partners put on the table (the
    ledger), split by partner or by funding stream, beside the previous year. `areas_only`
    leaves out the neighbourhood rows (a large cooperative's overview)."""
    dim = POOL_BY[by]
    if areas_only:
        return _pooled_areas(cooperative, year, dim, by)
    hoods = Neighbourhood.objects.filter(cooperative=cooperative).select_related("area")
    if area is not None:
        hoods = hoods.filter(area=area)
        entries, previous = (_area_contributions(area, y) for y in (year, year - 1))
    else:
        entries, previous = contributions(cooperative, year), contributions(cooperative, year - 1)
    # Ended neighbourhoods drop out of later years, unless something was posted for them.
    hoods = hoods.filter(Q(pk__in=hoods.in_year(year).values("pk"))
                         | Q(pk__in=entries.values("neighbourhood_id")))
    current = {(r["neighbourhood_id"], r[f"{dim}_id"]): r["total"]
               for r in totals(entries, "neighbourhood_id", f"{dim}_id")}
    before = {r["neighbourhood_id"]: r["total"] for r in totals(previous, "neighbourhood_id")}
    columns = _pool_columns(cooperative, dim, {k[1] for k in current})
    zero = Decimal("0.00")
    rows: list[PooledRow] = []
    area_rows: list[PooledRow] = []
    for hood in hoods.order_by("area__name", "area_id", "code"):
        if not area_rows or area_rows[-1].code != hood.area.code:
            area_rows.append(PooledRow(hood.area.name, hood.area.code, [zero] * len(columns),
                                       zero, is_area=True))
            rows.append(area_rows[-1])
        cells = [current.get((hood.pk, c.pk), zero) for c in columns]
        row = PooledRow(hood.name, hood.code, cells, before.get(hood.pk, zero))
        if not areas_only:
            rows.append(row)
        subtotal = area_rows[-1]
        subtotal.cells = [a + b for a, b in zip(subtotal.cells, cells, strict=True)]
        subtotal.previous += row.previous
    total = PooledRow(
        "Totaal", "", [sum((r.cells[i] for r in area_rows), zero) for i in range(len(columns))],
        sum((r.previous for r in area_rows), zero),
    )
    return Pooled(year, by, columns, rows, total)


def _area_contributions(area, year: int):
    """An area's contributions, read through the entries' neighbourhood index: without the
    cooperative in the filter the database cannot choose the (cooperative, year, kind) index,
    which would scan every entry of the cooperative's year (a one-area page would then grow
    with the whole cooperative). The neighbourhoods are the area's, so the rows are the same."""
    return LedgerEntry.objects.filter(
        year=year, kind=LedgerEntry.Kind.CONTRIBUTION,
        neighbourhood__in=Neighbourhood.objects.filter(area=area).values("pk"))


def _pooled_areas(cooperative, year, dim, by) -> Pooled:
    """The areas' totals, from the ledger's running balances (LedgerBalance: a few thousand
    rows kept per area with every posting) rather than by adding up every entry."""
    balances = LedgerBalance.objects.filter(cooperative=cooperative,
                                            kind=LedgerEntry.Kind.CONTRIBUTION)
    current, before = defaultdict(int), defaultdict(int)
    for row_year, area_id, column, cents in balances.filter(year__in=[year, year - 1]) \
            .values_list("year", "area", dim, "cents"):
        if row_year == year:
            current[area_id, column] += cents
        else:
            before[area_id] += cents
    columns = _pool_columns(cooperative, dim, {k[1] for k, v in current.items() if v})
    zero = Decimal("0.00")
    rows = [PooledRow(a.name, a.code, [from_cents(current.get((a.pk, c.pk), 0)) for c in columns],
                      from_cents(before.get(a.pk, 0)), is_area=True)
            for a in Area.objects.filter(cooperative=cooperative).order_by("name", "id")]
    total = PooledRow("Totaal", "", [sum((r.cells[i] for r in rows), zero)
                                     for i in range(len(columns))],
                      sum((r.previous for r in rows), zero))
    return Pooled(year, by, columns, rows, total)


def _pool_columns(cooperative, dim: str, used_ids: set[int]) -> list:
    if dim == "funding_stream":
        return list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    from cooperatie.selectors import current_members
    from partners.models import Organisation

    member_ids = {m.organisation_id for m in current_members(cooperative)}
    return list(Organisation.objects.filter(pk__in=member_ids | used_ids).order_by("name"))


# --- history --------------------------------------------------------------------------------


@dataclass
class HistoryEvent:
    when: object
    who: object
    what: str
    old: str
    new: str
    reason: str


def budget_history(budget: PartnerBudget) -> list[HistoryEvent]:
    """Every change to the budget and its lines: who, when, which line, old → new, why."""
    events = []
    line_records = (
        BudgetLine.history.filter(budget_id=budget.pk)
        .select_related("history_user", "neighbourhood", "funding_stream")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, object] = {}
    for rec in line_records:
        before = previous.get(rec.id)
        what = f"{rec.neighbourhood.name} · {rec.funding_stream.name}"
        old = "" if before is None or before.history_type == "-" else _money_note(before)
        new = "" if rec.history_type == "-" else _money_note(rec)
        events.append(HistoryEvent(rec.history_date, rec.history_user, what, old, new,
                                   rec.history_change_reason or ""))
        previous[rec.id] = rec
    budget_records = budget.history.select_related("history_user").order_by("history_date")
    last_status = None
    for rec in budget_records:
        if rec.status != last_status:
            events.append(HistoryEvent(
                rec.history_date, rec.history_user, "Status",
                PartnerBudget.Status(last_status).label if last_status else "",
                PartnerBudget.Status(rec.status).label, rec.history_change_reason or ""))
            last_status = rec.status
    return sorted(events, key=lambda e: e.when, reverse=True)


def _money_note(rec) -> str:
    from cooperatie.templatetags.money import euro

    return euro(rec.amount) + (f" ({rec.note})" if rec.note else "")


# --- after a save was refused: the user's values beside the other person's -----------------


@dataclass
class Conflict:
    """A cell both the user and someone else changed, differently: (amount, note) when the
    user started, as the user typed it, and as the other person saved it (None: no line)."""

    cell: GridCell
    original: tuple | None
    theirs: tuple | None
    who: object
    when: object


@dataclass
class Merge:
    version: int  # the budget's version now: saving again from here goes through
    conflicts: list[Conflict]
    taken: list[Conflict]  # cells only the other person changed: their value is now on screen


def grid_merge(budget: PartnerBudget, grid: Grid, version: int) -> Merge:
    """Merge what the user typed (on top of `version`) with what was saved since, in place:
    a cell only the user changed keeps the user's value, a cell only others changed takes
    theirs, a cell both changed differently keeps the user's value and is a conflict to
    choose."""
    original, changed = _lines_around(budget, version, grid)
    merge = Merge(budget.version, [], [])
    for cell in (c for row in grid.rows for c in row.cells):
        key = (cell.neighbourhood.pk, cell.funding_stream.pk)
        record = changed.get(key)
        if record is None:
            continue
        before = original.get(key)
        theirs = None if record.history_type == "-" else (record.amount, record.note)
        mine = None if cell.amount is None else (cell.amount, cell.note)
        if theirs == before or theirs == mine:
            continue
        conflict = Conflict(cell, before, theirs, record.history_user, record.history_date)
        if mine == before:
            cell.amount, cell.note = theirs if theirs else (None, "")
            cell.raw = None
            merge.taken.append(conflict)
        else:
            merge.conflicts.append(conflict)
    return merge


def _lines_around(budget, version, grid) -> tuple[dict, dict]:
    """The budget's lines at `version` ((neighbourhood, stream) → (amount, note)) and the
    last history record of each line changed after it."""
    mark = budget.history.filter(version=version).order_by("history_date").last()
    hoods = [row.neighbourhood.pk for row in grid.rows]
    records = (BudgetLine.history.filter(budget_id=budget.pk, neighbourhood_id__in=hoods)
               .select_related("history_user").order_by("history_date", "history_id"))
    original, changed = {}, {}
    for rec in records:
        key = (rec.neighbourhood_id, rec.funding_stream_id)
        if mark is not None and rec.history_date <= mark.history_date:
            original[key] = None if rec.history_type == "-" else (rec.amount, rec.note)
        else:
            changed[key] = rec
    return original, changed


def reopen_notice(budget: PartnerBudget) -> dict | None:
    """Why the board reopened this budget (who, when, reason), until it is submitted again."""
    if budget.pk is None or budget.is_submitted:
        return None
    submitted = (budget.history.filter(status=PartnerBudget.Status.SUBMITTED)
                 .order_by("-history_date", "-history_id").first())
    if submitted is None:
        return None
    reopened = (budget.history.filter(history_date__gte=submitted.history_date)
                .exclude(history_id=submitted.history_id).select_related("history_user")
                .order_by("history_date", "history_id").first())
    if reopened is None:
        return None
    user = reopened.history_user
    return {"who": (user.get_full_name() or user.username) if user else "",
            "when": reopened.history_date, "reason": reopened.history_change_reason or ""}
