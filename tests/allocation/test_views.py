"""The pages: the treasurer's editor with the split to the cent, the board's vote, the
register; bad input shown in Dutch with nothing saved; other cooperatives' objects are 404."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.allocation import services as svc
from budgets.models import AllocationKeyShare, AllocationPlan, LedgerEntry, LumpSumGrant
from cooperatie.governance import services as governance
from cooperatie.governance.models import Decision, Vote
from cooperatie.models import Population
from tests.conftest import login


def url(name, code="tom", **kw):
    app = "governance" if name in ("proposal", "vote", "close") else "allocation"
    return reverse(f"{app}:{name}", kwargs={"code": code, **kw})


def html(response):
    return response.content.decode()


def close_confirmed(client, proposal, reasons=""):
    """The chair opens the confirmation (tally and outcome) and confirms it."""
    page = html(client.get(url("close", pk=proposal.pk)))
    state = re.search(r'name="state" value="([0-9a-f]+)"', page).group(1)
    return client.post(url("close", pk=proposal.pk), {"reasons": reasons, "state": state},
                       follow=True)


def key_data(plan, values: dict, basis="baseline", method="partners", schedule="quarterly",
             **extra):
    """The editor's form: a row per member organisation (k-<id>), neighbourhood weights."""
    data = {"method": method, "schedule": schedule, "basis": basis, "unit": "euro",
            "description": "cliëntaantallen 2025", "note": "", "action": "save"}
    for org, raw in values.items():
        data[f"k-{org.pk}"] = raw
    data.update(extra)
    return data


def test_the_treasurer_drafts_from_client_numbers_and_two_others_adopt(client, tom, users,
                                                                      tom_members):
    login(client, "tom-penningmeester")
    stream = tom.funding_streams.get(code="JEUGD")
    response = client.post(url("grant_create"), {
        "year": "2027", "amount": "1.000.000,00", "stream": stream.pk,
        "funder_name": "Gemeente Alphen aan den Rijn", "description": "Jeugd 2027"})
    grant = LumpSumGrant.objects.get(cooperative=tom, year=2027)
    assert response.status_code == 302 and grant.amount == Decimal("1000000.00")
    response = client.post(url("plan_draft", pk=grant.pk))
    plan = grant.plans.get()
    assert response.url == url("plan", pk=plan.pk)
    page = html(client.get(url("plan", pk=plan.pk)))
    assert "Berekenen" in page and 'id="plan-form"' in page
    assert all(f'name="k-{o.pk}"' in page for o in tom_members)  # a row per member
    clients = {o: str(100 + 10 * i) for i, o in enumerate(tom_members)}  # 100 ... 170
    preview = client.get(url("plan_preview", pk=plan.pk), key_data(plan, clients,
                                                                   unit="count"))
    assert "€\xa01.000.000,00" in html(preview) and "precies op tot de lumpsum" in html(preview)
    assert not AllocationKeyShare.objects.filter(key__plan=plan).exists()  # nothing saved
    response = client.post(url("plan", pk=plan.pk), key_data(plan, clients,
                                                             reason="cliënten 2025"))
    assert response.status_code == 302
    assert AllocationKeyShare.objects.filter(key__plan=plan).count() == 8
    confirm = html(client.get(url("plan_propose", pk=plan.pk)))
    assert "Ja, voorleggen aan het bestuur" in confirm and "€\xa01.000.000,00" in confirm
    assert AllocationPlan.objects.get(pk=plan.pk).is_draft  # the summary proposes nothing
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', confirm).group(1)
    response = client.post(url("plan_propose", pk=plan.pk), {"digest": digest})
    proposal = AllocationPlan.objects.get(pk=plan.pk).proposal
    assert response.url == url("proposal", pk=proposal.pk)
    for name in ("tom-voorzitter", "tom-bestuurslid"):
        login(client, name)
        client.post(url("vote", pk=proposal.pk), {"choice": "for", "reason": "akkoord"})
    login(client, "tom-voorzitter")
    response = close_confirmed(client, proposal, "volgens afspraak")
    decision = Decision.objects.get(proposal=proposal)
    assert decision.adopted
    assert f"besluit {decision.number}, aangenomen" in html(response)
    page = html(client.get(url("plan", pk=plan.pk)))
    assert "In het grootboek" in page and "€\xa0-1.000.000,00" in page
    assert "Saldo" in page and "€\xa00,00" in page
    register = html(client.get(reverse("decision_register", kwargs={"code": "tom"})))
    assert decision.number in register and "volgens afspraak" in register


def test_the_amendment_supersedes_and_the_page_shows_both_versions(client, v1, v2):
    login(client, "tom-voorzitter")
    client.post(url("vote", pk=v2.proposal.pk), {"choice": "for"})
    close_confirmed(client, v2.proposal, "correctie accountant")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "adopted")
    page = html(client.get(url("plan", pk=v2.pk)))
    assert "Versie 1 en versie 2 naast elkaar" in page and "Schuldhulp Groene Hart" in page
    assert f"De boeking van versie 1 (#{v1.posting_id}) is bij dit besluit tegengeboekt" in page
    old = html(client.get(url("plan", pk=v1.pk)))
    assert "Tegengeboekt met boeking" in old and "Vervangen door" in old
    register = html(client.get(reverse("decision_register", kwargs={"code": "tom"})))
    assert register.count("aangenomen") >= 2 and "correctie accountant" in register
    assert "(vervangt versie 1)" in register


def test_percentages_that_do_not_total_100_are_shown_and_nothing_is_saved(client, users,
                                                                          new_grant,
                                                                          tom_members):
    plan = svc.plan_draft(grant=new_grant(), actor=users["tom-penningmeester"], reason="t")
    login(client, "tom-penningmeester")
    data = key_data(plan, {tom_members[0]: "60", tom_members[1]: "39,5"}, basis="percentages")
    response = client.post(url("plan", pk=plan.pk), data)
    assert response.status_code == 400
    page = html(response)
    assert "De percentages tellen op tot 99,5%; dat moet precies 100% zijn." in page
    assert 'value="39,5"' in page  # what was typed stays
    assert not AllocationKeyShare.objects.filter(key__plan=plan).exists()


def test_text_in_the_key_names_the_partner(client, users, new_grant, tom_members):
    plan = svc.plan_draft(grant=new_grant(), actor=users["tom-penningmeester"], reason="t")
    login(client, "tom-penningmeester")
    response = client.post(url("plan", pk=plan.pk), key_data(plan, {tom_members[0]: "veel"}))
    assert response.status_code == 400
    assert f"{tom_members[0].name}: &#x27;veel&#x27; is geen getal." in html(response)


def test_compute_button_works_without_javascript_and_saves_nothing(client, users, new_grant,
                                                                   tom_members):
    plan = svc.plan_draft(grant=new_grant("100.00"), actor=users["tom-penningmeester"],
                          reason="t")
    login(client, "tom-penningmeester")
    data = key_data(plan, {o: "1" for o in tom_members[:3]}, action="compute")
    response = client.post(url("plan", pk=plan.pk), data)
    assert response.status_code == 200
    page = html(response)
    assert "€\xa033,34" in page and page.count("€\xa033,33") >= 2
    assert not AllocationKeyShare.objects.filter(key__plan=plan).exists()


def test_editing_an_adopted_plan_is_refused(client, v1, tom_members):
    login(client, "tom-penningmeester")
    page = html(client.get(url("plan", pk=v1.pk)))
    assert 'id="plan-form"' not in page
    response = client.post(url("plan", pk=v1.pk), key_data(v1, {tom_members[0]: "100"},
                                                            basis="percentages"))
    assert response.status_code == 400
    assert "is vastgesteld en kan niet meer worden gewijzigd" in html(response)
    assert AllocationKeyShare.objects.filter(key__plan=v1).count() == 8


def test_bad_grant_input_is_shown_in_dutch(client, tom):
    login(client, "tom-penningmeester")
    stream = tom.funding_streams.first()
    before = LumpSumGrant.objects.count()
    for amount, message in (("0", "moet groter zijn dan 0"),
                            ("12,345", "Een bedrag heeft hoogstens 2 decimalen"),
                            ("veel", "is geen bedrag")):
        response = client.post(url("grant_create"), {
            "year": "2027", "amount": amount, "stream": stream.pk, "funder_name": "x",
            "description": "x"})
        assert response.status_code == 400 and message in html(response), amount
    assert LumpSumGrant.objects.count() == before


def test_changing_a_vote_or_voting_when_not_seated_shows_a_message(client, v2):
    proposal = v2.proposal
    login(client, "tom-penningmeester")  # voted for in the demo
    page = html(client.get(url("proposal", pk=proposal.pk)))
    assert "Uw stem wijzigen" in page and 'value="for" required checked' in page
    response = client.post(url("vote", pk=proposal.pk), {"choice": "against"}, follow=True)
    assert "Uw stem is gewijzigd." in html(response)
    assert Vote.objects.get(proposal=proposal).choice == "against"
    login(client, "tom-directeur")
    response = client.post(url("vote", pk=proposal.pk), {"choice": "for"}, follow=True)
    assert "Alleen zittende bestuursleden van Tom in de buurt stemmen" in html(response)
    assert Vote.objects.filter(proposal=proposal).count() == 1


def test_the_vote_form_offers_a_conflict_declaration(client, v2):
    login(client, "tom-voorzitter")  # represents GGZ Rijnland
    page = html(client.get(url("proposal", pk=v2.proposal.pk)))
    assert "U vertegenwoordigt GGZ Rijnland" in page and 'name="conflict"' in page
    client.post(url("vote", pk=v2.proposal.pk), {"choice": "for", "conflict": "1",
                                                  "reason": "eigen partner"})
    vote = Vote.objects.get(proposal=v2.proposal, user__username="tom-voorzitter")
    assert vote.conflict_of_interest and vote.reason == "eigen partner"


def test_directors_see_what_goes_to_the_board_but_no_drafts(client, users, new_grant, v1, v2):
    draft = svc.plan_draft(grant=new_grant(), actor=users["tom-penningmeester"], reason="t")
    login(client, "tom-directeur")
    assert client.get(url("plan", pk=v1.pk)).status_code == 200
    assert client.get(url("proposal", pk=v2.proposal.pk)).status_code == 200
    assert client.get(url("plan", pk=draft.pk)).status_code == 404
    assert client.get(url("plan_preview", pk=v1.pk)).status_code == 403
    assert client.post(url("plan", pk=v1.pk), {}).status_code == 403
    assert client.get(url("grant_create")).status_code == 403
    page = html(client.get(url("proposal", pk=v2.proposal.pk)))
    assert 'name="choice"' not in page and "Stemming sluiten" not in page
    login(client, "tom-financien")
    assert client.get(url("plan", pk=draft.pk)).status_code == 200


def test_other_cooperatives_objects_are_404(client, v1, v2, heerlen):
    heerlen_plan = AllocationPlan.objects.get(grant__cooperative=heerlen, version=1)
    login(client, "heerlen-voorzitter")
    assert client.get(url("plan", pk=v1.pk)).status_code == 404  # tom: not a member
    assert client.get(url("plan", code="heerlen", pk=v1.pk)).status_code == 404  # wrong coop
    assert client.get(url("proposal", code="heerlen", pk=v2.proposal.pk)).status_code == 404
    response = client.post(url("vote", code="heerlen", pk=v2.proposal.pk), {"choice": "for"})
    assert response.status_code == 404 and not v2.proposal.votes.filter(
        user__username="heerlen-voorzitter").exists()
    assert client.get(url("plan", code="heerlen", pk=heerlen_plan.pk)).status_code == 200
    assert client.get(reverse("decision_register", kwargs={"code": "tom"})).status_code == 404


def test_heerlen_plan_shows_neighbourhoods_partners_and_monthly_tranches(client, heerlen):
    plan = AllocationPlan.objects.get(grant__cooperative=heerlen, version=1)
    login(client, "heerlen-directeur")
    page = html(client.get(url("plan", code="heerlen", pk=plan.pk)))
    assert "Per inwoner over de buurten" in page and "Vrieheide" in page
    assert "01-12-2026" in page and "€\xa02.750.000,00" in page
    entries = LedgerEntry.objects.filter(transaction=plan.posting)
    assert entries.count() == 91


@pytest.mark.parametrize("name", ["index", "register"])
def test_lists_use_a_constant_number_of_queries(client, users, proposed, name,
                                                django_assert_max_num_queries):
    def get(code):
        path = (reverse("decision_register", kwargs={"code": code}) if name == "register"
                else url("index", code=code))
        # the register: + its years (the filter), + one query per kind of subject in the
        # list (tom: allocations, a settlement, and targets with their lines: two)
        with django_assert_max_num_queries(13 if name == "register" else 10):
            assert client.get(path).status_code == 200

    login(client, "beheerder")
    get("tom")
    get("heerlen")
    for _ in range(3):  # more grants, plans, votes and decisions
        proposal, _plan = proposed()
        governance.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
        governance.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
    get("tom")


def test_plan_and_proposal_pages_use_a_constant_number_of_queries(client, heerlen, v1, v2,
                                                                  django_assert_max_num_queries):
    login(client, "beheerder")
    big = AllocationPlan.objects.get(grant__cooperative=heerlen, version=1)  # 90 lines
    for code, plan in (("tom", v1), ("tom", v2), ("heerlen", big)):
        with django_assert_max_num_queries(18):
            assert client.get(url("plan", code=code, pk=plan.pk)).status_code == 200
        with django_assert_max_num_queries(21):  # + the discussion's comments
            assert client.get(url("proposal", code=code, pk=plan.proposal_id)).status_code == 200


def test_old_proposal_links_lead_to_the_boards_page(client, v2):
    login(client, "tom-voorzitter")
    response = client.get(f"/c/tom/verdeling/voorstel/{v2.proposal.pk}/")
    assert response.status_code == 301 and response.url == url("proposal", pk=v2.proposal.pk)


def test_proposing_saves_what_is_on_screen_then_confirms_exactly_that_split(client, tom, users,
                                                                          tom_members):
    """Never the last saved version while the screen shows other figures: "Opslaan en
    voorleggen…" saves what was typed, the confirmation shows that split, and a split that
    changed after the confirmation was shown is not proposed."""
    login(client, "tom-penningmeester")
    stream = tom.funding_streams.get(code="JEUGD")
    client.post(url("grant_create"), {"year": "2027", "amount": "1.000,00", "stream": stream.pk,
                                      "funder_name": "Fonds", "description": "Proef"})
    grant = LumpSumGrant.objects.get(cooperative=tom, year=2027)
    client.post(url("plan_draft", pk=grant.pk))
    plan = grant.plans.get()
    first, second = tom_members[:2]
    client.post(url("plan", pk=plan.pk), key_data(plan, {first: "50", second: "50"},
                                                  basis="percentages"))
    typed = key_data(plan, {first: "70", second: "30"}, basis="percentages", action="propose")
    response = client.post(url("plan", pk=plan.pk), typed)
    assert response.status_code == 302 and response.url == url("plan_propose", pk=plan.pk)
    confirm = html(client.get(response.url))
    assert "€\xa0700,00" in confirm and "€\xa0300,00" in confirm  # what was on screen
    assert "liggen de bedragen en voorschotten vast" in confirm
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', confirm).group(1)
    # someone saves other figures after the confirmation was shown: nothing is proposed
    client.post(url("plan", pk=plan.pk), key_data(plan, {first: "60", second: "40"},
                                                  basis="percentages"))
    refused = client.post(url("plan_propose", pk=plan.pk), {"digest": digest}, follow=True)
    assert "gewijzigd sinds u de samenvatting opende" in html(refused)
    assert AllocationPlan.objects.get(pk=plan.pk).is_draft
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', html(refused)).group(1)
    client.post(url("plan_propose", pk=plan.pk), {"digest": digest})
    plan.refresh_from_db()
    assert not plan.is_draft
    amounts = sorted(plan.lines.values_list("amount", flat=True))
    assert amounts == [Decimal("400.00"), Decimal("600.00")]


def test_a_large_cooperatives_plan_edits_the_weights_of_one_area_at_a_time(client, heerlen,
                                                                           monkeypatch):
    """Above the page size the split shows per area and the weights form one area's
    neighbourhoods; saving one area's weights keeps every other area's as stored."""
    from budgets import selectors as budget_selectors
    from cooperatie.selectors import current_members

    monkeypatch.setattr(budget_selectors, "PAGE_NEIGHBOURHOODS", 5)  # heerlen has 18
    Population.objects.bulk_create([Population(neighbourhood=h, year=2027, inhabitants=1000)
                                    for h in heerlen.neighbourhoods.all()])
    login(client, "heerlen-penningmeester")
    stream = heerlen.funding_streams.order_by("code").first()
    client.post(url("grant_create", code="heerlen"), {
        "year": "2027", "amount": "90.000,00", "stream": stream.pk, "funder_name": "Fonds",
        "description": "Per inwoner"})
    grant = LumpSumGrant.objects.get(cooperative=heerlen, year=2027)
    client.post(url("plan_draft", code="heerlen", pk=grant.pk))
    plan = grant.plans.get()
    members = {m.organisation: "1" for m in current_members(heerlen)}
    first, second = heerlen.areas.order_by("name")[:2]
    hood_a, hood_b = first.neighbourhoods.order_by("code")[0], second.neighbourhoods.first()
    for area, hood, weight in ((first, hood_a, "2"), (second, hood_b, "3")):
        page = html(client.get(url("plan", code="heerlen", pk=plan.pk), {"gebied": area.code}))
        assert f'name="w-{hood.pk}"' in page
        assert not any(f'name="w-{h.pk}"' in page for h in heerlen.neighbourhoods.exclude(
            area=area))
        response = client.post(url("plan", code="heerlen", pk=plan.pk), key_data(
            plan, members, method="per_inhabitant", gebied=area.code,
            **{f"w-{hood.pk}": weight}))
        assert response.status_code == 302, html(response)[-2000:]
    weights = {h.code: w for h, w in svc_weights(plan).items() if w != 1}
    assert weights == {hood_a.code: Decimal("2"), hood_b.code: Decimal("3")}
    page = html(client.get(url("plan", code="heerlen", pk=plan.pk)))
    assert 'id="verdeling-gebieden"' in page and 'id="verdeling-buurten"' not in page


def svc_weights(plan):
    from budgets.allocation import selectors

    plan.refresh_from_db()
    return selectors.weights_of(plan)
