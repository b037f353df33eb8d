"""Reads about proposals, votes and decisions; a constant number of queries whatever the
number of decisions."""

from django.db.models import Prefetch

from .models import Decision, Proposal, Vote
from .subjects import subjects_for


def proposal_in(cooperative, pk) -> Proposal | None:
    """A proposal of this cooperative (None for another cooperative's: ids are never trusted)."""
    return (Proposal.objects.filter(cooperative=cooperative, pk=pk)
            .select_related("cooperative", "drafted_by", "decision__closed_by").first())


def votes_of(proposal: Proposal) -> list[Vote]:
    return list(proposal.votes.select_related("user").order_by("cast_at", "id"))


def register(cooperative) -> list[Decision]:
    """Every decision of the board, newest first, with its votes and a note on its subject
    (`decision.subject`)."""
    votes = Vote.objects.select_related("user").order_by("cast_at", "id")
    decisions = list(
        Decision.objects.filter(cooperative=cooperative)
        .select_related("proposal", "closed_by", "proposal__drafted_by")
        .prefetch_related(Prefetch("proposal__votes", queryset=votes))
        .order_by("-year", "-sequence")
    )
    subjects = subjects_for([d.proposal for d in decisions])
    for decision in decisions:
        decision.subject = subjects.get(decision.proposal_id)
    return decisions
