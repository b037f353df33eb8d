from decimal import Decimal

from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given
from hypothesis import strategies as st

from cooperatie.templatetags.money import amount, amount_formatter, euro, money_text


def test_euro_is_dutch():
    with translation.override("nl"):
        assert euro(Decimal("1234.56")) == "€\u00a01.234,56"
        assert euro(Decimal("-1234567.5")) == "€\u00a0-1.234.567,50"
        assert euro(None) == "–"


@given(st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), allow_nan=False,
                   places=3), st.sampled_from(["nl", "en"]))
def test_the_fast_formatter_writes_what_django_writes(value, language):
    with translation.override(language):
        expected = number_format(value.quantize(Decimal("0.01")), decimal_pos=2,
                                 force_grouping=True)
        assert money_text(value) == expected
        assert amount(value) == expected
        assert amount_formatter()(value) == expected


def test_the_fast_formatter_in_each_language():
    with translation.override("nl"):
        assert money_text(Decimal("-0.001")) == "0,00"
        assert money_text(Decimal("999.995")) == "1.000,00"
        assert money_text(12) == "12,00"
    with translation.override("en"):
        assert money_text(Decimal("1234567.891")) == "1,234,567.89"
