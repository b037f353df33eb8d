import pytest
from django.urls import reverse

from tests.conftest import login


@pytest.mark.parametrize("username,label", [
    ("tom-directeur", "directeur"),
    ("tom-penningmeester", "penningmeester"),
    ("tom-bestuurslid", "bestuur"),
    ("tom-financien", "financiën"),
    ("tom-beheerder", "beheerder"),
])
def test_each_role_sees_its_dutch_dashboard(client, db, username, label):
    login(client, username)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tom in de buurt" in page
    assert f"U bent hier als: {label}" in page or label in page.split("U bent hier als:")[1][:80]
    assert 'lang="nl"' in page


def test_real_login_form_works(client, db):
    response = client.post(reverse("login"), {"username": "tom-directeur",
                                              "password": "demo-2026"}, follow=True)
    assert response.status_code == 200
    assert "Tom in de buurt" in response.content.decode()


def test_wrong_password_gets_a_dutch_message(client, db):
    response = client.post(reverse("login"), {"username": "tom-directeur", "password": "nee"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("cooperative_home", args=["tom"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_superuser_sees_all_cooperatives(client, db):
    login(client, "beheerder")
    page = client.get("/").content.decode()
    assert all(n in page for n in ["Tom in de buurt", "Krachtenbundeling Malberg",
                                   "Coöperatie Sociaal Heerlen"])


def test_other_cooperative_is_404_not_a_traceback(client, db):
    login(client, "tom-directeur")
    assert client.get(reverse("cooperative_home", args=["heerlen"])).status_code == 404
    assert client.get(reverse("structure", args=["heerlen"])).status_code == 404
    assert client.get("/bestaat/niet/").status_code == 404


def test_english_is_available(client, db):
    login(client, "tom-directeur")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("cooperative_home", args=["tom"])).content.decode()
    assert 'lang="en"' in page
    assert "Members" in page


def test_structure_page_query_count_does_not_grow(client, db, heerlen, tom,
                                                  django_assert_max_num_queries):
    login(client, "beheerder")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("structure", args=["heerlen"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("structure", args=["tom"])).status_code == 200


def test_admin_lists_every_model_with_history(client, db):
    from django.contrib import admin

    login(client, "beheerder")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url


def test_dutch_even_when_the_browser_asks_for_english(client, db):
    login(client, "tom-directeur")
    page = client.get(reverse("cooperative_home", args=["tom"]),
                      HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nl"' in page and "Leden" in page


def test_server_error_page_is_the_products_own_dutch_page(rf, db):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))  # rendered without a request context, as Django does
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html and "Er is niets half opgeslagen" in html
    assert 'lang="nl"' in html
