"""Exports that are ready for the person who asked for them, until they expire."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie.notifications.todo import Todo, provider

from .builders import registry
from .models import ExportJob


@provider
def exports_todo(user, cooperative, roles):
    if not (roles.board or roles.any_finance):
        return []
    jobs = ExportJob.objects.filter(cooperative=cooperative, requested_by=user,
                                    status=ExportJob.Status.DONE,
                                    expires_at__gt=timezone.now()).order_by("expires_at")
    titles = {slug: report.title for slug, report in registry().items()}
    url = reverse("exports", kwargs={"code": cooperative.code})
    return [Todo(_("Export “%(report)s” %(year)s downloaden") % {
        "report": titles.get(job.report, job.report), "year": job.year}, url,
        timezone.localtime(job.expires_at).date(), _("klaar tot")) for job in jobs]
