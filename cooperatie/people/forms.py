import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperatie.models import BoardSeat
from cooperatie.notifications.services import mail_enqueue

from .services import RoleGrant

ROLE_KINDS = [
    ("director", _("directeur van een partner")),
    ("org_finance", _("financiën van een partner")),
    ("board", _("bestuurszetel")),
    ("finance", _("financiën van de coöperatie")),
    ("administrator", _("beheerder van de coöperatie")),
]


class LoginForm(AuthenticationForm):
    pass


class CodeForm(forms.Form):
    token = forms.CharField(label=_("Code uit uw app"), max_length=10,
                            widget=forms.TextInput(attrs={
                                "inputmode": "numeric", "autocomplete": "one-time-code",
                                "pattern": "[0-9 ]*", "autofocus": True}))


class ResetForm(PasswordResetForm):
    """Django's reset form; the e-mail is sent by the worker after commit, in the person's
    language (cooperatie.people.mail), never by the web request itself."""

    def save(self, *args, **kwargs):
        email = self.cleaned_data["email"]
        with transaction.atomic():
            for user in self.get_users(email):
                mail_enqueue(key=f"reset:{user.pk}:{uuid.uuid4().hex}", kind="password_reset",
                             user=user)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=500)


class RoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Rol"), choices=ROLE_KINDS)
    organisation = forms.ModelChoiceField(
        label=_("Partner"), queryset=None, required=False,
        help_text=_("Bij directeur en financiën van een partner; bij een bestuurszetel de "
                    "partner die de bestuurder vertegenwoordigt (mag leeg)."))
    board_role = forms.ChoiceField(label=_("Rol in het bestuur"), required=False,
                                   choices=[("", "–"), *BoardSeat.Role.choices])
    valid_from = forms.DateField(label=_("Zetel vanaf"), required=False,
                                 input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                                 help_text=_("dd-mm-jjjj; leeg is vandaag"))
    valid_to = forms.DateField(label=_("Zetel tot en met"), required=False,
                               input_formats=["%d-%m-%Y", "%Y-%m-%d"],
                               help_text=_("dd-mm-jjjj; leeg is onbepaald"))
    reason = forms.CharField(label=_("Reden"), max_length=500)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("director", "org_finance") and not data.get("organisation"):
            self.add_error("organisation", _("Kies de partner."))
        if kind == "board" and not data.get("board_role"):
            self.add_error("board_role", _("Kies de rol in het bestuur."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("De einddatum ligt vóór de begindatum."))
        return data

    def grant(self) -> RoleGrant:
        d = self.cleaned_data
        board = d["kind"] == "board"
        return RoleGrant(kind=d["kind"], organisation=d.get("organisation"),
                         board_role=d.get("board_role") or "" if board else "",
                         valid_from=d.get("valid_from") if board else None,
                         valid_to=d.get("valid_to") if board else None)


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    field_order = ["first_name", "last_name", "email", "kind", "organisation", "board_role",
                   "valid_from", "valid_to", "reason"]
