"""Funding streams, budget rounds, partner budgets and the shared ledger."""

from django.db import models
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
