"""Realisation pages: parse input, check permission (through the services and the policy),
call one service, render. No GET writes: a realisation is created by its first saved change."""

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets.amounts import parse_amount
from budgets.selectors import completeness, page_area
from cooperatie import policy
from cooperatie import spreadsheets as ss
from cooperatie.errors import error_lines
from cooperatie.numbers import parse_decimal
from cooperatie.selectors import cooperative_for, current_members
from cooperatie.spreadsheets import pending as pending_uploads
from partners.models import Organisation

from . import charts, excel, selectors, services
from .models import NOTE_MAX, PartnerRealisation, Period, RealisationSettings

UPLOAD_SESSION = "realisation_upload"


# --- finding what the user may see ---------------------------------------------------------


def _round(cooperative, request):
    """The round asked for (?jaar=), else the latest round with periods, else the open one."""
    year = request.GET.get("jaar") or request.POST.get("jaar")
    rounds = cooperative.budget_rounds.all()
    if year:
        found = rounds.filter(year=year).first() if str(year).isdigit() else None
    else:
        found = (rounds.filter(periods__status__in=[Period.Status.OPEN, Period.Status.CLOSED])
                 .order_by("-year").first()
                 or rounds.filter(status="open").order_by("-year").first()
                 or rounds.order_by("-year").first())
    if found is None:
        raise Http404
    return found


def _period(budget_round, request, *, default=None) -> Period:
    code = request.GET.get("periode") or request.POST.get("periode")
    if not code:
        if default is None:
            raise Http404
        return default
    period, _problem = selectors.period_by_code(budget_round, code)
    if period is None:
        raise Http404
    return period


def _entry_period(budget_round, request) -> Period:
    """For entering: the period asked for, else the first open one."""
    opened = selectors.open_periods(budget_round)
    return _period(budget_round, request, default=opened[0] if opened else None)


def _organisation(user, cooperative, request) -> Organisation:
    """Whose realisation the user enters: their own organisation (?org= among several), or
    for the cooperative's finance any member."""
    roles = policy.roles_for(user, cooperative)
    if roles.finance:
        orgs = Organisation.objects.filter(
            pk__in=[m.organisation_id for m in current_members(cooperative)])
    else:
        orgs = Organisation.objects.filter(pk__in=roles.organisations)
    orgs = orgs.order_by("name")
    wanted = request.GET.get("org") or request.POST.get("org")
    org = orgs.filter(code=wanted).first() if wanted else orgs.first()
    if org is None:
        raise PermissionDenied(_("Alleen de directeur of financiën van een partner voert "
                                 "realisatie in."))
    return org


def _query(period, organisation, area=None) -> str:
    out = f"?jaar={period.budget_round.year}&periode={period.code}&org={organisation.code}"
    return out + (f"&gebied={area.code}" if area else "")


def _url(name, code, **kwargs) -> str:
    return reverse(f"realisation:{name}", kwargs={"code": code, **kwargs})


def _area(cooperative, request):
    area = page_area(cooperative, request.GET.get("gebied") or request.POST.get("gebied"))
    return {"area": area, "areas": cooperative.areas.order_by("name"), "paged": area is not None}


def _version(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# --- the round's periods ---------------------------------------------------------------------


@login_required
def index(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    periods_list = selectors.round_periods(budget_round)
    roles = policy.roles_for(request.user, cooperative)
    status = selectors.round_status(budget_round, periods_list)
    rows = [{"organisation": org,
             "cells": [{"realisation": r, "period": p,
                        "visible": r is not None and policy.allowed(request.user,
                                                                    "realisation.view", r)}
                       for p, r in zip(periods_list, found, strict=True)],
             "own": org.pk in roles.organisations} for org, found in status]
    missing = {p.pk: sum(1 for row in rows if not (row["cells"][i]["realisation"]
                                                   and row["cells"][i]["realisation"].is_submitted))
               for i, p in enumerate(periods_list)}
    return render(request, "realisation/index.html", {
        "cooperative": cooperative, "round": budget_round, "periods": periods_list,
        "rows": rows, "roles": roles, "missing": missing,
        "rounds": cooperative.budget_rounds.order_by("-year"),
        "may_manage": policy.allowed(request.user, "period.manage", cooperative),
        "may_enter": bool(roles.organisations or roles.finance),
        "to_enter": selectors.periods_to_enter(request.user, cooperative),
    })


@login_required
@require_POST
def plan(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    try:
        services.periods_plan(budget_round=budget_round, kind=request.POST.get("kind"),
                              actor=request.user, reason=_("perioden ingedeeld"))
        messages.success(request, _("De ronde %(year)s is ingedeeld in perioden.")
                         % {"year": budget_round.year})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    return redirect(f"{_url('index', code)}?jaar={budget_round.year}")


def _period_action(request, code, pk, action):
    cooperative = cooperative_for(request.user, code)
    period = (Period.objects.filter(pk=pk, budget_round__cooperative=cooperative)
              .select_related("budget_round__cooperative").first())
    if period is None:
        raise Http404
    try:
        action(period=period, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("%(period)s is nu %(status)s.")
                         % {"period": period.label.capitalize(),
                            "status": period.get_status_display()})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    return redirect(f"{_url('index', code)}?jaar={period.budget_round.year}")


@login_required
@require_POST
def period_open(request, code, pk):
    return _period_action(request, code, pk, services.period_open)


@login_required
@require_POST
def period_close(request, code, pk):
    return _period_action(request, code, pk, services.period_close)


# --- a partner's grid ------------------------------------------------------------------------


def _grid_input(post, grid) -> tuple[list, list[str]]:
    """Every cell of the grid; the cells come from the database, so ids in the form only
    select among this cooperative's neighbourhoods and streams."""
    rows, errors = [], []
    for cell in (c for row in grid.rows for c in row.cells):
        where = f"{cell.neighbourhood.name}, {cell.funding_stream.name}"
        note = post.get(f"n-{cell.key}", "")
        try:
            amount = parse_amount(post.get(f"a-{cell.key}", ""), negative=True)
            note = ss.clean_note(note)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if len(note) > NOTE_MAX:
            errors.append(_("%(where)s: de toelichting is te lang.") % {"where": where})
            continue
        if amount is not None and amount < 0 and not note:
            errors.append(_("%(where)s: een negatief bedrag (een terugbetaling of correctie) "
                            "vraagt een toelichting.") % {"where": where})
            continue
        rows.append(services.LineInput(cell.neighbourhood, cell.funding_stream, amount, note))
    return rows, errors


def _deployment_input(post, deployment_rows) -> tuple[list, list[str]]:
    items, errors = [], []
    for row in deployment_rows:
        raw = post.get(f"f-{row.key}", "")
        row.raw = raw
        try:
            fte = parse_decimal(raw, thousands_dot=False)
        except ValueError as exc:
            errors.append(f"{row.commitment}: {exc}")
            continue
        if fte is not None and (fte < 0 or fte > 100 or fte != fte.quantize(Decimal("0.01"))):
            errors.append(_("%(c)s: vul een aantal fte van 0 tot 100 in, met hoogstens 2 "
                            "decimalen (%(raw)s).") % {"c": row.commitment, "raw": raw})
            continue
        items.append(services.DeploymentInput(row.commitment, fte))
    return items, errors


def _typed_back(grid, post) -> None:
    for cell in (c for row in grid.rows for c in row.cells):
        cell.raw = post.get(f"a-{cell.key}", "")
        cell.note = post.get(f"n-{cell.key}", "")


def _grid_context(request, cooperative, period, organisation, correcting=False) -> dict:
    realisation = selectors.realisation_of(period, organisation)
    page = _area(cooperative, request)
    context = {
        "cooperative": cooperative, "period": period, "organisation": organisation,
        "realisation": realisation, "version": realisation.version if realisation else 0,
        "grid": selectors.realisation_grid(period, organisation, realisation, page["area"]),
        "deployments": selectors.deployment_rows(period, organisation, realisation),
        "open_periods": selectors.open_periods(period.budget_round), "correcting": correcting,
        "periods": selectors.round_periods(period.budget_round), **page,
    }
    context["editable"] = (period.is_open and not (realisation and realisation.is_submitted))
    return context


@login_required
def grid(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    period = _entry_period(budget_round, request)
    organisation = _organisation(request.user, cooperative, request)
    context = _grid_context(request, cooperative, period, organisation)
    back = _url("grid", code) + _query(period, organisation, context["area"])
    if request.method == "POST":
        rows, errors = _grid_input(request.POST, context["grid"])
        deployments, more = _deployment_input(request.POST, context["deployments"])
        if errors or more:
            _typed_back(context["grid"], request.POST)
            context.update(errors=errors + more, editable=True)
            return render(request, "realisation/grid.html", context, status=400)
        try:
            changes = services.realisation_lines_save(
                period=period, organisation=organisation, rows=rows, deployments=deployments,
                expected_version=_version(request.POST.get("version")), actor=request.user,
                reason=request.POST.get("reason") or _("ingevuld op het scherm"))
        except services.StaleRealisation as exc:
            context = _grid_context(request, cooperative, period, organisation)
            context["stale"] = exc
            return render(request, "realisation/grid.html", context, status=409)
        except ValidationError as exc:
            messages.error(request, " ".join(error_lines(exc)))
            return redirect(back)
        messages.success(request, _("Opgeslagen: %(n)s wijziging(en).") % {"n": len(changes)})
        if request.POST.get("action") == "submit":
            _submit(request, period, organisation)
        return redirect(back)
    return render(request, "realisation/grid.html", context)


def _submit(request, period, organisation) -> None:
    try:
        services.realisation_submit(period=period, organisation=organisation,
                                    actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("De realisatie van %(period)s is ingediend en staat in het "
                                    "gedeelde grootboek.") % {"period": period.label})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))


@login_required
def correct(request, code):
    """A closed period's realisation, corrected: booked in an open period as a reversal plus
    a new posting, with a reason."""
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    period = _period(budget_round, request)
    organisation = _organisation(request.user, cooperative, request)
    if not period.is_closed:
        return redirect(_url("grid", code) + _query(period, organisation))
    context = _grid_context(request, cooperative, period, organisation, correcting=True)
    context["editable"] = bool(context["open_periods"])
    if request.method == "POST":
        rows, errors = _grid_input(request.POST, context["grid"])
        deployments, more = _deployment_input(request.POST, context["deployments"])
        booking = next((p for p in context["open_periods"]
                        if p.code == request.POST.get("booking")), None)
        if booking is None:
            errors.append(_("Kies de open periode waarin de correctie wordt geboekt."))
        if errors or more:
            _typed_back(context["grid"], request.POST)
            context.update(errors=errors + more, reason=request.POST.get("reason", ""))
            return render(request, "realisation/grid.html", context, status=400)
        try:
            changes = services.realisation_correct(
                period=period, organisation=organisation, rows=rows, deployments=deployments,
                booking_period=booking, expected_version=_version(request.POST.get("version")),
                actor=request.user, reason=request.POST.get("reason", ""))
        except services.StaleRealisation as exc:
            context = _grid_context(request, cooperative, period, organisation, correcting=True)
            context.update(stale=exc, editable=bool(context["open_periods"]))
            return render(request, "realisation/grid.html", context, status=409)
        except ValidationError as exc:
            _typed_back(context["grid"], request.POST)
            context.update(errors=error_lines(exc), reason=request.POST.get("reason", ""))
            return render(request, "realisation/grid.html", context, status=400)
        messages.success(request, _("De correctie van %(period)s is geboekt in %(booked)s: een "
                                    "tegenboeking en een nieuwe boeking (%(n)s regel(s) "
                                    "gewijzigd).") % {"period": period.label,
                                                      "booked": booking.label,
                                                      "n": len(changes)})
        return redirect(_url("detail", code, org=organisation.code) + _query(period,
                                                                               organisation))
    return render(request, "realisation/grid.html", context)


# --- Excel template and upload ---------------------------------------------------------------


@login_required
def template(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    period = _entry_period(budget_round, request)
    organisation = _organisation(request.user, cooperative, request)
    output = io.BytesIO()
    excel.write_template(output, period=period, organisation=organisation,
                         realisation=selectors.realisation_of(period, organisation))
    output.seek(0)
    name = f"realisatie-{cooperative.code}-{period.code}-{organisation.code}.xlsx"
    return FileResponse(output, as_attachment=True, filename=name)


@login_required
def upload(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    period = _entry_period(budget_round, request)
    organisation = _organisation(request.user, cooperative, request)
    realisation = selectors.realisation_of(period, organisation)
    context = {"cooperative": cooperative, "period": period, "organisation": organisation}
    back = _url("grid", code) + _query(period, organisation)
    if request.method != "POST":
        return render(request, "realisation/upload.html", context)
    file = request.FILES.get("file")
    data = file.read(ss.Limits().resolved().max_bytes + 1) if file else b""
    found = excel.read_upload(data, period=period, organisation=organisation,
                              filename=file.name if file else "")
    errors = list(found.errors)
    if not errors:
        try:  # the same checks the confirmation will run: never preview what cannot be saved
            services.ensure_period_open(period)
            if realisation and realisation.is_submitted:
                raise ValidationError(_("Deze realisatie is ingediend en kan niet meer worden "
                                        "gewijzigd."))
            policy.ensure(request.user, "realisation.act", organisation,
                          cooperative=cooperative)
        except ValidationError as exc:
            errors += error_lines(exc)
    if errors:
        context["errors"] = errors
        return render(request, "realisation/upload.html", context, status=400)
    token = pending_uploads.stash(data)
    request.session[UPLOAD_SESSION] = {
        "token": token, "period": period.pk, "organisation": organisation.pk,
        "version": realisation.version if realisation else 0,
        "name": file.name if file else ""}
    context.update(changes=services.realisation_changes(realisation, found.rows), token=token,
                   back=back)
    return render(request, "realisation/upload_preview.html", context)


@login_required
@require_POST
def upload_confirm(request, code):
    cooperative = cooperative_for(request.user, code)
    budget_round = _round(cooperative, request)
    period = _period(budget_round, request)
    organisation = _organisation(request.user, cooperative, request)
    pending = request.session.pop(UPLOAD_SESSION, None) or {}
    back = _url("grid", code) + _query(period, organisation)
    token = request.POST.get("token")
    data = pending_uploads.fetch(token) if pending.get("token") == token else None
    pending_uploads.discard(token)
    if (data is None or pending.get("period") != period.pk
            or pending.get("organisation") != organisation.pk):
        messages.error(request, _("Deze upload is verlopen; upload het bestand opnieuw."))
        return redirect(back)
    if request.POST.get("cancel"):
        messages.info(request, _("Niets ingelezen."))
        return redirect(back)
    found = excel.read_upload(data, period=period, organisation=organisation,
                              filename=pending.get("name", ""))
    try:
        changes = services.realisation_import(
            period=period, organisation=organisation, upload=found,
            expected_version=pending["version"], actor=request.user,
            reason=_("Excel-bestand ingelezen"))
        messages.success(request, _("Ingelezen: %(n)s wijziging(en).") % {"n": len(changes)})
    except services.StaleRealisation:
        messages.error(request, _("De realisatie is intussen gewijzigd; er is niets ingelezen. "
                                  "Upload het bestand opnieuw om de nieuwe verschillen te zien."))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    return redirect(back)


# --- what others see -------------------------------------------------------------------------


def _member_realisation(request, cooperative, org_code):
    budget_round = _round(cooperative, request)
    period = _period(budget_round, request)
    realisation = (PartnerRealisation.objects.filter(period=period, organisation__code=org_code)
                   .select_related("organisation", "period__budget_round__cooperative").first())
    if realisation is None or not policy.allowed(request.user, "realisation.view", realisation):
        raise Http404
    return period, realisation


@login_required
def detail(request, code, org):
    cooperative = cooperative_for(request.user, code)
    period, realisation = _member_realisation(request, cooperative, org)
    page = _area(cooperative, request)
    organisation = realisation.organisation
    return render(request, "realisation/detail.html", {
        "cooperative": cooperative, "period": period, "realisation": realisation,
        "organisation": organisation, **page,
        "grid": selectors.realisation_grid(period, organisation, realisation, page["area"]),
        "deployments": selectors.deployment_rows(period, organisation, realisation),
        "may_reopen": realisation.is_submitted and period.is_open
        and policy.allowed(request.user, "realisation.reopen", realisation),
        "may_correct": period.is_closed
        and policy.allowed(request.user, "realisation.edit", realisation),
        "postings": selectors.postings_of(realisation),
    })


@login_required
@require_POST
def reopen(request, code, org):
    cooperative = cooperative_for(request.user, code)
    period, realisation = _member_realisation(request, cooperative, org)
    try:
        services.realisation_reopen(realisation=realisation, actor=request.user,
                                    reason=request.POST.get("reason", ""))
        messages.success(request, _("De realisatie van %(org)s over %(period)s is heropend.")
                         % {"org": realisation.organisation, "period": period.label})
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, PartnerRealisation)))
    return redirect(_url("detail", code, org=org) + _query(period, realisation.organisation))


@login_required
def history(request, code, org):
    cooperative = cooperative_for(request.user, code)
    period, realisation = _member_realisation(request, cooperative, org)
    return render(request, "realisation/history.html", {
        "cooperative": cooperative, "period": period, "realisation": realisation,
        "events": selectors.realisation_history(realisation),
    })


# --- budget against actual -------------------------------------------------------------------


@login_required
def overview(request, code):
    cooperative = cooperative_for(request.user, code, "realisation.overview")
    budget_round = _round(cooperative, request)
    periods_list = selectors.round_periods(budget_round)
    shown = [p for p in periods_list if p.status != Period.Status.PLANNED]
    through = selectors.default_through(periods_list)
    if request.GET.get("tm"):
        through = next((p for p in shown if p.code == request.GET["tm"]), through)
    by = request.GET.get("per", "partner")
    by = by if by in selectors.BY else "partner"
    area = None
    if request.GET.get("gebied"):
        area = cooperative.areas.filter(code=request.GET["gebied"]).first()
    if by == "buurt" and area is None:
        area = page_area(cooperative, None)  # a large cooperative: one area at a time
    organisation = None
    if request.GET.get("partner"):
        organisation = Organisation.objects.filter(
            code=request.GET["partner"], memberships__cooperative=cooperative).first()
    settings = services.realisation_settings_get(cooperative)
    result = selectors.budget_vs_actual(budget_round, by=by, through=through, area=area,
                                        organisation=organisation, periods_list=periods_list,
                                        settings=settings)
    by_area = result if by == "gebied" and area is None else selectors.budget_vs_actual(
        budget_round, by="gebied", through=through, organisation=organisation,
        periods_list=periods_list, settings=settings, months=False)
    return render(request, "realisation/overview.html", {
        "cooperative": cooperative, "round": budget_round, "overview": result,
        "completeness": completeness(cooperative, budget_round.year),  # the budget's basis
        "shown_periods": shown, "by": by, "by_label": selectors.DIMENSION_LABELS[by],
        "area": area, "organisation": organisation,
        "areas": cooperative.areas.order_by("name"), "members": current_members(cooperative),
        "rounds": cooperative.budget_rounds.filter(periods__isnull=False).distinct()
        .order_by("-year"),
        "flags": _grouped(selectors.warnings(budget_round, result.through, periods_list,
                                             computed=[result, by_area], area=area)),
        "in_kind": selectors.in_kind_vs_realised(budget_round, result.through, periods_list,
                                                 settings) if organisation is None else [],
        "cumulative_chart": charts.cumulative_svg(result.months, "cumulatief"),
        "area_chart": charts.areas_svg(by_area.rows, "gebieden", result.through),
        "by_area": by_area,
        "team_grants": selectors.team_grants(budget_round, result.through, periods_list,
                                             settings),
    })


FLAGS_SHOWN = 10  # per dimension; the table beside has them all


def _grouped(flags) -> dict:
    """The warnings per dimension, the first few of each shown (a large cooperative can have
    hundreds of neighbourhoods above the threshold): {"count", "groups": [(label, shown,
    hidden count, per)]}."""
    groups = []
    for by, label in selectors.DIMENSION_LABELS.items():
        mine = [f for f in flags if f.dimension == by]
        if mine:
            groups.append((label, mine[:FLAGS_SHOWN], len(mine) - FLAGS_SHOWN, by))
    return {"count": len(flags), "groups": groups}


# --- settings --------------------------------------------------------------------------------


@login_required
def settings_page(request, code):
    cooperative = cooperative_for(request.user, code, "realisation.configure")
    current = services.realisation_settings_get(cooperative)
    context = {"cooperative": cooperative, "settings": current, "errors": [],
               "kinds": RealisationSettings._meta.get_field("period_kind").choices,
               "bases": RealisationSettings.BudgetToDate.choices,
               "months": _month_fields(current, None)}
    if request.method == "POST":
        post = request.POST
        raw_months = [post.get(f"m{i}", "") for i in range(1, 13)]
        context["months"] = _month_fields(current, raw_months)
        try:
            threshold = parse_decimal(post.get("warning_percent", ""), thousands_dot=False)
            percentages = [parse_decimal(v, thousands_dot=False) or Decimal(0)
                           for v in raw_months] if post.get("budget_to_date") == \
                RealisationSettings.BudgetToDate.DISTRIBUTION else []
            services.realisation_settings_save(
                cooperative=cooperative, period_kind=post.get("period_kind", ""),
                warning_percent=threshold if threshold is not None else Decimal("10"),
                budget_to_date=post.get("budget_to_date", ""), monthly_percentages=percentages,
                due_days=_whole_days(post.get("due_days", "")), actor=request.user,
                reason=post.get("reason") or _("instellingen gewijzigd"))
        except ValueError as exc:
            context["errors"] = [str(exc)]
        except ValidationError as exc:
            context["errors"] = error_lines(exc, RealisationSettings)
        if context["errors"]:
            return render(request, "realisation/settings.html", context, status=400)
        messages.success(request, _("De instellingen voor de realisatie zijn opgeslagen."))
        return redirect(_url("settings", code))
    return render(request, "realisation/settings.html", context)


def _whole_days(raw: str) -> int | None:
    """The number of days typed (empty: leave it as it is); ValueError in Dutch otherwise."""
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or not raw.isascii():
        raise ValueError(_("Inleveren binnen: “%(value)s” is geen aantal dagen; vul een heel "
                           "getal in, bijvoorbeeld 15.") % {"value": raw[:20]})
    return int(raw)


def _month_fields(current: RealisationSettings, raw: list[str] | None):
    from .periods import MONTH_NAMES

    saved = current.monthly_percentages or []
    return [(i + 1, MONTH_NAMES[i], raw[i] if raw is not None else
             (saved[i].replace(".", ",") if i < len(saved) else ""))
            for i in range(12)]
