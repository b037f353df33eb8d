"""Reading money typed by people (Dutch or plain notation) into exact Decimals."""

from decimal import Decimal

from django.utils.translation import gettext as _

from cooperatie.numbers import parse_decimal

MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)


def parse_amount(raw) -> Decimal | None:
    """'1.234,56', '1234,56', '1234.56', 1234.56 → Decimal('1234.56'); '' → None.

    Raises ValueError with a Dutch message for text, negatives, more than 2 decimals.
    """
    try:
        value = parse_decimal(raw)
    except ValueError:
        raise ValueError(_("'%(value)s' is geen bedrag.") % {"value": raw}) from None
    if value is None:
        return None
    if value < 0:
        raise ValueError(_("Een bedrag kan niet negatief zijn (%(value)s).") % {"value": raw})
    if value > MAX_AMOUNT:
        raise ValueError(_("Het bedrag %(value)s is te groot.") % {"value": raw})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(
            _("Een bedrag heeft hoogstens 2 decimalen (%(value)s).") % {"value": raw}
        )
    return value.quantize(Decimal("0.01"))
