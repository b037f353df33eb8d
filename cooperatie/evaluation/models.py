"""The quadruple-aim evaluation: indicators with targets, and measurements per period and scope.

Only aggregates are stored (counts, averages, percentages per team, neighbourhood, area or the
whole cooperative); nothing about individual clients.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import code_validator
from . import values

YEAR_SANE = Q(year__gte=2000, year__lte=2100)


class Indicator(models.Model):
    class Aim(models.TextChoices):
        # In the order the cooperatives name them; the scorecard follows it.
        EXPERIENCE = "experience", _("ervaren kwaliteit van zorg")
        HEALTH = "health", _("gezondheid van de populatie")
        COST = "cost", _("lagere kosten")
        PROFESSIONALS = "professionals", _("tevreden professionals")

    class Unit(models.TextChoices):
        SCORE = "score", _("score 1–10")
        PERCENTAGE = "percentage", _("percentage")
        EURO = "euro", _("euro")
        COUNT = "count", _("aantal")
        CHANGE = "change", _("verandering in %")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("hoger is beter")
        LOWER = "lower", _("lager is beter")

    class Method(models.TextChoices):
        ENTERED = "entered", _("waarde invoeren")
        AVERAGE = "average", _("gemiddelde met aantal respondenten")
        SHARE_IMPROVED = "share_improved", _(
            "% zelfredzamer of stabiel, uit aantallen verbeterd / stabiel / achteruit"
        )
        COST_PER_INHABITANT = "cost_per_inhabitant", _(
            "kosten per inwoner (berekend uit het grootboek)"
        )
        COST_CHANGE = "cost_change", _(
            "verandering van de kosten per inwoner t.o.v. het basisjaar (berekend)"
        )

    DERIVED = (Method.COST_PER_INHABITANT, Method.COST_CHANGE)
    # The unit each method requires (None: any unit that the method's values fit).
    METHOD_UNITS = {
        Method.SHARE_IMPROVED: Unit.PERCENTAGE,
        Method.COST_PER_INHABITANT: Unit.EURO,
        Method.COST_CHANGE: Unit.CHANGE,
    }

    cooperative = models.ForeignKey(
        "cooperatie.Cooperative", models.PROTECT, related_name="indicators",
        verbose_name=_("coöperatie"),
    )
    aim = models.CharField(_("doel"), max_length=20, choices=Aim.choices)
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True, max_length=2000)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    unit = models.CharField(_("eenheid"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("richting"), max_length=10, choices=Direction.choices)
    method = models.CharField(_("manier van meten"), max_length=30, choices=Method.choices,
                              default=Method.ENTERED)
    target = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=4,
                                 null=True, blank=True)
    tolerance = models.DecimalField(
        _("marge voor 'bijna'"), max_digits=14, decimal_places=4, null=True, blank=True,
        help_text=_("Hoe ver een waarde aan de verkeerde kant van de streefwaarde mag liggen "
                    "om als 'bijna' te gelden. Leeg: 5% van de streefwaarde."),
    )
    baseline = models.DecimalField(_("nulmeting"), max_digits=14, decimal_places=4,
                                   null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("basisjaar"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"))
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["cooperative", "aim", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "code"],
                                    name="indicator_code_unique"),
            models.CheckConstraint(condition=Q(first_year__gte=2000, first_year__lte=2100),
                                   name="indicator_first_year_sane"),
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year"),
                                                        last_year__lte=2100),
                name="indicator_years_in_order",
            ),
            models.CheckConstraint(condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                                   name="indicator_tolerance_not_negative"),
            models.CheckConstraint(
                condition=~Q(method="cost_change") | Q(baseline_year__isnull=False),
                name="indicator_cost_change_has_baseline_year",
            ),
            *[
                models.CheckConstraint(
                    condition=~Q(unit="score") | Q(**{f"{f}__isnull": True})
                    | Q(**{f"{f}__gte": 1, f"{f}__lte": 10}),
                    name=f"indicator_score_{f}_in_range",
                )
                for f in ("target", "baseline")
            ],
            *[
                models.CheckConstraint(
                    condition=~Q(unit="percentage") | Q(**{f"{f}__isnull": True})
                    | Q(**{f"{f}__gte": 0, f"{f}__lte": 100}),
                    name=f"indicator_percentage_{f}_in_range",
                )
                for f in ("target", "baseline")
            ],
        ]

    def __str__(self):
        return self.name

    @property
    def is_derived(self) -> bool:
        return self.method in self.DERIVED

    @property
    def uses_parts(self) -> bool:
        return self.method == self.Method.SHARE_IMPROVED

    @property
    def needs_respondents(self) -> bool:
        return self.method in (self.Method.AVERAGE, self.Method.SHARE_IMPROVED)

    @property
    def years_label(self) -> str:
        return f"{self.first_year}–{self.last_year}" if self.last_year else f"{self.first_year}–"

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @property
    def effective_tolerance(self):
        return values.tolerance_for(self.target, self.tolerance)

    def display(self, value) -> str:
        return values.format_value(value, self.unit)

    @property
    def target_display(self) -> str:
        return self.target_label(self.target)

    def target_label(self, target) -> str:
        """A target as the scorecard shows it: "≥ 8,0", "≤ 5,0%", or "geen"."""
        if target is None:
            return gettext("geen")
        sign = "≥" if self.direction == self.Direction.HIGHER else "≤"
        return f"{sign}\u00a0{self.display(target)}"

    @property
    def baseline_display(self) -> str:
        if self.baseline is None:
            return "–"
        shown = self.display(self.baseline)
        return f"{shown} ({self.baseline_year})" if self.baseline_year else shown

    def clean(self):
        errors: dict[str, list[str]] = {}
        required = self.METHOD_UNITS.get(self.method)
        if required and self.unit and self.unit != required:
            errors.setdefault("unit", []).append(
                gettext("Bij '%(method)s' hoort de eenheid '%(unit)s'.")
                % {"method": self.get_method_display(), "unit": self.Unit(required).label}
            )
        if self.method == self.Method.AVERAGE and self.unit == self.Unit.CHANGE:
            errors.setdefault("unit", []).append(
                gettext("Een gemiddelde kan geen verandering in % zijn.")
            )
        if self.method == self.Method.COST_CHANGE and self.baseline_year is None:
            errors.setdefault("baseline_year", []).append(
                gettext("Geef het basisjaar waartegen de kosten worden vergeleken.")
            )
        if self.unit:
            for field in ("target", "baseline"):
                value = getattr(self, field)
                problem = values.range_problem(self.unit, value) if value is not None else ""
                if problem:
                    errors.setdefault(field, []).append(problem)
        if self.tolerance is not None and self.tolerance < 0:
            errors.setdefault("tolerance", []).append(
                gettext("De marge is een afstand tot de streefwaarde en kan niet negatief zijn.")
            )
        if self.last_year is not None and self.first_year and self.last_year < self.first_year:
            errors.setdefault("last_year", []).append(
                gettext("Het laatste jaar ligt vóór het eerste jaar.")
            )
        if self.pk:
            self._clean_against_measurements(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_against_measurements(self, errors: dict) -> None:
        """Changes that would make existing measurements wrong are refused."""
        before = Indicator.objects.filter(pk=self.pk).values("unit", "method").first()
        measurements = self.measurements.all()
        if not before or not measurements.exists():
            return
        for field in ("unit", "method"):
            if before[field] != getattr(self, field):
                errors.setdefault(field, []).append(
                    gettext("Dit kan niet meer veranderen: er zijn al metingen.")
                )
        outside = measurements.filter(year__lt=self.first_year)
        if self.last_year is not None:
            outside = outside | measurements.filter(year__gt=self.last_year)
        years = sorted(set(outside.values_list("year", flat=True)))
        if years:
            errors.setdefault("first_year", []).append(
                gettext("Er zijn metingen buiten deze jaren: %(years)s.")
                % {"years": ", ".join(map(str, years))}
            )


class Measurement(models.Model):
    """One measured value of an indicator, for one scope and one period (aggregates only)."""

    class Scope(models.TextChoices):
        COOPERATIVE = "cooperative", _("coöperatie")
        AREA = "area", _("gebied")
        NEIGHBOURHOOD = "neighbourhood", _("buurt")
        TEAM = "team", _("team")

    class Period(models.TextChoices):
        YEAR = "Y", _("jaar")
        H1 = "H1", _("1e halfjaar")
        H2 = "H2", _("2e halfjaar")
        Q1 = "Q1", _("1e kwartaal")
        Q2 = "Q2", _("2e kwartaal")
        Q3 = "Q3", _("3e kwartaal")
        Q4 = "Q4", _("4e kwartaal")

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="measurements",
                                  verbose_name=_("indicator"))
    scope = models.CharField(_("niveau"), max_length=20, choices=Scope.choices)
    area = models.ForeignKey("cooperatie.Area", models.PROTECT, null=True, blank=True,
                             related_name="measurements", verbose_name=_("gebied"))
    neighbourhood = models.ForeignKey("cooperatie.Neighbourhood", models.PROTECT, null=True,
                                      blank=True, related_name="measurements",
                                      verbose_name=_("buurt"))
    team = models.ForeignKey("cooperatie.Team", models.PROTECT, null=True, blank=True,
                             related_name="measurements", verbose_name=_("team"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    period = models.CharField(_("periode"), max_length=2, choices=Period.choices,
                              default=Period.YEAR)
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=4, null=True,
                                blank=True)
    respondents = models.PositiveIntegerField(_("aantal respondenten"), null=True, blank=True)
    count_improved = models.PositiveIntegerField(_("verbeterd"), null=True, blank=True)
    count_stable = models.PositiveIntegerField(_("stabiel"), null=True, blank=True)
    count_declined = models.PositiveIntegerField(_("achteruit"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    history = HistoricalRecords()

    PARTS = ("count_improved", "count_stable", "count_declined")
    SCOPE_FIELDS = {Scope.AREA: "area", Scope.NEIGHBOURHOOD: "neighbourhood", Scope.TEAM: "team"}

    class Meta:
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        ordering = ["indicator", "year", "period"]
        constraints = [
            models.CheckConstraint(condition=YEAR_SANE, name="measurement_year_sane"),
            models.CheckConstraint(
                condition=(
                    Q(scope="cooperative", area__isnull=True, neighbourhood__isnull=True,
                      team__isnull=True)
                    | Q(scope="area", area__isnull=False, neighbourhood__isnull=True,
                        team__isnull=True)
                    | Q(scope="neighbourhood", area__isnull=True, neighbourhood__isnull=False,
                        team__isnull=True)
                    | Q(scope="team", area__isnull=True, neighbourhood__isnull=True,
                        team__isnull=False)
                ),
                name="measurement_scope_consistent",
            ),
            models.CheckConstraint(
                condition=Q(count_improved__isnull=True, count_stable__isnull=True,
                            count_declined__isnull=True)
                | Q(count_improved__isnull=False, count_stable__isnull=False,
                    count_declined__isnull=False,
                    respondents=F("count_improved") + F("count_stable") + F("count_declined")),
                name="measurement_parts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | Q(count_improved__isnull=False),
                name="measurement_has_a_value",
            ),
            # One measurement per indicator, scope and period (NULLs are distinct in a
            # unique index, so one constraint per kind of scope).
            models.UniqueConstraint(fields=["indicator", "year", "period"],
                                    condition=Q(scope="cooperative"),
                                    name="measurement_unique_cooperative"),
            models.UniqueConstraint(fields=["indicator", "area", "year", "period"],
                                    condition=Q(scope="area"),
                                    name="measurement_unique_area"),
            models.UniqueConstraint(fields=["indicator", "neighbourhood", "year", "period"],
                                    condition=Q(scope="neighbourhood"),
                                    name="measurement_unique_neighbourhood"),
            models.UniqueConstraint(fields=["indicator", "team", "year", "period"],
                                    condition=Q(scope="team"),
                                    name="measurement_unique_team"),
        ]
        indexes = [models.Index(fields=["indicator", "scope", "year"])]

    def __str__(self):
        return f"{self.indicator} · {self.scope_label} · {self.period_label}"

    @property
    def cooperative(self):
        return self.indicator.cooperative

    @property
    def scope_object(self):
        field = self.SCOPE_FIELDS.get(self.scope)
        return getattr(self, field) if field else None

    @property
    def scope_label(self) -> str:
        """"team Tom Noord", "gebied Alphen-Noord", or the cooperative's name."""
        obj = self.scope_object
        if obj is not None:
            return f"{self.Scope(self.scope).label} {obj}"
        return str(self.indicator.cooperative) if self.indicator_id else str(self.scope)

    @property
    def period_label(self) -> str:
        return values.period_label(self.year, self.period)

    @property
    def parts(self) -> tuple[int, int, int] | None:
        if self.count_improved is None:
            return None
        return self.count_improved, self.count_stable, self.count_declined

    @property
    def result(self):
        """The measured value: entered, or computed from its parts."""
        if self.parts is not None:
            return values.share_improved_or_stable(*self.parts)
        return self.value

    @property
    def result_display(self) -> str:
        """For those who enter measurements only: the scorecard goes through selectors, which
        never show a suppressed value."""
        return self.indicator.display(self.result)

    @property
    def suppressed(self) -> bool:
        return values.is_suppressed(self.respondents)

    def clean(self):
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        indicator = self.indicator if self.indicator_id else None
        if indicator is None:
            raise ValidationError({"indicator": gettext("Kies een indicator.")})
        self._clean_scope(indicator, add)
        if self.year and not indicator.covers(self.year):
            add("year", gettext("Het jaar %(year)s valt buiten de looptijd van de indicator "
                                "'%(name)s' (%(years)s).")
                % {"year": self.year, "name": indicator.name, "years": indicator.years_label})
        if indicator.is_derived:
            add("indicator", gettext("'%(name)s' wordt berekend uit het grootboek en de "
                                     "inwonertallen; metingen invoeren kan niet.")
                % {"name": indicator.name})
        elif indicator.uses_parts:
            self._clean_parts(add)
        else:
            self._clean_value(indicator, add)
        if not errors:
            self._clean_duplicate(indicator, add)
        if errors:
            raise ValidationError(errors)

    def _clean_scope(self, indicator, add) -> None:
        field = self.SCOPE_FIELDS.get(self.scope)
        for other in self.SCOPE_FIELDS.values():
            if other != field and getattr(self, f"{other}_id") is not None:
                add(other, gettext("Hoort niet bij het gekozen niveau."))
        if field is None:
            return
        obj = getattr(self, field) if getattr(self, f"{field}_id") else None
        if obj is None:
            add(field, gettext("Kies het %(scope)s waarvoor de meting geldt.")
                % {"scope": self.Scope(self.scope).label})
        elif obj.cooperative_id != indicator.cooperative_id:
            add(field, gettext("%(obj)s hoort bij een andere coöperatie.") % {"obj": obj})

    def _clean_parts(self, add) -> None:
        if self.value is not None:
            add("value", gettext("Laat de waarde leeg: die wordt berekend uit de aantallen "
                                 "verbeterd, stabiel en achteruit."))
        parts = [getattr(self, f) for f in self.PARTS]
        for field, count in zip(self.PARTS, parts, strict=True):
            if count is None:
                add(field, gettext("Vul het aantal cliënten in (0 als er geen zijn)."))
        if any(p is None or p < 0 for p in parts):
            return  # a negative count is already reported by the field itself
        total = sum(parts)
        if total == 0:
            add("respondents", gettext("Er is geen enkele cliënt geteld: vul de aantallen in."))
        elif self.respondents is None:
            self.respondents = total
        elif self.respondents != total:
            add("respondents", gettext(
                "De aantallen tellen niet op: verbeterd %(i)s + stabiel %(s)s + achteruit "
                "%(d)s = %(sum)s, maar het totaal is %(total)s."
            ) % {"i": parts[0], "s": parts[1], "d": parts[2], "sum": total,
                 "total": self.respondents})

    def _clean_value(self, indicator, add) -> None:
        for field in self.PARTS:
            if getattr(self, field) is not None:
                add(field, gettext("Alleen bij indicatoren die uit aantallen worden berekend."))
        if self.value is None:
            add("value", gettext("Vul een waarde in."))
        else:
            problem = values.range_problem(indicator.unit, self.value)
            if problem:
                add("value", problem)
        if indicator.needs_respondents and self.respondents is None:
            add("respondents", gettext("Vul het aantal respondenten in waarop het gemiddelde "
                                       "is gebaseerd."))

    def _clean_duplicate(self, indicator, add) -> None:
        field = self.SCOPE_FIELDS.get(self.scope)
        same = Measurement.objects.filter(indicator=indicator, scope=self.scope, year=self.year,
                                          period=self.period)
        if field:
            same = same.filter(**{f"{field}_id": getattr(self, f"{field}_id")})
        if same.exclude(pk=self.pk).exists():
            add("period", gettext(
                "Er is al een meting van '%(name)s' voor %(scope)s in %(period)s. "
                "Wijzig die meting in plaats van een nieuwe in te voeren."
            ) % {"name": indicator.name, "scope": self.scope_label, "period": self.period_label})


class IndicatorTarget(models.Model):
    """The target of an indicator for one year, set by a decision of the board (streefwaarden
    of a year). A year without one has the indicator's own target (`Indicator.target`, the
    standing target); every change is in the history with the decision's number."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="year_targets",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    target = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=4)
    decision = models.ForeignKey("cooperatie.Decision", models.PROTECT, null=True, blank=True,
                                 related_name="indicator_targets", verbose_name=_("besluit"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("streefwaarde van een jaar")
        verbose_name_plural = _("streefwaarden per jaar")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"],
                                    name="indicator_target_once_per_year"),
            models.CheckConstraint(condition=YEAR_SANE, name="indicator_target_year_sane"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.indicator.target_label(self.target)}"

    @property
    def cooperative(self):
        return self.indicator.cooperative

    @property
    def label(self) -> str:
        return self.indicator.target_label(self.target)


class TargetSet(models.Model):
    """The targets for one year that the board is asked to set: drafted (editable), put to
    the board as a proposal of kind 'targets' (frozen), then adopted (its lines become the
    year's targets) or rejected (nothing changes)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PROPOSED = "proposed", _("voorgelegd aan het bestuur")
        ADOPTED = "adopted", _("vastgesteld")
        REJECTED = "rejected", _("verworpen")

    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED)

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.PROTECT,
                                    related_name="target_sets", verbose_name=_("coöperatie"))
    year = models.PositiveSmallIntegerField(_("jaar"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    note = models.TextField(_("toelichting"), blank=True, max_length=4000)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                   related_name="drafted_target_sets",
                                   verbose_name=_("opgesteld door"))
    created_at = models.DateTimeField(_("opgesteld op"), default=timezone.now)
    proposal = models.OneToOneField("cooperatie.Proposal", models.PROTECT, null=True,
                                    blank=True, related_name="target_set",
                                    verbose_name=_("voorstel"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("streefwaarden voor een jaar")
        verbose_name_plural = _("streefwaarden voor een jaar")
        ordering = ["cooperative", "-year", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_SANE, name="target_set_year_sane"),
            # One set in preparation per year: a second one would decide over the first.
            models.UniqueConstraint(fields=["cooperative", "year"],
                                    condition=Q(status__in=["draft", "proposed"]),
                                    name="target_set_one_open_per_year"),
            models.CheckConstraint(
                condition=Q(status="draft", proposal__isnull=True)
                | (~Q(status="draft") & Q(proposal__isnull=False)),
                name="target_set_proposal_matches_status",
            ),
        ]

    def __str__(self):
        return gettext("streefwaarden %(year)s") % {"year": self.year}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class TargetLine(models.Model):
    """One indicator's new target in a set; `previous` is the target in force for the year
    when the set was put to the board (what the board sees as old → new)."""

    target_set = models.ForeignKey(TargetSet, models.PROTECT, related_name="lines",
                                   verbose_name=_("streefwaarden"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="target_lines",
                                  verbose_name=_("indicator"))
    target = models.DecimalField(_("nieuwe streefwaarde"), max_digits=14, decimal_places=4)
    previous = models.DecimalField(_("streefwaarde tot nu"), max_digits=14, decimal_places=4,
                                   null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("streefwaarde in een voorstel")
        verbose_name_plural = _("streefwaarden in een voorstel")
        ordering = ["target_set", "indicator__position", "indicator__name"]
        constraints = [
            models.UniqueConstraint(fields=["target_set", "indicator"],
                                    name="target_line_once_per_indicator"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.indicator.target_label(self.target)}"
