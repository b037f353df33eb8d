from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("Begrotingen")

    def ready(self):
        # The allocation plan is a subject of the board's proposals (cooperatie/governance/).
        from . import notices, todo  # noqa: F401  (hourly reminders, the director's to-do)
        from .allocation import subject  # noqa: F401
