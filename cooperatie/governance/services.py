"""The board's decision process: put a proposal to the board, vote, close it into a numbered
decision and let the subject carry it out (subjects.py). Keyword-only, one transaction each,
history with the acting user and a reason."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..history import create_recorded, save_recorded
from ..models import BoardSeat, Cooperative
from .models import Decision, Proposal, Vote, decision_number
from .rules import tally
from .subjects import subject_for


def seated_count(cooperative, day: date | None = None) -> int:
    day = day or timezone.localdate()
    return (BoardSeat.objects.filter(policy.active_on(day), cooperative=cooperative)
            .values("user").distinct().count())


def proposal_create(*, cooperative: Cooperative, kind: str, title: str, description: str,
                    drafted_by, actor, reason: str) -> Proposal:
    """A proposal put to the board at once (its subject was drafted elsewhere)."""
    return create_recorded(Proposal, cooperative=cooperative, kind=kind, title=title[:300],
                           description=description, drafted_by=drafted_by, actor=actor,
                           reason=reason)


@transaction.atomic
def vote_cast(*, proposal: Proposal, actor, choice: str, reason: str = "",
              conflict_of_interest: bool = False) -> Vote:
    if not policy.allowed(actor, "proposal.vote", proposal):
        raise PermissionDenied(_("Alleen zittende bestuursleden van %(coop)s stemmen over "
                                 "voorstellen.") % {"coop": proposal.cooperative})
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_open:
        raise ValidationError(_("De stemming over “%(title)s” is gesloten; er kan niet meer "
                                "worden gestemd.") % {"title": locked.title})
    earlier = locked.votes.filter(user=actor).first()
    if earlier is not None:
        raise ValidationError(_("U heeft al gestemd over dit voorstel (%(choice)s, op "
                                "%(when)s); een stem kan niet worden gewijzigd.") % {
            "choice": earlier.get_choice_display(),
            "when": timezone.localtime(earlier.cast_at).strftime("%d-%m-%Y %H:%M")})
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Kies voor, tegen of onthouding.")})
    reason = (reason or "").strip()
    try:
        with transaction.atomic():
            vote = Vote(proposal=locked, user=actor, choice=choice, reason=reason,
                        conflict_of_interest=bool(conflict_of_interest))
            return save_recorded(vote, actor=actor, reason=_("stem uitgebracht"))
    except IntegrityError:  # a second vote at the same moment
        raise ValidationError(_("U heeft al gestemd over dit voorstel.")) from None


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, reasons: str = "") -> Decision:
    """Close the vote: apply the rules, record the numbered decision and let the subject
    carry it out."""
    if not policy.allowed(actor, "proposal.close", proposal):
        raise PermissionDenied(_("Alleen zittende bestuursleden sluiten een stemming."))
    # Lock order everywhere: cooperative (the decision numbers), proposal, then the subject.
    cooperative = Cooperative.objects.select_for_update().get(pk=proposal.cooperative_id)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not locked.is_open:
        number = Decision.objects.filter(proposal=locked).values_list("number", flat=True)
        raise ValidationError(_("Over dit voorstel is al besloten (besluit %(number)s).")
                              % {"number": number.first() or "?"})
    today = timezone.localdate()
    result = tally(list(locked.votes.all()), seated=seated_count(cooperative, today),
                   drafter_id=locked.drafted_by_id, quorum_percent=cooperative.quorum_percent,
                   majority=cooperative.majority)
    last = (Decision.objects.filter(cooperative=cooperative, year=today.year)
            .aggregate(last=Max("sequence"))["last"] or 0)
    outcome = Decision.Outcome.ADOPTED if result.adopted else Decision.Outcome.REJECTED
    number = decision_number(today.year, last + 1)
    history_reason = _("besluit %(number)s: %(outcome)s") % {
        "number": number, "outcome": Decision.Outcome(outcome).label}
    decision = create_recorded(
        Decision, proposal=locked, cooperative=cooperative, year=today.year,
        sequence=last + 1, number=number, decided_on=today, outcome=outcome,
        votes_for=result.votes_for, votes_against=result.votes_against,
        votes_abstain=result.votes_abstain, votes_conflicted=result.votes_conflicted,
        seated=result.seated, quorum_reached=result.quorum_reached,
        majority_reached=result.majority_reached, four_eyes_met=result.four_eyes_met,
        explanation="\n".join(result.explanation), reasons=(reasons or "").strip(),
        closed_by=actor, actor=actor, reason=history_reason,
    )
    locked.status, locked.closed_at = Proposal.Status.CLOSED, timezone.now()
    save_recorded(locked, actor=actor, reason=history_reason)
    subject = subject_for(locked, lock=True)
    if decision.adopted:
        subject.adopted(decision, actor=actor, reason=history_reason)
    else:
        subject.rejected(decision, actor=actor, reason=history_reason)
    proposal.status = locked.status
    return decision
