"""Tamper evidence for the ledger: every transaction stores a SHA-256 over the hash of its
cooperative's previous transaction and its own content (its fields and its entries, in one
canonical form, amounts as exact decimal strings). A row changed, removed or slipped in outside
the application breaks the chain from there on; `verify` recomputes it and names the first
transaction that does not match.

The hash is computed before the row is inserted (rows are never updated), under a lock on the
cooperative so that concurrent postings chain one after the other. Anyone who can rewrite the
database can also rewrite the chain; the head hash printed in every report's about-sheet and
by `verify_ledger` is what such a rewrite cannot match afterwards."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

GENESIS = "0" * 64
CENT = Decimal("0.01")
# What is hashed, in this order. Not the ids: the chain itself fixes each row's place.
TRANSACTION_FIELDS = ("cooperative_id", "year", "kind", "source_type", "source_id",
                      "reverses_id", "description", "reason", "posted_by_id", "posted_at")
ENTRY_FIELDS = ("cooperative_id", "year", "kind", "amount", "organisation_id",
                "neighbourhood_id", "funding_stream_id", "team_id", "period_id")


AMOUNT = ENTRY_FIELDS.index("amount")


def _amount(value) -> str:
    if not isinstance(value, Decimal):
        raise TypeError(f"Bedragen in het grootboek zijn Decimal, geen {type(value).__name__}.")
    exact = value.quantize(CENT)
    if exact != value:
        raise ValueError(f"Een bedrag in het grootboek heeft hooguit 2 decimalen: {value}.")
    return str(exact if exact else CENT * 0)  # "0.00", never "-0.00"


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _entry_line(entry: Sequence) -> str:
    """Entries hold only ids, codes and one amount: comma-separated text is unambiguous (an
    empty field is None) and fast, which matters for a ledger of half a million entries."""
    fields = ["" if value is None else str(value) for value in entry]
    fields[AMOUNT] = _amount(entry[AMOUNT])
    return ",".join(fields)


def canonical(transaction: Sequence, entries: Iterable[Sequence]) -> bytes:
    """The content of one transaction as bytes: its TRANSACTION_FIELDS values as JSON, then one
    line per entry (ENTRY_FIELDS), sorted, so the order they were read in does not matter."""
    head = json.dumps([_plain(v) for v in transaction], ensure_ascii=False,
                      separators=(",", ":"))
    return "\n".join([head, *sorted(map(_entry_line, entries))]).encode()


def link(previous: str, transaction: Sequence, entries: Iterable[Sequence]) -> str:
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(transaction, entries))
    return digest.hexdigest()


def values(obj, fields: Sequence[str]) -> tuple:
    """An unsaved row's values as the database will give them back (2026, not "2026")."""
    meta = obj._meta
    return tuple(meta.get_field(name).to_python(getattr(obj, name)) for name in fields)


def head(cooperative_id: int, *, up_to: int | None = None) -> str:
    """The hash the cooperative's next transaction chains to."""
    from .models import LedgerTransaction

    postings = LedgerTransaction.objects.filter(cooperative_id=cooperative_id)
    if up_to is not None:
        postings = postings.filter(pk__lte=up_to)
    return postings.order_by("-id").values_list("chain_hash", flat=True).first() or GENESIS


@dataclass(frozen=True)
class ChainCheck:
    checked: int  # transactions recomputed
    head: str  # the stored hash of the last one checked (GENESIS when there is none)
    broken_at: int | None = None  # id of the first transaction that does not match
    last_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(cooperative_id: int, *, up_to: int | None = None,
           chunk_size: int = 5000) -> ChainCheck:
    """Recompute the cooperative's chain in id order (streaming, constant memory), up to and
    including transaction `up_to` when given; stop at the first transaction that differs."""
    from .models import LedgerEntry, LedgerTransaction

    postings = LedgerTransaction.objects.filter(cooperative_id=cooperative_id)
    entries = LedgerEntry.objects.filter(transaction__cooperative_id=cooperative_id)
    if up_to is not None:
        postings, entries = postings.filter(pk__lte=up_to), entries.filter(
            transaction_id__lte=up_to)
    postings = postings.order_by("id").values_list(
        "id", "chain_hash", *TRANSACTION_FIELDS).iterator(chunk_size=chunk_size)
    entries = entries.order_by("transaction_id", "id").values_list(
        "transaction_id", *ENTRY_FIELDS).iterator(chunk_size=chunk_size)
    pending = next(entries, None)
    previous, checked, last_id = GENESIS, 0, None
    for pk, stored, *fields in postings:
        own = []
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                own.append(pending[1:])
            pending = next(entries, None)
        if link(previous, fields, own) != stored:
            return ChainCheck(checked, previous, broken_at=pk, last_id=last_id)
        previous, checked, last_id = stored, checked + 1, pk
    return ChainCheck(checked, previous, last_id=last_id)


def describe(check: ChainCheck) -> str:
    """One line in Dutch, for `verify_ledger` and every report's about-sheet."""
    if not check.intact:
        return _("NIET IN ORDE: boeking %(pk)s klopt niet met de keten: ze is buiten de "
                 "applicatie gewijzigd, of een boeking ervoor is verwijderd of ingevoegd. De "
                 "%(n)s boekingen ervoor kloppen.") % {"pk": check.broken_at, "n": check.checked}
    if not check.checked:
        return _("in orde: nog geen boekingen.")
    return _("in orde: %(n)s boekingen nagerekend tot en met boeking %(pk)s; ketenhash "
             "%(hash)s.") % {"n": check.checked, "pk": check.last_id, "hash": check.head}
