"""Member organisations and the people who act for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperatie.validators import code_validator, kvk_validator


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CARE = "care", _("zorgaanbieder")
        WELFARE = "welfare", _("welzijnsorganisatie")
        MUNICIPALITY = "municipality", _("gemeente")
        INSURER = "insurer", _("zorgverzekeraar")
        HOUSING = "housing", _("woningcorporatie")
        OTHER = "other", _("overig")

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    kvk_number = models.CharField(
        _("KvK-nummer"), max_length=8, unique=True, validators=[kvk_validator]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationRole(models.Model):
    """A user acting for a member organisation: its director or its finance staff."""

    class Role(models.TextChoices):
        DIRECTOR = "director", _("directeur")
        FINANCE = "finance", _("financiën")

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="roles", verbose_name=_("organisatie")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="organisation_roles",
        verbose_name=_("gebruiker"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rol bij een organisatie")
        verbose_name_plural = _("rollen bij organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="organisation_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} ({self.organisation})"
