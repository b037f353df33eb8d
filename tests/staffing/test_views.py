"""The staff pages: no employer names in the team view, permissions on every object, the
director's web journey, query counts that do not grow with the number of teams."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from cooperatie.models import Expertise, Team
from cooperatie.selectors import current_members
from cooperatie.services import team_create
from partners.models import Organisation, StaffCommitment, TeamNeed
from tests.conftest import login

COOPS = ["heerlen", "malberg", "tom"]


def page(client, name, code, *args, status=200, **params):
    url = reverse(name, args=[code, *args])
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def assert_no_employer(text: str, cooperative) -> None:
    names = [m.organisation.name for m in current_members(cooperative)]
    names += [o.name for o in Organisation.objects.all()]  # and no other partner either
    for name in names:
        assert name not in text and html.escape(name) not in text, name


@pytest.mark.parametrize("code", COOPS)
@pytest.mark.parametrize("username_role", ["voorzitter", "financien", "directeur2"])
def test_team_view_never_shows_an_employer(client, db, code, username_role):
    from cooperatie.models import Cooperative

    cooperative = Cooperative.objects.get(code=code)
    login(client, f"{code}-{username_role}")
    teams_page = page(client, "staff_teams", code)
    assert_no_employer(teams_page, cooperative)
    assert "Nodig (fte)" in teams_page
    for team in cooperative.teams.all():
        detail = page(client, "staff_team", code, team.code)
        assert_no_employer(detail, cooperative)
        assert "Toezeggingen (zonder rugnummer)" in detail
    assert_no_employer(page(client, "staff_matrix", code), cooperative)


def test_the_employer_check_would_catch_a_name(client, db, heerlen):
    """The assertion above is not vacuous: the partner page (for finance) does name it."""
    login(client, "heerlen-voorzitter")
    with pytest.raises(AssertionError):
        assert_no_employer(page(client, "staff_partner", "heerlen", "hl-ggzmijn"), heerlen)


def test_matrix_shows_gaps_and_substitution_for_the_heerlen_board(client, db):
    login(client, "heerlen-voorzitter")
    text = page(client, "staff_matrix", "heerlen")
    assert "Bezetting van 16 teams" in text
    assert text.count('id="team-') == 16
    assert "tekort 0,50" in text and 'class="num gap"' in text
    assert "0,60 fte Maatschappelijk werk van SBT Heerlerheide kan naar SBT " \
           "Heksenberg-Vrieheide" in text
    area = page(client, "staff_matrix", "heerlen", gebied="OOST")
    assert area.count('id="team-') == 3
    page(client, "staff_matrix", "heerlen", status=404, gebied="BESTAATNIET")
    page(client, "staff_matrix", "heerlen", status=404, jaar="1999")


def add_teams(cooperative, n, users):
    """n more teams, each with needs and a commitment, to show the queries stay flat."""
    area = cooperative.areas.first()
    budget_round = cooperative.budget_rounds.get(year=2026)
    org = current_members(cooperative).first().organisation
    mw = Expertise.objects.get(code="MW")
    teams = [team_create(area=area, code=f"EXTRA{i:02}", name=f"Extra team {i}",
                         kind=Team.Kind.NEIGHBOURHOOD, neighbourhoods=[],
                         actor=users["beheerder"], reason="test") for i in range(n)]
    bulk_create_with_history([TeamNeed(budget_round=budget_round, team=t, expertise=mw,
                                       fte=Decimal("1.5")) for t in teams], TeamNeed)
    bulk_create_with_history([
        StaffCommitment(budget_round=budget_round, organisation=org, team=t, expertise=mw,
                        fte=Decimal("1"), annual_cost=Decimal("1000"),
                        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
         for t in teams], StaffCommitment)


@pytest.mark.parametrize("name", ["staff_matrix", "staff_teams", "staff_in_kind"])
def test_query_counts_do_not_grow_with_the_number_of_teams(client, db, tom, users, name,
                                                           django_assert_max_num_queries):
    login(client, "tom-voorzitter")
    limit = 16
    with django_assert_max_num_queries(limit):
        small = page(client, name, "tom")
    add_teams(tom, 40, users)
    with django_assert_max_num_queries(limit):
        big = page(client, name, "tom")
    assert len(big) > len(small)


def test_heerlen_pages_stay_within_the_same_query_budget(client, db,
                                                         django_assert_max_num_queries):
    login(client, "heerlen-voorzitter")
    for name in ("staff_matrix", "staff_teams", "staff_in_kind"):
        with django_assert_max_num_queries(16):
            page(client, name, "heerlen")


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("name,args", [
    ("staff_matrix", []), ("staff_teams", []), ("staff_team", ["TOM-N"]),
    ("staff_needs", ["TOM-N"]), ("staff_partner", ["tom-welzijn"]), ("staff_in_kind", []),
    ("staff_mine", []),
])
def test_other_cooperatives_see_nothing(client, db, name, args):
    login(client, "heerlen-directeur")
    page(client, name, "tom", *args, status=404)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("staff_matrix", args=["tom"]))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


@pytest.mark.parametrize("username,needs,inkind,own_partner,other_partner", [
    ("tom-directeur", 403, 403, 200, 404),
    ("tom-voorzitter", 200, 200, 200, 200),
    ("tom-financien", 403, 200, 404, 404),
    ("tom-beheerder", 403, 403, 404, 404),
])
def test_who_sees_what(client, db, username, needs, inkind, own_partner, other_partner):
    login(client, username)
    page(client, "staff_matrix", "tom")
    page(client, "staff_needs", "tom", "TOM-N", status=needs)
    page(client, "staff_in_kind", "tom", status=inkind)
    page(client, "staff_partner", "tom", "tom-welzijn", status=own_partner)
    page(client, "staff_partner", "tom", "tom-ggz", status=other_partner)
    page(client, "staff_team", "tom", "SBT01", status=404)  # Heerlen's team


def test_another_organisations_commitment_is_404_by_web(client, db, round_tom):
    theirs = StaffCommitment.objects.filter(budget_round=round_tom,
                                            organisation__code="tom-ggz").first()
    login(client, "tom-directeur")
    for name in ("staff_commitment", "staff_commitment_delete"):
        url = reverse(name, args=["tom", theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"fte": "9", "reason": "x"}).status_code == 404
    assert StaffCommitment.objects.filter(pk=theirs.pk, fte=theirs.fte).exists()
    # and a commitment of another cooperative is not found through this one
    heerlen_one = StaffCommitment.objects.filter(budget_round__cooperative__code="heerlen"
                                                 ).first()
    login(client, "heerlen-directeur2")
    assert client.get(reverse("staff_commitment", args=["tom", heerlen_one.pk])
                      ).status_code == 404


def test_board_may_look_but_not_commit_for_a_partner(client, db, users):
    login(client, "tom-voorzitter")
    text = page(client, "staff_partner", "tom", "tom-ggz")
    assert "Inzet toevoegen" not in text
    response = client.post(reverse("staff_partner", args=["tom", "tom-ggz"]), {})
    assert response.status_code == 403


# --- the director's journey by web ----------------------------------------------------------


def form_data(team, **extra):
    data = {"jaar": "2026", "team": team.pk, "expertise": Expertise.objects.get(code="MW").pk,
            "fte": "0,8", "annual_cost": "68.750,00", "period_start": "", "period_end": "",
            "note": "", "reason": ""}
    data.update(extra)
    return data


def test_director_commits_edits_and_removes_by_web(client, db, users, welzijn, team):
    login(client, "tom-directeur")
    assert client.get(reverse("staff_mine", args=["tom"]))["Location"].startswith(
        reverse("staff_partner", args=["tom", "tom-welzijn"]))
    url = reverse("staff_partner", args=["tom", "tom-welzijn"])
    form = client.get(url).content.decode()
    assert '<optgroup label="Alphen-Noord">' in form and ">Tom Noord (TOM-N)</option>" in form
    assert "SBT01" not in form  # only this cooperative's teams are choices
    response = client.post(url, form_data(team, reason="nieuw team"), follow=True)
    assert "De inzet is vastgelegd." in response.content.decode()
    c = StaffCommitment.objects.get(organisation=welzijn)
    assert (c.fte, c.annual_cost) == (Decimal("0.80"), Decimal("68750.00"))
    assert c.history.get().history_user == users["tom-directeur"]
    assert c.history.get().history_change_reason == "nieuw team"
    text = response.content.decode()
    assert "€\u00a055.000,00" in text  # 0.8 × 68,750 for the whole year

    edit = reverse("staff_commitment", args=["tom", c.pk])
    assert 'value="0,80"' in client.get(edit).content.decode()
    response = client.post(edit, form_data(team, fte="1", period_start="2026-07-01"))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.fte == Decimal("1.00") and c.period_start.month == 7
    assert c.history.first().history_change_reason == "inzet gewijzigd op het scherm"

    delete = reverse("staff_commitment_delete", args=["tom", c.pk])
    assert "Inzet verwijderen" in client.get(delete).content.decode()
    assert client.post(delete, {"reason": "vergissing"}).status_code == 302
    assert not StaffCommitment.objects.filter(organisation=welzijn).exists()


@pytest.mark.parametrize("extra,message", [
    ({"fte": "0"}, "het aantal fte moet groter zijn dan 0"),
    ({"fte": "101"}, "hoogstens 100 fte op één regel"),
    ({"fte": "0,125"}, "hoogstens 2 decimalen"),
    ({"fte": ""}, "Dit veld is verplicht."),
    ({"annual_cost": "-1"}, "Een bedrag kan niet negatief zijn"),
    ({"period_start": "2025-12-01"}, "ligt buiten het jaar 2026 van de begrotingsronde"),
    ({"period_start": "2026-06-01", "period_end": "2026-05-01"},
     "De einddatum ligt vóór de begindatum."),
    ({"expertise": "999999"}, "Selecteer een geldige keuze"),
])
def test_bad_web_input_is_refused_in_dutch_and_nothing_saved(client, db, welzijn, team, extra,
                                                            message):
    login(client, "tom-directeur")
    response = client.post(reverse("staff_partner", args=["tom", "tom-welzijn"]),
                           form_data(team, **extra))
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert message in text
    assert "Er is niets opgeslagen" in text
    assert not StaffCommitment.objects.filter(organisation=welzijn).exists()


def test_a_forged_team_of_another_cooperative_is_not_a_choice(client, db, welzijn, heerlen):
    login(client, "tom-directeur")
    foreign = heerlen.teams.get(code="SBT01")
    response = client.post(reverse("staff_partner", args=["tom", "tom-welzijn"]),
                           form_data(foreign))
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in html.unescape(response.content.decode())
    assert not StaffCommitment.objects.filter(organisation=welzijn).exists()


def test_a_submitted_budget_locks_the_web_form(client, db, draft, users, team, welzijn):
    from budgets import services as budget_services

    budget_services.budget_submit(budget=draft, actor=users["tom-directeur"])
    login(client, "tom-directeur")
    url = reverse("staff_partner", args=["tom", "tom-welzijn"])
    text = client.get(url).content.decode()
    assert "is ingediend" in text and "Inzet toevoegen" not in text
    client.post(url, form_data(team))
    assert not StaffCommitment.objects.filter(organisation=welzijn).exists()


def test_board_sets_a_teams_needs_by_web(client, db, users, round_tom, team):
    login(client, "tom-voorzitter")
    url = reverse("staff_needs", args=["tom", "TOM-N"])
    text = client.get(url).content.decode()
    assert 'for="id_fte_' in text
    mw, ggz = Expertise.objects.get(code="MW"), Expertise.objects.get(code="GGZ")
    data = {f"fte_{e.pk}": "" for e in Expertise.objects.all()}
    data.update({f"fte_{mw.pk}": "3,5", f"fte_{ggz.pk}": "0", "reason": "herijking"})
    response = client.post(url, data)
    assert response.status_code == 302
    needs = dict(TeamNeed.objects.filter(budget_round=round_tom, team=team)
                 .values_list("expertise__code", "fte"))
    assert needs == {"MW": Decimal("3.50")}
    assert TeamNeed.objects.get(team=team, expertise=mw).history.first() \
        .history_change_reason == "herijking"
    data[f"fte_{mw.pk}"] = "-2"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Maatschappelijk werk" in response.content.decode()
    assert TeamNeed.objects.get(team=team, expertise=mw).fte == Decimal("3.50")


def test_in_kind_page_matches_the_ledger(client, db):
    login(client, "heerlen-financien")
    text = page(client, "staff_in_kind", "heerlen")
    assert "Inbreng in natura 2026" in text
    assert text.count("klopt") >= 6
    assert "concept: nog niet geboekt" in text  # Welzijn Heerlen Samen's draft
    assert "GGZ Mijnstreek" in text
