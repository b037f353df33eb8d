"""Measurements by Excel: the template, a good upload, and every error of a bad one."""

import io
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cooperatie.evaluation import excel
from cooperatie.evaluation.models import Measurement
from cooperatie.evaluation.selectors import scope_from_key, scorecard
from tests.conftest import login

D = Decimal
HEADER = [h for _k, h in excel.COLUMNS]


def template(tom, year=2026, period="Q4") -> bytes:
    return excel.template_workbook(tom, year, period)


def fill(data: bytes, values: dict, extra_rows=(), edit=None) -> bytes:
    """values: {(indicator code, scope code): {header: value}}; extra_rows: lists of cells."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[3].value or "")
        for header, value in values.get(key, {}).items():
            row[HEADER.index(header)].value = value
    for extra in extra_rows:
        ws.append(list(extra))
    if edit:
        edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(tom, user, data: bytes, **kwargs):
    return excel.upload_measurements(cooperative=tom, file=io.BytesIO(data), actor=user,
                                     reason="upload", **kwargs)


def errors_of(tom, user, data: bytes) -> list[str]:
    before = Measurement.objects.count()
    with pytest.raises(excel.UploadError) as exc:
        upload(tom, user, data)
    assert Measurement.objects.count() == before, "nothing may be saved"
    return exc.value.lines


def test_template_has_a_row_per_indicator_and_scope(tom):
    wb = openpyxl.load_workbook(io.BytesIO(template(tom)))
    assert wb.sheetnames == ["Metingen", "Indicatoren", "Niveaus", "Toelichting"]
    ws = wb["Metingen"]
    assert [c.value for c in ws[1]] == HEADER
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    # 5 measured indicators (the 2 cost indicators are derived) × (cooperative + 3 teams)
    assert len(rows) == 5 * 4
    assert rows[0][:7] == ("TEVREDEN", "Cliënttevredenheid", "coöperatie", None,
                           "Tom in de buurt", 2026, "K4")
    assert {r[0] for r in rows} == {"TEVREDEN", "BEREIK", "ZELFREDZAAM", "MEDEWERKERS",
                                    "VERZUIM"}
    assert all(r[7] is None for r in rows), "the template never carries values"
    codes = {r[1] for r in wb["Niveaus"].iter_rows(min_row=2, values_only=True)}
    assert {"NOORD", "BU04840101", "TOM-Z"} <= codes


def test_upload_of_the_filled_template_appears_on_the_scorecard(tom, board):
    data = fill(template(tom), {
        ("TEVREDEN", ""): {"Waarde": 8.4, "Aantal respondenten": 240},
        ("TEVREDEN", "TOM-N"): {"Waarde": "8,2", "Aantal respondenten": 130},
        ("ZELFREDZAAM", ""): {"Verbeterd": 100, "Stabiel": 56, "Achteruit": 44},
        ("VERZUIM", ""): {"Waarde": "4,8%", "Toelichting": "na verzuimaanpak"},
    }, extra_rows=[["MEDEWERKERS", None, "gebied", "zuid", None, 2026, "H2", 7.8, 33]])
    result = upload(tom, board, data)
    assert result.saved and result.count == 5
    m = Measurement.objects.get(indicator__cooperative=tom, indicator__code="VERZUIM",
                                year=2026, period="Q4")
    assert m.value == D("4.8") and m.note == "na verzuimaanpak"
    record = m.history.get()
    assert record.history_user == board and record.history_change_reason == "upload"
    rows = {r.indicator.code: r for r in scorecard(tom, 2026).rows}
    assert rows["TEVREDEN"].value == D("8.4") and rows["TEVREDEN"].period == "2026 K4"
    assert rows["ZELFREDZAAM"].value == D("78.0000")  # 156 / 200
    assert rows["VERZUIM"].status == "met"
    area = {r.indicator.code: r for r in scorecard(tom, 2026, scope_from_key(tom, "area:ZUID"))
            .rows}
    assert area["MEDEWERKERS"].value == D("7.8") and area["MEDEWERKERS"].period == "2026 H2"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_measurements_saved_as_ods_by_libreoffice_are_read_alike(tom, board, tmp_path):
    """A quality officer who works in LibreOffice: the filled template saved as .ods."""
    source = tmp_path / "metingen.xlsx"
    source.write_bytes(fill(template(tom), {
        ("TEVREDEN", ""): {"Waarde": 8.4, "Aantal respondenten": 240},
        ("TEVREDEN", "TOM-N"): {"Waarde": "8,2", "Aantal respondenten": 130},
        ("VERZUIM", ""): {"Waarde": "4,8", "Toelichting": "na verzuimaanpak"}}))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "ods", "--outdir",
                    str(tmp_path), str(source)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(tmp_path)})
    result = upload(tom, board, (tmp_path / "metingen.ods").read_bytes())
    assert result.saved and result.count == 3
    saved = {(m.indicator.code, m.team.code if m.team else ""): (m.value, m.respondents)
             for m in Measurement.objects.filter(indicator__cooperative=tom, year=2026,
                                                 period="Q4")}
    assert saved[("TEVREDEN", "")] == (D("8.4"), 240)
    assert saved[("TEVREDEN", "TOM-N")] == (D("8.2"), 130)
    assert saved[("VERZUIM", "")][0] == D("4.8")


def test_every_error_is_listed_with_sheet_row_and_column(tom, board, satisfaction):
    # template rows: per indicator the cooperative, then Tom Boskoop (B), Noord (N), Zuid (Z)
    data = fill(template(tom), {
        ("TEVREDEN", ""): {"Waarde": 11, "Aantal respondenten": 50},                  # row 2
        ("TEVREDEN", "TOM-N"): {"Waarde": 8.1},                                       # row 4
        ("BEREIK", ""): {"Waarde": "acht", "Aantal respondenten": 10},                # row 6
        ("ZELFREDZAAM", ""): {"Verbeterd": 30, "Stabiel": 30, "Achteruit": 20,
                              "Aantal respondenten": 90},                             # row 10
        ("ZELFREDZAAM", "TOM-N"): {"Verbeterd": -3, "Stabiel": 1, "Achteruit": 1},    # row 12
        ("VERZUIM", ""): {"Waarde": 140},                                             # row 18
    }, extra_rows=[
        ["TEVREDEN", None, "team", "SBT01", None, 2026, "K4", 8, 20],        # row 22: heerlen's
        ["TEVREDEN", None, "coöperatie", None, None, 2023, "K4", 8, 20],     # row 23: year
        ["TEVREDEN", None, "coöperatie", None, None, 2026, "H1", 8, 20],     # row 24: exists
        ["KOSTEN", None, "coöperatie", None, None, 2026, "jaar", 80, None],  # row 25: derived
        ["ONBEKEND", None, "wijk", "BU04840101", None, 2026, "maand", 8, 9],  # row 26
        ["VERZUIM", None, "coöperatie", None, None, 2026, "K4", 5, None],    # row 27: twice
    ])
    lines = errors_of(tom, board, data)
    expected = [
        "Blad Metingen, rij 2, kolom H (Waarde): Een score ligt tussen 1 en 10; 11 kan niet.",
        "Blad Metingen, rij 4, kolom I (Aantal respondenten): Vul het aantal respondenten in",
        "Blad Metingen, rij 6, kolom H (Waarde): 'acht' is geen getal.",
        "Blad Metingen, rij 10, kolom I (Aantal respondenten): De aantallen tellen niet op: "
        "verbeterd 30 + stabiel 30 + achteruit 20 = 80, maar het totaal is 90.",
        "Blad Metingen, rij 12, kolom J (Verbeterd): Een aantal kan niet negatief zijn (-3).",
        "Blad Metingen, rij 18, kolom H (Waarde): Een percentage ligt tussen 0 en 100; 140 "
        "kan niet.",
        "Blad Metingen, rij 22, kolom D (Code niveau): Geen team met code 'SBT01' in deze "
        "coöperatie",
        "Blad Metingen, rij 23, kolom F (Jaar): Het jaar 2023 valt buiten de looptijd",
        "Blad Metingen, rij 24, kolom G (Periode): Er is al een meting van 'Cliënttevredenheid' "
        "voor Tom in de buurt in 2026 H1.",
        "Blad Metingen, rij 25, kolom A (Indicator): 'Kosten per inwoner' wordt berekend",
        "Blad Metingen, rij 26, kolom A (Indicator): Onbekende indicator 'ONBEKEND'",
        "Blad Metingen, rij 26, kolom G (Periode): Kies jaar, H1, H2, K1, K2, K3 of K4 "
        "(niet 'maand').",
        "Blad Metingen, rij 27, kolom G (Periode): Dezelfde indicator, hetzelfde niveau en "
        "dezelfde periode staan ook in rij 18.",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, lines)
    assert len(lines) == len(expected), lines


@pytest.mark.parametrize("data,message", [
    (b"dit is geen excel", "Dit is geen geldig bestand: alleen een Excel-werkmap (.xlsx) of "
                           "een LibreOffice-rekenblad (.ods), zoals het sjabloon, kan worden "
                           "ingelezen. Dit bestand is dat niet, of het is beschadigd."),
    (b"", "Het bestand is leeg."),
])
def test_not_a_workbook(tom, board, data, message):
    assert errors_of(tom, board, data) == [message]


def _row_of(data, code) -> int:
    ws = openpyxl.load_workbook(io.BytesIO(data))[excel.SHEET]
    return next(r[0].row for r in ws.iter_rows(min_row=2) if (r[0].value, r[3].value) == (
        code, None))


def test_a_percentage_typed_with_a_percent_sign_is_stored_as_typed(tom, board):
    """"4,5%" in a cell is saved by the spreadsheet as 0.045 shown as a percentage: 4.5."""
    data = template(tom)
    row = _row_of(data, "VERZUIM")

    def percent(book):
        book[excel.SHEET][f"H{row}"].number_format = "0.0%"
    data = fill(data, {("VERZUIM", ""): {"Waarde": 0.045}}, edit=percent)
    assert upload(tom, board, data).saved
    m = Measurement.objects.get(indicator__cooperative=tom, indicator__code="VERZUIM",
                                year=2026, period="Q4", team=None, area=None,
                                neighbourhood=None)
    assert m.value == D("4.5")


def test_formulas_count_with_their_saved_result_and_without_one_are_refused(tom, board):
    from tests.budgets.xlsx import saved_results

    data = template(tom)
    row = _row_of(data, "TEVREDEN")
    data = fill(data, {("TEVREDEN", ""): {"Waarde": "=(8+8.2)/2", "Aantal respondenten": 80}})
    assert errors_of(tom, board, data) == [
        f"Blad Metingen, rij {row}, kolom H (Waarde): '=(8+8.2)/2' is een formule die zonder "
        "uitkomst is opgeslagen (wij rekenen formules niet zelf uit). Open het bestand in Excel "
        "of LibreOffice en sla het opnieuw op, of vul de waarde zelf in."]
    data = saved_results(data, "xl/worksheets/sheet1.xml", {f"H{row}": 8.1})
    assert upload(tom, board, data).saved
    assert Measurement.objects.get(indicator__cooperative=tom, indicator__code="TEVREDEN",
                                   year=2026, period="Q4", team=None).value == D("8.1")


def test_missing_sheet_and_columns(tom, board):
    wb = openpyxl.Workbook()
    wb.active.title = "Begroting"
    out = io.BytesIO()
    wb.save(out)
    assert "Het blad 'Metingen' ontbreekt" in errors_of(tom, board, out.getvalue())[0]

    def drop_column(book):
        book[excel.SHEET].delete_cols(8)  # Waarde
    lines = errors_of(tom, board, fill(template(tom), {}, edit=drop_column))
    assert lines == ["Blad Metingen, rij 1: Deze kolommen ontbreken in de kopregel: Waarde."]


def test_an_unfilled_template_is_not_silently_accepted(tom, board):
    assert "Er staat geen enkele meting in" in errors_of(tom, board, template(tom))[0]


def test_dry_run_checks_and_saves_nothing(tom, board):
    data = fill(template(tom), {("TEVREDEN", ""): {"Waarde": 8.4, "Aantal respondenten": 240}})
    before = Measurement.objects.count()
    result = upload(tom, board, data, dry_run=True)
    assert result.count == 1 and not result.saved
    assert Measurement.objects.count() == before


def test_upload_needs_the_right_to_enter(tom, users):
    data = fill(template(tom), {("TEVREDEN", ""): {"Waarde": 8.4, "Aantal respondenten": 240}})
    with pytest.raises(PermissionDenied):
        upload(tom, users["tom-directeur"], data)


# --- through the pages ------------------------------------------------------------------------


def test_template_download_and_upload_by_web(client, tom):
    login(client, "tom-beheerder")
    response = client.get(reverse("evaluation:template", args=["tom"]) + "?jaar=2026&periode=H2")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="metingen-tom-2026-H2.xlsx"')
    data = fill(response.content, {("BEREIK", ""): {"Waarde": "8,3",
                                                    "Aantal respondenten": 199}})
    page = client.post(reverse("evaluation:upload", args=["tom"]), {
        "file": SimpleUploadedFile("metingen.xlsx", data), "reason": "tweede halfjaar"},
        follow=True).content.decode()
    assert "1 metingen opgeslagen." in page
    m = Measurement.objects.get(indicator__cooperative=tom, indicator__code="BEREIK",
                                year=2026, period="H2")
    assert m.value == D("8.3") and m.history.get().history_change_reason == "tweede halfjaar"
    scorecard_page = client.get(reverse("evaluation:scorecard", args=["tom"])).content.decode()
    assert "2026 H2 · n = 199" in scorecard_page


def test_bad_upload_by_web_lists_the_errors(client, tom):
    login(client, "tom-voorzitter")
    data = fill(template(tom), {("TEVREDEN", ""): {"Waarde": 11, "Aantal respondenten": 50},
                                ("VERZUIM", ""): {"Waarde": 140}})
    before = Measurement.objects.count()
    response = client.post(reverse("evaluation:upload", args=["tom"]),
                           {"file": SimpleUploadedFile("m.xlsx", data)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "er is niets opgeslagen. Er zijn 2 fouten:" in page
    assert "Blad Metingen, rij 2, kolom H (Waarde): Een score ligt tussen 1 en 10" in page
    assert Measurement.objects.count() == before


def test_too_large_upload_is_refused(client, tom, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    login(client, "tom-voorzitter")
    data = fill(template(tom), {("TEVREDEN", ""): {"Waarde": 8, "Aantal respondenten": 50}})
    page = client.post(reverse("evaluation:upload", args=["tom"]),
                       {"file": SimpleUploadedFile("m.xlsx", data)}).content.decode()
    assert "Het bestand is groter dan" in page
