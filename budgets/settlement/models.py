"""Advances paid, settlements of lump sums, and what a settlement decided per partner.

A payment is a fact: it is posted to the ledger when it is recorded and never changed; a
correction is its reversal (with a reason), after which the right payment is recorded anew.

A settlement (vaststelling) is versioned like an allocation plan: drafted by the board
(the treasurer), frozen and put to the board as a proposal, adopted (posted to the ledger as
one balanced transaction) or rejected. An adopted settlement is never changed: a change is a
new version which, once adopted, supersedes it and reverses its posting.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 4}
HUNDRED = Decimal("100")


class AdvancePayment(models.Model):
    """Money actually paid against a tranche of an allocation (in full or in part)."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="advance_payments", verbose_name=_("coöperatie"))
    tranche = models.ForeignKey("budgets.AllocationTranche", models.PROTECT,
                                related_name="payments", verbose_name=_("voorschot"))
    paid_on = models.DateField(_("betaald op"))
    amount = models.DecimalField(_("bedrag"), **MONEY)
    reference = models.CharField(_("referentie bankafschrift"), max_length=100)
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                    related_name="recorded_payments",
                                    verbose_name=_("geboekt door"))
    recorded_at = models.DateTimeField(_("geboekt op"), default=timezone.now)
    posting = models.OneToOneField("budgets.LedgerTransaction", models.PROTECT,
                                   related_name="advance_payment",
                                   verbose_name=_("boeking in het grootboek"))
    reversal = models.OneToOneField("budgets.LedgerTransaction", models.PROTECT, null=True,
                                    blank=True, related_name="reversed_payment",
                                    verbose_name=_("tegenboeking"))
    reversal_reason = models.TextField(_("reden van de tegenboeking"), blank=True,
                                       max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("betaling van een voorschot")
        verbose_name_plural = _("betalingen van voorschotten")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A bank statement line pays once: its reference is used by one live payment.
            models.UniqueConstraint(
                fields=["cooperative", "reference"], condition=Q(reversal__isnull=True),
                name="payment_reference_once",
                violation_error_message=_("Deze referentie van het bankafschrift is al "
                                          "geboekt.")),
            models.CheckConstraint(condition=Q(reversal__isnull=True) | ~Q(reversal_reason=""),
                                   name="payment_reversal_has_reason"),
        ]

    def __str__(self):
        return f"{self.tranche} ({self.reference})"

    @property
    def is_reversed(self) -> bool:
        return self.reversal_id is not None


class Settlement(models.Model):
    """The settlement of one lump sum after its year: per partner the allocation against the
    realisation, and the cooperative's rule for a surplus and for a deficit (each a set of
    shares that add up to 100 %), with a key for what is redistributed over the partners."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PROPOSED = "proposed", _("voorgesteld")
        ADOPTED = "adopted", _("vastgesteld")
        REJECTED = "rejected", _("verworpen")
        SUPERSEDED = "superseded", _("vervangen")

    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED)

    grant = models.ForeignKey("budgets.LumpSumGrant", models.PROTECT, related_name="settlements",
                              verbose_name=_("lumpsum"))
    version = models.PositiveSmallIntegerField(_("versie"))
    supersedes = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by", verbose_name=_("vervangt"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    plan = models.ForeignKey("budgets.AllocationPlan", models.PROTECT,
                             related_name="settlements",
                             verbose_name=_("verdeling die wordt vastgesteld"))
    # What happens to a surplus: percentages that add up to 100.
    surplus_partner = models.DecimalField(_("overschot: blijft bij de partner (%)"), **PERCENT,
                                          default=HUNDRED)
    surplus_reserve = models.DecimalField(_("overschot: naar de reserve (%)"), **PERCENT,
                                          default=Decimal("0"))
    surplus_funder = models.DecimalField(_("overschot: terug naar de financier (%)"), **PERCENT,
                                         default=Decimal("0"))
    surplus_key = models.DecimalField(_("overschot: herverdeeld naar de sleutel (%)"),
                                      **PERCENT, default=Decimal("0"))
    # What happens to a deficit: percentages that add up to 100.
    deficit_partner = models.DecimalField(_("tekort: gedragen door de partner (%)"), **PERCENT,
                                          default=HUNDRED)
    deficit_reserve = models.DecimalField(_("tekort: gedragen door de reserve (%)"), **PERCENT,
                                          default=Decimal("0"))
    deficit_key = models.DecimalField(_("tekort: gedragen naar de sleutel (%)"), **PERCENT,
                                      default=Decimal("0"))
    note = models.TextField(_("toelichting"), blank=True, max_length=4000)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                   related_name="drafted_settlements",
                                   verbose_name=_("opgesteld door"))
    proposal = models.OneToOneField("cooperatie.Proposal", models.PROTECT, null=True,
                                    blank=True, related_name="settlement",
                                    verbose_name=_("voorstel"))
    posting = models.OneToOneField("budgets.LedgerTransaction", models.PROTECT, null=True,
                                   blank=True, related_name="settlement",
                                   verbose_name=_("boeking in het grootboek"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vaststelling")
        verbose_name_plural = _("vaststellingen")
        ordering = ["grant", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"],
                                    name="settlement_version_unique"),
            models.UniqueConstraint(
                fields=["grant"], condition=Q(status__in=["draft", "proposed"]),
                name="settlement_one_open_per_grant",
                violation_error_message=_("Voor deze lumpsum is al een vaststelling in "
                                          "voorbereiding.")),
            models.UniqueConstraint(fields=["grant"], condition=Q(status="adopted"),
                                    name="settlement_one_adopted_per_grant"),
            models.CheckConstraint(condition=Q(version__gte=1),
                                   name="settlement_version_valid"),
            models.CheckConstraint(condition=Q(status="draft") | Q(proposal__isnull=False),
                                   name="settlement_beyond_draft_has_a_proposal"),
            models.CheckConstraint(condition=~Q(status="adopted") | Q(posting__isnull=False),
                                   name="settlement_adopted_is_posted"),
            models.CheckConstraint(
                condition=Q(surplus_partner__gte=0, surplus_partner__lte=100,
                            surplus_reserve__gte=0, surplus_reserve__lte=100,
                            surplus_funder__gte=0, surplus_funder__lte=100,
                            surplus_key__gte=0, surplus_key__lte=100,
                            deficit_partner__gte=0, deficit_partner__lte=100,
                            deficit_reserve__gte=0, deficit_reserve__lte=100,
                            deficit_key__gte=0, deficit_key__lte=100),
                name="settlement_shares_are_percentages"),
        ]

    def __str__(self):
        return _("Vaststelling %(grant)s, versie %(version)s") % {"grant": self.grant,
                                                                  "version": self.version}

    @property
    def cooperative(self):
        return self.grant.cooperative

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED

    @property
    def surplus_shares(self) -> dict[str, Decimal]:
        return {"partner": self.surplus_partner, "reserve": self.surplus_reserve,
                "funder": self.surplus_funder, "key": self.surplus_key}

    @property
    def deficit_shares(self) -> dict[str, Decimal]:
        return {"partner": self.deficit_partner, "reserve": self.deficit_reserve,
                "key": self.deficit_key}


class SettlementKeyShare(models.Model):
    """A partner's percentage in the key by which a settlement redistributes surpluses (or
    spreads deficits) over the partners; the percentages add up to 100."""

    settlement = models.ForeignKey(Settlement, models.CASCADE, related_name="key_shares",
                                   verbose_name=_("vaststelling"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="settlement_key_shares",
                                     verbose_name=_("partner"))
    percentage = models.DecimalField(_("percentage"), **PERCENT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aandeel in de sleutel van een vaststelling")
        verbose_name_plural = _("aandelen in de sleutel van een vaststelling")
        ordering = ["settlement", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "organisation"],
                                    name="settlement_key_share_unique"),
            models.CheckConstraint(condition=Q(percentage__gte=0, percentage__lte=100),
                                   name="settlement_key_share_percentage"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.percentage}"


class SettlementLine(models.Model):
    """What the settlement comes to for one partner, frozen when it is put to the board.

    result = allocated − realised (a surplus when positive, a deficit when negative); of a
    surplus the partner keeps `kept`, and `to_reserve`, `to_funder` and `to_key` go elsewhere;
    of a deficit the partner bears `borne`, the reserve `from_reserve` and the partners by the
    key `deficit_to_key`. By the key the partner receives `key_received` of what is
    redistributed and bears `key_borne` of the deficits spread. settled = realised + kept −
    borne + key_received − key_borne: what the partner finally gets from the lump sum."""

    settlement = models.ForeignKey(Settlement, models.CASCADE, related_name="lines",
                                   verbose_name=_("vaststelling"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="settlement_lines", verbose_name=_("partner"))
    allocated = models.DecimalField(_("toegewezen"), **MONEY)
    realised = models.DecimalField(_("gerealiseerd"), **MONEY)
    kept = models.DecimalField(_("blijft bij de partner"), **MONEY)
    borne = models.DecimalField(_("gedragen door de partner"), **MONEY)
    to_reserve = models.DecimalField(_("naar de reserve"), **MONEY)
    from_reserve = models.DecimalField(_("uit de reserve"), **MONEY)
    to_funder = models.DecimalField(_("terug naar de financier"), **MONEY)
    to_key = models.DecimalField(_("naar de sleutel (overschot)"), **MONEY)
    deficit_to_key = models.DecimalField(_("naar de sleutel (tekort)"), **MONEY)
    key_received = models.DecimalField(_("ontvangen naar de sleutel"), **MONEY)
    key_borne = models.DecimalField(_("gedragen naar de sleutel"), **MONEY)
    settled = models.DecimalField(_("vastgesteld"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vaststelling per partner")
        verbose_name_plural = _("vaststellingen per partner")
        ordering = ["settlement", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "organisation"],
                                    name="settlement_line_unique"),
            models.CheckConstraint(
                condition=Q(kept__gte=0, borne__gte=0, to_reserve__gte=0, from_reserve__gte=0,
                            to_funder__gte=0, to_key__gte=0, deficit_to_key__gte=0,
                            key_received__gte=0, key_borne__gte=0),
                name="settlement_line_parts_not_negative"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.settled}"

    @property
    def result(self) -> Decimal:
        return self.allocated - self.realised
