"""The arithmetic of a settlement (budgets.settlement.rules), for every rule over random
allocations and realisations: every split exact to the cent, the money conserved, and each
destination getting what its share says (within a cent)."""

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from budgets.settlement.rules import (
    DEFICIT_TO,
    SURPLUS_TO,
    ZERO,
    Rule,
    check_rule,
    settle,
)

D = Decimal
CENT = D("0.01")
PARTNERS = {1: "Welzijn", 2: "Jeugd", 3: "GGZ", 4: "VG", 5: "Ouderen"}

money = st.integers(min_value=0, max_value=10**11).map(lambda c: D(c) / 100)
realised = st.integers(min_value=-10**9, max_value=10**11).map(lambda c: D(c) / 100)


@st.composite
def shares(draw, kinds):
    """Percentages with up to 4 decimals over `kinds` that add up to exactly 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 1_000_000), min_size=len(kinds) - 1,
                                max_size=len(kinds) - 1)))
    bounds = [0, *cuts, 1_000_000]
    return {k: D(bounds[i + 1] - bounds[i]) / 10_000 for i, k in enumerate(kinds)}


@st.composite
def cases(draw):
    partners = draw(st.lists(st.sampled_from(sorted(PARTNERS)), min_size=1, max_size=5,
                             unique=True))
    figures = {p: (draw(money), draw(realised)) for p in partners}
    key = draw(shares(partners))
    return Rule(draw(shares(SURPLUS_TO)), draw(shares(DEFICIT_TO)), key), figures


def _assert_exact(outcome, figures, rule):
    total_allocated = sum((a for a, _r in figures.values()), ZERO)
    settled = outcome.total("settled")
    # The money is conserved exactly: what the partners finally get, what the reserve gains
    # and what goes back to the funder add up to what was allocated.
    assert settled + outcome.reserve_net + outcome.total("to_funder") == total_allocated
    pool_in = outcome.total("to_key")
    pool_out = outcome.total("deficit_to_key")
    assert outcome.total("key_received") == pool_in
    assert outcome.total("key_borne") == pool_out
    for partner, part in outcome.partners.items():
        allocated, real = figures[partner]
        assert (part.allocated, part.realised) == (allocated, real)
        for name in ("kept", "borne", "to_reserve", "from_reserve", "to_funder", "to_key",
                     "deficit_to_key", "key_received", "key_borne"):
            value = getattr(part, name)
            assert value >= 0 and value == value.quantize(CENT), (name, value)
        if part.result > 0:  # a surplus is split whole over its destinations
            assert part.kept + part.to_reserve + part.to_funder + part.to_key == part.result
            assert part.borne == part.from_reserve == part.deficit_to_key == 0
            for name, kind in (("kept", "partner"), ("to_reserve", "reserve"),
                               ("to_funder", "funder"), ("to_key", "key")):
                exact = part.result * rule.surplus[kind] / 100
                assert abs(getattr(part, name) - exact) < CENT
        elif part.result < 0:
            assert part.borne + part.from_reserve + part.deficit_to_key == -part.result
            assert part.kept == part.to_reserve == part.to_funder == part.to_key == 0
            for name, kind in (("borne", "partner"), ("from_reserve", "reserve"),
                               ("deficit_to_key", "key")):
                exact = -part.result * rule.deficit[kind] / 100
                assert abs(getattr(part, name) - exact) < CENT
        else:
            assert part.kept == part.borne == 0
        assert abs(part.key_received - pool_in * rule.key[partner] / 100) < CENT
        assert abs(part.key_borne - pool_out * rule.key[partner] / 100) < CENT
        assert part.settled == (part.realised + part.kept - part.borne + part.key_received
                                - part.key_borne)


@settings(max_examples=400, deadline=None)
@given(cases())
@example((Rule({"partner": D("0"), "reserve": D("0"), "funder": D("0"), "key": D("100")},
               {"partner": D("0"), "reserve": D("0"), "key": D("100")},
               {1: D("33.3333"), 2: D("33.3333"), 3: D("33.3334")}),
          {1: (D("100.00"), D("99.99")), 2: (D("0.00"), D("0.00")), 3: (D("0.00"), D("0.02"))}))
def test_every_settlement_sums_exactly_for_every_rule(case):
    rule, figures = case
    assert check_rule(rule, {p: PARTNERS[p] for p in figures}) == []
    outcome = settle(rule, figures)
    _assert_exact(outcome, figures, rule)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(money, realised), min_size=1, max_size=6),
       st.sampled_from(["partner", "reserve", "funder", "key"]),
       st.sampled_from(["partner", "reserve", "key"]))
def test_each_pure_rule_sends_everything_one_way(rows, surplus_to, deficit_to):
    figures = dict(enumerate(rows, start=1))
    key = {p: D(100) / len(figures) for p in figures}
    key = {p: v.quantize(D("0.0001")) for p, v in key.items()}
    key[1] += D(100) - sum(key.values())
    rule = Rule({k: D(100 if k == surplus_to else 0) for k in SURPLUS_TO},
                {k: D(100 if k == deficit_to else 0) for k in DEFICIT_TO}, key)
    outcome = settle(rule, figures)
    _assert_exact(outcome, figures, rule)
    surplus = sum((p.surplus for p in outcome.partners.values()), ZERO)
    deficit = sum((p.deficit for p in outcome.partners.values()), ZERO)
    expected = {"partner": "kept", "reserve": "to_reserve", "funder": "to_funder",
                "key": "to_key"}[surplus_to]
    assert outcome.total(expected) == surplus
    expected = {"partner": "borne", "reserve": "from_reserve", "key": "deficit_to_key"}[
        deficit_to]
    assert outcome.total(expected) == deficit


def _rule(surplus=(100, 0, 0, 0), deficit=(100, 0, 0), key=None):
    return Rule(dict(zip(SURPLUS_TO, map(D, surplus), strict=True)),
                dict(zip(DEFICIT_TO, map(D, deficit), strict=True)), key or {})


@pytest.mark.parametrize("rule,expected", [
    (_rule(surplus=(50, 40, 0, 0)), "De bestemming van een overschot telt op tot 90%"),
    (_rule(deficit=(50, 50, "0.5")), "Wie een tekort draagt telt op tot 100,5%"),
    (_rule(surplus=(100, "-10", 10, 0)), "Overschot de reserve: een percentage kan niet negatief"),
    (_rule(surplus=("99.99999", "0.00001", 0, 0)), "hoogstens 4 decimalen (99,99999)"),
    (_rule(surplus=(0, 0, 0, 100), key={1: D("60"), 2: D("30")}),
     "De sleutel voor herverdelen telt op tot 90%"),
    (_rule(deficit=(0, 0, 100), key={1: D("50"), 9: D("50")}),
     "geen partner van deze vaststelling"),
])
def test_a_rule_whose_shares_do_not_add_up_is_refused(rule, expected):
    problems = check_rule(rule, {1: "Welzijn", 2: "Jeugd"})
    assert any(expected in p for p in problems), problems


def test_a_key_is_only_needed_when_something_goes_by_the_key():
    assert check_rule(_rule(surplus=(50, 50, 0, 0), deficit=(0, 100, 0)), {1: "W"}) == []
