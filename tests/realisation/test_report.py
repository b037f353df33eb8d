"""The `realisation` report: budget against actual that agrees with the ledger to the cent."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from budgets import ledger
from budgets.models import LedgerEntry
from budgets.realisation import selectors
from reports.builders import Scope, build


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def column_total(ws, header: str) -> Decimal:
    """Sum of a money column's data rows (the rows between the header and 'Totaal')."""
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if header in r)
    col = rows[top].index(header)
    total = Decimal("0.00")
    for row in rows[top + 1:]:
        if row[0] == "Totaal":
            break
        total += cents(row[col] or 0)
    return total


@pytest.mark.parametrize("code", ["tom", "heerlen", "malberg"])
def test_report_totals_equal_the_ledger_to_the_cent(db, tmp_path, code):
    from cooperatie.models import Cooperative

    cooperative = Cooperative.objects.get(code=code)
    path = tmp_path / "r.xlsx"
    call_command("export_report", "realisation", "--cooperative", code, "--year", "2026",
                 "--output", str(path))
    wb = openpyxl.load_workbook(path, data_only=True)
    budget_round = cooperative.budget_rounds.get(year=2026)
    periods = selectors.round_periods(budget_round)
    through = selectors.default_through(periods)
    assert through.code == "2026-10"  # the demo: January to October closed
    entries = LedgerEntry.objects.filter(cooperative=cooperative, year=2026)
    budget = ledger.balance(entries.filter(kind="contribution"))
    actual = ledger.balance(entries.filter(kind="realisation",
                                           period__number__lte=through.number))
    year_actual = ledger.balance(entries.filter(kind="realisation"))
    for sheet in ("Per partner", "Per gebied", "Per stroom", "Per buurt"):
        assert column_total(wb[sheet], "Begroting") == budget, sheet
        assert column_total(wb[sheet], "Realisatie tot nu toe") == actual, sheet
    per_period = wb["Per periode"]
    assert column_total(per_period, "Totaal") == year_actual
    assert year_actual > actual > 0  # November is booked too, after "to date"
    about = {r[0]: r[1] for r in wb["Over dit rapport"].iter_rows(values_only=True) if r[0]}
    assert about["Tot en met"] == "oktober 2026 (gesloten)"


def test_report_flags_the_partners_above_the_threshold(db, tmp_path, tom):
    path = tmp_path / "r.xlsx"
    build("realisation", str(path), Scope(tom, 2026))
    wb = openpyxl.load_workbook(path, data_only=True)
    budget_round = tom.budget_rounds.get(year=2026)
    expected = {r.label for r in selectors.budget_vs_actual(budget_round, by="partner").rows
                if r.warning}
    assert expected  # the demo has partners over budget
    flagged = {r[1] for r in wb["Signalen"].iter_rows(min_row=4, values_only=True)
               if r[0] == "Partner"}
    assert flagged == expected
    signal = {r[1]: r[9] for r in wb["Per partner"].iter_rows(min_row=4, values_only=True)}
    assert all(signal[name].startswith("boven de drempel van 10 %") for name in expected)


def test_report_for_one_partner_or_area(db, tmp_path, heerlen):
    from cooperatie.models import Area
    from partners.models import Organisation

    area = Area.objects.get(cooperative=heerlen, code="NOORD")
    org = Organisation.objects.get(code="hl-ggzmijn")
    for scope in (Scope(heerlen, 2026, area=area), Scope(heerlen, 2026, organisation=org)):
        path = tmp_path / "r.xlsx"
        build("realisation", str(path), scope)  # checks its totals against the scope's ledger
        wb = openpyxl.load_workbook(path, data_only=True)
        entries = LedgerEntry.objects.filter(cooperative=heerlen, year=2026, kind="realisation")
        entries = entries.filter(neighbourhood__area=area) if scope.area else entries.filter(
            organisation=org)
        assert column_total(wb["Per periode"], "Totaal") == ledger.balance(entries)
