"""Forms only parse what a user typed; the services decide whether it is right."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperatie.numbers import parse_decimal

from .models import Indicator, Measurement


class DecimalText(forms.Field):
    """A number as a Dutch user types it (8,1 or 1.234,56), read by parse_decimal."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_decimal(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            # No thousands separator and a decimal comma, which parse_decimal reads back in
            # every language.
            return format(value.normalize(), "f").replace(".", ",")
        return value


def _count(label):
    return forms.IntegerField(label=label, required=False, min_value=0,
                              error_messages={"min_value": _("Een aantal kan niet negatief "
                                                             "zijn.")})


class ReasonField(forms.CharField):
    def __init__(self, *, required=True, **kwargs):
        super().__init__(label=_("Reden van de wijziging"), max_length=500, required=required,
                         help_text=_("Komt in de historie, met uw naam."), **kwargs)


class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(),
                                       label=_("Indicator"), empty_label=None)
    scope = forms.ChoiceField(label=_("Niveau"))
    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Periode"), choices=Measurement.Period.choices)
    value = DecimalText(label=_("Waarde"), required=False,
                        help_text=_("Leeg laten als de indicator uit aantallen wordt "
                                    "berekend."))
    respondents = _count(_("Aantal respondenten (of cliënten in totaal)"))
    count_improved = _count(_("Verbeterd"))
    count_stable = _count(_("Stabiel"))
    count_declined = _count(_("Achteruit"))
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    reason = ReasonField(required=False)

    def __init__(self, *args, cooperative, scope_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = (
            Indicator.objects.filter(cooperative=cooperative)
            .exclude(method__in=Indicator.DERIVED).order_by("aim", "position", "name")
        )
        self.fields["scope"].choices = scope_choices


class MeasurementEditForm(forms.Form):
    value = MeasurementForm.base_fields["value"]
    respondents = MeasurementForm.base_fields["respondents"]
    count_improved = MeasurementForm.base_fields["count_improved"]
    count_stable = MeasurementForm.base_fields["count_stable"]
    count_declined = MeasurementForm.base_fields["count_declined"]
    note = MeasurementForm.base_fields["note"]
    reason = ReasonField()


class DeleteForm(forms.Form):
    reason = ReasonField()


class IndicatorForm(forms.Form):
    aim = forms.ChoiceField(label=_("Doel"), choices=Indicator.Aim.choices)
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Naam"), max_length=200)
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Bron"), required=False, max_length=300,
                             help_text=_("Bijvoorbeeld: cliëntervaringsonderzoek, "
                                         "zelfredzaamheidsmatrix, verzuimregistratie."))
    unit = forms.ChoiceField(label=_("Eenheid"), choices=Indicator.Unit.choices)
    direction = forms.ChoiceField(label=_("Richting"), choices=Indicator.Direction.choices)
    method = forms.ChoiceField(label=_("Manier van meten"), choices=Indicator.Method.choices)
    target = DecimalText(label=_("Streefwaarde"), required=False)
    tolerance = DecimalText(label=_("Marge voor 'bijna'"), required=False,
                            help_text=_("Leeg: 5% van de streefwaarde."))
    baseline = DecimalText(label=_("Nulmeting"), required=False)
    baseline_year = forms.IntegerField(label=_("Basisjaar"), required=False, min_value=2000,
                                       max_value=2100)
    first_year = forms.IntegerField(label=_("Eerste jaar"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Laatste jaar"), required=False, min_value=2000,
                                   max_value=2100, help_text=_("Leeg: loopt door."))
    position = forms.IntegerField(label=_("Volgorde"), required=False, min_value=0,
                                  max_value=1000)
    reason = ReasonField(required=False)

    def indicator_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        data["position"] = data.get("position") or 0
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Ingevuld sjabloon (.xlsx of .ods)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.ods"}))
    dry_run = forms.BooleanField(label=_("Alleen controleren, nog niets opslaan"),
                                 required=False)
    reason = ReasonField(required=False)
