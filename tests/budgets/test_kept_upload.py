"""The upload kept between its preview and the confirmation (issue 18): confirming imports
what the preview read, without reading the workbook again, once; a token or checksum that is
not the user's latest upload for this budget is refused and nothing is written."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgets import excel, services, uploads
from budgets.models import BudgetLine
from tests.budgets.test_views import url
from tests.budgets.xlsx import fill, template_bytes
from tests.conftest import login


@pytest.fixture
def isolated_uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "uploads"


def _preview(client, data):
    """Upload (POST), then the preview (GET) it redirects to; the confirmation form's fields."""
    response = client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)})
    assert response.status_code == 302 and "controleren" in response.url
    page = client.get(response.url)
    assert page.status_code == 200
    form = dict(re.findall(r'name="(token|checksum)" value="([^"]*)"', page.content.decode()))
    assert set(form) == {"token", "checksum"}
    return page, form


def _all_cells(draft, hoods, streams, amount="10,00"):
    return fill(template_bytes(draft), {(h.code, s.code): amount for h in hoods for s in streams})


def test_confirm_imports_what_the_preview_read_without_reading_the_workbook_again(
        client, draft, hoods, streams, users, isolated_uploads, monkeypatch):
    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "2.500,10",
                                        (hoods[1].code, streams[1].code): "=10*3"})
    data = _with_result(data, hoods, streams)
    page, form = _preview(client, data)
    assert form["checksum"] == uploads.checksum(data)
    assert not BudgetLine.objects.filter(budget=draft).exists()  # the preview writes nothing

    def not_again(*args, **kwargs):
        raise AssertionError("the workbook was read again")

    monkeypatch.setattr(excel, "read_upload", not_again)
    response = client.post(url("budget_upload_confirm"), form, follow=True)
    assert "Ingelezen: 2 wijziging(en)." in response.content.decode()
    amounts = {(ln.neighbourhood_id, ln.funding_stream_id): ln.amount
               for ln in draft.lines.all()}
    assert amounts == {(hoods[0].pk, streams[0].pk): Decimal("2500.10"),
                       (hoods[1].pk, streams[1].pk): Decimal("30.00")}
    assert list(isolated_uploads.iterdir()) == []  # taken, not left on the server


def _with_result(data, hoods, streams):
    """The formula cell's saved result, as Excel saves it (openpyxl saves none)."""
    from tests.budgets.xlsx import saved_results

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    ref = next(f"D{row[0].row}" for row in ws.iter_rows(min_row=2)
               if (row[0].value, row[2].value) == (hoods[1].code, streams[1].code))
    return saved_results(data, "xl/worksheets/sheet1.xml", {ref: 30})


def test_a_second_confirm_writes_nothing_twice(client, draft, hoods, streams, users,
                                               isolated_uploads):
    login(client, "tom-directeur")
    _page, form = _preview(client, fill(template_bytes(draft),
                                        {(hoods[0].code, streams[0].code): 10}))
    client.post(url("budget_upload_confirm"), form)
    draft.refresh_from_db()
    version = draft.version
    again = client.post(url("budget_upload_confirm"), form, follow=True)
    assert "verlopen" in again.content.decode()
    assert draft.lines.count() == 1
    assert BudgetLine.history.filter(budget_id=draft.pk).count() == 1
    draft.refresh_from_db()
    assert draft.version == version


def test_two_confirmations_racing_take_the_upload_once(client, draft, hoods, streams, users,
                                                      isolated_uploads):
    """Two tabs confirming at once: both pass the session check, only one takes the upload."""
    login(client, "tom-directeur")
    _page, form = _preview(client, fill(template_bytes(draft),
                                        {(hoods[0].code, streams[0].code): 10}))
    director = users["tom-directeur"]
    first = uploads.take(form["token"], budget=draft, actor=director, checksum=form["checksum"])
    assert len(first.upload.rows) == len(hoods) * len(streams)
    with pytest.raises(uploads.NotKept, match="verlopen"):
        uploads.take(form["token"], budget=draft, actor=director, checksum=form["checksum"])


@pytest.mark.parametrize("tamper", ["token", "checksum"])
def test_a_tampered_token_or_checksum_is_refused(client, draft, hoods, streams, users,
                                                 isolated_uploads, tamper):
    login(client, "tom-directeur")
    _page, form = _preview(client, fill(template_bytes(draft),
                                        {(hoods[0].code, streams[0].code): 10}))
    bad = dict(form, **{tamper: form[tamper][:-2] + ("AA" if form[tamper][-2:] != "AA"
                                                     else "BB")})
    response = client.post(url("budget_upload_confirm"), bad, follow=True)
    assert "hoort niet bij uw laatste upload" in response.content.decode()
    assert not draft.lines.exists()
    # the real confirmation still works: a refused attempt takes nothing away
    response = client.post(url("budget_upload_confirm"), form, follow=True)
    assert "Ingelezen: 1 wijziging(en)." in response.content.decode()


def test_another_users_token_is_refused_and_left_alone(client, draft, hoods, streams, users,
                                                       isolated_uploads):
    login(client, "tom-directeur")
    _page, form = _preview(client, fill(template_bytes(draft),
                                        {(hoods[0].code, streams[0].code): 10}))
    other = login(Client(), "tom-directeur2")  # a director of another partner, own upload
    own = b"".join(other.get(url("budget_template")).streaming_content)
    other.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", own)})
    response = other.post(url("budget_upload_confirm"), form, follow=True)
    assert "hoort niet bij uw laatste upload" in response.content.decode()
    # the service refuses it too, whoever asks: the kept record names its user and budget
    with pytest.raises(uploads.NotKept, match="hoort niet bij"):
        uploads.peek(form["token"], budget=draft, actor=users["tom-directeur2"])
    assert not draft.lines.exists()
    assert "Ingelezen: 1 wijziging(en)." in client.post(
        url("budget_upload_confirm"), form, follow=True).content.decode()


def test_a_stale_preview_is_refused_and_says_so(client, draft, hoods, streams, users,
                                                isolated_uploads):
    login(client, "tom-directeur")
    page, form = _preview(client, fill(template_bytes(draft),
                                       {(hoods[0].code, streams[0].code): 10}))
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[1], streams[0], Decimal("5.00"))],
        expected_version=draft.version, actor=users["tom-directeur"], reason="op het scherm")
    reload = client.get(page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"],
                        follow=True)
    assert "intussen gewijzigd" in reload.content.decode()
    response = client.post(url("budget_upload_confirm"), form, follow=True)
    assert "intussen gewijzigd; er is niets ingelezen" in response.content.decode()
    assert list(draft.lines.values_list("neighbourhood", "amount")) == [
        (hoods[1].pk, Decimal("5.00"))]


def test_preview_is_a_summary_with_every_change_downloadable(client, draft, hoods, streams,
                                                             users, isolated_uploads,
                                                             django_assert_max_num_queries,
                                                             monkeypatch):
    monkeypatch.setattr(uploads, "PREVIEW_CHANGES", 5)  # tom has 18 cells
    login(client, "tom-directeur")
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[0], streams[0], Decimal("100.00"))],
        expected_version=draft.version, actor=users["tom-directeur"], reason="begin")
    cells = len(hoods) * len(streams)
    assert cells > uploads.PREVIEW_CHANGES
    page, form = _preview(client, _all_cells(draft, hoods, streams))
    html = page.content.decode()
    assert f"Het bestand wijzigt {cells} begrotingsregels" in html
    assert f'Nieuwe regels</dt><dd class="num">{cells - 1}<' in html
    assert 'Gewijzigde regels</dt><dd class="num">1<' in html
    total = Decimal("10.00") * cells
    assert f"Totaal na opslaan</dt><dd class=\"num\">€\xa0{total:,.2f}".replace(",", "X") \
        .replace(".", ",").replace("X", ".") in html
    assert html.count('<td class="num">€\xa010,00</td>') == uploads.PREVIEW_CHANGES
    assert f"Download alle {cells} wijzigingen (Excel)" in html

    download = client.get(url("budget_upload_changes") + "?jaar=2026&org=tom-welzijn")
    assert download.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == cells
    first = next(r for r in rows if (r[0], r[2]) == (hoods[0].code, streams[0].code))
    assert first[3:5] == (100, 10)
    assert not BudgetLine.history.filter(budget_id=draft.pk, history_change_reason__contains=
                                         "Excel").exists()  # downloads and previews write nothing

    # the confirmation's queries (session, staff sheet, budget, lines as plain rows a few
    # hundred per statement) do not grow with the lines; 47 for these 18
    with django_assert_max_num_queries(50):
        client.post(url("budget_upload_confirm"), form)
    assert draft.lines.count() == cells
    history = BudgetLine.history.filter(budget_id=draft.pk,
                                        history_change_reason="Excel-bestand ingelezen")
    assert history.count() == cells
    assert set(history.values_list("history_user__username", flat=True)) == {"tom-directeur"}
