"""Coverage and in-kind arithmetic: exact, to the cent, checked against a rational reference."""

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.utils import bulk_create_with_history

from cooperatie.models import Expertise
from partners.models import Organisation, StaffCommitment, TeamNeed
from partners.selectors import Cell, coverage, fte_year, fte_year_hundredths, in_kind_value

fte_values = st.integers(min_value=1, max_value=10_000).map(lambda n: Decimal(n) / 100)
costs = st.integers(min_value=0, max_value=99_999_999_999_999).map(lambda n: Decimal(n) / 100)
years = st.sampled_from([2024, 2026, 2028, 2100])  # leap, common, leap, not leap (century)


@st.composite
def periods(draw, year=None):
    year = year or draw(years)
    first = date(year, 1, 1)
    length = 366 if (year % 4 == 0 and year % 100 != 0) else 365
    a = draw(st.integers(0, length - 1))
    b = draw(st.integers(a, length - 1))
    return first + timedelta(days=a), first + timedelta(days=b)


def reference(fte: Decimal, cost: Decimal, start: date, end: date) -> Decimal:
    """The exact rational value, rounded half-even to the cent by hand."""
    year_days = (date(start.year + 1, 1, 1) - date(start.year, 1, 1)).days
    exact = Fraction(fte) * Fraction(cost) * ((end - start).days + 1) / year_days
    cents = exact * 100
    whole, rest = divmod(cents.numerator, cents.denominator)
    twice = 2 * rest
    if twice > cents.denominator or (twice == cents.denominator and whole % 2 == 1):
        whole += 1
    return Decimal(whole) / 100


@given(fte=fte_values, cost=costs, period=periods())
def test_in_kind_value_is_the_exact_share_rounded_half_even_once(fte, cost, period):
    start, end = period
    value = in_kind_value(fte=fte, annual_cost=cost, period_start=start, period_end=end)
    assert value == reference(fte, cost, start, end)
    assert value.as_tuple().exponent == -2


@given(fte=fte_values, cost=costs, year=years)
def test_a_whole_year_is_fte_times_cost_exactly(fte, cost, year):
    value = in_kind_value(fte=fte, annual_cost=cost, period_start=date(year, 1, 1),
                          period_end=date(year, 12, 31))
    assert value == (fte * cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


@pytest.mark.parametrize("fte,cost,start,end,expected", [
    ("1.00", "73000.00", date(2026, 1, 1), date(2026, 1, 31), "6200.00"),     # 31/365
    ("1.00", "73200.00", date(2028, 2, 1), date(2028, 2, 29), "5800.00"),     # 29/366, leap
    ("0.50", "3.65", date(2026, 1, 1), date(2026, 1, 1), "0.00"),   # 0.005 → even: 0.00
    ("0.50", "3.65", date(2026, 1, 1), date(2026, 1, 3), "0.02"),   # 0.015 → even: 0.02
    ("0.50", "3.65", date(2026, 1, 1), date(2026, 1, 5), "0.02"),   # 0.025 → even: 0.02
    ("2.20", "78500.00", date(2026, 3, 1), date(2026, 12, 31), "144784.11"),  # demo SBT03
])
def test_in_kind_value_examples(fte, cost, start, end, expected):
    assert in_kind_value(fte=Decimal(fte), annual_cost=Decimal(cost), period_start=start,
                         period_end=end) == Decimal(expected)


def test_fte_year_counts_a_part_of_the_year_pro_rata():
    assert fte_year(fte=Decimal("1.00"), period_start=date(2026, 1, 1),
                    period_end=date(2026, 12, 31)) == Decimal("1.00")
    assert fte_year(fte=Decimal("1.00"), period_start=date(2026, 1, 1),
                    period_end=date(2026, 6, 30)) == Decimal("0.50")  # 181/365 = 0.4959
    assert fte_year(fte=Decimal("0.40"), period_start=date(2026, 9, 1),
                    period_end=date(2026, 12, 31)) == Decimal("0.13")  # 122/365 × 0.4


@given(fte=fte_values, period=periods())
def test_fte_year_in_hundredths_is_fte_year(fte, period):
    """The matrix's integer arithmetic rounds as fte_year does (half-even, once)."""
    start, end = period
    assert fte_year_hundredths(int(fte * 100), start, end) == fte_year(
        fte=fte, period_start=start, period_end=end) * 100


@pytest.mark.parametrize("hundredths,expected", [(1, 0), (3, 2), (5, 2)])
def test_fte_year_in_hundredths_rounds_a_tie_to_even(hundredths, expected):
    # 183 of the 366 days of 2028: 0.01, 0.03 and 0.05 fte count 0.005, 0.015 and 0.025
    start, end = date(2028, 1, 1), date(2028, 7, 1)
    assert fte_year_hundredths(hundredths, start, end) == expected == fte_year(
        fte=Decimal(hundredths) / 100, period_start=start, period_end=end) * 100


@given(required=fte_values | st.just(Decimal("0")), committed=fte_values | st.just(Decimal("0")))
def test_a_cell_splits_need_into_covered_and_gap(required, committed):
    cell = Cell(required, committed)
    assert cell.gap + cell.covered == required
    assert cell.surplus + cell.covered == committed
    assert cell.gap >= 0 and cell.surplus >= 0
    assert not (cell.gap and cell.surplus)


# --- on the database: the matrix of the tom cooperative (3 teams in 2 areas) ----------------

TOM_TEAMS = ["TOM-N", "TOM-Z", "TOM-B"]
EXPERTISES = ["MW", "GGZ", "JEUGD"]
PARTNERS = ["tom-welzijn", "tom-ggz", "tom-jeugd"]

needs_strategy = st.dictionaries(st.tuples(st.sampled_from(TOM_TEAMS),
                                           st.sampled_from(EXPERTISES)), fte_values, max_size=9)
commitments_strategy = st.lists(
    st.tuples(st.sampled_from(PARTNERS), st.sampled_from(TOM_TEAMS), st.sampled_from(EXPERTISES),
              fte_values, periods(year=2026)),
    max_size=12, unique_by=lambda c: (c[0], c[1], c[2], c[4][0]))


class Rollback(Exception):
    pass


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needs=needs_strategy, commitments=commitments_strategy)
def test_coverage_adds_up_per_team_and_per_area(tom, users, needs, commitments):
    budget_round = tom.budget_rounds.get(year=2026)
    teams = {t.code: t for t in tom.teams.select_related("area")}
    expertises = {e.code: e for e in Expertise.objects.filter(code__in=EXPERTISES)}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=PARTNERS)}
    try:
        with transaction.atomic():
            StaffCommitment.objects.filter(budget_round=budget_round).delete()
            TeamNeed.objects.filter(budget_round=budget_round).delete()
            bulk_create_with_history([
                TeamNeed(budget_round=budget_round, team=teams[t], expertise=expertises[e],
                         fte=fte) for (t, e), fte in needs.items()], TeamNeed)
            bulk_create_with_history([
                StaffCommitment(budget_round=budget_round, organisation=orgs[o],
                                team=teams[t], expertise=expertises[e], fte=fte,
                                annual_cost=Decimal("1000.00"), period_start=start,
                                period_end=end)
                for o, t, e, fte, (start, end) in commitments], StaffCommitment)
            result = coverage(budget_round)
            check_coverage(result, needs, commitments)
            raise Rollback
    except Rollback:
        pass


def check_coverage(result, needs, commitments):
    codes = [e.code for e in result.expertises]
    assert set(codes) == {e for _t, e in needs} | {c[2] for c in commitments}
    for row in result.rows:
        for code, cell in zip(codes, row.cells, strict=True):
            required = needs.get((row.team.code, code), Decimal("0"))
            committed = sum((fte_year(fte=f, period_start=p[0], period_end=p[1])
                             for _o, t, e, f, p in commitments
                             if (t, e) == (row.team.code, code)), Decimal("0"))
            assert (cell.required, cell.committed) == (required, committed)
            assert cell.gap + cell.covered == required
        assert row.total.gap + row.total.covered == row.total.required
    for summary in result.areas:
        rows = [r for r in result.rows if r.team.area_id == summary.area.pk]
        for i, totals in enumerate(summary.totals):
            assert totals.required == sum((r.cells[i].required for r in rows), Decimal("0"))
            assert totals.gap == sum((r.cells[i].gap for r in rows), Decimal("0"))
            assert totals.gap + totals.covered == totals.required
            assert totals.surplus + totals.covered == totals.committed
            moved = sum((s.fte for s in summary.suggestions
                         if s.expertise.code == codes[i]), Decimal("0"))
            assert moved == totals.substitutable == min(totals.gap, totals.surplus)
        for s in summary.suggestions:  # substitution stays within the area
            assert s.from_team.area_id == s.to_team.area_id == summary.area.pk
            assert s.from_team != s.to_team
    assert result.total.gap + result.total.covered == result.total.required
    assert result.total.gap == sum((a.total.gap for a in result.areas), Decimal("0"))
