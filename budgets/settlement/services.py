"""Advances paid and settlements: every write, keyword-only, in one transaction, with the
acting user and a reason in the history.

Payments: `payment_record` posts a payment of a tranche to the ledger (an `advance` entry on
the partner); `payment_reverse` is the one correction (a reversal, with a reason).

Settlements: `settlement_draft` (the treasurer, once the year's realisation is complete),
`settlement_save` (the rule and the key), `settlement_propose` (freeze the lines, put it to
the board), `settlement_carry_out` (what the board's decision does: called by governance
through subject.py), `settlement_amend` (a new version of a decided settlement).

What others hook into (notifications): a settlement put to the board publishes governance's
PROPOSAL_OPENED, its decision PROPOSAL_CLOSED (cooperatie.governance.events).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from budgets import ledger
from budgets.allocation.selectors import frozen_split
from budgets.models import (
    AllocationPlan,
    AllocationTranche,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
)
from cooperatie import policy
from cooperatie.governance import services as governance
from cooperatie.governance.models import Decision, Proposal
from cooperatie.history import save_recorded
from cooperatie.templatetags.money import euro

from . import rules, selectors
from .models import AdvancePayment, Settlement, SettlementKeyShare, SettlementLine

ZERO = Decimal("0.00")
REFERENCE_MAX = 100
PAYMENT_SOURCE = "tranche"
SETTLEMENT_SOURCE = "settlement"


def _day(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _lock_grant(grant_id: int) -> LumpSumGrant:
    # of=("self",): the funder is nullable (an outer join), which PostgreSQL cannot lock.
    return (LumpSumGrant.objects.select_for_update(of=("self",))
            .select_related("cooperative", "funding_stream", "funder").get(pk=grant_id))


def ensure_year_open(grant: LumpSumGrant) -> None:
    """Payments on a year whose settlement is in force (and not being changed) are refused."""
    closed = selectors.closing_settlement(grant)
    if closed is None:
        return
    decision = closed.proposal.decision
    raise ValidationError(_(
        "De lumpsum %(grant)s is vastgesteld (besluit %(number)s van %(date)s): het jaar is "
        "afgesloten en er worden geen betalingen meer op geboekt. Moet er toch iets "
        "veranderen, stel dan eerst een wijziging van de vaststelling op (een nieuwe versie)."
    ) % {"grant": grant, "number": decision.number, "date": _day(decision.decided_on)})


# --- payments of advances ---------------------------------------------------------------------


def _check_reference(reference: str) -> str:
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _(
            "Vul de referentie van het bankafschrift in (bijvoorbeeld afschrift 14, regel 3).")})
    if len(reference) > REFERENCE_MAX:
        raise ValidationError({"reference": _(
            "De referentie is %(n)s tekens; hoogstens %(max)s.") % {"n": len(reference),
                                                                    "max": REFERENCE_MAX}})
    if any(ord(c) < 32 for c in reference):
        raise ValidationError({"reference": _("De referentie bevat een regeleinde of een "
                                              "onzichtbaar teken.")})
    return reference


def _check_amount(amount) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValidationError({"amount": _("Vul het betaalde bedrag in, bijvoorbeeld "
                                           "125.000,00.")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Een bedrag heeft hoogstens 2 decimalen (%(value)s)."
                                           ) % {"value": rules.nl(amount)}})
    if amount <= 0:
        raise ValidationError({"amount": _(
            "Een betaling is groter dan 0 (%(value)s). Een betaling terugdraaien doet u met "
            "een tegenboeking van die betaling.") % {"value": euro(amount)}})


def _check_paid_on(paid_on) -> None:
    if not isinstance(paid_on, date):
        raise ValidationError({"paid_on": _("Vul de datum van de betaling in, bijvoorbeeld "
                                            "01-04-2025.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _(
            "De betaaldatum %(date)s ligt in de toekomst; boek een betaling pas als zij op het "
            "bankafschrift staat.") % {"date": _day(paid_on)}})
    if paid_on.year < 2000:
        raise ValidationError({"paid_on": _("De betaaldatum %(date)s is niet aannemelijk.")
                               % {"date": _day(paid_on)}})


def _ensure_in_force(tranche: AllocationTranche, grant: LumpSumGrant) -> None:
    plan = tranche.plan
    if plan.is_adopted:
        return
    in_force = grant.plans.filter(status=AllocationPlan.Status.ADOPTED).first()
    where = {"n": tranche.number, "org": tranche.organisation, "v": plan.version,
             "status": plan.get_status_display()}
    if in_force is None:
        raise ValidationError(_(
            "Voorschot %(n)s van %(org)s hoort bij versie %(v)s van de verdeling, die "
            "%(status)s is; er is nog geen verdeling vastgesteld. Betaal pas als het bestuur de "
            "verdeling heeft vastgesteld.") % where)
    raise ValidationError(_(
        "Voorschot %(n)s van %(org)s hoort bij versie %(v)s van de verdeling, die %(status)s "
        "is. Alleen voorschotten van de verdeling in werking (versie %(current)s) worden "
        "betaald.") % {**where, "current": in_force.version})


def _ensure_room(tranche: AllocationTranche, amount: Decimal, grant: LumpSumGrant) -> None:
    """Paid on this tranche (its number, for this partner, under any version of the grant's
    plan: an amendment does not pay anew what was paid) plus `amount` may not exceed it."""
    earlier = list(selectors.live_payments(grant).filter(
        tranche__organisation=tranche.organisation_id, tranche__number=tranche.number))
    paid = sum((p.amount for p in earlier), ZERO)
    where = {"n": tranche.number, "org": tranche.organisation, "amount": euro(tranche.amount),
             "paid": euro(paid), "room": euro(tranche.amount - paid), "asked": euro(amount)}
    if earlier and paid >= tranche.amount:
        last = earlier[-1]
        raise ValidationError(_(
            "Voorschot %(n)s van %(org)s (%(amount)s) is al helemaal betaald (laatst op "
            "%(date)s, referentie “%(ref)s”). Er wordt niet twee keer betaald; was een "
            "betaling fout, boek die dan eerst terug (tegenboeking met reden).")
            % {**where, "date": _day(last.paid_on), "ref": last.reference})
    if paid + amount > tranche.amount:
        raise ValidationError({"amount": _(
            "Voorschot %(n)s van %(org)s is %(amount)s, waarvan al %(paid)s is betaald: er kan "
            "hoogstens %(room)s bij, niet %(asked)s. Is er echt meer overgemaakt, boek dan dit "
            "voorschot tot het volle bedrag en het verschil bij het volgende voorschot.")
            % where})


def _ensure_reference_unused(grant: LumpSumGrant, reference: str) -> None:
    used = (AdvancePayment.objects.filter(cooperative=grant.cooperative, reference=reference,
                                          reversal__isnull=True)
            .select_related("tranche__organisation").first())
    if used is not None:
        raise ValidationError({"reference": _(
            "De referentie “%(ref)s” is al geboekt: betaling van voorschot %(n)s van %(org)s op "
            "%(date)s. Elke regel van het bankafschrift wordt één keer geboekt.") % {
            "ref": reference, "n": used.tranche.number, "org": used.tranche.organisation,
            "date": _day(used.paid_on)}})


@transaction.atomic
def payment_record(*, tranche: AllocationTranche, paid_on: date, amount: Decimal,
                   reference: str, actor, note: str = "", reason: str = "") -> AdvancePayment:
    """Record a payment of (part of) a tranche and post it to the ledger. Refused, with
    nothing written, for a tranche of a plan not in force, more than the tranche, a tranche
    paid already, a reference booked already, or a year that is closed (settled)."""
    grant = _lock_grant(tranche.plan.grant_id)
    policy.ensure(actor, "payment.record", grant.cooperative)
    tranche = AllocationTranche.objects.select_related("plan", "organisation").get(pk=tranche.pk)
    _check_amount(amount)
    _check_paid_on(paid_on)
    reference = _check_reference(reference)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("De toelichting is %(n)s tekens; hoogstens 2000.")
                               % {"n": len(note)}})
    ensure_year_open(grant)
    _ensure_in_force(tranche, grant)
    _ensure_room(tranche, amount, grant)
    _ensure_reference_unused(grant, reference)
    reason = reason or _("betaling van een voorschot geboekt")
    posting = ledger.post(
        cooperative=grant.cooperative, year=grant.year, kind=LedgerTransaction.Kind.PAYMENT,
        source_type=PAYMENT_SOURCE, source_id=tranche.pk,
        description=(_("Betaling voorschot %(n)s aan %(org)s, lumpsum %(grant)s (%(ref)s)")
                     % {"n": tranche.number, "org": tranche.organisation, "grant": grant,
                        "ref": reference})[:300],
        reason=reason, actor=actor,
        entries=[{"kind": LedgerEntry.Kind.ADVANCE, "amount": amount,
                  "organisation_id": tranche.organisation_id,
                  "funding_stream_id": grant.funding_stream_id}])
    payment = AdvancePayment(cooperative=grant.cooperative, tranche=tranche, paid_on=paid_on,
                             amount=amount, reference=reference, note=note, recorded_by=actor,
                             posting=posting)
    return save_recorded(payment, actor=actor, reason=reason)


@transaction.atomic
def payment_reverse(*, payment: AdvancePayment, actor, reason: str) -> AdvancePayment:
    """The one correction of a payment: its posting reversed, with a reason. The payment
    stays in the list, marked as reversed; the right payment is then recorded anew."""
    grant = _lock_grant(payment.tranche.plan.grant_id)
    policy.ensure(actor, "payment.record", grant.cooperative)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op voor de tegenboeking.")})
    locked = AdvancePayment.objects.select_for_update().select_related(
        "tranche__organisation", "posting").get(pk=payment.pk)
    if locked.is_reversed:
        raise ValidationError(_("Deze betaling (referentie “%(ref)s”) is al tegengeboekt.")
                              % {"ref": locked.reference})
    ensure_year_open(grant)
    locked.reversal = ledger.reverse(posting=locked.posting, actor=actor, reason=reason)
    locked.reversal_reason = reason
    save_recorded(locked, actor=actor, reason=reason)
    payment.reversal, payment.reversal_reason = locked.reversal, reason
    return locked


# --- settlements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    """A rule as someone sets it: the surplus and deficit shares (percentages) and the key
    (organisation → percentage; only needed when something goes by the key)."""

    surplus: dict
    deficit: dict
    key: dict


def rule_input_of(settlement: Settlement) -> RuleInput:
    return RuleInput(settlement.surplus_shares, settlement.deficit_shares,
                     {s.organisation: s.percentage
                      for s in settlement.key_shares.select_related("organisation")})


def _rule(rule: RuleInput) -> rules.Rule:
    return rules.Rule(rule.surplus, rule.deficit, rule.key)


def check(settlement: Settlement, rule: RuleInput) -> list[str]:
    partners = {org: org.name for org in selectors.partners_of(settlement.plan)}
    return rules.check_rule(_rule(rule), partners)


def _ensure_draft(settlement: Settlement) -> None:
    if settlement.is_draft:
        return
    if settlement.status == Settlement.Status.PROPOSED:
        raise ValidationError(_("Versie %(v)s van deze vaststelling ligt als voorstel bij het "
                                "bestuur en kan niet meer worden gewijzigd.")
                              % {"v": settlement.version})
    raise ValidationError(_("Versie %(v)s van deze vaststelling is %(status)s en verandert "
                            "niet meer; stel een wijziging op (een nieuwe versie).")
                          % {"v": settlement.version,
                             "status": settlement.get_status_display()})


def _ensure_ready(grant: LumpSumGrant) -> AllocationPlan:
    problems, plan = selectors.readiness(grant)
    if problems:
        raise ValidationError(problems)
    return plan


def _lock(settlement: Settlement, actor) -> Settlement:
    grant = _lock_grant(settlement.grant_id)
    policy.ensure(actor, "settlement.draft", grant.cooperative)
    locked = Settlement.objects.select_for_update(of=("self",)).select_related(
        "plan", "drafted_by").get(pk=settlement.pk)
    locked.grant = grant
    return locked


def _default_key(plan: AllocationPlan) -> dict:
    """The allocation's own percentages: redistributing by the key the grant was split by."""
    split = frozen_split(plan)
    orgs = {o.pk: o for o in split.organisations}
    return {orgs[pk]: pct for pk, pct in split.percentages.items() if pk in orgs}


def _create(grant: LumpSumGrant, plan: AllocationPlan, *, actor, reason: str,
            rule: RuleInput | None = None, note: str = "",
            supersedes: Settlement | None = None) -> Settlement:
    version = max(grant.settlements.values_list("version", flat=True), default=0) + 1
    settlement = Settlement(grant=grant, version=version, plan=plan, drafted_by=actor,
                            note=note, supersedes=supersedes)
    key = _default_key(plan)
    if rule is not None:
        (settlement.surplus_partner, settlement.surplus_reserve, settlement.surplus_funder,
         settlement.surplus_key) = (rule.surplus[k] for k in rules.SURPLUS_TO)
        (settlement.deficit_partner, settlement.deficit_reserve,
         settlement.deficit_key) = (rule.deficit[k] for k in rules.DEFICIT_TO)
        partners = {o.pk for o in selectors.partners_of(plan)}
        if rule.key and all(o.pk in partners for o in rule.key):
            key = rule.key
    save_recorded(settlement, actor=actor, reason=reason)
    bulk_create_with_history(
        [SettlementKeyShare(settlement=settlement, organisation=o, percentage=p)
         for o, p in key.items()],
        SettlementKeyShare, default_user=actor, default_change_reason=reason)
    return settlement


@transaction.atomic
def settlement_draft(*, grant: LumpSumGrant, actor, reason: str = "") -> Settlement:
    """A draft settlement of a lump sum, once its year is complete (every period closed,
    every partner's realisation in). Refused when the grant is settled (or being settled)
    already: a change is a new version (`settlement_amend`)."""
    grant = _lock_grant(grant.pk)
    policy.ensure(actor, "settlement.draft", grant.cooperative)
    blocking = selectors.blocking_settlement(grant)
    if blocking is not None and not blocking.is_adopted:
        raise ValidationError(_("Voor de lumpsum %(grant)s is al versie %(v)s van de "
                                "vaststelling in voorbereiding (%(status)s); werk die bij.")
                              % {"grant": grant, "v": blocking.version,
                                 "status": blocking.get_status_display()})
    if blocking is not None:
        adopted, decision = blocking, blocking.proposal.decision
        raise ValidationError(_(
            "De lumpsum %(grant)s is al vastgesteld (versie %(v)s, besluit %(number)s van "
            "%(date)s) en wordt niet twee keer vastgesteld. Een wijziging is een nieuwe versie "
            "die de oude tegenboekt: kies ‘Wijziging opstellen’.") % {
            "grant": grant, "v": adopted.version, "number": decision.number,
            "date": _day(decision.decided_on)})
    plan = _ensure_ready(grant)
    return _create(grant, plan, actor=actor, reason=reason or _("vaststelling opgesteld"))


@transaction.atomic
def settlement_amend(*, settlement: Settlement, actor, reason: str) -> Settlement:
    """A new draft version of a decided settlement (adopted or rejected), with its rule and
    key; adopted, it supersedes the settlement in force and reverses its posting."""
    locked = _lock(settlement, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef een reden op voor de wijziging.")})
    if locked.status in Settlement.OPEN_STATUSES:
        raise ValidationError(_("Versie %(v)s is nog niet besloten; werk die bij in plaats van "
                                "een nieuwe versie te maken.") % {"v": locked.version})
    grant = locked.grant
    if grant.settlements.filter(status__in=Settlement.OPEN_STATUSES).exists():
        raise ValidationError(_("Er is al een nieuwe versie van deze vaststelling in "
                                "voorbereiding."))
    plan = _ensure_ready(grant)
    adopted = grant.settlements.filter(status=Settlement.Status.ADOPTED).first()
    return _create(grant, plan, actor=actor, reason=reason, rule=rule_input_of(locked),
                   note=locked.note, supersedes=adopted)


@transaction.atomic
def settlement_save(*, settlement: Settlement, rule: RuleInput, note: str = "", actor,
                    reason: str = "") -> rules.Outcome:
    """The rule, the key and the note of a draft, all or nothing: refused whole when a share
    is wrong or the shares do not add up to 100 %."""
    locked = _lock(settlement, actor)
    _ensure_draft(locked)
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": _("De toelichting is %(n)s tekens; hoogstens 4000.")
                               % {"n": len(note)}})
    problems = check(locked, rule)
    if problems:
        raise ValidationError(problems)
    reason = reason or _("vaststelling bijgewerkt")
    fields = {f"surplus_{k}": rule.surplus[k] for k in rules.SURPLUS_TO}
    fields.update({f"deficit_{k}": rule.deficit[k] for k in rules.DEFICIT_TO})
    fields["note"] = note
    if any(getattr(locked, f) != v for f, v in fields.items()):
        for name, value in fields.items():
            setattr(locked, name, value)
        save_recorded(locked, actor=actor, reason=reason)
    if rule.key:
        current = {s.organisation_id: s for s in locked.key_shares.all()}
        wanted = {org.pk: value for org, value in rule.key.items()}
        for org_id, share in current.items():
            if org_id not in wanted:
                share._history_user, share._change_reason = actor, reason
                share.delete()
        for org_id, value in wanted.items():
            share = current.get(org_id) or SettlementKeyShare(settlement=locked,
                                                               organisation_id=org_id)
            if share.pk is None or share.percentage != value:
                share.percentage = value
                save_recorded(share, actor=actor, reason=reason)
    return selectors.outcome_of(locked)


@transaction.atomic
def settlement_propose(*, settlement: Settlement, actor, reason: str = "",
                       expected_digest: str | None = None) -> Proposal:
    """Check again that the year is complete, freeze what the settlement comes to per partner
    and put it to the board as a proposal (same rules as every decision). With
    `expected_digest`: only the outcome the user confirmed (`selectors.digest`)."""
    locked = _lock(settlement, actor)
    _ensure_draft(locked)
    grant = locked.grant
    plan = _ensure_ready(grant)
    if locked.plan_id != plan.pk:  # the allocation changed since drafting: settle what is in force
        locked.plan = plan
    rule = rule_input_of(locked)
    problems = check(locked, rule)
    if problems:
        raise ValidationError(problems)
    outcome = selectors.outcome_of(locked, rule=rule)
    if expected_digest is not None and selectors.digest(rule, outcome) != expected_digest:
        raise ValidationError(_("De vaststelling is gewijzigd sinds u de samenvatting opende "
                                "(de regel of de realisatie); er is niets voorgelegd. "
                                "Controleer de nieuwe samenvatting."))
    reason = reason or _("voorgelegd aan het bestuur")
    proposal = governance.proposal_create(
        cooperative=grant.cooperative, kind=Proposal.Kind.SETTLEMENT,
        title=_("Vaststelling lumpsum %(grant)s, versie %(v)s") % {"grant": grant,
                                                                  "v": locked.version},
        description=selectors.describe(locked, outcome), drafted_by=locked.drafted_by,
        actor=actor, reason=reason)
    bulk_create_with_history(
        [SettlementLine(settlement=locked, organisation=org, settled=part.settled,
                        **{name: getattr(part, name) for name in rules.PARTS})
         for org, part in outcome.partners.items()],
        SettlementLine, default_user=actor, default_change_reason=reason)
    locked.status, locked.proposal = Settlement.Status.PROPOSED, proposal
    save_recorded(locked, actor=actor, reason=reason)
    settlement.status, settlement.proposal = locked.status, proposal
    return proposal


def posting_entries(settlement: Settlement, grant: LumpSumGrant) -> list[dict]:
    """One balanced transaction: per partner what the settlement adds to or takes from its
    allocation, what goes to and comes from the reserve (no organisation), and what goes back
    to the funder (on the funder when it is a member). The entries sum exactly to 0."""
    from budgets.allocation.services import current_member_ids

    stream = grant.funding_stream_id
    lines = list(settlement.lines.all())
    entries = [{"kind": LedgerEntry.Kind.SETTLEMENT, "amount": ln.settled - ln.allocated,
                "organisation_id": ln.organisation_id, "funding_stream_id": stream}
               for ln in lines if ln.settled != ln.allocated]
    to_reserve = sum((ln.to_reserve for ln in lines), ZERO)
    from_reserve = sum((ln.from_reserve for ln in lines), ZERO)
    to_funder = sum((ln.to_funder for ln in lines), ZERO)
    if to_reserve:
        entries.append({"kind": LedgerEntry.Kind.RESERVE, "amount": to_reserve,
                        "funding_stream_id": stream})
    if from_reserve:
        entries.append({"kind": LedgerEntry.Kind.RESERVE, "amount": -from_reserve,
                        "funding_stream_id": stream})
    if to_funder:
        funder = grant.funder_id if grant.funder_id in current_member_ids(grant.cooperative) \
            else None
        entries.append({"kind": LedgerEntry.Kind.REFUND, "amount": to_funder,
                        "organisation_id": funder, "funding_stream_id": stream})
    if sum((e["amount"] for e in entries), ZERO) != 0:  # cannot happen: see rules.settle
        raise ValidationError(_("De vaststelling is niet in evenwicht; er is niets geboekt."))
    return entries


def settlement_carry_out(*, settlement: Settlement, decision: Decision, actor,
                         reason: str) -> None:
    """What the board's decision does (called by governance while closing, with the
    cooperative, the proposal and the settlement locked): rejected; or adopted and posted as
    one balanced transaction, superseding the settlement in force and reversing its posting."""
    if not decision.adopted:
        settlement.status = Settlement.Status.REJECTED
        save_recorded(settlement, actor=actor, reason=reason)
        return
    grant = _lock_grant(settlement.grant_id)
    previous = (Settlement.objects.select_for_update()
                .filter(grant=grant, status=Settlement.Status.ADOPTED).first())
    if previous is not None:
        previous.status = Settlement.Status.SUPERSEDED
        save_recorded(previous, actor=actor, reason=reason)
        ledger.reverse(posting=previous.posting, actor=actor, reason=reason)
    settlement.posting = ledger.post(
        cooperative=grant.cooperative, year=grant.year, kind=LedgerTransaction.Kind.SETTLEMENT,
        source_type=SETTLEMENT_SOURCE, source_id=settlement.pk,
        description=(_("Vaststelling lumpsum %(grant)s, versie %(v)s (besluit %(number)s)")
                     % {"grant": grant, "v": settlement.version,
                        "number": decision.number})[:300],
        reason=reason, actor=actor, entries=posting_entries(settlement, grant))
    settlement.status = Settlement.Status.ADOPTED
    if previous is not None and settlement.supersedes_id != previous.pk:
        settlement.supersedes = previous
    save_recorded(settlement, actor=actor, reason=reason)
