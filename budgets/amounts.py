"""Reading money typed by people (Dutch or plain notation) into exact Decimals."""

from decimal import Decimal

from django.utils.translation import gettext as _

from cooperatie.numbers import NoSavedResult, is_percentage, parse_decimal, typed

MAX_AMOUNT = Decimal("999999999999.99")  # fits DecimalField(max_digits=14, decimal_places=2)


def parse_amount(raw, *, negative: bool = False) -> Decimal | None:
    """'1.234,56', '1234,56', '1234.56', '€ 1.250,-', 1234.56, a spreadsheet cell (a formula
    counts with its saved result) → Decimal('1234.56'); '' → None.

    Raises ValueError with a Dutch message, quoting the value as the user typed it, for text,
    percentages, more than 2 decimals, and negatives unless `negative` (a refund in the
    realisation).
    """
    try:
        value = parse_decimal(raw)
    except NoSavedResult:
        raise
    except ValueError:
        raise ValueError(_("'%(value)s' is geen bedrag.") % {"value": typed(raw)}) from None
    if value is None:
        return None
    if is_percentage(raw):
        raise ValueError(_("'%(value)s' is een percentage, geen bedrag.") % {
            "value": typed(raw)})
    if value < 0 and not negative:
        raise ValueError(_("Een bedrag kan niet negatief zijn (%(value)s).") % {
            "value": typed(raw)})
    if abs(value) > MAX_AMOUNT:
        raise ValueError(_("Het bedrag %(value)s is te groot.") % {"value": typed(raw)})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(
            _("Een bedrag heeft hoogstens 2 decimalen (%(value)s).") % {"value": typed(raw)}
        )
    return value.quantize(Decimal("0.01"))
