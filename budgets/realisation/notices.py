"""A realisation period to enter: told to the directors and finance staff of every current
member when the period opens (once per period and person)."""

from django.urls import reverse
from django.utils import timezone

from cooperatie import policy
from cooperatie.notifications.models import Kind
from cooperatie.notifications.services import notify
from partners.models import OrganisationRole

from .models import Period


def period_opened(period: Period) -> int:
    rnd = period.budget_round
    cooperative = rnd.cooperative
    members = cooperative.memberships.filter(policy.active_on(timezone.localdate()))
    roles = (OrganisationRole.objects.filter(organisation__memberships__in=members,
                                             user__is_active=True)
             .select_related("organisation", "user").order_by("organisation__name", "user_id"))
    grid = reverse("realisation:grid", kwargs={"code": cooperative.code})
    told = set()
    for role in roles:
        if (role.organisation_id, role.user_id) in told:
            continue
        told.add((role.organisation_id, role.user_id))
        notify(user=role.user, kind=Kind.PERIOD_OPEN, cooperative=cooperative,
               key=f"period_open:{period.pk}:{role.organisation_id}:{role.user_id}",
               params={"period": period.label, "organisation": role.organisation.name,
                       "year": rnd.year, "deadline": None},
               url=f"{grid}?jaar={rnd.year}&periode={period.code}&org={role.organisation.code}")
    return len(told)
