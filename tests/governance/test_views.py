"""The board's pages: the live tally, changing a vote, closing early only after a confirmation
that shows the tally and the outcome, the considerations afterwards."""

import re

import pytest
from django.urls import reverse

from cooperatie.governance import services
from cooperatie.governance.models import Decision
from tests.conftest import login


def url(name, pk, code="tom"):
    return reverse(f"governance:{name}", kwargs={"code": code, "pk": pk})


def html(response):
    return response.content.decode()


def test_a_member_sees_the_live_tally(client, users, proposed):
    proposal, _ = proposed()
    services.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
    services.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="against",
                       conflict_of_interest=True)
    login(client, "tom-directeur")  # a member, not on the board
    page = html(client.get(url("proposal", proposal.pk)))
    assert 'id="stand"' in page and "Stand van de stemming" in page
    fragment = html(client.get(url("standing", proposal.pk)))
    for text in ("<dt>Voor</dt><dd>1</dd>", "<dt>Tegen</dt><dd>0</dd>",
                 "<dt>Belangenconflict (telt niet mee)</dt><dd>1</dd>",
                 "<dt>Nog niet gestemd</dt><dd>1</dd>",
                 "Als de stemming nu sluit, is het voorstel verworpen.",
                 "Vier ogen niet voldaan: 1 voorstemmer(s)"):
        assert text in fragment, text
    assert re.search(r"Nog niet gestemd: [^<]*\.", fragment)  # names who has not voted
    assert 'name="choice"' not in page  # a director does not vote


def test_the_tally_fragment_is_404_for_another_cooperative(client, proposed):
    proposal, _ = proposed()
    login(client, "heerlen-voorzitter")
    assert client.get(url("standing", proposal.pk)).status_code == 404
    assert client.get(url("standing", proposal.pk, code="heerlen")).status_code == 404


def test_closing_early_asks_for_a_confirmation_showing_the_outcome(client, users, proposed):
    proposal, _ = proposed()
    services.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
    login(client, "tom-voorzitter")
    page = html(client.get(url("proposal", proposal.pk)))
    assert "Stemming nu sluiten…" in page
    confirm = client.get(url("close", proposal.pk))
    text = html(confirm)
    assert confirm.status_code == 200 and not Decision.objects.filter(proposal=proposal).exists()
    assert "Als de stemming nu sluit, is het voorstel verworpen." in text
    assert "Ja, sluit de stemming: verworpen" in text and "kan niet ongedaan" in text
    state = re.search(r'name="state" value="([0-9a-f]+)"', text).group(1)
    # a vote comes in before the chair confirms: the confirmation is shown again
    services.vote_cast(proposal=proposal, actor=users["tom-penningmeester"], choice="for")
    stale = client.post(url("close", proposal.pk), {"state": state, "reasons": "snel"})
    assert stale.status_code == 409 and "De stand is veranderd" in html(stale)
    assert "Ja, sluit de stemming: aangenomen" in html(stale)
    assert "snel" in html(stale)  # the typed considerations are kept
    assert not Decision.objects.filter(proposal=proposal).exists()
    state = re.search(r'name="state" value="([0-9a-f]+)"', html(stale)).group(1)
    done = client.post(url("close", proposal.pk), {"state": state, "reasons": "snel"},
                       follow=True)
    decision = Decision.objects.get(proposal=proposal)
    assert decision.adopted and decision.reasons == "snel"
    assert f"besluit {decision.number}, aangenomen" in html(done)


def test_a_post_without_the_confirmation_closes_nothing(client, proposed):
    proposal, _ = proposed()
    login(client, "tom-voorzitter")
    response = client.post(url("close", proposal.pk), {"reasons": "zonder bevestiging"})
    assert response.status_code == 409
    assert not Decision.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("name", ["tom-bestuurslid", "tom-penningmeester", "tom-directeur"])
def test_only_the_chair_gets_the_close_confirmation(client, proposed, name):
    proposal, _ = proposed()
    login(client, name)
    assert "Stemming nu sluiten" not in html(client.get(url("proposal", proposal.pk)))
    assert client.get(url("close", proposal.pk)).status_code == 403
    assert client.post(url("close", proposal.pk), {"state": "x"}).status_code == 403
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_the_last_vote_closes_it_and_the_chair_records_the_considerations(client, users,
                                                                          proposed):
    proposal, _ = proposed()
    services.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
    services.vote_cast(proposal=proposal, actor=users["tom-penningmeester"], choice="for")
    login(client, "tom-bestuurslid")
    response = client.post(url("vote", proposal.pk), {"choice": "for"}, follow=True)
    decision = Decision.objects.get(proposal=proposal)
    assert "Alle zittende bestuursleden hebben gestemd: de stemming is gesloten" in html(response)
    assert "gesloten toen alle zittende bestuursleden hadden gestemd" in html(response)
    assert 'name="reasons"' not in html(response)  # not the chair
    login(client, "tom-voorzitter")
    page = html(client.get(url("proposal", proposal.pk)))
    assert "Overwegingen vastleggen" in page
    client.post(url("reasons", proposal.pk), {"reasons": "Unaniem aangenomen."})
    decision.refresh_from_db()
    assert decision.reasons == "Unaniem aangenomen."
    page = html(client.get(url("proposal", proposal.pk)))
    assert "Overwegingen vastleggen" not in page and "Unaniem aangenomen." in page


def test_the_proposal_page_uses_a_constant_number_of_queries(client, users, proposed,
                                                             django_assert_max_num_queries):
    proposal, _ = proposed()
    login(client, "tom-voorzitter")
    with django_assert_max_num_queries(30) as before:
        client.get(url("proposal", proposal.pk))
    for name in ("tom-voorzitter", "tom-bestuurslid"):
        services.vote_cast(proposal=proposal, actor=users[name], choice="for")
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url("proposal", proposal.pk)).status_code == 200
