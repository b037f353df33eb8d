"""The budget template directors download, fill in and upload (contract in DESIGN.md).

Sheet `Begroting`: Buurtcode | Buurt | Financieringsstroom | Bedrag | Toelichting, one row per
neighbourhood × funding stream. An upload is validated whole: any error and nothing changes;
every error names its sheet, row and column.
"""

from dataclasses import dataclass, field

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import spreadsheets as ss
from cooperatie.models import Neighbourhood

from .amounts import parse_amount
from .models import BudgetRound, FundingStream
from .services import LineInput

SHEET = "Begroting"
INFO_SHEET = "Over dit sjabloon"
HEADER = ["Buurtcode", "Buurt", "Financieringsstroom", "Bedrag", "Toelichting"]
STREAMS_FIRST_ROW = 10  # where the info sheet lists the streams (code in B, name in C)
MONEY_FORMAT = '"€" #,##0.00'
NOTE_MAX = 2000


@dataclass
class Upload:
    rows: list[LineInput] = field(default_factory=list)
    staff: object = None  # what the `Inzet` sheet asks for (partners.excel)
    errors: list[str] = field(default_factory=list)


def workbook_formats(workbook) -> dict:
    return {
        "header": workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1,
                                       "locked": True}),
        "locked": workbook.add_format({"locked": True, "bg_color": "#F2F2F2"}),
        "text": workbook.add_format({"locked": False, "num_format": "@"}),
        "money": workbook.add_format({"locked": False, "num_format": MONEY_FORMAT}),
        "number": workbook.add_format({"locked": False, "num_format": "0.00"}),
        "choice": workbook.add_format({"locked": False}),
    }


def write_template(output, *, budget_round: BudgetRound, organisation, budget=None) -> None:
    """Write the template to `output` (a path or a binary file), with the budget's current
    amounts filled in."""
    cooperative = budget_round.cooperative
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = workbook_formats(workbook)
    _write_budget_sheet(workbook, formats, cooperative, budget_round.year, budget)
    try:
        from partners.excel import write_inzet_sheet
    except ImportError:
        pass
    else:
        write_inzet_sheet(workbook, budget_round=budget_round, organisation=organisation,
                          formats=formats)
    _write_info_sheet(workbook, formats, budget_round, organisation)
    workbook.close()


def _write_budget_sheet(workbook, formats, cooperative, year: int, budget) -> None:
    sheet = workbook.add_worksheet(SHEET)
    hoods = list(Neighbourhood.objects.filter(cooperative=cooperative).in_year(year)
                 .select_related("area").order_by("area__name", "code"))
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    current = {}
    if budget is not None:
        current = {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in budget.lines.all()}
    # Exactly the contract's columns; the streams' names show as the input message of the
    # code cells and on the info sheet.
    sheet.write_row(0, 0, HEADER, formats["header"])
    row = 0
    for hood in hoods:
        for stream in streams:
            row += 1
            line = current.get((hood.pk, stream.pk))
            sheet.write_string(row, 0, hood.code, formats["locked"])
            sheet.write_string(row, 1, hood.name, formats["locked"])
            sheet.write_string(row, 2, stream.code, formats["choice"])
            if line is not None:
                sheet.write_number(row, 3, line.amount, formats["money"])
                sheet.write_string(row, 4, line.note, formats["text"])
            else:
                sheet.write_blank(row, 3, None, formats["money"])
                sheet.write_blank(row, 4, None, formats["text"])
    last = max(row, 1)
    sheet.data_validation(1, 2, last, 2, {
        "validate": "list", "source": [s.code for s in streams],
        "input_title": "Financieringsstroom",
        "input_message": stream_names(streams),
        "error_title": "Onbekende financieringsstroom",
        "error_message": "Kies een code uit de lijst (zie het blad 'Over dit sjabloon').",
    })
    sheet.data_validation(1, 3, last, 3, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_title": "Ongeldig bedrag",
        "error_message": "Vul een bedrag van 0 of meer in, met hoogstens 2 decimalen.",
    })
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 16)
    sheet.set_column(4, 4, 50)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(HEADER) - 1)
    sheet.protect("", {"autofilter": True, "sort": False, "format_columns": True})


def stream_names(streams) -> str:
    """'wmo = Wmo 2015; …' for the input message (Excel allows 255 characters)."""
    text = "; ".join(f"{s.code} = {s.name}" for s in streams)
    return text if len(text) <= 255 else text[:254] + "…"


def _write_info_sheet(workbook, formats, budget_round, organisation) -> None:
    sheet = workbook.add_worksheet(INFO_SHEET)
    cooperative = budget_round.cooperative
    rows = [
        ("Coöperatie", cooperative.code, cooperative.name),
        ("Jaar", str(budget_round.year), ""),
        ("Partner", organisation.code, organisation.name),
        ("Gemaakt op", timezone.localtime().strftime("%d-%m-%Y %H:%M"), ""),
    ]
    sheet.write_row(0, 0, ["Gegeven", "Code", "Naam"], formats["header"])
    for i, values in enumerate(rows, start=1):
        sheet.write_row(i, 0, values)
    sheet.write(6, 0, "Vul op het blad 'Begroting' per buurt en financieringsstroom het bedrag "
                      "in euro's in (hoogstens 2 decimalen). Een leeg bedrag betekent: geen regel.")
    sheet.write_row(STREAMS_FIRST_ROW - 2, 0, ["Financieringsstroom", "Code", "Naam"],
                    formats["header"])
    streams = FundingStream.objects.filter(cooperative=cooperative).order_by("code")
    for i, stream in enumerate(streams, start=STREAMS_FIRST_ROW - 1):
        sheet.write_row(i, 0, [stream.get_law_display(), stream.code, stream.name])
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 40)


CHANGES_HEADER = ["Buurtcode", "Buurt", "Financieringsstroom", "Oud bedrag", "Nieuw bedrag",
                  "Oude toelichting", "Nieuwe toelichting", "Formule"]


def write_changes(output, changes) -> None:
    """Every change an upload makes (services.LineChange), old beside new: the full list
    behind the preview's first lines."""
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    money = workbook.add_format({"num_format": MONEY_FORMAT})
    sheet = workbook.add_worksheet("Wijzigingen")
    sheet.write_row(0, 0, CHANGES_HEADER, header)
    for row, c in enumerate(changes, start=1):
        sheet.write_string(row, 0, c.neighbourhood.code)
        sheet.write_string(row, 1, c.neighbourhood.name)
        sheet.write_string(row, 2, c.funding_stream.code)
        for column, amount in ((3, c.old_amount), (4, c.new_amount)):
            if amount is not None:
                sheet.write_number(row, column, amount, money)
        for column, text in ((5, c.old_note), (6, c.new_note), (7, c.formula)):
            if text:
                sheet.write_string(row, column, text)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 4, 16)
    sheet.set_column(5, 6, 40)
    sheet.freeze_panes(1, 0)
    workbook.close()


# --- reading an upload ----------------------------------------------------------------------


def read_upload(data: bytes, *, budget, filename: str = "") -> Upload:
    """Parse and validate a filled-in template (.xlsx or .ods) for `budget` through the one
    hardened reader; nothing is written here."""
    upload = Upload()
    try:
        book = ss.open_workbook(data, filename=filename)
        _check_info(book, budget, upload)
        sheet = book.sheet(SHEET, columns=len(HEADER))
        if sheet is None:
            upload.errors.append(_("Het blad '%(sheet)s' ontbreekt.") % {"sheet": SHEET})
        else:
            _read_budget_sheet(sheet, budget, upload)
        _read_staff_sheet(book, budget, upload)
    except ss.Refused as exc:
        upload.rows, upload.staff, upload.errors = [], None, exc.messages
    upload.errors = ss.capped(upload.errors)
    return upload


def _check_info(book, budget, upload: Upload) -> None:
    """A template made for another partner or year is refused outright."""
    sheet = book.sheet(INFO_SHEET, columns=2)
    if sheet is None:
        return
    values = {row[0].shown(): row[1] for row in sheet.rows if 2 <= row.number <= 5}
    expected = {"Coöperatie": budget.budget_round.cooperative.code,
                "Jaar": str(budget.budget_round.year), "Partner": budget.organisation.code}
    for label, value in expected.items():
        found = values.get(label)
        if found is not None and not found.is_blank and found.shown() != value:
            upload.errors.append(
                _("Dit sjabloon is gemaakt voor %(label)s '%(found)s', niet voor '%(value)s'.")
                % {"label": label.lower(), "found": ss.clean_code(found.shown()),
                   "value": value}
            )


def _read_budget_sheet(sheet, budget, upload: Upload) -> None:
    bad_header = ss.header_problems(sheet, HEADER)
    if bad_header:
        upload.errors += bad_header
        return
    cooperative = budget.budget_round.cooperative
    hoods = {h.code: h for h in Neighbourhood.objects.filter(cooperative=cooperative)
             .in_year(budget.budget_round.year)}
    streams = {s.code: s for s in FundingStream.objects.filter(cooperative=cooperative)}
    seen: dict[tuple[str, str], int] = {}
    for row in sheet.body():
        line = _read_row(row.number, row.cells(len(HEADER)), hoods, streams, seen,
                         upload.errors)
        if line is not None:
            upload.rows.append(line)


def _cell_error(errors, number, column, message) -> None:
    errors.append(f"{ss.where(SHEET, number, column)}: {message}")


def _read_row(number, cells, hoods, streams, seen, errors) -> LineInput | None:
    code_cell, _name, stream_cell, amount_cell, note_cell = cells
    before = len(errors)
    hood = stream = amount = None
    note = ""
    try:
        code = ss.read_code(code_cell)
        hood = hoods.get(code)
        if hood is None:
            _cell_error(errors, number, "Buurtcode", _("onbekende buurtcode '%(code)s'.")
                        % {"code": code})
    except ValueError as exc:
        _cell_error(errors, number, "Buurtcode", str(exc))
    try:
        stream_code = ss.read_code(stream_cell)
        stream = streams.get(stream_code)
        if stream is None:
            _cell_error(errors, number, "Financieringsstroom",
                        _("onbekende financieringsstroom '%(code)s'.") % {"code": stream_code})
    except ValueError as exc:
        _cell_error(errors, number, "Financieringsstroom", str(exc))
    try:
        amount = parse_amount(amount_cell)
    except ValueError as exc:
        _cell_error(errors, number, "Bedrag", str(exc))
    try:
        note = ss.read_note(note_cell, max_length=NOTE_MAX)
    except ValueError as exc:
        _cell_error(errors, number, "Toelichting", str(exc))
    if hood is not None and stream is not None:
        first = seen.setdefault((hood.code, stream.code), number)
        if first != number:
            _cell_error(errors, number, "Buurtcode",
                        _("buurt %(code)s met stroom %(stream)s staat ook al op rij %(first)s.")
                        % {"code": hood.code, "stream": stream.code, "first": first})
    if len(errors) > before:
        return None
    return LineInput(hood, stream, amount, note, formula=amount_cell.formula or "")


def _read_staff_sheet(book, budget, upload: Upload) -> None:
    try:
        from partners.excel import COLUMNS, INZET_SHEET, read_inzet_sheet
    except ImportError:
        return
    sheet = book.sheet(INZET_SHEET, columns=len(COLUMNS))
    if sheet is None:
        return
    upload.staff, errors = read_inzet_sheet(sheet, budget_round=budget.budget_round,
                                            organisation=budget.organisation)
    upload.errors += errors
