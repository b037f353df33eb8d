"""What the reader hands out: rows of cells, each with its saved value, its formula and how the
spreadsheet showed it, so that messages can quote what the user typed as they typed it."""

from datetime import date, datetime
from decimal import Context, Decimal, InvalidOperation

from . import errors

# Spreadsheets calculate and show 15 significant digits; a saved 0.30000000000000004 is the
# 0.3 the user saw.
_SHOWN = Context(prec=15)


class Cell:
    """One cell. `value` is what the spreadsheet saved: str, Decimal, date, datetime, bool or
    None (for a formula: its saved result, None when it was saved without one). `kind` is one
    of text, number, date, bool, error, empty. `percent` is true for a number the spreadsheet
    shows as a percentage: "4,5%" is saved as 0.045. `str(cell)` is the cell as its user saw
    it, for quoting in messages."""

    __slots__ = ("value", "kind", "formula", "percent")

    def __init__(self, value=None, kind: str = "empty", formula: str | None = None,
                 percent: bool = False):
        self.value = value
        self.kind = kind
        self.formula = formula
        self.percent = percent

    @property
    def is_blank(self) -> bool:
        """Nothing in it (spaces count as nothing); a formula is never blank."""
        if self.formula:
            return False
        return self.value is None or (self.kind == "text" and not self.value.strip())

    @property
    def missing_result(self) -> bool:
        """A formula saved without its result: we never calculate one ourselves."""
        return bool(self.formula) and self.value is None

    def shown(self) -> str:
        """The saved value as a Dutch spreadsheet shows it: 12,345 · 4,5% · 01-03-2026."""
        return shown(self.value, percent=self.percent)

    def __str__(self) -> str:
        if self.formula:
            return f"{self.formula} → {self.shown()}" if self.value is not None else self.formula
        return self.shown()

    def __repr__(self) -> str:
        return f"Cell({self.value!r}, {self.kind!r}, formula={self.formula!r}, " \
               f"percent={self.percent})"


EMPTY = Cell()


def number_from_text(text: str) -> Decimal:
    """A number as a spreadsheet saved it ("12500.5", "0.30000000000000004", "1E-3"), at the
    15 significant digits spreadsheets calculate and show. Raises Refused when it is none."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise errors.not_valid() from None
    if not number.is_finite():
        raise errors.not_valid()
    if len(text) > 15:  # more digits than a spreadsheet shows (rare: a float's tail)
        number = _SHOWN.plus(number).normalize(_SHOWN)
        if number.as_tuple().exponent > 0:
            number = number.quantize(Decimal(1))
    return number


def dutch_number(number: Decimal) -> str:
    """12.345 → '12,345'; no grouping, as a user types it."""
    if not number.is_finite():
        return str(number)
    number = number.normalize()
    if number.as_tuple().exponent > 0:
        number = number.quantize(Decimal(1))
    return format(number, "f").replace(".", ",")


def shown(value, *, percent: bool = False) -> str:
    """Any value a cell or form may hold, written as a Dutch user writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, int | Decimal):
        if percent:
            return dutch_number(Decimal(value) * 100) + "%"
        return dutch_number(Decimal(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.strftime("%d-%m-%Y")
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


class Row:
    """One row of a sheet: its number in the file and its cells by column (0 = A). Only cells
    with something in them are kept, so a row costs what it holds."""

    __slots__ = ("number", "_cells")

    def __init__(self, number: int, cells: dict[int, Cell]):
        self.number = number
        self._cells = cells

    def __getitem__(self, column: int) -> Cell:
        return self._cells.get(column, EMPTY)

    def cells(self, width: int) -> list[Cell]:
        """The first `width` cells, empty ones included."""
        get = self._cells.get
        return [get(i, EMPTY) for i in range(width)]

    @property
    def width(self) -> int:
        return max(self._cells, default=-1) + 1

    def is_blank(self, width: int | None = None) -> bool:
        return all(c.is_blank for i, c in self._cells.items() if width is None or i < width)

    def __repr__(self) -> str:
        return f"Row({self.number}, {self._cells!r})"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class RowCollector:
    """Gathers a sheet's rows within the limits. `columns` None means: the columns of the
    header, row 1 (all columns up to the limit when row 1 is empty)."""

    def __init__(self, sheet: str, columns: int | None, limits):
        self.sheet = sheet
        self.follow_header = columns is None
        self.columns = min(columns or limits.max_columns, limits.max_columns)
        self.limits = limits
        self.rows: list[Row] = []
        self.count = 0

    def add(self, number: int, cells: dict[int, Cell]) -> None:
        if self.follow_header:
            self.follow_header = False
            if number == 1 and cells:
                self.columns = min(self.columns, max(cells) + 1)
        if any(i >= self.columns for i in cells):
            cells = {i: c for i, c in cells.items() if i < self.columns}
        if not cells or all(c.is_blank for c in cells.values()):
            return
        if len(self.rows) > self.limits.max_rows:  # the header, then at most max_rows
            raise errors.too_many_rows(self.sheet, self.limits.max_rows)
        self.count += len(cells)
        if self.count > self.limits.max_cells:
            raise errors.too_many_cells(self.sheet)
        self.rows.append(Row(number, cells))
