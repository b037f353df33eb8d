"""What each kind of notification says, rendered in the reader's language at the moment it
is read or mailed (the notification stores plain facts, never translated text)."""

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Kind


def _date(value: str | None) -> str:
    if not value:
        return "–"
    parsed = (datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value))
    if isinstance(parsed, datetime) and timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    # With the weekday: "vrijdag 15-01-2027" ("Friday 15-01-2027" in English).
    return formats.date_format(parsed, "l d-m-Y H:i" if "T" in value else "l d-m-Y")


def describe(kind: str, p: dict) -> tuple[str, str]:
    """(title, text) of a notification: the title is the inbox line and the mail's subject."""
    p = {**p, "deadline": _date(p.get("deadline")), "closes": _date(p.get("closes"))}
    if kind == Kind.ROUND_OPENED:
        return (_("Begrotingsronde %(year)s is geopend") % p,
                _("De begrotingsronde %(year)s van %(cooperative)s is geopend. Dien de begroting "
                  "van %(organisation)s in vóór %(deadline)s.") % p)
    if kind == Kind.DEADLINE_REMINDER:
        return (_("Herinnering: begroting %(year)s van %(organisation)s, deadline %(deadline)s")
                % p,
                _("De begroting %(year)s van %(organisation)s is nog niet ingediend. De deadline "
                  "is %(deadline)s.") % p)
    if kind == Kind.DEADLINE_CHANGED:
        return (_("Nieuwe deadline voor begrotingsronde %(year)s") % p,
                _("Het bestuur heeft de deadline van begrotingsronde %(year)s verzet naar "
                  "%(deadline)s. Reden: %(reason)s") % p)
    if kind == Kind.BUDGET_REOPENED:
        return (_("Uw begroting %(year)s is heropend") % p,
                _("Het bestuur heeft de begroting %(year)s van %(organisation)s heropend. "
                  "Reden: %(reason)s") % p)
    if kind == Kind.VOTE_OPEN:
        return (_("Uw stem gevraagd: %(title)s") % p,
                _("Het voorstel “%(title)s” staat open voor stemming.") % p
                + (" " + _("De stemming sluit op %(closes)s.") % p if p.get("closes") != "–"
                   else ""))
    if kind == Kind.VOTE_CLOSING:
        return (_("Stemming sluit binnen 24 uur: %(title)s") % p,
                _("U heeft nog niet gestemd over “%(title)s”. De stemming sluit op "
                  "%(closes)s.") % p)
    if kind == Kind.VOTE_CLOSED:
        p["outcome"] = {"adopted": _("aangenomen"), "rejected": _("verworpen")}.get(
            p.get("outcome"), p.get("outcome"))
        return (_("Besluit %(number)s: %(title)s") % p,
                _("De stemming over “%(title)s” is gesloten. Besluit %(number)s: "
                  "%(outcome)s.") % p)
    if kind == Kind.PERIOD_OPEN:
        return (_("Realisatie invullen: %(period)s") % p,
                _("De periode %(period)s staat open. Vul de realisatie van %(organisation)s in "
                  "en dien haar in.") % p
                + (" " + _("Uiterlijk %(deadline)s.") % p if p["deadline"] != "–" else ""))
    if kind == Kind.PERIOD_REMINDER:
        if p.get("days") == 0:
            return (_("Vandaag: realisatie %(period)s van %(organisation)s indienen") % p,
                    _("De realisatie %(period)s van %(organisation)s is nog niet ingediend. "
                      "Vandaag, %(deadline)s, is de laatste dag.") % p)
        return (_("Herinnering: realisatie %(period)s van %(organisation)s, uiterlijk "
                  "%(deadline)s") % p,
                _("De realisatie %(period)s van %(organisation)s is nog niet ingediend. Dien "
                  "haar in vóór of op %(deadline)s.") % p)
    if kind == Kind.EXPORT_READY:
        return (_("Export klaar: %(report)s") % p,
                _("Uw export “%(report)s” staat klaar tot %(deadline)s.") % p)
    raise ValueError(f"unknown notification kind {kind!r}")
