"""The pages: who may do what, web entry that appears on the scorecard, Dutch errors."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cooperatie.evaluation.models import Indicator, Measurement
from tests.conftest import login

D = Decimal
ENTRY_PAGES = ["evaluation:measurements", "evaluation:measurement_create", "evaluation:upload",
               "evaluation:template"]


def page_of(response) -> str:
    return response.content.decode()


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["tom-directeur", "tom-financien", "tom-bestuurslid",
                                      "tom-beheerder", "beheerder"])
def test_every_member_sees_the_scorecard_and_indicators(client, db, username):
    login(client, username)
    assert client.get(reverse("evaluation:scorecard", args=["tom"])).status_code == 200
    assert client.get(reverse("evaluation:indicators", args=["tom"])).status_code == 200


@pytest.mark.parametrize("name", ENTRY_PAGES)
@pytest.mark.parametrize("username,status", [
    ("tom-directeur", 403), ("tom-financien", 403), ("tom-voorzitter", 200),
    ("tom-beheerder", 200), ("heerlen-voorzitter", 404),
])
def test_only_who_enters_measurements_reaches_the_entry_pages(client, db, name, username,
                                                              status):
    login(client, username)
    assert client.get(reverse(name, args=["tom"])).status_code == status


@pytest.mark.parametrize("username,status", [("tom-voorzitter", 200), ("tom-beheerder", 403),
                                             ("tom-directeur", 403)])
def test_only_the_board_defines_indicators(client, db, username, status):
    login(client, username)
    assert client.get(reverse("evaluation:indicator_create", args=["tom"])).status_code == status


def test_other_cooperatives_are_404(client, db):
    login(client, "heerlen-directeur")
    assert client.get(reverse("evaluation:scorecard", args=["tom"])).status_code == 404
    assert client.get(reverse("evaluation:indicators", args=["tom"])).status_code == 404


def test_anonymous_goes_to_login(client, db):
    response = client.get(reverse("evaluation:scorecard", args=["tom"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_ids_from_the_url_are_looked_up_within_the_cooperative(client, heerlen, tom):
    login(client, "tom-voorzitter")
    foreign_indicator = Indicator.objects.filter(cooperative=heerlen).first()
    foreign_measurement = Measurement.objects.filter(indicator__cooperative=heerlen).first()
    assert client.get(reverse("evaluation:indicator_edit",
                              args=["tom", foreign_indicator.pk])).status_code == 404
    for name in ("evaluation:measurement_edit", "evaluation:measurement_delete"):
        assert client.get(reverse(name, args=["tom", foreign_measurement.pk])).status_code == 404
    response = client.post(reverse("evaluation:measurement_delete",
                                   args=["tom", foreign_measurement.pk]), {"reason": "weg"})
    assert response.status_code == 404
    assert Measurement.objects.filter(pk=foreign_measurement.pk).exists()
    # a scope of another cooperative in the query string
    assert client.get(reverse("evaluation:scorecard", args=["tom"])
                      + "?niveau=team:SBT01").status_code == 404


def test_a_foreign_indicator_id_in_the_form_is_refused(client, heerlen):
    login(client, "tom-voorzitter")
    foreign = Indicator.objects.filter(cooperative=heerlen, method="average").first()
    before = Measurement.objects.count()
    response = client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": foreign.pk, "scope": "cooperative", "year": 2026, "period": "Q4",
        "value": "8", "respondents": "50"})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in page_of(response)
    assert Measurement.objects.count() == before


def test_nav_links_to_the_evaluation(client, db):
    login(client, "tom-directeur")
    page = page_of(client.get(reverse("cooperative_home", args=["tom"])))
    assert reverse("evaluation:scorecard", args=["tom"]) in page and "Evaluatie" in page


# --- entering by web form ---------------------------------------------------------------------


def test_measurement_entered_by_web_appears_on_the_scorecard(client, satisfaction, board):
    login(client, "tom-voorzitter")
    response = client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": satisfaction.pk, "scope": "team:TOM-N", "year": 2026, "period": "Q4",
        "value": "8,3", "respondents": "57", "note": "najaarspeiling",
        "reason": "uitkomst cliëntervaringsonderzoek"}, follow=True)
    assert response.status_code == 200
    page = page_of(response)
    assert "Meting opgeslagen" in page
    assert "Scorecard 2026: team Tom Noord" in page
    assert "8,3" in page and "2026 K4 · n = 57" in page
    m = Measurement.objects.get(indicator=satisfaction, team__code="TOM-N", period="Q4")
    assert m.value == D("8.3")
    assert m.history.get().history_user == board
    assert m.history.get().history_change_reason == "uitkomst cliëntervaringsonderzoek"


def test_counts_entered_by_web_give_the_percentage(client, self_reliance):
    login(client, "tom-beheerder")
    client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": self_reliance.pk, "scope": "area:NOORD", "year": 2026, "period": "H2",
        "count_improved": "41", "count_stable": "19", "count_declined": "20"})
    page = page_of(client.get(reverse("evaluation:scorecard", args=["tom"])
                              + "?niveau=area:NOORD"))
    assert "75,0\u00a0%" in page and "verbeterd 41, stabiel 19, achteruit 20" in page


def test_bad_web_input_gets_dutch_messages_and_saves_nothing(client, satisfaction):
    login(client, "tom-voorzitter")
    before = Measurement.objects.count()
    response = client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": satisfaction.pk, "scope": "cooperative", "year": 2026, "period": "Q4",
        "value": "11", "respondents": "-2"})
    page = page_of(response)
    assert response.status_code == 200
    assert "Er is niets opgeslagen" in page
    assert "Een aantal kan niet negatief zijn." in page
    assert Measurement.objects.count() == before
    response = client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": satisfaction.pk, "scope": "cooperative", "year": 2026, "period": "Q4",
        "value": "11", "respondents": "30"})
    assert "Een score ligt tussen 1 en 10; 11 kan niet." in page_of(response)
    response = client.post(reverse("evaluation:measurement_create", args=["tom"]), {
        "indicator": satisfaction.pk, "scope": "cooperative", "year": 2026, "period": "Q4",
        "value": "acht", "respondents": "30"})
    assert "&#x27;acht&#x27; is geen getal." in page_of(response)
    assert Measurement.objects.count() == before


def test_duplicate_by_web_points_to_the_existing_one(client, satisfaction):
    login(client, "tom-voorzitter")
    data = {"indicator": satisfaction.pk, "scope": "cooperative", "year": 2026,
            "period": "H1", "value": "8,0", "respondents": "12"}
    page = page_of(client.post(reverse("evaluation:measurement_create", args=["tom"]), data))
    assert "Er is al een meting van" in page and "2026 H1" in page


def test_edit_and_delete_by_web(client, satisfaction, board):
    login(client, "tom-voorzitter")
    m = Measurement.objects.get(indicator=satisfaction, scope="cooperative", year=2026,
                                period="H1")
    address = reverse("evaluation:measurement_edit", args=["tom", m.pk])
    form = page_of(client.get(address))
    assert 'value="8,1"' in form and "Historie" in form and "demogegevens geladen" in form
    assert "Reden van de wijziging" in page_of(client.post(address, {"value": "8,2",
                                                                     "respondents": "231"}))
    client.post(address, {"value": "8,2", "respondents": "231", "reason": "herberekend"})
    m.refresh_from_db()
    assert m.value == D("8.2") and m.history.first().history_change_reason == "herberekend"
    client.post(reverse("evaluation:measurement_delete", args=["tom", m.pk]),
                {"reason": "onjuiste steekproef"})
    assert not Measurement.objects.filter(pk=m.pk).exists()


def test_indicator_defined_by_web(client, tom, board):
    login(client, "tom-voorzitter")
    response = client.post(reverse("evaluation:indicator_create", args=["tom"]), {
        "aim": "health", "code": "REGIE", "name": "Ervaren regie over het eigen leven",
        "unit": "score", "direction": "higher", "method": "average", "target": "7,5",
        "baseline": "6,9", "baseline_year": "2025", "first_year": "2025",
        "source": "vragenlijst", "reason": "besluit bestuur 12-11-2026"}, follow=True)
    assert "Indicator &#x27;Ervaren regie over het eigen leven&#x27; opgeslagen." in page_of(
        response)
    indicator = Indicator.objects.get(cooperative=tom, code="REGIE")
    assert indicator.target == D("7.5") and indicator.history.get().history_user == board
    page = page_of(client.get(reverse("evaluation:scorecard", args=["tom"])))
    assert "Ervaren regie over het eigen leven" in page and "geen meting in 2026" in page
    # and a bad one
    response = client.post(reverse("evaluation:indicator_create", args=["tom"]), {
        "aim": "health", "code": "PCT", "name": "Te hoog", "unit": "percentage",
        "direction": "higher", "method": "entered", "target": "140", "first_year": "2025"})
    assert "Een percentage ligt tussen 0 en 100; 140 kan niet." in page_of(response)
    assert not Indicator.objects.filter(cooperative=tom, code="PCT").exists()


def test_entry_pages_list_queries_stay_flat(client, tom, django_assert_max_num_queries):
    login(client, "tom-voorzitter")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:measurements", args=["tom"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:indicators", args=["tom"])).status_code == 200


def test_a_large_cooperative_finds_a_neighbourhood_or_team_by_its_code(client, heerlen,
                                                                       monkeypatch):
    """Above the page size the scope list holds the cooperative and its areas; a
    neighbourhood or team is found by its code as typed, and a code that is none says so."""
    from budgets import selectors as budget_selectors

    monkeypatch.setattr(budget_selectors, "PAGE_NEIGHBOURHOODS", 5)  # heerlen has 18
    login(client, "heerlen-voorzitter")
    url = reverse("evaluation:scorecard", args=["heerlen"])
    hood = heerlen.neighbourhoods.order_by("code").first()
    other = heerlen.neighbourhoods.order_by("code").last()
    kind = Measurement.Scope.NEIGHBOURHOOD.value
    page = page_of(client.get(url))
    assert 'id="f-code"' in page and f'value="{kind}:{other.code}"' not in page
    page = page_of(client.get(url, {"code": f" {hood.code.lower()} "}))
    assert f'value="{kind}:{hood.code}" selected' in page and "f-code-error" not in page
    response = client.get(url, {"code": "BU-nergens"})
    assert response.status_code == 200
    assert "Geen buurt of team met code “BU-nergens”" in page_of(response)
