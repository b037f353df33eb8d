"""Funding streams, budget rounds, partner budgets and the shared ledger."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatie.validators import code_validator


class FundingStream(models.Model):
    class Law(models.TextChoices):
        WMO = "wmo", _("Wmo 2015")
        YOUTH = "jeugdwet", _("Jeugdwet")
        PARTICIPATION = "participatiewet", _("Participatiewet")
        ZVW = "zvw", _("Zorgverzekeringswet (Zvw)")
        WLZ = "wlz", _("Wet langdurige zorg (Wlz)")
        OWN = "own", _("eigen middelen")
        OTHER = "other", _("overig")

    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="funding_streams",
        verbose_name=_("coöperatie"),
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    law = models.CharField(_("wet"), max_length=20, choices=Law.choices)
    taakveld = models.CharField(_("taakveld"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financieringsstroom")
        verbose_name_plural = _("financieringsstromen")
        ordering = ["cooperative", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="stream_code_unique")
        ]

    def __str__(self):
        return self.name


class BudgetRound(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("gesloten")

    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="budget_rounds",
        verbose_name=_("coöperatie"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("begrotingsronde")
        verbose_name_plural = _("begrotingsrondes")
        ordering = ["cooperative", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="round_year_unique"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100),
                                   name="round_year_sane"),
        ]

    def __str__(self):
        return f"{self.cooperative} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PartnerBudget(models.Model):
    """One member organisation's budget in a round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SUBMITTED = "submitted", _("ingediend")

    budget_round = models.ForeignKey(
        BudgetRound, models.PROTECT, related_name="budgets", verbose_name=_("begrotingsronde")
    )
    organisation = models.ForeignKey(
        "partners.Organisation", models.PROTECT, related_name="budgets",
        verbose_name=_("organisatie"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    # Optimistic locking: every change bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(_("versie"), default=1)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("begroting")
        verbose_name_plural = _("begrotingen")
        ordering = ["budget_round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget_round", "organisation"],
                                    name="budget_one_per_partner")
        ]

    def __str__(self):
        return f"{self.organisation} {self.budget_round.year}"

    @property
    def cooperative(self):
        return self.budget_round.cooperative

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class BudgetLine(models.Model):
    budget = models.ForeignKey(PartnerBudget, models.CASCADE, related_name="lines",
                               verbose_name=_("begroting"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT,
                                      related_name="budget_lines", verbose_name=_("buurt"))
    funding_stream = models.ForeignKey(FundingStream, models.PROTECT, related_name="budget_lines",
                                       verbose_name=_("financieringsstroom"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("begrotingsregel")
        verbose_name_plural = _("begrotingsregels")
        constraints = [
            models.UniqueConstraint(fields=["budget", "neighbourhood", "funding_stream"],
                                    name="budget_line_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="budget_line_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.neighbourhood.code} / {self.funding_stream.code}: {self.amount}"


# --- the shared ledger: append-only ---------------------------------------------------------


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Het grootboek is alleen-toevoegen: boekingen wijzigen kan niet.")

    def delete(self):
        raise AppendOnlyError("Het grootboek is alleen-toevoegen: boekingen verwijderen kan niet.")


class AppendOnlyModel(models.Model):
    """Written once, never updated or deleted (also refused by PostgreSQL triggers)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Het grootboek is alleen-toevoegen: boekingen wijzigen kan niet.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Het grootboek is alleen-toevoegen: boekingen verwijderen kan niet.")


class LedgerTransaction(AppendOnlyModel):
    """One posting: a set of entries that belong together, with who posted it and why."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("ingediende begroting")
        ALLOCATION = "allocation", _("toewijzing lumpsum")
        REVERSAL = "reversal", _("tegenboeking")

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="ledger_transactions",
                                    verbose_name=_("coöperatie"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # What the posting is about, e.g. ("budget", 12) or ("plan", 3): to find the live posting.
    source_type = models.CharField(_("bron"), max_length=20)
    source_id = models.PositiveBigIntegerField(_("bron-id"))
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("keert terug"))
    description = models.CharField(_("omschrijving"), max_length=300)
    reason = models.TextField(_("reden"), blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                  related_name="ledger_transactions",
                                  verbose_name=_("geboekt door"))
    posted_at = models.DateTimeField(_("geboekt op"), default=timezone.now)

    class Meta:
        verbose_name = _("boeking")
        verbose_name_plural = _("boekingen")
        ordering = ["id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self):
        return f"#{self.pk} {self.description}"


class LedgerEntry(AppendOnlyModel):
    """A signed amount on the dimensions reports aggregate over."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", _("inbreng begroting")
        IN_KIND = "in_kind", _("inbreng in natura (personeel)")
        GRANT = "grant", _("lumpsum")
        ALLOCATION = "allocation", _("toewijzing")

    transaction = models.ForeignKey(LedgerTransaction, models.PROTECT, related_name="entries",
                                    verbose_name=_("boeking"))
    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="ledger_entries", verbose_name=_("coöperatie"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT, null=True,
                                     blank=True, related_name="ledger_entries",
                                     verbose_name=_("organisatie"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT, null=True,
                                      blank=True, related_name="ledger_entries",
                                      verbose_name=_("buurt"))
    funding_stream = models.ForeignKey(FundingStream, models.PROTECT, null=True, blank=True,
                                       related_name="ledger_entries",
                                       verbose_name=_("financieringsstroom"))
    team = models.ForeignKey("cooperatie.Team", models.PROTECT, null=True, blank=True,
                             related_name="ledger_entries", verbose_name=_("team"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("grootboekregel")
        verbose_name_plural = _("grootboekregels")
        ordering = ["id"]
        indexes = [models.Index(fields=["cooperative", "year", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"
