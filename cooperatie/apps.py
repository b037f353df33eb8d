from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperatieConfig(AppConfig):
    name = "cooperatie"
    verbose_name = _("Coöperatie")

    def ready(self):
        # Votes to cast on the to-do list; the board's notices follow governance's events.
        # Targets for a year are a subject of the board's proposals.
        from .evaluation import subject  # noqa: F401
        from .governance import notices, todo  # noqa: F401
