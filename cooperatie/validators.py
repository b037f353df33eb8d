from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
    _(
        "Een code bestaat uit 1 tot 32 letters, cijfers, punten of streepjes "
        "en begint met een letter of cijfer."
    ),
    code="invalid_code",
)

kvk_validator = RegexValidator(
    r"^\d{8}$", _("Een KvK-nummer bestaat uit precies 8 cijfers."), code="invalid_kvk"
)


def periods_overlap(start_a, end_a, start_b, end_b) -> bool:
    """Closed date intervals; an open end (None) runs for ever."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)
