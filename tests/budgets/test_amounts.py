from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgets.amounts import parse_amount


@pytest.mark.parametrize("raw,expected", [
    ("1.234,56", Decimal("1234.56")), ("1234,5", Decimal("1234.50")), ("1234.56", Decimal("1234.56")),
    ("1.234.567", Decimal("1234567.00")), ("€ 12.500,00", Decimal("12500.00")), ("0", Decimal("0.00")),
    (1234.56, Decimal("1234.56")), (1500, Decimal("1500.00")), ("", None), (None, None), ("  ", None),
    ("12,500.00", Decimal("12500.00")), ("1,234,567.89", Decimal("1234567.89")), ("12500,00", Decimal("12500.00")),
])
def test_parses_what_people_type(raw, expected):
    assert parse_amount(raw) == expected


@pytest.mark.parametrize("raw,message", [
    ("abc", "geen bedrag"), ("-5", "negatief"), ("1,234", "2 decimalen"), ("12.345,678", "2 decimalen"), (1e20, "te groot"),
    (0.001, "2 decimalen"), ("1e400", "geen bedrag"), ("NaN", "geen bedrag"), (True, "geen bedrag"),
    ("1000000000000", "te groot"),
])
def test_refuses_with_a_dutch_reason(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_amount(raw)


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_dutch_notation_round_trips(value):
    from django.utils.formats import number_format
    from django.utils.translation import override

    with override("nl"):
        text = number_format(value, decimal_pos=2, force_grouping=True)
    assert parse_amount(text) == value


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_input_values_read_back_the_same_in_every_language(value):
    from django.utils.translation import override

    from cooperatie.templatetags.money import amount, input_amount

    for language in ("nl", "en"):
        with override(language):
            assert parse_amount(input_amount(value)) == value
            assert parse_amount(amount(value)) == value  # what tables show, copied back
