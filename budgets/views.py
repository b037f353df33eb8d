"""Budget pages: parse input, check permission (through services and the policy), render."""

import io
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.models import Area
from cooperatie.selectors import cooperative_for
from partners.models import Organisation
from partners.parsing import parse_day

from . import excel, notices, selectors, services, uploads
from .amounts import parse_amount
from .ledger import balance
from .models import BudgetRound, PartnerBudget

# --- finding things the user may see -------------------------------------------------------


def _round(cooperative, request) -> BudgetRound:
    year = request.GET.get("jaar") or request.POST.get("jaar")
    rounds = cooperative.budget_rounds.all()
    if year:
        rnd = rounds.filter(year=year).first() if str(year).isdigit() else None
    else:
        rnd = selectors.open_round(cooperative) or rounds.order_by("-year").first()
    if rnd is None:
        raise Http404
    return rnd


def _own_organisation(user, cooperative, request) -> Organisation:
    """The organisation the director acts for (a director of several picks with ?org=)."""
    roles = policy.roles_for(user, cooperative)
    orgs = Organisation.objects.filter(pk__in=roles.director_of).order_by("name")
    wanted = request.GET.get("org") or request.POST.get("org")
    org = orgs.filter(code=wanted).first() if wanted else orgs.first()
    if org is None:
        raise PermissionDenied(_("Alleen de directeur van een partner vult een begroting in."))
    return org


def _member_budget(user, cooperative, rnd, org_code) -> PartnerBudget:
    budget = PartnerBudget.objects.filter(
        budget_round=rnd, organisation__code=org_code
    ).select_related("organisation", "budget_round__cooperative").first()
    if budget is None or not policy.allowed(user, "budget.view", budget):
        raise Http404
    return budget


def _own_budget(request, code):
    """The director's budget in the round; before its first saved change an unsaved one (a
    GET never writes: the draft exists from the first change)."""
    cooperative = cooperative_for(request.user, code)
    rnd = _round(cooperative, request)
    org = _own_organisation(request.user, cooperative, request)
    budget = services.budget_find(budget_round=rnd, organisation=org, actor=request.user)
    if budget.pk is None and not rnd.is_open:
        raise Http404
    return cooperative, budget


def _editable(user, budget) -> bool:
    return (policy.allowed(user, "budget.edit", budget) and not budget.is_submitted
            and budget.budget_round.is_open)


# --- the round ------------------------------------------------------------------------------


@login_required
def round_overview(request, code):
    cooperative = cooperative_for(request.user, code)
    rounds = list(cooperative.budget_rounds.order_by("-year"))
    rnd = _round(cooperative, request) if rounds else None
    roles = policy.roles_for(request.user, cooperative)
    rows = []
    if rnd is not None:
        for org, budget in selectors.round_budgets(rnd):
            visible = budget is not None and policy.allowed(request.user, "budget.view", budget)
            rows.append({"organisation": org, "budget": budget, "visible": visible,
                         "own": org.pk in roles.director_of})
    return render(request, "budgets/round.html", {
        "cooperative": cooperative, "round": rnd, "rounds": rounds, "rows": rows,
        "roles": roles, "may_manage": policy.allowed(request.user, "round.manage", cooperative),
        "completeness": rnd and selectors.completeness(cooperative, rnd.year),
    })


@login_required
@require_POST
def round_open(request, code):
    cooperative = cooperative_for(request.user, code)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("Jaar: vul een jaartal in, bijvoorbeeld 2027."))
        return redirect("budget_round", code=code)
    try:
        deadline = parse_day(request.POST.get("deadline", ""))
        rnd = services.budget_round_open(cooperative=cooperative, year=year, actor=request.user,
                                         reason=request.POST.get("reason") or _("ronde geopend"),
                                         deadline=deadline)
        messages.success(request, _("Begrotingsronde %(year)s is open.") % {"year": rnd.year})
    except ValueError as exc:
        messages.error(request, _("Deadline: %(error)s") % {"error": exc})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, BudgetRound)))
    return redirect("budget_round", code=code)


@login_required
@require_POST
def round_close(request, code, year):
    cooperative = cooperative_for(request.user, code)
    rnd = cooperative.budget_rounds.filter(year=year).first()
    if rnd is None:
        raise Http404
    try:
        services.budget_round_close(budget_round=rnd, actor=request.user,
                                    reason=request.POST.get("reason") or _("ronde gesloten"))
        messages.success(request, _("Begrotingsronde %(year)s is gesloten.") % {"year": year})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    return redirect(f"{_url('budget_round', code)}?jaar={year}")


@login_required
@require_POST
def round_deadline(request, code, year):
    cooperative = cooperative_for(request.user, code)
    rnd = get_object_or_404(cooperative.budget_rounds, year=year)
    try:
        deadline = parse_day(request.POST.get("deadline", ""))
        if deadline is None:
            raise ValueError(_("vul een datum in, bijvoorbeeld 15-01-2027."))
        services.budget_round_deadline_set(budget_round=rnd, deadline=deadline,
                                           actor=request.user,
                                           reason=request.POST.get("reason", ""))
        messages.success(request, _("De deadline is nu %(date)s; wie nog niet heeft ingediend, "
                                    "krijgt bericht.") % {"date": deadline.strftime("%d-%m-%Y")})
    except ValueError as exc:
        messages.error(request, _("Deadline: %(error)s") % {"error": exc})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, BudgetRound)))
    return redirect(f"{_url('budget_round', code)}?jaar={year}")


@login_required
@require_POST
def round_remind(request, code, year):
    cooperative = cooperative_for(request.user, code)
    rnd = get_object_or_404(cooperative.budget_rounds, year=year, status=BudgetRound.Status.OPEN)
    sent = notices.remind_now(budget_round=rnd, actor=request.user)
    if sent:
        messages.success(request, ngettext(
            "Herinnering verstuurd aan %(n)s directeur die nog niet heeft ingediend.",
            "Herinnering verstuurd aan %(n)s directeuren die nog niet hebben ingediend.",
            sent) % {"n": sent})
    else:
        messages.info(request, _("Er is niemand meer te herinneren: iedereen heeft ingediend of "
                                 "kreeg vandaag al een herinnering."))
    return redirect(f"{_url('budget_round', code)}?jaar={year}")


def _url(name, code):
    return reverse(name, kwargs={"code": code})


# --- the director's grid --------------------------------------------------------------------


def _page(cooperative, request) -> dict:
    """Which area a large cooperative's page shows, and the areas to choose from."""
    area = selectors.page_area(cooperative, request.GET.get("gebied") or
                               request.POST.get("gebied"))
    return {"area": area, "areas": cooperative.areas.order_by("name"),
            "paged": area is not None}


@login_required
def budget_grid(request, code):
    cooperative, budget = _own_budget(request, code)
    page = _page(cooperative, request)
    area = page["area"]
    context = {"cooperative": cooperative, "budget": budget, **page,
               "editable": _editable(request.user, budget)}
    if request.method == "POST":
        return _grid_save(request, code, budget, area, context)
    context["grid"] = selectors.budget_grid(budget, area)
    context.update(_grid_extras(budget, area))
    return render(request, "budgets/grid.html", context)


def _grid_extras(budget, area) -> dict:
    extras = {"reopened": selectors.reopen_notice(budget),
              "previous": selectors.previous_submitted(budget)}
    if area is not None:
        extras["budget_total"] = balance(budget.lines.all()) if budget.pk else Decimal("0.00")
    return extras


def _grid_save(request, code, budget, area, context):
    """Save what was typed. Whatever happens, nothing typed is lost: a typo shows the grid as
    typed with the cell marked; a save refused because someone else saved first shows the
    user's values beside the other person's, to choose and save again."""
    grid = _typed_grid(budget, request.POST, area)
    context.update(grid=grid, reason=request.POST.get("reason", ""), **_grid_extras(budget, area))
    if grid.errors:
        context["errors"] = [
            (c.key, f"{c.neighbourhood.name}, {c.funding_stream.name}: {c.error}")
            for row in grid.rows for c in row.cells if c.error]
        return render(request, "budgets/grid.html", context, status=400)
    expected = _int(request.POST.get("version"))
    try:
        changes = services.budget_lines_save(
            budget=budget, rows=_line_inputs(grid), expected_version=expected,
            actor=request.user, reason=request.POST.get("reason") or _("ingevuld op het scherm"),
        )
    except services.StaleBudget:
        budget = services.budget_find(budget_round=budget.budget_round,
                                      organisation=budget.organisation, actor=request.user)
        context.update(budget=budget, merge=selectors.grid_merge(budget, grid, expected),
                       editable=_editable(request.user, budget))
        return render(request, "budgets/grid.html", context, status=409)
    except ValidationError as exc:
        context["errors"] = [(None, line) for line in error_lines(exc)]
        context["editable"] = _editable(request.user, budget)
        return render(request, "budgets/grid.html", context, status=400)
    messages.success(request, _("Opgeslagen: %(n)s wijziging(en).") % {"n": len(changes)})
    year = budget.budget_round.year
    if request.POST.get("action") == "submit":
        return redirect(f"{_url('budget_submit', code)}?jaar={year}&org={budget.organisation.code}")
    return redirect(f"{_url('budget_grid', code)}?jaar={year}&org={budget.organisation.code}"
                    + (f"&gebied={area.code}" if area else ""))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _typed_grid(budget, post, area) -> selectors.Grid:
    """The grid as the user typed it: each cell's amount read, or the reason it is not an
    amount. The cells come from the database, so ids in the form only select among this
    cooperative's neighbourhoods and streams. Where the user chose the other person's value
    after a refused save ("hun"), that value is taken."""
    grid = selectors.budget_grid(budget, area)
    for cell in (c for row in grid.rows for c in row.cells):
        prefix = "t-" if post.get(f"keuze-{cell.key}") == "hun" else ""
        cell.raw = post.get(f"{prefix}a-{cell.key}", "")
        cell.note = post.get(f"{prefix}n-{cell.key}", "").strip()
        try:
            cell.amount = parse_amount(cell.raw)
        except ValueError as exc:
            cell.amount, cell.error = None, str(exc)
            continue
        if len(cell.note) > excel.NOTE_MAX:
            cell.error = _("de toelichting is te lang.")
    return grid


def _line_inputs(grid) -> list:
    return [services.LineInput(c.neighbourhood, c.funding_stream, c.amount, c.note)
            for row in grid.rows for c in row.cells]


@login_required
@require_http_methods(["GET", "POST"])
def budget_submit(request, code):
    """Submitting, in two steps: the summary of what will be put on the table (GET), then the
    submission of exactly that version (POST)."""
    cooperative, budget = _own_budget(request, code)
    year, org = budget.budget_round.year, budget.organisation.code
    back = f"{_url('budget_grid', code)}?jaar={year}&org={org}"
    if not _editable(request.user, budget):
        messages.error(request, _("Deze begroting kan niet (meer) worden ingediend."))
        return redirect(back)
    if request.method == "POST":
        try:
            services.budget_submit(budget=budget, actor=request.user,
                                   reason=request.POST.get("reason", ""),
                                   expected_version=_int(request.POST.get("version")))
        except services.StaleBudget:
            messages.error(request, _("De begroting is gewijzigd sinds u deze samenvatting "
                                      "opende; er is niets ingediend. Controleer de nieuwe "
                                      "samenvatting."))
            return redirect(f"{_url('budget_submit', code)}?jaar={year}&org={org}")
        except ValidationError as exc:
            messages.error(request, " ".join(error_lines(exc)))
            return redirect(back)
        messages.success(request, _("Uw begroting is ingediend en staat nu in het gedeelde "
                                    "grootboek."))
        return redirect(back)
    return render(request, "budgets/submit.html", {
        "cooperative": cooperative, "budget": budget, **_submit_summary(budget),
    })


def _submit_summary(budget) -> dict:
    """What submitting puts on the table: money per funding stream, staff and its value in
    kind (exactly the entries the submission posts)."""
    from partners.selectors import commitments_of, fte_year

    commitments = list(commitments_of(budget.budget_round, budget.organisation))
    return {
        "streams": selectors.stream_totals(budget),
        "commitments": len(commitments),
        "fte": sum((fte_year(fte=c.fte, period_start=c.period_start,
                             period_end=c.period_end) for c in commitments), Decimal("0")),
        "in_kind": sum((e["amount"] for e in services.in_kind_entries(budget)),
                       Decimal("0.00")),
    }


# --- Excel template and upload --------------------------------------------------------------


@login_required
def budget_template(request, code):
    cooperative, budget = _own_budget(request, code)
    output = io.BytesIO()
    excel.write_template(output, budget_round=budget.budget_round,
                         organisation=budget.organisation, budget=budget if budget.pk else None)
    output.seek(0)
    year, org = budget.budget_round.year, budget.organisation.code
    name = f"begroting-{cooperative.code}-{year}-{org}.xlsx"
    return FileResponse(output, as_attachment=True, filename=name)


@login_required
def budget_upload(request, code):
    cooperative, budget = _own_budget(request, code)
    context = {"cooperative": cooperative, "budget": budget}
    if request.method == "POST":
        if not _editable(request.user, budget):
            messages.error(request, _("Deze begroting kan niet meer worden gewijzigd."))
            return redirect(f"{_url('budget_grid', code)}?jaar={budget.budget_round.year}")
        file = request.FILES.get("file")
        data = file.read(settings.UPLOAD_MAX_BYTES + 1) if file else b""
        return _upload_preview(request, context, budget, data, file.name if file else "")
    return render(request, "budgets/upload.html", context)


def _upload_preview(request, context, budget, data: bytes, name: str):
    """Read and check a workbook for the budget, keep what it read and show what it would
    change (the preview page); saved on confirm, without reading the workbook again."""
    upload = excel.read_upload(data, budget=budget, filename=name)
    try:
        if upload.errors:
            raise ValidationError(upload.errors)
        # The preview shows only what the real import would accept.
        services.budget_import_dry_run(budget=budget, upload=upload,
                                       expected_version=budget.version,
                                       actor=request.user, reason=_("proefrun"))
    except ValidationError as exc:
        context["errors"] = error_lines(exc)
        return render(request, "budgets/upload.html", context, status=400)
    previous = request.session.get("budget_upload") or {}
    if previous.get("token"):
        uploads.drop(previous["token"])  # one upload waits per user's session
    kept = uploads.keep(upload, data=data, budget=budget, actor=request.user, name=name)
    request.session["budget_upload"] = {
        "token": kept.token, "checksum": kept.checksum, "budget": budget.pk,
        "round": budget.budget_round_id, "organisation": budget.organisation_id,
        "from_year": context["from_year"].pk if context.get("from_year") else None}
    return redirect(_upload_url("budget_upload_preview", budget, context["cooperative"]))


def _upload_url(name, budget, cooperative) -> str:
    return (f"{_url(name, cooperative.code)}?jaar={budget.budget_round.year}"
            f"&org={budget.organisation.code}")


def _kept(request, budget, *, token=None, checksum=None, take=False) -> uploads.Kept:
    """The upload this user previewed for this budget: the token (from the form, else the
    session) must be the session's, and for this budget; raises uploads.NotKept."""
    pending = request.session.get("budget_upload") or {}
    token = token if token is not None else pending.get("token")
    if not token or pending.get("token") != token or pending.get("budget") != budget.pk \
            or (pending.get("round"), pending.get("organisation")) != (
                budget.budget_round_id, budget.organisation_id):
        raise uploads.expired() if not pending else uploads.foreign()
    if checksum and checksum != pending.get("checksum"):
        raise uploads.foreign()  # a confirmation for another file than the one previewed
    checksum = pending.get("checksum")
    if take:
        return uploads.take(token, budget=budget, actor=request.user, checksum=checksum)
    return uploads.peek(token, budget=budget, actor=request.user, checksum=checksum)


@login_required
def budget_upload_preview(request, code):
    """What the kept upload would change: counts, totals and the first changes, with the full
    list to download. A GET: nothing is written."""
    cooperative, budget = _own_budget(request, code)
    try:
        kept = _kept(request, budget)
    except uploads.NotKept as refused:
        messages.error(request, refused.message)
        return redirect(_upload_url("budget_upload", budget, cooperative))
    if kept.version != budget.version:
        messages.error(request, _("De begroting is intussen gewijzigd; upload het bestand "
                                  "opnieuw om de nieuwe verschillen te zien."))
        return redirect(_upload_url("budget_upload", budget, cooperative))
    changes = services.budget_changes(budget, kept.upload.rows)
    from_year = request.session["budget_upload"].get("from_year")
    return render(request, "budgets/upload_preview.html", {
        "cooperative": cooperative, "budget": budget, "kept": kept, "changes": changes,
        "first_changes": changes[:uploads.PREVIEW_CHANGES],
        "summary": uploads.summary(budget, changes),
        "staff_changes": services.staff_upload_preview(kept.upload),
        "from_year": PartnerBudget.objects.filter(pk=from_year).select_related(
            "budget_round").first() if from_year else None,
    })


@login_required
def budget_upload_changes(request, code):
    """Every change of the kept upload, as a workbook."""
    cooperative, budget = _own_budget(request, code)
    try:
        kept = _kept(request, budget)
    except uploads.NotKept as refused:
        messages.error(request, refused.message)
        return redirect(_upload_url("budget_upload", budget, cooperative))
    output = io.BytesIO()
    excel.write_changes(output, services.budget_changes(budget, kept.upload.rows))
    output.seek(0)
    name = (f"wijzigingen-{cooperative.code}-{budget.budget_round.year}-"
            f"{budget.organisation.code}.xlsx")
    return FileResponse(output, as_attachment=True, filename=name)


@login_required
@require_POST
def budget_from_last_year(request, code):
    """Start from last year's submitted budget: its lines, as this year's template filled in,
    previewed like an upload (copy, then change)."""
    cooperative, budget = _own_budget(request, code)
    previous = selectors.previous_submitted(budget)
    if not _editable(request.user, budget) or previous is None:
        messages.error(request, _("Er is geen ingediende begroting van vorig jaar om mee te "
                                  "beginnen."))
        return redirect(f"{_url('budget_grid', code)}?jaar={budget.budget_round.year}"
                        f"&org={budget.organisation.code}")
    output = io.BytesIO()
    excel.write_template(output, budget_round=budget.budget_round,
                         organisation=budget.organisation, budget=previous)
    context = {"cooperative": cooperative, "budget": budget, "from_year": previous}
    name = f"begroting-{cooperative.code}-{previous.budget_round.year}.xlsx"
    return _upload_preview(request, context, budget, output.getvalue(), name)


@login_required
@require_POST
def budget_upload_confirm(request, code):
    """Import the kept upload, once: what the preview showed, without reading the workbook
    again. A token that is not the user's latest upload for this budget, for this file, or
    one already confirmed, is refused and nothing is written."""
    cooperative, budget = _own_budget(request, code)
    back = f"{_url('budget_grid', code)}?jaar={budget.budget_round.year}"
    try:
        kept = _kept(request, budget, token=request.POST.get("token", ""),
                     checksum=request.POST.get("checksum", ""), take=True)
    except uploads.NotKept as refused:
        messages.error(request, refused.message)
        return redirect(back)
    request.session.pop("budget_upload", None)
    try:
        changes = services.budget_import(
            budget=budget, upload=kept.upload, expected_version=kept.version,
            actor=request.user, reason=_("Excel-bestand ingelezen"),
        )
        messages.success(request, _("Ingelezen: %(n)s wijziging(en).") % {"n": len(changes)})
    except services.StaleBudget:
        messages.error(request, _("De begroting is intussen gewijzigd; er is niets ingelezen. "
                                  "Upload het bestand opnieuw om de nieuwe verschillen te zien."))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    return redirect(back)


@login_required
@require_POST
def budget_upload_cancel(request, code):
    cooperative, budget = _own_budget(request, code)
    try:
        kept = _kept(request, budget, token=request.POST.get("token", ""))
    except uploads.NotKept:
        pass
    else:
        uploads.drop(kept.token)
        request.session.pop("budget_upload", None)
        messages.info(request, _("De upload is geannuleerd; er is niets gewijzigd."))
    return redirect(f"{_url('budget_grid', code)}?jaar={budget.budget_round.year}")


# --- what everyone sees ---------------------------------------------------------------------


@login_required
def budget_detail(request, code, org):
    cooperative = cooperative_for(request.user, code)
    rnd = _round(cooperative, request)
    budget = _member_budget(request.user, cooperative, rnd, org)
    page = _page(cooperative, request)
    return render(request, "budgets/detail.html", {
        "cooperative": cooperative, "budget": budget, **page,
        "grid": selectors.budget_grid(budget, page["area"]),
        "may_reopen": budget.is_submitted and rnd.is_open
        and policy.allowed(request.user, "budget.reopen", budget),
    })


@login_required
@require_POST
def budget_reopen(request, code, org):
    cooperative = cooperative_for(request.user, code)
    rnd = _round(cooperative, request)
    budget = _member_budget(request.user, cooperative, rnd, org)
    try:
        services.budget_reopen(budget=budget, actor=request.user,
                               reason=request.POST.get("reason", ""))
        messages.success(request, _("De begroting van %(org)s is heropend.")
                         % {"org": budget.organisation})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, PartnerBudget)))
    return redirect(reverse("budget_detail", kwargs={"code": code, "org": org})
                    + f"?jaar={rnd.year}")


@login_required
def budget_history(request, code, org):
    cooperative = cooperative_for(request.user, code)
    rnd = _round(cooperative, request)
    budget = _member_budget(request.user, cooperative, rnd, org)
    return render(request, "budgets/history.html", {
        "cooperative": cooperative, "budget": budget,
        "events": selectors.budget_history(budget),
    })


@login_required
def pooled(request, code):
    cooperative = cooperative_for(request.user, code, "pooled.view")
    rnd = _round(cooperative, request)
    by = request.GET.get("per", "partner")
    by = by if by in selectors.POOL_BY else "partner"
    area = None
    if request.GET.get("gebied"):
        area = Area.objects.filter(cooperative=cooperative, code=request.GET["gebied"]).first()
    # A large cooperative's overview shows its areas; each area shows its neighbourhoods.
    areas_only = area is None and selectors.is_large(cooperative)
    found = selectors.completeness_by_year(cooperative, [rnd.year, rnd.year - 1])
    completeness, previous = found[rnd.year], found[rnd.year - 1]
    return render(request, "budgets/pooled.html", {
        "completeness": completeness, "previous_completeness": previous,
        # a comparison with an incomplete year is no finding yet
        "provisional": not completeness.complete or (previous and not previous.complete),
        "cooperative": cooperative, "round": rnd, "area": area, "areas_only": areas_only,
        "areas": cooperative.areas.order_by("name"),
        "rounds": cooperative.budget_rounds.order_by("-year"),
        "pooled": selectors.pooled_budget(cooperative, rnd.year, by=by, area=area,
                                          areas_only=areas_only),
    })
