"""The figures of the annual account (jaarverantwoording) of one cooperative-year, each with
the ledger transactions it comes from, for the funder and the accountant. Reads only; the
workbook is written by reports/builders/annual_account.py.

Per funder and grant: granted, allocated, advances due, paid, realised, settled, the surplus
or deficit per partner and what was decided with it (decision numbers and dates); the
reserve's movements over the years; every ledger transaction the figures come from.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from budgets.models import (
    AllocationPlan,
    AllocationTranche,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
)
from cooperatie.governance.models import Decision
from partners.models import Organisation

from . import rules, selectors
from .models import AdvancePayment, Settlement

ZERO = Decimal("0.00")


def numbers(ids) -> str:
    """Transaction numbers as the accountant reads them: "boeking 12" or "boekingen 12, 40"."""
    ids = sorted(set(ids))
    if not ids:
        return ""
    return ("boeking " if len(ids) == 1 else "boekingen ") + ", ".join(map(str, ids))


@dataclass
class PartnerAccount:
    organisation: Organisation
    allocated: Decimal = ZERO
    due: Decimal = ZERO
    paid: Decimal = ZERO
    realised: Decimal = ZERO
    settlement: rules.PartnerOutcome | None = None  # the settlement in force, if any
    postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def result(self) -> Decimal:
        return self.allocated - self.realised

    @property
    def settled(self) -> Decimal | None:
        return self.settlement.settled if self.settlement else None


@dataclass
class GrantAccount:
    grant: LumpSumGrant
    plan: AllocationPlan | None
    plan_decision: Decision | None
    settlement: Settlement | None  # the settlement in force
    pending: Settlement | None  # a version being prepared or put to the board
    partners: list[PartnerAccount]

    @property
    def settlement_decision(self) -> Decision | None:
        return self.settlement.proposal.decision if self.settlement else None

    def total(self, name: str) -> Decimal:
        return sum((getattr(p, name) or ZERO for p in self.partners), ZERO)

    def settled_total(self, part: str) -> Decimal:
        return sum((getattr(p.settlement, part) for p in self.partners if p.settlement), ZERO)

    @property
    def granted(self) -> Decimal:
        """What is granted in force: the grant, once a plan of it is adopted (posted)."""
        return self.grant.amount if self.plan is not None else ZERO


@dataclass
class Payment:
    payment: AdvancePayment
    transaction: LedgerTransaction
    amount: Decimal  # the payment, or its reversal (negative)


@dataclass
class AnnualAccount:
    year: int
    as_of: date
    grants: list[GrantAccount]
    payments: list[Payment]
    reserve: list[selectors.ReserveMovement]
    transactions: list[LedgerTransaction]


def annual_account(cooperative, year: int, *, organisation=None, up_to=None) -> AnnualAccount:
    """The account as the ledger stood up to transaction `up_to` (a report's snapshot)."""
    as_of = min(timezone.localdate(), date(year, 12, 31))
    grants = list(LumpSumGrant.objects.filter(cooperative=cooperative, year=year)
                  .select_related("funder", "funding_stream").order_by("pk"))
    accounts = [_grant_account(g, as_of, organisation) for g in grants]
    payments = _payments(grants, organisation, up_to)
    reserve = [m for m in selectors.reserve_movements(cooperative, through_year=year)
               if up_to is None or m.transaction.pk <= up_to]
    ids = {pk for account in accounts for p in account.partners
           for group in p.postings.values() for pk in group}
    ids |= {p.transaction.pk for p in payments} | {m.transaction.pk for m in reserve}
    ids |= {a.settlement.posting_id for a in accounts if a.settlement}
    transactions = list(LedgerTransaction.objects.filter(pk__in=ids).order_by("pk"))
    if up_to is not None:
        transactions = [t for t in transactions if t.pk <= up_to]
    return AnnualAccount(year, as_of, accounts, payments, reserve, transactions)


def _grant_account(grant: LumpSumGrant, as_of: date, organisation) -> GrantAccount:
    plan = selectors.plan_in_force(grant)
    settlements = list(grant.settlements.select_related("proposal__decision", "posting"))
    settlement = next((s for s in settlements if s.is_adopted), None)
    pending = next((s for s in settlements if s.status in Settlement.OPEN_STATUSES), None)
    account = GrantAccount(grant, plan,
                           plan.proposal.decision if plan and plan.proposal_id else None,
                           settlement, pending, [])
    if plan is None:
        return account
    rows: dict[int, PartnerAccount] = {}
    for org in selectors.partners_of(plan):
        if organisation is None or org.pk == organisation.pk:
            rows[org.pk] = PartnerAccount(org)
    for org_id, amount in selectors.allocated_of(plan).items():
        if org_id in rows:
            rows[org_id].allocated = amount
            rows[org_id].postings["allocation"].add(plan.posting_id)
    for t in AllocationTranche.objects.filter(plan=plan, due_date__lte=as_of):
        if t.organisation_id in rows:
            rows[t.organisation_id].due += t.amount
    for org_id, amount in selectors.paid_in_ledger(grant).items():
        if org_id in rows:
            rows[org_id].paid = amount
    for org_id, amount in selectors.attributed_realisation(grant, plan).items():
        if org_id in rows:
            rows[org_id].realised = amount
    for org_id, pk in _realisation_postings(grant, set(rows)):
        rows[org_id].postings["realisation"].add(pk)
    if settlement is not None:
        outcome = selectors.frozen_outcome(settlement)
        for org, part in outcome.partners.items():
            if org.pk in rows:
                rows[org.pk].settlement = part
                rows[org.pk].postings["settlement"].add(settlement.posting_id)
    account.partners = sorted(rows.values(), key=lambda r: (r.organisation.name,
                                                            r.organisation.pk))
    return account


def _realisation_postings(grant: LumpSumGrant, org_ids: set[int]):
    """(organisation id, transaction id) of every posting of realisation on the grant's
    stream in its year (submissions, corrections and their reversals)."""
    return (LedgerEntry.objects.filter(
        cooperative_id=grant.cooperative_id, year=grant.year, kind=LedgerEntry.Kind.REALISATION,
        funding_stream=grant.funding_stream_id, organisation_id__in=org_ids)
        .values_list("organisation_id", "transaction_id").distinct().order_by())


def _payments(grants, organisation, up_to) -> list[Payment]:
    payments = (AdvancePayment.objects.filter(tranche__plan__grant__in=grants)
                .select_related("tranche__organisation", "tranche__plan__grant", "posting",
                                "reversal").order_by("paid_on", "pk"))
    if organisation is not None:
        payments = payments.filter(tranche__organisation=organisation)
    out = []
    for payment in payments:
        if up_to is None or payment.posting_id <= up_to:
            out.append(Payment(payment, payment.posting, payment.amount))
        if payment.reversal_id and (up_to is None or payment.reversal_id <= up_to):
            out.append(Payment(payment, payment.reversal, -payment.amount))
    return out
