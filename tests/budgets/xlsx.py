"""Make and fill budget workbooks the way a director would in Excel."""

import io
import re

import openpyxl

from budgets import excel


def template_bytes(budget) -> bytes:
    out = io.BytesIO()
    excel.write_template(out, budget_round=budget.budget_round, organisation=budget.organisation,
                         budget=budget)
    return out.getvalue()


def saved_results(data: bytes, sheet_part: str, results: dict[str, object]) -> bytes:
    """Give formula cells (by reference) the result a spreadsheet program saves with them;
    openpyxl saves formulas without one."""
    from tests.spreadsheets.files import parts_of, zip_parts

    parts = parts_of(data)
    xml = parts[sheet_part].decode()
    for ref, value in results.items():
        text = ' t="str"' if isinstance(value, str) else ""
        xml = re.sub(rf'<c r="{ref}"([^>]*)>\s*(<f>[^<]*</f>)\s*(<v\s*/>|<v>[^<]*</v>)?',
                     rf'<c r="{ref}"\g<1>{text}>\g<2><v>{value}</v>', xml, count=1)
    parts[sheet_part] = xml.encode()
    return zip_parts(parts)


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
