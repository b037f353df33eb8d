"""The allocation statement: grants, keys, each partner's percentage and amount, tranches,
the decision that adopted it, and superseded versions."""

from decimal import ROUND_HALF_EVEN, Decimal

from budgets.ledger import balance
from budgets.models import (
    AllocationLine,
    AllocationPlan,
    AllocationTranche,
    LedgerEntry,
    LumpSumGrant,
)
from reports.builders import Report, check_equal
from reports.writer import Column, money_sum

GRANTS = [
    Column("Lumpsum", "int", 9), Column("Financier", "text", 30), Column("Jaar", "int", 7),
    Column("Financieringsstroom", "text", 26), Column("Bedrag", "money", 16, total=True),
    Column("Wat het dekt", "text", 50),
]
PLANS = [
    Column("Lumpsum", "int", 9), Column("Versie", "int", 8), Column("Status", "text", 14),
    Column("Methode", "text", 22), Column("Sleutel", "text", 26),
    Column("Vervangt versie", "int", 10), Column("Besluit", "text", 10),
    Column("Datum besluit", "date", 12), Column("Voor", "int", 6), Column("Tegen", "int", 6),
    Column("Onthouding", "int", 10), Column("Belangenconflict", "int", 12),
    Column("Overwegingen", "text", 50),
]
LINES = [
    Column("Lumpsum", "int", 9), Column("Versie", "int", 8), Column("Status", "text", 14),
    Column("Partner", "text", 32), Column("Buurtcode", "text", 12), Column("Buurt", "text", 22),
    Column("Sleutelwaarde", "number", 14), Column("Percentage", "number", 11),
    Column("Bedrag", "money", 16, total=True),
]
TRANCHES = [
    Column("Lumpsum", "int", 9), Column("Versie", "int", 8), Column("Status", "text", 14),
    Column("Partner", "text", 32), Column("Voorschot", "int", 10),
    Column("Vervaldatum", "date", 12), Column("Bedrag", "money", 16, total=True),
]
HUNDRED = Decimal("100")


def _percentage(amount: Decimal, grant_amount: Decimal) -> Decimal:
    return (amount * HUNDRED / grant_amount).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


class AllocationReport(Report):
    slug = "allocation"
    title = "Verdeling van lumpsums"

    def write(self, writer, scope, progress) -> int:
        grants = list(LumpSumGrant.objects.filter(cooperative=scope.cooperative, year=scope.year)
                      .select_related("funder", "funding_stream").order_by("pk"))
        plans = list(AllocationPlan.objects.filter(grant__in=grants)
                     .exclude(status=AllocationPlan.Status.DRAFT)
                     .select_related("grant", "key", "supersedes", "proposal__decision")
                     .order_by("grant_id", "version"))
        writer.table("Lumpsums", GRANTS, [
            [g.pk, g.funder_label, g.year, g.funding_stream.name, g.amount, g.description]
            for g in grants], title=f"Lumpsums {scope.year}")
        writer.table("Versies en besluiten", PLANS, [self._plan_row(p) for p in plans])
        lines = self._lines(plans, scope)
        count = writer.table("Verdeling", LINES, lines,
                             title="Verdeling per partner (en buurt) per versie")
        tranches = AllocationTranche.objects.filter(plan__in=plans).select_related(
            "plan__grant", "organisation").order_by("plan__grant_id", "plan__version",
                                                    "organisation__name", "number")
        if scope.organisation is not None:
            tranches = tranches.filter(organisation=scope.organisation)
        writer.table("Voorschotten", TRANCHES, [
            [t.plan.grant_id, t.plan.version, t.plan.get_status_display(), t.organisation.name,
             t.number, t.due_date, t.amount] for t in tranches])
        adopted = money_sum(row[8] for row in lines
                            if row[2] == AllocationPlan.Status.ADOPTED.label)
        allocated = scope.ledger_entries().filter(kind=LedgerEntry.Kind.ALLOCATION)
        check_equal("Toegewezen volgens de vastgestelde verdelingen", adopted, balance(allocated))
        return count

    def _plan_row(self, plan):
        decision = getattr(plan.proposal, "decision", None) if plan.proposal_id else None
        return [
            plan.grant_id, plan.version, plan.get_status_display(), plan.get_method_display(),
            getattr(getattr(plan, "key", None), "description", ""),
            plan.supersedes.version if plan.supersedes_id else None,
            decision.number if decision else "", decision.decided_on if decision else None,
            decision.votes_for if decision else None, decision.votes_against if decision else None,
            decision.votes_abstain if decision else None,
            decision.votes_conflicted if decision else None, decision.reasons if decision else "",
        ]

    def _lines(self, plans, scope) -> list[list]:
        shares = {}
        for plan in plans:
            key = getattr(plan, "key", None)
            if key is not None:
                for share in key.shares.all():
                    shares[(plan.pk, share.organisation_id)] = share.value
        lines = (AllocationLine.objects.filter(plan__in=plans)
                 .select_related("plan__grant", "organisation", "neighbourhood")
                 .order_by("plan__grant_id", "plan__version", "organisation__name",
                           "neighbourhood__code"))
        if scope.organisation is not None:
            lines = lines.filter(organisation=scope.organisation)
        if scope.area is not None:
            lines = lines.filter(neighbourhood__area=scope.area)
        return [
            [ln.plan.grant_id, ln.plan.version, ln.plan.get_status_display(),
             ln.organisation.name, ln.neighbourhood.code if ln.neighbourhood_id else "",
             ln.neighbourhood.name if ln.neighbourhood_id else "",
             shares.get((ln.plan_id, ln.organisation_id)),
             _percentage(ln.amount, ln.plan.grant.amount), ln.amount]
            for ln in lines
        ]
