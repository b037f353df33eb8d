from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SetupConfig(AppConfig):
    """Setting up a cooperative (pages, workbook, command); its models are the cooperative's."""

    name = "cooperatie.setup"
    label = "setup"
    verbose_name = _("Inrichting")
