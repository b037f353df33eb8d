"""A realisation period to enter: told to the directors and finance staff of every current
member when the period opens (with the day it is due), and reminded before and on that day
(REMINDER_DAYS) while their organisation has not submitted (once per period, day and person)."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from cooperatie import policy
from cooperatie.notifications.models import Kind, Notification
from cooperatie.notifications.schedule import hourly_job
from cooperatie.notifications.services import notify
from partners.models import OrganisationRole

from .models import PartnerRealisation, Period, due_days_of

REMINDER_DAYS = (3, 0)  # days before the due date: three days before, and on the day


def enterers(period: Period, *, not_submitted: bool = False):
    """(organisation, user) for everyone who enters realisation for a current member (its
    director or finance), once per pair; with `not_submitted` only where the period is not in."""
    cooperative = period.budget_round.cooperative
    members = cooperative.memberships.filter(policy.active_on(timezone.localdate()))
    roles = OrganisationRole.objects.filter(organisation__memberships__in=members,
                                            user__is_active=True)
    if not_submitted:
        roles = roles.exclude(organisation__in=PartnerRealisation.objects.filter(
            period=period, status=PartnerRealisation.Status.SUBMITTED).values("organisation"))
    pairs = {}
    for role in roles.select_related("organisation", "user").order_by("organisation__name",
                                                                         "user_id"):
        pairs.setdefault((role.organisation_id, role.user_id), (role.organisation, role.user))
    return list(pairs.values())


def _facts(period: Period, org) -> dict:
    return {"period": period.label, "organisation": org.name, "year": period.budget_round.year,
            "deadline": period.due.isoformat()}


def _grid_url(period: Period, org) -> str:
    grid = reverse("realisation:grid", kwargs={"code": period.budget_round.cooperative.code})
    return f"{grid}?jaar={period.budget_round.year}&periode={period.code}&org={org.code}"


def period_opened(period: Period) -> int:
    told = enterers(period)
    for org, user in told:
        notify(user=user, kind=Kind.PERIOD_OPEN, cooperative=period.budget_round.cooperative,
               key=f"period_open:{period.pk}:{org.pk}:{user.pk}", params=_facts(period, org),
               url=_grid_url(period, org))
    return len(told)


def due_reminder(days_left: int) -> int | None:
    """Which reminder is due with `days_left` to the due date: the smallest of REMINDER_DAYS
    at least that far out; none after the due date."""
    if days_left < 0:
        return None
    due = [d for d in REMINDER_DAYS if d >= days_left]
    return min(due) if due else None


@hourly_job
def period_reminders(now: datetime) -> int:
    """Remind who has not submitted an open period, 3 days before it is due and on the day.
    Idempotent: the key holds the period, its due date and the reminder, so a changed number
    of days starts afresh. Who was told of the period's opening since that reminder's day
    gets no reminder on top."""
    today = timezone.localtime(now).date()
    days_of: dict[int, int] = {}
    sent = 0
    for period in (Period.objects.filter(status=Period.Status.OPEN)
                   .select_related("budget_round__cooperative").order_by("pk")):
        coop_id = period.budget_round.cooperative_id
        period._due_days = days_of.setdefault(coop_id, due_days_of(coop_id))
        days_left = (period.due - today).days
        due = due_reminder(days_left)
        if due is None:
            continue
        told = set(Notification.objects.filter(
            kind=Kind.PERIOD_OPEN, key__startswith=f"period_open:{period.pk}:",
            created_at__date__gte=period.due - timedelta(days=due)).values_list("user_id",
                                                                                 flat=True))
        for org, user in enterers(period, not_submitted=True):
            if user.pk in told:
                continue
            sent += notify(
                user=user, kind=Kind.PERIOD_REMINDER, cooperative=period.budget_round.cooperative,
                key=f"period_reminder:{period.pk}:{period.due}:{due}:{org.pk}:{user.pk}",
                params={**_facts(period, org), "days": days_left},
                url=_grid_url(period, org)) is not None
    return sent
