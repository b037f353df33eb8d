"""Forms of the set-up pages: they parse; the services check and write."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.realisation.models import DUE_DAYS_MAX, PeriodKind
from budgets.realisation.services import realisation_settings_get

from ..models import Cooperative
from ..numbers import parse_decimal
from ..spreadsheets.cells import dutch_number
from ..validators import code_validator

ACCEPT = ".xlsx,.ods,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet," \
         "application/vnd.oasis.opendocument.spreadsheet"


def reason_field():
    return forms.CharField(label=_("Reden van de wijziging (voor de historie)"), required=False,
                           max_length=500)


class SettingsForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200)
    code = forms.CharField(
        label=_("Code"), max_length=32, validators=[code_validator],
        help_text=_("Staat in de adressen van de pagina's en in de namen van de "
                    "Excel-bestanden; oude bladwijzers werken na een wijziging niet meer."))
    municipality = forms.CharField(label=_("Gemeente"), max_length=100, required=False)
    quorum_percent = forms.IntegerField(
        label=_("Quorum (%)"), min_value=0, max_value=100,
        help_text=_("Welk deel van de zittende bestuursleden moet meestemmen."))
    majority = forms.ChoiceField(label=_("Meerderheid"), choices=Cooperative.Majority.choices)
    voting_days = forms.IntegerField(
        label=_("Stemtermijn (dagen)"), min_value=1, max_value=90,
        help_text=_("Zo lang staat een voorstel standaard open voor stemmen."))
    proxies_per_holder = forms.IntegerField(
        label=_("Machtigingen per gemachtigde"), min_value=1, max_value=10,
        help_text=_("Voor hoeveel andere bestuursleden één bestuurslid tegelijk mag stemmen."))
    period_kind = forms.ChoiceField(
        label=_("Perioden van de realisatie"), choices=PeriodKind.choices,
        help_text=_("Voor nieuwe begrotingsrondes; een ronde houdt de perioden waarmee zij is "
                    "begonnen."))
    warning_percent = forms.CharField(
        label=_("Signaleringsdrempel (%)"), max_length=12,
        help_text=_("Een signaal als de realisatie tot nu toe meer dan dit percentage boven de "
                    "begroting tot nu toe ligt; het blokkeert nooit iets."))
    due_days = forms.IntegerField(
        label=_("Realisatie inleveren binnen (dagen)"), min_value=0, max_value=DUE_DAYS_MAX,
        help_text=_("Zoveel dagen na het einde van een periode moet elke partner zijn "
                    "realisatie hebben ingediend; een herinnering gaat 3 dagen ervoor en op die "
                    "dag."))
    reason = reason_field()

    FIELDS = ("name", "code", "municipality", "quorum_percent", "majority", "voting_days",
              "proxies_per_holder", "period_kind", "warning_percent", "due_days")
    OWN = 7  # the cooperative's own fields; the rest are the realisation's

    @classmethod
    def for_cooperative(cls, cooperative, data=None):
        initial = {f: getattr(cooperative, f) for f in cls.FIELDS[:cls.OWN]}
        realisation = realisation_settings_get(cooperative)
        initial["period_kind"] = realisation.period_kind
        initial["warning_percent"] = dutch_number(realisation.warning_percent)
        initial["due_days"] = realisation.due_days
        return cls(data, initial=initial)

    def clean_warning_percent(self):
        try:
            value = parse_decimal(self.cleaned_data["warning_percent"], thousands_dot=False)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if value is None or not 0 <= value <= 1000 or value != value.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Vul een percentage van 0 tot 1000 in, met hoogstens "
                                          "2 decimalen, bijvoorbeeld 10 of 12,5."))
        return value.quantize(Decimal("0.01"))

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class NewCooperativeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, validators=[code_validator],
                           help_text=_("Kort en zonder spaties, bijvoorbeeld 'lelystad'."))
    name = forms.CharField(label=_("Naam"), max_length=200)
    municipality = forms.CharField(label=_("Gemeente"), max_length=100, required=False)


class StructureUploadForm(forms.Form):
    """On the set-up page beside two other forms: its own ids."""

    file = forms.FileField(label=_("Structuurwerkboek (.xlsx of .ods)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "werkboek-%s")
        super().__init__(*args, **kwargs)


class CbsUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar van de inwonertallen"), min_value=2000,
                              max_value=2100)
    file = forms.FileField(
        label=_("CBS-tabel Kerncijfers wijken en buurten (.csv, .xlsx of .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv," + ACCEPT}))
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "cbs-%s")
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
