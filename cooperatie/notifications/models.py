"""What the product tells people, how each person wants to hear it, and the outbox."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    ROUND_OPENED = "round_opened", _("Een begrotingsronde is geopend")
    DEADLINE_REMINDER = "deadline_reminder", _("Herinnering: de deadline van de begroting nadert")
    DEADLINE_CHANGED = "deadline_changed", _("De deadline van een ronde is gewijzigd")
    BUDGET_REOPENED = "budget_reopened", _("Het bestuur heeft uw begroting heropend")
    VOTE_OPEN = "vote_open", _("Een voorstel wacht op uw stem")
    VOTE_CLOSING = "vote_closing", _("Een stemming sluit binnen 24 uur")
    VOTE_CLOSED = "vote_closed", _("Een stemming is gesloten, met het besluit")
    PERIOD_OPEN = "period_open", _("Een periode staat open om de realisatie in te vullen")
    PERIOD_REMINDER = "period_reminder", _("Herinnering: de realisatie van een periode moet "
                                           "worden ingediend")
    EXPORT_READY = "export_ready", _("Een export is klaar")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("direct per e-mail")
    DIGEST = "digest", _("in een dagelijks overzicht")
    OFF = "off", _("geen e-mail")


# Noisy kinds start off (experience with budgeting tools: people mute tools that chatter);
# what asks someone to act starts at once.
DEFAULT_DELIVERY = {
    Kind.ROUND_OPENED: Delivery.IMMEDIATELY,
    Kind.DEADLINE_REMINDER: Delivery.IMMEDIATELY,
    Kind.DEADLINE_CHANGED: Delivery.DIGEST,
    Kind.BUDGET_REOPENED: Delivery.IMMEDIATELY,
    Kind.VOTE_OPEN: Delivery.IMMEDIATELY,
    Kind.VOTE_CLOSING: Delivery.IMMEDIATELY,
    Kind.VOTE_CLOSED: Delivery.OFF,
    Kind.PERIOD_OPEN: Delivery.IMMEDIATELY,
    Kind.PERIOD_REMINDER: Delivery.IMMEDIATELY,
    Kind.EXPORT_READY: Delivery.OFF,
}


class Recipient(models.Model):
    """A person as someone we write to: the language of their e-mails."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="recipient", verbose_name=_("persoon"))
    language = models.CharField(_("taal van e-mails"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ontvanger")
        verbose_name_plural = _("ontvangers")

    def __str__(self):
        return str(self.user)


class Preference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="notification_preferences", verbose_name=_("persoon"))
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    delivery = models.CharField(_("ontvangen"), max_length=12, choices=Delivery.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"


class Mail(models.Model):
    """The outbox: one row per e-mail, its key unique, so that nothing is sent twice (a
    redelivered task, two workers, a service called again all find the same row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    key = models.CharField(_("sleutel"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="mails",
                             verbose_name=_("ontvanger"))
    ref_id = models.PositiveBigIntegerField(_("over"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    sent_at = models.DateTimeField(_("verstuurd op"), null=True, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.key


class Notification(models.Model):
    """One thing a person is told, shown in their inbox and e-mailed as they chose. The key
    makes it happen once: 'reminder:round 7:organisation 3:user 12:14 days' exists or not."""

    key = models.CharField(_("sleutel"), max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE,
                             related_name="notifications", verbose_name=_("persoon"))
    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE, null=True,
                                    blank=True, related_name="+", verbose_name=_("coöperatie"))
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    params = models.JSONField(_("gegevens"), default=dict)
    url = models.CharField(_("adres"), max_length=300, blank=True)
    delivery = models.CharField(_("ontvangen"), max_length=12, choices=Delivery.choices)
    created_at = models.DateTimeField(_("op"), default=timezone.now)
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    digest = models.ForeignKey(Mail, models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("in het overzicht"))

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"]),
                   models.Index(fields=["delivery", "digest"])]

    def __str__(self):
        return self.key
