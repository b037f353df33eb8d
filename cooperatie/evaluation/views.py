"""The scorecard, indicators, measurements and their upload. Views parse, ask, render:
every object is looked up within the cooperative the user may see (others are 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from budgets.selectors import is_large

from .. import policy
from ..errors import error_lines
from ..governance import services as governance_services
from ..governance.models import Proposal
from ..governance.views import parse_deadline
from ..selectors import cooperative_for
from . import charts, excel, selectors, services, targets, values
from .forms import (
    DecimalText,
    DeleteForm,
    IndicatorForm,
    MeasurementEditForm,
    MeasurementForm,
    UploadForm,
)
from .models import Indicator, Measurement, TargetSet


def _year(request, default: int) -> int:
    raw = request.GET.get("jaar", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else default


def _scope(cooperative, key: str):
    scope = selectors.scope_from_key(cooperative, key or "cooperative")
    if scope is None:
        raise Http404
    return scope


def _add_errors(form, exc: ValidationError, model) -> None:
    """Put a service's errors next to the fields they are about; the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, errors)
            else:
                form.add_error(None, error_lines(ValidationError({field: errors}), model))
    else:
        form.add_error(None, exc.messages)


def _scorecard_url(cooperative, year: int, scope_key: str) -> str:
    url = reverse("evaluation:scorecard", args=[cooperative.code])
    return f"{url}?{urlencode({'jaar': year, 'niveau': scope_key})}"


def _entering(request, code):
    """The cooperative, for someone who may enter measurements in it (others: 403; not a
    member: 404)."""
    cooperative = cooperative_for(request.user, code)
    policy.ensure(request.user, "measurement.enter", cooperative)
    return cooperative


# --- the scorecard ----------------------------------------------------------------------------


@login_required
def scorecard(request, code):
    cooperative = cooperative_for(request.user, code)
    years = selectors.scorecard_years(cooperative)
    year = _year(request, default=years[-1])
    # A large cooperative finds a neighbourhood or team by its code, not in a list of
    # thousands.
    compact = is_large(cooperative)
    typed = request.GET.get("code", "").strip()
    scope = selectors.scope_by_code(cooperative, typed) if typed and compact else None
    not_found = bool(typed and compact and scope is None)
    if scope is None:
        scope = _scope(cooperative, request.GET.get("niveau", ""))
    card = selectors.scorecard(cooperative, year, scope)
    aims = [
        (aim, label, [(row, charts.trend_svg(row, f"trend-{row.indicator.pk}")) for row in rows])
        for aim, label, rows in card.aims
    ]
    context = {
        "cooperative": cooperative,
        "card": card,
        "aims": aims,
        "years": years if year in years else sorted({*years, year}),
        "scope_options": selectors.scope_options(cooperative, current=scope, compact=compact),
        "scope_search": compact,
        "code_not_found": typed if not_found else "",
        "min_respondents": values.min_respondents(),
        "may_enter": policy.allowed(request.user, "measurement.enter", cooperative),
        "may_manage": policy.allowed(request.user, "indicator.manage", cooperative),
    }
    return render(request, "evaluation/scorecard.html", context)


# --- indicators -------------------------------------------------------------------------------


@login_required
def indicator_list(request, code):
    cooperative = cooperative_for(request.user, code)
    context = {
        "cooperative": cooperative,
        "indicators": selectors.indicators_of(cooperative),
        "may_manage": policy.allowed(request.user, "indicator.manage", cooperative),
    }
    return render(request, "evaluation/indicator_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, code, pk=None):
    cooperative = cooperative_for(request.user, code)
    indicator = get_object_or_404(Indicator, cooperative=cooperative, pk=pk) if pk else None
    policy.ensure(request.user, "indicator.manage", cooperative)
    initial = ({f: getattr(indicator, f) for f in services.INDICATOR_FIELDS} if indicator
               else {"first_year": timezone.localdate().year})
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"] or (
            _("indicator gewijzigd") if indicator else _("indicator vastgesteld"))
        try:
            if indicator:
                services.indicator_update(indicator=indicator, actor=request.user, reason=reason,
                                          **form.indicator_fields())
            else:
                indicator = services.indicator_create(cooperative=cooperative,
                                                      actor=request.user, reason=reason,
                                                      **form.indicator_fields())
        except ValidationError as exc:
            _add_errors(form, exc, Indicator)
        else:
            messages.success(request, _("Indicator '%(name)s' opgeslagen.")
                             % {"name": indicator.name})
            return redirect("evaluation:indicators", code=cooperative.code)
    context = {"cooperative": cooperative, "form": form, "indicator": indicator}
    return render(request, "evaluation/indicator_form.html", context)


# --- measurements -----------------------------------------------------------------------------


@login_required
def measurement_list(request, code):
    cooperative = _entering(request, code)
    years = selectors.scorecard_years(cooperative)
    year = _year(request, default=years[-1])
    context = {
        "cooperative": cooperative,
        "year": year,
        "years": years if year in years else sorted({*years, year}),
        "measurements": selectors.measurements_of(cooperative, year),
        "min_respondents": values.min_respondents(),
    }
    return render(request, "evaluation/measurement_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_create(request, code):
    cooperative = _entering(request, code)
    options = selectors.scope_options(cooperative)
    initial = {"year": _year(request, timezone.localdate().year),
               "scope": request.GET.get("niveau", "cooperative"),
               "period": request.GET.get("periode", Measurement.Period.YEAR)}
    if request.GET.get("indicator", "").isdigit():
        initial["indicator"] = int(request.GET["indicator"])
    form = MeasurementForm(request.POST or None, cooperative=cooperative, scope_choices=options,
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = _scope(cooperative, data["scope"])
        try:
            measurement = services.measurement_create(
                indicator=data["indicator"], scope=scope, year=data["year"],
                period=data["period"], value=data["value"], respondents=data["respondents"],
                count_improved=data["count_improved"], count_stable=data["count_stable"],
                count_declined=data["count_declined"], note=data["note"], actor=request.user,
                reason=data["reason"] or _("meting ingevoerd"),
            )
        except ValidationError as exc:
            _add_errors(form, exc, Measurement)
        else:
            messages.success(request, _("Meting opgeslagen: %(m)s.") % {"m": measurement})
            return redirect(_scorecard_url(cooperative, measurement.year, scope.key))
    context = {"cooperative": cooperative, "form": form}
    return render(request, "evaluation/measurement_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_edit(request, code, pk):
    cooperative = _entering(request, code)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator", "area", "neighbourhood", "team"),
        indicator__cooperative=cooperative, pk=pk)
    initial = {f: getattr(measurement, f) for f in services.VALUE_FIELDS}
    form = MeasurementEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            measurement = services.measurement_update(measurement=measurement,
                                                      actor=request.user, reason=reason, **data)
        except ValidationError as exc:
            _add_errors(form, exc, Measurement)
        else:
            messages.success(request, _("Meting gewijzigd: %(m)s.") % {"m": measurement})
            return redirect(_scorecard_url(cooperative, measurement.year,
                                           selectors.scope_of(measurement).key))
    context = {"cooperative": cooperative, "form": form, "measurement": measurement,
               "history": measurement.history.select_related("history_user")[:20]}
    return render(request, "evaluation/measurement_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def measurement_delete(request, code, pk):
    cooperative = _entering(request, code)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator", "area", "neighbourhood", "team"),
        indicator__cooperative=cooperative, pk=pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        label = str(measurement)
        try:
            services.measurement_delete(measurement=measurement, actor=request.user,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc, Measurement)
        else:
            messages.success(request, _("Meting verwijderd: %(m)s.") % {"m": label})
            return redirect(f"{reverse('evaluation:measurements', args=[cooperative.code])}"
                            f"?jaar={measurement.year}")
    context = {"cooperative": cooperative, "form": form, "measurement": measurement}
    return render(request, "evaluation/measurement_delete.html", context)


# --- Excel ------------------------------------------------------------------------------------


@login_required
def measurement_template(request, code):
    cooperative = _entering(request, code)
    year = _year(request, timezone.localdate().year)
    period = request.GET.get("periode", Measurement.Period.YEAR)
    if period not in Measurement.Period.values:
        period = Measurement.Period.YEAR
    content = excel.template_workbook(cooperative, year, period)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"metingen-{cooperative.code}-{year}-{period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def measurement_upload(request, code):
    cooperative = _entering(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = excel.upload_measurements(
                cooperative=cooperative, file=data["file"], actor=request.user,
                reason=data["reason"] or _("metingen geüpload (%(name)s)")
                % {"name": data["file"].name}, dry_run=data["dry_run"])
        except excel.UploadError as exc:
            problems = exc.lines
        else:
            if not result.saved:
                messages.info(request, _("Het bestand is in orde: %(n)s metingen. Er is nog "
                                         "niets opgeslagen.") % {"n": result.count})
                return redirect("evaluation:upload", code=cooperative.code)
            messages.success(request, _("%(n)s metingen opgeslagen.") % {"n": result.count})
            return redirect("evaluation:measurements", code=cooperative.code)
    context = {"cooperative": cooperative, "form": form, "problems": problems,
               "years": selectors.scorecard_years(cooperative),
               "this_year": timezone.localdate().year,
               "periods": Measurement.Period.choices}
    return render(request, "evaluation/upload.html", context)


# --- targets per year (streefwaarden) ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def target_sets(request, code):
    """The targets set per year and the sets drafted or put to the board; a form to start the
    draft of a year (POST)."""
    cooperative = cooperative_for(request.user, code)
    may_draft = policy.allowed(request.user, "targets.draft", cooperative)
    this_year = timezone.localdate().year
    errors: list[str] = []
    if request.method == "POST":
        policy.ensure(request.user, "targets.draft", cooperative)
        raw = request.POST.get("year", "").strip()
        try:
            if not raw.isdigit():
                raise ValidationError(_("“%(y)s” is geen jaar; kies bijvoorbeeld %(this)s.")
                                      % {"y": raw, "this": this_year})
            target_set = targets.target_set_draft(cooperative=cooperative, year=int(raw),
                                                  actor=request.user)
        except ValidationError as exc:
            errors = error_lines(exc, TargetSet)
        else:
            messages.success(request, _("De streefwaarden %(year)s zijn opgesteld als concept. "
                                        "Vul de nieuwe streefwaarden in.")
                             % {"year": target_set.year})
            return redirect("evaluation:target_set", code=code, pk=target_set.pk)
    years = selectors.scorecard_years(cooperative)
    return render(request, "evaluation/target_sets.html", {
        "cooperative": cooperative, "may_draft": may_draft, "errors": errors,
        "sets": selectors.target_sets_of(cooperative, drafts=may_draft),
        "year_targets": selectors.year_targets_of(cooperative),
        "draft_years": sorted({*years, this_year, this_year + 1}),
        "this_year": this_year,
    }, status=400 if errors else 200)


def _target_set(request, code, pk):
    cooperative = cooperative_for(request.user, code)
    target_set = selectors.target_set_in(cooperative, pk)
    if target_set is None or not policy.allowed(request.user, "targets.view", target_set):
        raise Http404
    return cooperative, target_set


@login_required
@require_http_methods(["GET", "POST"])
def target_set_detail(request, code, pk):
    """A draft: every indicator of the year with its target now and a field for the new one
    (saved all or nothing); once put to the board: old → new, frozen."""
    cooperative, target_set = _target_set(request, code, pk)
    editable = target_set.is_draft and policy.allowed(request.user, "targets.draft",
                                                      cooperative)
    indicators = selectors.target_indicators(cooperative, target_set.year)
    errors: list[str] = []
    typed = {}
    note = target_set.note
    if request.method == "POST":
        if not editable:
            policy.ensure(request.user, "targets.draft", cooperative)
        typed = {i.pk: request.POST.get(f"t-{i.pk}", "") for i in indicators}
        note = request.POST.get("note", "")
        try:
            targets.target_set_save(target_set=target_set, entries=typed, note=note,
                                    actor=request.user,
                                    reason=request.POST.get("reason", "").strip())
        except ValidationError as exc:
            errors = error_lines(exc, TargetSet)
        else:
            messages.success(request, _("De streefwaarden %(year)s zijn opgeslagen.")
                             % {"year": target_set.year})
            return redirect("evaluation:target_set", code=code, pk=target_set.pk)
    changes = targets.changes_of(target_set)
    by_indicator = {c.indicator.pk: c for c in changes}
    now = selectors.targets_for(indicators, target_set.year)
    rows = []
    for indicator in indicators:
        change = by_indicator.get(indicator.pk)
        raw = typed.get(indicator.pk) if errors else None
        if raw is None:
            raw = DecimalText().prepare_value(change.target) if change else ""
        rows.append((indicator, indicator.target_label(now[indicator.pk]), raw))
    proposal = target_set.proposal
    return render(request, "evaluation/target_set.html", {
        "cooperative": cooperative, "target_set": target_set, "editable": editable,
        "rows": rows, "changes": changes, "errors": errors, "note": note,
        "digest": targets.digest(target_set, changes),
        "proposal": proposal, "decision": getattr(proposal, "decision", None),
        "default_deadline": timezone.localtime(
            governance_services.default_deadline(cooperative)),
    }, status=400 if errors else 200)


@login_required
@require_POST
def target_set_propose(request, code, pk):
    cooperative, target_set = _target_set(request, code, pk)
    try:
        proposal = targets.target_set_propose(
            target_set=target_set, actor=request.user,
            deadline=parse_deadline(request.POST.get("deadline", "")),
            reason=request.POST.get("reason", "").strip(),
            expected_digest=request.POST.get("digest", "-"))
    except ValidationError as exc:
        for line in error_lines(exc, Proposal):  # the deadline is the proposal's
            messages.error(request, line)
        return redirect("evaluation:target_set", code=code, pk=target_set.pk)
    messages.success(request, _("De streefwaarden %(year)s liggen nu bij het bestuur; de "
                                "stemming sluit op %(when)s.")
                     % {"year": target_set.year, "when": timezone.localtime(
                         proposal.deadline).strftime("%d-%m-%Y %H:%M")})
    return redirect("governance:proposal", code=code, pk=proposal.pk)
