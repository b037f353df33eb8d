"""Budget against actual: per partner, area, funding stream and neighbourhood, through the
latest closed period, with the budget to date, the difference, the share spent, the forecast
and the warnings; and the actual per period (booked), pivoted with pandas.

Money goes into pandas as whole cents (int64) and comes out as Decimal: no float is kept or
summed. Every total is checked against the ledger to the cent before the file is handed out.
"""

from decimal import Decimal

from budgets.ledger import balance
from budgets.models import LedgerBalance, LedgerEntry
from budgets.realisation import selectors
from budgets.realisation.services import realisation_settings_get
from reports.writer import Column, Formula

from . import Report, check_each, check_equal

ZERO = Decimal("0.00")


def _figures_columns(first: str) -> list[Column]:
    return [
        Column("Code", "text", 12), Column(first, "text", 30),
        Column("Begroting", "money", 16, total=True),
        Column("Begroting tot nu toe", "money", 16, total=True),
        Column("Realisatie tot nu toe", "money", 16, total=True),
        Column("Verschil", "money", 16, total=True), Column("Verschil %", "percent", 11),
        Column("Besteed %", "percent", 11), Column("Prognose jaar", "money", 16, total=True),
        Column("Signaal", "text", 26),
    ]


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _figures_rows(rows, threshold: Decimal):
    """Difference and percentages as formulas with their values (C budget, D to date,
    E actual)."""
    for row in rows:
        flag = ""
        if row.warning:
            flag = (f"boven de drempel van {_pct(threshold)} %" if row.to_date
                    else "uitgaven zonder begroting")
        yield [
            row.code, row.label, row.budget, row.to_date, row.actual,
            Formula("=E{row}-D{row}", row.difference),
            # no budget (to date): no percentage, an empty cell rather than a formula's ""
            Formula("=E{row}/D{row}-1", row.difference / row.to_date) if row.to_date else None,
            Formula("=E{row}/C{row}", row.actual / row.budget) if row.budget else None,
            row.forecast, flag,
        ]


class RealisationReport(Report):
    slug = "realisation"
    title = "Begroting tegen realisatie"

    def estimate(self, scope) -> int:
        return 6

    def about(self, scope) -> list[tuple[str, object]]:
        budget_round = scope.cooperative.budget_rounds.filter(year=scope.year).first()
        periods = selectors.round_periods(budget_round) if budget_round else []
        through = selectors.default_through(periods)
        basis = selectors.basis_for(budget_round, through) if budget_round else None
        return [
            ("Tot en met", f"{through.label} ({through.get_status_display()})" if through
             else "nog geen periode geopend"),
            ("Begroting", "de ingediende begrotingen (het grootboek)"),
            ("Begroting tot nu toe", basis.label if basis else ""),
            ("Realisatie", "de ingediende realisatie, geboekt in de perioden tot en met de "
                           "periode hierboven; een correctie van een gesloten periode telt in "
                           "de periode waarin zij is geboekt"),
            ("Prognose", "realisatie tot nu toe plus het gemiddelde per periode voor de rest "
                         "van het jaar"),
            ("Signaal", f"meer dan {_pct(basis.threshold) if basis else 10} % boven de "
                        "begroting tot nu toe (het blokkeert niets)"),
        ]

    def write(self, writer, scope, progress) -> int:
        budget_round = scope.cooperative.budget_rounds.filter(year=scope.year).first()
        periods = selectors.round_periods(budget_round)
        through = selectors.default_through(periods)
        settings = realisation_settings_get(scope.cooperative)
        entries = scope.ledger_entries()
        budget_ledger = balance(entries.filter(kind=LedgerEntry.Kind.CONTRIBUTION))
        in_periods = [p.pk for p in periods if through and p.number <= through.number]
        actual_ledger = balance(entries.filter(kind=LedgerEntry.Kind.REALISATION,
                                               period_id__in=in_periods))
        count = 0
        flags = []
        for by, sheet, first in (("partner", "Per partner", "Partner"),
                                 ("gebied", "Per gebied", "Gebied"),
                                 ("stroom", "Per stroom", "Financieringsstroom"),
                                 ("buurt", "Per buurt", "Buurt")):
            overview = selectors.budget_vs_actual(
                budget_round, by=by, through=through, area=scope.area,
                organisation=scope.organisation, periods_list=periods, settings=settings,
                months=False)
            label = through.label if through else scope.year
            table = writer.table(sheet, _figures_columns(first),
                                 _figures_rows(overview.rows, overview.threshold),
                                 title=f"Begroting tegen realisatie {scope.year} per "
                                       f"{first.lower()}, tot en met {label}")
            check_equal(f"{sheet}: begroting", table.total("Begroting"), budget_ledger)
            check_equal(f"{sheet}: realisatie", table.total("Realisatie tot nu toe"),
                        actual_ledger)
            count += table.rows
            flags += [(first, r) for r in overview.rows if r.warning]
            progress(count)
        count += self._per_period(writer, scope, budget_round, periods, entries)
        writer.table("Signalen", [Column("Soort", "text", 18), Column("Naam", "text", 34),
                                  Column("Begroting tot nu toe", "money", 18),
                                  Column("Realisatie tot nu toe", "money", 18),
                                  Column("Verschil %", "percent", 12)],
                     ([dim, r.label, r.to_date, r.actual,
                       r.difference / r.to_date if r.to_date else None] for dim, r in flags),
                     title="Signalen: boven de begroting tot nu toe (het geld is uitgegeven; "
                           "we maken het zichtbaar)")
        return count

    def _per_period(self, writer, scope, budget_round, periods, entries) -> int:
        """Actual per partner and period as booked (pandas pivot over the balances, in cents),
        with the row totals as formulas; checked against the ledger for the whole year."""
        import pandas as pd
        from xlsxwriter.utility import xl_col_to_name

        from partners.models import Organisation

        balances = LedgerBalance.objects.filter(cooperative=scope.cooperative, year=scope.year,
                                                kind=LedgerEntry.Kind.REALISATION)
        if scope.organisation is not None:
            balances = balances.filter(organisation=scope.organisation.pk)
        if scope.area is not None:
            balances = balances.filter(area=scope.area.pk)
        frame = pd.DataFrame.from_records(
            list(balances.values_list("organisation", "period", "cents")),
            columns=["organisation", "period", "cents"]).astype("int64")
        pivot = (frame.pivot_table(index="organisation", columns="period", values="cents",
                                   aggfunc="sum", fill_value=0) if len(frame)
                 else pd.DataFrame(dtype="int64"))
        names = dict(Organisation.objects.filter(pk__in=list(pivot.index))
                     .values_list("pk", "name"))
        columns = [Column("Partner", "text", 32),
                   *[Column(p.label, "money", 15, total=True) for p in periods],
                   Column("Totaal", "money", 16, total=True)]
        last = xl_col_to_name(max(len(periods), 1))
        rows = []
        for org_id in sorted(pivot.index, key=lambda k: names.get(k, "")):
            amounts = [Decimal(int(pivot.at[org_id, p.pk])) / 100 if p.pk in pivot.columns
                       else ZERO for p in periods]
            rows.append([names.get(org_id, "?"), *amounts,
                         Formula(f"=SUM(B{{row}}:{last}{{row}})", sum(amounts, ZERO))])
        table = writer.table("Per periode", columns, rows,
                             title=f"Realisatie {scope.year} per partner en periode (zoals "
                                   "geboekt; correcties in de periode van boeking)")
        realised = entries.filter(kind=LedgerEntry.Kind.REALISATION)
        check_equal("Per periode", table.total("Totaal"), balance(realised))
        check_each("Per periode", {p.label: table.total(p.label) for p in periods},
                   {p.label: balance(realised.filter(period=p)) for p in periods})
        return table.rows
