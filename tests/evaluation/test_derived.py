"""Cost per inhabitant and its change against the baseline year, from the ledger, to the cent."""

from decimal import Decimal

import pytest

from budgets import ledger
from budgets.models import FundingStream, LedgerEntry, LedgerTransaction
from budgets.selectors import pooled_total
from cooperatie import services as coop
from cooperatie.evaluation.selectors import (
    NO_BUDGETS,
    cooperative_scope,
    cost_per_inhabitant,
    figures_by_year,
    scope_from_key,
    scorecard,
)
from cooperatie.models import Neighbourhood
from partners.models import Organisation

D = Decimal
# tom's six neighbourhoods in 2027 and 2028 (no demo data in those years)
INHABITANTS = {
    2027: {"BU04840101": 10_000, "BU04840102": 11_000, "BU04840103": 7_000,
           "BU04840201": 7_000, "BU04840202": 15_000, "BU04840203": 14_000},  # 64.000
    2028: {"BU04840101": 10_500, "BU04840102": 11_000, "BU04840103": 7_500,
           "BU04840201": 7_000, "BU04840202": 15_500, "BU04840203": 14_500},  # 66.000
}


@pytest.fixture
def hoods(tom):
    return {h.code: h for h in Neighbourhood.objects.filter(cooperative=tom)}


@pytest.fixture
def populated(tom, hoods, users):
    for year, counts in INHABITANTS.items():
        for code, n in counts.items():
            coop.population_set(neighbourhood=hoods[code], year=year, inhabitants=n,
                                actor=users["beheerder"], reason="test")


def contribute(tom, year, amounts: dict, board, source_id=1):
    """Post a submitted budget's contributions: {neighbourhood: amount}."""
    org = Organisation.objects.get(code="tom-ggz")
    stream = FundingStream.objects.get(cooperative=tom, code="WMO")
    ledger.post(
        cooperative=tom, year=year, kind=LedgerTransaction.Kind.BUDGET, source_type="test",
        source_id=source_id, description="test", reason="test", actor=board,
        entries=[{"kind": LedgerEntry.Kind.CONTRIBUTION, "organisation": org,
                  "neighbourhood": hood, "funding_stream": stream, "amount": D(amount)}
                 for hood, amount in amounts.items()],
    )


@pytest.fixture
def cost_2027(tom, hoods, populated, board):
    contribute(tom, 2027, {hoods["BU04840101"]: "600000.00",
                           hoods["BU04840202"]: "400000.00"}, board)


def test_cost_per_inhabitant_to_the_cent(tom, cost_2027):
    # 1.000.000,00 / 64.000 = 15,625 → € 15,63 (half up)
    assert cost_per_inhabitant(tom, 2027).value == D("15.63")


def test_cost_per_inhabitant_of_a_team_and_an_area(tom, cost_2027):
    # Tom Noord works in 0101, 0102, 0103: 600.000,00 / 28.000 = 21,428571… → € 21,43
    team = scope_from_key(tom, "team:TOM-N")
    assert cost_per_inhabitant(tom, 2027, team).value == D("21.43")
    # Alphen-Zuid: 0201, 0202, 0203: 400.000,00 / 36.000 = 11,111… → € 11,11
    area = scope_from_key(tom, "area:ZUID")
    assert cost_per_inhabitant(tom, 2027, area).value == D("11.11")
    hood = scope_from_key(tom, "neighbourhood:BU04840103")
    assert cost_per_inhabitant(tom, 2027, hood).note == str(NO_BUDGETS)


def test_a_reversal_takes_the_money_out_again(tom, cost_2027, board):
    posting = LedgerTransaction.objects.get(cooperative=tom, year=2027, source_type="test")
    ledger.reverse(posting=posting, actor=board, reason="begroting heropend")
    assert cost_per_inhabitant(tom, 2027).note == "nog geen ingediende begrotingen"


def test_no_submitted_budgets_is_said_not_shown_as_zero(tom, populated):
    result = cost_per_inhabitant(tom, 2027)
    assert result.value is None
    assert result.note == "nog geen ingediende begrotingen"


def test_missing_inhabitants_are_said(tom, hoods, board):
    contribute(tom, 2030, {hoods["BU04840101"]: "1000.00"}, board)
    result = cost_per_inhabitant(tom, 2030)
    assert result.value is None and result.note == "geen inwonertal bekend voor 2030"


def test_grouped_figures_agree_with_pooled_total_while_no_period_is_closed(tom, cost_2027,
                                                                          board, hoods):
    """The scorecard's one-query sum per year is the pooled budget as budgets counts it, for
    years without closed realisation periods."""
    contribute(tom, 2028, {hoods["BU04840103"]: "0.01", hoods["BU04840203"]: "12345.67"},
               board, source_id=2)
    years = [2027, 2028]
    for scope in (cooperative_scope(tom), scope_from_key(tom, "team:TOM-B"),
                  scope_from_key(tom, "area:NOORD")):
        figures = figures_by_year(scope, years)
        for year in years:
            hood_filter = None if scope.obj is None else Neighbourhood.objects.filter(
                pk__in=[h.pk for h in scope.obj.neighbourhoods.all()])
            assert figures[year].pooled == pooled_total(tom, year, hood_filter), (scope, year)
            assert figures[year].basis == "op basis van de begroting (nog geen periode gesloten)"


def test_cost_reads_from_actual_spending_once_periods_close(tom):
    """2025: all twelve months closed, so the actual spending; 2026: January to October
    closed, so their actual spending plus the budget due for November and December (tom's
    monthly distribution: 8,5 % and 11 %)."""
    from budgets.realisation.models import Period

    entries = LedgerEntry.objects.filter(cooperative=tom)
    figures = figures_by_year(cooperative_scope(tom), [2025, 2026])
    assert figures[2025].pooled == ledger.balance(entries.filter(year=2025, kind="realisation"))
    assert figures[2025].basis == "op basis van de realisatie (alle perioden gesloten)"
    closed = Period.objects.filter(budget_round__cooperative=tom, budget_round__year=2026,
                                   status="closed")
    actual = ledger.balance(entries.filter(year=2026, kind="realisation", period__in=closed))
    rest = (pooled_total(tom, 2026) * D("0.195")).quantize(D("0.01"))
    assert figures[2026].pooled == actual + rest
    assert figures[2026].basis == ("realisatie t/m oktober 2026 (gesloten), begroting voor de "
                                   "rest van het jaar")
    assert figures[2025].pooled != pooled_total(tom, 2025)  # not the budget any more


def test_change_against_the_baseline_year_from_exact_ratios(make_indicator, tom, cost_2027,
                                                           board, hoods):
    contribute(tom, 2028, {hoods["BU04840101"]: "700000.00",
                           hoods["BU04840203"]: "400000.00"}, board, source_id=2)
    change = make_indicator(aim="cost", unit="change", direction="lower", method="cost_change",
                            baseline_year=2027, first_year=2027, target=D("0"))
    per_head = make_indicator(aim="cost", unit="euro", direction="lower",
                              method="cost_per_inhabitant", first_year=2027,
                              target=D("16.00"))
    card = scorecard(tom, 2028)
    rows = {r.indicator.pk: r for r in card.rows}
    # 1.100.000 / 66.000 = 16,6666… → € 16,67; change (16,666…/15,625 − 1) = +6,6667 %
    assert rows[per_head.pk].value == D("16.67")
    assert rows[per_head.pk].status == "nearly"          # 0.67 above 16, margin 0.80
    assert rows[change.pk].value == D("6.6667")
    assert rows[change.pk].status == "not_met"           # costs went up
    assert rows[change.pk].display == "+6,67\u00a0%"
    assert [(p.year, p.value) for p in rows[change.pk].trend] == [(2027, D("0.0000")),
                                                                  (2028, D("6.6667"))]


def test_change_says_when_the_baseline_year_has_no_budgets(make_indicator, tom, populated,
                                                          cost_2027):
    change = make_indicator(aim="cost", unit="change", direction="lower", method="cost_change",
                            baseline_year=2028, first_year=2027, target=D("0"))
    row = next(r for r in scorecard(tom, 2027).rows if r.indicator.pk == change.pk)
    assert row.value is None
    assert row.display == "basisjaar 2028: nog geen ingediende begrotingen"
