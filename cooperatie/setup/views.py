"""The set-up pages: the cooperative's settings, its structure workbook (download, upload,
preview, confirm), inhabitants from a CBS table, the history, and a new cooperative.

Views parse, ask the policy, call one service, render. An upload is checked whole by running
the real service in a transaction that is rolled back; the preview shows what it would
change, and the confirmation applies the same file, refusing if the changes are no longer the
ones shown. Nothing is written on GET."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import policy
from ..errors import error_lines
from ..models import Cooperative
from ..selectors import cooperative_for
from ..spreadsheets import pending as uploads
from . import cbs, excel, selectors, services
from . import structure as s
from .forms import CbsUploadForm, NewCooperativeForm, SettingsForm, StructureUploadForm

PREVIEW_ROWS = 300  # per sheet; the rest is counted


def _configuring(request, code) -> Cooperative:
    """The cooperative, for someone who may configure it (a member who may not: 403; anyone
    else: 404)."""
    cooperative = cooperative_for(request.user, code)
    policy.ensure(request.user, "cooperative.configure", cooperative)
    return cooperative


def _page(request, cooperative, status=200, **context):
    context = {
        "cooperative": cooperative,
        "settings_form": SettingsForm.for_cooperative(cooperative),
        "upload_form": StructureUploadForm(),
        "cbs_form": CbsUploadForm(),
        "counts": [(sheet, n) for sheet, n in selectors.structure_counts(cooperative).items()],
        **context,
    }
    return render(request, "setup/index.html", context, status=status)


@login_required
def index(request, code):
    cooperative = _configuring(request, code)
    if request.method != "POST":
        return _page(request, cooperative)
    form = SettingsForm.for_cooperative(cooperative, request.POST)
    if form.is_valid():
        try:
            changed = services.cooperative_settings_update(
                cooperative=cooperative, values=form.values(), actor=request.user,
                reason=form.cleaned_data["reason"] or _("instellingen gewijzigd"))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if changed:
                messages.success(request, _("Opgeslagen: %(changes)s.") % {"changes": "; ".join(
                    f"{label}: {old or '–'} → {new or '–'}" for label, old, new in changed)})
            else:
                messages.info(request, _("Er was niets gewijzigd."))
            return redirect("setup:index", code=form.cleaned_data["code"])
    return _page(request, cooperative, status=400, settings_form=form)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def workbook(request, code):
    cooperative = _configuring(request, code)
    return _workbook_response(selectors.current_structure(cooperative),
                              f"structuur-{cooperative.code}-{_today()}.xlsx")


def _workbook_response(structure, filename: str) -> FileResponse:
    output = io.BytesIO()
    excel.write_workbook(output, structure)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename)


def _today() -> str:
    return timezone.localdate().strftime("%Y-%m-%d")


# --- the structure workbook: upload, preview, confirm --------------------------------------

PENDING = "setup_upload"


def _read_upload(request, form) -> tuple[bytes, object, list[str]]:
    file = form.cleaned_data["file"]
    data = file.read(settings.UPLOAD_MAX_BYTES + 1)
    structure, errors = excel.read_workbook(data, filename=file.name)
    return data, structure, errors


def _check(request, cooperative, structure, reason, errors):
    """Run the real change and roll it back: the result, or the errors."""
    if errors:
        return None, errors
    try:
        return services.structure_apply(cooperative=cooperative, structure=structure,
                                        actor=request.user, reason=reason, dry_run=True), []
    except ValidationError as exc:
        return None, error_lines(exc)


@login_required
@require_POST
def structure_upload(request, code):
    cooperative = _configuring(request, code)
    form = StructureUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, cooperative, status=400, upload_form=form)
    reason = form.cleaned_data["reason"] or _("structuurwerkboek ingelezen")
    data, structure, errors = _read_upload(request, form)
    result, errors = _check(request, cooperative, structure, reason, errors)
    if errors:
        return _page(request, cooperative, status=400, upload_form=form, upload_errors=errors)
    return _preview(request, cooperative, result, data, reason,
                    reverse("setup:confirm", args=[cooperative.code]))


def _preview(request, cooperative, result, data: bytes, reason: str, action: str):
    token = uploads.stash(data) if result.changes else None
    request.session[PENDING] = {
        "token": token, "digest": result.digest, "reason": reason,
        "cooperative": cooperative.pk if cooperative else None}
    return render(request, "setup/preview.html", {
        "cooperative": cooperative, "new": result.created, "result": result, "token": token,
        "action": action, "sheets": _grouped(result.changes),
    })


def _grouped(changes: list[s.Change]) -> list[dict]:
    """Per sheet, in the workbook's order: how many of each kind, and the first rows."""
    out = []
    for sheet in s.SHEETS:
        rows = [c for c in changes if c.sheet == sheet]
        if not rows:
            continue
        counts = {}
        for change in rows:
            counts[change.action_label] = counts.get(change.action_label, 0) + 1
        out.append({"sheet": sheet, "rows": rows[:PREVIEW_ROWS],
                    "more": max(len(rows) - PREVIEW_ROWS, 0),
                    "counts": ", ".join(f"{n} {label}" for label, n in counts.items())})
    return out


def _confirmed(request, key: str, cooperative, back: str, apply):
    """Apply a previewed upload: `apply(data, pending)` runs the service on the same file
    and says what it did. Cancel, an expired upload or an error: nothing changes."""
    pending = request.session.get(key) or {}
    wanted = cooperative.pk if cooperative else None
    if pending.get("cooperative") != wanted or pending.get("token") != request.POST.get("token"):
        pending = {}  # a form from another (older) preview leaves this one waiting
    data = uploads.fetch(pending["token"]) if pending else None
    try:
        if "annuleren" in request.POST:
            messages.info(request, _("Geannuleerd; er is niets gewijzigd."))
            return redirect(back)
        if data is None:
            messages.error(request, _("Deze upload is verlopen; upload het bestand opnieuw."))
            return redirect(back)
        return apply(data, pending)
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
        return redirect(back)
    finally:
        if pending:
            uploads.discard(pending["token"])
            request.session.pop(key, None)


@login_required
@require_POST
def structure_confirm(request, code):
    cooperative = _configuring(request, code)
    return _confirm(request, cooperative, reverse("setup:index", args=[cooperative.code]))


def _confirm(request, cooperative, back: str):
    def apply(data, pending):
        structure, errors = excel.read_workbook(data)
        if errors:
            raise ValidationError(errors)
        result = services.structure_apply(
            cooperative=cooperative, structure=structure, actor=request.user,
            reason=pending["reason"], expected=pending["digest"])
        if result.created:
            messages.success(request, _("De coöperatie %(name)s is gemaakt: %(n)s "
                                        "wijziging(en).")
                             % {"name": result.cooperative.name, "n": len(result.changes)})
        else:
            messages.success(request, _("Ingelezen: %(n)s wijziging(en).")
                             % {"n": len(result.changes)})
        return redirect("setup:index", code=result.cooperative.code)

    return _confirmed(request, PENDING, cooperative, back, apply)


# --- inhabitants from a CBS table ----------------------------------------------------------

PENDING_CBS = "setup_cbs"


@login_required
@require_POST
def cbs_upload(request, code):
    cooperative = _configuring(request, code)
    form = CbsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, cooperative, status=400, cbs_form=form)
    year = form.cleaned_data["year"]
    reason = form.cleaned_data["reason"] or _("inwoners %(year)s uit de CBS-tabel") % {
        "year": year}
    file = form.cleaned_data["file"]
    data = file.read(cbs.MAX_BYTES + 1)
    table, errors = cbs.read_table(data, filename=file.name)
    result = None
    if not errors:
        try:
            result = services.inhabitants_load(cooperative=cooperative, year=year, table=table,
                                               actor=request.user, reason=reason, dry_run=True)
        except ValidationError as exc:
            errors = error_lines(exc)
    if errors:
        return _page(request, cooperative, status=400, cbs_form=form, cbs_errors=errors)
    token = uploads.stash(data) if result.changes else None
    request.session[PENDING_CBS] = {"token": token, "digest": result.digest, "year": year,
                                    "reason": reason, "filename": file.name,
                                    "cooperative": cooperative.pk}
    return render(request, "setup/cbs_preview.html", {
        "cooperative": cooperative, "result": result, "token": token, "year": year,
        "rows": result.changes[:PREVIEW_ROWS],
        "more": max(len(result.changes) - PREVIEW_ROWS, 0),
    })


@login_required
@require_POST
def cbs_confirm(request, code):
    cooperative = _configuring(request, code)
    back = reverse("setup:index", args=[cooperative.code])

    def apply(data, pending):
        table, errors = cbs.read_table(data, filename=pending["filename"])
        if errors:
            raise ValidationError(errors)
        result = services.inhabitants_load(
            cooperative=cooperative, year=pending["year"], table=table, actor=request.user,
            reason=pending["reason"], expected=pending["digest"])
        messages.success(request, _("Inwoners %(year)s ingelezen: %(n)s buurt(en) "
                                    "bijgewerkt.") % {"year": pending["year"],
                                                      "n": len(result.changes)})
        return redirect(back)

    return _confirmed(request, PENDING_CBS, cooperative, back, apply)


# --- history ---------------------------------------------------------------------------------


@login_required
@require_GET
def history(request, code):
    cooperative = _configuring(request, code)
    return render(request, "setup/history.html", {
        "cooperative": cooperative, "events": selectors.structure_history(cooperative)})


# --- a new cooperative (the application administrator) ---------------------------------------


def _creating(request) -> None:
    policy.ensure_may_create_cooperative(request.user)


@login_required
def new(request):
    _creating(request)
    form = NewCooperativeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cooperative = services.cooperative_create(
                **form.cleaned_data, actor=request.user, reason=_("nieuwe coöperatie"))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("De coöperatie %(name)s is gemaakt. Zet nu de "
                                        "structuur erin.") % {"name": cooperative.name})
            return redirect("setup:index", code=cooperative.code)
    return _new_page(request, form=form, status=400 if form.errors else 200)


def _new_page(request, status=200, **context):
    context = {"form": NewCooperativeForm(), "upload_form": StructureUploadForm(), **context}
    return render(request, "setup/new.html", context, status=status)


@login_required
@require_GET
def new_workbook(request):
    _creating(request)
    return _workbook_response(selectors.current_structure(None),
                              f"structuur-nieuwe-cooperatie-{_today()}.xlsx")


@login_required
@require_POST
def new_upload(request):
    _creating(request)
    form = StructureUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _new_page(request, status=400, upload_form=form)
    reason = form.cleaned_data["reason"] or _("nieuwe coöperatie uit het structuurwerkboek")
    data, structure, errors = _read_upload(request, form)
    result, errors = _check(request, None, structure, reason, errors)
    if errors:
        return _new_page(request, status=400, upload_form=form, upload_errors=errors)
    return _preview(request, None, result, data, reason, reverse("setup:new_confirm"))


@login_required
@require_POST
def new_confirm(request):
    _creating(request)
    return _confirm(request, None, reverse("setup:new"))
