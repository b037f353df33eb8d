from decimal import Decimal

from django.utils import translation

from cooperatie.templatetags.money import euro


def test_euro_is_dutch():
    with translation.override("nl"):
        assert euro(Decimal("1234.56")) == "€\u00a01.234,56"
        assert euro(Decimal("-1234567.5")) == "€\u00a0-1.234.567,50"
        assert euro(None) == "–"
