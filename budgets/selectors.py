"""Reads about rounds, budgets and the ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from cooperatie.models import Area, Neighbourhood

from .ledger import balance, totals
from .models import BudgetLine, BudgetRound, FundingStream, LedgerEntry, PartnerBudget


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
    panel["submitted"] = sum(1 for _, b in budgets if b is not None and b.is_submitted)
    panel["members"] = len(budgets)
    panel["pooled_total"] = pooled_total(cooperative, rnd.year)
    return panel


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

    @property
    def key(self) -> str:
        return f"{self.neighbourhood.pk}-{self.funding_stream.pk}"


@dataclass
class GridRow:
    neighbourhood: Neighbourhood
    cells: list[GridCell]

    @property
    def total(self) -> Decimal:
        return sum((c.amount or Decimal("0") for c in self.cells), Decimal("0.00"))


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

    def column_totals(self) -> list[Decimal]:
        return [sum((r.cells[i].amount or Decimal("0") for r in self.rows), Decimal("0.00"))
                for i in range(len(self.streams))]

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), Decimal("0.00"))


# A cooperative with more neighbourhoods than this shows its grid and pooled budget one area at
# a time (a page with thousands of inputs is neither usable nor quick).
PAGE_NEIGHBOURHOODS = 150


def page_area(cooperative, code: str | None) -> Area | None:
    """The area to show: the one asked for, or for a large cooperative its first area;
    None means the whole cooperative on one page."""
    areas = Area.objects.filter(cooperative=cooperative).order_by("name")
    if code:
        return areas.filter(code=code).first()
    if Neighbourhood.objects.filter(cooperative=cooperative).count() > PAGE_NEIGHBOURHOODS:
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
    entries = contributions(cooperative, year)
    previous = contributions(cooperative, year - 1)
    if areas_only:
        return _pooled_areas(cooperative, year, dim, by, entries, previous)
    hoods = Neighbourhood.objects.filter(cooperative=cooperative).select_related("area")
    # Ended neighbourhoods drop out of later years, unless something was posted for them.
    hoods = hoods.filter(Q(pk__in=hoods.in_year(year).values("pk"))
                         | Q(pk__in=entries.values("neighbourhood_id")))
    if area is not None:
        entries, previous = (q.filter(neighbourhood__area=area) for q in (entries, previous))
        hoods = hoods.filter(area=area)
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


def _pooled_areas(cooperative, year, dim, by, entries, previous) -> Pooled:
    """The areas' totals, summed per area in the database (not per neighbourhood)."""
    area_key = "neighbourhood__area_id"
    current = {(r[area_key], r[f"{dim}_id"]): r["total"]
               for r in totals(entries, area_key, f"{dim}_id")}
    before = {r[area_key]: r["total"] for r in totals(previous, area_key)}
    columns = _pool_columns(cooperative, dim, {k[1] for k in current})
    zero = Decimal("0.00")
    rows = [PooledRow(a.name, a.code, [current.get((a.pk, c.pk), zero) for c in columns],
                      before.get(a.pk, zero), is_area=True)
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


def changes_since(budget: PartnerBudget, version: int) -> list[HistoryEvent]:
    """What others changed after the given version (shown when a save was refused)."""
    mark = budget.history.filter(version=version).order_by("history_date").last()
    if mark is None:
        return []
    return [e for e in budget_history(budget) if e.when > mark.history_date]
