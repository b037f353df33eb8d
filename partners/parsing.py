"""Reading FTE and dates typed by people (Dutch or plain notation) into exact values.
Money goes through budgets.amounts.parse_amount, so every screen and sheet reads it alike."""

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from cooperatie.numbers import NoSavedResult, is_percentage, parse_decimal, typed
from cooperatie.spreadsheets import Cell

from .models import FTE_MAX

DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def parse_fte(raw) -> Decimal | None:
    """'0,8', '0.8', 0.8, 1, a spreadsheet cell → Decimal('0.80'); '' → None. An FTE never
    has thousands, so a dot is always the decimal point. Raises ValueError with a Dutch
    message, quoting the value as typed, for text, percentages, 0 or less, above 100, or more
    than 2 decimals."""
    shown = typed(raw)
    if isinstance(raw, Cell) and raw.kind == "text" and not raw.formula:
        raw = raw.value
    if isinstance(raw, str) and raw.strip().lower().endswith("fte"):
        raw = raw.strip()[:-3]
    try:
        value = parse_decimal(raw, thousands_dot=False)
    except NoSavedResult:
        raise
    except ValueError:
        raise ValueError(_("'%(value)s' is geen aantal fte.") % {"value": shown}) from None
    if value is None:
        return None
    if is_percentage(raw):
        raise ValueError(_("'%(value)s' is een percentage, geen aantal fte.") % {
            "value": shown})
    if value <= 0:
        raise ValueError(_("het aantal fte moet groter zijn dan 0 (%(value)s).") % {
            "value": shown})
    if value > FTE_MAX:
        raise ValueError(_("hoogstens %(max)s fte op één regel (%(value)s).") % {
            "max": int(FTE_MAX), "value": shown})
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("een aantal fte heeft hoogstens 2 decimalen (%(value)s).") % {
            "value": shown})
    return value.quantize(Decimal("0.01"))


def parse_day(raw) -> date | None:
    """A date cell (date or datetime) or text such as '01-03-2026' or '2026-03-01'."""
    if isinstance(raw, Cell):
        if raw.missing_result:
            raise NoSavedResult(_("'%(formula)s' is een formule die zonder uitkomst is "
                                  "opgeslagen; vul de datum zelf in.") % {
                "formula": raw.formula})
        if raw.kind not in ("date", "text", "empty"):
            raise ValueError(_("'%(value)s' is geen datum; schrijf bijvoorbeeld 01-03-2026.")
                             % {"value": typed(raw)})
        raw = raw.value
    if raw is None:
        return None
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            raise ValueError(_("'%(value)s' is geen datum.") % {"value": typed(raw)})
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float | Decimal):
        raise ValueError(_("'%(value)s' is geen datum; schrijf bijvoorbeeld 01-03-2026.") % {
            "value": typed(raw)})
    text = str(raw).strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("'%(value)s' is geen datum; schrijf bijvoorbeeld 01-03-2026.") % {
        "value": raw})
