"""The board hears of a proposal open for its vote and of the decision; the to-do list shows
the votes still to cast."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperatie.governance import services as svc
from cooperatie.notifications.models import Delivery, Kind, Mail, Notification
from tests.conftest import login

BOARD = {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"}


@pytest.mark.django_db
def test_the_seated_board_is_asked_to_vote_once_and_told_the_decision(
        proposed, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the events follow the commit
        proposal, _plan = proposed()
    asked = Notification.objects.filter(kind=Kind.VOTE_OPEN, params__proposal=proposal.pk)
    assert {n.user.username for n in asked} == BOARD
    assert all(n.url == f"/c/tom/besluiten/voorstel/{proposal.pk}/" for n in asked)
    assert Mail.objects.filter(kind="notification", ref_id__in=asked.values("pk")).count() == 3
    svc.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="for")
    # Within 24 hours of the deadline, who has not voted hears of it, once.
    from cooperatie.governance.models import Proposal
    from cooperatie.governance.notices import votes_closing

    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() + timedelta(hours=20))
    assert votes_closing(timezone.now()) == 2
    assert votes_closing(timezone.now()) == 0
    closing = Notification.objects.filter(kind=Kind.VOTE_CLOSING, params__proposal=proposal.pk)
    assert {n.user.username for n in closing} == BOARD - {"tom-bestuurslid"}
    svc.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
    with django_capture_on_commit_callbacks(execute=True):
        decision = svc.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
    told = Notification.objects.filter(kind=Kind.VOTE_CLOSED, params__proposal=proposal.pk)
    assert {n.user.username for n in told} == BOARD
    assert {n.params["number"] for n in told} == {decision.number}
    assert all(n.delivery == Delivery.OFF for n in told)  # a noisy kind: inbox only by default
    assert not Mail.objects.filter(ref_id__in=told.values("pk")).exists()


@pytest.mark.django_db
def test_votes_to_cast_are_on_the_board_members_to_do_list(client, proposed, users):
    proposal, _plan = proposed()
    home = reverse("cooperative_home", kwargs={"code": "tom"})
    login(client, "tom-bestuurslid")
    todo = client.get(home).content.decode().split('id="todo-kop"')[1].split("</section>")[0]
    assert f"Stemmen over “{proposal.title}”" in todo
    svc.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="for")
    todo = client.get(home).content.decode().split('id="todo-kop"')[1].split("</section>")[0]
    assert proposal.title not in todo
    login(client, "tom-directeur")  # not on the board: no votes asked
    assert "Stemmen over" not in client.get(home).content.decode()
