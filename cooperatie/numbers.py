"""Reading numbers as Dutch users type them, in one way for every form and every sheet."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")
_DUTCH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def parse_decimal(raw, *, thousands_dot: bool = True) -> Decimal | None:
    """8,1 · 8.1 · 1.234,56 · € 1.234 · 75% · a number from a spreadsheet cell → Decimal,
    exactly as typed; None or blank → None.

    With a comma, the comma is the decimal mark and dots group thousands; without one, dots
    in groups of three are thousands (1.234 is 1234) unless `thousands_dot` is off (FTE),
    otherwise a dot is the decimal point (8.1). With both, the last one is the decimal mark
    (1.234,56 and 1,234.56 alike). Raises ValueError with a Dutch message."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw})
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))  # the shortest text that reads back as this float
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        text = text.removesuffix("%")
        if not text:
            return None
        if not _NUMBER.match(text):
            raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw})
        if "," in text and "." in text and text.rfind(".") > text.rfind(","):
            text = text.replace(",", "")  # 12,500.00 as English readers write it
        elif "," in text:
            if text.count(",") > 1:
                raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw})
            text = text.replace(".", "").replace(",", ".")
        elif thousands_dot and _DUTCH_THOUSANDS.match(text):
            text = text.replace(".", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw}) from None
    if not number.is_finite():
        raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw})
    return number
