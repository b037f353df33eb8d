"""What the budget round tells people: a round opened (with its deadline), the deadline
moved, a budget reopened (with the board's reason), and reminders before the deadline to the
directors of members who have not submitted (REMINDER_DAYS, and the board's 'now' button).
Each goes through cooperatie.notifications.notify, once per key."""

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cooperatie import policy
from cooperatie.notifications.models import Kind, Notification
from cooperatie.notifications.schedule import hourly_job
from cooperatie.notifications.services import notify
from partners.models import Organisation, OrganisationRole

from .models import BudgetRound, PartnerBudget


def _facts(rnd: BudgetRound, org=None) -> dict:
    facts = {"round": rnd.pk, "year": rnd.year, "cooperative": rnd.cooperative.name,
             "deadline": rnd.deadline.isoformat() if rnd.deadline else None}
    if org is not None:
        facts["organisation"] = org.name
    return facts


def _grid_url(rnd: BudgetRound, org) -> str:
    return (f"{reverse('budget_grid', kwargs={'code': rnd.cooperative.code})}"
            f"?jaar={rnd.year}&org={org.code}")


def directors(rnd: BudgetRound, *, not_submitted: bool = False):
    """(organisation, director) for every current member of the round's cooperative."""
    members = Organisation.objects.filter(memberships__in=rnd.cooperative.memberships.filter(
        policy.active_on(timezone.localdate())))
    if not_submitted:
        members = members.exclude(pk__in=PartnerBudget.objects.filter(
            budget_round=rnd, status=PartnerBudget.Status.SUBMITTED).values("organisation"))
    roles = OrganisationRole.objects.filter(
        organisation__in=members, role=OrganisationRole.Role.DIRECTOR, user__is_active=True,
    ).select_related("organisation", "user").order_by("organisation__name", "user_id")
    return [(r.organisation, r.user) for r in roles]


def round_opened(rnd: BudgetRound) -> int:
    opened = timezone.now().isoformat(timespec="seconds")
    return sum(1 for org, user in directors(rnd) if notify(
        user=user, kind=Kind.ROUND_OPENED, cooperative=rnd.cooperative,
        key=f"round_opened:{rnd.pk}:{opened}:{org.pk}:{user.pk}",
        params=_facts(rnd, org), url=_grid_url(rnd, org)))


def deadline_changed(rnd: BudgetRound, reason: str) -> int:
    return sum(1 for org, user in directors(rnd, not_submitted=True) if notify(
        user=user, kind=Kind.DEADLINE_CHANGED, cooperative=rnd.cooperative,
        key=f"deadline_changed:{rnd.pk}:{rnd.deadline}:{org.pk}:{user.pk}",
        params={**_facts(rnd, org), "reason": reason}, url=_grid_url(rnd, org)))


def budget_reopened(budget: PartnerBudget, reason: str) -> int:
    rnd, org = budget.budget_round, budget.organisation
    stamp = timezone.now().isoformat(timespec="seconds")
    return sum(1 for o, user in directors(rnd) if o.pk == org.pk and notify(
        user=user, kind=Kind.BUDGET_REOPENED, cooperative=rnd.cooperative,
        key=f"budget_reopened:{budget.pk}:{budget.version}:{stamp}:{user.pk}",
        params={**_facts(rnd, org), "reason": reason}, url=_grid_url(rnd, org)))


def _remind(rnd: BudgetRound, org, user, key: str, days: int) -> bool:
    return notify(user=user, kind=Kind.DEADLINE_REMINDER, cooperative=rnd.cooperative,
                  key=key, params={**_facts(rnd, org), "days": days},
                  url=_grid_url(rnd, org)) is not None


def remind_now(*, budget_round: BudgetRound, actor) -> int:
    """The board's button: remind every director whose budget is not in, at most once a day."""
    policy.ensure(actor, "round.remind", budget_round)
    today = timezone.localdate()
    days = (budget_round.deadline - today).days if budget_round.deadline else 0
    return sum(1 for org, user in directors(budget_round, not_submitted=True) if _remind(
        budget_round, org, user, f"reminder:{budget_round.pk}:now:{today}:{org.pk}:{user.pk}",
        days))


def due_reminder(days_left: int) -> int | None:
    """Which reminder is due with `days_left` to go: the smallest of REMINDER_DAYS at least
    that far out (14 days before, then 3 days before); none after the deadline."""
    if days_left < 0:
        return None
    due = [d for d in settings.REMINDER_DAYS if d >= days_left]
    return min(due) if due else None


@hourly_job
def deadline_reminders(now: datetime) -> int:
    """Send the reminder that is due for every open round with a deadline. Idempotent: the key
    holds the round, its deadline and the reminder, so a moved deadline starts afresh. Who was
    told of the round or its deadline since that reminder's day gets no reminder on top."""
    today = timezone.localtime(now).date()
    sent = 0
    for rnd in BudgetRound.objects.filter(status=BudgetRound.Status.OPEN,
                                          deadline__isnull=False).select_related("cooperative"):
        days_left = (rnd.deadline - today).days
        due = due_reminder(days_left)
        if due is None:
            continue
        window_start = rnd.deadline - timedelta(days=due)
        told = set(Notification.objects.filter(
            kind__in=[Kind.ROUND_OPENED, Kind.DEADLINE_CHANGED], params__round=rnd.pk,
            created_at__date__gte=window_start).values_list("user_id", flat=True))
        for org, user in directors(rnd, not_submitted=True):
            if user.pk in told:
                continue
            key = f"reminder:{rnd.pk}:{rnd.deadline}:{due}:{org.pk}:{user.pk}"
            sent += _remind(rnd, org, user, key, days_left)
    return sent


