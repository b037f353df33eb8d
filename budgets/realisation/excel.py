"""The realisation template a partner downloads, fills in and uploads (contract in DESIGN.md).

Sheet `Realisatie`: Buurtcode | Buurt | Financieringsstroom | Periode | Bedrag | Toelichting,
one row per neighbourhood × funding stream, codes and the period pre-filled and protected,
`Bedrag` empty or the amount entered so far. An upload goes through the one hardened reader
(cooperatie.spreadsheets) and is validated whole: any error and nothing changes; every error
names its sheet, row and column and quotes what the user typed.
"""

from dataclasses import dataclass, field

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.amounts import MAX_AMOUNT, parse_amount
from budgets.excel import workbook_formats
from budgets.models import FundingStream
from cooperatie import spreadsheets as ss
from cooperatie.models import Neighbourhood

from . import periods
from .models import NOTE_MAX, PartnerRealisation, Period
from .services import LineInput

SHEET = "Realisatie"
INFO_SHEET = "Over dit sjabloon"
HEADER = ["Buurtcode", "Buurt", "Financieringsstroom", "Periode", "Bedrag", "Toelichting"]


@dataclass
class Upload:
    rows: list[LineInput] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def write_template(output, *, period: Period, organisation,
                   realisation: PartnerRealisation | None = None) -> None:
    """Write the template for one partner and period to `output` (a path or a binary file),
    with what was entered so far filled in."""
    cooperative = period.budget_round.cooperative
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    formats = workbook_formats(workbook)
    sheet = workbook.add_worksheet(SHEET)
    hoods = list(Neighbourhood.objects.filter(cooperative=cooperative)
                 .in_year(period.budget_round.year).select_related("area")
                 .order_by("area__name", "code"))
    streams = list(FundingStream.objects.filter(cooperative=cooperative).order_by("code"))
    current = {}
    if realisation is not None and realisation.pk:
        current = {(ln.neighbourhood_id, ln.funding_stream_id): ln
                   for ln in realisation.lines.all()}
    sheet.write_row(0, 0, HEADER, formats["header"])
    row = 0
    for hood in hoods:
        for stream in streams:
            row += 1
            line = current.get((hood.pk, stream.pk))
            sheet.write_string(row, 0, hood.code, formats["locked"])
            sheet.write_string(row, 1, hood.name, formats["locked"])
            sheet.write_string(row, 2, stream.code, formats["choice"])
            sheet.write_string(row, 3, period.code, formats["locked"])
            if line is not None:
                sheet.write_number(row, 4, line.amount, formats["money"])
                sheet.write_string(row, 5, line.note, formats["text"])
            else:
                sheet.write_blank(row, 4, None, formats["money"])
                sheet.write_blank(row, 5, None, formats["text"])
    last = max(row, 1)
    sheet.data_validation(1, 2, last, 2, {
        "validate": "list", "source": [s.code for s in streams],
        "error_title": "Onbekende financieringsstroom",
        "error_message": "Kies een code uit de lijst (zie het blad 'Over dit sjabloon').",
    })
    sheet.data_validation(1, 4, last, 4, {
        "validate": "decimal", "criteria": "between", "minimum": -int(MAX_AMOUNT),
        "maximum": int(MAX_AMOUNT), "error_title": "Ongeldig bedrag",
        "error_message": "Vul een bedrag in euro's in, met hoogstens 2 decimalen. Een negatief "
                         "bedrag (terugbetaling) vraagt een toelichting.",
    })
    for col, width in enumerate((14, 28, 20, 10, 16, 50)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(HEADER) - 1)
    sheet.protect("", {"autofilter": True, "sort": False, "format_columns": True})
    _write_info_sheet(workbook, formats, period, organisation, streams)
    workbook.close()


def _write_info_sheet(workbook, formats, period: Period, organisation, streams) -> None:
    sheet = workbook.add_worksheet(INFO_SHEET)
    cooperative = period.budget_round.cooperative
    rows = [
        ("Coöperatie", cooperative.code, cooperative.name),
        ("Jaar", str(period.budget_round.year), ""),
        ("Partner", organisation.code, organisation.name),
        ("Periode", period.code, period.label),
        ("Gemaakt op", timezone.localtime().strftime("%d-%m-%Y %H:%M"), ""),
    ]
    sheet.write_row(0, 0, ["Gegeven", "Code", "Naam"], formats["header"])
    for i, values in enumerate(rows, start=1):
        sheet.write_row(i, 0, values)
    sheet.write(7, 0, f"Vul op het blad '{SHEET}' per buurt en financieringsstroom in wat u in "
                      f"{period.label} werkelijk heeft uitgegeven, in euro's (hoogstens 2 "
                      "decimalen). Een leeg bedrag betekent: geen regel. Een terugbetaling mag "
                      "negatief zijn, met een toelichting.")
    sheet.write_row(9, 0, ["Financieringsstroom", "Code", "Naam"], formats["header"])
    for i, stream in enumerate(streams, start=10):
        sheet.write_row(i, 0, [stream.get_law_display(), stream.code, stream.name])
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 40)


# --- reading an upload ------------------------------------------------------------------------


def read_upload(data: bytes, *, period: Period, organisation, filename: str = "") -> Upload:
    """Parse and validate a filled-in template for the partner's realisation of `period`;
    nothing is written here."""
    upload = Upload()
    try:
        book = ss.open_workbook(data, filename=filename)
        _check_info(book, period, organisation, upload)
        sheet = book.sheet(SHEET, columns=len(HEADER))
    except ss.Refused as exc:
        upload.errors += exc.messages
        return upload
    if sheet is None:
        upload.errors.append(_("Het blad '%(sheet)s' ontbreekt.") % {"sheet": SHEET})
        return upload
    problems = ss.header_problems(sheet, HEADER)
    if problems:
        upload.errors += problems
        return upload
    _read_rows(sheet, period, upload)
    return upload


def _check_info(book, period: Period, organisation, upload: Upload) -> None:
    """A template made for another partner, year or period is refused outright."""
    info = book.sheet(INFO_SHEET, columns=2)
    if info is None:
        return
    found = {}
    for row in info.body()[:6]:
        label, value = row.cells(2)
        found[ss.clean_code(label.shown())] = ss.clean_code(value.shown())
    expected = {"Coöperatie": period.budget_round.cooperative.code,
                "Jaar": str(period.budget_round.year), "Partner": organisation.code,
                "Periode": period.code}
    for label, value in expected.items():
        if label in found and found[label] != value:
            upload.errors.append(
                _("Dit sjabloon is gemaakt voor %(label)s '%(found)s', niet voor '%(value)s'.")
                % {"label": label.lower(), "found": found[label], "value": value})


def _read_rows(sheet, period: Period, upload: Upload) -> None:
    cooperative = period.budget_round.cooperative
    hoods = {h.code: h for h in Neighbourhood.objects.filter(cooperative=cooperative)
             .in_year(period.budget_round.year)}
    streams = {s.code: s for s in FundingStream.objects.filter(cooperative=cooperative)}
    statuses = {(p.kind, p.number): p for p in period.budget_round.periods.all()}
    seen: dict[tuple[str, str], int] = {}
    for row in sheet.body():
        if row.is_blank(len(HEADER)):
            continue
        line = _read_row(row, hoods, streams, statuses, period, seen, upload.errors)
        if line is not None:
            upload.rows.append(line)


def _read_row(row, hoods, streams, statuses, period, seen, errors) -> LineInput | None:
    before = len(errors)

    def error(column: str, message: str) -> None:
        errors.append(f"{ss.where(SHEET, row.number, column)}: {message}")

    code_cell, _name, stream_cell, period_cell, amount_cell, note_cell = row.cells(len(HEADER))
    code = stream_code = note = ""
    try:
        code = ss.read_code(code_cell)
    except ValueError as exc:
        error("Buurtcode", str(exc))
    try:
        stream_code = ss.read_code(stream_cell)
    except ValueError as exc:
        error("Financieringsstroom", str(exc))
    hood, stream = hoods.get(code), streams.get(stream_code)
    if len(errors) == before and hood is None:
        error("Buurtcode", _("onbekende buurtcode '%(code)s'.") % {"code": code})
    if len(errors) == before and stream is None:
        error("Financieringsstroom", _("onbekende financieringsstroom '%(code)s'.")
              % {"code": stream_code})
    _check_period(period_cell, statuses, period, error)
    try:
        amount = parse_amount(amount_cell, negative=True)
    except ValueError as exc:
        error("Bedrag", str(exc))
        amount = None
    try:
        note = ss.read_note(note_cell, max_length=NOTE_MAX)
    except ValueError as exc:
        error("Toelichting", str(exc))
    if amount is not None and amount < 0 and not note:
        error("Toelichting", _("een negatief bedrag (%(value)s, een terugbetaling of correctie) "
                               "vraagt een toelichting.") % {"value": amount_cell})
    if hood is not None and stream is not None:
        first = seen.setdefault((code, stream_code), row.number)
        if first != row.number:
            error("Buurtcode", _("buurt %(code)s met stroom %(stream)s staat ook al op rij "
                                 "%(first)s.") % {"code": code, "stream": stream_code,
                                                  "first": first})
    if len(errors) > before:
        return None
    return LineInput(hood, stream, amount, note)


def _check_period(cell, statuses, period: Period, error) -> None:
    """The row's period must be the one this upload is for (the template fills it in)."""
    try:
        text = cell.value if cell.kind == "date" else ss.read_code(cell)
    except ValueError as exc:
        error("Periode", str(exc))
        return
    ref = periods.parse_code(text)
    if ref is None:
        error("Periode", _("onbekende periode '%(value)s'; schrijf 2026-03 voor een maand of "
                           "2026-K1 voor een kwartaal.") % {"value": cell})
    elif ref.year != period.budget_round.year:
        error("Periode", _("de periode %(code)s ligt buiten de begrotingsronde %(year)s.")
              % {"code": ref.code, "year": period.budget_round.year})
    elif (ref.kind, ref.number) not in statuses:
        error("Periode", _("onbekende periode %(code)s: deze ronde is ingedeeld in %(kind)s.")
              % {"code": ref.code, "kind": period.get_kind_display()})
    elif statuses[ref.kind, ref.number].is_closed and ref != period.ref:
        error("Periode", _("de periode %(code)s is gesloten.") % {"code": ref.code})
    elif ref != period.ref:
        error("Periode", _("deze rij is voor %(code)s; dit bestand wordt ingelezen voor "
                           "%(period)s. Gebruik per periode een eigen sjabloon.")
              % {"code": ref.code, "period": period.code})
