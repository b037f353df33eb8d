"""Lump sums and allocation plans (the board's vote on them is in cooperatie/governance/).
Views parse input, call one service, render; every object is looked up inside the
cooperative the user may see (another cooperative's plan is a 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.governance.services import seated_count
from cooperatie.models import Area, Neighbourhood, Population
from cooperatie.numbers import parse_decimal
from cooperatie.selectors import cooperative_for, current_members
from partners.models import Organisation

from ..amounts import parse_amount
from ..models import AllocationKey, AllocationPlan, FundingStream, LumpSumGrant
from ..selectors import is_large
from . import selectors, services

# --- finding things the user may see -------------------------------------------------------


def _plan(request, code, pk) -> tuple:
    cooperative = cooperative_for(request.user, code, "allocation.view")
    plan = selectors.plan_in(cooperative, pk)
    if plan is None or not policy.allowed(request.user, "plan.view", plan):
        raise Http404
    return cooperative, plan


def _plan_url(code, plan) -> str:
    return reverse("allocation:plan", kwargs={"code": code, "pk": plan.pk})


# --- grants and plans ------------------------------------------------------------------------


@login_required
def index(request, code):
    cooperative = cooperative_for(request.user, code, "allocation.view")
    may_view_drafts = policy.allowed(request.user, "plan.view_drafts", cooperative)
    return render(request, "allocation/index.html", {
        "cooperative": cooperative,
        "grants": selectors.grants_of(cooperative),
        "may_record": policy.allowed(request.user, "grant.record", cooperative),
        "may_draft": policy.allowed(request.user, "plan.draft", cooperative),
        "may_view_drafts": may_view_drafts,
    })


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request, code):
    cooperative = cooperative_for(request.user, code, "allocation.view")
    policy.ensure(request.user, "grant.record", cooperative)
    streams = FundingStream.objects.filter(cooperative=cooperative).order_by("code")
    funders = Organisation.objects.filter(
        pk__in=[m.organisation_id for m in current_members(cooperative)]).order_by("name")
    form = {"year": request.POST.get("year", ""), "amount": request.POST.get("amount", ""),
            "stream": request.POST.get("stream", ""), "funder": request.POST.get("funder", ""),
            "funder_name": request.POST.get("funder_name", ""),
            "description": request.POST.get("description", ""),
            "team": request.POST.get("team", "")}
    teams = cooperative.teams.order_by("name")
    errors: list[str] = []
    if request.method == "POST":
        try:
            amount = parse_amount(form["amount"])
        except ValueError as exc:
            errors.append(_("Bedrag: %(error)s") % {"error": exc})
        year = form["year"].strip()
        if not errors:
            try:
                grant = services.grant_create(
                    cooperative=cooperative, year=int(year) if year.isdigit() else 0,
                    amount=amount,
                    funding_stream=streams.filter(pk=form["stream"]).first()
                    if form["stream"].isdigit() else None,
                    funder=funders.filter(pk=form["funder"]).first()
                    if form["funder"].isdigit() else None,
                    funder_name=form["funder_name"], description=form["description"],
                    team=teams.filter(pk=form["team"]).first() if form["team"].isdigit()
                    else None, actor=request.user, reason=_("lumpsum vastgelegd"))
            except ValidationError as exc:
                errors += error_lines(exc, LumpSumGrant)
            else:
                messages.success(request, _("De lumpsum is vastgelegd. Stel nu de verdeling op."))
                return redirect("allocation:grant", code=code, pk=grant.pk)
    return render(request, "allocation/grant_form.html", {
        "cooperative": cooperative, "streams": streams, "funders": funders, "form": form,
        "errors": errors, "teams": teams,
    }, status=400 if errors else 200)


@login_required
def grant_detail(request, code, pk):
    cooperative = cooperative_for(request.user, code, "allocation.view")
    grant = selectors.grant_in(cooperative, pk)
    if grant is None:
        raise Http404
    plans = list(grant.plans.select_related("proposal__decision", "drafted_by")
                 .order_by("-version"))
    visible = [p for p in plans if policy.allowed(request.user, "plan.view", p)]
    open_plan = next((p for p in plans if p.status in AllocationPlan.OPEN_STATUSES), None)
    return render(request, "allocation/grant.html", {
        "cooperative": cooperative, "grant": grant, "plans": visible, "open_plan": open_plan,
        "adopted": next((p for p in plans if p.is_adopted), None),
        "may_draft": policy.allowed(request.user, "plan.draft", cooperative),
    })


@login_required
@require_POST
def plan_draft(request, code, pk):
    cooperative = cooperative_for(request.user, code, "allocation.view")
    grant = selectors.grant_in(cooperative, pk)
    if grant is None:
        raise Http404
    try:
        plan = services.plan_draft(grant=grant, actor=request.user,
                                   reason=request.POST.get("reason") or _("verdeling opgesteld"))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
        return redirect("allocation:grant", code=code, pk=grant.pk)
    return redirect(_plan_url(code, plan))


@login_required
@require_POST
def plan_amend(request, code, pk):
    cooperative, plan = _plan(request, code, pk)
    try:
        new = services.plan_amend(plan=plan, actor=request.user,
                                  reason=request.POST.get("reason") or _("wijziging opgesteld"))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
        return redirect(_plan_url(code, plan))
    messages.success(request, _("Versie %(v)s is opgesteld als concept, met de sleutel van "
                                "versie %(old)s.") % {"v": new.version, "old": plan.version})
    return redirect(_plan_url(code, new))


# --- the plan page: key editor, live split, propose ----------------------------------------


class PlanForm:
    """What the plan page posts: method, schedule, note, the key (a row per member
    organisation) and neighbourhood weights. Rows come from the database, so ids in the form
    only select among this cooperative's members and neighbourhoods."""

    def __init__(self, plan: AllocationPlan, data=None, *, large: bool = False, area=None):
        self.plan = plan
        cooperative = plan.grant.cooperative
        self.members = [m.organisation for m in current_members(cooperative)]
        hoods = Neighbourhood.objects.filter(cooperative=cooperative).in_year(plan.grant.year)
        stored = selectors.weights_of(self.plan)
        # A large cooperative edits the weights of one area at a time (or, before an area is
        # chosen, the neighbourhoods that have a weight); the others keep what is stored.
        self.large, self.area = large, area
        if area is not None:
            hoods = hoods.filter(area=area)
        elif large:
            hoods = hoods.filter(pk__in=[h.pk for h, w in stored.items() if w != 1])
        self.hoods = list(hoods.order_by("code"))
        self.inhabitants = dict(
            Population.objects.filter(neighbourhood__in=self.hoods, year=plan.grant.year)
            .values_list("neighbourhood_id", "inhabitants"))
        self.data = data
        self.errors: list[str] = []
        self.key = services.KeyInput()
        shown = {h.pk for h in self.hoods}
        self.weights: dict = {h: w for h, w in stored.items() if h.pk not in shown} \
            if large else {}
        self._stored = stored
        if data is None:
            self._from_plan()
        else:
            self._from_data(data)

    def _from_plan(self):
        key = selectors.key_input(self.plan)
        self.method, self.schedule, self.note = (self.plan.method, self.plan.schedule,
                                                 self.plan.note)
        self.key = key
        self.weights = self._stored
        values = {o.pk: v for o, v in key.values.items()}
        self.raw_values = {o.pk: _plain(values.get(o.pk)) for o in self.members}
        weights = {h.pk: w for h, w in self.weights.items()}
        self.raw_weights = {h.pk: _plain(weights.get(h.pk)) for h in self.hoods}

    def _from_data(self, data):
        self.method = data.get("method", "")
        self.schedule = data.get("schedule", "")
        self.note = data.get("note", "").strip()
        self.raw_values = {o.pk: data.get(f"k-{o.pk}", "") for o in self.members}
        self.raw_weights = {h.pk: data.get(f"w-{h.pk}", "") for h in self.hoods}
        values = {}
        for org in self.members:
            try:
                value = parse_decimal(self.raw_values[org.pk])
            except ValueError as exc:
                self.errors.append(f"{org.name}: {exc}")
                continue
            if value is not None:
                values[org] = value
        for hood in self.hoods:
            try:
                weight = parse_decimal(self.raw_weights[hood.pk])
            except ValueError as exc:
                self.errors.append(f"{hood.name}: {exc}")
                continue
            if weight is not None:
                self.weights[hood] = weight
        self.key = services.KeyInput(data.get("basis", ""), data.get("unit", "euro"),
                                     data.get("description", "").strip()[:300], values)

    def rows(self):
        return [(org, self.raw_values.get(org.pk, "")) for org in self.members]

    def weight_rows(self):
        return [(hood, self.raw_weights.get(hood.pk, ""), self.inhabitants.get(hood.pk))
                for hood in self.hoods]

    def compute(self):
        """The split of what was typed, or the problems (nothing is saved)."""
        if self.errors:
            return None
        try:
            return services.plan_compute(grant=self.plan.grant, method=self.method,
                                         schedule=self.schedule, key=self.key,
                                         weights=self.weights)
        except ValidationError as exc:
            self.errors += error_lines(exc)
            return None


def _plain(value) -> str:
    """A stored number as the editor shows it: Dutch comma, no trailing zeros."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


def _plan_area(request, cooperative) -> tuple[bool, object]:
    """Whether the cooperative is shown per area, and the area asked for (?gebied=)."""
    large = is_large(cooperative)
    code = request.GET.get("gebied") or request.POST.get("gebied")
    area = Area.objects.filter(cooperative=cooperative, code=code).first() \
        if large and code else None
    if code and large and area is None:
        raise Http404
    return large, area


def _plan_form(request, plan, data=None) -> PlanForm:
    large, area = _plan_area(request, plan.grant.cooperative)
    return PlanForm(plan, data, large=large, area=area)


def _plan_context(request, cooperative, plan, form=None, split=None, problems=None) -> dict:
    editable = plan.is_draft and policy.allowed(request.user, "plan.draft", cooperative)
    if split is None and problems is None:
        split, problems = selectors.split_of(plan)
    large, area = _plan_area(request, cooperative)
    if split is not None:
        split.show(by_area=large, area=area)
    context = {
        "cooperative": cooperative, "plan": plan, "grant": plan.grant, "split": split,
        "problems": problems or [], "editable": editable, "form": form,
        "methods": AllocationPlan.Method.choices, "schedules": AllocationPlan.Schedule.choices,
        "bases": AllocationKey.Basis.choices, "units": AllocationKey.Unit.choices,
        "may_draft": policy.allowed(request.user, "plan.draft", cooperative),
        "posting": selectors.posting_summary(plan),
        "later": plan.superseded_by.order_by("version").first(),
        "may_amend": plan.status not in AllocationPlan.OPEN_STATUSES
        and policy.allowed(request.user, "plan.draft", cooperative)
        and not plan.grant.plans.filter(status__in=AllocationPlan.OPEN_STATUSES).exists(),
    }
    if editable and form is None:
        context["form"] = PlanForm(plan, large=large, area=area)
    if plan.supersedes_id and split is not None:
        old = plan.supersedes
        context["comparison"] = selectors.compare(old, split)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, code, pk):
    cooperative, plan = _plan(request, code, pk)
    if request.method == "GET":
        return render(request, "allocation/plan.html", _plan_context(request, cooperative, plan))
    policy.ensure(request.user, "plan.draft", cooperative)
    form = _plan_form(request, plan, request.POST)
    if request.POST.get("action") == "compute" or form.errors:
        # "Berekenen" without JavaScript: show the split of what was typed, save nothing.
        split = form.compute()
        status = 400 if form.errors and request.POST.get("action") != "compute" else 200
        return render(request, "allocation/plan.html", _plan_context(
            request, cooperative, plan, form, split, form.errors), status=status)
    try:
        services.plan_save(plan=plan, method=form.method, schedule=form.schedule,
                           note=form.note, key=form.key, weights=form.weights,
                           actor=request.user,
                           reason=request.POST.get("reason") or _("verdeling bijgewerkt"))
    except ValidationError as exc:
        form.errors = error_lines(exc, AllocationPlan)
        return render(request, "allocation/plan.html", _plan_context(
            request, cooperative, plan, form, None, form.errors), status=400)
    messages.success(request, _("De verdeling is opgeslagen."))
    if request.POST.get("action") == "propose":  # what is on screen, saved: now confirm it
        return redirect("allocation:plan_propose", code=code, pk=plan.pk)
    return redirect(_plan_url(code, plan))


@login_required
def plan_preview(request, code, pk):
    """The split of what is being typed, as an HTML fragment for the page's script."""
    cooperative, plan = _plan(request, code, pk)
    policy.ensure(request.user, "plan.draft", cooperative)
    form = _plan_form(request, plan, request.GET)
    split = form.compute()
    if split is not None:
        split.show(by_area=form.large, area=form.area)
    return render(request, "allocation/_split.html", {
        "cooperative": cooperative, "plan": plan, "split": split, "problems": form.errors,
        "preview": True,
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_propose(request, code, pk):
    """Proposing, in two steps: the split the board will decide on, to confirm (GET); then
    exactly that split put to the board (POST)."""
    cooperative, plan = _plan(request, code, pk)
    policy.ensure(request.user, "plan.draft", cooperative)
    if not plan.is_draft:
        return redirect(_plan_url(code, plan))
    if request.method == "POST":
        try:
            proposal = services.plan_propose(plan=plan, actor=request.user,
                                             reason=request.POST.get("reason", ""),
                                             expected_digest=request.POST.get("digest", "-"))
        except ValidationError as exc:
            messages.error(request, " ".join(error_lines(exc)))
            return redirect("allocation:plan_propose", code=code, pk=plan.pk)
        messages.success(request, _("De verdeling ligt nu als voorstel bij het bestuur."))
        return redirect("governance:proposal", code=code, pk=proposal.pk)
    split, problems = selectors.split_of(plan)
    if split is not None:
        split.show(by_area=is_large(cooperative))
    return render(request, "allocation/propose.html", {
        "cooperative": cooperative, "plan": plan, "grant": plan.grant, "split": split,
        "problems": problems, "seated": seated_count(cooperative),
    })


def proposal_moved(request, code, pk):
    return redirect("governance:proposal", code=code, pk=pk, permanent=True)
