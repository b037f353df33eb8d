"""The board's proposals, votes and the decision register. Views parse input, call one
service, render; every proposal is looked up inside the cooperative the user may see
(another cooperative's proposal is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import policy
from ..errors import error_lines
from ..selectors import cooperative_for
from . import selectors, services
from .models import Vote
from .subjects import subject_for


def _proposal(request, code, pk) -> tuple:
    cooperative = cooperative_for(request.user, code, "decision.view")
    proposal = selectors.proposal_in(cooperative, pk)
    if proposal is None or not policy.allowed(request.user, "proposal.view", proposal):
        raise Http404
    return cooperative, proposal


def _proposal_context(request, cooperative, proposal) -> dict:
    votes = selectors.votes_of(proposal)
    own = next((v for v in votes if v.user_id == request.user.pk), None)
    subject = subject_for(proposal)
    return {
        "cooperative": cooperative, "proposal": proposal, "subject": subject,
        "subject_link": subject.link(), **subject.summary_context(request.user),
        "votes": votes, "own_vote": own,
        "may_vote": proposal.is_open and own is None
        and policy.allowed(request.user, "proposal.vote", proposal),
        "may_close": proposal.is_open and policy.allowed(request.user, "proposal.close",
                                                         proposal),
        "choices": Vote.Choice.choices, "decision": getattr(proposal, "decision", None),
        "seated": services.seated_count(cooperative),
    }


@login_required
def proposal_detail(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    return render(request, "governance/proposal.html",
                  _proposal_context(request, cooperative, proposal))


@login_required
@require_POST
def vote(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    try:
        services.vote_cast(proposal=proposal, actor=request.user,
                           choice=request.POST.get("choice", ""),
                           reason=request.POST.get("reason", ""),
                           conflict_of_interest=request.POST.get("conflict") == "1")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Vote)))
    else:
        messages.success(request, _("Uw stem is vastgelegd."))
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
@require_POST
def close(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    try:
        decision = services.proposal_close(proposal=proposal, actor=request.user,
                                           reasons=request.POST.get("reasons", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    else:
        messages.success(request, _("De stemming is gesloten: besluit %(number)s, %(outcome)s.")
                         % {"number": decision.number, "outcome": decision.get_outcome_display()})
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
def register(request, code):
    cooperative = cooperative_for(request.user, code, "decision.view")
    return render(request, "governance/register.html", {
        "cooperative": cooperative, "decisions": selectors.register(cooperative),
    })
