"""The board's decisions: proposals, votes and numbered decisions, and the rules that turn
votes into a result.

Rules (per cooperative: `quorum_percent` and `majority` on Cooperative; four-eyes always):

- Only seated board members vote (checked when the vote is cast), one vote each, for, against
  or abstain, with an optional reason.
- A vote with a declared conflict of interest counts for nothing: not for or against, and not
  towards the quorum either.
- Quorum: the counted votes (for, against and abstain) are at least `quorum_percent` % of the
  board members seated on the day the vote closes.
- Majority of the votes for and against (abstentions are not cast votes): simple: more for
  than against (a tie is not a majority); two-thirds: at least two thirds for.
- Four-eyes: at least two distinct approvers (counted votes for), and the one who drafted the
  proposal is never the only approver.

Adopted only when all three hold; otherwise rejected, and the decision says why.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Proposal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open voor stemming")
        CLOSED = "closed", _("gesloten")

    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="proposals",
        verbose_name=_("coöperatie"),
    )
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("omschrijving"), blank=True, max_length=4000)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="drafted_proposals",
        verbose_name=_("opgesteld door"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    opened_at = models.DateTimeField(_("geopend op"), default=timezone.now)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["cooperative", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="proposal_closed_at_matches_status",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("voor")
        AGAINST = "against", _("tegen")
        ABSTAIN = "abstain", _("onthouding")

    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="votes",
                                 verbose_name=_("voorstel"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="votes",
                             verbose_name=_("bestuurslid"))
    choice = models.CharField(_("stem"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("toelichting"), blank=True, max_length=2000)
    conflict_of_interest = models.BooleanField(
        _("belangenconflict"), default=False,
        help_text=_("Een stem met een belangenconflict telt niet mee, ook niet voor het quorum."),
    )
    cast_at = models.DateTimeField(_("uitgebracht op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        ordering = ["proposal", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"], name="vote_once_per_proposal",
                violation_error_message=_("U heeft al gestemd over dit voorstel."),
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_choice_display()}"

    @property
    def counts(self) -> bool:
        return not self.conflict_of_interest


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("aangenomen")
        REJECTED = "rejected", _("verworpen")

    proposal = models.OneToOneField(Proposal, models.PROTECT, related_name="decision",
                                    verbose_name=_("voorstel"))
    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="decisions",
        verbose_name=_("coöperatie"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    sequence = models.PositiveSmallIntegerField(_("volgnummer"))
    number = models.CharField(_("besluitnummer"), max_length=16)
    decided_on = models.DateField(_("datum"))
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=Outcome.choices)
    votes_for = models.PositiveSmallIntegerField(_("voor"))
    votes_against = models.PositiveSmallIntegerField(_("tegen"))
    votes_abstain = models.PositiveSmallIntegerField(_("onthouding"))
    votes_conflicted = models.PositiveSmallIntegerField(_("met belangenconflict"))
    seated = models.PositiveSmallIntegerField(_("zittende bestuursleden"))
    quorum_reached = models.BooleanField(_("quorum gehaald"))
    majority_reached = models.BooleanField(_("meerderheid gehaald"))
    four_eyes_met = models.BooleanField(_("vier-ogenprincipe voldaan"))
    explanation = models.TextField(_("uitleg van de uitslag"))
    reasons = models.TextField(_("overwegingen"), blank=True, max_length=4000)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                  related_name="closed_decisions", verbose_name=_("gesloten door"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["cooperative", "-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "number"],
                                    name="decision_number_unique"),
            models.UniqueConstraint(fields=["cooperative", "year", "sequence"],
                                    name="decision_sequence_unique"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="decision_sequence_valid"),
            models.CheckConstraint(
                condition=~Q(outcome="adopted")
                | Q(quorum_reached=True, majority_reached=True, four_eyes_met=True),
                name="decision_adopted_meets_the_rules",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.proposal}"

    @property
    def adopted(self) -> bool:
        return self.outcome == self.Outcome.ADOPTED


def decision_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:03d}"


# --- the rules: votes → result (pure) -------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    votes_for: int
    votes_against: int
    votes_abstain: int
    votes_conflicted: int
    seated: int
    approvers: frozenset[int]  # user ids of the counted votes for
    quorum_reached: bool
    majority_reached: bool
    four_eyes_met: bool
    explanation: list[str]

    @property
    def adopted(self) -> bool:
        return self.quorum_reached and self.majority_reached and self.four_eyes_met

    @property
    def counted(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def tally(votes, *, seated: int, drafter_id: int, quorum_percent: int,
          majority: str) -> Tally:
    """Apply the rules in the module docstring to `votes` (objects with user_id, choice and
    conflict_of_interest); `seated` is the number of board members seated at closing."""
    counted = [v for v in votes if not v.conflict_of_interest]
    conflicted = len(votes) - len(counted)
    n_for = sum(1 for v in counted if v.choice == Vote.Choice.FOR)
    n_against = sum(1 for v in counted if v.choice == Vote.Choice.AGAINST)
    n_abstain = sum(1 for v in counted if v.choice == Vote.Choice.ABSTAIN)
    approvers = frozenset(v.user_id for v in counted if v.choice == Vote.Choice.FOR)
    lines = []

    quorum = seated > 0 and len(counted) * 100 >= quorum_percent * seated
    lines.append(gettext(
        "Quorum %(result)s: %(counted)s van de %(seated)s zittende bestuursleden stemden mee "
        "(nodig: %(percent)s%%)."
    ) % {"result": gettext("gehaald") if quorum else gettext("niet gehaald"),
         "counted": len(counted), "seated": seated, "percent": quorum_percent})
    if conflicted:
        lines.append(gettext(
            "%(n)s stem(men) met een belangenconflict telden niet mee.") % {"n": conflicted})

    from .models import Cooperative

    if majority == Cooperative.Majority.TWO_THIRDS:
        majority_ok = n_for > 0 and 3 * n_for >= 2 * (n_for + n_against)
        rule = gettext("twee derde van de stemmen voor en tegen")
    else:
        majority_ok = n_for > n_against
        rule = gettext("meer stemmen voor dan tegen")
    lines.append(gettext(
        "Meerderheid %(result)s: %(for)s voor, %(against)s tegen, %(abstain)s onthouding "
        "(regel: %(rule)s)."
    ) % {"result": gettext("gehaald") if majority_ok else gettext("niet gehaald"),
         "for": n_for, "against": n_against, "abstain": n_abstain, "rule": rule})

    others = approvers - {drafter_id}
    four_eyes = len(approvers) >= 2 and bool(others)
    if four_eyes:
        lines.append(gettext(
            "Vier ogen: %(n)s verschillende bestuursleden stemden voor.") % {"n": len(approvers)})
    elif approvers == {drafter_id}:
        lines.append(gettext(
            "Vier ogen niet voldaan: alleen de opsteller stemde voor; er zijn ten minste twee "
            "verschillende voorstemmers nodig."))
    else:
        lines.append(gettext(
            "Vier ogen niet voldaan: %(n)s voorstemmer(s); er zijn ten minste twee "
            "verschillende voorstemmers nodig.") % {"n": len(approvers)})
    return Tally(n_for, n_against, n_abstain, conflicted, seated, approvers, quorum,
                 majority_ok, four_eyes, lines)
