"""Money as the Dutch read it: € 1.234,56 (the grouping follows the active language).

`money_text` is the one formatter: it gives exactly what Django's
`number_format(amount, decimal_pos=2, force_grouping=True)` gives (a test holds the two
together), in a fraction of the time, because it looks the language's separators up once per
language instead of once per number. Pages with thousands of amounts format them with it in
Python (or through these filters) rather than calling number_format per cell.
"""

from decimal import Decimal
from functools import cache

from django import template
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language

register = template.Library()
CENT = Decimal("0.01")


@cache
def _separators(language: str | None) -> tuple[str, str, int]:
    return (get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language),
            get_format("NUMBER_GROUPING", language))


def money_text(value) -> str:
    """`value` to the cent, grouped, in the active language ("1.234,56" in Dutch)."""
    return _money_text(value, _separators(get_language()))


def euro_formatter():
    """`euro` for many values in the active language, looked up once (a command printing
    10,000 amounts spent more time asking for the language than formatting)."""
    separators = _separators(get_language())

    def euro(value) -> str:
        if value is None or value == "":
            return "–"
        return "€\u00a0" + _money_text(value, separators)

    return euro


def amount_formatter():
    """`amount` for many values in the active language, looked up once (the coverage
    matrix formats thousands of figures in one render)."""
    separators = _separators(get_language())
    return lambda value: _money_text(value, separators)


def _money_text(value, separators: tuple[str, str, int]) -> str:
    decimal_sep, thousand_sep, grouping = separators
    text = f"{Decimal(value).quantize(CENT):f}"
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    whole, cents = text.split(".")
    if not isinstance(grouping, int) or grouping <= 0:  # a language with odd groups
        return number_format(Decimal(value).quantize(CENT), decimal_pos=2, force_grouping=True)
    if whole == "0" and cents == "00":
        sign = ""  # number_format shows -0.00 as 0,00
    if len(whole) > grouping:
        head = len(whole) % grouping or grouping
        whole = thousand_sep.join([whole[:head]] + [whole[i:i + grouping]
                                                    for i in range(head, len(whole), grouping)])
    return f"{sign}{whole}{decimal_sep}{cents}"


@register.filter
def euro(value) -> str:
    if value is None or value == "":
        return "–"
    return "€\u00a0" + money_text(value)


@register.filter
def amount(value) -> str:
    """A money amount without the euro sign, for dense tables and inputs."""
    if value is None or value == "":
        return ""
    return money_text(value)


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
