"""Posting to the shared ledger. Entries are never changed: a correction is a reversal
(every entry negated) plus a new posting."""

from decimal import Decimal

from django.db import models, transaction
from django.db.models import F, Sum
from django.db.models.functions import Round

from .models import LedgerEntry, LedgerTransaction

DIMENSIONS = ("organisation", "neighbourhood", "funding_stream", "team")


def live_posting(source_type: str, source_id: int) -> LedgerTransaction | None:
    """The source's latest posting that has not been reversed."""
    return (
        LedgerTransaction.objects.filter(source_type=source_type, source_id=source_id,
                                         reversed_by__isnull=True)
        .exclude(kind=LedgerTransaction.Kind.REVERSAL)
        .order_by("-id").first()
    )


@transaction.atomic
def post(*, cooperative, year: int, kind: str, source_type: str, source_id: int,
         description: str, reason: str, actor, entries: list[dict]) -> LedgerTransaction:
    """Write one transaction with its entries. Each entry: kind, amount, and any of
    organisation, neighbourhood, funding_stream, team."""
    posting = LedgerTransaction.objects.create(
        cooperative=cooperative, year=year, kind=kind, source_type=source_type,
        source_id=source_id, description=description, reason=reason, posted_by=actor,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=posting, cooperative=cooperative, year=year, **entry)
        for entry in entries
    )
    return posting


@transaction.atomic
def reverse(*, posting: LedgerTransaction, actor, reason: str) -> LedgerTransaction:
    fields = ["kind", "amount", *(f"{d}_id" for d in DIMENSIONS)]
    entries = [
        {**row, "amount": -row["amount"]} for row in posting.entries.values(*fields)
    ]
    reversal = LedgerTransaction.objects.create(
        cooperative_id=posting.cooperative_id, year=posting.year,
        kind=LedgerTransaction.Kind.REVERSAL, source_type=posting.source_type,
        source_id=posting.source_id, reverses=posting,
        description=f"Tegenboeking van #{posting.pk}: {posting.description}"[:300],
        reason=reason, posted_by=actor,
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=reversal, cooperative_id=posting.cooperative_id,
                    year=posting.year, **entry)
        for entry in entries
    )
    return reversal


@transaction.atomic
def repost(*, cooperative, year: int, kind: str, source_type: str, source_id: int,
           description: str, reason: str, actor, entries: list[dict]) -> LedgerTransaction:
    """Replace the source's live posting: reverse it (if any), then post anew."""
    previous = live_posting(source_type, source_id)
    if previous is not None:
        reverse(posting=previous, actor=actor, reason=reason)
    return post(cooperative=cooperative, year=year, kind=kind, source_type=source_type,
                source_id=source_id, description=description, reason=reason, actor=actor,
                entries=entries)


def cents_sum(field: str = "amount") -> Sum:
    """SUM in whole cents. SQLite keeps decimals as doubles and would add them as floats;
    rounding each amount to cents first makes the sum exact on every database."""
    return Sum(Round(F(field) * 100), output_field=models.BigIntegerField())


def from_cents(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def balance(queryset) -> Decimal:
    return from_cents(queryset.aggregate(total=cents_sum())["total"])


def totals(queryset, *fields: str) -> list[dict]:
    """Exact money totals per group: [{field: value, ..., "total": Decimal}]."""
    rows = queryset.values(*fields).annotate(total=cents_sum()).order_by(*fields)
    return [{**row, "total": from_cents(row["total"])} for row in rows]
