"""Posting to the shared ledger. Entries are never changed: a correction is a reversal
(every entry negated) plus a new posting."""

from collections import defaultdict
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Round

from cooperatie.models import Cooperative

from . import chain
from .models import (
    DimensionBalance,
    LedgerBalance,
    LedgerEntry,
    LedgerTransaction,
    NeighbourhoodBalance,
)

DIMENSIONS = ("organisation", "neighbourhood", "funding_stream", "team", "period")
BATCH = 2000


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
    posting = LedgerTransaction(
        cooperative=cooperative, year=year, kind=kind, source_type=source_type,
        source_id=source_id, description=description, reason=reason, posted_by=actor,
    )
    created = [LedgerEntry(transaction=posting, cooperative=cooperative, year=year, **entry)
               for entry in entries]
    append([(posting, created)])
    _add_to_balances(created)
    return posting


@transaction.atomic
def reverse(*, posting: LedgerTransaction, actor, reason: str,
            period=None) -> LedgerTransaction:
    """Negate every entry of `posting`. With `period`, the reversal is booked in that (open)
    period instead of the original's: a correction of a closed period."""
    fields = ["kind", "amount", *(f"{d}_id" for d in DIMENSIONS)]
    entries = [
        {**row, "amount": -row["amount"]} for row in posting.entries.values(*fields)
    ]
    if period is not None:
        entries = [{**row, "period_id": period.pk} for row in entries]
    reversal = LedgerTransaction(
        cooperative_id=posting.cooperative_id, year=posting.year,
        kind=LedgerTransaction.Kind.REVERSAL, source_type=posting.source_type,
        source_id=posting.source_id, reverses=posting,
        description=f"Tegenboeking van #{posting.pk}: {posting.description}"[:300],
        reason=reason, posted_by=actor,
    )
    created = [LedgerEntry(transaction=reversal, cooperative_id=posting.cooperative_id,
                           year=posting.year, **entry) for entry in entries]
    append([(reversal, created)])
    _add_to_balances(created)
    return reversal


@transaction.atomic
def append(postings: list[tuple[LedgerTransaction, list[LedgerEntry]]]) -> None:
    """Insert unsaved transactions with their entries, chained (budgets.chain): the one way
    rows get into the ledger. The lock on each cooperative's row makes concurrent postings
    chain one after the other (SQLite's writes are serial anyway). The running balances are
    the caller's: post and reverse add to them, a bulk load rebuilds them."""
    if not postings:
        return
    cooperatives = sorted({posting.cooperative_id for posting, _ in postings})
    list(Cooperative.objects.select_for_update().filter(pk__in=cooperatives).values_list("pk"))
    heads = {pk: chain.head(pk) for pk in cooperatives}
    for posting, entries in postings:
        heads[posting.cooperative_id] = posting.chain_hash = chain.link(
            heads[posting.cooperative_id], chain.values(posting, chain.TRANSACTION_FIELDS),
            [chain.values(entry, chain.ENTRY_FIELDS) for entry in entries])
    LedgerTransaction.objects.bulk_create([posting for posting, _ in postings],
                                          batch_size=BATCH)
    LedgerEntry.objects.bulk_create([entry for _, entries in postings for entry in entries],
                                    batch_size=BATCH)


@transaction.atomic
def append_rows(postings: list[tuple[tuple, list[tuple]]], *, hood_areas: dict[int, int],
                team_areas: dict[int, int]) -> None:
    """`append` and `post` for a bulk load of millions of entries (the scale data), without a
    model instance per row: each posting as its chain.TRANSACTION_FIELDS values and its
    entries as chain.ENTRY_FIELDS values (ready for the database: ints, str, Decimal, an aware
    posted_at), chained the same way, and added to the running balances as `post` adds them
    (`hood_areas`, `team_areas`: the area of each neighbourhood and team)."""
    from cooperatie import bulk

    if not postings:
        return
    cooperatives = sorted({fields[0] for fields, _ in postings})
    list(Cooperative.objects.select_for_update().filter(pk__in=cooperatives).values_list("pk"))
    heads = {pk: chain.head(pk) for pk in cooperatives}
    ids = bulk.reserve_ids(LedgerTransaction, len(postings))
    at = chain.TRANSACTION_FIELDS.index("posted_at")
    transactions, entries = [], []
    for pk, (fields, own) in zip(ids, postings, strict=True):
        heads[fields[0]] = digest = chain.link(heads[fields[0]], fields, own)
        row = list(fields)
        row[at] = bulk.db_value(LedgerTransaction, "posted_at", row[at])
        transactions.append((pk, *row, digest))
        entries += [(pk, *entry) for entry in own]
    bulk.insert(LedgerTransaction, ["id", *chain.TRANSACTION_FIELDS, "chain_hash"], transactions)
    bulk.insert(LedgerEntry, ["transaction_id", *chain.ENTRY_FIELDS], entries)
    _add_values_to_balances([entry for _, own in postings for entry in own], hood_areas,
                            team_areas)


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


# --- running balances (budgets.models.LedgerBalance, DimensionBalance, NeighbourhoodBalance) --


def _cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _areas(entries) -> tuple[dict[int, int], dict[int, int]]:
    from cooperatie.models import Neighbourhood, Team

    hood_ids = {e.neighbourhood_id for e in entries if e.neighbourhood_id}
    team_ids = {e.team_id for e in entries if e.team_id and not e.neighbourhood_id}
    hoods = dict(Neighbourhood.objects.filter(pk__in=hood_ids).values_list("pk", "area_id")
                 ) if hood_ids else {}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "area_id")
                 ) if team_ids else {}
    return hoods, teams


def _add_to_balances(entries: list[LedgerEntry]) -> None:
    """Add the new entries to the running balances (an upsert per key, in this transaction)."""
    if entries:
        _add_values_to_balances([chain.values(e, chain.ENTRY_FIELDS) for e in entries],
                                *_areas(entries))


_E = {name: i for i, name in enumerate(chain.ENTRY_FIELDS)}


def _add_values_to_balances(entries: list[tuple], hoods: dict[int, int],
                            teams: dict[int, int]) -> None:
    """Entries as chain.ENTRY_FIELDS values; `hoods` and `teams` give their areas."""
    coop, year, kind, amount = _E["cooperative_id"], _E["year"], _E["kind"], _E["amount"]
    org, hood, stream = _E["organisation_id"], _E["neighbourhood_id"], _E["funding_stream_id"]
    team, period = _E["team_id"], _E["period_id"]
    totals_by_key: dict[tuple, int] = defaultdict(int)
    by_hood: dict[tuple, int] = defaultdict(int)
    for e in entries:
        area = hoods.get(e[hood]) or teams.get(e[team]) or 0
        head = (e[coop], e[year], str(e[kind]), e[period] or 0)
        cents = _cents(e[amount])
        totals_by_key[(*head, e[org] or 0, area, e[stream] or 0)] += cents
        if e[hood]:
            by_hood[(*head, e[hood])] += cents
    _upsert(LedgerBalance, ["cooperative_id", "year", "kind", "period", "organisation", "area",
                            "funding_stream"], totals_by_key)
    _upsert(DimensionBalance, ["cooperative_id", "year", "kind", "period", "dimension", "key"],
            by_dimension(totals_by_key))
    _upsert(NeighbourhoodBalance, ["cooperative_id", "year", "kind", "period", "neighbourhood"],
            by_hood)


DIMENSION_COLUMNS = ("organisation", "area", "funding_stream")  # LedgerBalance's, in key order


def by_dimension(ledger_keys: dict[tuple, int]) -> dict[tuple, int]:
    """LedgerBalance's (cooperative, year, kind, period, organisation, area, funding_stream)
    totals as DimensionBalance's (cooperative, year, kind, period, dimension, key)."""
    out: dict[tuple, int] = defaultdict(int)
    for (*head, org, area, stream), cents in ledger_keys.items():
        for dimension, key in zip(DIMENSION_COLUMNS, (org, area, stream), strict=True):
            out[(*head, dimension, key)] += cents
    return out


def _upsert(model, key: list[str], rows: dict[tuple, int]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(key + ["cents"])
    marks = ", ".join(["%s"] * (len(key) + 1))
    sql = (f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
           f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET cents = {table}.cents + excluded.cents")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*k, cents) for k, cents in rows.items()])


def _computed_balances(cooperative) -> tuple[list[LedgerBalance], list[DimensionBalance],
                                             list[NeighbourhoodBalance]]:
    entries = LedgerEntry.objects.filter(cooperative=cooperative).order_by()
    area = Coalesce("neighbourhood__area_id", "team__area_id", 0)
    rows = entries.values("year", "kind", "period_id", "organisation_id", "funding_stream_id",
                          area_id=area).annotate(total=cents_sum())
    balances = [LedgerBalance(cooperative=cooperative, year=r["year"], kind=r["kind"],
                              period=r["period_id"] or 0, organisation=r["organisation_id"] or 0,
                              area=r["area_id"] or 0, funding_stream=r["funding_stream_id"] or 0,
                              cents=int(r["total"] or 0)) for r in rows]
    per_dimension = by_dimension({
        (cooperative.pk, b.year, b.kind, b.period, b.organisation, b.area, b.funding_stream):
        b.cents for b in balances})
    dimensions = [DimensionBalance(cooperative=cooperative, year=year, kind=kind, period=period,
                                   dimension=dimension, key=key, cents=total)
                  for (_coop, year, kind, period, dimension, key), total
                  in per_dimension.items()]
    rows = (entries.filter(neighbourhood__isnull=False)
            .values("year", "kind", "period_id", "neighbourhood_id").annotate(total=cents_sum()))
    by_hood = [NeighbourhoodBalance(cooperative=cooperative, year=r["year"], kind=r["kind"],
                                    period=r["period_id"] or 0,
                                    neighbourhood=r["neighbourhood_id"],
                                    cents=int(r["total"] or 0)) for r in rows]
    return balances, dimensions, by_hood


BALANCES = (LedgerBalance, DimensionBalance, NeighbourhoodBalance)


@transaction.atomic
def balances_rebuild(cooperative) -> int:
    """Recompute a cooperative's running balances from its entries (after a bulk load of
    entries, e.g. the scale data, or to repair). Returns the number of balance rows."""
    computed = _computed_balances(cooperative)
    for model, rows in zip(BALANCES, computed, strict=True):
        model.objects.filter(cooperative=cooperative).delete()
        model.objects.bulk_create(rows, batch_size=2000)
    return sum(len(rows) for rows in computed)


def balances_differences(cooperative) -> list[str]:
    """Where the running balances disagree with the entries (empty when they agree)."""
    out = []
    for model, computed, key in zip(BALANCES, _computed_balances(cooperative), (
            ("year", "kind", "period", "organisation", "area", "funding_stream"),
            ("year", "kind", "period", "dimension", "key"),
            ("year", "kind", "period", "neighbourhood")), strict=True):
        want = {tuple(getattr(b, k) for k in key): b.cents for b in computed if b.cents}
        have = {tuple(r[:-1]): r[-1] for r in model.objects.filter(cooperative=cooperative)
                .exclude(cents=0).values_list(*key, "cents")}
        out += [f"{model.__name__} {k}: {have.get(k)} != {want.get(k)}"
                for k in sorted(set(want) | set(have), key=str) if want.get(k) != have.get(k)]
    return out
