"""Reads about lump sums and allocation plans; a constant number of queries whatever the
number of partners or neighbourhoods."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from cooperatie.models import Neighbourhood, Population
from partners.models import Organisation

from .. import ledger
from ..models import (
    AllocationKey,
    AllocationKeyShare,
    AllocationLine,
    AllocationPlan,
    AllocationTranche,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
    PlanNeighbourhoodWeight,
)
from .apportionment import percentages
from .services import (
    PLACES4,
    ZERO,
    HoodShare,
    Split,
    SplitLine,
    SplitTranche,
    plan_compute,
    plan_key_input,
    plan_weights,
    with_areas,
)


def grants_of(cooperative):
    """The cooperative's grants, newest year first, each with its plans (newest first)."""
    plans = AllocationPlan.objects.select_related("proposal__decision").order_by("-version")
    return (LumpSumGrant.objects.filter(cooperative=cooperative)
            .select_related("funder", "funding_stream")
            .prefetch_related(Prefetch("plans", queryset=plans))
            .order_by("-year", "-id"))


def plan_in(cooperative, pk) -> AllocationPlan | None:
    """A plan of this cooperative (None for another cooperative's: ids are never trusted)."""
    return (AllocationPlan.objects.filter(grant__cooperative=cooperative, pk=pk)
            .select_related("grant__cooperative", "grant__funder", "grant__funding_stream",
                            "key", "supersedes", "drafted_by", "proposal__decision", "posting")
            .first())


def grant_in(cooperative, pk) -> LumpSumGrant | None:
    return (LumpSumGrant.objects.filter(cooperative=cooperative, pk=pk)
            .select_related("cooperative", "funder", "funding_stream").first())


def _shares(plan: AllocationPlan) -> list[AllocationKeyShare]:
    return list(AllocationKeyShare.objects.filter(key__plan=plan)
                .select_related("organisation").order_by("organisation__name"))


key_input = plan_key_input
weights_of = plan_weights


def frozen_split(plan: AllocationPlan) -> Split:
    """The split as it was frozen when the plan was proposed (its stored lines and tranches).
    Lines are read as plain values and joined to the few partners and neighbourhoods in
    Python: a per-inhabitant plan has a line per neighbourhood and partner (thousands)."""
    shares = _shares(plan)
    lines = list(AllocationLine.objects.filter(plan=plan).order_by("pk")
                 .values_list("organisation_id", "neighbourhood_id", "amount"))
    tranches = list(AllocationTranche.objects.filter(plan=plan).order_by("pk")
                    .values_list("organisation_id", "number", "due_date", "amount"))
    orgs = {s.organisation.pk: s.organisation for s in shares}
    missing = {o for o, _h, _a in lines} | {o for o, *_rest in tranches}
    missing -= set(orgs)
    if missing:
        orgs.update({o.pk: o for o in Organisation.objects.filter(pk__in=missing)})
    organisations = sorted(orgs.values(), key=lambda o: (o.name, o.pk))
    values = {s.organisation.pk: s.value for s in shares}
    key = plan.key
    if key.basis == AllocationKey.Basis.PERCENTAGES:
        shown = {pk: v.quantize(PLACES4) for pk, v in values.items()}
    else:
        shown = percentages(values) if any(values.values()) else {}
    hoods = _frozen_hoods(plan, lines) if plan.method == AllocationPlan.Method.PER_INHABITANT \
        else []
    by_pk = {h.neighbourhood.pk: h.neighbourhood for h in hoods}
    hood_ids = {h for _o, h, _a in lines if h is not None} - set(by_pk)
    if hood_ids:
        by_pk.update({h.pk: h for h in Neighbourhood.objects.filter(pk__in=hood_ids)})
    split = Split(
        plan.grant, plan.method, plan.schedule, key.basis, key.unit, organisations, values,
        shown,
        [SplitLine(orgs[o], by_pk[h] if h is not None else None, amount)
         for o, h, amount in lines],
        [SplitTranche(orgs[o], number, due, amount) for o, number, due, amount in tranches],
    )
    split.hoods = hoods
    return split


def _frozen_hoods(plan: AllocationPlan, lines) -> list[HoodShare]:
    # The neighbourhoods of the grant's year, and any the plan split money over.
    # Subqueries, not thousands of ids as parameters (which cost PostgreSQL's driver more).
    line_hoods = AllocationLine.objects.filter(plan=plan, neighbourhood__isnull=False)
    hoods = Neighbourhood.objects.filter(cooperative=plan.grant.cooperative_id)
    hoods = hoods.filter(Q(pk__in=hoods.in_year(plan.grant.year).values("pk"))
                         | Q(pk__in=line_hoods.values("neighbourhood_id")))
    inhabitants = dict(Population.objects.filter(neighbourhood__in=hoods.values("pk"),
                                                 year=plan.grant.year)
                       .values_list("neighbourhood_id", "inhabitants"))
    hoods = with_areas(list(hoods.order_by("code")), plan.grant.cooperative_id)
    weights = dict(PlanNeighbourhoodWeight.objects.filter(plan=plan)
                   .values_list("neighbourhood_id", "weight"))
    amounts: dict[int, Decimal] = {}
    for _o, hood_id, amount in lines:
        if hood_id is not None:
            amounts[hood_id] = amounts.get(hood_id, ZERO) + amount
    return [HoodShare(h, inhabitants.get(h.pk), weights.get(h.pk, Decimal("1")),
                      amounts.get(h.pk, ZERO)) for h in hoods]


def split_of(plan: AllocationPlan) -> tuple[Split | None, list[str]]:
    """What to show for a plan: the frozen split once proposed, else what the draft comes to
    now (or the problems that keep it from being split)."""
    if not plan.is_draft:
        return frozen_split(plan), []
    from django.core.exceptions import ValidationError

    try:
        return plan_compute(grant=plan.grant, method=plan.method, schedule=plan.schedule,
                            key=key_input(plan), weights=weights_of(plan)), []
    except ValidationError as exc:
        return None, exc.messages


@dataclass
class CompareRow:
    organisation: object
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


def compare(old: AllocationPlan, new: Split) -> tuple[list[CompareRow], CompareRow]:
    """The version before (its frozen lines added up per partner by the database: the page
    shows none of its thousands of lines) and this one, side by side per partner."""
    before = {row["organisation_id"]: row["total"] for row in ledger.totals(
        AllocationLine.objects.filter(plan=old), "organisation_id")}
    before.update({s.organisation_id: before.get(s.organisation_id, ZERO)
                   for s in AllocationKeyShare.objects.filter(key__plan=old)})
    after = new.per_organisation
    orgs = {o.pk: o for o in new.organisations}
    missing = set(before) - set(orgs)
    orgs.update({o.pk: o for o in Organisation.objects.filter(pk__in=missing)})
    rows = [CompareRow(o, before.get(o.pk, ZERO), after.get(o.pk, ZERO))
            for o in sorted(orgs.values(), key=lambda o: (o.name, o.pk))]
    return rows, CompareRow(None, sum(before.values(), ZERO), new.total)


@dataclass
class PostingSummary:
    posting: LedgerTransaction
    granted: Decimal
    allocated: Decimal
    balance: Decimal
    reversal: LedgerTransaction | None
    replaced: LedgerTransaction | None = None  # the superseded version's posting, reversed


def posting_summary(plan: AllocationPlan) -> PostingSummary | None:
    """The plan's posting: the grant out, the allocations in, the balance (0), and its
    reversal when a later version superseded the plan."""
    if plan.posting_id is None:
        return None
    sums = {row["kind"]: row["total"] for row in
            ledger.totals(LedgerEntry.objects.filter(transaction_id=plan.posting_id), "kind")}
    reversal = LedgerTransaction.objects.filter(reverses_id=plan.posting_id).first()
    granted = sums.get(LedgerEntry.Kind.GRANT, ZERO)
    allocated = sums.get(LedgerEntry.Kind.ALLOCATION, ZERO)
    replaced = None
    if plan.supersedes_id and plan.supersedes.posting_id:
        replaced = LedgerTransaction.objects.filter(
            reverses_id=plan.supersedes.posting_id).first()
    return PostingSummary(plan.posting, granted, allocated, granted + allocated, reversal,
                          replaced)
