"""The cooperative's own domain: its structure, its board and its members' roles."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import code_validator, periods_overlap


class Cooperative(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)

    # How the board decides (see cooperatie/governance/rules.py); four-eyes always applies.
    class Majority(models.TextChoices):
        SIMPLE = "simple", _("gewone meerderheid")
        TWO_THIRDS = "two_thirds", _("twee derde meerderheid")

    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (%)"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("Welk deel van de zittende bestuursleden moet meestemmen."),
    )
    majority = models.CharField(_("meerderheid"), max_length=12, choices=Majority.choices,
                                default=Majority.SIMPLE)
    voting_days = models.PositiveSmallIntegerField(
        _("stemtermijn (dagen)"), default=7, validators=[MinValueValidator(1),
                                                        MaxValueValidator(90)],
        help_text=_("Hoe lang een voorstel standaard openstaat voor stemming."),
    )
    proxies_per_holder = models.PositiveSmallIntegerField(
        _("machtigingen per gemachtigde"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Voor hoeveel andere bestuursleden één bestuurslid tegelijk mag stemmen."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coöperatie")
        verbose_name_plural = _("coöperaties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum_percent__lte=100),
                                   name="cooperative_quorum_percent_valid"),
            models.CheckConstraint(condition=Q(voting_days__gte=1, voting_days__lte=90),
                                   name="cooperative_voting_days_valid"),
            models.CheckConstraint(
                condition=Q(proxies_per_holder__gte=1, proxies_per_holder__lte=10),
                name="cooperative_proxies_per_holder_valid"),
        ]

    def __str__(self):
        return self.name


class Area(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, models.PROTECT, related_name="areas", verbose_name=_("coöperatie")
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gebied")
        verbose_name_plural = _("gebieden")
        ordering = ["cooperative", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="area_code_unique")
        ]

    def __str__(self):
        return self.name


class InYearQuerySet(models.QuerySet):
    def in_year(self, year: int):
        """What still exists in `year`: not ended, or ended during that year or later. A year
        after its end a neighbourhood or team is left out of new budgets, staff and splits;
        its history stays."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=date(year, 1, 1)))


def ended_on_field():
    return models.DateField(
        _("einddatum"), null=True, blank=True,
        help_text=_("De laatste dag. In latere jaren telt dit niet meer mee; de geschiedenis "
                    "blijft bewaard."),
    )


class Neighbourhood(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, models.PROTECT, related_name="neighbourhoods", verbose_name=_("coöperatie")
    )
    area = models.ForeignKey(
        Area, models.PROTECT, related_name="neighbourhoods", verbose_name=_("gebied")
    )
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    ended_on = ended_on_field()
    history = HistoricalRecords()
    objects = InYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["cooperative", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "code"], name="neighbourhood_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.area_id and self.cooperative_id and self.area.cooperative_id != self.cooperative_id:
            raise ValidationError(
                {"area": _("Het gebied %(area)s hoort bij een andere coöperatie.")
                 % {"area": self.area}}
            )


class Population(models.Model):
    """Inhabitants of a neighbourhood in a year (the base of per-inhabitant funding)."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, models.CASCADE, related_name="populations", verbose_name=_("buurt")
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    inhabitants = models.PositiveIntegerField(_("inwoners"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inwonertal")
        verbose_name_plural = _("inwonertallen")
        ordering = ["neighbourhood", "year"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "year"], name="population_unique")
        ]

    def __str__(self):
        return f"{self.neighbourhood} {self.year}: {self.inhabitants}"


class Expertise(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expertise")
        verbose_name_plural = _("expertises")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("buurtteam")
        EXPERTISE = "expertise", _("expertiseteam")
        AMBULANT = "ambulant", _("ambulant team")

    cooperative = models.ForeignKey(
        Cooperative, models.PROTECT, related_name="teams", verbose_name=_("coöperatie")
    )
    area = models.ForeignKey(Area, models.PROTECT, related_name="teams", verbose_name=_("gebied"))
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, related_name="teams", blank=True, verbose_name=_("buurten")
    )
    ended_on = ended_on_field()
    history = HistoricalRecords(m2m_fields=[neighbourhoods])
    objects = InYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["cooperative", "area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"], name="team_code_unique")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.area_id and self.cooperative_id and self.area.cooperative_id != self.cooperative_id:
            raise ValidationError(
                {"area": _("Het gebied %(area)s hoort bij een andere coöperatie.")
                 % {"area": self.area}}
            )


class Membership(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, models.PROTECT, related_name="memberships", verbose_name=_("coöperatie")
    )
    organisation = models.ForeignKey(
        "partners.Organisation", models.PROTECT, related_name="memberships",
        verbose_name=_("organisatie"),
    )
    valid_from = models.DateField(_("lid vanaf"))
    valid_to = models.DateField(_("lid tot en met"), null=True, blank=True)
    voting_weight = models.DecimalField(
        _("stemgewicht"), max_digits=6, decimal_places=2, default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["cooperative", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="membership_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(voting_weight__gte=0), name="membership_weight_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.cooperative}"

    def clean(self):
        check_period(self)
        if not (self.cooperative_id and self.organisation_id and self.valid_from):
            return
        others = Membership.objects.filter(
            cooperative_id=self.cooperative_id, organisation_id=self.organisation_id
        ).exclude(pk=self.pk)
        if any(periods_overlap(self.valid_from, self.valid_to, o.valid_from, o.valid_to)
               for o in others):
            raise ValidationError(
                _("%(org)s is in deze periode al lid van %(coop)s.")
                % {"org": self.organisation, "coop": self.cooperative}
            )


class BoardSeat(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("voorzitter")
        TREASURER = "treasurer", _("penningmeester")
        MEMBER = "member", _("lid")

    cooperative = models.ForeignKey(
        Cooperative, models.PROTECT, related_name="board_seats", verbose_name=_("coöperatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="board_seats",
        verbose_name=_("gebruiker"),
    )
    organisation = models.ForeignKey(
        "partners.Organisation", models.PROTECT, null=True, blank=True,
        related_name="board_seats", verbose_name=_("vertegenwoordigt"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    may_close_early = models.BooleanField(
        _("mag stemmingen vóór de termijn sluiten"), default=False,
        help_text=_("De voorzitter mag dat altijd; wie de coöperatie daarnaast aanwijst."),
    )
    valid_from = models.DateField(_("vanaf"))
    valid_to = models.DateField(_("tot en met"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bestuurszetel")
        verbose_name_plural = _("bestuurszetels")
        ordering = ["cooperative", "role", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="boardseat_period_valid",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.cooperative})"

    def clean(self):
        check_period(self)
        if not (self.cooperative_id and self.user_id and self.valid_from):
            return
        others = BoardSeat.objects.filter(
            cooperative_id=self.cooperative_id, user_id=self.user_id
        ).exclude(pk=self.pk)
        if any(periods_overlap(self.valid_from, self.valid_to, o.valid_from, o.valid_to)
               for o in others):
            raise ValidationError(
                _("%(user)s heeft in deze periode al een zetel in het bestuur van %(coop)s.")
                % {"user": self.user, "coop": self.cooperative}
            )


class CooperativeRole(models.Model):
    """A user's role for the cooperative as a whole (not for one member organisation)."""

    class Role(models.TextChoices):
        FINANCE = "finance", _("financiën")
        ADMINISTRATOR = "administrator", _("beheerder")

    cooperative = models.ForeignKey(
        Cooperative, models.CASCADE, related_name="roles", verbose_name=_("coöperatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="cooperative_roles",
        verbose_name=_("gebruiker"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rol in de coöperatie")
        verbose_name_plural = _("rollen in de coöperatie")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "user", "role"], name="cooperative_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} ({self.cooperative})"


def check_period(obj) -> None:
    if obj.valid_from and obj.valid_to and obj.valid_to < obj.valid_from:
        raise ValidationError(
            {"valid_to": _("De einddatum ligt vóór de begindatum.")}
        )
from .evaluation.models import (  # noqa: E402,F401
    Indicator,
    IndicatorTarget,
    Measurement,
    TargetLine,
    TargetSet,
)
from .governance.models import (  # noqa: E402,F401
    Comment,
    Decision,
    Proposal,
    ProposalDocument,
    Proxy,
    Vote,
)
