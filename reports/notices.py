"""Telling the person who asked for an export that it is ready (a noisy kind: off by e-mail
unless they choose otherwise; always in the inbox)."""

from django.urls import reverse

from cooperatie.notifications.models import Kind
from cooperatie.notifications.services import notify

from .builders import registry


def export_ready(job) -> None:
    report = registry().get(job.report)
    notify(user=job.requested_by, kind=Kind.EXPORT_READY, cooperative=job.cooperative,
           key=f"export_ready:{job.pk}",
           params={"report": str(report.title) if report else job.report, "year": job.year,
                   "deadline": job.expires_at.isoformat()},
           url=reverse("exports", kwargs={"code": job.cooperative.code}))
