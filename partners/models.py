"""Member organisations and the people who act for them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatie.validators import code_validator, kvk_validator


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CARE = "care", _("zorgaanbieder")
        WELFARE = "welfare", _("welzijnsorganisatie")
        MUNICIPALITY = "municipality", _("gemeente")
        INSURER = "insurer", _("zorgverzekeraar")
        HOUSING = "housing", _("woningcorporatie")
        OTHER = "other", _("overig")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    kvk_number = models.CharField(
        _("KvK-nummer"), max_length=8, unique=True, validators=[kvk_validator]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationRole(models.Model):
    """A user acting for a member organisation: its director or its finance staff."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("directeur")
        FINANCE = "finance", _("financiën")

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="roles", verbose_name=_("organisatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="organisation_roles",
        verbose_name=_("gebruiker"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rol bij een organisatie")
        verbose_name_plural = _("rollen bij organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="organisation_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} ({self.organisation})"


# --- staff availability "without back numbers" ----------------------------------------------

FTE_MAX = Decimal("100")


def fte_field(verbose_name):
    # Two decimals, at most 100 on one line (checked by validators and by the database).
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(FTE_MAX)],
    )


def _same_cooperative(obj, errors: dict) -> None:
    """The team belongs to the round's cooperative."""
    if obj.team_id and obj.budget_round_id:
        if obj.team.cooperative_id != obj.budget_round.cooperative_id:
            errors["team"] = _("Het team %(team)s hoort bij een andere coöperatie.") % {
                "team": obj.team.code}


class TeamNeed(models.Model):
    """What a team needs in a round's year: FTE of one expertise (set by the board)."""

    budget_round = models.ForeignKey(
        "budgets.BudgetRound", models.PROTECT, related_name="team_needs",
        verbose_name=_("begrotingsronde"),
    )
    team = models.ForeignKey(
        "cooperatie.Team", models.PROTECT, related_name="needs", verbose_name=_("team")
    )
    expertise = models.ForeignKey(
        "cooperatie.Expertise", models.PROTECT, related_name="needs",
        verbose_name=_("expertise"),
    )
    fte = fte_field(_("benodigde fte"))
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("behoefte van een team")
        verbose_name_plural = _("behoeften van teams")
        ordering = ["budget_round", "team__code", "expertise__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_round", "team", "expertise"], name="team_need_unique",
                violation_error_message=_(
                    "Dit team heeft in deze ronde al een behoefte voor deze expertise."),
            ),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=FTE_MAX),
                                   name="team_need_fte_range"),
        ]

    def __str__(self):
        return f"{self.team.code} {self.expertise.code}: {self.fte} fte"

    def clean(self):
        errors = {}
        _same_cooperative(self, errors)
        if errors:
            raise ValidationError(errors)


class StaffCommitment(models.Model):
    """Partner P makes `fte` of expertise E available to team T for a period of the round's
    year, valued at an agreed annual cost per FTE (the in-kind contribution)."""

    budget_round = models.ForeignKey(
        "budgets.BudgetRound", models.PROTECT, related_name="staff_commitments",
        verbose_name=_("begrotingsronde"),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="staff_commitments",
        verbose_name=_("organisatie"),
    )
    team = models.ForeignKey(
        "cooperatie.Team", models.PROTECT, related_name="staff_commitments",
        verbose_name=_("team"),
    )
    expertise = models.ForeignKey(
        "cooperatie.Expertise", models.PROTECT, related_name="staff_commitments",
        verbose_name=_("expertise"),
    )
    fte = fte_field(_("fte"))
    annual_cost = models.DecimalField(
        _("kosten per fte per jaar"), max_digits=14, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    period_start = models.DateField(_("vanaf"))
    period_end = models.DateField(_("tot en met"))
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beschikbaarheidsafspraak")
        verbose_name_plural = _("beschikbaarheidsafspraken")
        ordering = ["budget_round", "organisation__name", "team__code", "expertise__code",
                    "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_round", "organisation", "team", "expertise", "period_start"],
                name="staff_commitment_unique_start",
                # Periods may overlap (0,4 fte extra from September on top of a whole-year
                # line); two lines with the same start would be one line typed twice.
                violation_error_message=_(
                    "Er is al een afspraak van deze partner voor dit team en deze expertise "
                    "met dezelfde begindatum; pas die afspraak aan."),
            ),
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=FTE_MAX),
                                   name="staff_commitment_fte_range"),
            models.CheckConstraint(condition=Q(annual_cost__gte=0),
                                   name="staff_commitment_cost_not_negative"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="staff_commitment_period_valid"),
        ]

    def __str__(self):
        return f"{self.organisation.code} → {self.team.code} {self.expertise.code}: {self.fte}"

    def clean(self):
        errors = {}
        _same_cooperative(self, errors)
        start, end = self.period_start, self.period_end
        if start and end and end < start:
            errors["period_end"] = _("De einddatum ligt vóór de begindatum.")
        if self.budget_round_id:
            year = self.budget_round.year
            for field, day in (("period_start", start), ("period_end", end)):
                if day and day.year != year and field not in errors:
                    errors[field] = _(
                        "%(day)s ligt buiten het jaar %(year)s van de begrotingsronde."
                    ) % {"day": day.strftime("%d-%m-%Y"), "year": year}
        if self.organisation_id and self.budget_round_id and "organisation" not in errors:
            from cooperatie.models import Membership

            members = Membership.objects.filter(
                cooperative_id=self.budget_round.cooperative_id,
                organisation_id=self.organisation_id,
            )
            if not members.exists():
                errors["organisation"] = _("%(org)s is geen lid van deze coöperatie.") % {
                    "org": self.organisation}
        if errors:
            raise ValidationError(errors)
