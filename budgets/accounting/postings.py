"""A year's ledger as balanced general-ledger postings, through the cooperative's mapping.

Each ledger transaction becomes one posting (boeking) in the journal of its kind (a reversal in
the journal of what it reverses). Each entry is one line on its mapped account: a positive
amount is a debit, a negative one a credit. What a transaction leaves unbalanced (a budget put
on the table, spending) goes to the contra account of its kind in one more line, so every
posting balances. The auditfile and the CSV journal both read these postings, so they agree.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import FundingStream, LedgerEntry, LedgerTransaction
from cooperatie.models import Neighbourhood

from .models import AccountMapping, ContraAccount, CostCentre, CostUnit, GeneralLedgerAccount

ZERO = Decimal("0.00")
# Journal (dagboek) per kind of posting: a code for the accounting package and a description.
JOURNALS = {
    LedgerTransaction.Kind.BUDGET: ("BEGR", "Ingediende begrotingen"),
    LedgerTransaction.Kind.ALLOCATION: ("LUMP", "Toewijzing lumpsums"),
    LedgerTransaction.Kind.REALISATION: ("REAL", "Ingediende realisatie"),
    LedgerTransaction.Kind.PAYMENT: ("BETA", "Betaalde voorschotten"),
    LedgerTransaction.Kind.SETTLEMENT: ("VAST", "Vaststelling lumpsums"),
}


@dataclass(frozen=True)
class Line:
    nr: str
    account: GeneralLedgerAccount
    amount: Decimal  # signed: > 0 debit, < 0 credit
    description: str
    cost_centre: str = ""
    cost_unit: str = ""
    contra: bool = False

    @property
    def side(self) -> str:
        return "D" if self.amount >= 0 else "C"


@dataclass(frozen=True)
class Posting:
    transaction: LedgerTransaction
    journal: str  # a key of JOURNALS
    day: date
    lines: list[Line]

    @property
    def period(self) -> int:
        return self.day.month


class Mapping:
    """The cooperative's mapping, loaded once: account per (kind, stream) or per kind, contra
    account per kind of posting, cost centre per neighbourhood, cost unit per stream."""

    def __init__(self, cooperative):
        self.cooperative = cooperative
        self.by_kind: dict[tuple[str, int | None], GeneralLedgerAccount] = {
            (m.kind, m.funding_stream_id): m.account
            for m in AccountMapping.objects.filter(cooperative=cooperative).select_related(
                "account")}
        self.contra = {c.posting_kind: c.account for c in ContraAccount.objects.filter(
            cooperative=cooperative).select_related("account")}
        self.cost_centres = dict(CostCentre.objects.filter(
            neighbourhood__cooperative=cooperative).values_list("neighbourhood_id", "code"))
        self.cost_units = dict(CostUnit.objects.filter(
            funding_stream__cooperative=cooperative).values_list("funding_stream_id", "code"))

    def account(self, kind: str, stream_id: int | None) -> GeneralLedgerAccount | None:
        return self.by_kind.get((kind, stream_id)) or self.by_kind.get((kind, None))

    def accounts(self) -> list[GeneralLedgerAccount]:
        found = {a.pk: a for a in [*self.by_kind.values(), *self.contra.values()]}
        return sorted(found.values(), key=lambda a: a.code)


def entries_of(cooperative, year: int, up_to: int | None = None):
    entries = LedgerEntry.objects.filter(cooperative=cooperative, year=year)
    if up_to is not None:
        entries = entries.filter(transaction_id__lte=up_to)
    return entries


def journal_of(transaction: LedgerTransaction) -> str:
    original = transaction.reverses if transaction.reverses_id else transaction
    return original.kind


def missing(cooperative, year: int, up_to: int | None = None) -> list[str]:
    """What must be mapped before the year's ledger can go to the accounting package, in
    words (empty: all mapped). Checks the combinations that occur, not every possible one."""
    mapping = Mapping(cooperative)
    entries = entries_of(cooperative, year, up_to)
    streams = dict(FundingStream.objects.filter(cooperative=cooperative).values_list(
        "pk", "code"))
    kinds = dict(LedgerEntry.Kind.choices)
    unmapped: dict[str, list[str]] = {}
    for kind, stream_id in sorted(set(entries.values_list("kind", "funding_stream_id")),
                                  key=lambda k: (k[0], streams.get(k[1], ""))):
        if mapping.account(kind, stream_id) is None:
            unmapped.setdefault(kind, []).extend([streams[stream_id]] if stream_id else [])
    out = []
    for kind, codes in unmapped.items():
        line = _("Grootboekrekening voor '%(kind)s'") % {"kind": kinds[kind]}
        out.append(f"{line} ({', '.join(codes)})" if codes else line)
    journals = {journal_of(t) for t in LedgerTransaction.objects.filter(
        entries__in=entries).select_related("reverses").distinct()}
    posting_kinds = dict(LedgerTransaction.Kind.choices)
    for kind in sorted(journals - set(mapping.contra)):
        if _unbalanced(entries, kind):
            out.append(_("Tegenrekening voor boekingen van het soort '%(kind)s'")
                       % {"kind": posting_kinds[kind]})
    hoods = (Neighbourhood.objects.filter(pk__in=entries.values("neighbourhood"))
             .exclude(pk__in=list(mapping.cost_centres)).order_by("code"))
    out += [_("Kostenplaats voor buurt %(code)s (%(name)s)") % {"code": h.code, "name": h.name}
            for h in hoods]
    return out


def _unbalanced(entries, kind: str) -> bool:
    """Does any transaction of this journal not balance by itself (so needs a contra line)?"""
    totals: dict[int, Decimal] = {}
    rows = entries.filter(Q(transaction__kind=kind) | Q(transaction__reverses__kind=kind))
    for tx, amount in rows.values_list("transaction_id", "amount"):
        totals[tx] = totals.get(tx, ZERO) + amount
    return any(total != ZERO for total in totals.values())


def transaction_day(transaction: LedgerTransaction, periods: set, year: int) -> date:
    """The posting's date within the fiscal year: the end of the realisation period it is
    booked in, else the day it was posted, moved into the year (a budget for 2026 is often
    submitted in 2025)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if periods:
        day = max(p.ref.end for p in periods)
    else:
        day = timezone.localtime(transaction.posted_at).date()
    return min(max(day, start), end)


def postings(cooperative, year: int, up_to: int | None = None) -> Iterator[Posting]:
    """The year's postings by journal, then in ledger order, streamed one transaction at a
    time. Raises ValueError if anything is unmapped (call `missing` first to tell the user
    what)."""
    mapping = Mapping(cooperative)
    rows = (entries_of(cooperative, year, up_to)
            .select_related("transaction__reverses", "transaction__posted_by",
                            "period__budget_round")
            .annotate(journal=Coalesce(F("transaction__reverses__kind"), F("transaction__kind")))
            .order_by("journal", "transaction_id", "id"))
    current, lines, periods = None, [], set()
    for entry in rows.iterator(chunk_size=2000):
        if current is not None and entry.transaction_id != current.pk:
            yield _posting(current, lines, periods, mapping, year)
            lines, periods = [], set()
        current = entry.transaction
        if entry.period is not None:
            periods.add(entry.period)
        lines.append(_line(entry, mapping))
    if current is not None:
        yield _posting(current, lines, periods, mapping, year)


def _line(entry: LedgerEntry, mapping: Mapping) -> Line:
    account = mapping.account(entry.kind, entry.funding_stream_id)
    if account is None:
        raise ValueError(f"no account for {entry.kind}/{entry.funding_stream_id}")
    cost_centre = ""
    if entry.neighbourhood_id:
        cost_centre = mapping.cost_centres.get(entry.neighbourhood_id)
        if cost_centre is None:
            raise ValueError(f"no cost centre for neighbourhood {entry.neighbourhood_id}")
    return Line(nr=str(entry.pk), account=account, amount=entry.amount,
                description=entry.get_kind_display(), cost_centre=cost_centre,
                cost_unit=mapping.cost_units.get(entry.funding_stream_id, ""))


def _posting(transaction, lines: list[Line], periods: set, mapping: Mapping, year: int
             ) -> Posting:
    journal = journal_of(transaction)
    rest = sum((line.amount for line in lines), ZERO)
    if rest != ZERO:
        contra = mapping.contra.get(journal)
        if contra is None:
            raise ValueError(f"no contra account for {journal}")
        lines = [*lines, Line(nr=f"{transaction.pk}-T", account=contra, amount=-rest,
                              description=_("Tegenrekening"), contra=True)]
    return Posting(transaction=transaction, journal=journal,
                   day=transaction_day(transaction, periods, year), lines=lines)


@dataclass
class Totals:
    lines: int = 0
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    ledger: Decimal = ZERO  # the signed sum of the lines that are ledger entries (no contra)

    def add(self, posting: Posting) -> None:
        for line in posting.lines:
            self.lines += 1
            if line.amount >= 0:
                self.debit += line.amount
            else:
                self.credit -= line.amount
            if not line.contra:
                self.ledger += line.amount


def totals(cooperative, year: int, up_to: int | None = None) -> Totals:
    """Lines, debit and credit of the whole year: the auditfile states them up front."""
    found = Totals()
    for posting in postings(cooperative, year, up_to):
        found.add(posting)
    return found
