"""Reading numbers as Dutch users type them, in one way for every form and every sheet."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from cooperatie.spreadsheets.cells import Cell, shown

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")
_DUTCH_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_WHOLE = re.compile(r"[.,]-{1,2}$")  # € 1.250,- : a round amount
_CURRENCY = re.compile(r"^(€|eur(o)?)|(€|eur(o)?)$", re.IGNORECASE)


class NoSavedResult(ValueError):
    """A formula saved without its result: the message says so, whatever the column."""


def typed(raw) -> str:
    """`raw` quoted as the user typed it: a cell as its spreadsheet showed it (12,345 · 4,5% ·
    =12*4500 → 54000), a number in Dutch notation, text as it is."""
    return str(raw) if isinstance(raw, Cell) else shown(raw)


def is_percentage(raw) -> bool:
    """"4,5%" typed as text, or a cell shown as a percentage (saved as 0.045)."""
    if isinstance(raw, Cell):
        return raw.percent or (raw.kind == "text" and is_percentage(raw.value))
    return isinstance(raw, str) and raw.strip().endswith("%")


def parse_decimal(raw, *, thousands_dot: bool = True) -> Decimal | None:
    """8,1 · 8.1 · 1.234,56 · € 1.234 · € 1.250,- · 75% · a number or Cell from a spreadsheet
    → Decimal, exactly as typed; None or blank → None.

    With a comma, the comma is the decimal mark and dots group thousands; without one, dots
    in groups of three are thousands (1.234 is 1234) unless `thousands_dot` is off (FTE),
    otherwise a dot is the decimal point (8.1). With both, the last one is the decimal mark
    (1.234,56 and 1,234.56 alike). A percentage is its number of percent points, as typed:
    "4,5%" and a cell shown as 4,5% (saved as 0.045) are both 4.5. A formula counts with the
    result its spreadsheet saved. Raises ValueError with a Dutch message."""
    if isinstance(raw, Cell):
        return _cell_number(raw, thousands_dot)
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(_("'%(value)s' is geen getal.") % {"value": typed(raw)})
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))  # the shortest text that reads back as this float
    else:
        number = _text_number(str(raw), thousands_dot)
        if number is None:
            return None
    if not number.is_finite():
        raise ValueError(_("'%(value)s' is geen getal.") % {"value": typed(raw)})
    return number


def _text_number(raw: str, thousands_dot: bool) -> Decimal | None:
    text = raw.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = _WHOLE.sub("", _CURRENCY.sub("", text.removesuffix("%")))
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
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(_("'%(value)s' is geen getal.") % {"value": raw}) from None


def _cell_number(cell: Cell, thousands_dot: bool) -> Decimal | None:
    if cell.missing_result:
        raise NoSavedResult(_(
            "'%(formula)s' is een formule die zonder uitkomst is opgeslagen (wij rekenen "
            "formules niet zelf uit). Open het bestand in Excel of LibreOffice en sla het "
            "opnieuw op, of vul de waarde zelf in.") % {"formula": cell.formula})
    if cell.kind == "number":
        return cell.value * 100 if cell.percent else cell.value
    if cell.kind == "text":
        try:
            return _text_number(cell.value, thousands_dot)
        except ValueError:
            raise ValueError(_("'%(value)s' is geen getal.") % {"value": typed(cell)}) from None
    if cell.kind == "empty":
        return None
    raise ValueError(_("'%(value)s' is geen getal.") % {"value": typed(cell)})
