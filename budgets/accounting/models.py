"""The mapping from the shared ledger to a cooperative's own chart of accounts, historied.

An entry goes to the account of its kind and funding stream, or else of its kind (any
stream). A posting that does not balance by itself (a budget put on the table, spending)
gets its other side on the contra account of its kind of posting; a reversal follows the
posting it reverses. Neighbourhoods carry a cost centre (XAF costID), streams optionally a
cost unit (XAF projID)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from budgets.models import LedgerEntry, LedgerTransaction

# What accounting packages accept as an account or cost-centre code (XAF: at most 35).
account_code = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,34}$", _(
    "Een code is 1 tot 35 letters, cijfers, punten, streepjes of schuine strepen, zonder "
    "spaties."))
POSTING_KINDS = [(k, label) for k, label in LedgerTransaction.Kind.choices
                 if k != LedgerTransaction.Kind.REVERSAL]


class GeneralLedgerAccount(models.Model):
    class Type(models.TextChoices):
        BALANCE = "B", _("balans")
        PROFIT_LOSS = "P", _("winst-en-verlies")

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="gl_accounts", verbose_name=_("coöperatie"))
    code = models.CharField(_("rekeningnummer"), max_length=35, validators=[account_code])
    name = models.CharField(_("omschrijving"), max_length=200)
    type = models.CharField(_("soort rekening"), max_length=1, choices=Type.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grootboekrekening")
        verbose_name_plural = _("grootboekrekeningen")
        ordering = ["cooperative", "code"]
        constraints = [models.UniqueConstraint(fields=["cooperative", "code"],
                                               name="gl_account_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


class AccountMapping(models.Model):
    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="account_mappings", verbose_name=_("coöperatie"))
    kind = models.CharField(_("soort regel"), max_length=20, choices=LedgerEntry.Kind.choices)
    funding_stream = models.ForeignKey("budgets.FundingStream", models.PROTECT, null=True,
                                       blank=True, related_name="account_mappings",
                                       verbose_name=_("financieringsstroom"))
    account = models.ForeignKey(GeneralLedgerAccount, models.PROTECT, related_name="mappings",
                                verbose_name=_("grootboekrekening"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koppeling aan een grootboekrekening")
        verbose_name_plural = _("koppelingen aan grootboekrekeningen")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "kind"],
                                    condition=Q(funding_stream__isnull=True),
                                    name="account_mapping_kind_unique"),
            models.UniqueConstraint(fields=["cooperative", "kind", "funding_stream"],
                                    condition=Q(funding_stream__isnull=False),
                                    name="account_mapping_kind_stream_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.account.code}"


class ContraAccount(models.Model):
    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="contra_accounts", verbose_name=_("coöperatie"))
    posting_kind = models.CharField(_("soort boeking"), max_length=20, choices=POSTING_KINDS)
    account = models.ForeignKey(GeneralLedgerAccount, models.PROTECT, related_name="contra_for",
                                verbose_name=_("tegenrekening"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tegenrekening")
        verbose_name_plural = _("tegenrekeningen")
        constraints = [models.UniqueConstraint(fields=["cooperative", "posting_kind"],
                                               name="contra_account_unique")]

    def __str__(self):
        return f"{self.get_posting_kind_display()} → {self.account.code}"


class CostCentre(models.Model):
    neighbourhood = models.OneToOneField("cooperatie.Neighbourhood", models.PROTECT,
                                         related_name="cost_centre", verbose_name=_("buurt"))
    code = models.CharField(_("kostenplaats"), max_length=35, validators=[account_code])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kostenplaats")
        verbose_name_plural = _("kostenplaatsen")

    def __str__(self):
        return self.code


class CostUnit(models.Model):
    funding_stream = models.OneToOneField("budgets.FundingStream", models.PROTECT,
                                          related_name="cost_unit",
                                          verbose_name=_("financieringsstroom"))
    code = models.CharField(_("kostendrager"), max_length=35, validators=[account_code])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kostendrager")
        verbose_name_plural = _("kostendragers")

    def __str__(self):
        return self.code
