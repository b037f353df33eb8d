"""The board's decisions: proposals, votes and numbered decisions (the rules that turn votes
into a result are in `rules.py`).

Who may do what is in cooperatie/policy.py; the voting rules are in rules.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Proposal(models.Model):
    class Kind(models.TextChoices):
        # What is decided; each kind's subject plugs in through subjects.py.
        ALLOCATION = "allocation", _("verdeling van een lumpsum")
        SETTLEMENT = "settlement", _("vaststelling van een jaar")
        TARGETS = "targets", _("streefwaarden van de indicatoren")
        GENERAL = "general", _("algemeen besluit")

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        OPEN = "open", _("open voor stemming")
        CLOSED = "closed", _("gesloten")
        WITHDRAWN = "withdrawn", _("ingetrokken")

    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="proposals",
        verbose_name=_("coöperatie"),
    )
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("titel"), max_length=300)
    description = models.TextField(_("tekst"), blank=True, max_length=20000)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="drafted_proposals",
        verbose_name=_("opgesteld door"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    # A change to a proposal put to the board is a new version; opening it withdraws the old.
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    supersedes = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by", verbose_name=_("vervangt"))
    opened_at = models.DateTimeField(_("voorgelegd op"), null=True, blank=True)
    deadline = models.DateTimeField(_("stemtermijn tot"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["cooperative", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", opened_at__isnull=True, deadline__isnull=True,
                            closed_at__isnull=True)
                | Q(status="open", opened_at__isnull=False, deadline__isnull=False,
                    closed_at__isnull=True)
                | Q(status="closed", opened_at__isnull=False, closed_at__isnull=False)
                | Q(status="withdrawn", closed_at__isnull=False),
                name="proposal_dates_match_status",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="proposal_version_valid"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def deadline_passed(self, now=None) -> bool:
        return self.deadline is not None and self.deadline <= (now or timezone.now())


class Vote(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("voor")
        AGAINST = "against", _("tegen")
        ABSTAIN = "abstain", _("onthouding")

    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="votes",
                                 verbose_name=_("voorstel"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="votes",
                             verbose_name=_("bestuurslid"))
    # Who cast it: the member, or the one the member authorised (a proxy, machtiging).
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                related_name="votes_cast", verbose_name=_("uitgebracht door"))
    proxy = models.ForeignKey("Proxy", models.PROTECT, null=True, blank=True,
                              related_name="votes", verbose_name=_("machtiging"))
    choice = models.CharField(_("stem"), max_length=10, choices=Choice.choices)
    reason = models.TextField(_("toelichting"), blank=True, max_length=2000)
    conflict_of_interest = models.BooleanField(
        _("belangenconflict"), default=False,
        help_text=_("Een stem met een belangenconflict telt niet mee, ook niet voor het quorum."),
    )
    cast_at = models.DateTimeField(_("uitgebracht op"), default=timezone.now)
    # A vote may be changed until the vote closes; every change is in the history.
    changed_at = models.DateTimeField(_("gewijzigd op"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(cast_by=F("user"), proxy__isnull=True)
                | (~Q(cast_by=F("user")) & Q(proxy__isnull=False)),
                name="vote_by_proxy_has_a_proxy",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_choice_display()}"

    @property
    def counts(self) -> bool:
        return not self.conflict_of_interest

    @property
    def by_proxy(self) -> bool:
        return self.cast_by_id != self.user_id


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("aangenomen")
        REJECTED = "rejected", _("verworpen")

    class Closure(models.TextChoices):
        BY_CLOSER = "manual", _("gesloten door een bestuurslid")
        DEADLINE = "deadline", _("gesloten bij het verstrijken van de termijn")
        ALL_VOTED = "all_voted", _("gesloten toen alle zittende bestuursleden hadden gestemd")

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
    votes_by_proxy = models.PositiveSmallIntegerField(_("bij volmacht"), default=0)
    seated = models.PositiveSmallIntegerField(_("zittende bestuursleden"))
    quorum_reached = models.BooleanField(_("quorum gehaald"))
    majority_reached = models.BooleanField(_("meerderheid gehaald"))
    four_eyes_met = models.BooleanField(_("vier-ogenprincipe voldaan"))
    explanation = models.TextField(_("uitleg van de uitslag"))
    reasons = models.TextField(_("overwegingen"), blank=True, max_length=4000)
    closure = models.CharField(_("hoe gesloten"), max_length=10, choices=Closure.choices,
                               default=Closure.BY_CLOSER)
    # Empty when the vote closed by itself (deadline, or every seated member voted).
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                  blank=True, related_name="closed_decisions",
                                  verbose_name=_("gesloten door"))
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
                condition=Q(closure="manual", closed_by__isnull=False)
                | (~Q(closure="manual") & Q(closed_by__isnull=True)),
                name="decision_closed_by_matches_closure",
            ),
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


def document_path(document, filename: str) -> str:
    """Where a proposal's attachment is stored: by checksum, never by the name users gave
    it (files are private; they are downloaded through the policy)."""
    return (f"governance/{document.proposal.cooperative_id}/{document.proposal_id}/"
            f"{document.sha256}.{document.kind}")


class ProposalDocument(models.Model):
    """An attachment (PDF, XLSX, DOCX, ODT) of a proposal, frozen once voting opens: a change
    is a new version of the proposal. Checked by content (documents.py)."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        DOCX = "docx", "DOCX"
        ODT = "odt", "ODT"

    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="documents",
                                 verbose_name=_("voorstel"))
    filename = models.CharField(_("bestandsnaam"), max_length=200)
    kind = models.CharField(_("soort bestand"), max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("bestand"), upload_to=document_path, max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="proposal_documents",
                                    verbose_name=_("toegevoegd door"))
    uploaded_at = models.DateTimeField(_("toegevoegd op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["proposal", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "sha256"],
                                    name="document_once_per_proposal",
                                    violation_error_message=_(
                                        "Dit bestand is al bij dit voorstel gevoegd.")),
            models.CheckConstraint(condition=Q(kind__in=["pdf", "xlsx", "docx", "odt"]),
                                   name="document_kind_valid"),
        ]

    def __str__(self):
        return self.filename


class Proxy(models.Model):
    """A seated board member (the grantor) authorises another seated member (the holder) to
    vote for them, on one proposal or during a period, with the signed document attached.
    The rules (seated, at most `Cooperative.proxies_per_holder` at a time, conflicts) are in
    the services; the database holds the shape."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="proxies", verbose_name=_("coöperatie"))
    grantor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                related_name="proxies_given", verbose_name=_("volmachtgever"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                               related_name="proxies_held", verbose_name=_("gemachtigde"))
    proposal = models.ForeignKey(Proposal, models.PROTECT, null=True, blank=True,
                                 related_name="proxies", verbose_name=_("voor het voorstel"))
    valid_from = models.DateField(_("vanaf"), null=True, blank=True)
    valid_to = models.DateField(_("tot en met"), null=True, blank=True)
    filename = models.CharField(_("getekende machtiging"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    document = models.FileField(_("bestand"), upload_to="governance/proxies/", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="proxies_recorded",
                                    verbose_name=_("vastgelegd door"))
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("machtiging")
        verbose_name_plural = _("machtigingen")
        ordering = ["cooperative", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(grantor=F("holder")),
                                   name="proxy_not_to_oneself"),
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, valid_from__isnull=True,
                            valid_to__isnull=True)
                | Q(proposal__isnull=True, valid_from__isnull=False, valid_to__isnull=False,
                    valid_to__gte=F("valid_from")),
                name="proxy_for_a_proposal_or_a_period",
            ),
        ]

    def __str__(self):
        return f"{self.grantor} → {self.holder}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AppendOnly(Exception):
    """A comment is never changed or removed; a correction is a new comment."""


class CommentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Reacties worden niet gewijzigd; een correctie is een nieuwe reactie.")

    def delete(self):
        raise AppendOnly("Reacties worden niet verwijderd; een correctie is een nieuwe reactie.")


class Comment(models.Model):
    """A board member's contribution to the discussion of a proposal: append-only (a
    correction is a new comment that says which one it corrects), in the audit trail."""

    proposal = models.ForeignKey(Proposal, models.PROTECT, related_name="comments",
                                 verbose_name=_("voorstel"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                               related_name="proposal_comments", verbose_name=_("door"))
    text = models.TextField(_("reactie"), max_length=4000)
    corrects = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrigeert"))
    created_at = models.DateTimeField(_("geplaatst op"), default=timezone.now)
    history = HistoricalRecords()
    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["proposal", "created_at", "id"]

    def __str__(self):
        return f"{self.author}: {self.text[:40]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Reacties worden niet gewijzigd; een correctie is een nieuwe reactie.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Reacties worden niet verwijderd; een correctie is een nieuwe reactie.")
