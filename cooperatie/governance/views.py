"""The board's proposals, votes and the decision register. Views parse input, call one
service, render; every proposal is looked up inside the cooperative the user may see
(another cooperative's proposal is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy
from ..errors import error_lines
from ..selectors import cooperative_for
from . import selectors, services
from .models import Decision, Vote
from .subjects import subject_for


def _proposal(request, code, pk) -> tuple:
    cooperative = cooperative_for(request.user, code, "decision.view")
    proposal = selectors.proposal_in(cooperative, pk)
    if proposal is None or not policy.allowed(request.user, "proposal.view", proposal):
        raise Http404
    return cooperative, proposal


def _standing_context(request, cooperative, proposal) -> dict:
    votes = selectors.votes_of(proposal)
    seated = selectors.seated_users(cooperative)
    now = services.standing(proposal, votes, set(seated)) if proposal.is_open else None
    return {
        "cooperative": cooperative, "proposal": proposal, "votes": votes, "standing": now,
        "not_voted": [seated[pk] for pk in seated if now and pk in now.not_voted],
        "decision": getattr(proposal, "decision", None),
    }


def _proposal_context(request, cooperative, proposal) -> dict:
    context = _standing_context(request, cooperative, proposal)
    own = next((v for v in context["votes"] if v.user_id == request.user.pk), None)
    subject = subject_for(proposal)
    may_close = proposal.is_open and policy.allowed(request.user, "proposal.close", proposal)
    decision = context["decision"]
    return {
        **context, "subject": subject, "subject_link": subject.link(),
        **subject.summary_context(request.user),
        "own_vote": own,
        "may_vote": proposal.is_open and not proposal.deadline_passed()
        and policy.allowed(request.user, "proposal.vote", proposal),
        "may_close": may_close,
        "may_record_reasons": decision is not None and not decision.reasons
        and policy.allowed(request.user, "proposal.close", proposal),
        "choices": Vote.Choice.choices,
        "seated": len(selectors.seated_users(cooperative)),
    }


@login_required
def proposal_detail(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    return render(request, "governance/proposal.html",
                  _proposal_context(request, cooperative, proposal))


@login_required
def standing(request, code, pk):
    """The live tally as an HTML fragment (the proposal page refreshes it)."""
    cooperative, proposal = _proposal(request, code, pk)
    return render(request, "governance/_standing.html",
                  _standing_context(request, cooperative, proposal))


@login_required
@require_POST
def vote(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    earlier = proposal.votes.filter(user=request.user).exists()
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
        messages.success(request, _("Uw stem is gewijzigd.") if earlier
                         else _("Uw stem is vastgelegd."))
        decision = Decision.objects.filter(proposal=proposal).first()
        if decision is not None:
            messages.info(request, _("Alle zittende bestuursleden hebben gestemd: de stemming "
                                     "is gesloten, besluit %(number)s, %(outcome)s.")
                          % {"number": decision.number,
                             "outcome": decision.get_outcome_display()})
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def close(request, code, pk):
    """Closing before the deadline: a confirmation with the tally and the outcome, then the
    close (refused when the tally changed meanwhile: the confirmation is shown again)."""
    cooperative, proposal = _proposal(request, code, pk)
    if not proposal.is_open:
        return redirect("governance:proposal", code=code, pk=proposal.pk)
    policy.ensure(request.user, "proposal.close", proposal)
    reasons = request.POST.get("reasons", "")
    errors: list[str] = []
    if request.method == "POST":
        try:
            decision = services.proposal_close(proposal=proposal, actor=request.user,
                                               reasons=reasons,
                                               expected_state=request.POST.get("state", ""))
        except ValidationError as exc:
            errors = error_lines(exc)
        else:
            messages.success(request, _("De stemming is gesloten: besluit %(number)s, "
                                        "%(outcome)s.")
                             % {"number": decision.number,
                                "outcome": decision.get_outcome_display()})
            return redirect("governance:proposal", code=code, pk=proposal.pk)
        proposal = selectors.proposal_in(cooperative, proposal.pk)
        if not proposal.is_open:  # someone else closed it meanwhile
            messages.error(request, " ".join(errors))
            return redirect("governance:proposal", code=code, pk=proposal.pk)
    return render(request, "governance/close_confirm.html", {
        **_standing_context(request, cooperative, proposal), "reasons": reasons,
        "errors": errors,
    }, status=409 if errors else 200)


@login_required
@require_POST
def record_reasons(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is None:
        raise Http404
    try:
        services.decision_record_reasons(decision=decision, actor=request.user,
                                         reasons=request.POST.get("reasons", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Decision)))
    else:
        messages.success(request, _("De overwegingen zijn vastgelegd bij besluit %(number)s.")
                         % {"number": decision.number})
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
def register(request, code):
    cooperative = cooperative_for(request.user, code, "decision.view")
    return render(request, "governance/register.html", {
        "cooperative": cooperative, "decisions": selectors.register(cooperative),
    })
