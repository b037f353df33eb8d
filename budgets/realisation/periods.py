"""The periods of a round as values: months or quarters, their codes (`2026-03`, `2026-K2`),
their names, their dates, and which share of the year's budget falls in them.

Budget to date: pro rata by period (through March is 3/12 of the year), or by the monthly
distribution a cooperative sets (twelve percentages that add up to 100, as ERPNext's monthly
distribution: a summer with less spending, a December with more). Exact Decimals; amounts are
rounded half-even to the cent only where they are shown or split (`budgets.allocation.apportion`).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER = "month", "quarter"
PER_YEAR = {MONTH: 12, QUARTER: 4}
MONTH_NAMES = [gettext_lazy("januari"), gettext_lazy("februari"), gettext_lazy("maart"),
               gettext_lazy("april"), gettext_lazy("mei"), gettext_lazy("juni"),
               gettext_lazy("juli"), gettext_lazy("augustus"), gettext_lazy("september"),
               gettext_lazy("oktober"), gettext_lazy("november"), gettext_lazy("december")]
HUNDRED = Decimal("100")
_MONTH_CODE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_CODE = re.compile(r"^(\d{4})-[Kk]([1-4])$")


@dataclass(frozen=True, order=True)
class PeriodRef:
    year: int
    kind: str
    number: int

    @property
    def code(self) -> str:
        """`2026-03` for March, `2026-K1` for the first quarter (the commands' P)."""
        if self.kind == QUARTER:
            return f"{self.year}-K{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            return _("%(n)se kwartaal %(year)s") % {"n": self.number, "year": self.year}
        return f"{MONTH_NAMES[self.number - 1]} {self.year}"

    @property
    def first_month(self) -> int:
        return self.number * 3 - 2 if self.kind == QUARTER else self.number

    @property
    def last_month(self) -> int:
        return self.number * 3 if self.kind == QUARTER else self.number

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month,
                    calendar.monthrange(self.year, self.last_month)[1])


def parse_code(value) -> PeriodRef | None:
    """`2026-03` or `2026-K1` (also a date cell that Excel made of `2026-03`); None when the
    text is no period code at all."""
    if isinstance(value, datetime | date):
        return PeriodRef(value.year, MONTH, value.month)
    text = str(value or "").strip()
    if match := _QUARTER_CODE.match(text):
        return PeriodRef(int(match[1]), QUARTER, int(match[2]))
    if (match := _MONTH_CODE.match(text)) and 1 <= int(match[2]) <= 12:
        return PeriodRef(int(match[1]), MONTH, int(match[2]))
    return None


def periods_of(year: int, kind: str) -> list[PeriodRef]:
    return [PeriodRef(year, kind, n) for n in range(1, PER_YEAR[kind] + 1)]


def check_distribution(percentages) -> list[Decimal]:
    """Twelve percentages, none negative, at most 4 decimals, that add up to exactly 100;
    ValueError with a Dutch message otherwise."""
    values = [Decimal(str(p)) for p in percentages]
    if len(values) != 12:
        raise ValueError(_("Een maandverdeling heeft precies 12 percentages (één per maand)."))
    for month, value in enumerate(values):
        if not value.is_finite() or value < 0:
            raise ValueError(_("%(month)s: een percentage kan niet negatief zijn.")
                             % {"month": str(MONTH_NAMES[month]).capitalize()})
        if value != value.quantize(Decimal("0.0001")):
            raise ValueError(_("%(month)s: hoogstens 4 decimalen.")
                             % {"month": str(MONTH_NAMES[month]).capitalize()})
    total = sum(values, Decimal(0))
    if total != HUNDRED:
        raise ValueError(_("De maandpercentages tellen op tot %(total)s in plaats van 100.")
                         % {"total": total.normalize()})
    return values


def share_through(period: PeriodRef, distribution: list[Decimal] | None) -> Decimal:
    """The share of the year's budget due by the end of `period` (exact, 0 to 1)."""
    if distribution is None:
        return Decimal(period.last_month) / 12
    return sum(distribution[: period.last_month], Decimal(0)) / HUNDRED


def share_of(period: PeriodRef, distribution: list[Decimal] | None) -> Decimal:
    """The share of the year's budget that falls in `period` itself."""
    if distribution is None:
        return Decimal(period.last_month - period.first_month + 1) / 12
    return sum(distribution[period.first_month - 1: period.last_month], Decimal(0)) / HUNDRED
