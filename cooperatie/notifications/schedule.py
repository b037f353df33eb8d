"""What the hourly beat task runs. Each package that sends timed notifications (reminders
before a round's deadline, votes closing) registers its job with `hourly_job`; every job is
idempotent (notification keys), so running twice in an hour sends nothing twice."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Delivery, Notification
from .services import digest_prepare
from .tasks import requeue_stale

JOBS: list[Callable[[datetime], int]] = []


def hourly_job(func):
    JOBS.append(func)
    return func


def digests(now: datetime) -> int:
    """At DIGEST_HOUR or later: one digest per person a day with what waited."""
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    waiting = Notification.objects.filter(delivery=Delivery.DIGEST, digest__isnull=True)
    users = get_user_model().objects.filter(pk__in=waiting.values("user"))
    return sum(1 for user in users if digest_prepare(user, local.date()))


def run(now: datetime) -> dict:
    done = {job.__module__ + "." + job.__name__: job(now) for job in JOBS}
    done["digests"] = digests(now)
    done["requeued"] = requeue_stale(now)
    return done
