"""Make and fill realisation workbooks the way a partner would in Excel."""

import io

import openpyxl

from budgets.realisation import excel


def template_bytes(period, organisation, realisation=None) -> bytes:
    out = io.BytesIO()
    excel.write_template(out, period=period, organisation=organisation, realisation=realisation)
    return out.getvalue()


def fill(data: bytes, values: dict[tuple[str, str], object], *, notes=None, extra_rows=(),
         edit=None) -> bytes:
    """Set Bedrag (and Toelichting) for (Buurtcode, Financieringsstroom) rows."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    notes = notes or {}
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        if key in values:
            row[4].value = values[key]
        if key in notes:
            row[5].value = notes[key]
    for extra in extra_rows:
        ws.append(list(extra))
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
