"""Staff: needs, commitments and gaps per team and expertise; in-kind values per partner."""

from django.utils.translation import gettext_lazy as _

from budgets.ledger import balance, totals
from budgets.models import LedgerEntry, PartnerBudget
from partners.selectors import coverage, in_kind_by_partner, round_for
from reports.writer import Column

from . import Report, check_each, check_equal

NO_BUDGET = _("nog geen begroting")

COVERAGE = [
    Column("Gebied", "text", 20),
    Column("Teamcode", "text", 10),
    Column("Team", "text", 30),
    Column("Expertise", "text", 30),
    Column("Nodig (fte)", "number", 12, total=True),
    Column("Toegezegd (fte)", "number", 14, total=True),
    Column("Gedekt (fte)", "number", 12, total=True),
    Column("Tekort (fte)", "number", 12, total=True),
    Column("Overschot (fte)", "number", 14, total=True),
]
COMMITMENTS = [
    Column("Partner", "text", 30),
    Column("Teamcode", "text", 10),
    Column("Team", "text", 28),
    Column("Expertise", "text", 28),
    Column("Fte", "number", 8),
    Column("Kosten per fte", "money", 14),
    Column("Van", "date", 11),
    Column("Tot en met", "date", 11),
    Column("Fte-jaar", "number", 10, total=True),
    Column("Waarde", "money", 14, total=True),
]
PARTNERS = [
    Column("Partner", "text", 34),
    Column("Status begroting", "text", 16),
    Column("Fte-jaar", "number", 10, total=True),
    Column("Waarde", "money", 16, total=True),
    Column("In het grootboek", "money", 16, total=True),
    Column("Verschil", "money", 14, total=True),
]


class StaffReport(Report):
    slug = "staff"
    title = _("Inzet van personeel en inbreng in natura")

    def write(self, writer, scope, progress) -> int:
        budget_round = round_for(scope.cooperative, scope.year)
        if budget_round is None:
            return 0
        matrix = coverage(budget_round, area=scope.area)
        rows = [
            [
                row.team.area.name,
                row.team.code,
                row.team.name,
                expertise.name,
                cell.required,
                cell.committed,
                cell.covered,
                cell.gap,
                cell.surplus,
            ]
            for row in matrix.rows
            for expertise, cell in zip(matrix.expertises, row.cells, strict=True)
            if not cell.empty
        ]
        count = writer.table(
            "Bezetting",
            COVERAGE,
            rows,
            title=f"Nodig, toegezegd en tekort per team en expertise {scope.year}",
        ).rows
        partners = [
            p
            for p in in_kind_by_partner(budget_round)
            if scope.organisation is None or p.organisation == scope.organisation
        ]
        commitments = [
            [
                p.organisation.name,
                c.team.code,
                c.team.name,
                c.expertise.name,
                c.fte,
                c.annual_cost,
                c.period_start,
                c.period_end,
                c.fte_year,
                c.value,
            ]
            for p in partners
            for c in p.commitments
            if scope.area is None or c.team.area_id == scope.area.pk
        ]
        count += writer.table(
            "Inzet per partner",
            COMMITMENTS,
            commitments,
            title=f"Beschikbaar gesteld personeel {scope.year} (in natura)",
        ).rows
        if scope.area is None:
            statuses = {k: str(label) for k, label in PartnerBudget.Status.choices}
            table = writer.table(
                "Inbreng in natura",
                PARTNERS,
                [
                    [
                        p.organisation.name,
                        statuses.get(p.budget_status, str(NO_BUDGET)),
                        p.fte,
                        p.value,
                        p.booked,
                        p.difference,
                    ]
                    for p in partners
                ],
            )
            self._check(table, partners, scope)
        return count

    def _check(self, table, partners, scope) -> None:
        """What the report says is booked equals the ledger, in all and per partner."""
        booked = scope.ledger_entries().filter(kind=LedgerEntry.Kind.IN_KIND)
        check_equal("Inbreng in natura", table.total("In het grootboek"), balance(booked))
        names = {p.organisation.pk: p.organisation.name for p in partners}
        check_each("Inbreng in natura van", {p.organisation.name: p.booked for p in partners},
                   {names.get(r["organisation"], r["organisation"]): r["total"]
                    for r in totals(booked, "organisation")})
