"""Every ledger entry with its transaction, who posted it and why. Streams: constant memory."""

from decimal import Decimal

from budgets.ledger import balance
from budgets.models import LedgerEntry, LedgerTransaction
from reports.writer import Column

from . import Report, check_equal

COLUMNS = [
    Column("Regel", "int", 9), Column("Boeking", "int", 9), Column("Geboekt op", "datetime", 19),
    Column("Geboekt door", "text", 18), Column("Soort boeking", "text", 20),
    Column("Omschrijving", "text", 40), Column("Reden", "text", 36),
    Column("Soort regel", "text", 26), Column("Partner", "text", 30),
    Column("Buurtcode", "text", 12), Column("Buurt", "text", 22),
    Column("Financieringsstroom", "text", 22), Column("Team", "text", 22),
    Column("Bedrag", "money", 16, total=True),
]
FIELDS = [
    "pk", "transaction_id", "transaction__posted_at", "transaction__posted_by__username",
    "transaction__kind", "transaction__description", "transaction__reason", "kind",
    "organisation__name", "neighbourhood__code", "neighbourhood__name", "funding_stream__name",
    "team__name", "amount",
]


class LedgerReport(Report):
    slug = "ledger"
    title = "Grootboek: alle boekingen"
    streaming = True

    def estimate(self, scope) -> int:
        return scope.ledger_entries().count()

    def write(self, writer, scope, progress) -> int:
        # Labels translated once, not per row: the choices are lazy strings, and evaluating
        # two of them per row cost a fifth of the export's time (bench/README.md).
        tx_kinds = {k: str(label) for k, label in LedgerTransaction.Kind.choices}
        entry_kinds = {k: str(label) for k, label in LedgerEntry.Kind.choices}
        written = Decimal("0.00")

        def rows():
            nonlocal written
            query = scope.ledger_entries().order_by("pk").values_list(*FIELDS)
            for row in query.iterator(chunk_size=5000):
                row = list(row)
                row[4] = tx_kinds.get(row[4], row[4])
                row[7] = entry_kinds.get(row[7], row[7])
                row[13] = Decimal(row[13]).quantize(Decimal("0.01"))
                written += row[13]
                yield row

        count = writer.table("Grootboek", COLUMNS, rows(), progress=progress)
        check_equal("Grootboek", written, balance(scope.ledger_entries()))
        return count
