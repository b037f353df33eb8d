"""Money as the Dutch read it: € 1.234,56 (the grouping follows the active language)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(value) -> str:
    if value is None or value == "":
        return "–"
    amount = Decimal(value).quantize(Decimal("0.01"))
    return "€\u00a0" + number_format(amount, decimal_pos=2, force_grouping=True)


@register.filter
def amount(value) -> str:
    """A money amount without the euro sign, for dense tables and inputs."""
    if value is None or value == "":
        return ""
    return number_format(Decimal(value).quantize(Decimal("0.01")), decimal_pos=2,
                         force_grouping=True)


@register.filter
def input_amount(value) -> str:
    """An amount as the value of an input: no grouping, a decimal comma ("12500,00"), so that
    it reads back the same in every language."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'))}".replace(".", ",")


@register.filter
def percent(value, places: int = 1) -> str:
    if value is None:
        return "–"
    return number_format(Decimal(value), decimal_pos=int(places)) + "\u00a0%"
