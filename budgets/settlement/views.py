"""Pages for advances, settlements and the reserve: parse input, call one service, render.
Every object is looked up inside the cooperative the user may see (another cooperative's
grant, payment or settlement is a 404). No GET writes; every posting is confirmed first."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from budgets.amounts import parse_amount
from budgets.models import AllocationTranche
from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.governance.services import seated_count
from cooperatie.numbers import parse_decimal, typed
from cooperatie.selectors import cooperative_for

from . import rules, selectors, services
from .models import AdvancePayment, Settlement

# --- finding what the user may see ---------------------------------------------------------


def _grant(request, code, pk, action="advance.view"):
    cooperative = cooperative_for(request.user, code, action)
    grant = selectors.grant_in(cooperative, pk)
    if grant is None:
        raise Http404
    return cooperative, grant


def _settlement(request, code, pk):
    cooperative = cooperative_for(request.user, code, "advance.view")
    settlement = selectors.settlement_in(cooperative, pk)
    if settlement is None or not policy.allowed(request.user, "settlement.view", settlement):
        raise Http404
    return cooperative, settlement


@login_required
def index(request, code):
    cooperative = cooperative_for(request.user, code, "advance.view")
    may_view_drafts = policy.allowed(request.user, "plan.view_drafts", cooperative)
    rows = []
    for grant in selectors.grants_with_settlements(cooperative):
        in_force = next((p for p in grant.plans.all() if p.is_adopted), None)
        settlements = [s for s in grant.settlements.all()
                       if not s.is_draft or may_view_drafts]
        rows.append((grant, in_force, settlements))
    return render(request, "settlement/index.html", {
        "cooperative": cooperative, "rows": rows,
        "reserve": selectors.reserve_balance(cooperative),
    })


# --- advances ----------------------------------------------------------------------------------


def _parse_date(raw: str) -> date | None:
    raw = (raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


class PaymentForm:
    """What the payment form posts: a tranche of the plan in force (by id, looked up within
    the grant), a date, an amount as typed, a reference and a note."""

    def __init__(self, grant, data=None):
        self.grant = grant
        data = data or {}
        self.raw = {k: data.get(k, "") for k in ("tranche", "paid_on", "amount", "reference",
                                                 "note")}
        self.errors: list[str] = []
        self.tranche = None
        self.paid_on = None
        self.amount = None
        if not data:
            return
        tranche_id = self.raw["tranche"]
        if tranche_id.isdigit():
            self.tranche = (AllocationTranche.objects.filter(pk=tranche_id, plan__grant=grant)
                            .select_related("plan", "organisation").first())
        if self.tranche is None:
            self.errors.append(_("Kies het voorschot dat is betaald."))
        self.paid_on = _parse_date(self.raw["paid_on"])
        if self.paid_on is None:
            self.errors.append(_("Betaald op: '%(value)s' is geen datum; schrijf bijvoorbeeld "
                                 "01-04-2025.") % {"value": self.raw["paid_on"]})
        try:
            self.amount = parse_amount(self.raw["amount"])
        except ValueError as exc:
            self.errors.append(_("Bedrag: %(error)s") % {"error": exc})
        else:
            if self.amount is None:
                self.errors.append(_("Bedrag: vul het betaalde bedrag in."))

    def record(self, actor, *, dry_run: bool):
        """The real service; in a dry run rolled back, so it fails exactly when the real
        run would."""
        with transaction.atomic():
            payment = services.payment_record(
                tranche=self.tranche, paid_on=self.paid_on, amount=self.amount,
                reference=self.raw["reference"], note=self.raw["note"], actor=actor)
            if dry_run:
                transaction.set_rollback(True)
        return payment


def _advances_context(request, cooperative, grant, form=None, confirm=None) -> dict:
    overview = selectors.advances(grant)
    return {
        "cooperative": cooperative, "grant": grant, "advances": overview,
        "payments": selectors.payments_of(grant),
        "may_pay": policy.allowed(request.user, "payment.record", cooperative),
        "closed": selectors.closing_settlement(grant),
        "form": form or PaymentForm(grant), "confirm": confirm,
        "tranches": [t.tranche for row in overview.rows for t in row.tranches
                     if t.remaining > 0],
    }


@login_required
def advances(request, code, pk):
    cooperative, grant = _grant(request, code, pk)
    return render(request, "settlement/advances.html",
                  _advances_context(request, cooperative, grant))


@login_required
@require_POST
def payment_record(request, code, pk):
    """Two steps: check (the real service, rolled back) and show what will be posted; then
    confirm and post it."""
    cooperative, grant = _grant(request, code, pk)
    policy.ensure(request.user, "payment.record", cooperative)
    form = PaymentForm(grant, request.POST)
    if not form.errors:
        try:
            form.record(request.user, dry_run=request.POST.get("action") != "confirm")
        except ValidationError as exc:
            form.errors = error_lines(exc, AdvancePayment)
    if form.errors:
        return render(request, "settlement/advances.html",
                      _advances_context(request, cooperative, grant, form), status=400)
    if request.POST.get("action") != "confirm":
        return render(request, "settlement/advances.html",
                      _advances_context(request, cooperative, grant, form, confirm=form))
    messages.success(request, _("De betaling van %(amount)s aan %(org)s is geboekt.") % {
        "amount": typed(form.amount), "org": form.tranche.organisation})
    return redirect("settlement:advances", code=code, pk=grant.pk)


def _payment(request, code, pk):
    cooperative = cooperative_for(request.user, code, "advance.view")
    payment = (AdvancePayment.objects.filter(cooperative=cooperative, pk=pk)
               .select_related("tranche__plan__grant__funder", "tranche__organisation",
                               "posting", "reversal").first())
    if payment is None:
        raise Http404
    return cooperative, payment


@login_required
@require_http_methods(["GET", "POST"])
def payment_reverse(request, code, pk):
    """A reversal: first what will happen, then the confirmation with a reason."""
    cooperative, payment = _payment(request, code, pk)
    policy.ensure(request.user, "payment.record", cooperative)
    grant = payment.tranche.plan.grant
    errors = []
    if request.method == "POST":
        try:
            services.payment_reverse(payment=payment, actor=request.user,
                                     reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            errors = error_lines(exc, AdvancePayment)
        else:
            messages.success(request, _("De betaling is tegengeboekt."))
            return redirect("settlement:advances", code=code, pk=grant.pk)
    return render(request, "settlement/payment_reverse.html", {
        "cooperative": cooperative, "grant": grant, "payment": payment, "errors": errors,
        "reason": request.POST.get("reason", ""),
    }, status=400 if errors else 200)


# --- settlements -------------------------------------------------------------------------------


@login_required
def grant_settlement(request, code, pk):
    """A grant's settlements and what keeps it from being settled now."""
    cooperative, grant = _grant(request, code, pk)
    problems, plan = selectors.readiness(grant)
    settlements = [s for s in selectors.settlements_of(grant)
                   if policy.allowed(request.user, "settlement.view", s)]
    all_versions = list(grant.settlements.all())
    return render(request, "settlement/grant.html", {
        "cooperative": cooperative, "grant": grant, "plan": plan, "problems": problems,
        "settlements": settlements,
        "open": next((s for s in all_versions if s.status in Settlement.OPEN_STATUSES), None),
        "adopted": next((s for s in all_versions if s.is_adopted), None),
        "may_draft": policy.allowed(request.user, "settlement.draft", cooperative),
        "due": selectors.due_on(grant),
    })


@login_required
@require_POST
def settlement_draft(request, code, pk):
    cooperative, grant = _grant(request, code, pk)
    try:
        settlement = services.settlement_draft(grant=grant, actor=request.user,
                                               reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for line in error_lines(exc):
            messages.error(request, line)
        return redirect("settlement:grant", code=code, pk=grant.pk)
    messages.success(request, _("De vaststelling is opgesteld als concept. Kies wat er met "
                                "een overschot en een tekort gebeurt."))
    return redirect("settlement:settlement", code=code, pk=settlement.pk)


class RuleForm:
    """The rule as posted: seven percentages and a key percentage per partner of the plan
    (rows come from the database, so ids only select among the settlement's partners)."""

    FIELDS = [(f"surplus_{k}", "surplus", k) for k in rules.SURPLUS_TO] + \
             [(f"deficit_{k}", "deficit", k) for k in rules.DEFICIT_TO]

    def __init__(self, settlement: Settlement, data=None):
        self.settlement = settlement
        self.partners = selectors.partners_of(settlement.plan)
        self.errors: list[str] = []
        stored = services.rule_input_of(settlement)
        if data is None:
            self.raw = {name: _plain(getattr(settlement, name)) for name, _g, _k in self.FIELDS}
            key = {o.pk: v for o, v in stored.key.items()}
            self.raw_key = {o.pk: _plain(key.get(o.pk)) for o in self.partners}
            self.note = settlement.note
            self.rule = stored
            return
        self.raw = {name: data.get(name, "") for name, _g, _k in self.FIELDS}
        self.raw_key = {o.pk: data.get(f"k-{o.pk}", "") for o in self.partners}
        self.note = data.get("note", "")
        labels = {"surplus": _("Overschot"), "deficit": _("Tekort")}
        shares = {"surplus": {}, "deficit": {}}
        for name, group, kind in self.FIELDS:
            try:
                value = parse_decimal(self.raw[name])
            except ValueError as exc:
                self.errors.append(f"{labels[group]}: {exc}")
                continue
            shares[group][kind] = value if value is not None else Decimal("0")
        key = {}
        for org in self.partners:
            try:
                value = parse_decimal(self.raw_key[org.pk])
            except ValueError as exc:
                self.errors.append(_("Sleutel, %(org)s: %(error)s") % {"org": org.name,
                                                                        "error": exc})
                continue
            if value is not None:
                key[org] = value
        self.rule = services.RuleInput(shares["surplus"], shares["deficit"], key)

    @property
    def fields(self) -> dict[str, list[tuple[str, str, str]]]:
        """Per group (surplus, deficit): (field name, destination, as typed)."""
        return {group: [(name, kind, self.raw[name]) for name, g, kind in self.FIELDS
                        if g == group] for group in ("surplus", "deficit")}

    def key_rows(self):
        return [(org, self.raw_key.get(org.pk, "")) for org in self.partners]

    def compute(self) -> rules.Outcome | None:
        if self.errors:
            return None
        problems = services.check(self.settlement, self.rule)
        if problems:
            self.errors += problems
            return None
        return selectors.outcome_of(self.settlement, rule=self.rule)


def _plain(value) -> str:
    """A stored percentage as the editor shows it: Dutch comma, no trailing zeros."""
    if value is None:
        return ""
    return format(value.normalize(), "f").replace(".", ",")


def _settlement_context(request, cooperative, settlement, form=None, outcome=None) -> dict:
    editable = settlement.is_draft and policy.allowed(request.user, "settlement.draft",
                                                      cooperative)
    problems = []
    if outcome is None and (form is None or not form.errors):
        outcome = selectors.outcome_of(settlement)
    if settlement.is_draft:
        problems, _plan = selectors.readiness(settlement.grant)
    decided = settlement.status not in Settlement.OPEN_STATUSES
    rows, total = selectors.outcome_table(outcome, settlement.grant) if outcome else (None, None)
    reserve_after = None
    if total is not None and settlement.status in Settlement.OPEN_STATUSES:
        reserve_after = selectors.reserve_balance(cooperative) + total.via_reserve
        replaced = settlement.supersedes
        if replaced is not None and replaced.is_adopted:  # its posting will be reversed
            reserve_after -= selectors.frozen_outcome(replaced).reserve_net
    return {
        "cooperative": cooperative, "settlement": settlement, "grant": settlement.grant,
        "outcome_rows": rows, "outcome_total": total, "reserve_after": reserve_after,
        "editable": editable, "problems": problems,
        "form": form if form is not None else (RuleForm(settlement) if editable else None),
        "rule_text": selectors.rule_text(settlement),
        "posting": selectors.posting_summary(settlement),
        "later": settlement.superseded_by.order_by("version").first(),
        "may_amend": decided and settlement.status != Settlement.Status.SUPERSEDED
        and policy.allowed(request.user, "settlement.draft", cooperative)
        and not settlement.grant.settlements.filter(
            status__in=Settlement.OPEN_STATUSES).exists(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def settlement_detail(request, code, pk):
    cooperative, settlement = _settlement(request, code, pk)
    if request.method == "GET":
        return render(request, "settlement/settlement.html",
                      _settlement_context(request, cooperative, settlement))
    policy.ensure(request.user, "settlement.draft", cooperative)
    form = RuleForm(settlement, request.POST)
    if request.POST.get("action") == "compute" or form.errors:
        # "Berekenen": what the typed rule comes to, nothing saved.
        outcome = form.compute()
        status = 400 if form.errors else 200
        return render(request, "settlement/settlement.html", _settlement_context(
            request, cooperative, settlement, form, outcome), status=status)
    try:
        services.settlement_save(settlement=settlement, rule=form.rule, note=form.note,
                                 actor=request.user,
                                 reason=request.POST.get("reason") or _("vaststelling "
                                                                        "bijgewerkt"))
    except ValidationError as exc:
        form.errors = error_lines(exc, Settlement)
        return render(request, "settlement/settlement.html", _settlement_context(
            request, cooperative, settlement, form), status=400)
    messages.success(request, _("De vaststelling is opgeslagen."))
    return redirect("settlement:settlement", code=code, pk=settlement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def settlement_propose(request, code, pk):
    """Proposing, in two steps: what the board will decide on, to confirm (GET); then exactly
    that put to the board (POST, with its digest)."""
    cooperative, settlement = _settlement(request, code, pk)
    policy.ensure(request.user, "settlement.draft", cooperative)
    if not settlement.is_draft:
        return redirect("settlement:settlement", code=code, pk=settlement.pk)
    if request.method == "POST":
        try:
            proposal = services.settlement_propose(
                settlement=settlement, actor=request.user, reason=request.POST.get("reason", ""),
                expected_digest=request.POST.get("digest", "-"))
        except ValidationError as exc:
            for line in error_lines(exc):
                messages.error(request, line)
            return redirect("settlement:propose", code=code, pk=settlement.pk)
        messages.success(request, _("De vaststelling ligt nu als voorstel bij het bestuur."))
        return redirect("governance:proposal", code=code, pk=proposal.pk)
    rule = services.rule_input_of(settlement)
    outcome = selectors.outcome_of(settlement, rule=rule)
    context = _settlement_context(request, cooperative, settlement, outcome=outcome)
    context.update(digest=selectors.digest(rule, outcome), seated=seated_count(cooperative))
    return render(request, "settlement/propose.html", context)


@login_required
@require_POST
def settlement_amend(request, code, pk):
    cooperative, settlement = _settlement(request, code, pk)
    try:
        new = services.settlement_amend(settlement=settlement, actor=request.user,
                                        reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for line in error_lines(exc):
            messages.error(request, line)
        return redirect("settlement:settlement", code=code, pk=settlement.pk)
    messages.success(request, _("Versie %(v)s is opgesteld als concept, met de regel van "
                                "versie %(old)s.") % {"v": new.version,
                                                      "old": settlement.version})
    return redirect(reverse("settlement:settlement", kwargs={"code": code, "pk": new.pk}))


# --- the reserve -------------------------------------------------------------------------------


@login_required
def reserve(request, code):
    cooperative = cooperative_for(request.user, code, "reserve.view")
    years = selectors.reserve_years(cooperative)
    return render(request, "settlement/reserve.html", {
        "cooperative": cooperative, "years": years,
        "balance": years[-1].closing if years else None,
    })
