"""Reads for the evaluation: scopes, the scorecard (page and exports), derived values.

`scorecard(cooperative, year, scope)` is what every view of the results uses, the Excel export
included: it never hands out a number that rests on too few respondents.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budgets.selectors import completeness_by_year

from ..models import Area, Cooperative, Neighbourhood, Population, Team
from . import values
from .models import Indicator, IndicatorTarget, Measurement, TargetSet
from .values import Status

SUPPRESSED = _("te weinig waarnemingen")
NO_BUDGETS = _("nog geen ingediende begrotingen")


# --- scopes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a measurement or a scorecard is about: the cooperative, an area, a neighbourhood
    or a team, always of one cooperative."""

    cooperative: Cooperative
    kind: str
    obj: Area | Neighbourhood | Team | None = None

    @property
    def key(self) -> str:
        return self.kind if self.obj is None else f"{self.kind}:{self.obj.code}"

    @property
    def code(self) -> str:
        return "" if self.obj is None else self.obj.code

    @property
    def label(self) -> str:
        if self.obj is None:
            return str(self.cooperative)
        return f"{Measurement.Scope(self.kind).label} {self.obj}"

    @property
    def measurement_fields(self) -> dict:
        field_name = Measurement.SCOPE_FIELDS.get(self.kind)
        return {"scope": self.kind, **({field_name: self.obj} if field_name else {})}

    def __str__(self):
        return self.label


def cooperative_scope(cooperative: Cooperative) -> Scope:
    return Scope(cooperative, Measurement.Scope.COOPERATIVE)


def scope_of(measurement: Measurement) -> Scope:
    return Scope(measurement.indicator.cooperative, measurement.scope, measurement.scope_object)


def scopes_of(cooperative: Cooperative) -> list[Scope]:
    """Every scope of the cooperative: itself, its areas, neighbourhoods and teams."""
    scopes = [cooperative_scope(cooperative)]
    for kind, model in ((Measurement.Scope.AREA, Area),
                        (Measurement.Scope.NEIGHBOURHOOD, Neighbourhood),
                        (Measurement.Scope.TEAM, Team)):
        objs = model.objects.filter(cooperative=cooperative).order_by("name")
        scopes += [Scope(cooperative, kind, obj) for obj in objs]
    return scopes


def scope_options(cooperative: Cooperative, *, current: Scope | None = None,
                  compact: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
    """For a <select> with option groups. `compact`: only the cooperative, its areas and the
    current scope (a large cooperative's thousands of neighbourhoods and teams are found by
    their code instead)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names = {Measurement.Scope.COOPERATIVE: gettext("Coöperatie"),
             Measurement.Scope.AREA: gettext("Gebieden"),
             Measurement.Scope.NEIGHBOURHOOD: gettext("Buurten"),
             Measurement.Scope.TEAM: gettext("Teams")}
    if compact:
        scopes = [cooperative_scope(cooperative)] + [
            Scope(cooperative, Measurement.Scope.AREA, a)
            for a in Area.objects.filter(cooperative=cooperative).order_by("name")]
        if current is not None and current.kind not in (Measurement.Scope.COOPERATIVE,
                                                        Measurement.Scope.AREA):
            scopes.append(current)
    else:
        scopes = scopes_of(cooperative)
    for scope in scopes:
        label = scope.label if scope.obj is None else str(scope.obj)
        groups[names[scope.kind]].append((scope.key, label))
    return list(groups.items())


def scope_from_key(cooperative: Cooperative, key: str) -> Scope | None:
    """Resolve a scope key ("team:SBT01") within the cooperative; None if it is not one of its
    scopes (another cooperative's team looks exactly like one that does not exist)."""
    kind, _sep, code = (key or "").partition(":")
    if kind == Measurement.Scope.COOPERATIVE and not code:
        return cooperative_scope(cooperative)
    model = {Measurement.Scope.AREA: Area, Measurement.Scope.NEIGHBOURHOOD: Neighbourhood,
             Measurement.Scope.TEAM: Team}.get(kind)
    if model is None or not code:
        return None
    obj = model.objects.filter(cooperative=cooperative, code=code).first()
    return Scope(cooperative, kind, obj) if obj else None


def scope_by_code(cooperative: Cooperative, code: str) -> Scope | None:
    """A neighbourhood or team of the cooperative by its code (as typed; case-insensitive)."""
    code = (code or "").strip()
    for kind, model in ((Measurement.Scope.NEIGHBOURHOOD, Neighbourhood),
                        (Measurement.Scope.TEAM, Team)):
        obj = model.objects.filter(cooperative=cooperative, code__iexact=code).first()
        if code and obj is not None:
            return Scope(cooperative, kind, obj)
    return None


def scope_lookup(cooperative: Cooperative) -> dict[tuple[str, str], Scope]:
    """(kind, code in lower case) → scope, for reading uploads (three queries)."""
    return {(s.kind, s.code.lower()): s for s in scopes_of(cooperative)}


# --- derived values from the ledger -----------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What one scope cost in one year, and its inhabitants (None when some neighbourhood of
    the scope has no inhabitants for that year). The cost is the actual spending of the
    closed realisation periods and the budget for the rest of the year (all budget when no
    period is closed yet): `basis` says which (budgets.realisation.selectors.Spending)."""

    pooled: Decimal
    inhabitants: int | None
    basis: str = ""


def _neighbourhood_ids(scope: Scope) -> list[int] | None:
    """The scope's neighbourhoods; None for the whole cooperative (all of its money)."""
    if scope.kind == Measurement.Scope.COOPERATIVE:
        return None
    if scope.kind == Measurement.Scope.NEIGHBOURHOOD:
        return [scope.obj.pk]
    # an area's neighbourhoods, or the neighbourhoods a team works in
    return list(scope.obj.neighbourhoods.values_list("pk", flat=True))


def figures_by_year(scope: Scope, years) -> dict[int, Figures]:
    """Cost and inhabitants per year in a constant number of queries.

    The cost comes from the ledger: the partners' actual spending in the closed realisation
    periods, and their submitted budgets (the pooled budget, as `budgets.selectors.
    pooled_total` counts it) for the periods not closed yet."""
    from budgets.realisation.selectors import spending_by_year

    years = sorted(set(years))
    hood_ids = _neighbourhood_ids(scope)
    populations = Population.objects.filter(year__in=years)
    if hood_ids is None:
        populations = populations.filter(neighbourhood__cooperative=scope.cooperative)
        hood_count = Neighbourhood.objects.filter(cooperative=scope.cooperative).count()
    else:
        populations = populations.filter(neighbourhood_id__in=hood_ids)
        hood_count = len(hood_ids)
    spending = spending_by_year(scope.cooperative, years, hood_ids)
    people = {row["year"]: row for row in populations.values("year").annotate(
        total=Sum("inhabitants"), n=Count("id")).order_by()}
    out = {}
    for year in years:
        row = people.get(year)
        complete = row is not None and hood_count > 0 and row["n"] == hood_count
        out[year] = Figures(pooled=spending[year].amount,
                            inhabitants=row["total"] if complete and row["total"] else None,
                            basis=spending[year].label)
    return out


@dataclass(frozen=True)
class Derived:
    value: Decimal | None
    note: str = ""
    basis: str = ""  # what the cost is based on: actual spending, budget, or both


def _cost_from(figures: Figures, year: int) -> Derived:
    if figures.inhabitants is None:
        return Derived(None, gettext("geen inwonertal bekend voor %(year)s") % {"year": year})
    if figures.pooled == 0:
        return Derived(None, str(NO_BUDGETS))
    return Derived(values.per_inhabitant(figures.pooled, figures.inhabitants),
                   basis=figures.basis)


def derived_value(indicator: Indicator, year: int, figures: dict[int, Figures]) -> Derived:
    """The value of a derived indicator in a year, from `figures_by_year` (which must hold the
    year and, for a change, the baseline year)."""
    now = _cost_from(figures[year], year)
    if indicator.method == Indicator.Method.COST_PER_INHABITANT or now.value is None:
        return now
    base_year = indicator.baseline_year
    base = _cost_from(figures[base_year], base_year)
    if base.value is None:
        return Derived(None, gettext("basisjaar %(year)s: %(note)s")
                       % {"year": base_year, "note": base.note})
    f, b = figures[year], figures[base_year]
    return Derived(values.change_percent(f.pooled, f.inhabitants, b.pooled, b.inhabitants),
                   basis=gettext("%(now)s; basisjaar %(year)s %(then)s") % {
                       "now": f.basis, "year": base_year, "then": b.basis})


def cost_per_inhabitant(cooperative: Cooperative, year: int, scope: Scope | None = None
                        ) -> Derived:
    """One year, one scope (for checks and single figures)."""
    scope = scope or cooperative_scope(cooperative)
    return _cost_from(figures_by_year(scope, [year])[year], year)


# --- the scorecard ----------------------------------------------------------------------------


@dataclass
class TrendPoint:
    year: int
    period: str
    value: Decimal | None
    suppressed: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return values.period_label(self.year, self.period)


@dataclass
class ScorecardRow:
    """One indicator on the scorecard. `value` is None whenever it may not or cannot be shown:
    then `suppressed` says whether too few respondents are the reason, `note` says why."""

    indicator: Indicator
    value: Decimal | None
    status: Status
    suppressed: bool = False
    note: str = ""
    period: str = ""
    respondents: int | None = None
    parts: tuple[int, int, int] | None = None
    measurement_count: int | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    basis: str = ""  # derived indicators: what the cost is based on
    target: Decimal | None = None  # the target of the scorecard's year (`targets_for`)

    @property
    def aim(self) -> str:
        return self.indicator.aim

    @property
    def display(self) -> str:
        if self.suppressed:
            return str(SUPPRESSED)
        if self.value is None:
            return self.note or gettext("geen meting")
        return values.format_value(self.value, self.indicator.unit)

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def target_display(self) -> str:
        return self.indicator.target_label(self.target)

    @property
    def baseline_display(self) -> str:
        return self.indicator.baseline_display

    @property
    def derived(self) -> bool:
        return self.indicator.is_derived


@dataclass
class Scorecard:
    cooperative: Cooperative
    year: int
    scope: Scope
    rows: list[ScorecardRow]
    completeness: object = None  # budgets.selectors.Completeness of the year, when derived

    @cached_property
    def aims(self) -> list[tuple[str, str, list[ScorecardRow]]]:
        """(aim, label, rows) for all four aims, in their fixed order."""
        return [(aim.value, str(aim.label), [r for r in self.rows if r.aim == aim])
                for aim in Indicator.Aim]


def _measured_row(indicator: Indicator, year: int, measurements: list[Measurement],
                  target: Decimal | None) -> ScorecardRow:
    trend = [TrendPoint(m.year, m.period, None if m.suppressed else m.result,
                        suppressed=m.suppressed, note=str(SUPPRESSED) if m.suppressed else "")
             for m in measurements]
    current = [m for m in measurements if m.year == year]
    if not current:
        return ScorecardRow(indicator, None, Status.UNKNOWN,
                            note=gettext("geen meting in %(year)s") % {"year": year},
                            measurement_count=len(measurements), trend=trend, target=target)
    latest = current[-1]
    if latest.suppressed:
        return ScorecardRow(indicator, None, Status.UNKNOWN, suppressed=True,
                            note=str(SUPPRESSED), period=latest.period_label,
                            measurement_count=len(measurements), trend=trend, target=target)
    value = latest.result
    return ScorecardRow(
        indicator, value,
        values.status(value, target=target, direction=indicator.direction,
                      tolerance=indicator.tolerance),
        period=latest.period_label, respondents=latest.respondents, parts=latest.parts,
        measurement_count=len(measurements), trend=trend, target=target,
    )


def _derived_row(indicator: Indicator, year: int, figures: dict[int, Figures],
                 incomplete: set[int], target: Decimal | None) -> ScorecardRow:
    """A value from the ledger; computed on a year (or baseline year) whose budgets are not
    all submitted it is provisional and never judged."""
    trend = []
    for y in range(indicator.first_year, year + 1):
        d = derived_value(indicator, y, figures)
        trend.append(TrendPoint(y, Measurement.Period.YEAR, d.value, note=d.note))
    now = derived_value(indicator, year, figures)
    years = {year}
    if indicator.method != Indicator.Method.COST_PER_INHABITANT and indicator.baseline_year:
        years.add(indicator.baseline_year)
    if now.value is not None and years & incomplete:
        status = Status.PROVISIONAL
    else:
        status = values.status(now.value, target=target,
                               direction=indicator.direction, tolerance=indicator.tolerance)
    return ScorecardRow(indicator, now.value, status, note=now.note, period=str(year),
                        trend=trend, basis=now.basis, target=target)


def scorecard(cooperative: Cooperative, year: int, scope: Scope | None = None) -> Scorecard:
    """The four aims with their indicators for one scope and year: the value (the latest
    period of the year), its status against the target, the trend over all periods up to the
    year, and the number of measurements. A constant number of queries, however many
    indicators or periods."""
    scope = scope or cooperative_scope(cooperative)
    indicators = [i for i in Indicator.objects.filter(cooperative=cooperative)
                  .order_by("position", "name", "pk") if i.covers(year)]
    measured = [i for i in indicators if not i.is_derived]
    derived = [i for i in indicators if i.is_derived]
    by_indicator: dict[int, list[Measurement]] = defaultdict(list)
    if measured:
        for m in Measurement.objects.filter(indicator__in=[i.pk for i in measured],
                                            year__lte=year, **scope.measurement_fields):
            by_indicator[m.indicator_id].append(m)
    figures, years = {}, set()
    if derived:
        years = {y for i in derived for y in range(i.first_year, year + 1)}
        years |= {i.baseline_year for i in derived if i.baseline_year}
        figures = figures_by_year(scope, years)
    # derived values count submitted budgets: which years are not complete yet
    found = completeness_by_year(cooperative, years | {year}) if derived else {}
    incomplete = {y for y, c in found.items() if c is not None and not c.complete}
    targets = targets_for(indicators, year)
    rows = []
    for indicator in indicators:
        if indicator.is_derived:
            rows.append(_derived_row(indicator, year, figures, incomplete,
                                     targets[indicator.pk]))
        else:
            ms = sorted(by_indicator[indicator.pk],
                        key=lambda m: values.period_sort_key(m.year, m.period))
            for m in ms:
                m.indicator = indicator  # no query per measurement for its indicator
            rows.append(_measured_row(indicator, year, ms, targets[indicator.pk]))
    return Scorecard(cooperative, year, scope, rows, found.get(year))


def scorecard_years(cooperative: Cooperative) -> list[int]:
    """The years a scorecard can be asked for: from the first indicator's start to now."""
    this_year = timezone.localdate().year
    first = (Indicator.objects.filter(cooperative=cooperative)
             .order_by("first_year").values_list("first_year", flat=True).first())
    return list(range(min(first or this_year, this_year), this_year + 1))


# --- targets per year ------------------------------------------------------------------------


def targets_for(indicators, year: int) -> dict[int, Decimal | None]:
    """The target of each indicator in `year`: the one the board set for that year, or else
    the indicator's standing target (one query)."""
    indicators = list(indicators)
    found = dict(IndicatorTarget.objects.filter(indicator__in=[i.pk for i in indicators],
                                                year=year).values_list("indicator_id", "target"))
    return {i.pk: found.get(i.pk, i.target) for i in indicators}


def year_targets_of(cooperative: Cooperative):
    """Every target the board set for a year, newest year first, with its decision."""
    return (IndicatorTarget.objects.filter(indicator__cooperative=cooperative)
            .select_related("indicator", "decision")
            .order_by("-year", aim_order("indicator__"), "indicator__position",
                      "indicator__name"))


def target_sets_of(cooperative: Cooperative, *, drafts: bool):
    sets = (TargetSet.objects.filter(cooperative=cooperative)
            .select_related("drafted_by", "proposal__decision").order_by("-year", "-id"))
    return sets if drafts else sets.exclude(status=TargetSet.Status.DRAFT)


def target_set_in(cooperative: Cooperative, pk) -> TargetSet | None:
    return (TargetSet.objects.filter(cooperative=cooperative, pk=pk)
            .select_related("cooperative", "drafted_by", "proposal__decision").first())


def target_indicators(cooperative: Cooperative, year: int) -> list[Indicator]:
    """The indicators a set of targets for `year` is about: those that run in that year."""
    return [i for i in Indicator.objects.filter(cooperative=cooperative)
            .order_by(aim_order(), "position", "name", "pk") if i.covers(year)]


# --- lists ------------------------------------------------------------------------------------


def aim_order(prefix: str = "") -> Case:
    """The aims in their fixed order (not alphabetical), for order_by."""
    return Case(*[When(**{f"{prefix}aim": aim}, then=Value(i))
                  for i, aim in enumerate(Indicator.Aim.values)], output_field=IntegerField())


def indicators_of(cooperative: Cooperative):
    return (Indicator.objects.filter(cooperative=cooperative)
            .annotate(measurement_count=Count("measurements"))
            .order_by(aim_order(), "position", "name"))


def measurements_of(cooperative: Cooperative, year: int | None = None):
    qs = (Measurement.objects.filter(indicator__cooperative=cooperative)
          .select_related("indicator", "indicator__cooperative", "area", "neighbourhood",
                          "team"))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by(aim_order("indicator__"), "indicator__position", "indicator__name",
                       "-year", "scope", "period", "pk")
