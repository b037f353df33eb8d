from django import forms
from django.utils.translation import gettext_lazy as _

from .services import LIFETIMES, NAME_MAX

LIFETIME_LABELS = {30: _("30 dagen"), 90: _("90 dagen"), 180: _("een half jaar"),
                   365: _("een jaar")}


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=NAME_MAX,
                           help_text=_("Waarvoor u de sleutel gebruikt, bijvoorbeeld "
                                       "'Power BI dashboard bestuur'."))
    days = forms.TypedChoiceField(label=_("Geldig"), coerce=int, initial=90,
                                  choices=[(d, LIFETIME_LABELS[d]) for d in LIFETIMES])
