"""Every ledger entry with its transaction, who posted it and why. Streams: constant memory."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from budgets.ledger import balance
from budgets.models import LedgerEntry, LedgerTransaction
from budgets.realisation.models import Period
from reports.writer import Column

from . import Report, check_equal

COLUMNS = [
    Column("Regel", "int", 9), Column("Boeking", "int", 9), Column("Geboekt op", "datetime", 16),
    Column("Geboekt door", "text", 20), Column("Soort boeking", "text", 20),
    Column("Omschrijving", "text", 40), Column("Reden", "text", 36),
    Column("Soort regel", "text", 26), Column("Partner", "text", 30),
    Column("Buurtcode", "text", 12), Column("Buurt", "text", 22),
    Column("Financieringsstroom", "text", 22), Column("Team", "text", 22),
    Column("Bedrag", "money", 16, total=True), Column("Periode", "text", 10),
]
FIELDS = [
    "pk", "transaction_id", "transaction__posted_at", "transaction__posted_by_id",
    "transaction__kind", "transaction__description", "transaction__reason", "kind",
    "organisation__name", "neighbourhood__code", "neighbourhood__name", "funding_stream__name",
    "team__name", "amount", "period_id",
]
CENT = Decimal("0.01")


def people_by_id(ids) -> dict[int, str]:
    """Full names (the username where a person has none), looked up once for the report."""
    return {u.pk: u.get_full_name() or u.username
            for u in get_user_model().objects.filter(pk__in=ids)}


class LedgerReport(Report):
    slug = "ledger"
    title = _("Grootboek: alle boekingen")
    streaming = True

    def estimate(self, scope) -> int:
        return scope.ledger_entries().count()

    def write(self, writer, scope, progress) -> int:
        table = writer.table("Grootboek", COLUMNS, self.rows(scope), progress=progress)
        check_equal("Grootboek", table.total("Bedrag"), balance(scope.ledger_entries()))
        return table.rows

    def rows(self, scope):
        """The sheet's rows, streamed. Labels and names resolved once, not per row: the
        choices are lazy strings, and evaluating two of them per row cost a fifth of the
        export's time (bench/README.md)."""
        tx_kinds = {k: str(label) for k, label in LedgerTransaction.Kind.choices}
        entry_kinds = {k: str(label) for k, label in LedgerEntry.Kind.choices}
        people = people_by_id(LedgerTransaction.objects.filter(cooperative=scope.cooperative)
                              .values("posted_by_id"))
        periods = {p.pk: p.code for p in Period.objects.filter(
            budget_round__cooperative=scope.cooperative).select_related("budget_round")}
        query = scope.ledger_entries().order_by("pk").values_list(*FIELDS)
        for row in query.iterator(chunk_size=5000):
            row = list(row)
            row[3] = people.get(row[3], "")
            row[4] = tx_kinds.get(row[4], row[4])
            row[7] = entry_kinds.get(row[7], row[7])
            row[13] = Decimal(row[13]).quantize(CENT)
            row[14] = periods.get(row[14], "")
            yield row
