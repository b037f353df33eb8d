"""The pooled budget: neighbourhoods × partners and × funding streams, per area and in total,
with the previous year and the differences, and a chart per neighbourhood."""

from collections import Counter

from django.utils.translation import gettext_lazy as _
from xlsxwriter.utility import xl_col_to_name

from budgets.ledger import balance, totals
from budgets.models import LedgerEntry
from budgets.selectors import POOL_BY, completeness_by_year, pooled_budget
from reports.writer import Column, Formula

from . import Report, check_each, check_equal


def _pooled_rows(pooled, *, areas: bool):
    """Rows for the sheet: neighbourhoods (or the area subtotals), with formulas for the
    row total and the differences, each with its value."""
    n = len(pooled.columns)
    first, last = xl_col_to_name(2), xl_col_to_name(1 + n)
    total_col, prev_col = xl_col_to_name(2 + n), xl_col_to_name(3 + n)
    for row in pooled.rows:
        if row.is_area != areas:
            continue
        yield [
            row.code, row.label, *row.cells,
            Formula(f"=SUM({first}{{row}}:{last}{{row}})", row.total),
            row.previous,
            Formula(f"={total_col}{{row}}-{prev_col}{{row}}", row.difference),
            # No previous year, no percentage (an empty cell, not a formula showing "").
            Formula(f"={total_col}{{row}}/{prev_col}{{row}}-1", row.difference / row.previous)
            if row.previous else None,
        ]


def _headers(pooled) -> list[str]:
    """Column names; a name two partners share gets its code beside it."""
    seen = Counter(c.name for c in pooled.columns)
    return [c.name if seen[c.name] == 1 else f"{c.name} ({c.code})" for c in pooled.columns]


def _columns(pooled, first_header: str, provisional: bool) -> list[Column]:
    mark = " (voorlopig)" if provisional else ""  # a comparison with an incomplete year
    return [
        Column(first_header, "text", 12), Column("Naam", "text", 26),
        *[Column(h, "money", 16, total=True) for h in _headers(pooled)],
        Column(f"Totaal {pooled.year}", "money", 16, total=True),
        Column(f"Totaal {pooled.year - 1}", "money", 16, total=True),
        Column(f"Verschil{mark}", "money", 16, total=True),
        Column(f"Verschil %{mark}", "percent", 11),
    ]


class PooledBudget(Report):
    slug = "pooled-budget"
    title = _("Gebundelde begroting")

    def estimate(self, scope) -> int:
        return 4

    def write(self, writer, scope, progress) -> int:
        count = 0
        contributions = scope.ledger_entries().filter(kind=LedgerEntry.Kind.CONTRIBUTION)
        ledger_total = balance(contributions)
        by_partner = None
        found = completeness_by_year(scope.cooperative, [scope.year, scope.year - 1])
        incomplete = [f"{year}: {c}" for year, c in sorted(found.items(), reverse=True)
                      if c is not None and not c.complete]
        provisional = bool(incomplete)
        note = ("Voorlopig, nog niet alle begrotingen ingediend (" + "; ".join(incomplete) + ")."
                if provisional else None)
        for by, label in (("partner", "partner"), ("stroom", "stroom")):
            pooled = pooled_budget(scope.cooperative, scope.year, by=by, area=scope.area)
            by_partner = by_partner or pooled
            table = writer.table(f"Per buurt en {label}",
                                 _columns(pooled, "Buurtcode", provisional),
                                 _pooled_rows(pooled, areas=False),
                                 title=f"Gebundelde begroting {scope.year} per buurt en {label}",
                                 note=note)
            if scope.organisation is None:
                self._check(f"Gebundelde begroting per {label}", table, pooled, by,
                            contributions, ledger_total)
            count += table.rows
            progress(count)
        writer.table("Per gebied", _columns(pooled, "Gebied", provisional),
                     _pooled_rows(pooled, areas=True),
                     title=f"Gebundelde begroting {scope.year} per gebied en financieringsstroom",
                     note=note)
        self._chart(writer, by_partner)
        return count

    def _check(self, label, table, pooled, by, contributions, ledger_total) -> None:
        """The totals written equal the ledger: in all, and per partner or stream."""
        check_equal(label, table.total(f"Totaal {pooled.year}"), ledger_total)
        dim = f"{POOL_BY[by]}_id"
        header = {c.pk: h for c, h in zip(pooled.columns, _headers(pooled), strict=True)}
        ledger = {header.get(r[dim], f"onbekend ({r[dim]})"): r["total"]
                  for r in totals(contributions, dim)}
        check_each(label, {h: table.total(h) for h in header.values()}, ledger)

    def _chart(self, writer, pooled) -> None:
        """A bar per neighbourhood, from the row totals on the partner sheet."""
        hoods = [r for r in pooled.rows if not r.is_area]
        if not hoods:
            return
        sheet = "Per buurt en partner"
        total_col = 2 + len(pooled.columns)
        chart = writer.workbook.add_chart({"type": "bar"})
        chart.add_series({
            "name": f"Gebundelde begroting {pooled.year}",
            "categories": [sheet, 3, 1, 2 + len(hoods), 1],
            "values": [sheet, 3, total_col, 2 + len(hoods), total_col],
        })
        chart.set_title({"name": f"Gebundelde begroting {pooled.year} per buurt"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_format": '"€" #,##0'})
        chartsheet = writer.workbook.add_worksheet("Grafiek")
        chart.set_size({"width": 900, "height": max(400, 22 * len(hoods))})
        chartsheet.insert_chart("A1", chart)
