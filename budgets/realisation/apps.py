from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealisationConfig(AppConfig):
    """What partners actually spent, per period, against the budget (its own app: models,
    migrations, templates and commands live in this package)."""

    name = "budgets.realisation"
    label = "realisation"
    verbose_name = _("Realisatie")

    def ready(self):
        from . import notices, todo  # noqa: F401  (hourly reminders, periods to enter)
