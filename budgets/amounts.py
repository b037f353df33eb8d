"""Reading money typed by people (Dutch or plain notation) into exact Decimals."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)
_DUTCH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_amount(raw) -> Decimal | None:
    """'1.234,56', '1234,56', '1234.56', 1234.56 → Decimal('1234.56'); '' → None.

    Raises ValueError with a Dutch message for text, negatives, more than 2 decimals.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(_("%(value)s is geen bedrag.") % {"value": raw})
    if isinstance(raw, int | float | Decimal):
        text = str(raw)
    else:
        text = str(raw).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _DUTCH_THOUSANDS.match(text):
            text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("'%(value)s' is geen bedrag.") % {"value": raw}) from None
    if not value.is_finite():
        raise ValueError(_("'%(value)s' is geen bedrag.") % {"value": raw})
    if value < 0:
        raise ValueError(_("Een bedrag kan niet negatief zijn (%(value)s).") % {"value": raw})
    if value > MAX_AMOUNT:
        raise ValueError(_("Het bedrag %(value)s is te groot.") % {"value": raw})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(
            _("Een bedrag heeft hoogstens 2 decimalen (%(value)s).") % {"value": raw}
        )
    return value.quantize(Decimal("0.01"))
