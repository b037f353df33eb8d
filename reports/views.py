from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.selectors import cooperative_for, current_members
from partners.models import Organisation

from . import services
from .models import ExportJob


def _job(request, code, job_id) -> ExportJob:
    """A job of this cooperative that the user may fetch; 404 otherwise (ids are guessable)."""
    cooperative = cooperative_for(request.user, code, "export.start")
    job = ExportJob.objects.filter(pk=job_id, cooperative=cooperative).select_related(
        "requested_by", "cooperative").first()
    if job is None or not policy.allowed(request.user, "export.download", job):
        raise Http404
    return job


@login_required
def exports(request, code):
    cooperative = cooperative_for(request.user, code, "export.start")
    if request.method == "POST":
        return _start(request, cooperative)
    # Dead and expired jobs are handled by the beat scheduler (reports.tasks): a GET writes nothing.
    roles = policy.roles_for(request.user, cooperative)
    jobs = ExportJob.objects.filter(cooperative=cooperative).select_related("requested_by",
                                                                            "area", "organisation")
    if not (roles.board or roles.finance):
        jobs = jobs.filter(requested_by=request.user)
    return render(request, "reports/exports.html", {
        "cooperative": cooperative, "jobs": jobs[:50], "reports": services.report_choices(),
        "years": cooperative.budget_rounds.order_by("-year").values_list("year", flat=True),
        "areas": cooperative.areas.order_by("name"),
        "members": current_members(cooperative),
        "may_audit": policy.allowed(request.user, "export.audit", cooperative),
        "may_map": policy.allowed(request.user, "accounting.map", cooperative),
    })


def _start(request, cooperative):
    post = request.POST
    area = cooperative.areas.filter(code=post.get("area")).first() if post.get("area") else None
    organisation = None
    if post.get("organisation"):
        organisation = Organisation.objects.filter(code=post["organisation"]).first()
        if organisation is None:
            messages.error(request, _("Onbekende partner."))
            return redirect("exports", code=cooperative.code)
    try:
        year = int(post.get("year", ""))
        job = services.export_start(cooperative=cooperative, report=post.get("report", ""),
                                    year=year, actor=request.user, area=area,
                                    organisation=organisation)
    except ValueError:
        messages.error(request, _("Jaar: kies een jaar."))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, ExportJob)))
    else:
        messages.success(request, _("Export gestart: %(report)s %(year)s.")
                         % {"report": job.report_title, "year": job.year})
    return redirect("exports", code=cooperative.code)


@login_required
def export_status(request, code, job_id):
    job = _job(request, code, job_id)
    return JsonResponse({
        "status": job.status, "label": job.get_status_display(), "progress": job.progress,
        "rows": job.rows, "message": job.message,
        "download": job.status == ExportJob.Status.DONE,
    })


@login_required
def export_download(request, code, job_id):
    job = _job(request, code, job_id)
    if job.status == ExportJob.Status.EXPIRED or job.expires_at < timezone.now():
        return render(request, "reports/expired.html", {"cooperative": job.cooperative,
                                                        "job": job}, status=410)
    if job.status != ExportJob.Status.DONE or not job.path.exists():
        raise Http404
    return FileResponse(job.path.open("rb"), as_attachment=True, filename=job.download_name)
