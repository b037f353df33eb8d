"""Reads about advances, settlements and the reserve.

How realisation is attributed to a grant: a partner's realisation in the grant's year on the
grant's funding stream (what it submitted per period, corrections included, from the
ledger's running balances). When several lump sums in force in one year share a funding
stream, a partner's realisation on it is split over them in proportion to its allocation
from each (`apportion`, exact to the cent), so nothing is counted twice.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.allocation import apportion
from budgets.ledger import from_cents
from budgets.models import (
    AllocationLine,
    AllocationPlan,
    AllocationTranche,
    BudgetRound,
    LedgerBalance,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
)
from budgets.realisation.models import PartnerRealisation
from cooperatie.templatetags.money import euro, percent
from partners.models import Organisation

from . import rules
from .models import AdvancePayment, Settlement

ZERO = Decimal("0.00")
MAX_NAMED = 6  # periods named in a message before "en nog N"

def grant_in(cooperative, pk) -> LumpSumGrant | None:
    return (LumpSumGrant.objects.filter(cooperative=cooperative, pk=pk)
            .select_related("cooperative", "funder", "funding_stream").first())


def settlement_in(cooperative, pk) -> Settlement | None:
    """A settlement of this cooperative (None for another's: ids are never trusted)."""
    return (Settlement.objects.filter(grant__cooperative=cooperative, pk=pk)
            .select_related("grant__cooperative", "grant__funder", "grant__funding_stream",
                            "plan", "supersedes", "drafted_by", "proposal__decision",
                            "posting").first())


def plan_in_force(grant: LumpSumGrant) -> AllocationPlan | None:
    return grant.plans.filter(status=AllocationPlan.Status.ADOPTED).first()


def partners_of(plan: AllocationPlan) -> list[Organisation]:
    """The partners of an allocation (its lines), by name."""
    ids = AllocationLine.objects.filter(plan=plan).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))


def allocated_of(plan: AllocationPlan) -> dict[int, Decimal]:
    """Per partner id: what the plan allocates (summed over neighbourhoods)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for org_id, amount in AllocationLine.objects.filter(plan=plan).values_list(
            "organisation_id", "amount"):
        totals[org_id] += amount
    return dict(totals)


# --- advances --------------------------------------------------------------------------------


def live_payments(grant: LumpSumGrant):
    """The grant's payments that are not reversed, oldest first (any version of its plan)."""
    return (AdvancePayment.objects.filter(tranche__plan__grant=grant, reversal__isnull=True)
            .select_related("tranche__organisation").order_by("paid_on", "pk"))


def payments_of(grant: LumpSumGrant):
    return (AdvancePayment.objects.filter(tranche__plan__grant=grant)
            .select_related("tranche__organisation", "tranche__plan", "recorded_by",
                            "posting", "reversal").order_by("paid_on", "pk"))


@dataclass
class TrancheRow:
    tranche: AllocationTranche
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.tranche.amount - self.paid

    @property
    def due(self) -> bool:
        return self.tranche.due_date <= timezone.localdate()


@dataclass
class AdvanceRow:
    """Per partner of a grant: allocated, advances due to date, paid, outstanding."""

    organisation: Organisation | None  # None: the total
    allocated: Decimal = ZERO
    due: Decimal = ZERO
    paid: Decimal = ZERO
    tranches: list[TrancheRow] = field(default_factory=list)

    @property
    def outstanding(self) -> Decimal:
        """Due to date and not paid (negative: paid ahead of the schedule)."""
        return self.due - self.paid

    @property
    def to_pay(self) -> Decimal:
        return self.allocated - self.paid


@dataclass
class Advances:
    grant: LumpSumGrant
    plan: AllocationPlan | None
    as_of: date
    rows: list[AdvanceRow]

    def total(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO)

    @property
    def totals(self) -> AdvanceRow:
        return AdvanceRow(None, self.total("allocated"), self.total("due"), self.total("paid"))

    @property
    def numbers(self) -> list[int]:
        return sorted({t.tranche.number for r in self.rows for t in r.tranches})


def paid_per_tranche(grant: LumpSumGrant) -> dict[tuple[int, int], Decimal]:
    """(organisation id, tranche number) → paid, over every version of the grant's plan."""
    paid: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for row in AdvancePayment.objects.filter(tranche__plan__grant=grant,
                                             reversal__isnull=True).values_list(
            "tranche__organisation_id", "tranche__number", "amount"):
        paid[(row[0], row[1])] += row[2]  # summed in Python: exact on SQLite too
    return dict(paid)


def advances(grant: LumpSumGrant, as_of: date | None = None) -> Advances:
    """Per partner of the plan in force: allocated, due to `as_of` (today), paid (any
    version), outstanding; and per tranche what is paid. Payments of partners no longer in
    the plan still show (nothing paid is ever hidden)."""
    as_of = as_of or timezone.localdate()
    plan = plan_in_force(grant)
    paid = paid_per_tranche(grant)
    rows: dict[int, AdvanceRow] = {}
    if plan is not None:
        orgs = {o.pk: o for o in partners_of(plan)}
        for org_id, amount in allocated_of(plan).items():
            rows[org_id] = AdvanceRow(orgs[org_id], allocated=amount)
        for t in (AllocationTranche.objects.filter(plan=plan).select_related("organisation")
                  .order_by("organisation__name", "number")):
            row = rows.setdefault(t.organisation_id, AdvanceRow(t.organisation))
            row.tranches.append(TrancheRow(t, paid.get((t.organisation_id, t.number), ZERO)))
            if t.due_date <= as_of:
                row.due += t.amount
    extra = {org_id for org_id, _n in paid} - set(rows)
    for org in Organisation.objects.filter(pk__in=extra):
        rows[org.pk] = AdvanceRow(org)
    for (org_id, _number), amount in paid.items():
        rows[org_id].paid += amount
    ordered = sorted(rows.values(), key=lambda r: (r.organisation.name, r.organisation.pk))
    return Advances(grant, plan, as_of, ordered)


def payment_postings(grant: LumpSumGrant):
    """The ledger transactions of the grant's payments and their reversals."""
    tranche_ids = AllocationTranche.objects.filter(plan__grant=grant).values("pk")
    return LedgerTransaction.objects.filter(source_type="tranche", source_id__in=tranche_ids)


def paid_in_ledger(grant: LumpSumGrant) -> dict[int, Decimal]:
    """Per partner id: the advances paid as the ledger has them (payments − reversals)."""
    entries = LedgerEntry.objects.filter(transaction__in=payment_postings(grant),
                                         kind=LedgerEntry.Kind.ADVANCE)
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for org_id, amount in entries.values_list("organisation_id", "amount"):
        out[org_id] += amount
    return dict(out)


def closing_settlement(grant: LumpSumGrant) -> Settlement | None:
    """The settlement in force when no new version is being prepared: its year is closed."""
    found = blocking_settlement(grant)
    return found if found is not None and found.is_adopted else None


def blocking_settlement(grant: LumpSumGrant) -> Settlement | None:
    """What keeps a new draft out: a version in preparation (draft or proposed), else the
    version adopted (a change of it is a new version, `settlement_amend`)."""
    found = list(grant.settlements.filter(status__in=[Settlement.Status.ADOPTED,
                                                     *Settlement.OPEN_STATUSES])
                 .select_related("proposal__decision"))
    return (next((s for s in found if s.status in Settlement.OPEN_STATUSES), None)
            or next((s for s in found if s.is_adopted), None))


# A settlement is due for the providers' annual account: for Wmo and Jeugdwet providers by
# 1 April of the year after the grant's year. No cooperative sets another date yet.
DUE_MONTH, DUE_DAY = 4, 1


def due_on(grant: LumpSumGrant) -> date:
    return date(grant.year + 1, DUE_MONTH, DUE_DAY)


def grants_to_settle(cooperative) -> list[tuple[LumpSumGrant, Settlement | None]]:
    """What the treasurer still has to settle: each grant that may be drafted now (ready,
    with nothing in the way: the same checks that refuse drafting too early), with None; and
    each grant whose draft is not yet put to the board, with that draft."""
    out = []
    grants = (LumpSumGrant.objects.filter(cooperative=cooperative)
              .exclude(settlements__status__in=[Settlement.Status.PROPOSED,
                                                Settlement.Status.ADOPTED])
              .select_related("funder", "cooperative").order_by("year", "id"))
    for grant in grants:
        blocking = blocking_settlement(grant)
        if blocking is None and not readiness(grant)[0]:
            out.append((grant, None))
        elif blocking is not None and blocking.is_draft:
            out.append((grant, blocking))
    return out


# --- is the year ready to settle? -------------------------------------------------------------


def _named(labels: list[str]) -> str:
    if len(labels) <= MAX_NAMED:
        return ", ".join(labels)
    return _("%(some)s en nog %(n)s") % {"some": ", ".join(labels[:MAX_NAMED]),
                                         "n": len(labels) - MAX_NAMED}


def readiness(grant: LumpSumGrant) -> tuple[list[str], AllocationPlan | None]:
    """What keeps the grant from being settled now (in Dutch, each saying what to do first),
    and the plan in force that would be settled."""
    plan = plan_in_force(grant)
    if plan is None:
        return [_("De lumpsum %(grant)s heeft nog geen vastgestelde verdeling: er is niets om "
                  "vast te stellen. Laat het bestuur eerst de verdeling vaststellen.")
                % {"grant": grant}], None
    problems = []
    pending = grant.plans.filter(status__in=AllocationPlan.OPEN_STATUSES).first()
    if pending is not None:
        problems.append(_("Versie %(v)s van de verdeling is nog %(status)s: laat het bestuur "
                          "daar eerst over besluiten, zodat vaststaat welke verdeling wordt "
                          "vastgesteld.") % {"v": pending.version,
                                             "status": pending.get_status_display()})
    budget_round = BudgetRound.objects.filter(cooperative=grant.cooperative_id,
                                              year=grant.year).first()
    periods = list(budget_round.periods.order_by("number")) if budget_round else []
    if budget_round is None:
        problems.append(_("Er is geen begrotingsronde %(year)s, dus ook geen realisatie om de "
                          "verdeling mee te vergelijken.") % {"year": grant.year})
        return problems, plan
    if not periods:
        problems.append(_("De ronde %(year)s is nog niet in perioden ingedeeld en heeft dus geen "
                          "realisatie. Deel de ronde in perioden in en laat de partners hun "
                          "realisatie indienen.") % {"year": grant.year})
        return problems, plan
    not_closed = [p for p in periods if not p.is_closed]
    if not_closed:
        problems.append(_("Nog niet alle perioden van %(year)s zijn gesloten: %(periods)s. "
                          "Sluit die eerst (Realisatie, perioden), zodat de realisatie "
                          "vaststaat.") % {"year": grant.year, "periods": _named(
                              [f"{p.label} ({p.get_status_display()})" for p in not_closed])})
    submitted = set(PartnerRealisation.objects.filter(
        period__in=periods, status=PartnerRealisation.Status.SUBMITTED)
        .values_list("period_id", "organisation_id"))
    for org in partners_of(plan):
        missing = [p.label for p in periods if (p.pk, org.pk) not in submitted]
        if missing:
            problems.append(_("Van %(org)s ontbreekt de ingediende realisatie over %(periods)s. "
                              "Laat %(org)s die eerst indienen; zonder de realisatie van elke "
                              "partner kan de lumpsum niet worden vastgesteld.")
                            % {"org": org.name, "periods": _named(missing)})
    return problems, plan


# --- what a settlement comes to ----------------------------------------------------------------


def realised_on_stream(grant: LumpSumGrant) -> dict[int, Decimal]:
    """Per partner id: everything realised in the grant's year on its funding stream."""
    rows = (LedgerBalance.objects.filter(cooperative_id=grant.cooperative_id, year=grant.year,
                                         kind=LedgerEntry.Kind.REALISATION,
                                         funding_stream=grant.funding_stream_id)
            .values("organisation").annotate(total=Sum("cents")).order_by())
    return {r["organisation"]: from_cents(r["total"]) for r in rows}


def attributed_realisation(grant: LumpSumGrant, plan: AllocationPlan) -> dict[int, Decimal]:
    """Per partner id of the plan: the realisation attributed to this grant (see above)."""
    on_stream = realised_on_stream(grant)
    allocated = allocated_of(plan)
    others = list(AllocationPlan.objects.filter(
        status=AllocationPlan.Status.ADOPTED, grant__cooperative=grant.cooperative_id,
        grant__year=grant.year, grant__funding_stream=grant.funding_stream_id)
        .exclude(grant=grant))
    shares_elsewhere: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for other in others:
        for org_id, amount in allocated_of(other).items():
            shares_elsewhere[org_id][other.grant_id] = amount
    out = {}
    for org_id in allocated:
        total = on_stream.get(org_id, ZERO)
        elsewhere = shares_elsewhere.get(org_id)
        if not elsewhere or not total:
            out[org_id] = total
            continue
        weights = {grant.pk: allocated[org_id], **elsewhere}
        if not any(weights.values()):
            weights = dict.fromkeys(weights, Decimal(1))
        out[org_id] = apportion(total, weights)[grant.pk]
    return out


def figures(plan: AllocationPlan) -> dict[Organisation, tuple[Decimal, Decimal]]:
    """(allocated, realised) per partner of the plan, by name."""
    allocated = allocated_of(plan)
    realised = attributed_realisation(plan.grant, plan)
    return {org: (allocated[org.pk], realised.get(org.pk, ZERO)) for org in partners_of(plan)}


def outcome_of(settlement: Settlement, rule=None) -> rules.Outcome:
    """What the settlement comes to: the frozen lines once proposed, else computed now from
    the ledger with its rule (or `rule`, a services.RuleInput)."""
    if not settlement.is_draft and rule is None:
        return frozen_outcome(settlement)
    if rule is None:
        from .services import rule_input_of

        rule = rule_input_of(settlement)
    return rules.settle(rules.Rule(rule.surplus, rule.deficit, rule.key),
                        figures(settlement.plan))


def frozen_outcome(settlement: Settlement) -> rules.Outcome:
    lines = settlement.lines.select_related("organisation").order_by("organisation__name",
                                                                     "organisation_id")
    return rules.Outcome({ln.organisation: rules.PartnerOutcome(
        **{name: getattr(ln, name) for name in rules.PARTS}) for ln in lines})


def digest(rule, outcome: rules.Outcome) -> str:
    """A fingerprint of the rule, the key and every amount per partner: what the board is
    asked to decide (a change in between is refused rather than proposed unseen)."""
    parts = [f"{k}={v}" for k, v in sorted(rule.surplus.items())]
    parts += [f"-{k}={v}" for k, v in sorted(rule.deficit.items())]
    parts += sorted(f"key/{org.pk}={v}" for org, v in rule.key.items())
    parts += sorted(f"{org.pk}/" + "/".join(str(getattr(part, name)) for name in rules.PARTS)
                    for org, part in outcome.partners.items())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


@dataclass
class OutcomeRow:
    """One partner's settlement beside what was paid to it (None: the cooperative's total)."""

    organisation: Organisation | None
    part: rules.PartnerOutcome
    paid: Decimal

    @property
    def to_pay(self) -> Decimal:
        """Positive: still to pay to the partner; negative: to be paid back by it."""
        return self.part.settled - self.paid

    @property
    def via_reserve(self) -> Decimal:
        return self.part.to_reserve - self.part.from_reserve

    @property
    def via_key(self) -> Decimal:
        return self.part.key_received - self.part.key_borne


def outcome_table(outcome: rules.Outcome, grant: LumpSumGrant
                  ) -> tuple[list[OutcomeRow], OutcomeRow]:
    """Per partner and in total: the settlement and the advances paid (from the ledger)."""
    paid = paid_in_ledger(grant)
    rows = [OutcomeRow(org, part, paid.get(org.pk, ZERO))
            for org, part in outcome.partners.items()]
    total = rules.PartnerOutcome(**{name: outcome.total(name) for name in rules.PARTS})
    return rows, OutcomeRow(None, total, sum((r.paid for r in rows), ZERO))


def rule_text(settlement: Settlement) -> str:
    """The rule in one Dutch sentence, for the proposal and the register."""
    labels = {"partner": _("blijft bij de partner"), "reserve": _("naar de reserve"),
              "funder": _("terug naar de financier"), "key": _("herverdeeld naar de sleutel")}
    deficit_labels = {"partner": _("gedragen door de partner"),
                      "reserve": _("gedragen door de reserve"),
                      "key": _("gedragen door alle partners naar de sleutel")}

    def parts(shares, names):
        return ", ".join(f"{percent(v, 0 if v == v.to_integral() else 4)} {names[k]}"
                         for k, v in shares.items() if v)

    return _("Overschot: %(surplus)s. Tekort: %(deficit)s.") % {
        "surplus": parts(settlement.surplus_shares, labels),
        "deficit": parts(settlement.deficit_shares, deficit_labels)}


def describe(settlement: Settlement, outcome: rules.Outcome) -> str:
    """The proposal's text: the totals and the rule."""
    surplus = sum((p.surplus for p in outcome.partners.values()), ZERO)
    deficit = sum((p.deficit for p in outcome.partners.values()), ZERO)
    text = _("Vaststelling van de lumpsum %(grant)s (%(amount)s) over %(year)s. Toegewezen "
             "%(allocated)s, gerealiseerd %(realised)s; overschotten %(surplus)s, tekorten "
             "%(deficit)s. %(rule)s De reserve %(reserve)s; terug naar de financier "
             "%(funder)s.") % {
        "grant": settlement.grant, "amount": euro(settlement.grant.amount),
        "year": settlement.grant.year, "allocated": euro(outcome.total("allocated")),
        "realised": euro(outcome.total("realised")), "surplus": euro(surplus),
        "deficit": euro(deficit), "rule": rule_text(settlement),
        "reserve": (_("neemt toe met %(a)s") if outcome.reserve_net >= 0
                    else _("neemt af met %(a)s")) % {"a": euro(abs(outcome.reserve_net))},
        "funder": euro(outcome.total("to_funder"))}
    if settlement.supersedes_id:
        text += " " + _("Vervangt versie %(v)s; die boeking wordt tegengeboekt.") % {
            "v": settlement.supersedes.version}
    if settlement.note:
        text += "\n\n" + settlement.note
    return text


@dataclass
class PostingSummary:
    """A settlement's posting: per kind of entry its total (the transaction sums to 0), the
    reversal when a later version superseded it, and the posting it replaced."""

    posting: LedgerTransaction
    by_kind: list[tuple[str, Decimal]]
    reversal: LedgerTransaction | None
    replaced: LedgerTransaction | None

    @property
    def balance(self) -> Decimal:
        return sum((amount for _label, amount in self.by_kind), ZERO)


def posting_summary(settlement: Settlement) -> PostingSummary | None:
    if settlement.posting_id is None:
        return None
    labels = dict(LedgerEntry.Kind.choices)
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for kind, amount in LedgerEntry.objects.filter(transaction_id=settlement.posting_id
                                                   ).values_list("kind", "amount"):
        sums[kind] += amount
    replaced = None
    if settlement.supersedes_id and settlement.supersedes.posting_id:
        replaced = LedgerTransaction.objects.filter(
            reverses_id=settlement.supersedes.posting_id).first()
    return PostingSummary(
        settlement.posting, [(str(labels[k]), v) for k, v in sorted(sums.items())],
        LedgerTransaction.objects.filter(reverses_id=settlement.posting_id).first(), replaced)


def settlements_of(grant: LumpSumGrant):
    return (grant.settlements.select_related("proposal__decision", "drafted_by", "posting")
            .order_by("-version"))


def grants_with_settlements(cooperative):
    """Every grant, newest year first, with its plans and settlements (newest first)."""
    plans = AllocationPlan.objects.order_by("-version")
    settlements = Settlement.objects.select_related("proposal__decision").order_by("-version")
    return (LumpSumGrant.objects.filter(cooperative=cooperative)
            .select_related("funder", "funding_stream")
            .prefetch_related(Prefetch("plans", queryset=plans),
                              Prefetch("settlements", queryset=settlements))
            .order_by("-year", "-id"))


# --- the reserve -------------------------------------------------------------------------------


@dataclass
class ReserveMovement:
    transaction: LedgerTransaction
    amount: Decimal
    settlement: Settlement | None
    balance: Decimal = ZERO

    @property
    def year(self) -> int:
        return self.transaction.year


@dataclass
class ReserveYear:
    year: int
    opening: Decimal
    movements: list[ReserveMovement]

    @property
    def added(self) -> Decimal:
        return sum((m.amount for m in self.movements if m.amount > 0), ZERO)

    @property
    def drawn(self) -> Decimal:
        return sum((-m.amount for m in self.movements if m.amount < 0), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.added - self.drawn


def reserve_movements(cooperative, through_year: int | None = None) -> list[ReserveMovement]:
    """Every movement of the reserve (one per ledger entry of kind reserve), by year then
    posting, with the running balance; up to and including `through_year` when given."""
    entries = LedgerEntry.objects.filter(cooperative=cooperative, kind=LedgerEntry.Kind.RESERVE)
    if through_year is not None:
        entries = entries.filter(year__lte=through_year)
    entries = list(entries.select_related("transaction__posted_by", "transaction__reverses")
                   .order_by("year", "transaction_id", "pk"))
    ids = {e.transaction.source_id for e in entries
           if e.transaction.source_type == "settlement"}
    found = {s.pk: s for s in Settlement.objects.filter(pk__in=ids)
             .select_related("grant__funder", "proposal__decision")}
    out, balance = [], ZERO
    for entry in entries:
        balance += entry.amount
        settlement = found.get(entry.transaction.source_id) \
            if entry.transaction.source_type == "settlement" else None
        out.append(ReserveMovement(entry.transaction, entry.amount, settlement, balance))
    return out


def reserve_years(cooperative) -> list[ReserveYear]:
    """Per year with movements: opening balance, the movements, closing balance."""
    by_year: dict[int, list[ReserveMovement]] = defaultdict(list)
    for movement in reserve_movements(cooperative):
        by_year[movement.year].append(movement)
    out, balance = [], ZERO
    for year in sorted(by_year):
        entry = ReserveYear(year, balance, by_year[year])
        balance = entry.closing
        out.append(entry)
    return out


def reserve_balance(cooperative, through_year: int | None = None) -> Decimal:
    entries = LedgerBalance.objects.filter(cooperative=cooperative,
                                           kind=LedgerEntry.Kind.RESERVE)
    if through_year is not None:
        entries = entries.filter(year__lte=through_year)
    return from_cents(entries.aggregate(total=Sum("cents"))["total"])
