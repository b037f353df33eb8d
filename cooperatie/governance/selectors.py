"""Reads about proposals, votes and decisions; a constant number of queries whatever the
number of decisions."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .. import policy
from ..models import BoardSeat
from .models import Comment, Decision, Proposal, ProposalDocument, Proxy, Vote
from .subjects import subjects_for


def proposal_in(cooperative, pk) -> Proposal | None:
    """A proposal of this cooperative (None for another cooperative's: ids are never trusted)."""
    return (Proposal.objects.filter(cooperative=cooperative, pk=pk)
            .select_related("cooperative", "drafted_by", "decision__closed_by").first())


def votes_of(proposal: Proposal) -> list[Vote]:
    return list(proposal.votes.select_related("user").order_by("cast_at", "id"))


def register(cooperative, *, year: int | None = None, kind: str = "", outcome: str = "",
             search: str = "") -> list[Decision]:
    """The board's decisions, newest first, with their votes and a note on their
    subject (`decision.subject`); optionally of one year, kind or outcome, or containing
    `search` in the number, title, text or reasons."""
    found = Decision.objects.filter(cooperative=cooperative)
    if year is not None:
        found = found.filter(year=year)
    if kind:
        found = found.filter(proposal__kind=kind)
    if outcome:
        found = found.filter(outcome=outcome)
    for word in search.split():
        found = found.filter(Q(number__icontains=word) | Q(proposal__title__icontains=word)
                             | Q(proposal__description__icontains=word)
                             | Q(reasons__icontains=word))
    votes = Vote.objects.select_related("user", "cast_by").order_by("cast_at", "id")
    decisions = list(
        found.select_related("proposal", "closed_by", "proposal__drafted_by")
        .prefetch_related(Prefetch("proposal__votes", queryset=votes))
        .order_by("-year", "-sequence")
    )
    subjects = subjects_for([d.proposal for d in decisions])
    for decision in decisions:
        decision.subject = subjects.get(decision.proposal_id)
    return decisions


def register_years(cooperative) -> list[int]:
    """The years in which the board decided something, newest first."""
    return list(Decision.objects.filter(cooperative=cooperative).order_by("-year")
                .values_list("year", flat=True).distinct())


def seated_users(cooperative) -> dict[int, object]:
    """The board members seated today, by user id (for "who has not voted yet")."""
    seats = (BoardSeat.objects.filter(policy.active_on(timezone.localdate()),
                                      cooperative=cooperative)
             .select_related("user").order_by("user__last_name", "user__username"))
    return {seat.user_id: seat.user for seat in seats}


def closing_within(hours: int, now=None):
    """Open proposals whose deadline falls within `hours` from now (for reminders)."""
    now = now or timezone.now()
    return (Proposal.objects.filter(status=Proposal.Status.OPEN, deadline__gt=now,
                                    deadline__lte=now + timedelta(hours=hours))
            .select_related("cooperative").order_by("deadline"))


def documents_of(proposal: Proposal) -> list[ProposalDocument]:
    return list(proposal.documents.select_related("uploaded_by").order_by("uploaded_at", "id"))


def document_in(cooperative, pk) -> ProposalDocument | None:
    return (ProposalDocument.objects.filter(proposal__cooperative=cooperative, pk=pk)
            .select_related("proposal__cooperative").first())


def proposals_of(cooperative, *, drafts: bool) -> dict[str, list[Proposal]]:
    """The proposals on the board's table: open ones (soonest deadline first) and, for the
    board, drafts; with each one's number of votes."""
    statuses = [Proposal.Status.OPEN] + ([Proposal.Status.DRAFT] if drafts else [])
    rows = (Proposal.objects.filter(cooperative=cooperative, status__in=statuses)
            .select_related("drafted_by").annotate(n_votes=Count("votes"))
            .order_by("deadline", "-id"))
    grouped: dict[str, list[Proposal]] = {"open": [], "draft": []}
    for proposal in rows:
        grouped[proposal.status].append(proposal)
    return grouped


def proxies_of(cooperative) -> list[Proxy]:
    return list(Proxy.objects.filter(cooperative=cooperative)
                .select_related("grantor", "holder", "proposal", "recorded_by")
                .order_by("-recorded_at", "-id"))


def proxy_in(cooperative, pk) -> Proxy | None:
    return Proxy.objects.filter(cooperative=cooperative, pk=pk).select_related(
        "cooperative").first()


def comments_of(proposal: Proposal) -> list[Comment]:
    return list(Comment.objects.filter(proposal=proposal).select_related("author")
                .order_by("created_at", "id"))
