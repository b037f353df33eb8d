"""The apportionment contract (shared/DESIGN.md): exact sums, within a cent, order-independent,
deterministic ties, symmetric reversals, clear errors."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from budgets.allocation import (
    apportion,
    apportioner,
    exact_share,
    instalments,
    percentages,
    shares,
)
from partners.models import Organisation

totals = st.decimals(min_value=Decimal("-9999999999.99"), max_value=Decimal("9999999999.99"),
                     places=2, allow_nan=False, allow_infinity=False)
weight = st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4,
                     allow_nan=False, allow_infinity=False)
weight_maps = st.dictionaries(st.integers(min_value=-50, max_value=1000), weight, min_size=1,
                              max_size=30).filter(lambda m: any(m.values()))


@given(total=totals, weights=weight_maps)
@example(total=Decimal("0.01"), weights={1: Decimal("1"), 2: Decimal("1"), 3: Decimal("1")})
@example(total=Decimal("100.00"), weights={1: Decimal("0"), 2: Decimal("0.0001")})
def test_sums_exactly_within_a_cent_two_decimals(total, weights):
    result = apportion(total, weights)
    assert list(result) == list(weights)  # the input's order
    assert sum(result.values(), Decimal("0")) == total
    for key, amount in result.items():
        assert amount == amount.quantize(Decimal("0.01"))
        assert abs(Fraction(amount) - exact_share(total, weights, key)) < Fraction(1, 100)
        if not weights[key]:
            assert amount == 0


@given(total=totals, weights=weight_maps, seed=st.integers())
def test_order_of_the_mapping_does_not_matter(total, weights, seed):
    items = list(weights.items())
    random.Random(seed).shuffle(items)
    assert apportion(total, dict(items)) == apportion(total, weights)


@given(totals=st.lists(totals, min_size=1, max_size=5), weights=weight_maps)
def test_an_apportioner_splits_each_total_as_apportion_does(totals, weights):
    split = apportioner(weights)
    assert [split(t) for t in totals] == [apportion(t, weights) for t in totals]


def test_model_instances_and_their_primary_keys_split_alike(db):
    """Plans split by primary key (cheaper to look up): the same cents go to the same rows."""
    orgs = list(Organisation.objects.order_by("-pk")[:3])
    weights = {o: Decimal("1") for o in orgs}
    by_instance = apportion(Decimal("0.02"), weights)
    by_pk = apportion(Decimal("0.02"), {o.pk: w for o, w in weights.items()})
    assert {o.pk: a for o, a in by_instance.items()} == by_pk
    assert sorted(by_pk.values()) == [Decimal("0.00"), Decimal("0.01"), Decimal("0.01")]


@given(total=totals, weights=weight_maps)
def test_negative_totals_split_symmetrically(total, weights):
    assert apportion(-total, weights) == {k: -v for k, v in apportion(total, weights).items()}


@given(total=totals, weights=weight_maps, factor=st.integers(min_value=1, max_value=10**6))
def test_scaling_the_weights_changes_nothing(total, weights, factor):
    assert apportion(total, {k: w * factor for k, w in weights.items()}) == apportion(
        total, weights)


@given(total=totals, weights=weight_maps)
def test_largest_remainder_gets_the_cents_first(total, weights):
    """No key that got the extra cent has a smaller remainder than one that did not."""
    result = apportion(abs(total), weights)
    got, missed = [], []
    for key, amount in result.items():
        exact = exact_share(abs(total), weights, key) * 100
        remainder = exact - int(exact)
        (got if Fraction(amount) * 100 > int(exact) else missed).append((remainder, key))
    if got and missed:
        assert min(got)[0] >= max(missed)[0]


def test_ties_go_to_the_smallest_key_whatever_the_order():
    weights = {"c": Decimal("1"), "a": Decimal("1"), "b": Decimal("1")}
    assert apportion(Decimal("0.02"), weights) == {"c": Decimal("0.00"), "a": Decimal("0.01"),
                                                   "b": Decimal("0.01")}
    assert apportion(Decimal("100.00"), weights) == {"c": Decimal("33.33"),
                                                     "a": Decimal("33.34"),
                                                     "b": Decimal("33.33")}


def test_model_instances_tie_by_primary_key(db):
    from partners.models import Organisation

    orgs = list(Organisation.objects.order_by("-pk")[:3])
    result = apportion(Decimal("0.01"), {o: Decimal("1") for o in orgs})
    assert result[min(orgs, key=lambda o: o.pk)] == Decimal("0.01")


def test_largest_remainder_beats_the_key():
    # exact shares 0.6 and 0.4 cents: the larger remainder wins even with the larger key
    assert apportion(Decimal("0.01"), {1: Decimal("2"), 2: Decimal("3")}) == {
        1: Decimal("0.00"), 2: Decimal("0.01")}


def test_zero_total_and_zero_weights():
    assert apportion(Decimal("0.00"), {1: Decimal("1"), 2: Decimal("0")}) == {
        1: Decimal("0.00"), 2: Decimal("0.00")}
    assert str(apportion(Decimal("-0.00"), {1: Decimal("1")})[1]) == "0.00"


def test_integer_weights_and_tuple_keys():
    result = apportion(Decimal("10.00"), {("a", 1): 1, ("a", 2): 2, ("b", None): 0})
    assert result == {("a", 1): Decimal("3.33"), ("a", 2): Decimal("6.67"),
                      ("b", None): Decimal("0.00")}


@pytest.mark.parametrize(("total", "weights", "message"), [
    (Decimal("1.001"), {1: Decimal("1")}, "meer dan 2 decimalen"),
    (Decimal("NaN"), {1: Decimal("1")}, "geen eindig getal"),
    (Decimal("Infinity"), {1: Decimal("1")}, "geen eindig getal"),
    (1.5, {1: Decimal("1")}, "geen float"),
    (Decimal("1.00"), {}, "geen gewichten"),
    (Decimal("1.00"), {1: Decimal("0"), 2: Decimal("0")}, "Alle gewichten zijn 0"),
    (Decimal("1.00"), {1: Decimal("1"), 2: Decimal("-0.5")}, "gewicht van 2 is negatief"),
    (Decimal("1.00"), {1: Decimal("NaN")}, "gewicht van 1 is geen eindig getal"),
    (Decimal("1.00"), {1: Decimal("-Infinity")}, "gewicht van 1 is geen eindig getal"),
    (Decimal("1.00"), {1: 0.5}, "geen float"),
    (Decimal("1.00"), {1: "1"}, "geen getal"),
    (Decimal("1.00"), [1, 2], "mapping"),
])
def test_bad_input_raises_a_clear_value_error(total, weights, message):
    with pytest.raises(ValueError, match=message):
        apportion(total, weights)


@given(weights=weight_maps)
def test_percentages_have_four_decimals_and_total_exactly_100(weights):
    result = percentages(weights)
    assert sum(result.values()) == Decimal("100.0000")
    for key, value in result.items():
        assert value == value.quantize(Decimal("0.0001"))
        exact = Fraction(weights[key]) * 100 / sum(Fraction(w) for w in weights.values())
        assert abs(Fraction(value) - exact) < Fraction(1, 10000)


@given(units=st.integers(min_value=-10**9, max_value=10**9), weights=weight_maps)
def test_shares_of_whole_units(units, weights):
    result = shares(units, weights)
    assert sum(result.values()) == units


money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@given(amounts=st.dictionaries(st.integers(0, 100), money, max_size=20),
       n=st.sampled_from([1, 2, 3, 4, 12]), seed=st.integers())
def test_instalments_are_exact_both_ways(amounts, n, seed):
    result = instalments(amounts, n)
    assert list(result) == list(amounts)
    for key, parts in result.items():
        assert len(parts) == n and sum(parts, Decimal("0")) == amounts[key]
        for part in parts:
            assert abs(Fraction(part) - Fraction(amounts[key]) / n) < Fraction(1, 100)
    total = sum(amounts.values(), Decimal("0.00"))
    columns = [sum((parts[j] for parts in result.values()), Decimal("0")) for j in range(n)]
    assert columns == list(apportion(total, {j: 1 for j in range(n)}).values()) if amounts \
        else columns == [0] * n
    items = list(amounts.items())
    random.Random(seed).shuffle(items)
    assert instalments(dict(items), n) == result


@pytest.mark.parametrize(("amounts", "n", "message"), [
    ({1: Decimal("1.00")}, 0, "ten minste 1"),
    ({1: Decimal("-1.00")}, 4, "negatief"),
    ({1: Decimal("1.005")}, 4, "meer dan 2 decimalen"),
])
def test_instalments_bad_input(amounts, n, message):
    with pytest.raises(ValueError, match=message):
        instalments(amounts, n)
