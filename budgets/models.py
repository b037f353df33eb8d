"""Funding streams, budget rounds, partner budgets and the shared ledger."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
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
    # The day by which members submit (inclusive); reminders go out before it.
    deadline = models.DateField(_("indienen uiterlijk op"), null=True, blank=True)
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
        REALISATION = "realisation", _("ingediende realisatie")
        PAYMENT = "payment", _("betaling van een voorschot")
        SETTLEMENT = "settlement", _("vaststelling van een lumpsum")

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
    # SHA-256 over the previous transaction's hash and this one's content (budgets.chain).
    chain_hash = models.CharField(_("ketenhash"), max_length=64, editable=False)

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
        REALISATION = "realisation", _("realisatie")
        IN_KIND_REALISED = "in_kind_realised", _("inzet in natura gerealiseerd (personeel)")
        # Advances paid, and what a settlement does with a partner's surplus or deficit.
        ADVANCE = "advance", _("voorschot betaald")
        SETTLEMENT = "settlement", _("vaststelling: verschil met de toewijzing")
        RESERVE = "reserve", _("reserve van de coöperatie")
        REFUND = "refund", _("terug naar de financier")

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
    # The period of the round a realisation is booked in (a correction of a closed period is
    # booked in the open one); empty for budgets and allocations, which are for the year.
    period = models.ForeignKey("realisation.Period", models.PROTECT, null=True, blank=True,
                               related_name="ledger_entries", verbose_name=_("periode"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("grootboekregel")
        verbose_name_plural = _("grootboekregels")
        ordering = ["id"]
        # One area's pages add up its neighbourhoods' entries of one year and kind: on the
        # neighbourhood alone they would read every year and kind of them (40 of 42 ms of the
        # pooled budget of one area, medium preset, SQLite).
        indexes = [models.Index(fields=["cooperative", "year", "kind"]),
                   models.Index(fields=["neighbourhood", "year", "kind"],
                                name="ledger_hood_year_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class LedgerBalance(models.Model):
    """Running totals of the ledger in whole cents per cooperative, year, kind, period,
    partner, area and funding stream, kept by `budgets.ledger` in the same transaction as every
    posting, so that pages need not add up millions of entries. Derived data, never edited by
    hand: `budgets.ledger.balances_rebuild` recomputes it from the entries. The dimensions are
    plain ids with 0 for "none" (so that the unique key holds without NULLs)."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE,
                                    related_name="ledger_balances")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LedgerEntry.Kind.choices)
    period = models.BigIntegerField(default=0)
    organisation = models.BigIntegerField(default=0)
    area = models.BigIntegerField(default=0)  # of the entry's neighbourhood, else its team
    funding_stream = models.BigIntegerField(default=0)
    cents = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("saldo grootboek")
        verbose_name_plural = _("saldi grootboek")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year", "kind", "period", "organisation", "area",
                        "funding_stream"], name="ledger_balance_key"),
        ]

    def __str__(self):
        return f"{self.year} {self.kind}: {self.cents} ct"


class NeighbourhoodBalance(models.Model):
    """Running totals per neighbourhood (any partner or stream), kept like LedgerBalance."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE,
                                    related_name="neighbourhood_balances")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LedgerEntry.Kind.choices)
    period = models.BigIntegerField(default=0)
    neighbourhood = models.BigIntegerField()
    cents = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("saldo grootboek per buurt")
        verbose_name_plural = _("saldi grootboek per buurt")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year", "kind", "period",
                                            "neighbourhood"], name="hood_balance_key"),
        ]

    def __str__(self):
        return f"{self.year} {self.kind} {self.neighbourhood}: {self.cents} ct"


class DimensionBalance(models.Model):
    """Running totals per period of one dimension at a time (partner, area or funding
    stream), kept like LedgerBalance and equal to its sums over the other two: a page's
    figures per partner to date add up dozens of rows instead of LedgerBalance's partner ×
    area × stream × period (a hundred thousand realisation rows a year at 1,700
    neighbourhoods)."""

    class Dimension(models.TextChoices):
        ORGANISATION = "organisation", _("partner")
        AREA = "area", _("gebied")
        FUNDING_STREAM = "funding_stream", _("financieringsstroom")

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE,
                                    related_name="dimension_balances")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=LedgerEntry.Kind.choices)
    period = models.BigIntegerField(default=0)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    key = models.BigIntegerField(default=0)  # the partner's, area's or stream's id; 0: none
    cents = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("saldo grootboek per dimensie")
        verbose_name_plural = _("saldi grootboek per dimensie")
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year", "kind", "dimension",
                                            "period", "key"], name="dimension_balance_key"),
        ]

    def __str__(self):
        return f"{self.year} {self.kind} {self.dimension} {self.key}: {self.cents} ct"


# --- lump sums and their allocation ---------------------------------------------------------

YEAR_SANE = models.Q(year__gte=2000, year__lte=2100)


class LumpSumGrant(models.Model):
    """A fixed amount from a funder for a year, to be split over the partners by a plan."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="grants", verbose_name=_("coöperatie"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    funder = models.ForeignKey("partners.Organisation", models.PROTECT, null=True, blank=True,
                               related_name="grants_given", verbose_name=_("financier"))
    funder_name = models.CharField(_("naam financier"), max_length=200, blank=True,
                                   help_text=_("Als de financier geen organisatie in het "
                                               "systeem is."))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)
    funding_stream = models.ForeignKey(FundingStream, models.PROTECT, related_name="grants",
                                       verbose_name=_("financieringsstroom"))
    description = models.TextField(_("wat het dekt"), max_length=2000)
    # A lump sum for one team (as Hollands Kroon funds its ambulant team): the team's
    # realisation is shown against it (budgets.realisation.selectors.team_grants).
    team = models.ForeignKey("cooperatie.Team", models.PROTECT, null=True, blank=True,
                             related_name="grants", verbose_name=_("voor het team"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lumpsum")
        verbose_name_plural = _("lumpsums")
        ordering = ["cooperative", "-year", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(condition=YEAR_SANE, name="grant_year_sane"),
            models.CheckConstraint(
                condition=models.Q(funder__isnull=False) | ~models.Q(funder_name=""),
                name="grant_has_a_funder",
            ),
        ]

    def __str__(self):
        return f"{self.funder_label} {self.year}"

    @property
    def funder_label(self) -> str:
        return self.funder.name if self.funder_id else self.funder_name

    def clean(self):
        errors = {}
        if self.amount is not None:
            if self.amount <= 0:
                errors["amount"] = _("Het bedrag van een lumpsum moet groter zijn dan 0.")
            elif self.amount != self.amount.quantize(Decimal("0.01")):
                errors["amount"] = _("Een bedrag heeft hoogstens 2 decimalen (%(value)s).") % {
                    "value": self.amount}
        if not self.funder_id and not self.funder_name.strip():
            errors["funder"] = _("Kies de financier of vul de naam van de financier in.")
        if (self.funding_stream_id and self.cooperative_id
                and self.funding_stream.cooperative_id != self.cooperative_id):
            errors["funding_stream"] = _("Deze financieringsstroom hoort bij een andere "
                                         "coöperatie.")
        if self.team_id and self.cooperative_id and self.team.cooperative_id != self.cooperative_id:
            errors["team"] = _("Dit team hoort bij een andere coöperatie.")
        if errors:
            raise ValidationError(errors)


class AllocationPlan(models.Model):
    """A grant split to the cent by a key; versioned. Adopted plans are immutable: a change is
    a new version that supersedes the adopted one once the board adopts it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PROPOSED = "proposed", _("voorgesteld")
        ADOPTED = "adopted", _("vastgesteld")
        REJECTED = "rejected", _("verworpen")
        SUPERSEDED = "superseded", _("vervangen")

    class Method(models.TextChoices):
        PARTNERS = "partners", _("over de partners")
        PER_INHABITANT = "per_inhabitant", _("per inwoner over de buurten, dan over de partners")

    class Schedule(models.TextChoices):
        NONE = "none", _("geen voorschotten (in één keer)")
        QUARTERLY = "quarterly", _("per kwartaal")
        MONTHLY = "monthly", _("per maand")

    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED)

    grant = models.ForeignKey(LumpSumGrant, models.PROTECT, related_name="plans",
                              verbose_name=_("lumpsum"))
    version = models.PositiveSmallIntegerField(_("versie"))
    supersedes = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                                   related_name="superseded_by", verbose_name=_("vervangt"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    method = models.CharField(_("methode"), max_length=20, choices=Method.choices,
                              default=Method.PARTNERS)
    schedule = models.CharField(_("voorschotten"), max_length=12, choices=Schedule.choices,
                                default=Schedule.QUARTERLY)
    note = models.TextField(_("toelichting"), blank=True, max_length=4000)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                   related_name="drafted_plans", verbose_name=_("opgesteld door"))
    proposal = models.OneToOneField("cooperatie.Proposal", models.PROTECT, null=True,
                                    blank=True, related_name="allocation_plan",
                                    verbose_name=_("voorstel"))
    posting = models.OneToOneField(LedgerTransaction, models.PROTECT, null=True, blank=True,
                                   related_name="allocation_plan",
                                   verbose_name=_("boeking in het grootboek"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verdeling")
        verbose_name_plural = _("verdelingen")
        ordering = ["grant", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["grant"], condition=models.Q(status__in=["draft", "proposed"]),
                name="plan_one_open_per_grant",
                violation_error_message=_(
                    "Voor deze lumpsum is al een verdeling in voorbereiding."),
            ),
            models.UniqueConstraint(
                fields=["grant"], condition=models.Q(status="adopted"),
                name="plan_one_adopted_per_grant",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="plan_version_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft"]) | models.Q(proposal__isnull=False),
                name="plan_beyond_draft_has_a_proposal",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="adopted") | models.Q(posting__isnull=False),
                name="plan_adopted_is_posted",
            ),
        ]

    def __str__(self):
        return _("%(grant)s, versie %(version)s") % {"grant": self.grant, "version": self.version}

    @property
    def cooperative(self):
        return self.grant.cooperative

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_adopted(self) -> bool:
        return self.status == self.Status.ADOPTED


class AllocationKey(models.Model):
    """The agreed key of a plan: fixed percentages per partner, or baseline figures (previous
    turnover or client numbers) the percentages are derived from."""

    class Basis(models.TextChoices):
        PERCENTAGES = "percentages", _("vaste percentages")
        BASELINE = "baseline", _("basisgegevens (omzet of aantallen)")

    class Unit(models.TextChoices):
        EURO = "euro", _("euro (omzet of kosten)")
        COUNT = "count", _("aantal (bijvoorbeeld cliënten)")

    plan = models.OneToOneField(AllocationPlan, models.CASCADE, related_name="key",
                                verbose_name=_("verdeling"))
    basis = models.CharField(_("grondslag"), max_length=12, choices=Basis.choices,
                             default=Basis.PERCENTAGES)
    unit = models.CharField(_("eenheid van de basisgegevens"), max_length=8, choices=Unit.choices,
                            default=Unit.EURO)
    description = models.CharField(_("omschrijving"), max_length=300, blank=True,
                                   help_text=_("Bijvoorbeeld: cliëntaantallen 2025."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verdeelsleutel")
        verbose_name_plural = _("verdeelsleutels")

    def __str__(self):
        return self.description or self.get_basis_display()


class AllocationKeyShare(models.Model):
    key = models.ForeignKey(AllocationKey, models.CASCADE, related_name="shares",
                            verbose_name=_("verdeelsleutel"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="key_shares", verbose_name=_("partner"))
    # A percentage (fixed key) or a baseline figure (turnover in euros, a count of clients).
    value = models.DecimalField(_("waarde"), max_digits=16, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aandeel in de verdeelsleutel")
        verbose_name_plural = _("aandelen in de verdeelsleutel")
        ordering = ["key", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["key", "organisation"], name="key_share_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0),
                                   name="key_share_not_negative"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.value}"


class PlanNeighbourhoodWeight(models.Model):
    """For per-inhabitant plans: a neighbourhood's inhabitants count `weight` times (1 when
    absent; 0 leaves the neighbourhood out)."""

    plan = models.ForeignKey(AllocationPlan, models.CASCADE, related_name="weights",
                             verbose_name=_("verdeling"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT,
                                      related_name="plan_weights", verbose_name=_("buurt"))
    weight = models.DecimalField(_("weging"), max_digits=8, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weging van een buurt")
        verbose_name_plural = _("wegingen van buurten")
        constraints = [
            models.UniqueConstraint(fields=["plan", "neighbourhood"], name="plan_weight_unique"),
            models.CheckConstraint(condition=models.Q(weight__gte=0),
                                   name="plan_weight_not_negative"),
        ]

    def __str__(self):
        return f"{self.neighbourhood.code}: {self.weight}"


class AllocationLine(models.Model):
    """What a partner gets (in a neighbourhood, for per-inhabitant plans); frozen when the
    plan is proposed."""

    plan = models.ForeignKey(AllocationPlan, models.CASCADE, related_name="lines",
                             verbose_name=_("verdeling"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="allocation_lines", verbose_name=_("partner"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT, null=True,
                                      blank=True, related_name="allocation_lines",
                                      verbose_name=_("buurt"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        ordering = ["plan", "organisation__name", "neighbourhood__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"], condition=models.Q(neighbourhood__isnull=True),
                name="allocation_line_unique_partner",
            ),
            models.UniqueConstraint(
                fields=["plan", "organisation", "neighbourhood"],
                condition=models.Q(neighbourhood__isnull=False),
                name="allocation_line_unique_partner_hood",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="allocation_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.amount}"


class AllocationTranche(models.Model):
    """One advance of a partner's allocation; a partner's tranches add up to its allocation."""

    plan = models.ForeignKey(AllocationPlan, models.CASCADE, related_name="tranches",
                             verbose_name=_("verdeling"))
    organisation = models.ForeignKey("partners.Organisation", models.PROTECT,
                                     related_name="allocation_tranches", verbose_name=_("partner"))
    number = models.PositiveSmallIntegerField(_("termijn"))
    due_date = models.DateField(_("vervaldatum"))
    amount = models.DecimalField(_("bedrag"), max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voorschot")
        verbose_name_plural = _("voorschotten")
        ordering = ["plan", "organisation__name", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation", "number"],
                                    name="tranche_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=12),
                                   name="tranche_number_valid"),
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="tranche_not_negative"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.number}: {self.amount}"
