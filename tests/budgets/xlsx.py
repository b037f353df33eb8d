"""Make and fill budget workbooks the way a director would in Excel."""

import io

import openpyxl

from budgets import excel


def template_bytes(budget) -> bytes:
    out = io.BytesIO()
    excel.write_template(out, budget_round=budget.budget_round, organisation=budget.organisation,
                         budget=budget)
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
            row[3].value = values[key]
        if key in notes:
            row[4].value = notes[key]
            row[4].data_type = "s"  # text, even when it starts with "="
    for extra in extra_rows:
        ws.append(list(extra))
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
