"""What the board hears about its proposals (cooperatie.notifications, once per key): one
open for your vote, one closing within 24 hours while you have not voted (hourly), and one
closed with its decision. The first and last follow governance's after-commit events."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from cooperatie.models import BoardSeat
from cooperatie.notifications.models import Kind
from cooperatie.notifications.schedule import hourly_job
from cooperatie.notifications.services import notify
from cooperatie.policy import active_on

from . import events
from .models import Decision, Proposal
from .selectors import closing_within

CLOSING_HOURS = 24


def seated_members(cooperative):
    today = timezone.localdate()
    seats = BoardSeat.objects.filter(active_on(today), cooperative=cooperative,
                                     user__is_active=True).select_related("user")
    return list({seat.user_id: seat.user for seat in seats.order_by("user_id")}.values())


def _url(proposal: Proposal) -> str:
    return reverse("governance:proposal", kwargs={"code": proposal.cooperative.code,
                                                  "pk": proposal.pk})


def _facts(proposal: Proposal) -> dict:
    return {"proposal": proposal.pk, "title": proposal.title,
            "closes": proposal.deadline.isoformat() if proposal.deadline else None}


def proposal_opened(proposal_id: int) -> int:
    """Every seated board member is asked for their vote."""
    proposal = Proposal.objects.select_related("cooperative").get(pk=proposal_id)
    return sum(1 for user in seated_members(proposal.cooperative) if notify(
        user=user, kind=Kind.VOTE_OPEN, cooperative=proposal.cooperative,
        key=f"vote_open:{proposal.pk}:{user.pk}", params=_facts(proposal), url=_url(proposal)))


def proposal_closed(proposal_id: int, decision_id: int) -> int:
    decision = Decision.objects.select_related("proposal__cooperative").get(pk=decision_id)
    proposal = decision.proposal
    facts = {**_facts(proposal), "number": decision.number, "outcome": decision.outcome}
    return sum(1 for user in seated_members(proposal.cooperative) if notify(
        user=user, kind=Kind.VOTE_CLOSED, cooperative=proposal.cooperative,
        key=f"vote_closed:{proposal.pk}:{user.pk}", params=facts, url=_url(proposal)))


@hourly_job
def votes_closing(now: datetime) -> int:
    """Within 24 hours of a deadline: the seated members who have not voted yet (the key holds
    the deadline, so a moved deadline reminds again)."""
    sent = 0
    for proposal in closing_within(CLOSING_HOURS, now):
        voted = set(proposal.votes.values_list("user_id", flat=True))
        for user in seated_members(proposal.cooperative):
            if user.pk in voted:
                continue
            sent += notify(user=user, kind=Kind.VOTE_CLOSING, cooperative=proposal.cooperative,
                           key=f"vote_closing:{proposal.pk}:{proposal.deadline.isoformat()}:"
                               f"{user.pk}", params=_facts(proposal),
                           url=_url(proposal)) is not None
    return sent


events.subscribe(events.PROPOSAL_OPENED, proposal_opened)
events.subscribe(events.PROPOSAL_CLOSED, proposal_closed)
