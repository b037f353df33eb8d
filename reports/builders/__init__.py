"""One builder per report: the data (aggregated in the database), then the shared writer.

`build(slug, output, scope)` writes the workbook; every builder checks its totals against
the ledger while generating and refuses to produce a workbook that disagrees.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils import timezone, translation

from budgets import chain
from budgets.models import LedgerEntry, LedgerTransaction
from cooperatie.models import Area, Cooperative
from partners.models import Organisation
from reports.writer import ReportWriter

TOOL_VERSION = "Samen begroten 0.1"


class ReportMismatch(Exception):
    """The workbook's totals disagree with the ledger: never hand such a file out."""


class ReportRefused(ReportMismatch):
    """The report cannot be made as asked (its message says why): no file at all."""


@dataclass
class Scope:
    cooperative: Cooperative
    year: int
    area: Area | None = None
    organisation: Organisation | None = None
    requested_by: str = "commandoregel"
    last_transaction: LedgerTransaction | None = None

    @property
    def description(self) -> str:
        parts = [f"{self.cooperative.name}, {self.year}"]
        if self.area:
            parts.append(f"gebied {self.area.name}")
        if self.organisation:
            parts.append(f"partner {self.organisation.name}")
        return "; ".join(parts)

    def ledger_entries(self):
        """The ledger as it stood when the report started, within the scope."""
        entries = LedgerEntry.objects.filter(cooperative=self.cooperative, year=self.year)
        if self.last_transaction is not None:
            entries = entries.filter(transaction_id__lte=self.last_transaction.pk)
        else:
            entries = entries.none()
        if self.area is not None:
            entries = entries.filter(neighbourhood__area=self.area) | entries.filter(
                neighbourhood__isnull=True, team__area=self.area)
        if self.organisation is not None:
            entries = entries.filter(organisation=self.organisation)
        return entries


Progress = Callable[[int], None]


class Report(ABC):
    slug = ""
    title = ""
    streaming = False
    extension = "xlsx"

    def refusals(self, scope: Scope) -> list[str]:
        """Why this report cannot be made for `scope` (empty: it can), in Dutch."""
        return []

    def estimate(self, scope: Scope) -> int:
        """Rough number of rows, for the progress bar."""
        return 1

    @abstractmethod
    def write(self, writer: ReportWriter, scope: Scope, progress: Progress) -> int:
        """Write the report's sheets and return the number of data rows. Totals that
        disagree with the ledger raise ReportMismatch (the file is then thrown away)."""

    def about(self, scope: Scope) -> list[tuple[str, object]]:
        return []


class FileReport(Report):
    """A report that is a file of its own kind (XML, CSV) rather than a workbook."""

    def write(self, writer, scope, progress):  # pragma: no cover - FileReport writes a file
        raise NotImplementedError

    @abstractmethod
    def write_file(self, out, scope: Scope, progress: Progress) -> int:
        """Write to the binary file `out` and return the number of data rows; totals that
        disagree with the ledger raise ReportMismatch."""


def check_equal(label: str, written: Decimal, ledger: Decimal) -> None:
    if written != ledger:
        raise ReportMismatch(
            f"{label}: het rapport telt op tot {written}, het grootboek tot {ledger}. "
            "Het rapport is niet gemaakt."
        )


def check_each(label: str, written: Mapping, ledger: Mapping) -> None:
    """Per dimension (partner, neighbourhood…): what the report shows equals the ledger, and
    nothing is missing on either side (zero amounts aside)."""
    zero = Decimal("0.00")
    for key in sorted(set(written) | set(ledger), key=str):
        check_equal(f"{label} {key}", written.get(key, zero), ledger.get(key, zero))


@cache
def registry() -> dict[str, Report]:
    from . import (
        accounting,
        allocation,
        annual_account,
        audit,
        decisions,
        ledger,
        pooled,
        realisation,
        scorecard,
        staff,
    )

    reports = [pooled.PooledBudget(), allocation.AllocationReport(), staff.StaffReport(),
               scorecard.ScorecardReport(), ledger.LedgerReport(), audit.AuditReport(),
               decisions.DecisionsReport(), realisation.RealisationReport(),
               annual_account.AnnualAccountReport(),
               accounting.AuditfileReport(), accounting.JournalReport()]
    return {r.slug: r for r in reports}


def completeness_rows(scope: Scope) -> list[tuple[str, str]]:
    """How many members had submitted when the report was made: figures built on submitted
    budgets are provisional until all have."""
    from budgets.selectors import completeness

    found = completeness(scope.cooperative, scope.year)
    if found is None:
        return []
    note = "" if found.complete else "; de cijfers op basis van de begrotingen zijn voorlopig"
    return [("Ingediende begrotingen", f"{found}{note}")]


def build(slug: str, output, scope: Scope, progress: Progress | None = None, *,
          writer_class=ReportWriter) -> int:
    """Write report `slug` for `scope` to `output`; return the number of data rows.
    `writer_class`: another writer with ReportWriter's interface (the benchmark measures
    one)."""
    with translation.override(settings.LANGUAGE_CODE):  # workbooks are Dutch
        return _build(registry()[slug], output, scope, progress or (lambda n: None),
                      writer_class)


def _build(report: Report, output, scope: Scope, progress: Progress,
           writer_class=ReportWriter) -> int:
    start(report, scope)
    if isinstance(report, FileReport):
        with open(output, "wb") as out:
            return report.write_file(out, scope, progress)
    writer = writer_class(output, constant_memory=report.streaming,
                          properties=properties(report, scope))
    writer.about(about_rows(report, scope))
    try:
        rows = report.write(writer, scope, progress)
    finally:
        writer.close()
    return rows


def start(report: Report, scope: Scope) -> None:
    """Fix the ledger the report shows (up to its last transaction); refuse what cannot be
    made."""
    scope.last_transaction = (LedgerTransaction.objects.filter(cooperative=scope.cooperative)
                              .order_by("-id").first())
    refusals = report.refusals(scope)
    if refusals:
        raise ReportRefused(" ".join(refusals))


def properties(report: Report, scope: Scope) -> dict:
    """The workbook's document properties."""
    return {"title": f"{report.title} {scope.year}", "subject": scope.description,
            "company": scope.cooperative.name, "comments": f"Gemaakt door {TOOL_VERSION}"}


def about_rows(report: Report, scope: Scope) -> list[tuple[str, object]]:
    """The rows of the first sheet, "Over dit rapport"."""
    last = scope.last_transaction
    return [
        ("Rapport", str(report.title)),
        ("Coöperatie", f"{scope.cooperative.name} ({scope.cooperative.code})"),
        ("Bereik", scope.description),
        ("Gemaakt op", timezone.localtime().strftime("%d-%m-%Y %H:%M:%S")),
        ("Gemaakt door", scope.requested_by),
        ("Laatste boeking in dit rapport",
         f"boeking {last.pk} van {timezone.localtime(last.posted_at):%d-%m-%Y %H:%M}"
         if last else "geen"),
        ("Versie", TOOL_VERSION),
        ("Controle", "De totalen zijn bij het maken vergeleken met het grootboek en kloppen "
                     "tot op de cent. Elk totaal staat als formule én als bedrag in het "
                     "bestand, zodat elk rekenprogramma hetzelfde toont."),
        *completeness_rows(scope),
        ("Keten van boekingen", chain.describe(chain.verify(scope.cooperative.pk,
                                                           up_to=last.pk if last else 0))),
        *report.about(scope),
    ]
