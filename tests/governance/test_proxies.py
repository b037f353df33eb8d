"""Proxies (machtigingen): a seated member authorises another for one proposal or a period,
with the signed PDF; at most `proxies_per_holder` per holder; not for or by someone not
seated; no voting twice (by proxy and in person); a conflicted grantor's proxy counts for
nothing; the tally and the decision say how many votes were cast by proxy."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cooperatie.governance import services
from cooperatie.governance.models import Decision, Proxy
from cooperatie.models import BoardSeat
from tests.conftest import login

from . import files

CHAIR, TREASURER, MEMBER = "tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"


def named(users, username) -> str:
    """How messages name a person: their full name (a regex-safe piece)."""
    user = users[username]
    return re.escape(user.get_full_name() or user.username)


@pytest.fixture
def grant(tom, users):
    def make(grantor=MEMBER, holder=CHAIR, proposal=None, days=None, actor=None, data=None,
             filename="machtiging.pdf"):
        today = timezone.localdate()
        period = {} if days is None else {"valid_from": today, "valid_to": today + days}
        return services.proxy_grant(
            cooperative=tom, grantor=users[grantor], holder=users[holder],
            proposal=proposal, data=files.PDF if data is None else data, filename=filename,
            actor=users[actor or grantor], **period)
    return make


def vote(proposal, users, name, choice, *, on_behalf_of=None, conflict=False):
    return services.vote_cast(
        proposal=proposal, actor=users[name], choice=choice, conflict_of_interest=conflict,
        on_behalf_of=users[on_behalf_of] if on_behalf_of else None)


def test_a_vote_by_proxy_counts_as_the_grantors_and_is_recorded(proposed, grant, users):
    proposal, _ = proposed()
    proxy = grant(proposal=proposal)
    assert proxy.sha256 and proxy.document.read() == files.PDF
    cast = vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    assert (cast.user, cast.cast_by, cast.proxy) == (users[MEMBER], users[CHAIR], proxy)
    assert cast.history.get().history_change_reason.startswith("stem uitgebracht namens")
    vote(proposal, users, CHAIR, "for")
    now = services.standing(proposal)
    assert now.result.votes_for == 2 and now.result.votes_by_proxy == 1
    assert now.not_voted == {users[TREASURER].pk}
    decision = services.proposal_close(proposal=proposal, actor=users[CHAIR])
    assert decision.adopted and decision.votes_by_proxy == 1
    assert "1 van de meegetelde stemmen werd(en) bij volmacht uitgebracht." in \
        decision.explanation


def test_a_period_proxy_covers_every_proposal_in_it(proposed, grant, users):
    grant(days=timedelta(days=30))
    first, _ = proposed()
    second, _ = proposed()
    for proposal in (first, second):
        assert vote(proposal, users, CHAIR, "against", on_behalf_of=MEMBER).by_proxy


def test_no_vote_without_a_proxy_or_for_another_proposal(proposed, grant, users):
    proposal, _ = proposed()
    other, _ = proposed()
    grant(proposal=other)
    with pytest.raises(ValidationError, match=f"U heeft geen machtiging van {named(users, MEMBER)}"):
        vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    with pytest.raises(ValidationError, match="U heeft geen machtiging"):
        vote(other, users, TREASURER, "for", on_behalf_of=MEMBER)
    assert not proposal.votes.exists() and not other.votes.exists()


def test_voting_twice_by_proxy_and_in_person_is_refused_both_ways(proposed, grant, users):
    proposal, _ = proposed()
    grant(proposal=proposal)
    vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    with pytest.raises(ValidationError, match=f"Uw gemachtigde {named(users, CHAIR)} heeft al "
                                              "namens u gestemd"):
        vote(proposal, users, MEMBER, "against")
    other, _ = proposed()
    grant(proposal=other)
    vote(other, users, MEMBER, "against")
    with pytest.raises(ValidationError, match=f"{named(users, MEMBER)} heeft zelf al gestemd"):
        vote(other, users, CHAIR, "for", on_behalf_of=MEMBER)
    assert proposal.votes.get(user=users[MEMBER]).choice == "for"
    assert other.votes.get(user=users[MEMBER]).choice == "against"
    # the holder may still change the vote they cast for the grantor
    changed = vote(proposal, users, CHAIR, "abstain", on_behalf_of=MEMBER)
    assert changed.choice == "abstain" and changed.by_proxy


def test_a_conflicted_grantors_proxy_counts_for_nothing(proposed, grant, users, tom):
    tom.quorum_percent = 100
    tom.save()
    proposal, _ = proposed()
    grant(proposal=proposal)
    vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    vote(proposal, users, CHAIR, "for")
    services.conflict_declare(proposal=proposal, actor=users[MEMBER],
                              reason="mijn organisatie ontvangt")
    now = services.standing(proposal)
    assert now.result.votes_conflicted == 1 and now.result.votes_by_proxy == 0
    assert now.result.votes_for == 1
    # a grantor who declared first leaves nothing for the holder to cast
    other, _ = proposed()
    grant(proposal=other)
    services.conflict_declare(proposal=other, actor=users[MEMBER])
    with pytest.raises(ValidationError, match="heeft zelf al gestemd"):
        vote(other, users, CHAIR, "for", on_behalf_of=MEMBER)
    assert services.standing(other).result.votes_conflicted == 1


def test_a_proxy_is_only_between_seated_members(proposed, grant, users, tom):
    proposal, _ = proposed()
    for grantor, holder in ((MEMBER, "tom-directeur"), ("tom-directeur", CHAIR)):
        with pytest.raises((ValidationError, PermissionDenied)):
            grant(grantor=grantor, holder=holder, proposal=proposal, actor=CHAIR)
    with pytest.raises(ValidationError, match=f"{named(users, 'tom-directeur')} heeft geen zetel in het bestuur"):
        grant(holder="tom-directeur", proposal=proposal)
    with pytest.raises(ValidationError, match="kan zichzelf niet machtigen"):
        grant(holder=MEMBER, proposal=proposal)
    proxy = grant(proposal=proposal)
    seat = BoardSeat.objects.get(cooperative=tom, user=users[MEMBER])
    seat.valid_to = timezone.localdate() - timedelta(days=1)  # the grantor's seat ended
    seat.save()
    with pytest.raises(ValidationError, match=f"{named(users, MEMBER)} heeft geen zetel"):
        vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    assert Proxy.objects.filter(pk=proxy.pk).exists() and not proposal.votes.exists()


def test_a_holder_holds_at_most_the_maximum(proposed, grant, users, tom):
    proposal, _ = proposed()
    grant(grantor=MEMBER, holder=CHAIR, proposal=proposal)
    with pytest.raises(ValidationError, match=f"{named(users, CHAIR)} heeft in die tijd al 1 "
                                              "machtiging"):
        grant(grantor=TREASURER, holder=CHAIR, days=timedelta(days=10))
    tom.proxies_per_holder = 2
    tom.save()
    grant(grantor=TREASURER, holder=CHAIR, days=timedelta(days=10))
    vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    vote(proposal, users, CHAIR, "for", on_behalf_of=TREASURER)
    assert services.standing(proposal).result.votes_by_proxy == 2
    # the cooperative lowers the maximum: the holder cannot vote for more than that
    tom.proxies_per_holder = 1
    tom.save()
    other, _ = proposed()
    vote(other, users, CHAIR, "for", on_behalf_of=TREASURER)
    grant_other = Proxy.objects.get(grantor=users[MEMBER])
    assert grant_other.proposal == proposal  # not valid for `other` anyway


def test_a_grantor_gives_one_proxy_at_a_time_and_may_revoke_it(proposed, grant, users):
    proposal, _ = proposed()
    proxy = grant(proposal=proposal)
    with pytest.raises(ValidationError, match=f"heeft voor dezelfde tijd al {named(users, CHAIR)} "
                                              "gemachtigd"):
        grant(holder=TREASURER, days=timedelta(days=5))
    with pytest.raises(PermissionDenied):
        services.proxy_revoke(proxy=proxy, actor=users[TREASURER])
    services.proxy_revoke(proxy=proxy, actor=users[MEMBER])
    with pytest.raises(ValidationError, match="U heeft geen machtiging"):
        vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    grant(holder=TREASURER, days=timedelta(days=5))  # now another is fine


def test_the_signed_document_is_a_real_pdf_and_only_the_grantor_or_chair_records(
        proposed, grant, users):
    proposal, _ = proposed()
    with pytest.raises(ValidationError, match="“machtiging.pdf” is geen PDF-bestand"):
        grant(proposal=proposal, data=files.docx())
    with pytest.raises(ValidationError, match="als PDF"):
        grant(proposal=proposal, data=files.docx(), filename="machtiging.docx")
    with pytest.raises(PermissionDenied):
        grant(proposal=proposal, actor=TREASURER)  # for someone else, not the chair
    assert grant(proposal=proposal, actor=CHAIR).recorded_by == users[CHAIR]
    assert Proxy.objects.count() == 1


def test_the_proxy_page_records_and_the_holder_votes_on_the_proposal_page(client, proposed,
                                                                          users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    proposal, _ = proposed()
    login(client, MEMBER)
    url = reverse("governance:proxies", kwargs={"code": "tom"})
    bad = client.post(url, {"holder": users[CHAIR].pk, "scope": "period",
                            "valid_from": "morgen", "valid_to": "",
                            "document": SimpleUploadedFile("m.pdf", files.PDF)})
    assert bad.status_code == 400 and "Vanaf: “morgen” is geen datum" in bad.content.decode()
    response = client.post(url, {
        "holder": users[CHAIR].pk, "scope": "proposal", "proposal": proposal.pk,
        "grantor": users[TREASURER].pk,  # ignored: a member records only their own proxy
        "document": SimpleUploadedFile("machtiging bestuurslid.pdf", files.PDF)}, follow=True)
    assert re.search(f"De machtiging is vastgelegd: {named(users, CHAIR)} mag stemmen namens "
                     f"{named(users, MEMBER)}", response.content.decode())
    proxy = Proxy.objects.get()
    assert proxy.grantor == users[MEMBER]
    login(client, CHAIR)
    page = client.get(reverse("governance:proposal", kwargs={"code": "tom", "pk": proposal.pk}))
    assert re.search(f"Stem namens {named(users, MEMBER)} \\(machtiging\\)",
                     page.content.decode())
    client.post(reverse("governance:vote", kwargs={"code": "tom", "pk": proposal.pk}),
                {"for": users[MEMBER].pk, "choice": "for"})
    client.post(reverse("governance:vote", kwargs={"code": "tom", "pk": proposal.pk}),
                {"for": users[TREASURER].pk, "choice": "against"})  # no proxy: refused
    assert dict(proposal.votes.values_list("user__username", "cast_by__username")) == {
        MEMBER: CHAIR}
    document = client.get(reverse("governance:proxy_document",
                                  kwargs={"code": "tom", "pk": proxy.pk}))
    assert document.status_code == 200 and document.content == files.PDF
    login(client, "tom-directeur")
    assert client.get(url).status_code == 403


def test_a_proxy_vote_counts_towards_every_seated_member_having_voted(proposed, grant, users):
    proposal, _ = proposed()
    grant(proposal=proposal)
    vote(proposal, users, CHAIR, "for", on_behalf_of=MEMBER)
    vote(proposal, users, TREASURER, "for")
    assert not Decision.objects.filter(proposal=proposal).exists()
    vote(proposal, users, CHAIR, "for")  # the third seated member: closed by itself
    decision = Decision.objects.get(proposal=proposal)
    assert decision.closure == "all_voted" and decision.votes_by_proxy == 1
