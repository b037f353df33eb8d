"""Splitting money to the cent: the one apportionment every split in the product uses.

Largest remainder with exact arithmetic (fractions, never floats):

1. every key's exact share of the total, in cents, is cents × weight ÷ Σ weights;
2. every key first gets the whole cents below its exact share;
3. the cents left over (fewer than the number of keys) go one each to the keys with the
   largest remainder; equal remainders are broken by the key itself (ascending; model
   instances by their primary key), so the result never depends on the mapping's order.

So the amounts sum exactly to the total and each lies within one cent of its exact share.
A negative total (a reversal) is split as the mirror image of the positive one.
"""

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from typing import TypeVar

K = TypeVar("K")

CENT = Decimal("0.01")
PERCENT_PLACES = Decimal("0.0001")


def apportion(total: Decimal, weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Split `total` (2 decimals) over the keys of `weights` in proportion to the weights.

    The result has the keys in the order of `weights`, amounts with 2 decimals that sum
    exactly to `total`. Raises ValueError for a total with more than 2 decimals or that is
    not a finite number, and for negative, non-finite, empty or all-zero weights.
    """
    cents = _cents(total)
    return _Key(weights).split(cents)


def apportioner(weights: Mapping[K, Decimal]) -> Callable[[Decimal], dict[K, Decimal]]:
    """`apportion(total, weights)` for many totals over the same weights, which are checked
    and brought to one denominator once (a plan per inhabitant splits each of 1,700
    neighbourhoods' amounts over the same key)."""
    key = _Key(weights)
    return lambda total: key.split(_cents(total))


def shares(total_units: int, weights: Mapping[K, Decimal]) -> dict[K, int]:
    """The same largest-remainder split of a whole number of units (e.g. 1,000,000 units of
    0.0001 % for percentages with 4 decimals that add up to exactly 100)."""
    if total_units < 0:
        return {k: -v for k, v in _largest_remainder(-total_units, weights).items()}
    return _largest_remainder(total_units, weights)


def percentages(weights: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """Weights as percentages with 4 decimals that add up to exactly 100.0000."""
    units = shares(1_000_000, weights)
    return {key: (Decimal(units[key]) * PERCENT_PLACES).quantize(PERCENT_PLACES)
            for key in weights}


def instalments(amounts: Mapping[K, Decimal], n: int) -> dict[K, list[Decimal]]:
    """Split every amount (2 decimals, not negative) into `n` instalments, exact both ways:

    - each key's instalments sum exactly to its amount, and each lies within one cent of
      amount ÷ n (the odd cents go to the earliest instalments that still need them);
    - each instalment's total over all keys is exactly `apportion(total, n equal parts)`, so
      that what is paid out per period is as even as the cents allow.

    Rows are taken in order of most odd cents, then by key (as in `apportion`), so the
    result does not depend on the mapping's order."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"Het aantal termijnen moet een geheel getal van ten minste 1 zijn ({n}).")
    cents: dict[K, int] = {}
    for key, amount in amounts.items():
        exact = _number(amount, f"Het bedrag van {key}")
        if (exact * 100).denominator != 1:
            raise ValueError(f"Het bedrag van {key} ({amount}) heeft meer dan 2 decimalen.")
        if exact < 0:
            raise ValueError(f"Het bedrag van {key} is negatief ({amount}).")
        cents[key] = int(exact * 100)
    columns = _largest_remainder(sum(cents.values()), {j: 1 for j in range(n)}) \
        if cents and any(cents.values()) else {j: 0 for j in range(n)}
    rows = {key: [c // n] * n for key, c in cents.items()}
    demand = {j: columns[j] - sum(row[j] for row in rows.values()) for j in range(n)}
    # Each row has fewer than n odd cents; the columns' demands differ by at most one, and
    # giving a row's cents to the columns that need most keeps it so: every demand is met.
    for key in sorted(cents, key=lambda k: (-(cents[k] % n), _sort_key(k))):
        for j in sorted(demand, key=lambda j: (-demand[j], j))[:cents[key] % n]:
            rows[key][j] += 1
            demand[j] -= 1
    assert not any(demand.values())
    return {key: [_cents_to_decimal(c) for c in rows[key]] for key in amounts}


def exact_share(total: Decimal, weights: Mapping[K, Decimal], key: K) -> Fraction:
    """The exact (unrounded) share of one key, for checking a split."""
    exact = {k: _number(w, f"Het gewicht van {k}") for k, w in weights.items()}
    return _number(total, "Het bedrag") * exact[key] / sum(exact.values())


# --- internals ------------------------------------------------------------------------------


def _largest_remainder(units: int, weights: Mapping[K, Decimal]) -> dict[K, int]:
    return _Key(weights).units(units)


class _Key:
    """Weights in whole numbers over one common denominator, so that each share is
    units × w ÷ Σw with an integer remainder (exact, and much faster than Fractions; the
    remainders compare exactly as the fractions would, having the same denominator), each
    with its key's place among equal remainders."""

    def __init__(self, weights: Mapping[K, Decimal]):
        exact = _checked_weights(weights)
        denominator = math.lcm(*(d for _n, d in exact.values()))
        self.scaled = [(key, n * (denominator // d), _sort_key(key))
                       for key, (n, d) in exact.items()]
        self.weight_sum = sum(weight for _key, weight, _order in self.scaled)

    def units(self, units: int) -> dict[K, int]:
        result: dict[K, int] = {}
        remainders: list[tuple[int, tuple, K]] = []
        for key, weight, order in self.scaled:
            whole, remainder = divmod(units * weight, self.weight_sum)
            result[key] = whole
            remainders.append((remainder, order, key))
        left = units - sum(result.values())
        # Largest remainder first; equal remainders in ascending order of the key.
        remainders.sort(key=lambda item: (-item[0], item[1]))
        for _remainder, _order, key in remainders[:left]:
            result[key] += 1
        return result

    def split(self, cents: int) -> dict[K, Decimal]:
        units = self.units(abs(cents))
        sign = -1 if cents < 0 else 1
        return {key: _cents_to_decimal(sign * units[key]) for key, _w, _o in self.scaled}


def _cents(total: Decimal) -> int:
    # A Decimal's own exact ratio (no Fraction): a plan per inhabitant asks 1,700 times.
    if type(total) is Decimal and total.is_finite():
        numerator, denominator = total.as_integer_ratio()
    else:
        exact = _number(total, "Het te verdelen bedrag")
        numerator, denominator = exact.numerator, exact.denominator
    cents, rest = divmod(numerator * 100, denominator)
    if rest:
        raise ValueError(f"Het te verdelen bedrag {total} heeft meer dan 2 decimalen.")
    return cents


def _checked_weights(weights: Mapping[K, Decimal]) -> dict[K, tuple[int, int]]:
    """Each weight as an exact (numerator, denominator) in lowest terms, as a Fraction holds
    it (a Decimal's own as_integer_ratio: thousands of weights without a Fraction each)."""
    if not isinstance(weights, Mapping):
        raise ValueError("De gewichten moeten een mapping van sleutel naar gewicht zijn.")
    if not weights:
        raise ValueError("Er is niets om over te verdelen: er zijn geen gewichten.")
    exact = {}
    for key, weight in weights.items():
        if type(weight) is Decimal and weight.is_finite():
            ratio = weight.as_integer_ratio()
        else:
            value = _number(weight, f"Het gewicht van {key}")
            ratio = (value.numerator, value.denominator)
        if ratio[0] < 0:
            raise ValueError(f"Het gewicht van {key} is negatief ({weight}).")
        exact[key] = ratio
    if not any(n for n, _d in exact.values()):
        raise ValueError("Alle gewichten zijn 0: er is niets om naar te verdelen.")
    return exact


def _number(value, what: str) -> Fraction:
    """An exact number from a Decimal, int or Fraction; floats are refused (not exact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{what} moet een Decimal zijn, geen {type(value).__name__} ({value}).")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} is geen eindig getal ({value}).")
        return Fraction(value)
    if isinstance(value, int | Rational):
        return Fraction(value)
    raise ValueError(f"{what} is geen getal ({value!r}).")


def _sort_key(key) -> tuple:
    """A total order over keys: model instances by primary key, tuples element-wise, other
    values by type name and value (so that mixed key types still compare)."""
    if isinstance(key, tuple):
        return ("tuple", tuple(_sort_key(k) for k in key))
    meta = getattr(key, "_meta", None)
    if meta is not None and hasattr(key, "pk"):
        return ("model", meta.label, -1 if key.pk is None else key.pk)
    if key is None:
        return ("", 0)
    return (type(key).__name__, key)


def _cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)  # exactly two decimals, as quantize(CENT) gives them
