"""The budget template directors download, fill in and upload (contract in DESIGN.md).

Sheet `Begroting`: Buurtcode | Buurt | Financieringsstroom | Bedrag | Toelichting, one row per
neighbourhood × funding stream. An upload is validated whole: any error and nothing changes;
every error names its sheet, row and column.
"""

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
import xlsxwriter
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from cooperatie.models import Neighbourhood

from .amounts import parse_amount
from .models import BudgetRound, FundingStream
from .services import LineInput

SHEET = "Begroting"
INFO_SHEET = "Over dit sjabloon"
HEADER = ["Buurtcode", "Buurt", "Financieringsstroom", "Bedrag", "Toelichting"]
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
    sheet.write_row(8, 0, ["Financieringsstroom", "Code", "Naam"], formats["header"])
    streams = FundingStream.objects.filter(cooperative=cooperative).order_by("code")
    for i, stream in enumerate(streams, start=9):
        sheet.write_row(i, 0, [stream.get_law_display(), stream.code, stream.name])
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 40)


# --- reading an upload ----------------------------------------------------------------------


def where(sheet: str, row: int, column: str) -> str:
    return _("Blad %(sheet)s, rij %(row)s, kolom %(column)s") % {
        "sheet": sheet, "row": row, "column": column}


def read_upload(data: bytes, *, budget) -> Upload:
    """Parse and validate a filled-in template for `budget`; nothing is written here."""
    upload = Upload()
    if not data:
        upload.errors.append(_("Het bestand is leeg."))
        return upload
    if len(data) > settings.UPLOAD_MAX_BYTES:
        upload.errors.append(
            _("Het bestand is groter dan %(mb)s MB.")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
        return upload
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        upload.errors.append(_("Dit is geen geldig Excel-bestand (.xlsx)."))
        return upload
    try:
        _check_info(workbook, budget, upload)
        if SHEET not in workbook.sheetnames:
            upload.errors.append(_("Het blad '%(sheet)s' ontbreekt.") % {"sheet": SHEET})
        else:
            _read_budget_sheet(workbook[SHEET], budget, upload)
        _read_staff_sheet(workbook, budget, upload)
    finally:
        workbook.close()
    return upload


def _check_info(workbook, budget, upload: Upload) -> None:
    """A template made for another partner or year is refused outright."""
    if INFO_SHEET not in workbook.sheetnames:
        return
    values = {r[0]: r[1] for r in workbook[INFO_SHEET].iter_rows(min_row=2, max_row=5,
                                                                 values_only=True) if r}
    expected = {"Coöperatie": budget.budget_round.cooperative.code,
                "Jaar": str(budget.budget_round.year), "Partner": budget.organisation.code}
    for label, value in expected.items():
        found = values.get(label)
        if found is not None and str(found) != value:
            upload.errors.append(
                _("Dit sjabloon is gemaakt voor %(label)s '%(found)s', niet voor '%(value)s'.")
                % {"label": label.lower(), "found": found, "value": value}
            )


def _read_budget_sheet(sheet, budget, upload: Upload) -> None:
    rows = sheet.iter_rows()
    header = [c.value for c in next(rows, [])][: len(HEADER)]
    header = [str(v).strip() if v is not None else "" for v in header]
    header += [""] * (len(HEADER) - len(header))
    bad_header = [
        _("Blad %(sheet)s, rij 1, kolom %(col)s: verwacht '%(expected)s', gevonden '%(found)s'.")
        % {"sheet": SHEET, "col": chr(65 + i), "expected": exp, "found": got}
        for i, (exp, got) in enumerate(zip(HEADER, header, strict=True)) if exp != got
    ]
    if bad_header:
        upload.errors += bad_header
        return
    cooperative = budget.budget_round.cooperative
    hoods = {h.code: h for h in Neighbourhood.objects.filter(cooperative=cooperative)
             .in_year(budget.budget_round.year)}
    streams = {s.code: s for s in FundingStream.objects.filter(cooperative=cooperative)}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows, start=2):
        if number - 1 > settings.UPLOAD_MAX_ROWS:
            upload.errors.append(_("Het blad %(sheet)s heeft meer dan %(max)s rijen.")
                                 % {"sheet": SHEET, "max": settings.UPLOAD_MAX_ROWS})
            return
        cells = list(cells)[: len(HEADER)]
        cells += [None] * (len(HEADER) - len(cells))
        if all(c is None or c.value is None or str(c.value).strip() == "" for c in cells):
            continue
        row = _read_row(number, cells, hoods, streams, seen, upload.errors)
        if row is not None:
            upload.rows.append(row)


def _cell_error(errors, number, column, message) -> None:
    errors.append(f"{where(SHEET, number, column)}: {message}")


def _read_row(number, cells, hoods, streams, seen, errors) -> LineInput | None:
    for cell, column in zip(cells, HEADER, strict=True):
        if cell is not None and cell.data_type == "f":
            _cell_error(errors, number, column,
                        _("bevat een formule; vul de waarde zelf in."))
            return None
    code, _name, stream_code, raw_amount, note = (c.value if c is not None else None
                                                  for c in cells)
    code = str(code).strip() if code is not None else ""
    stream_code = str(stream_code).strip() if stream_code is not None else ""
    before = len(errors)
    hood = hoods.get(code)
    if hood is None:
        _cell_error(errors, number, "Buurtcode", _("onbekende buurtcode '%(code)s'.")
                    % {"code": code})
    stream = streams.get(stream_code)
    if stream is None:
        _cell_error(errors, number, "Financieringsstroom",
                    _("onbekende financieringsstroom '%(code)s'.") % {"code": stream_code})
    try:
        amount = parse_amount(raw_amount)
    except ValueError as exc:
        _cell_error(errors, number, "Bedrag", str(exc))
        amount = None
    note = "" if note is None else str(note).strip()
    if len(note) > NOTE_MAX:
        _cell_error(errors, number, "Toelichting",
                    _("de toelichting is langer dan %(max)s tekens.") % {"max": NOTE_MAX})
    if hood is not None and stream is not None:
        first = seen.setdefault((code, stream_code), number)
        if first != number:
            _cell_error(errors, number, "Buurtcode",
                        _("buurt %(code)s met stroom %(stream)s staat ook al op rij %(first)s.")
                        % {"code": code, "stream": stream_code, "first": first})
    if len(errors) > before:
        return None
    return LineInput(hood, stream, amount, note)


def _read_staff_sheet(workbook, budget, upload: Upload) -> None:
    try:
        from partners.excel import INZET_SHEET, read_inzet_sheet
    except ImportError:
        return
    if INZET_SHEET not in workbook.sheetnames:
        return
    rows = list(workbook[INZET_SHEET].iter_rows(values_only=True))
    upload.staff, errors = read_inzet_sheet(rows, budget_round=budget.budget_round,
                                            organisation=budget.organisation)
    upload.errors += errors
