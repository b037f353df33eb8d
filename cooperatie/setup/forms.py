"""Forms of the set-up pages: they parse; the services check and write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Cooperative
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
    reason = reason_field()

    FIELDS = ("name", "code", "municipality", "quorum_percent", "majority")

    @classmethod
    def for_cooperative(cls, cooperative, data=None):
        initial = {f: getattr(cooperative, f) for f in cls.FIELDS}
        return cls(data, initial=initial)

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class NewCooperativeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, validators=[code_validator],
                           help_text=_("Kort en zonder spaties, bijvoorbeeld 'lelystad'."))
    name = forms.CharField(label=_("Naam"), max_length=200)
    municipality = forms.CharField(label=_("Gemeente"), max_length=100, required=False)


class StructureUploadForm(forms.Form):
    file = forms.FileField(label=_("Structuurwerkboek (.xlsx of .ods)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    reason = reason_field()


class CbsUploadForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar van de inwonertallen"), min_value=2000,
                              max_value=2100)
    file = forms.FileField(
        label=_("CBS-tabel Kerncijfers wijken en buurten (.csv, .xlsx of .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv," + ACCEPT}))
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
