"""The ledger for the accounting package: the auditfile (XAF 3.2) and the CSV journal. Both
are refused while anything in the year's ledger is unmapped, naming what is missing, and both
check that their lines add up to the ledger to the cent."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.accounting import journal, postings, xaf
from budgets.ledger import balance

from . import FileReport, Scope, check_equal


class _AccountingReport(FileReport):
    streaming = True
    module = None

    def estimate(self, scope: Scope) -> int:
        return scope.ledger_entries().count() or 1

    def refusals(self, scope: Scope) -> list[str]:
        if scope.area is not None or scope.organisation is not None:
            return [_("De boekhouding krijgt het hele grootboek van het jaar: kies geen gebied "
                      "of partner.")]
        up_to = scope.last_transaction.pk if scope.last_transaction else None
        missing = postings.missing(scope.cooperative, scope.year, up_to)
        if not missing:
            return []
        return [_("Nog niet gekoppeld aan de boekhouding: %(missing)s. Leg de koppeling vast "
                  "en start de export opnieuw.") % {"missing": "; ".join(missing)}]

    def write_file(self, out, scope: Scope, progress) -> int:
        up_to = scope.last_transaction.pk if scope.last_transaction else 0
        totals = self.module.write(out, scope.cooperative, scope.year, up_to, progress)
        check_equal(_("Totaal debet en credit"), totals.debit, totals.credit)
        check_equal(_("Totaal van het grootboek"), totals.ledger,
                    balance(scope.ledger_entries()))
        return totals.lines


class AuditfileReport(_AccountingReport):
    slug = "auditfile"
    title = gettext_lazy("Auditfile financieel (XAF 3.2)")
    extension = "xaf"
    module = xaf


class JournalReport(_AccountingReport):
    slug = "journal"
    title = gettext_lazy("Memoriaal voor de boekhouding (CSV)")
    extension = "csv"
    module = journal
