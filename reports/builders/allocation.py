"""The allocation statement: grants, keys, each partner's percentage and amount, tranches and
the decision that adopted it. Only the version in force (adopted) counts in the totals; other
versions (proposed, rejected, superseded) are shown apart, each with its own subtotal."""

from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext_lazy as _

from budgets.ledger import balance, totals
from budgets.models import (
    AllocationLine,
    AllocationPlan,
    AllocationTranche,
    LedgerEntry,
    LumpSumGrant,
)
from reports.builders import Report, check_each, check_equal
from reports.writer import Column

GRANTS = [
    Column("Lumpsum (financier)", "text", 36), Column("Jaar", "int", 7),
    Column("Financieringsstroom", "text", 26), Column("Bedrag", "money", 16, total=True),
    Column("Versie in werking", "text", 14), Column("Wat het dekt", "text", 50),
]
PLANS = [
    Column("Lumpsum", "text", 36), Column("Versie", "int", 8), Column("Status", "text", 13),
    Column("In werking", "text", 10), Column("Methode", "text", 24),
    Column("Sleutel", "text", 28), Column("Vervangt versie", "int", 10),
    Column("Besluit", "text", 10), Column("Datum besluit", "date", 12), Column("Voor", "int", 7),
    Column("Tegen", "int", 7), Column("Onthouding", "int", 11),
    Column("Belangenconflict", "int", 16), Column("Overwegingen", "text", 50),
]
LINES = [
    Column("Lumpsum", "text", 36), Column("Versie", "int", 8), Column("Status", "text", 13),
    Column("Partner", "text", 32), Column("Buurtcode", "text", 12), Column("Buurt", "text", 22),
    Column("Sleutelwaarde", "number", 14), Column("Percentage", "number", 11),
    Column("Bedrag", "money", 16, total=True),
]
TRANCHES = [
    Column("Lumpsum", "text", 36), Column("Versie", "int", 8), Column("Status", "text", 13),
    Column("Partner", "text", 32), Column("Voorschot", "int", 10),
    Column("Vervaldatum", "date", 12), Column("Bedrag", "money", 16, total=True),
]
HUNDRED = Decimal("100")
IN_FORCE = AllocationPlan.Status.ADOPTED
OTHER_VERSIONS = ("Deze versies zijn niet in werking (voorgesteld, verworpen of vervangen) en "
                  "tellen niet mee in de totalen van de verdeling; elke versie heeft een eigen "
                  "subtotaal.")


def _percentage(amount: Decimal, grant_amount: Decimal) -> Decimal:
    return (amount * HUNDRED / grant_amount).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


def grant_labels(grants) -> dict[int, str]:
    """A grant by its funder; by funder and stream where a funder has several grants."""
    funders = Counter(g.funder_label for g in grants)
    return {g.pk: g.funder_label if funders[g.funder_label] == 1
            else f"{g.funder_label}, {g.funding_stream.name}" for g in grants}


def _partner_in(partner: str, neighbourhood: str | None) -> str:
    return f"{partner} in {neighbourhood}" if neighbourhood else partner


def version_label(row: list) -> str:
    """The group of a line or tranche row: its grant, version and status."""
    return f"{row[0]}, versie {row[1]} ({row[2]})"


class AllocationReport(Report):
    slug = "allocation"
    title = _("Verdeling van lumpsums")

    def write(self, writer, scope, progress) -> int:
        grants = list(LumpSumGrant.objects.filter(cooperative=scope.cooperative, year=scope.year)
                      .select_related("funder", "funding_stream").order_by("pk"))
        plans = list(AllocationPlan.objects.filter(grant__in=grants)
                     .exclude(status=AllocationPlan.Status.DRAFT)
                     .select_related("grant__funder", "grant__funding_stream", "key",
                                     "supersedes", "proposal__decision")
                     .order_by("grant_id", "version"))
        in_force = {p.grant_id: p for p in plans if p.status == IN_FORCE}
        labels = grant_labels(grants)
        writer.table("Lumpsums", GRANTS, [
            [labels[g.pk], g.year, g.funding_stream.name, g.amount,
             f"versie {in_force[g.pk].version}" if g.pk in in_force else "nog geen",
             g.description] for g in grants], title=f"Lumpsums {scope.year}")
        writer.table("Versies en besluiten", PLANS, [self._plan_row(p, labels) for p in plans],
                     title="Versies van de verdelingen en de besluiten erover",
                     note="Alleen de vastgestelde versie van een verdeling is in werking.")
        current, other = self._lines(plans, scope, labels)
        allocated = writer.table("Verdeling", LINES, current,
                                 title="Verdeling per partner (en buurt): de versies in werking")
        writer.table("Verdeling andere versies", LINES, other,
                     title="Verdeling: versies die niet in werking zijn", note=OTHER_VERSIONS,
                     group_by=version_label)
        current_tranches, other_tranches = self._tranches(plans, scope, labels)
        advances = writer.table("Voorschotten", TRANCHES, current_tranches,
                                title="Voorschotten van de versies in werking")
        writer.table("Voorschotten andere versies", TRANCHES, other_tranches,
                     title="Voorschotten van versies die niet in werking zijn",
                     note=OTHER_VERSIONS, group_by=version_label)
        self._check(scope, current, allocated, advances, [g for g in grants if g.pk in in_force])
        return allocated.rows + len(other)

    def _check(self, scope, current, allocated, advances, granted) -> None:
        """The versions in force equal the ledger: in all, per partner and neighbourhood, and
        (for the whole cooperative) the tranches and the grants. Counting another version
        too would fail every one of these."""
        entries = scope.ledger_entries()
        ledger = entries.filter(kind=LedgerEntry.Kind.ALLOCATION)
        check_equal("Toegewezen volgens de verdelingen in werking", allocated.total("Bedrag"),
                    balance(ledger))
        written: dict[str, Decimal] = {}
        for row in current:
            key = _partner_in(row[3], row[5])
            written[key] = written.get(key, Decimal("0.00")) + row[8]
        check_each("Toegewezen aan", written, {
            _partner_in(r["organisation__name"], r["neighbourhood__name"]): r["total"]
            for r in totals(ledger, "organisation__name", "neighbourhood__name")})
        if scope.area is None:
            check_equal("Voorschotten van de verdelingen in werking", advances.total("Bedrag"),
                        balance(ledger))
        if scope.area is None and scope.organisation is None:
            check_equal("Lumpsums met een verdeling in werking",
                        sum((g.amount for g in granted), Decimal("0.00")),
                        -balance(entries.filter(kind=LedgerEntry.Kind.GRANT)))

    def _plan_row(self, plan, labels):
        decision = getattr(plan.proposal, "decision", None) if plan.proposal_id else None
        return [
            labels[plan.grant_id], plan.version, plan.get_status_display(),
            "ja" if plan.status == IN_FORCE else "nee", plan.get_method_display(),
            getattr(getattr(plan, "key", None), "description", ""),
            plan.supersedes.version if plan.supersedes_id else None,
            decision.number if decision else "", decision.decided_on if decision else None,
            decision.votes_for if decision else None, decision.votes_against if decision else None,
            decision.votes_abstain if decision else None,
            decision.votes_conflicted if decision else None, decision.reasons if decision else "",
        ]

    def _lines(self, plans, scope, grant_labels) -> tuple[list[list], list[list]]:
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
        return _by_version(lines, plans, grant_labels, lambda ln: [
            ln.organisation.name, ln.neighbourhood.code if ln.neighbourhood_id else "",
            ln.neighbourhood.name if ln.neighbourhood_id else "",
            shares.get((ln.plan_id, ln.organisation_id)),
            _percentage(ln.amount, ln.plan.grant.amount), ln.amount])

    def _tranches(self, plans, scope, grant_labels) -> tuple[list[list], list[list]]:
        tranches = AllocationTranche.objects.filter(plan__in=plans).select_related(
            "plan", "organisation").order_by("plan__grant_id", "plan__version",
                                             "organisation__name", "number")
        if scope.organisation is not None:
            tranches = tranches.filter(organisation=scope.organisation)
        return _by_version(tranches, plans, grant_labels, lambda t: [
            t.organisation.name, t.number, t.due_date, t.amount])


def _by_version(items, plans, grant_labels, columns) -> tuple[list[list], list[list]]:
    """Rows (grant, version, status, *columns(item)) of the versions in force, and those of
    the other versions."""
    versions = {p.pk: (grant_labels[p.grant_id], p.version, p.get_status_display(),
                       p.status == IN_FORCE) for p in plans}
    current, other = [], []
    for item in items:
        grant, version, status, in_force = versions[item.plan_id]
        (current if in_force else other).append([grant, version, status, *columns(item)])
    return current, other
