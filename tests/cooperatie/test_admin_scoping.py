"""A cooperative's administrator configures their own cooperative in the admin, and sees
nothing of the others; the application administrator sees everything."""

import pytest
from django.urls import reverse

from cooperatie.models import Area, Team
from tests.conftest import login


def test_administrator_of_a_cooperative_is_staff(users):
    assert users["tom-beheerder"].is_staff and not users["tom-beheerder"].is_superuser
    assert not users["tom-directeur"].is_staff


def test_lists_show_only_their_cooperative(client, tom, heerlen):
    login(client, "tom-beheerder")
    page = client.get(reverse("admin:cooperatie_area_changelist")).content.decode()
    assert all(a.name in page for a in tom.areas.all())
    assert not any(a.name in page for a in heerlen.areas.all())
    teams = client.get(reverse("admin:cooperatie_team_changelist")).content.decode()
    assert "Tom Noord" in teams and "SBT Binnenstad" not in teams


def test_other_cooperatives_records_cannot_be_opened(client, heerlen):
    login(client, "tom-beheerder")
    area = heerlen.areas.first()
    response = client.get(reverse("admin:cooperatie_area_change", args=[area.pk]))
    assert response.status_code in (302, 404)
    response = client.post(reverse("admin:cooperatie_area_change", args=[area.pk]),
                           {"cooperative": heerlen.pk, "code": area.code, "name": "Gekaapt"})
    area.refresh_from_db()
    assert area.name != "Gekaapt"


def test_adding_offers_only_their_cooperative_and_records_history(client, tom, heerlen, users):
    login(client, "tom-beheerder")
    form = client.get(reverse("admin:cooperatie_area_add")).content.decode()
    assert "Tom in de buurt" in form and "Coöperatie Sociaal Heerlen" not in form
    client.post(reverse("admin:cooperatie_area_add"),
                {"cooperative": heerlen.pk, "code": "X", "name": "Elders"})
    assert not Area.objects.filter(name="Elders").exists()
    client.post(reverse("admin:cooperatie_area_add"),
                {"cooperative": tom.pk, "code": "OOST", "name": "Alphen-Oost"})
    area = Area.objects.get(cooperative=tom, code="OOST")
    assert area.history.get().history_user == users["tom-beheerder"]


def test_team_neighbourhood_choices_are_their_own(client, tom, heerlen):
    login(client, "tom-beheerder")
    team = Team.objects.filter(cooperative=tom).first()
    page = client.get(reverse("admin:cooperatie_team_change", args=[team.pk])).content.decode()
    assert "Ridderveld" in page and "Binnenstad" not in page


@pytest.mark.parametrize("name", ["tom-directeur", "tom-financien", "tom-bestuurslid"])
def test_other_roles_have_no_admin(client, db, name):
    login(client, name)
    response = client.get(reverse("admin:cooperatie_area_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_application_administrator_sees_everything(client, heerlen, tom):
    login(client, "beheerder")
    page = client.get(reverse("admin:cooperatie_area_changelist")).content.decode()
    assert "Heerlen-Noord" in page and "Alphen-Noord" in page
