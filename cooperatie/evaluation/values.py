"""The arithmetic and the rules of the evaluation, as plain functions (no database).

Precision, stated once:
- "% more self-reliant or stable" = (improved + stable) / total × 100, 4 decimals;
- cost per inhabitant = pooled budget / inhabitants, in euros to the cent;
- change against the baseline year = (cost per inhabitant now / then − 1) × 100, 4 decimals,
  from the exact quotients (not from the rounded cents);
all rounded half up ("rekenkundig afronden"), the way the cooperatives' own reports round.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
PLACES4 = Decimal("0.0001")
HUNDRED = Decimal(100)
DEFAULT_TOLERANCE_SHARE = Decimal("0.05")  # "nearly": within 5% of the target


class Status(models.TextChoices):
    MET = "met", _("gehaald")
    NEARLY = "nearly", _("bijna")
    NOT_MET = "not_met", _("niet gehaald")
    UNKNOWN = "unknown", _("geen oordeel")
    # computed from a year whose budgets are not all submitted: no judgement yet
    PROVISIONAL = "provisional", _("voorlopig, nog niet alle begrotingen ingediend")


# --- units and their ranges -------------------------------------------------------------------

# unit → (lowest, highest, decimal places allowed); None: no bound.
UNIT_RULES = {
    "score": (Decimal(1), Decimal(10), 4),
    "percentage": (Decimal(0), HUNDRED, 4),
    "euro": (Decimal(0), None, 2),
    "count": (Decimal(0), None, 0),
    "change": (None, None, 4),
}


def range_problem(unit: str, value: Decimal) -> str:
    """A Dutch sentence saying why `value` does not fit `unit`, or "" if it does."""
    low, high, places = UNIT_RULES[unit]
    shown = format_plain(value)
    if unit == "score" and not (low <= value <= high):
        return gettext("Een score ligt tussen 1 en 10; %(value)s kan niet.") % {"value": shown}
    if unit == "percentage" and not (low <= value <= high):
        return gettext("Een percentage ligt tussen 0 en 100; %(value)s kan niet.") % {
            "value": shown}
    if low is not None and value < low:
        return gettext("Een bedrag of aantal kan niet negatief zijn (%(value)s).") % {
            "value": shown}
    if value != value.quantize(Decimal(1).scaleb(-places)):
        if places == 0:
            return gettext("Een aantal is een geheel getal; %(value)s kan niet.") % {
                "value": shown}
        return gettext("Een bedrag in euro heeft hoogstens 2 decimalen; %(value)s kan niet.") % {
            "value": shown}
    return ""


# --- traffic light ----------------------------------------------------------------------------


def tolerance_for(target: Decimal | None, tolerance: Decimal | None) -> Decimal | None:
    if target is None:
        return None
    if tolerance is not None:
        return tolerance
    return (abs(target) * DEFAULT_TOLERANCE_SHARE).quantize(PLACES4, ROUND_HALF_UP)


def status(value: Decimal | None, *, target: Decimal | None, direction: str,
           tolerance: Decimal | None = None) -> Status:
    """Met if the value is at or beyond the target in the good direction; nearly if it falls
    short by at most the margin (inclusive); otherwise not met."""
    if value is None or target is None:
        return Status.UNKNOWN
    margin = tolerance_for(target, tolerance)
    shortfall = target - value if direction == "higher" else value - target
    if shortfall <= 0:
        return Status.MET
    if shortfall <= margin:
        return Status.NEARLY
    return Status.NOT_MET


# --- composite and derived values -------------------------------------------------------------


def share_improved_or_stable(improved: int, stable: int, declined: int) -> Decimal | None:
    total = improved + stable + declined
    if total <= 0:
        return None
    return (Decimal(improved + stable) * HUNDRED / Decimal(total)).quantize(
        PLACES4, ROUND_HALF_UP)


def per_inhabitant(total: Decimal, inhabitants: int) -> Decimal:
    return (Decimal(total) / Decimal(inhabitants)).quantize(CENT, ROUND_HALF_UP)


def change_percent(total: Decimal, inhabitants: int, base_total: Decimal,
                   base_inhabitants: int) -> Decimal:
    """Change of the cost per inhabitant against the baseline year, in %, from exact ratios."""
    ratio = (Decimal(total) * Decimal(base_inhabitants)) / (
        Decimal(base_total) * Decimal(inhabitants))
    return ((ratio - 1) * HUNDRED).quantize(PLACES4, ROUND_HALF_UP)


# --- small numbers ----------------------------------------------------------------------------


def min_respondents() -> int:
    return settings.MIN_RESPONDENTS


def is_suppressed(respondents: int | None) -> bool:
    """Values based on fewer respondents than the minimum are never shown as a number."""
    return respondents is not None and respondents < min_respondents()


# --- periods ----------------------------------------------------------------------------------

# period → (month it ends, length rank): a year ranks above its last half-year and quarter.
PERIOD_END = {"Q1": (3, 1), "Q2": (6, 1), "H1": (6, 2), "Q3": (9, 1), "Q4": (12, 1),
              "H2": (12, 2), "Y": (12, 3)}
PERIOD_SHORT = {"Y": "", "H1": "H1", "H2": "H2", "Q1": "K1", "Q2": "K2", "Q3": "K3", "Q4": "K4"}
# What an upload may say in the column "Periode".
PERIOD_WORDS = {"jaar": "Y", "j": "Y", "y": "Y", "year": "Y", "h1": "H1", "h2": "H2",
                "k1": "Q1", "k2": "Q2", "k3": "Q3", "k4": "Q4",
                "q1": "Q1", "q2": "Q2", "q3": "Q3", "q4": "Q4"}


def period_sort_key(year: int, period: str) -> tuple[int, int, int]:
    month, rank = PERIOD_END[period]
    return year, month, rank


def period_label(year: int, period: str) -> str:
    short = PERIOD_SHORT.get(period, period)
    return f"{year} {short}" if short else str(year)


# --- reading and showing numbers --------------------------------------------------------------

def _places(value: Decimal, least: int, most: int) -> int:
    exponent = value.normalize().as_tuple().exponent
    shown = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(least, min(shown, most))


def format_plain(value: Decimal) -> str:
    return number_format(value, decimal_pos=_places(value, 0, 4), force_grouping=True)


def format_value(value: Decimal | None, unit: str) -> str:
    """How a value reads in the scorecard: 8,1 · 75,0 % · € 123,45 · 1.234 · +3,2 %."""
    if value is None:
        return "–"
    if unit == "euro":
        return "€\u00a0" + number_format(value.quantize(CENT, ROUND_HALF_UP), decimal_pos=2,
                                         force_grouping=True)
    if unit == "count":
        return number_format(value.quantize(Decimal(1), ROUND_HALF_UP), decimal_pos=0,
                             force_grouping=True)
    places = _places(value, 1, 2)
    text = number_format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP),
                         decimal_pos=places, force_grouping=True)
    if unit == "percentage":
        return f"{text}\u00a0%"
    if unit == "change":
        return f"{'+' if value > 0 else ''}{text}\u00a0%"
    return text
