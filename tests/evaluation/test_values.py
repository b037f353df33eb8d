"""The evaluation's arithmetic and rules, without the database."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cooperatie.evaluation import values
from cooperatie.evaluation.values import Status
from cooperatie.numbers import parse_decimal

D = Decimal
decimals = st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False,
                       allow_infinity=False)
margins = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False,
                      allow_infinity=False)


# --- traffic light ----------------------------------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    ("8.1", Status.MET), ("8.0", Status.MET), ("7.9999", Status.NEARLY),
    ("7.6", Status.NEARLY),  # exactly the margin below: still nearly
    ("7.5999", Status.NOT_MET), ("1", Status.NOT_MET),
])
def test_higher_is_better_at_and_around_the_target(value, expected):
    # target 8, margin 5% of 8 = 0.4
    assert values.status(D(value), target=D("8"), direction="higher") == expected


@pytest.mark.parametrize("value,expected", [
    ("4.9", Status.MET), ("5.0", Status.MET), ("5.0001", Status.NEARLY),
    ("5.25", Status.NEARLY), ("5.2501", Status.NOT_MET), ("12", Status.NOT_MET),
])
def test_lower_is_better_at_and_around_the_target(value, expected):
    # sickness absence: target 5%, margin 0.25
    assert values.status(D(value), target=D("5"), direction="lower") == expected


def test_explicit_margin_replaces_the_default():
    assert values.status(D("74"), target=D("75"), direction="higher",
                         tolerance=D("1")) == Status.NEARLY
    assert values.status(D("73.9"), target=D("75"), direction="higher",
                         tolerance=D("1")) == Status.NOT_MET
    assert values.status(D("74.9"), target=D("75"), direction="higher",
                         tolerance=D("0")) == Status.NOT_MET


def test_no_value_or_no_target_gives_no_judgement():
    assert values.status(None, target=D("8"), direction="higher") == Status.UNKNOWN
    assert values.status(D("8"), target=None, direction="lower") == Status.UNKNOWN


def test_target_zero_lower_is_better_has_no_margin():
    # "lower costs": a change of at most 0%
    assert values.status(D("0"), target=D("0"), direction="lower") == Status.MET
    assert values.status(D("-3.2"), target=D("0"), direction="lower") == Status.MET
    assert values.status(D("0.0001"), target=D("0"), direction="lower") == Status.NOT_MET


@given(value=decimals, target=decimals, margin=margins)
def test_status_rule_holds_for_any_numbers(value, target, margin):
    higher = values.status(value, target=target, direction="higher", tolerance=margin)
    lower = values.status(value, target=target, direction="lower", tolerance=margin)
    assert higher == (Status.MET if value >= target else
                      Status.NEARLY if target - value <= margin else Status.NOT_MET)
    assert lower == (Status.MET if value <= target else
                     Status.NEARLY if value - target <= margin else Status.NOT_MET)


@given(value=decimals, target=decimals, margin=margins)
def test_the_two_directions_mirror_each_other(value, target, margin):
    assert (values.status(value, target=target, direction="higher", tolerance=margin)
            == values.status(-value, target=-target, direction="lower", tolerance=margin))


@given(target=decimals, margin=margins, step=st.decimals(min_value=D("0.0001"), max_value=10,
                                                        places=4))
def test_moving_the_right_way_never_makes_it_worse(target, margin, step):
    order = {Status.NOT_MET: 0, Status.NEARLY: 1, Status.MET: 2}
    for value in (target - margin, target, target + margin):
        assert (order[values.status(value + step, target=target, direction="higher",
                                    tolerance=margin)]
                >= order[values.status(value, target=target, direction="higher",
                                       tolerance=margin)])


# --- composite and derived values -------------------------------------------------------------


def test_share_improved_or_stable_from_the_source_documents():
    # 96 improved + 54 stable of 200 clients: "75% more self-reliant or stable"
    assert values.share_improved_or_stable(96, 54, 50) == D("75.0000")
    assert values.share_improved_or_stable(70, 48, 52) == D("69.4118")   # 118/170
    assert values.share_improved_or_stable(1, 1, 1) == D("66.6667")      # half up
    assert values.share_improved_or_stable(0, 0, 3) == D("0.0000")
    assert values.share_improved_or_stable(0, 0, 0) is None


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_share_is_exact_to_four_decimals(improved, stable, declined):
    total = improved + stable + declined
    assume(total > 0)
    share = values.share_improved_or_stable(improved, stable, declined)
    exact = D(improved + stable) * 100 / D(total)
    assert share == exact.quantize(D("0.0001"), ROUND_HALF_UP)
    assert D(0) <= share <= D(100)
    assert abs(share - exact) <= D("0.00005")


def test_cost_per_inhabitant_rounds_half_up_to_the_cent():
    assert values.per_inhabitant(D("1000000.00"), 64_000) == D("15.63")  # 15.625
    assert values.per_inhabitant(D("600000.00"), 28_000) == D("21.43")   # 21.428571…
    assert values.per_inhabitant(D("0.01"), 3) == D("0.00")


def test_change_uses_exact_ratios_not_rounded_cents():
    # 1.100.000 over 66.000 against 1.000.000 over 64.000: +6,6667% (from the rounded
    # cents 16,67 / 15,63 it would wrongly be +6,6539%)
    assert values.change_percent(D("1100000.00"), 66_000, D("1000000.00"), 64_000) == D(
        "6.6667")
    assert values.change_percent(D("500"), 10, D("500"), 10) == D("0.0000")
    assert values.change_percent(D("450"), 10, D("500"), 10) == D("-10.0000")


@given(st.decimals(min_value=D("0.01"), max_value=D("999999999.99"), places=2),
       st.integers(1, 10_000_000))
def test_cost_per_inhabitant_is_within_half_a_cent(total, inhabitants):
    exact = total / D(inhabitants)
    assert abs(values.per_inhabitant(total, inhabitants) - exact) <= D("0.005")


# --- suppression, ranges, periods -------------------------------------------------------------


def test_suppression_follows_the_setting(settings):
    assert values.is_suppressed(4) and not values.is_suppressed(5)
    assert not values.is_suppressed(None)  # a value without respondents (sickness absence)
    settings.MIN_RESPONDENTS = 10
    assert values.is_suppressed(9) and not values.is_suppressed(10)


@pytest.mark.parametrize("unit,value,fragment", [
    ("score", "11", "tussen 1 en 10"), ("score", "0.5", "tussen 1 en 10"),
    ("percentage", "140", "tussen 0 en 100"), ("percentage", "-1", "tussen 0 en 100"),
    ("euro", "-5", "negatief"), ("euro", "12.345", "2 decimalen"),
    ("count", "3.5", "geheel getal"), ("count", "-1", "negatief"),
])
def test_values_outside_the_units_range_are_named(unit, value, fragment):
    assert fragment in values.range_problem(unit, D(value))


@pytest.mark.parametrize("unit,value", [
    ("score", "1"), ("score", "10"), ("score", "8.15"), ("percentage", "0"),
    ("percentage", "100"), ("euro", "12.34"), ("count", "12"), ("change", "-140"),
])
def test_values_inside_the_range_pass(unit, value):
    assert values.range_problem(unit, D(value)) == ""


def test_periods_sort_by_their_end_and_a_year_after_its_last_quarter():
    periods = ["Y", "Q4", "H2", "Q3", "H1", "Q2", "Q1"]
    ordered = sorted(periods, key=lambda p: values.period_sort_key(2026, p))
    assert ordered == ["Q1", "Q2", "H1", "Q3", "Q4", "H2", "Y"]
    assert values.period_sort_key(2025, "Y") < values.period_sort_key(2026, "Q1")
    assert values.period_label(2026, "Q3") == "2026 K3"
    assert values.period_label(2026, "Y") == "2026"


# --- reading and showing numbers --------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("8,1", "8.1"), ("8.1", "8.1"), (" 8,1 ", "8.1"), ("1.234,56", "1234.56"),
    ("1.234", "1234"), ("1.234.567", "1234567"), ("€ 1.234,50", "1234.50"),
    ("75%", "75"), ("75 %", "75"), ("-3,5", "-3.5"), (8.1, "8.1"), (75, "75"),
    (D("8.10"), "8.10"), ("1234.5", "1234.5"),
])
def test_numbers_are_read_as_dutch_people_type_them(raw, expected):
    assert parse_decimal(raw) == D(expected)


def test_blank_is_no_number():
    assert parse_decimal("") is None and parse_decimal("  ") is None and parse_decimal(None) is None


@pytest.mark.parametrize("raw", ["acht", "8,1,2", "1.2.3", "8,1x", True, "nan",
                                 float("nan"), float("inf"), "#DIV/0!"])
def test_what_is_not_a_number_is_refused_in_dutch(raw):
    with pytest.raises(ValueError, match="geen getal"):
        parse_decimal(raw)


@pytest.mark.parametrize("value,unit,shown", [
    ("8.1000", "score", "8,1"), ("7.96", "score", "7,96"), ("75.0000", "percentage", "75,0\u00a0%"),
    ("66.6667", "percentage", "66,67\u00a0%"), ("1234.5", "euro", "€\u00a01.234,50"),
    ("1234", "count", "1.234"), ("-25.4800", "change", "-25,48\u00a0%"),
    ("3.2", "change", "+3,2\u00a0%"),
])
def test_values_read_as_the_dutch_expect(value, unit, shown):
    assert values.format_value(D(value), unit) == shown
