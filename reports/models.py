"""Background exports: who asked for which report, its progress and its file."""

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """An operational log, not domain data: progress changes often, so no history table;
    the job itself records who asked for what and when."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")
        EXPIRED = "expired", _("verlopen")

    cooperative = models.ForeignKey("cooperatie.Cooperative", models.CASCADE,
                                    related_name="export_jobs", verbose_name=_("coöperatie"))
    report = models.CharField(_("rapport"), max_length=30)
    year = models.PositiveSmallIntegerField(_("jaar"))
    area = models.ForeignKey("cooperatie.Area", models.SET_NULL, null=True, blank=True,
                             verbose_name=_("gebied"))
    organisation = models.ForeignKey("partners.Organisation", models.SET_NULL, null=True,
                                     blank=True, verbose_name=_("partner"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT,
                                     related_name="export_jobs", verbose_name=_("aangevraagd door"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    rows = models.PositiveIntegerField(_("rijen"), default=0)
    message = models.TextField(_("melding"), blank=True)
    file_name = models.CharField(_("bestand"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    worker = models.CharField(_("verwerkt door"), max_length=200, blank=True,
                              help_text=_("De achtergrondverwerking (worker) die de export maakt."))
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt op"))

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100),
                                              name="export_progress_max_100")]

    def __str__(self):
        return f"{self.report_title} {self.year} ({self.get_status_display()})"

    @property
    def report_title(self) -> str:
        """The report's title in words (in the reader's language), not its slug."""
        from .builders import registry  # the builders import every app's models

        report = registry().get(self.report)
        return report.title if report else self.report

    @property
    def download_name(self) -> str:
        """The file's name for the person downloading it: the (Dutch) title, not the slug."""
        from .builders import registry

        with translation.override(settings.LANGUAGE_CODE):
            title = slugify(str(self.report_title))
        report = registry().get(self.report)
        extension = report.extension if report else "xlsx"
        return f"{title}-{self.cooperative.code}-{self.year}.{extension}"

    @property
    def path(self):
        return settings.DATA_DIR / "exports" / self.file_name

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
