from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    """After the year: advances paid, each lump sum settled, the reserve, the annual account
    (its own app: models, migrations and templates live in this package)."""

    name = "budgets.settlement"
    label = "settlement"
    verbose_name = _("Vaststelling")

    def ready(self):
        # A settlement is a subject of the board's proposals (cooperatie/governance/).
        from . import subject, todo  # noqa: F401  (and the treasurer's settlements to do)
