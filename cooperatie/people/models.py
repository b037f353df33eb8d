"""Invitations, each person's own settings and a cooperative's sign-in rule."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords

# Changes to accounts (name, e-mail, active) are in the history like every other record;
# the password hash and the time of the last sign-in are not.
register(get_user_model(), app="cooperatie.people", excluded_fields=["password", "last_login"])


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An e-mail with a single-use link, valid for INVITATION_EXPIRY_DAYS, where the person
    sets their own password. A new nonce (resend) makes every earlier link invalid."""

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE,
                                    related_name="invitations", verbose_name=_("coöperatie"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="invitations", verbose_name=_("persoon"))
    email = models.EmailField(_("e-mailadres"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("uitgenodigd door"))
    nonce = models.CharField(max_length=32, default=new_nonce)
    sent_count = models.PositiveSmallIntegerField(_("keer verstuurd"), default=1)
    created_at = models.DateTimeField(_("uitgenodigd op"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"))
    accepted_at = models.DateTimeField(_("aangenomen op"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["nonce"])

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.cooperative})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class SignInRule(models.Model):
    """A cooperative's rule for signing in: two-factor required for its board and finance."""

    cooperative = models.OneToOneField("cooperatie.Cooperative", models.CASCADE,
                                       related_name="sign_in_rule",
                                       verbose_name=_("coöperatie"))
    two_factor_required = models.BooleanField(
        _("tweestapsverificatie verplicht voor bestuur en financiën"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aanmeldregel")
        verbose_name_plural = _("aanmeldregels")

    def __str__(self):
        return str(self.cooperative)
