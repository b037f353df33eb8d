"""The set-up pages: only the cooperative's administrator (and the application administrator);
another cooperative's pages are 404; an upload is previewed old → new and applied only on
confirmation; nothing is written on GET."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets.realisation.services import realisation_settings_get
from cooperatie.models import Cooperative, Neighbourhood, Population
from cooperatie.setup import excel, selectors
from cooperatie.setup import structure as s
from tests.conftest import login

from .test_cbs import csv_bytes, heerlen_rows
from .test_services import new_structure

URLS = ["setup:index", "setup:workbook", "setup:history"]
POSTS = ["setup:upload", "setup:confirm", "setup:cbs", "setup:cbs_confirm"]


def workbook(structure) -> bytes:
    output = io.BytesIO()
    excel.write_workbook(output, structure)
    return output.getvalue()


def upload(data, name="structuur.xlsx"):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("username,status", [
    ("tom-beheerder", 200), ("beheerder", 200), ("tom-directeur", 403), ("tom-voorzitter", 403),
    ("tom-financien", 403), ("heerlen-beheerder", 404),
])
def test_who_may_open_the_set_up_pages(client, tom, username, status):
    login(client, username)
    for name in URLS:
        assert client.get(reverse(name, args=["tom"])).status_code == status, name
    for name in POSTS:
        expected = {400, 302} if status == 200 else {status}  # an empty form; no upload yet
        assert client.post(reverse(name, args=["tom"])).status_code in expected, name


def test_anonymous_users_are_sent_to_the_login(client, db):
    response = client.get(reverse("setup:index", args=["tom"]))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_the_navigation_shows_set_up_to_administrators_only(client, db):
    page = login(client, "tom-beheerder").get(reverse("cooperative_home", args=["tom"]))
    assert reverse("setup:index", args=["tom"]) in page.content.decode()
    page = login(client, "tom-directeur").get(reverse("cooperative_home", args=["tom"]))
    assert reverse("setup:index", args=["tom"]) not in page.content.decode()


def test_settings_are_saved_with_who_and_why(client, tom, django_assert_max_num_queries):
    login(client, "tom-beheerder")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("setup:index", args=["tom"]))
    assert "Tom in de buurt" in page.content.decode()
    response = client.post(reverse("setup:index", args=["tom"]), {
        "name": "Tom in de buurt", "code": "tom", "municipality": "Alphen aan den Rijn",
        "quorum_percent": "60", "majority": "two_thirds", "voting_days": "14",
        "proxies_per_holder": "2", "period_kind": "quarter",
        "warning_percent": "12,5", "due_days": "20", "reason": "nieuwe statuten"}, follow=True)
    text = response.content.decode()
    assert "quorum (%): 50 → 60" in text and "signaleringsdrempel (%): 10,00 → 12,50" in text
    tom.refresh_from_db()
    assert (tom.quorum_percent, tom.majority, tom.voting_days, tom.proxies_per_holder) == (
        60, "two_thirds", 14, 2)
    assert tom.history.first().history_change_reason == "nieuwe statuten"
    realisation = realisation_settings_get(tom)
    assert (realisation.period_kind, realisation.warning_percent) == ("quarter", Decimal("12.50"))
    assert realisation.due_days == 20
    assert realisation.history.first().history_user.username == "tom-beheerder"
    history = client.get(reverse("setup:history", args=["tom"])).content.decode()
    assert "quorum (%): 50 → 60" in history
    assert "signaleringsdrempel (%): 10,00 → 12,50" in history
    assert "perioden: maanden → kwartalen" in history
    assert "inleveren binnen (dagen na de periode): 15 → 20" in history
    assert history.count("nieuwe statuten") == 2  # the cooperative's row and realisation's
    bad = client.post(reverse("setup:index", args=["tom"]), {
        "name": "", "code": "tom met spaties", "quorum_percent": "150", "majority": "simple",
        "voting_days": "0", "period_kind": "month", "warning_percent": "veel",
        "due_days": "-1"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Er is niets opgeslagen" in text and "Quorum (%)" in text
    assert "Signaleringsdrempel (%)</a>: &#x27;veel&#x27; is geen getal." in text
    assert "Realisatie inleveren binnen (dagen)" in text.split("Er is niets opgeslagen")[1]
    tom.refresh_from_db()
    assert tom.quorum_percent == 60 and realisation_settings_get(tom).due_days == 20


def test_upload_preview_confirm(client, tom, users, django_assert_max_num_queries):
    login(client, "tom-beheerder")
    download = client.get(reverse("setup:workbook", args=["tom"]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="structuur-tom-')
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    book[s.NEIGHBOURHOODS]["B2"] = "Ridderveld-Zuid"
    book[s.AREAS].append(["MIDDEN", "Alphen-Midden"])
    changed = io.BytesIO()
    book.save(changed)
    preview = client.post(reverse("setup:upload", args=["tom"]), {
        "file": upload(changed.getvalue()), "reason": "herindeling 2027"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "naam: Ridderveld → Ridderveld-Zuid" in text and "MIDDEN" in text
    assert not tom.areas.filter(code="MIDDEN").exists()  # nothing yet
    token = preview.context["token"]
    done = client.post(reverse("setup:confirm", args=["tom"]), {"token": token}, follow=True)
    assert "Ingelezen: 2 wijziging(en)." in done.content.decode()
    hood = Neighbourhood.objects.get(cooperative=tom, code="BU04840101")
    assert hood.name == "Ridderveld-Zuid"
    record = hood.history.first()
    assert (record.history_user, record.history_change_reason) == (
        users["tom-beheerder"], "herindeling 2027")
    with django_assert_max_num_queries(30):  # whatever the length of the history
        history = client.get(reverse("setup:history", args=["tom"])).content.decode()
    assert "herindeling 2027" in history and "Ridderveld → Ridderveld-Zuid" in history
    # The same token again: it was used.
    again = client.post(reverse("setup:confirm", args=["tom"]), {"token": token}, follow=True)
    assert "Deze upload is verlopen" in again.content.decode()


def test_a_bad_workbook_names_every_error_and_changes_nothing(client, tom):
    login(client, "tom-beheerder")
    structure = selectors.current_structure(tom)
    structure.neighbourhoods = structure.neighbourhoods[1:]
    structure.areas[0].name = "Gewijzigd"
    response = client.post(reverse("setup:upload", args=["tom"]),
                           {"file": upload(workbook(structure))})
    assert response.status_code == 400
    text = response.content.decode()
    assert "er is niets gewijzigd" in text
    assert "Blad Buurten: buurt BU04840101 (Ridderveld) staat niet meer in het werkboek" in text
    assert tom.areas.get(code="NOORD").name == "Alphen-Noord"
    broken = client.post(reverse("setup:upload", args=["tom"]),
                         {"file": upload(b"dit is geen werkboek")})
    assert broken.status_code == 400 and "geen geldig bestand" in broken.content.decode()


def test_cancel_and_changes_since_the_preview(client, tom):
    login(client, "tom-beheerder")
    structure = selectors.current_structure(tom)
    structure.areas[0].name = "Noord"
    preview = client.post(reverse("setup:upload", args=["tom"]),
                          {"file": upload(workbook(structure))})
    cancelled = client.post(reverse("setup:confirm", args=["tom"]),
                            {"token": preview.context["token"], "annuleren": "1"}, follow=True)
    assert "Geannuleerd" in cancelled.content.decode()
    assert tom.areas.get(code="NOORD").name == "Alphen-Noord"
    preview = client.post(reverse("setup:upload", args=["tom"]),
                          {"file": upload(workbook(structure))})
    other = selectors.current_structure(tom)
    other.areas[0].name = "Noord door een ander"
    client.post(reverse("setup:confirm", args=["tom"]), {"token": "x"})  # not the token
    from cooperatie.setup import services
    services.structure_apply(cooperative=tom, structure=other, actor=preview.wsgi_request.user,
                             reason="tussendoor")
    stale = client.post(reverse("setup:confirm", args=["tom"]),
                        {"token": preview.context["token"]}, follow=True)
    assert "intussen gewijzigd" in stale.content.decode()
    assert tom.areas.get(code="NOORD").name == "Noord door een ander"


def test_cbs_table_preview_and_confirm(client, heerlen):
    login(client, "heerlen-beheerder")
    preview = client.post(reverse("setup:cbs", args=["heerlen"]), {
        "year": "2027", "file": upload(csv_bytes(heerlen_rows()), "kwb-2025.csv")})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "18 buurten krijgen een nieuw aantal inwoners" in text and "BU09179999" in text
    assert not Population.objects.filter(neighbourhood__cooperative=heerlen, year=2027).exists()
    done = client.post(reverse("setup:cbs_confirm", args=["heerlen"]),
                       {"token": preview.context["token"]}, follow=True)
    assert "Inwoners 2027 ingelezen: 18 buurt(en) bijgewerkt." in done.content.decode()
    assert Population.objects.filter(neighbourhood__cooperative=heerlen, year=2027).count() == 18
    bad = client.post(reverse("setup:cbs", args=["heerlen"]), {
        "year": "2028", "file": upload(csv_bytes(heerlen_rows(missing={"BU09170101"})),
                                       "kwb.csv")})
    assert bad.status_code == 400 and "BU09170101" in bad.content.decode()


def test_the_application_administrator_creates_a_cooperative_by_one_upload(client, users):
    assert login(client, "tom-beheerder").get(reverse("setup:new")).status_code == 403
    assert client.post(reverse("setup:new_upload")).status_code == 403
    login(client, "beheerder")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("setup:new") in dashboard
    empty = client.get(reverse("setup:new_workbook"))
    assert empty.status_code == 200
    preview = client.post(reverse("setup:new_upload"), {"file": upload(workbook(
        new_structure()))})
    assert preview.status_code == 200
    assert "maakt de nieuwe coöperatie Coöperatie Lelystad Samen (lelystad)" in \
        preview.content.decode()
    assert not Cooperative.objects.filter(code="lelystad").exists()
    done = client.post(reverse("setup:new_confirm"), {"token": preview.context["token"]})
    assert done.status_code == 302 and done["Location"] == reverse("setup:index",
                                                                   args=["lelystad"])
    coop = Cooperative.objects.get(code="lelystad")
    assert coop.neighbourhoods.count() == 3 and coop.teams.count() == 2


def test_an_empty_cooperative_by_name(client, db):
    login(client, "beheerder")
    response = client.post(reverse("setup:new"), {"code": "almere", "name": "Almere Samen"})
    assert response.status_code == 302
    assert Cooperative.objects.get(code="almere").history.first().history_user.username == \
        "beheerder"
    taken = client.post(reverse("setup:new"), {"code": "TOM", "name": "Dubbel"})
    assert taken.status_code == 400 and "al in gebruik" in taken.content.decode()
