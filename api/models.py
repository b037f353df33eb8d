"""Personal API tokens: a user's key for the read API, acting with exactly the user's rights.

The token itself is shown once, when it is made; only its SHA-256 is stored (a token is 256
random bits, so a fast hash is as safe as a slow one and a lookup stays one indexed query).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("gebruiker"))
    name = models.CharField(_("naam"), max_length=100,
                            help_text=_("Waarvoor u de sleutel gebruikt, bijvoorbeeld "
                                        "'Power BI dashboard bestuur'."))
    # The first characters of the token, to recognise it in the list (not secret on its own).
    prefix = models.CharField(_("begint met"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt op"))
    # A day, not a moment: touched at most once a day, so using a token adds little history.
    last_used_on = models.DateField(_("laatst gebruikt op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="revoked_api_tokens",
                                   verbose_name=_("ingetrokken door"))
    history = HistoricalRecords(excluded_fields=["key_hash"])

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["user", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="api_token_expires_after_creation"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="api_token_revoked_by_whom"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired()

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return str(_("ingetrokken"))
        if self.is_expired():
            return str(_("verlopen"))
        return str(_("actief"))
