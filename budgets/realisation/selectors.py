"""Reads about realisation: periods, a partner's grid, and budget against actual.

Budget against actual counts what is in the ledger: the budget in force is the submitted
budgets (contributions), the actual to date is the submitted realisation booked in the periods
up to and including the one asked for (a correction of a closed period counts in the period
it was booked in). The figures per partner, area and funding stream come from the ledger's
running balances (budgets.models.DimensionBalance for the whole cooperative, LedgerBalance for
one partner or area), per neighbourhood from NeighbourhoodBalance:
a constant number of small queries, whatever the number of entries.

Arithmetic (one place):

- budget to date = budget in force × the share of the year due by the end of the period
  (pro rata by period, or by the cooperative's monthly distribution). The total is rounded
  half-even to the cent once; the rows get it split to the cent in proportion to their budget
  (`apportion`), so every table adds up to the same total.
- difference = actual to date − budget to date; in % of the budget to date.
- share spent = actual to date ÷ budget in force.
- forecast for the year = actual to date + the run rate (the average actual per period so
  far) × the periods still to come; split like the budget to date.
- a warning when actual to date exceeds the budget to date by more than the cooperative's
  threshold (default 10 %), or when money was spent without any budget. Never a block.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.allocation import apportion
from budgets.ledger import from_cents, totals
from budgets.models import (
    BudgetRound,
    DimensionBalance,
    FundingStream,
    LedgerBalance,
    LedgerEntry,
    NeighbourhoodBalance,
    PartnerBudget,
)
from cooperatie.models import Area, Neighbourhood
from partners.models import Organisation

from . import periods
from .models import PartnerRealisation, Period, due_days_of
from .services import deployable_commitments, realisation_settings_get

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CONTRIBUTION, REALISATION = LedgerEntry.Kind.CONTRIBUTION, LedgerEntry.Kind.REALISATION


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


# --- periods -----------------------------------------------------------------------------------


def with_due(periods_list: list[Period], cooperative_id: int | None = None) -> list[Period]:
    """Give each period its due date with one query (the cooperative's number of days)."""
    if periods_list:
        days = due_days_of(cooperative_id or periods_list[0].budget_round.cooperative_id)
        for period in periods_list:
            period._due_days = days
    return periods_list


def round_periods(budget_round: BudgetRound) -> list[Period]:
    return with_due(list(budget_round.periods.order_by("number")), budget_round.cooperative_id)


def period_by_code(budget_round: BudgetRound, code) -> tuple[Period | None, str]:
    """The round's period for a code (`2026-03`, `2026-K1`), or None and a Dutch reason."""
    ref = periods.parse_code(code)
    if ref is None:
        return None, _("'%(code)s' is geen periode; schrijf 2026-03 voor een maand of 2026-K1 "
                       "voor een kwartaal.") % {"code": code}
    if ref.year != budget_round.year:
        return None, _("De periode %(code)s ligt buiten de begrotingsronde %(year)s.") % {
            "code": ref.code, "year": budget_round.year}
    period = budget_round.periods.filter(kind=ref.kind, number=ref.number).first()
    if period is None:
        return None, _("Onbekende periode %(code)s: de ronde %(year)s kent die periode niet "
                       "(zij is ingedeeld in %(kind)s).") % {
            "code": ref.code, "year": budget_round.year, "kind": _kind_label(budget_round)}
    return period, ""


def _kind_label(budget_round: BudgetRound) -> str:
    first = budget_round.periods.first()
    if first is None:
        return _("nog geen perioden")
    return first.get_kind_display()


def default_through(periods_list: list[Period]) -> Period | None:
    """What 'to date' means by default: through the latest closed period, or when none is
    closed yet through the latest open one."""
    closed = [p for p in periods_list if p.is_closed]
    if closed:
        return closed[-1]
    opened = [p for p in periods_list if p.is_open]
    return opened[-1] if opened else None


def open_periods(budget_round: BudgetRound) -> list[Period]:
    return with_due(list(budget_round.periods.filter(status=Period.Status.OPEN)
                         .order_by("number")), budget_round.cooperative_id)


def periods_to_enter(user, cooperative) -> list[tuple[Period, Organisation]]:
    """The open periods in which an organisation the user enters realisation for has not
    submitted yet (for a to-do list or a reminder)."""
    from cooperatie import policy

    roles = policy.roles_for(user, cooperative)
    if not roles.organisations:
        return []
    open_ = with_due(list(Period.objects.filter(budget_round__cooperative=cooperative,
                                                status=Period.Status.OPEN)
                          .select_related("budget_round").order_by("budget_round__year",
                                                                   "number")),
                     cooperative.pk)
    done = set(PartnerRealisation.objects.filter(
        period__in=open_, organisation_id__in=roles.organisations,
        status=PartnerRealisation.Status.SUBMITTED).values_list("period_id", "organisation_id"))
    orgs = list(Organisation.objects.filter(pk__in=roles.organisations,
                                            memberships__cooperative=cooperative)
                .distinct().order_by("name"))
    return [(p, o) for p in open_ for o in orgs if (p.pk, o.pk) not in done]


def realisation_of(period: Period, organisation) -> PartnerRealisation | None:
    return (PartnerRealisation.objects.filter(period=period, organisation=organisation)
            .select_related("organisation", "period__budget_round__cooperative").first())


def round_status(budget_round: BudgetRound, periods_list: list[Period]):
    """Per member: the status of its realisation in every period (two queries)."""
    from cooperatie.selectors import current_members

    found = {(r.period_id, r.organisation_id): r for r in
             PartnerRealisation.objects.filter(period__budget_round=budget_round)}
    return [(m.organisation, [found.get((p.pk, m.organisation_id)) for p in periods_list])
            for m in current_members(budget_round.cooperative)]


# --- the grid a partner fills in ---------------------------------------------------------------


@dataclass
class GridCell:
    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    amount: Decimal | None
    note: str
    budget: Decimal | None
    to_date: Decimal | None
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
        return sum((c.amount or ZERO for c in self.cells), ZERO)


@dataclass
class GridArea:
    area: Area
    rows: list[GridRow]


@dataclass
class Grid:
    streams: list[FundingStream]
    areas: list[GridArea]
    budget_status: str | None  # of the partner's budget, which the cells show beside them

    @property
    def rows(self) -> list[GridRow]:
        return [row for area in self.areas for row in area.rows]

    def column_totals(self) -> list[Decimal]:
        return [sum((r.cells[i].amount or ZERO for r in self.rows), ZERO)
                for i in range(len(self.streams))]

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.rows), ZERO)

    @property
    def budget_is_draft(self) -> bool:
        return self.budget_status != PartnerBudget.Status.SUBMITTED


def realisation_grid(period: Period, organisation, realisation: PartnerRealisation | None,
                     area: Area | None = None) -> Grid:
    """Neighbourhoods (of one area, or all grouped by area) × funding streams with the
    realisation's lines, and beside each cell the partner's budget and budget to date.
    A constant number of queries."""
    budget_round = period.budget_round
    cooperative = budget_round.cooperative
    share = periods.share_through(period.ref, realisation_settings_get(cooperative).distribution)
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    hoods = (Neighbourhood.objects.filter(cooperative=cooperative).select_related("area")
             .order_by("area__name", "area_id", "code"))
    budget = PartnerBudget.objects.filter(budget_round=budget_round,
                                          organisation=organisation).first()
    budget_lines = budget.lines.all() if budget else None
    lines = realisation.lines.all() if realisation is not None and realisation.pk else None
    if area is not None:
        hoods = hoods.filter(area=area)
        budget_lines = budget_lines.filter(neighbourhood__area=area) if budget else None
        lines = lines.filter(neighbourhood__area=area) if lines is not None else None
    budgeted = {(b.neighbourhood_id, b.funding_stream_id): b.amount for b in budget_lines or []}
    current = {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in lines or []}
    areas: list[GridArea] = []
    for hood in hoods:
        if not areas or areas[-1].area.pk != hood.area_id:
            areas.append(GridArea(hood.area, []))
        cells = []
        for stream in streams:
            line = current.get((hood.pk, stream.pk))
            amount = budgeted.get((hood.pk, stream.pk))
            cells.append(GridCell(hood, stream, line.amount if line else None,
                                  line.note if line else "", amount,
                                  cents(amount * share) if amount is not None else None))
        areas[-1].rows.append(GridRow(hood, cells))
    return Grid(streams, areas, budget.status if budget else None)


@dataclass
class DeploymentRow:
    commitment: object
    fte: Decimal | None
    note: str
    raw: str | None = None

    @property
    def key(self) -> str:
        return str(self.commitment.pk)


def deployment_rows(period: Period, organisation,
                    realisation: PartnerRealisation | None) -> list[DeploymentRow]:
    """The partner's commitments running in the period, with the FTE deployed (if entered)."""
    found = {}
    if realisation is not None and realisation.pk:
        found = {d.commitment_id: d for d in realisation.deployments.all()}
    return [DeploymentRow(c, found[c.pk].fte if c.pk in found else None,
                          found[c.pk].note if c.pk in found else "")
            for c in deployable_commitments(period, organisation)]


# --- budget against actual ---------------------------------------------------------------------


@dataclass
class Row:
    code: str
    label: str
    budget: Decimal = ZERO  # in force for the year
    to_date: Decimal = ZERO  # budget to date
    actual: Decimal = ZERO  # actual to date
    forecast: Decimal = ZERO  # for the year
    warning: bool = False
    key: object = None

    @property
    def difference(self) -> Decimal:
        return self.actual - self.to_date

    @property
    def difference_percent(self) -> Decimal | None:
        if not self.to_date:
            return None
        return (self.difference * 100 / self.to_date).quantize(Decimal("0.1"))

    @property
    def spent_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.actual * 100 / self.budget).quantize(Decimal("0.1"))


@dataclass
class Flag:
    dimension: str  # "partner", "buurt", "gebied", "stroom"
    row: Row

    @property
    def text(self) -> str:
        if not self.row.to_date:
            return _("%(dim)s %(name)s: uitgaven zonder begroting tot nu toe.") % {
                "dim": DIMENSION_LABELS[self.dimension], "name": self.row.label}
        return _("%(dim)s %(name)s: %(pct)s %% boven de begroting tot nu toe.") % {
            "dim": DIMENSION_LABELS[self.dimension], "name": self.row.label,
            "pct": str(self.row.difference_percent).replace(".", ",")}


DIMENSION_LABELS = {"partner": gettext_lazy("Partner"), "gebied": gettext_lazy("Gebied"),
                    "stroom": gettext_lazy("Financieringsstroom"), "buurt": gettext_lazy("Buurt")}


@dataclass
class Overview:
    budget_round: BudgetRound
    periods: list[Period]
    through: Period | None
    by: str
    rows: list[Row]
    total: Row
    threshold: Decimal
    basis: str  # how the budget to date is computed, in words
    elapsed: int = 0
    area: Area | None = None
    organisation: Organisation | None = None
    months: list[tuple[Period, Decimal, Decimal]] = field(default_factory=list)

    @property
    def warnings(self) -> list[Row]:
        return [r for r in self.rows if r.warning]


@dataclass(frozen=True)
class Basis:
    """How 'to date' is measured: the share of the year due, and the run-rate factor."""

    share: Decimal
    remaining_ratio: Decimal  # periods to come ÷ periods elapsed
    threshold: Decimal
    label: str
    elapsed: int


def basis_for(budget_round: BudgetRound, through: Period | None, settings=None) -> Basis:
    settings = settings or realisation_settings_get(budget_round.cooperative)
    distribution = settings.distribution
    label = (_("volgens de maandverdeling van de coöperatie") if distribution
             else _("naar rato van de perioden"))
    if through is None:
        return Basis(Decimal(0), Decimal(0), settings.warning_percent, label, 0)
    elapsed = through.number
    remaining = periods.PER_YEAR[through.kind] - elapsed
    return Basis(periods.share_through(through.ref, distribution),
                 Decimal(remaining) / Decimal(elapsed), settings.warning_percent, label, elapsed)


def _spread(exact_total: Decimal, weights: dict, per_row) -> dict:
    """Each key's part of `exact_total` to the cent: split in proportion to the weights so
    that the parts add up to the rounded total; rows with negative weights (refunds) are
    rounded one by one instead."""
    if not weights:
        return {}
    if all(w >= 0 for w in weights.values()) and any(w > 0 for w in weights.values()):
        return apportion(cents(exact_total), weights)
    return {k: cents(per_row(w)) for k, w in weights.items()}


def fill(rows: list[Row], basis: Basis) -> None:
    """Budget to date, forecast and warning of each row, from its budget and actual."""
    budgets = {i: r.budget for i, r in enumerate(rows)}
    to_date = _spread(sum(budgets.values(), ZERO) * basis.share, budgets,
                      lambda w: w * basis.share)
    actuals = {i: r.actual for i, r in enumerate(rows)}
    rest = _spread(sum(actuals.values(), ZERO) * basis.remaining_ratio, actuals,
                   lambda w: w * basis.remaining_ratio)
    limit = 1 + basis.threshold / 100
    for i, row in enumerate(rows):
        row.to_date = to_date.get(i, ZERO)
        row.forecast = row.actual + rest.get(i, ZERO)
        row.warning = basis.elapsed > 0 and row.actual > 0 and row.actual > row.to_date * limit


def total_of(rows: Iterable[Row], basis: Basis, label: str) -> Row:
    rows = list(rows)
    total = Row("", label, sum((r.budget for r in rows), ZERO),
                sum((r.to_date for r in rows), ZERO), sum((r.actual for r in rows), ZERO),
                sum((r.forecast for r in rows), ZERO))
    total.warning = (basis.elapsed > 0 and total.actual > 0
                     and total.actual > total.to_date * (1 + basis.threshold / 100))
    return total


BY = {"partner": "organisation", "gebied": "area", "stroom": "funding_stream",
      "buurt": "neighbourhood"}


def _sums(queryset, field_name: str) -> dict[int, Decimal]:
    rows = queryset.values(field_name).annotate(total=Sum("cents")).order_by()
    return {r[field_name]: from_cents(r["total"]) for r in rows}


def _actual_periods(periods_list: list[Period], through: Period | None) -> list[int]:
    if through is None:
        return []
    return [p.pk for p in periods_list if p.number <= through.number]


def dimension_figures(budget_round: BudgetRound, by: str, through: Period | None,
                      periods_list: list[Period], *, area: Area | None = None,
                      organisation: Organisation | None = None
                      ) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """(budget in force, actual to date) per id of the dimension: two grouped queries on the
    running balances (on the entries for neighbourhoods of one partner)."""
    coop, year = budget_round.cooperative_id, budget_round.year
    in_periods = _actual_periods(periods_list, through)
    if by == "buurt":
        hood_ids = None
        if area is not None:
            hood_ids = list(Neighbourhood.objects.filter(area=area).values_list("pk", flat=True))
        if organisation is not None:
            entries = LedgerEntry.objects.filter(cooperative_id=coop, year=year,
                                                 organisation=organisation)
            if hood_ids is not None:
                entries = entries.filter(neighbourhood_id__in=hood_ids)
            budget = {r["neighbourhood_id"] or 0: r["total"] for r in totals(
                entries.filter(kind=CONTRIBUTION), "neighbourhood_id")}
            actual = {r["neighbourhood_id"] or 0: r["total"] for r in totals(
                entries.filter(kind=REALISATION, period_id__in=in_periods), "neighbourhood_id")}
            return budget, actual
        balances = NeighbourhoodBalance.objects.filter(cooperative_id=coop, year=year)
        if hood_ids is not None:
            balances = balances.filter(neighbourhood__in=hood_ids)
        return (_sums(balances.filter(kind=CONTRIBUTION), "neighbourhood"),
                _sums(balances.filter(kind=REALISATION, period__in=in_periods), "neighbourhood"))
    column = BY[by]
    if organisation is None and area is None:
        balances, column = _per_dimension(coop, year, column), "key"
    else:
        balances = LedgerBalance.objects.filter(cooperative_id=coop, year=year)
        if organisation is not None:
            balances = balances.filter(organisation=organisation.pk)
        if area is not None:
            balances = balances.filter(area=area.pk)
    return (_sums(balances.filter(kind=CONTRIBUTION), column),
            _sums(balances.filter(kind=REALISATION, period__in=in_periods), column))


def _per_dimension(cooperative_id: int, year: int, dimension: str = "organisation"):
    """The balances of one dimension (DimensionBalance): the whole cooperative's figures per
    partner, area or stream, or its totals (any dimension adds up to them)."""
    return DimensionBalance.objects.filter(cooperative_id=cooperative_id, year=year,
                                           dimension=dimension)


def _labels(budget_round: BudgetRound, by: str, ids: set[int], area: Area | None
            ) -> list[tuple[object, str, str]]:
    """(id, code, label) of every row to show: all members, areas, streams or
    neighbourhoods (of the area), and anything else that has money."""
    coop = budget_round.cooperative
    if by == "partner":
        from cooperatie.selectors import current_members

        member_ids = {m.organisation_id for m in current_members(coop)}
        orgs = Organisation.objects.filter(pk__in=member_ids | (ids - {0})).order_by("name")
        out = [(o.pk, o.code, o.name) for o in orgs]
    elif by == "gebied":
        out = list(coop.areas.order_by("name").values_list("pk", "code", "name"))
    elif by == "stroom":
        out = list(FundingStream.objects.filter(cooperative=coop).order_by("code")
                   .values_list("pk", "code", "name"))
    else:  # plain values: a large cooperative's warnings read all of its neighbourhoods
        hoods = Neighbourhood.objects.filter(cooperative=coop)
        if area is not None:
            hoods = hoods.filter(area=area)
        out = list(hoods.order_by("area__name", "area_id", "code")
                   .values_list("pk", "code", "name"))
    known = {key for key, *_ in out}
    if ids - known - {0}:  # money on a dimension that no longer exists: never hidden
        out += [(key, "?", _("onbekend (%(id)s)") % {"id": key})
                for key in sorted(ids - known - {0})]
    if 0 in ids:
        out.append((0, "", _("zonder %(dim)s") % {"dim": DIMENSION_LABELS[by].lower()}))
    return out


def budget_vs_actual(budget_round: BudgetRound, *, by: str = "partner",
                     through: Period | None = None, area: Area | None = None,
                     organisation: Organisation | None = None,
                     periods_list: list[Period] | None = None, settings=None,
                     months: bool = True) -> Overview:
    """Budget in force, budget to date, actual to date, difference, share spent, forecast and
    warnings per partner, area, funding stream or neighbourhood (of one area), optionally
    for one partner; and (`months`) the cumulative budget and actual per period for the
    chart."""
    periods_list = periods_list if periods_list is not None else round_periods(budget_round)
    through = through or default_through(periods_list)
    settings = settings or realisation_settings_get(budget_round.cooperative)
    basis = basis_for(budget_round, through, settings)
    budget, actual = dimension_figures(budget_round, by, through, periods_list, area=area,
                                       organisation=organisation)
    labels = _labels(budget_round, by, set(budget) | set(actual), area)
    rows: list[Row] = []
    for key, code, label in labels:
        rows.append(Row(code, label, budget.get(key, ZERO), ZERO, actual.get(key, ZERO),
                        key=key))
    fill(rows, basis)
    overview = Overview(budget_round, periods_list, through, by, rows,
                        total_of(rows, basis, _("Totaal")), basis.threshold, basis.label,
                        basis.elapsed, area, organisation)
    if months:
        overview.months = cumulative(budget_round, periods_list, overview.total.budget,
                                     settings.distribution, organisation=organisation,
                                     area=area)
    return overview


def cumulative(budget_round: BudgetRound, periods_list: list[Period], budget: Decimal,
               distribution, *, organisation=None, area=None
               ) -> list[tuple[Period, Decimal, Decimal | None]]:
    """Per period: (period, cumulative budget to date, cumulative actual or None for periods
    not yet opened). One query."""
    coop, year = budget_round.cooperative_id, budget_round.year
    if organisation is not None and area is not None:
        balances = LedgerBalance.objects.filter(cooperative_id=coop, year=year,
                                                organisation=organisation.pk, area=area.pk)
    elif area is not None:  # one area's periods: a few rows, whatever the cooperative's size
        balances = _per_dimension(coop, year, "area").filter(key=area.pk)
    elif organisation is not None:
        balances = _per_dimension(coop, year).filter(key=organisation.pk)
    else:
        balances = _per_dimension(coop, year)
    balances = balances.filter(kind=REALISATION)
    per_period = _sums(balances, "period")
    out, running = [], ZERO
    for period in periods_list:
        running += per_period.get(period.pk, ZERO)
        shown = None if period.status == Period.Status.PLANNED else running
        out.append((period, cents(budget * periods.share_through(period.ref, distribution)),
                    shown))
    return out


def warnings(budget_round: BudgetRound, through: Period | None = None,
             periods_list: list[Period] | None = None, *,
             computed: Iterable[Overview] = (), area: Area | None = None) -> list[Flag]:
    """Every partner, area, funding stream and neighbourhood running more than the threshold
    above its budget to date (two grouped queries on the balances per dimension, fewer where
    `computed` holds the overview of a dimension already). With `area`, the neighbourhoods of
    that area only: a page of one area then costs what the area does, whatever the size of
    the cooperative."""
    periods_list = periods_list if periods_list is not None else round_periods(budget_round)
    through = through or default_through(periods_list)
    if through is None:
        return []

    def area_of(by):
        return area if by == "buurt" else None

    known = {o.by: o for o in computed
             if o.through == through and o.area == area_of(o.by) and o.organisation is None}
    settings = realisation_settings_get(budget_round.cooperative)
    out = []
    for by in ("partner", "gebied", "stroom", "buurt"):
        overview = known.get(by) or budget_vs_actual(
            budget_round, by=by, through=through, periods_list=periods_list, settings=settings,
            months=False, area=area_of(by))
        out += [Flag(by, row) for row in overview.rows if row.warning]
    return out


def in_kind_vs_realised(budget_round: BudgetRound, through: Period | None,
                        periods_list: list[Period], settings=None) -> list[Row]:
    """Per partner: the in-kind contribution committed for the year and to date, against the
    in-kind contribution realised (FTE deployed × cost per FTE) to date."""
    in_periods = _actual_periods(periods_list, through)
    balances = _per_dimension(budget_round.cooperative_id, budget_round.year)
    committed = _sums(balances.filter(kind=LedgerEntry.Kind.IN_KIND), "key")
    realised = _sums(balances.filter(kind=LedgerEntry.Kind.IN_KIND_REALISED,
                                     period__in=in_periods), "key")
    ids = {k for k in set(committed) | set(realised) if k}
    rows = [Row(o.code, o.name, committed.get(o.pk, ZERO), ZERO, realised.get(o.pk, ZERO),
                key=o.pk) for o in Organisation.objects.filter(pk__in=ids).order_by("name")]
    fill(rows, basis_for(budget_round, through, settings))
    return rows


def dashboard_panel(user, cooperative, roles) -> dict:
    """What the dashboard shows about realisation: the periods to enter, and the warnings of
    the latest round with periods (for everyone: submitted realisation is open to members)."""
    rounds = (BudgetRound.objects.filter(cooperative=cooperative,
                                         periods__status__in=[Period.Status.OPEN,
                                                              Period.Status.CLOSED])
              .distinct().order_by("-year"))
    budget_round = rounds.first()
    if budget_round is None:
        return {}
    periods_list = round_periods(budget_round)
    through = default_through(periods_list)
    return {"round": budget_round, "through": through,
            "to_enter": periods_to_enter(user, cooperative),
            "warnings": warnings(budget_round, through, periods_list) if through else []}


# --- a realisation's history and postings ------------------------------------------------------


@dataclass
class HistoryEvent:
    when: object
    who: object
    what: str
    old: str
    new: str
    reason: str


def realisation_history(realisation: PartnerRealisation) -> list[HistoryEvent]:
    """Every change to the realisation and its lines: who, when, which line, old → new, why."""
    from budgets.selectors import _money_note

    from .models import RealisationLine

    events = []
    previous: dict[int, object] = {}
    records = (RealisationLine.history.filter(realisation_id=realisation.pk)
               .select_related("history_user", "neighbourhood", "funding_stream")
               .order_by("id", "history_date", "history_id"))
    for rec in records:
        before = previous.get(rec.id)
        old = "" if before is None or before.history_type == "-" else _money_note(before)
        new = "" if rec.history_type == "-" else _money_note(rec)
        events.append(HistoryEvent(rec.history_date, rec.history_user,
                                   f"{rec.neighbourhood.name} · {rec.funding_stream.name}",
                                   old, new, rec.history_change_reason or ""))
        previous[rec.id] = rec
    last = None
    for rec in realisation.history.select_related("history_user").order_by("history_date"):
        if rec.status != last:
            events.append(HistoryEvent(
                rec.history_date, rec.history_user, _("Status"),
                PartnerRealisation.Status(last).label if last else "",
                PartnerRealisation.Status(rec.status).label, rec.history_change_reason or ""))
            last = rec.status
    return sorted(events, key=lambda e: e.when, reverse=True)


@dataclass
class Posting:
    transaction: object
    total: Decimal
    booked_in: str


def postings_of(realisation: PartnerRealisation) -> list[Posting]:
    """What the ledger holds for this realisation: each posting and reversal, its total and
    the period it was booked in (two queries)."""
    from budgets.models import LedgerTransaction

    from .services import SOURCE

    found = list(LedgerTransaction.objects.filter(source_type=SOURCE, source_id=realisation.pk)
                 .select_related("posted_by").order_by("id"))
    sums = {r["transaction_id"]: r for r in totals(
        LedgerEntry.objects.filter(transaction__in=found), "transaction_id", "period_id")}
    labels = {p.pk: p.label for p in Period.objects.filter(
        pk__in={r["period_id"] for r in sums.values() if r["period_id"]})
        .select_related("budget_round")}
    return [Posting(t, sums[t.pk]["total"] if t.pk in sums else ZERO,
                    labels.get(sums[t.pk]["period_id"], "") if t.pk in sums else "")
            for t in found]


# --- what a year cost (the quadruple aim's cost per inhabitant) --------------------------------


@dataclass(frozen=True)
class Spending:
    """What a year cost a scope: the actual spending of its closed periods, and for the
    periods not closed yet the budget (due as the budget to date counts it)."""

    amount: Decimal
    closed: Period | None  # the last closed period; None: all from the budget
    periods: int  # how many periods the year has (0: not cut into periods)

    @property
    def basis(self) -> str:
        if self.closed is None:
            return "budget"
        return "actual" if self.closed.number == self.periods else "mixed"

    @property
    def label(self) -> str:
        if self.basis == "budget":
            return _("op basis van de begroting (nog geen periode gesloten)")
        if self.basis == "actual":
            return _("op basis van de realisatie (alle perioden gesloten)")
        return _("realisatie t/m %(period)s (gesloten), begroting voor de rest van het jaar") % {
            "period": self.closed.label}


def spending_by_year(cooperative, years, neighbourhood_ids=None) -> dict[int, Spending]:
    """Per year: the spending to count (see Spending), for the whole cooperative or some
    neighbourhoods. Four queries on the running balances (DimensionBalance for the
    cooperative, NeighbourhoodBalance for neighbourhoods), whatever the number of entries."""
    years = sorted(set(years))
    if neighbourhood_ids is None:
        balances = DimensionBalance.objects.filter(cooperative=cooperative, year__in=years,
                                                   dimension="organisation")
    else:
        balances = NeighbourhoodBalance.objects.filter(cooperative=cooperative, year__in=years,
                                                       neighbourhood__in=neighbourhood_ids)
    budget = _sums(balances.filter(kind=CONTRIBUTION), "year")
    by_year: dict[int, list[Period]] = {}
    for period in (Period.objects.filter(budget_round__cooperative=cooperative,
                                         budget_round__year__in=years)
                   .select_related("budget_round").order_by("number")):
        by_year.setdefault(period.budget_round.year, []).append(period)
    closed = {year: [p for p in ps if p.is_closed] for year, ps in by_year.items()}
    closed_ids = [p.pk for ps in closed.values() for p in ps]
    actual = _sums(balances.filter(kind=REALISATION, period__in=closed_ids), "year"
                   ) if closed_ids else {}
    distribution = realisation_settings_get(cooperative).distribution if closed_ids else None
    out = {}
    for year in years:
        last = closed.get(year, [])[-1] if closed.get(year) else None
        planned = budget.get(year, ZERO)
        if last is None:
            out[year] = Spending(planned, None, len(by_year.get(year, [])))
            continue
        rest = cents(planned * (1 - periods.share_through(last.ref, distribution)))
        out[year] = Spending(actual.get(year, ZERO) + rest, last, len(by_year[year]))
    return out


# --- lump sums for a team ------------------------------------------------------------------------


@dataclass
class TeamGrant:
    """A lump sum for one team against what was spent for it: the realisation in the
    neighbourhoods the team works in, on the lump sum's funding stream."""

    grant: object
    to_date: Decimal  # the lump sum due so far, as the budget to date
    actual: Decimal
    in_kind: Decimal  # staff the partners deployed in the team, valued (beside the money)
    warning: bool = False

    @property
    def difference(self) -> Decimal:
        return self.actual - self.to_date

    @property
    def spent_percent(self) -> Decimal | None:
        if not self.grant.amount:
            return None
        return (self.actual * 100 / self.grant.amount).quantize(Decimal("0.1"))


def team_grants(budget_round: BudgetRound, through: Period | None,
                periods_list: list[Period], settings=None) -> list[TeamGrant]:
    """The round's year's lump sums for a team, each against the team's realisation to date
    (four queries whatever the number of teams)."""
    from budgets.models import LumpSumGrant
    from cooperatie.models import Team

    grants = list(LumpSumGrant.objects.filter(cooperative_id=budget_round.cooperative_id,
                                              year=budget_round.year, team__isnull=False)
                  .select_related("team", "funding_stream").order_by("team__name", "pk"))
    if not grants:
        return []
    hoods: dict[int, set[int]] = defaultdict(set)
    for team_id, hood_id in Team.neighbourhoods.through.objects.filter(
            team_id__in={g.team_id for g in grants}).values_list("team_id", "neighbourhood_id"):
        hoods[team_id].add(hood_id)
    in_periods = _actual_periods(periods_list, through)
    entries = LedgerEntry.objects.filter(cooperative_id=budget_round.cooperative_id,
                                         year=budget_round.year, period_id__in=in_periods)
    spent = {(r["neighbourhood_id"], r["funding_stream_id"]): r["total"] for r in totals(
        entries.filter(kind=REALISATION, neighbourhood_id__in=set().union(*hoods.values())),
        "neighbourhood_id", "funding_stream_id")}
    staff = {r["team_id"]: r["total"] for r in totals(
        entries.filter(kind=LedgerEntry.Kind.IN_KIND_REALISED,
                       team_id__in={g.team_id for g in grants}), "team_id")}
    basis = basis_for(budget_round, through, settings)
    out = []
    for grant in grants:
        actual = sum((spent.get((h, grant.funding_stream_id), ZERO)
                      for h in hoods[grant.team_id]), ZERO)
        item = TeamGrant(grant, cents(grant.amount * basis.share), actual,
                         staff.get(grant.team_id, ZERO))
        item.warning = (basis.elapsed > 0 and actual > 0
                        and actual > item.to_date * (1 + basis.threshold / 100))
        out.append(item)
    return out
