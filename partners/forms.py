"""Forms for staff availability. They parse what people type (Dutch or plain notation); the
services decide what may be saved."""

import itertools
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from budgets.amounts import parse_amount
from cooperatie.models import Expertise, Team

from .parsing import parse_fte

DATE_INPUT = {"type": "date"}


def _decimal_text(value) -> str:
    """A Decimal as people type it here: '0,80', '72500,00' (no grouping in inputs)."""
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=False)
    return value or ""


class FteField(forms.CharField):
    """FTE typed as '0,8' or '0.8' (never thousands). Optional fields read 0 as 'none'."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "class": "num"})

    def __init__(self, *args, zero_is_empty=False, **kwargs):
        self.zero_is_empty = zero_is_empty
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return _decimal_text(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if self.zero_is_empty and value.strip().replace(",", ".").strip("0.") == "":
            return None
        try:
            return parse_fte(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class MoneyField(forms.CharField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "size": 12, "class": "money"})

    def prepare_value(self, value):
        return _decimal_text(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class TeamsByArea(ModelChoiceIterator):
    """Teams grouped by area (<optgroup>), as the matrix shows them."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for area, teams in itertools.groupby(self.queryset, key=lambda t: t.area.name):
            yield (area, [self.choice(team) for team in teams])


class TeamChoiceField(forms.ModelChoiceField):
    iterator = TeamsByArea

    def label_from_instance(self, team):
        return f"{team.name} ({team.code})"


class ExpertiseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, expertise):
        name = expertise.name
        return name if expertise.code in name else f"{name} ({expertise.code})"


class StaffCommitmentForm(forms.Form):
    """One commitment. Teams come from the round's cooperative only, so an id of another
    cooperative's team is not a valid choice."""

    team = TeamChoiceField(label=_("Team"), queryset=Team.objects.none())
    expertise = ExpertiseChoiceField(label=_("Expertise"),
                                     queryset=Expertise.objects.order_by("name"))
    fte = FteField(label=_("FTE"), help_text=_("Meer dan 0 en hoogstens 100, bijvoorbeeld 0,8."))
    annual_cost = MoneyField(label=_("Kosten per fte per jaar (€)"),
                             help_text=_("Het afgesproken bedrag, bijvoorbeeld 72.500,00."))
    period_start = forms.DateField(label=_("Vanaf"), required=False,
                                   input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                                   widget=forms.DateInput(DATE_INPUT, format="%Y-%m-%d"))
    period_end = forms.DateField(label=_("Tot en met"), required=False,
                                 input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                                 widget=forms.DateInput(DATE_INPUT, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 50}))
    reason = forms.CharField(label=_("Reden van de wijziging (voor de historie)"),
                             required=False, max_length=500,
                             widget=forms.TextInput(attrs={"size": 50}))

    def __init__(self, *args, budget_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_round = budget_round
        self.fields["team"].queryset = (Team.objects.filter(
            cooperative_id=budget_round.cooperative_id).in_year(budget_round.year)
            .select_related("area")
            .order_by("area__name", "code"))
        year = budget_round.year
        for name in ("period_start", "period_end"):
            self.fields[name].widget.attrs.update(min=f"{year}-01-01", max=f"{year}-12-31")
        self.fields["period_start"].help_text = _("Leeg = 1 januari %(year)s.") % {"year": year}
        self.fields["period_end"].help_text = _("Leeg = 31 december %(year)s.") % {"year": year}

    def clean(self):
        data = super().clean()
        year = self.budget_round.year
        if "period_start" in data and data["period_start"] is None:
            data["period_start"] = date(year, 1, 1)
        if "period_end" in data and data["period_end"] is None:
            data["period_end"] = date(year, 12, 31)
        return data


class TeamNeedsForm(forms.Form):
    """What one team needs: an FTE field per expertise (empty or 0 = no need)."""

    reason = forms.CharField(label=_("Reden van de wijziging (voor de historie)"),
                             required=False, max_length=500,
                             widget=forms.TextInput(attrs={"size": 50}))

    def __init__(self, *args, expertises, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.expertises = list(expertises)
        for expertise in self.expertises:
            self.fields[f"fte_{expertise.pk}"] = FteField(
                label=expertise.name, required=False, zero_is_empty=True,
                initial=current.get(expertise.pk))
        self.order_fields([f"fte_{e.pk}" for e in self.expertises] + ["reason"])

    def expertise_fields(self):
        return [self[f"fte_{e.pk}"] for e in self.expertises]

    def needs(self) -> dict:
        return {e: self.cleaned_data.get(f"fte_{e.pk}") for e in self.expertises}
