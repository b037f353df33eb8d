"""Periods to enter, for whoever enters realisation for a member (director or finance), due
the cooperative's number of days after the period's end."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cooperatie.notifications.todo import Todo, provider

from .selectors import periods_to_enter


@provider
def periods_todo(user, cooperative, roles):
    if not roles.organisations:
        return []
    grid = reverse("realisation:grid", kwargs={"code": cooperative.code})
    return [Todo(_("Realisatie %(period)s van %(org)s invullen") % {
        "period": period.label, "org": org.name},
        f"{grid}?jaar={period.budget_round.year}&periode={period.code}&org={org.code}",
        period.due)
        for period, org in periods_to_enter(user, cooperative)]
