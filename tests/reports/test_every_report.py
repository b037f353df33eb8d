"""Every report of every demo cooperative, for every year it has, read back as its readers see
it: the saved values (openpyxl data_only, what previews and pandas show) and LibreOffice with
its default settings (which does not recalculate an xlsx on opening). Every total equals the
ledger by the same dimensions, to the cent; every formula carries the value it computes;
statuses, kinds and fields are words; headers are tall enough for their text."""

import math
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.utils import translation
from openpyxl.utils import column_index_from_string, get_column_letter

from cooperatie.models import Cooperative
from reports.builders import FileReport, Scope, build, registry
from tests.reports.checks import Table, check_report, number, sheets_from_csv

DEMO = ("heerlen", "malberg", "tom")
LEDGER_REPORTS = ("pooled-budget", "allocation", "staff", "ledger", "realisation")
ABOUT = "Over dit rapport"


@dataclass
class Built:
    slug: str
    code: str
    year: int
    path: Path

    @cached_property
    def formulas(self):
        return openpyxl.load_workbook(self.path)

    @cached_property
    def values(self):
        """What previews, pandas and LibreOffice (default settings) show: the saved values."""
        return openpyxl.load_workbook(self.path, data_only=True)


@pytest.fixture(scope="module")
def every_report(django_db_setup, django_db_blocker, tmp_path_factory) -> list[Built]:
    """Every report of every demo cooperative, for each year it has, each read once."""
    folder = tmp_path_factory.mktemp("rapporten")
    built = []
    with django_db_blocker.unblock():
        for coop in Cooperative.objects.filter(code__in=DEMO).order_by("code"):
            for year in coop.budget_rounds.order_by("year").values_list("year", flat=True):
                for slug, report in registry().items():
                    if isinstance(report, FileReport):
                        continue  # not a workbook: tests/accounting reads those back
                    path = folder / f"{slug}-{coop.code}-{year}.xlsx"
                    build(slug, str(path), Scope(coop, year))
                    built.append(Built(slug, coop.code, year, path))
    return built


def test_every_total_equals_the_ledger_to_the_cent(every_report, db):
    checked = {}
    for report in every_report:
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                  for ws in report.values.worksheets}
        checked[(report.slug, report.code, report.year)] = check_report(
            report.slug, sheets, Cooperative.objects.get(code=report.code), report.year)
    years = {(r.code, r.year) for r in every_report}
    assert {c for c, _y in years} == set(DEMO) and len(years) >= 6
    for slug in LEDGER_REPORTS:  # each ledger report is checked in every cooperative-year
        assert all(checked[(slug, code, year)] > 0 for code, year in years), slug
    print(f"\n{len(every_report)} workbooks ({len(registry())} reports × {len(years)} "
          f"cooperative-years), {sum(checked.values())} totals compared with the ledger")


FORMULAS = [  # the formula shapes the reports write, evaluated on the saved values
    (re.compile(r"^=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)$"), "sum"),
    (re.compile(r"^=([A-Z]+\d+)-([A-Z]+\d+)$"), "minus"),
    (re.compile(r"^=([A-Z]+\d+)/([A-Z]+\d+)-1$"), "change"),
    (re.compile(r"^=([A-Z]+\d+)/([A-Z]+\d+)$"), "ratio"),
]


def _evaluate(formula: str, ws) -> Decimal | None:
    def value(ref):
        return number(ws[ref].value) or Decimal(0)

    for pattern, shape in FORMULAS:
        match = pattern.match(formula)
        if match is None:
            continue
        if shape == "sum":
            c1, r1, c2, r2 = match.groups()
            return sum((value(f"{get_column_letter(c)}{r}")
                        for c in range(column_index_from_string(c1), column_index_from_string(c2) + 1)
                        for r in range(int(r1), int(r2) + 1)), Decimal(0))
        a, b = (value(ref) for ref in match.groups())
        if shape == "ratio":
            return a / b
        return a - b if shape == "minus" else a / b - 1
    return None


def test_every_formula_carries_the_value_it_computes(every_report, db):
    """What Excel recalculates on opening equals what LibreOffice and previews show."""
    formulas = evaluated = 0
    for report in every_report:
        path, values = report.path, report.values
        for ws in report.formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    formulas += 1
                    saved = values[ws.title][cell.coordinate].value
                    where = f"{path.name} {ws.title}!{cell.coordinate} {cell.value}"
                    assert isinstance(saved, int | float), f"{where}: saved {saved!r}"
                    computed = _evaluate(cell.value, values[ws.title])
                    if computed is None:
                        continue
                    evaluated += 1
                    assert math.isclose(saved, computed, rel_tol=1e-12, abs_tol=0.005), where
    assert formulas > 400 and evaluated == formulas
    print(f"\n{formulas} formula cells, each with its saved value equal to what it computes")


def _codes() -> set[str]:
    """Every internal choice code whose Dutch label differs from it (`submitted`, `in_kind`…),
    unless it is some other choice's label too (`euro`)."""
    codes, labels = set(), set()
    with translation.override("nl"):
        for model in apps.get_models():
            for field in model._meta.get_fields():
                for value, label in getattr(field, "flatchoices", None) or []:
                    labels.add(str(label))
                    if isinstance(value, str) and value != str(label):
                        codes.add(value)
    return codes - labels


FREE_TEXT = {"Omschrijving", "Reden", "Overwegingen", "Wat het dekt", "Toelichting"}


def test_statuses_kinds_and_fields_are_words(every_report, db):
    codes = _codes()
    assert {"submitted", "draft", "in_kind", "adopted", "contribution"} <= codes
    arrow = re.compile(r"\b([a-z_]+)\s*→\s*([a-z_]+)\b")
    cells = 0
    for report in every_report:
        path = report.path
        for ws in report.values.worksheets:
            header = None
            for row in ws.iter_rows(values_only=True):
                if header is None and sum(c is not None for c in row) > 1:
                    header = row
                    continue
                for i, value in enumerate(row):
                    if not isinstance(value, str):
                        continue
                    cells += 1
                    where = f"{path.name} {ws.title}: {value!r}"
                    assert value.strip() not in codes, where
                    assert not any(a in codes or b in codes for a, b in arrow.findall(value)), where
                    column = header[i] if header and i < len(header) else None
                    if column not in FREE_TEXT:  # what people wrote is quoted as they wrote it
                        assert not re.search(r"#\d", value), where
    print(f"\n{cells} text cells read: no internal code among them")


def test_the_audit_trail_reads_as_a_person_would_write_it(every_report, db):
    report = next(r for r in every_report if (r.slug, r.code, r.year) == ("audit", "tom", 2026))
    ws = report.formulas["Audittrail"]
    rows = list(ws.iter_rows(min_row=2))
    when = rows[0][0]
    assert when.is_date and when.number_format == "dd-mm-yyyy hh:mm"
    lines = [r for r in rows if r[2].value == "Begrotingsregel" and r[5].value == "bedrag"
             and r[7].value is not None]
    assert lines and all(isinstance(r[7].value, float) and "€" in r[7].number_format
                         for r in lines)
    assert any(" × " in r[3].value and ", " in r[3].value for r in lines)  # "Buurt × stroom, partner"
    statuses = [(r[6].value, r[7].value) for r in rows if r[2].value == "Begroting"
                and r[5].value == "status" and r[4].value == "gewijzigd"]
    assert ("concept", "ingediend") in statuses or ("ingediend", "concept") in statuses


def test_headers_are_tall_enough_and_the_about_sheet_prints_on_one_page(every_report, db):
    fixed = sheets = 0
    for report in every_report:
        path, wb = report.path, report.formulas
        about = wb[ABOUT]
        assert about.page_setup.paperSize == 9 and about.page_setup.orientation == "portrait"
        assert about.sheet_properties.pageSetUpPr.fitToPage
        setup = about.page_setup  # 1 × 1 page: the default of both, when fitting to page
        assert (setup.fitToWidth or 1, setup.fitToHeight or 1) == (1, 1)
        assert about.print_area
        for ws in wb.worksheets:
            if ws.title in (ABOUT, "Grafiek"):
                continue
            sheets += 1
            top = Table([list(r) for r in ws.iter_rows(max_row=4, values_only=True)])
            header_row = next(r for r in range(1, 5)
                              if [c.value for c in ws[r]][:2] == top.header[:2])
            widths = {c: d.width for d in ws.column_dimensions.values()
                      for c in range(d.min, d.max + 1)}  # a <col> may span columns
            need = max(math.ceil(len(h) / widths[i + 1]) for i, h in enumerate(top.header) if h)
            height = ws.row_dimensions[header_row].height
            assert need == 1 or (height or 15) >= need * 15, f"{path.name} {ws.title}"
            fixed += bool(height)
            assert ws.freeze_panes == f"A{header_row + 1}"
            assert ws.print_title_rows, f"{path.name} {ws.title}: header on every printed page"
    print(f"\n{sheets} table sheets, {fixed} with a header row raised for wrapped headers")


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_with_default_settings_shows_the_same_totals(every_report, db, tmp_path):
    """All workbooks in one headless conversion (a fresh profile, default settings) to CSV,
    every sheet; then the same checks against the ledger as on the saved values."""
    out = tmp_path / "csv"
    csv_all_sheets = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", csv_all_sheets, "--outdir", str(out),
         *[str(r.path) for r in every_report]],
        check=True, capture_output=True, timeout=900, env={**os.environ, "HOME": str(tmp_path)})
    compared = 0
    for report in every_report:
        sheets = sheets_from_csv(out, report.path.stem, report.values.sheetnames)
        assert ABOUT in sheets, f"LibreOffice did not convert {report.path.name}"
        compared += check_report(report.slug, sheets, Cooperative.objects.get(code=report.code),
                                 report.year)
    assert compared > 0
    print(f"\nLibreOffice: {len(every_report)} workbooks, {compared} totals equal to the ledger")

