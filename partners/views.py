"""Staff availability pages: coverage matrix, team view ("zonder rugnummer"), a team's needs,
a partner's commitments and the in-kind contribution. Views parse, ask the policy, call one
service, render. Objects are always looked up within the cooperative the user may see."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from budgets.selectors import is_large
from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.models import Area, Expertise, Team
from cooperatie.selectors import cooperative_for

from . import selectors, services
from .forms import StaffCommitmentForm, TeamNeedsForm
from .models import Organisation, StaffCommitment, TeamNeed

HISTORY_LINES = 20


def _round(cooperative, request):
    year = request.GET.get("jaar") or request.POST.get("jaar")
    if year and not str(year).isdigit():
        raise Http404
    budget_round = selectors.round_for(cooperative, int(year) if year else None)
    if budget_round is None:
        raise Http404
    return budget_round


def _base(request, code, action="staff.view"):
    """The cooperative (404 for non-members), the round and what the sub-navigation shows."""
    cooperative = cooperative_for(request.user, code)
    policy.ensure(request.user, action, cooperative)
    budget_round = _round(cooperative, request)
    roles = policy.roles_for(request.user, cooperative)
    context = {
        "cooperative": cooperative, "round": budget_round, "roles": roles,
        "rounds": list(cooperative.budget_rounds.order_by("-year").values_list("year",
                                                                               flat=True)),
        "may_needs": policy.allowed(request.user, "staff.needs", cooperative),
        "may_inkind": policy.allowed(request.user, "inkind.view", cooperative),
        "own_orgs": list(Organisation.objects.filter(pk__in=roles.director_of)
                         .order_by("name")),
    }
    return cooperative, budget_round, context


def _url(name, code, *args, year=None):
    url = reverse(name, args=[code, *args])
    return f"{url}?jaar={year}" if year else url


def _area(cooperative, request):
    code = request.GET.get("gebied")
    if not code:
        return None
    area = Area.objects.filter(cooperative=cooperative, code=code).first()
    if area is None:
        raise Http404
    return area


def _team(cooperative, team_code) -> Team:
    team = Team.objects.filter(cooperative=cooperative, code=team_code).select_related(
        "area").first()
    if team is None:
        raise Http404
    return team


def _member_organisation(user, cooperative, org_code, action) -> Organisation:
    """A member organisation of this cooperative the user may `action`; otherwise 404, so a
    code of a partner one may not see reveals nothing."""
    org = Organisation.objects.filter(code=org_code, memberships__cooperative=cooperative
                                      ).distinct().first()
    if org is None or not policy.allowed(user, action, org, cooperative=cooperative):
        raise Http404
    return org


def _add_errors(form, exc: ValidationError, model) -> None:
    """Service errors onto the form: on the field they name, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            if field in form.fields:
                for message in errors:
                    form.add_error(field, message)
            else:
                for line in error_lines(ValidationError({field: errors}), model):
                    form.add_error(None, line)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- for every member: coverage and teams ---------------------------------------------------


@login_required
def coverage_matrix(request, code):
    cooperative, budget_round, context = _base(request, code)
    area = _area(cooperative, request)
    # A large cooperative's matrix opens on its areas' totals; each area shows its teams.
    overview = area is None and is_large(cooperative)
    context.update(
        area=area, coverage=selectors.coverage(budget_round, area=area), overview=overview,
        areas=list(Area.objects.filter(cooperative=cooperative).order_by("name")),
    )
    return render(request, "partners/matrix.html", context)


@login_required
def team_overview(request, code):
    cooperative, budget_round, context = _base(request, code)
    area = _area(cooperative, request)
    teams = Team.objects.filter(cooperative=cooperative).in_year(budget_round.year)
    if area is not None:
        teams = teams.filter(area=area)
    context.update(area=area, teams=selectors.team_view(budget_round, teams),
                   areas=list(Area.objects.filter(cooperative=cooperative).order_by("name")))
    return render(request, "partners/teams.html", context)


@login_required
def team_detail(request, code, team):
    cooperative, budget_round, context = _base(request, code)
    team = _team(cooperative, team)
    (_team_obj, lines), = selectors.team_view(budget_round, Team.objects.filter(pk=team.pk))
    context.update(team=team, lines=lines)
    return render(request, "partners/team.html", context)


# --- the board: what teams need -------------------------------------------------------------


@login_required
def team_needs(request, code, team):
    cooperative, budget_round, context = _base(request, code, action="staff.needs")
    team = _team(cooperative, team)
    current = dict(TeamNeed.objects.filter(budget_round=budget_round, team=team)
                   .values_list("expertise_id", "fte"))
    form = TeamNeedsForm(request.POST or None, expertises=Expertise.objects.order_by("name"),
                         current=current)
    locked = selectors.needs_lock_reason(budget_round)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            services.team_needs_set(
                budget_round=budget_round, team=team, needs=form.needs(), actor=request.user,
                reason=form.cleaned_data["reason"] or _("behoefte ingevuld op het scherm"))
        except ValidationError as exc:
            _add_errors(form, exc, TeamNeed)
        else:
            messages.success(request, _("De behoefte van %(team)s is opgeslagen.") % {
                "team": team.name})
            return redirect(_url("staff_team", code, team.code, year=budget_round.year))
    context.update(team=team, form=form, locked=locked)
    return render(request, "partners/needs_form.html", context,
                  status=400 if form.errors else 200)


# --- a partner: its commitments -------------------------------------------------------------


@login_required
def my_commitments(request, code):
    """The director's own partner page (the first, for a director of several)."""
    cooperative, budget_round, context = _base(request, code)
    if not context["own_orgs"]:
        raise PermissionDenied(_("Alleen de directeur van een partner legt inzet vast."))
    return redirect(_url("staff_partner", code, context["own_orgs"][0].code,
                         year=budget_round.year))


@login_required
def partner_commitments(request, code, org):
    cooperative, budget_round, context = _base(request, code)
    org = _member_organisation(request.user, cooperative, org, "organisation.view_drafts")
    may_commit = policy.allowed(request.user, "staff.commit", org, cooperative=cooperative)
    locked = selectors.commitments_lock_reason(budget_round, org)
    form = StaffCommitmentForm(request.POST or None, budget_round=budget_round)
    if request.method == "POST":
        if not may_commit:
            raise PermissionDenied
        if not locked and form.is_valid():
            data = form.cleaned_data
            try:
                services.staff_commitment_create(
                    budget_round=budget_round, organisation=org, team=data["team"],
                    expertise=data["expertise"], fte=data["fte"],
                    annual_cost=data["annual_cost"], period_start=data["period_start"],
                    period_end=data["period_end"], note=data["note"], actor=request.user,
                    reason=data["reason"] or _("inzet vastgelegd op het scherm"))
            except ValidationError as exc:
                _add_errors(form, exc, StaffCommitment)
            else:
                messages.success(request, _("De inzet is vastgelegd."))
                return redirect(_url("staff_partner", code, org.code, year=budget_round.year))
    commitments = list(selectors.commitments_of(budget_round, org))
    year = (date(budget_round.year, 1, 1), date(budget_round.year, 12, 31))
    for c in commitments:
        c.value = selectors.commitment_value(c)
        c.whole_year = (c.period_start, c.period_end) == year
    history = (StaffCommitment.history.filter(budget_round=budget_round, organisation=org)
               .select_related("history_user", "team", "expertise")
               .order_by("-history_date", "-history_id")[:HISTORY_LINES])
    coverage = selectors.coverage(budget_round)
    gaps = sorted(
        ((row.team, expertise, cell.gap) for row in coverage.rows
         for expertise, cell in zip(coverage.expertises, row.cells, strict=True) if cell.gap),
        key=lambda g: (-g[2], g[0].code))
    context.update(
        organisation=org, commitments=commitments, form=form, locked=locked,
        editable=may_commit and not locked, may_commit=may_commit, history=history,
        total_value=sum((c.value for c in commitments), selectors.ZERO), gaps=gaps,
    )
    return render(request, "partners/commitments.html", context,
                  status=400 if form.errors else 200)


def _own_commitment(request, cooperative, pk) -> StaffCommitment:
    """A commitment of this cooperative that the user may change; else 404."""
    commitment = (StaffCommitment.objects.filter(pk=pk, budget_round__cooperative=cooperative)
                  .select_related("organisation", "team", "expertise", "budget_round").first())
    if commitment is None or not policy.allowed(request.user, "staff.commit",
                                                commitment.organisation,
                                                cooperative=cooperative):
        raise Http404
    return commitment


@login_required
def commitment_edit(request, code, pk):
    cooperative = cooperative_for(request.user, code)
    commitment = _own_commitment(request, cooperative, pk)
    budget_round = commitment.budget_round
    _c, _r, context = _base(request, code)
    context["round"] = budget_round
    initial = {f: getattr(commitment, f) for f in ("team", "expertise", "fte", "annual_cost",
                                                   "period_start", "period_end", "note")}
    form = StaffCommitmentForm(request.POST or None, initial=initial, budget_round=budget_round)
    locked = selectors.commitments_lock_reason(budget_round, commitment.organisation)
    back = _url("staff_partner", code, commitment.organisation.code, year=budget_round.year)
    if request.method == "POST" and not locked and form.is_valid():
        data = form.cleaned_data
        try:
            services.staff_commitment_update(
                commitment=commitment, team=data["team"], expertise=data["expertise"],
                fte=data["fte"], annual_cost=data["annual_cost"],
                period_start=data["period_start"], period_end=data["period_end"],
                note=data["note"], actor=request.user,
                reason=data["reason"] or _("inzet gewijzigd op het scherm"))
        except ValidationError as exc:
            _add_errors(form, exc, StaffCommitment)
        else:
            messages.success(request, _("De inzet is gewijzigd."))
            return redirect(back)
    context.update(commitment=commitment, organisation=commitment.organisation, form=form,
                   locked=locked, back=back)
    return render(request, "partners/commitment_form.html", context,
                  status=400 if form.errors else 200)


@login_required
def commitment_delete(request, code, pk):
    cooperative = cooperative_for(request.user, code)
    commitment = _own_commitment(request, cooperative, pk)
    budget_round = commitment.budget_round
    _c, _r, context = _base(request, code)
    context["round"] = budget_round
    back = _url("staff_partner", code, commitment.organisation.code, year=budget_round.year)
    locked = selectors.commitments_lock_reason(budget_round, commitment.organisation)
    if request.method == "POST" and not locked:
        try:
            services.staff_commitment_delete(
                commitment=commitment, actor=request.user,
                reason=request.POST.get("reason", "").strip()[:500]
                or _("inzet verwijderd op het scherm"))
        except ValidationError as exc:
            messages.error(request, " ".join(error_lines(exc)))
        else:
            messages.success(request, _("De inzet is verwijderd."))
        return redirect(back)
    context.update(commitment=commitment, organisation=commitment.organisation,
                   locked=locked, back=back,
                   value=selectors.commitment_value(commitment))
    return render(request, "partners/commitment_delete.html", context)


# --- finance: the in-kind contribution ------------------------------------------------------


@login_required
def in_kind(request, code):
    cooperative, budget_round, context = _base(request, code, action="inkind.view")
    partners = selectors.in_kind_by_partner(budget_round)
    context.update(
        partners=partners,
        total_fte=sum((p.fte for p in partners), selectors.ZERO),
        total_value=sum((p.value for p in partners), selectors.ZERO),
        total_booked=sum((p.booked for p in partners), selectors.ZERO),
    )
    return render(request, "partners/in_kind.html", context)
