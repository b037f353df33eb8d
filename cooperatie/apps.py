from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperatieConfig(AppConfig):
    name = "cooperatie"
    verbose_name = _("Coöperatie")

    def ready(self):
        # Votes to cast on the to-do list; the board's notices follow governance's events.
        from .governance import notices, todo  # noqa: F401
