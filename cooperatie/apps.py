from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperatieConfig(AppConfig):
    name = "cooperatie"
    verbose_name = _("Coöperatie")
