"""The hostile files of issue 20 items 1–6 against every upload: the budget template (web
upload and import_budget) and the measurements (web upload). Each is refused whole with a
Dutch message and nothing changes in the database. (Times and memory are measured by
`python -m bench.hostile_uploads`, not asserted here.)"""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from budgets import excel as budget_excel
from budgets.models import BudgetLine, LedgerEntry, PartnerBudget
from cooperatie.evaluation import excel as measurement_excel
from cooperatie.evaluation.models import Measurement
from partners.excel import COLUMNS as INZET_COLUMNS
from partners.models import StaffCommitment
from tests.conftest import login
from tests.spreadsheets import files

NOT_VALID = "Dit is geen geldig bestand"
BOMB = "uitgepakt is het veel groter"
MACROS = "Dit bestand bevat macro's"


def hostile(sheet: str, header: list[str]) -> dict[str, tuple]:
    """name → (make(template) → bytes, what the message says)."""
    return {
        "memory blow-up (A1:XFD60000, 60.000 one-cell rows)": (
            lambda t: files.huge_dimension(t, sheet, header, rows=60_000),
            "heeft meer dan 50.000 rijen"),
        "zip bomb (2 million shared strings)": (files.string_bomb, BOMB),
        "external entity in a sheet": (lambda t: files.xxe_in_sheet(t, sheet), NOT_VALID),
        "external entity in the shared strings": (files.xxe_in_strings, NOT_VALID),
        "billion laughs": (lambda t: files.billion_laughs(t, sheet), NOT_VALID),
        "NUL byte": (lambda t: files.nul_byte(t, sheet), NOT_VALID),
        ".xlsm with macros": (files.with_macros, MACROS),
    }


def budget_template(budget) -> bytes:
    out = io.BytesIO()
    budget_excel.write_template(out, budget_round=budget.budget_round,
                                organisation=budget.organisation,
                                budget=budget if budget.pk else None)
    return out.getvalue()


def database_state():
    return (BudgetLine.objects.count(), PartnerBudget.objects.count(),
            StaffCommitment.objects.count(), LedgerEntry.objects.count(),
            Measurement.objects.count())


BUDGET_FILES = {**hostile("Begroting", budget_excel.HEADER),
                **{f"Inzet: {k}": v for k, v in hostile("Inzet", INZET_COLUMNS).items()
                   if "memory" in k or "entity in a sheet" in k}}


@pytest.mark.parametrize("name", list(BUDGET_FILES))
def test_budget_upload_refuses_hostile_files(db, client, name, tmp_path, settings):
    from budgets import services
    from partners.models import Organisation

    settings.DATA_DIR = tmp_path
    make, message = BUDGET_FILES[name]
    login(client, "tom-directeur")
    budget = services.budget_find(budget_round=director_round(), actor=director_user(),
                                  organisation=Organisation.objects.get(code="tom-welzijn"))
    data = make(budget_template(budget))
    before = database_state()
    response = client.post(reverse("budget_upload", args=["tom"]),
                           {"file": SimpleUploadedFile("begroting.xlsx", data)})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page and "er is niets gewijzigd" in page
    assert database_state() == before
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())

    path = tmp_path / "begroting.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_budget", "--cooperative", "tom", "--year", "2026", "--partner",
                     "tom-welzijn", "--dry-run", str(path))
    with pytest.raises(CommandError, match=message):
        call_command("import_budget", "--cooperative", "tom", "--year", "2026", "--partner",
                     "tom-welzijn", str(path))
    assert database_state() == before


def director_round():
    from budgets.models import BudgetRound

    return BudgetRound.objects.get(cooperative__code="tom", year=2026)


def director_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="tom-directeur")


MEASUREMENT_FILES = hostile("Metingen", [h for _k, h in measurement_excel.COLUMNS])


@pytest.mark.parametrize("name", list(MEASUREMENT_FILES))
def test_measurement_upload_refuses_hostile_files(client, tom, name):
    make, message = MEASUREMENT_FILES[name]
    login(client, "tom-voorzitter")
    data = make(measurement_excel.template_workbook(tom, 2026, "Y"))
    before = database_state()
    for dry_run in (True, False):
        response = client.post(reverse("evaluation:upload", args=["tom"]), {
            "file": SimpleUploadedFile("metingen.xlsx", data), "dry_run": dry_run or ""})
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert message in page and "er is niets opgeslagen" in page
    assert database_state() == before


def test_rows_past_the_declared_dimension_are_read(client, tmp_path, settings, tom):
    """Issue 20 item 4: <dimension ref="A1:E2"/> and a change in row 3 is in the preview."""
    from budgets import services
    from budgets.models import FundingStream
    from cooperatie.models import Neighbourhood
    from partners.models import Organisation

    settings.DATA_DIR = tmp_path
    login(client, "tom-directeur")
    budget = services.budget_find(budget_round=director_round(), actor=director_user(),
                                  organisation=Organisation.objects.get(code="tom-welzijn"))
    hood = Neighbourhood.objects.filter(cooperative=tom).order_by("code").first()
    stream = FundingStream.objects.filter(cooperative=tom).order_by("code")[1]
    head = "".join(f'<c r="{"ABCDE"[i]}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for i, h in enumerate(budget_excel.HEADER))
    row3 = (f'<row r="3"><c r="A3" t="inlineStr"><is><t>{hood.code}</t></is></c>'
            f'<c r="C3" t="inlineStr"><is><t>{stream.code}</t></is></c>'
            '<c r="D3"><v>777.77</v></c></row>')
    data = files.with_sheet(budget_template(budget), "Begroting", files.sheet_xml(
        f'<row r="1">{head}</row>{row3}', dimension="A1:E2"))
    response = client.post(reverse("budget_upload", args=["tom"]),
                           {"file": SimpleUploadedFile("begroting.xlsx", data)}, follow=True)
    assert response.status_code == 200, response.content.decode()
    assert "€\xa0777,77" in response.content.decode()


def test_bidi_override_in_a_note_is_refused_and_zero_width_stripped_from_codes(client, tom):
    login(client, "tom-voorzitter")
    from tests.evaluation.test_excel import fill

    data = fill(measurement_excel.template_workbook(tom, 2026, "Y"), {
        ("TEVREDEN", ""): {"Waarde": 8, "Aantal respondenten": 40,
                           "Toelichting": "klopt \u202egeen\u202c"}},
        edit=lambda wb: setattr(wb["Metingen"]["A2"], "value", "TEVREDEN\u200b"))
    before = database_state()
    page = client.post(reverse("evaluation:upload", args=["tom"]),
                       {"file": SimpleUploadedFile("m.xlsx", data)}).content.decode()
    assert "kolom M (Toelichting): bevat een onzichtbaar teken dat de leesrichting" in page
    assert "Onbekende indicator" not in page
    assert database_state() == before
