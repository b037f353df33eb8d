"""Realisation: what partners actually spent, per neighbourhood × funding stream × period.

A round's year is cut into periods (months or quarters, the same kind for the whole round).
The board or the cooperative's finance opens and closes them; a closed period is locked.
Each partner enters its realisation of a period (a draft, then submitted: posted to the
ledger). A later correction of a closed period is posted in an open period: a reversal of
what was posted, plus a new posting, with a reason.

Amounts may be negative (a refund, or a correction of an earlier period): a negative line
must say why in its note (checked here and by the database).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import periods

NOTE_MAX = 2000
DUE_DAYS = 15  # a period's realisation is due this many days after its end, unless set
DUE_DAYS_MAX = 90


class PeriodKind(models.TextChoices):
    MONTH = periods.MONTH, _("maanden")
    QUARTER = periods.QUARTER, _("kwartalen")


class RealisationSettings(models.Model):
    """A cooperative's choices for realisation (set through services.realisation_settings_save;
    the set-up page shows them)."""

    class BudgetToDate(models.TextChoices):
        PRO_RATA = "pro_rata", _("naar rato van de perioden")
        DISTRIBUTION = "distribution", _("volgens een maandverdeling")

    cooperative = models.OneToOneField("cooperatie.Cooperative", models.CASCADE,
                                       related_name="realisation_settings",
                                       verbose_name=_("coöperatie"))
    period_kind = models.CharField(_("perioden"), max_length=10, choices=PeriodKind.choices,
                                   default=PeriodKind.MONTH,
                                   help_text=_("Voor nieuwe rondes; een ronde houdt de soort "
                                               "waarmee haar perioden zijn aangemaakt."))
    warning_percent = models.DecimalField(
        _("signaleringsdrempel (%)"), max_digits=6, decimal_places=2, default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text=_("Een signaal als de realisatie tot nu toe meer dan dit percentage boven de "
                    "begroting tot nu toe ligt. Het blokkeert nooit iets."))
    budget_to_date = models.CharField(_("begroting tot nu toe"), max_length=12,
                                      choices=BudgetToDate.choices,
                                      default=BudgetToDate.PRO_RATA)
    due_days = models.PositiveSmallIntegerField(
        _("inleveren binnen (dagen na de periode)"), default=DUE_DAYS,
        validators=[MaxValueValidator(DUE_DAYS_MAX)],
        help_text=_("Zoveel dagen na het einde van een periode moet de realisatie van elke "
                    "partner zijn ingediend; een herinnering gaat 3 dagen ervoor en op die dag."))
    # Twelve percentages as strings ("8.3333") that add up to exactly 100
    # (periods.check_distribution).
    monthly_percentages = models.JSONField(_("maandverdeling (%)"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instellingen realisatie")
        verbose_name_plural = _("instellingen realisatie")
        constraints = [
            models.CheckConstraint(condition=Q(warning_percent__gte=0),
                                   name="realisation_warning_not_negative"),
            models.CheckConstraint(condition=Q(due_days__lte=DUE_DAYS_MAX),
                                   name="realisation_due_days_max"),
        ]

    def __str__(self):
        return str(self.cooperative)

    def clean(self):
        if self.budget_to_date == self.BudgetToDate.DISTRIBUTION:
            try:
                periods.check_distribution(self.monthly_percentages or [])
            except (ValueError, ArithmeticError) as exc:
                raise ValidationError({"monthly_percentages": str(exc)}) from None

    @property
    def distribution(self) -> list[Decimal] | None:
        """The twelve monthly percentages, or None for pro rata."""
        if self.budget_to_date != self.BudgetToDate.DISTRIBUTION:
            return None
        return [Decimal(str(p)) for p in self.monthly_percentages]


def due_days_of(cooperative_id: int) -> int:
    found = RealisationSettings.objects.filter(cooperative_id=cooperative_id).values_list(
        "due_days", flat=True).first()
    return DUE_DAYS if found is None else found


class Period(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("nog niet geopend")
        OPEN = "open", _("open")
        CLOSED = "closed", _("gesloten")

    budget_round = models.ForeignKey("budgets.BudgetRound", models.PROTECT,
                                     related_name="periods", verbose_name=_("begrotingsronde"))
    kind = models.CharField(_("soort"), max_length=10, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField(_("nummer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    opened_at = models.DateTimeField(_("geopend op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("perioden")
        ordering = ["budget_round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["budget_round", "number"],
                                    name="period_number_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & (Q(number__lte=12, kind="month")
                                              | Q(number__lte=4, kind="quarter")),
                name="period_number_valid"),
        ]

    def __str__(self):
        return self.label

    @property
    def cooperative(self):
        return self.budget_round.cooperative

    @property
    def ref(self) -> periods.PeriodRef:
        return periods.PeriodRef(self.budget_round.year, self.kind, self.number)

    @property
    def code(self) -> str:
        return self.ref.code

    @property
    def label(self) -> str:
        return self.ref.label

    @property
    def due(self) -> date:
        """The day every partner's realisation of this period is due: the cooperative's
        number of days after the period's end (selectors.with_due sets it for a list)."""
        days = getattr(self, "_due_days", None)
        if days is None:
            days = due_days_of(self.budget_round.cooperative_id)
        return self.ref.end + timedelta(days=days)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class PartnerRealisation(models.Model):
    """One partner's realisation in one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")

    period = models.ForeignKey(Period, models.PROTECT, related_name="realisations",
                               verbose_name=_("periode"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="realisations", verbose_name=_("organisatie"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    # Optimistic locking, as for budgets: every change bumps it.
    version = models.PositiveIntegerField(_("versie"), default=1)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("realisatie")
        verbose_name_plural = _("realisaties")
        ordering = ["period", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "organisation"],
                                    name="realisation_one_per_partner_period"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.period}"

    @property
    def cooperative(self):
        return self.period.budget_round.cooperative

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class RealisationLine(models.Model):
    realisation = models.ForeignKey(PartnerRealisation, models.CASCADE, related_name="lines",
                                    verbose_name=_("realisatie"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT,
                                      related_name="realisation_lines", verbose_name=_("buurt"))
    funding_stream = models.ForeignKey("budgets.FundingStream", models.PROTECT,
                                       related_name="realisation_lines",
                                       verbose_name=_("financieringsstroom"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)
    note = models.TextField(_("toelichting"), blank=True, max_length=NOTE_MAX)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("realisatieregel")
        verbose_name_plural = _("realisatieregels")
        constraints = [
            models.UniqueConstraint(fields=["realisation", "neighbourhood", "funding_stream"],
                                    name="realisation_line_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0) | ~Q(note=""),
                                   name="realisation_negative_has_note"),
        ]

    def __str__(self):
        return f"{self.neighbourhood.code} / {self.funding_stream.code}: {self.amount}"

    def clean(self):
        if self.amount is not None and self.amount < 0 and not self.note.strip():
            raise ValidationError({"note": _(
                "Een negatief bedrag (een terugbetaling of correctie) vraagt een toelichting.")})


class StaffDeployment(models.Model):
    """FTE a partner actually deployed on one of its staff commitments in a period: the in-kind
    contribution realised, beside the one committed."""

    realisation = models.ForeignKey(PartnerRealisation, models.CASCADE,
                                    related_name="deployments", verbose_name=_("realisatie"))
    # A commitment removed later (a reopened budget whose staff were replaced) takes its
    # deployments along, with a history record each; what was posted stays in the ledger.
    commitment = models.ForeignKey("partners.StaffCommitment", models.CASCADE,
                                   related_name="deployments",
                                   verbose_name=_("beschikbaarheidsafspraak"))
    fte = models.DecimalField(_("ingezette fte"), max_digits=5, decimal_places=2,
                              validators=[MinValueValidator(Decimal("0")),
                                          MaxValueValidator(Decimal("100"))])
    note = models.TextField(_("toelichting"), blank=True, max_length=NOTE_MAX)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ingezette fte")
        verbose_name_plural = _("ingezette fte")
        constraints = [
            models.UniqueConstraint(fields=["realisation", "commitment"],
                                    name="deployment_unique"),
            models.CheckConstraint(condition=Q(fte__gte=0) & Q(fte__lte=100),
                                   name="deployment_fte_range"),
        ]

    def __str__(self):
        return f"{self.commitment}: {self.fte}"
