"""Lump sums, allocation plans and the board's decisions about them.

The flow: a board member records a grant and drafts a plan (a key, a method, a schedule);
`plan_compute` splits the grant to the cent (the page shows it while it is edited);
`plan_propose` freezes the lines and tranches and puts the plan to the board (the board's
process is cooperatie/governance/; the plan is its subject, see subject.py); when the board
adopts it, `plan_carry_out` posts the allocation to the ledger as one balanced transaction,
reversing the posting of the plan it supersedes. Adopted plans never change: a
change is a new version (`plan_amend`) with its own decision.

Every split goes through `budgets.allocation.apportion`.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cooperatie import policy
from cooperatie.governance import services as governance
from cooperatie.governance.models import Decision, Proposal
from cooperatie.history import create_recorded, save_recorded
from cooperatie.models import Area, Cooperative, Membership, Neighbourhood, Population
from cooperatie.templatetags.money import euro
from partners.models import Organisation

from .. import ledger
from ..models import (
    AllocationKey,
    AllocationKeyShare,
    AllocationLine,
    AllocationPlan,
    AllocationTranche,
    FundingStream,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
    PlanNeighbourhoodWeight,
)
from .apportionment import apportion, apportioner, instalments, percentages

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
PLACES4 = Decimal("0.0001")
KEY_MAX = Decimal("999999999999.9999")  # DecimalField(max_digits=16, decimal_places=4)
WEIGHT_MAX = Decimal("9999.9999")  # DecimalField(max_digits=8, decimal_places=4)
TRANCHES = {AllocationPlan.Schedule.NONE: 0, AllocationPlan.Schedule.QUARTERLY: 4,
            AllocationPlan.Schedule.MONTHLY: 12}


def nl(value: Decimal) -> str:
    """A number as the Dutch write it in a message: 12,5 (no grouping)."""
    return format(value, "f").replace(".", ",")


# --- what a plan is made of, and what it comes to ----------------------------------------


@dataclass(frozen=True)
class KeyInput:
    """A key as someone wants it: a value per partner (a percentage or a baseline figure);
    partners without a value are not in the key."""

    basis: str = AllocationKey.Basis.PERCENTAGES
    unit: str = AllocationKey.Unit.EURO
    description: str = ""
    values: dict = field(default_factory=dict)  # Organisation → Decimal


# Slots: a per-inhabitant split has ten thousand lines (no dict each for the collector).
@dataclass(frozen=True, slots=True)
class SplitLine:
    organisation: Organisation
    neighbourhood: Neighbourhood | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class SplitTranche:
    organisation: Organisation
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class HoodShare:
    neighbourhood: Neighbourhood
    inhabitants: int | None
    weight: Decimal
    amount: Decimal


@dataclass
class Split:
    """A grant split to the cent: lines per partner (and neighbourhood), tranches per partner,
    and what the key comes to in percentages."""

    grant: LumpSumGrant
    method: str
    schedule: str
    basis: str
    unit: str
    organisations: list[Organisation]
    key_values: dict[int, Decimal]  # organisation id → percentage or baseline figure
    percentages: dict[int, Decimal]  # organisation id → percentage (4 decimals, sum 100)
    lines: list[SplitLine]
    tranches: list[SplitTranche]
    hoods: list[HoodShare] = field(default_factory=list)

    # Lines are not changed once split; the page asks for these several times.
    @cached_property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)

    @property
    def digest(self) -> str:
        """A fingerprint of every amount and tranche: what the board is asked to decide."""
        parts = sorted(f"{ln.organisation.pk}/{ln.neighbourhood.pk if ln.neighbourhood else ''}"
                       f"/{ln.amount}" for ln in self.lines)
        parts += sorted(f"{t.organisation.pk}/{t.number}/{t.due_date}/{t.amount}"
                        for t in self.tranches)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

    @cached_property
    def per_organisation(self) -> dict[int, Decimal]:
        totals: dict[int, Decimal] = {o.pk: ZERO for o in self.organisations}
        for line in self.lines:
            totals[line.organisation.pk] += line.amount
        return totals

    @property
    def baseline_total(self) -> Decimal | None:
        if self.basis != AllocationKey.Basis.BASELINE:
            return None
        return sum(self.key_values.values(), Decimal("0"))

    @property
    def discount(self) -> Decimal | None:
        """The implied uniform discount, 1 − grant ÷ baseline total, as a percentage with 4
        decimals (negative: a surcharge); only for a baseline in euros."""
        total = self.baseline_total
        if not total or self.unit != AllocationKey.Unit.EURO:
            return None
        return ((1 - self.grant.amount / total) * HUNDRED).quantize(PLACES4, ROUND_HALF_EVEN)

    @property
    def per_unit(self) -> Decimal | None:
        """For a baseline of counts: the grant per unit (e.g. per client), to the cent."""
        total = self.baseline_total
        if not total or self.unit != AllocationKey.Unit.COUNT:
            return None
        return (self.grant.amount / total).quantize(Decimal("0.01"), ROUND_HALF_EVEN)

    def partner_rows(self) -> list[tuple[Organisation, Decimal, Decimal, Decimal]]:
        """Per partner: amount, percentage (4 decimals) and key value (baseline figure)."""
        amounts = self.per_organisation
        return [(o, amounts[o.pk], self.percentages.get(o.pk, Decimal("0")),
                 self.key_values.get(o.pk)) for o in self.organisations]

    @property
    def percentage_total(self) -> Decimal:
        return sum(self.percentages.values(), Decimal("0")).quantize(PLACES4)

    @property
    def schedule_label(self) -> str:
        return AllocationPlan.Schedule(self.schedule).label

    @property
    def tranche_numbers(self) -> list[int]:
        return sorted({t.number for t in self.tranches})

    def tranche_rows(self) -> list[tuple[Organisation, list[Decimal], Decimal]]:
        amounts = {(t.organisation.pk, t.number): t.amount for t in self.tranches}
        numbers = self.tranche_numbers
        rows = []
        for org in self.organisations:
            cells = [amounts.get((org.pk, n), ZERO) for n in numbers]
            rows.append((org, cells, sum(cells, ZERO)))
        return rows

    def tranche_totals(self) -> list[Decimal]:
        totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for t in self.tranches:
            totals[t.number] += t.amount
        return [totals[n] for n in self.tranche_numbers]

    def tranche_dates(self) -> list[date]:
        dates = {t.number: t.due_date for t in self.tranches}
        return [dates[n] for n in self.tranche_numbers]

    # A large cooperative's page shows the split per area, and one area's neighbourhoods on
    # demand (`show`), rather than thousands of rows at once.
    by_area: bool = False
    shown_area: object = None

    def show(self, *, by_area: bool, area=None) -> "Split":
        self.by_area, self.shown_area = by_area, area if by_area else None
        return self

    @property
    def hood_rows(self) -> list[HoodShare]:
        """The neighbourhoods the page lists: all of them, or one area's."""
        if not self.by_area:
            return self.hoods
        if self.shown_area is None:
            return []
        return [h for h in self.hoods if h.neighbourhood.area_id == self.shown_area.pk]

    def matrix(self) -> list[tuple[HoodShare, list[Decimal]]]:
        """Per listed neighbourhood: the amount of each partner (per-inhabitant plans)."""
        rows = self.hood_rows
        wanted = {h.neighbourhood.pk for h in rows}
        amounts = {(ln.neighbourhood.pk, ln.organisation.pk): ln.amount for ln in self.lines
                   if ln.neighbourhood is not None and ln.neighbourhood.pk in wanted}
        return [(h, [amounts.get((h.neighbourhood.pk, o.pk), ZERO)
                     for o in self.organisations]) for h in rows]

    def area_rows(self) -> list[tuple[object, int, Decimal, list[Decimal]]]:
        """Per area: (area, inhabitants, amount, each partner's amount), in area order."""
        index = {o.pk: i for i, o in enumerate(self.organisations)}
        rows: dict[int, list] = {}
        row_of: dict[int, list] = {}  # neighbourhood id → its area's row
        for h in self.hoods:
            area = h.neighbourhood.area
            row = rows.setdefault(area.pk, [area, 0, ZERO, [ZERO] * len(index)])
            row[1] += h.inhabitants or 0
            row[2] += h.amount
            row_of[h.neighbourhood.pk] = row
        for ln in self.lines:
            if ln.neighbourhood is not None:
                row_of[ln.neighbourhood.pk][3][index[ln.organisation.pk]] += ln.amount
        return [tuple(r) for r in sorted(rows.values(), key=lambda r: (r[0].name, r[0].pk))]


def current_member_ids(cooperative) -> set[int]:
    today = timezone.localdate()
    return set(Membership.objects.filter(policy.active_on(today), cooperative=cooperative)
               .values_list("organisation_id", flat=True))


def _too_precise(value: Decimal, places: int) -> bool:
    return value != value.quantize(Decimal(1).scaleb(-places))


def check_key(key: KeyInput, cooperative, member_ids: set[int] | None = None) -> list[str]:
    """Everything wrong with a key, as Dutch lines that name the partner."""
    if key.basis not in AllocationKey.Basis.values:
        return [_("Kies de grondslag van de verdeelsleutel: vaste percentages of "
                  "basisgegevens.")]
    if key.unit not in AllocationKey.Unit.values:
        return [_("Kies de eenheid van de basisgegevens: euro of aantal.")]
    member_ids = current_member_ids(cooperative) if member_ids is None else member_ids
    fixed = key.basis == AllocationKey.Basis.PERCENTAGES
    problems = []
    for org, value in key.values.items():
        where = {"org": org, "value": value}
        if org.pk not in member_ids:
            problems.append(_("%(org)s is geen lid van deze coöperatie.") % where)
        elif not isinstance(value, Decimal) or not value.is_finite():
            problems.append(_("%(org)s: %(value)s is geen getal.") % where)
        elif _too_precise(value, 4):
            where["value"] = nl(value)
            problems.append(
                (_("%(org)s: het percentage %(value)s heeft meer dan 4 decimalen.") if fixed
                 else _("%(org)s: het basisgegeven %(value)s heeft meer dan 4 decimalen."))
                % where)
        elif value < 0:
            where["value"] = nl(value)
            problems.append(
                (_("%(org)s: een percentage kan niet negatief zijn (%(value)s).") if fixed
                 else _("%(org)s: een basisgegeven kan niet negatief zijn (%(value)s)."))
                % where)
        elif fixed and value > HUNDRED:
            where["value"] = nl(value)
            problems.append(_("%(org)s: een percentage is hoogstens 100 (%(value)s).") % where)
        elif value > KEY_MAX:
            where["value"] = nl(value)
            problems.append(_("%(org)s: het getal %(value)s is te groot.") % where)
    if problems:
        return problems
    total = sum(key.values.values(), Decimal("0"))
    if not key.values:
        problems.append(_("De verdeelsleutel is leeg: vul voor ten minste één partner een "
                          "percentage of basisgegeven in."))
    elif fixed and total != HUNDRED:
        problems.append(_("De percentages tellen op tot %(total)s%%; dat moet precies 100%% "
                          "zijn.") % {"total": nl(total)})
    elif not total:
        problems.append(_("Alle basisgegevens zijn 0: er is niets om naar te verdelen. Vul "
                          "voor ten minste één partner een getal groter dan 0 in."))
    return problems


def check_weights(weights: dict, cooperative) -> list[str]:
    problems = []
    for hood, weight in weights.items():
        where = {"hood": hood.name, "value": weight}
        if hood.cooperative_id != cooperative.pk:
            problems.append(_("De buurt %(hood)s hoort bij een andere coöperatie.") % where)
        elif not isinstance(weight, Decimal) or not weight.is_finite():
            problems.append(_("%(hood)s: %(value)s is geen getal.") % where)
        elif _too_precise(weight, 4):
            where["value"] = nl(weight)
            problems.append(_("%(hood)s: de weging %(value)s heeft meer dan 4 decimalen.")
                            % where)
        elif weight < 0:
            where["value"] = nl(weight)
            problems.append(_("%(hood)s: een weging kan niet negatief zijn (%(value)s).")
                            % where)
        elif weight > WEIGHT_MAX:
            where["value"] = nl(weight)
            problems.append(_("%(hood)s: de weging %(value)s is te groot (hoogstens 9999).")
                            % where)
    return problems


def tranche_dates(year: int, schedule: str) -> list[date]:
    """Advances fall due on the first day of each quarter or month of the grant's year."""
    n = TRANCHES[schedule]
    if not n:
        return []
    step = 12 // n
    return [date(year, 1 + i * step, 1) for i in range(n)]


def plan_compute(*, grant: LumpSumGrant, method: str, schedule: str, key: KeyInput,
                 weights: dict | None = None) -> Split:
    """Split the grant by the key (pure: reads, never writes). Per inhabitant: first over the
    neighbourhoods by inhabitants in the grant's year × weight (1 when absent), then within
    each neighbourhood over the partners by the key. Raises ValidationError listing every
    problem in plain Dutch."""
    cooperative = grant.cooperative
    weights = weights or {}
    problems = []
    if method not in AllocationPlan.Method.values:
        problems.append(_("Kies de methode: over de partners of per inwoner."))
    if schedule not in AllocationPlan.Schedule.values:
        problems.append(_("Kies de voorschotten: geen, per kwartaal of per maand."))
    problems += check_key(key, cooperative)
    problems += check_weights(weights, cooperative)
    if problems:
        raise ValidationError(problems)

    organisations = sorted(key.values, key=lambda o: (o.name, o.pk))
    # Keyed by primary key (equal remainders go by it, as they would by the instance): a
    # model instance hashes through its pk at every look-up, and there are ten thousand.
    by_pk = {o.pk: o for o in organisations}
    key_weights = {o.pk: key.values[o] for o in organisations}
    if key.basis == AllocationKey.Basis.PERCENTAGES:
        shown = {o.pk: key.values[o].quantize(PLACES4) for o in organisations}
    else:
        shown = percentages(key_weights)
    hoods: list[HoodShare] = []
    lines: list[SplitLine] = []
    if method == AllocationPlan.Method.PARTNERS:
        for pk, amount in apportion(grant.amount, key_weights).items():
            lines.append(SplitLine(by_pk[pk], None, amount))
    else:
        hoods = _hood_shares(grant, weights)
        split_by_key = apportioner(key_weights)
        for hood in hoods:
            if not hood.amount:
                continue
            for pk, amount in split_by_key(hood.amount).items():
                lines.append(SplitLine(by_pk[pk], hood.neighbourhood, amount))
    split = Split(grant, method, schedule, key.basis, key.unit, organisations,
                  {o.pk: key.values[o] for o in organisations}, shown, lines, [], hoods)
    split.tranches = _tranches(split, grant.year, schedule)
    return split


def _hood_shares(grant: LumpSumGrant, weights: dict) -> list[HoodShare]:
    in_year = Neighbourhood.objects.filter(cooperative=grant.cooperative).in_year(grant.year)
    hoods = with_areas(list(in_year.order_by("code")), grant.cooperative)
    # A subquery, not the 1,700 ids as parameters (which cost PostgreSQL's driver more).
    inhabitants = dict(Population.objects.filter(neighbourhood__in=in_year.values("pk"),
                                                 year=grant.year)
                       .values_list("neighbourhood_id", "inhabitants"))
    by_pk = {h.pk: w for h, w in weights.items()}
    problems, base = [], {}
    for hood in hoods:
        weight = by_pk.get(hood.pk, Decimal("1"))
        count = inhabitants.get(hood.pk)
        if count is None and weight:
            problems.append(_("Voor %(hood)s is geen inwonertal over %(year)s bekend; vul het "
                              "in bij de structuur of geef de buurt weging 0.")
                            % {"hood": hood.name, "year": grant.year})
        base[hood.pk] = (count or 0) * weight
    if problems:
        raise ValidationError(problems)
    if not hoods or not any(base.values()):
        raise ValidationError(_("Alle buurten wegen 0 mee (geen inwoners of weging 0): er is "
                                "niets om naar te verdelen."))
    amounts = apportion(grant.amount, base)
    return [HoodShare(h, inhabitants.get(h.pk), by_pk.get(h.pk, Decimal("1")), amounts[h.pk])
            for h in hoods]


def with_areas(hoods: list[Neighbourhood], cooperative) -> list[Neighbourhood]:
    """Each neighbourhood with its area attached, one instance per area (a join would build
    an area for each of 1,700 neighbourhoods)."""
    areas = {a.pk: a for a in Area.objects.filter(cooperative=cooperative)}
    cache_area = Neighbourhood.area.field.set_cached_value
    for hood in hoods:
        if hood.area_id in areas:  # else read when asked, as without this
            cache_area(hood, areas[hood.area_id])
    return hoods


def _tranches(split: Split, year: int, schedule: str) -> list[SplitTranche]:
    """Each partner's allocation in equal advances (to the cent), and each advance's total
    as even as the cents allow (see budgets.allocation.instalments)."""
    dates = tranche_dates(year, schedule)
    if not dates:
        return []
    per_org = split.per_organisation
    parts = instalments({o: per_org[o.pk] for o in split.organisations}, len(dates))
    return [SplitTranche(org, number, dates[number - 1], amount)
            for org in split.organisations
            for number, amount in enumerate(parts[org], start=1)]


def plan_key_input(plan: AllocationPlan) -> KeyInput:
    key = plan.key
    return KeyInput(key.basis, key.unit, key.description,
                    {s.organisation: s.value for s in key.shares.select_related("organisation")})


def plan_weights(plan: AllocationPlan) -> dict:
    return {w.neighbourhood: w.weight for w in plan.weights.select_related("neighbourhood")}


def plan_split(plan: AllocationPlan) -> Split:
    """What the plan's stored key and weights come to now (for a draft)."""
    return plan_compute(grant=plan.grant, method=plan.method, schedule=plan.schedule,
                        key=plan_key_input(plan), weights=plan_weights(plan))


# --- grants -------------------------------------------------------------------------------


@transaction.atomic
def grant_create(*, cooperative: Cooperative, year: int, amount: Decimal,
                 funding_stream: FundingStream, description: str,
                 funder: Organisation | None = None, funder_name: str = "", team=None,
                 actor, reason: str) -> LumpSumGrant:
    """Record a lump sum; with `team`, a lump sum for that team (its realisation is shown
    against it)."""
    policy.ensure(actor, "grant.record", cooperative)
    errors = {}
    if not isinstance(amount, Decimal) or not amount.is_finite():
        errors["amount"] = _("Vul het bedrag van de lumpsum in, bijvoorbeeld 4.200.000,00.")
    elif amount <= 0:
        errors["amount"] = _("Het bedrag van een lumpsum moet groter zijn dan 0 (%(value)s).") % {
            "value": nl(amount)}
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Een bedrag heeft hoogstens 2 decimalen (%(value)s).") % {
            "value": nl(amount)}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Vul een jaartal in tussen 2000 en 2100.")
    if funding_stream is None or funding_stream.cooperative_id != cooperative.pk:
        errors["funding_stream"] = _("Kies een financieringsstroom van deze coöperatie.")
    if not (description or "").strip():
        errors["description"] = _("Beschrijf wat de lumpsum dekt.")
    if funder is None and not (funder_name or "").strip():
        errors["funder"] = _("Kies de financier of vul de naam van de financier in.")
    elif funder is not None and not Membership.objects.filter(
            cooperative=cooperative, organisation=funder).exists():
        errors["funder"] = _("%(org)s is geen lid van deze coöperatie; vul de naam van de "
                             "financier in.") % {"org": funder}
    if team is not None and team.cooperative_id != cooperative.pk:
        errors["team"] = _("Kies een team van deze coöperatie.")
    if errors:
        raise ValidationError(errors)
    return create_recorded(
        LumpSumGrant, cooperative=cooperative, year=year, amount=amount,
        funding_stream=funding_stream, description=description.strip(), funder=funder,
        team=team, funder_name=(funder_name or "").strip() if funder is None else "", actor=actor,
        reason=reason,
    )


# --- drafting -----------------------------------------------------------------------------


def _ensure_draft(plan: AllocationPlan) -> None:
    if plan.status == AllocationPlan.Status.DRAFT:
        return
    if plan.status == AllocationPlan.Status.PROPOSED:
        raise ValidationError(_("Versie %(v)s van deze verdeling ligt als voorstel bij het "
                                "bestuur en kan niet meer worden gewijzigd.") % {"v": plan.version})
    raise ValidationError(_("Versie %(v)s van deze verdeling is %(status)s en kan niet meer "
                            "worden gewijzigd; stel een wijziging op (een nieuwe versie).")
                          % {"v": plan.version, "status": plan.get_status_display()})


def _lock_plan(plan: AllocationPlan, actor, action: str = "plan.draft") -> AllocationPlan:
    policy.ensure(actor, action, plan.grant.cooperative)
    # of=("self",): the funder is nullable (an outer join), which PostgreSQL cannot lock.
    return (AllocationPlan.objects.select_for_update(of=("self",))
            .select_related("grant__cooperative", "grant__funding_stream", "grant__funder")
            .get(pk=plan.pk))


def _new_version(grant: LumpSumGrant, *, method: str, schedule: str, note: str, actor,
                 reason: str) -> AllocationPlan:
    grant = LumpSumGrant.objects.select_for_update().get(pk=grant.pk)
    plans = list(grant.plans.all())
    open_plan = next((p for p in plans if p.status in AllocationPlan.OPEN_STATUSES), None)
    if open_plan is not None:
        raise ValidationError(_("Voor deze lumpsum is al versie %(v)s in voorbereiding "
                                "(%(status)s); werk die bij.")
                              % {"v": open_plan.version, "status": open_plan.get_status_display()})
    adopted = next((p for p in plans if p.is_adopted), None)
    plan = AllocationPlan(
        grant=grant, version=max((p.version for p in plans), default=0) + 1, supersedes=adopted,
        method=method, schedule=schedule, note=note, drafted_by=actor,
    )
    save_recorded(plan, actor=actor, reason=reason)
    save_recorded(AllocationKey(plan=plan), actor=actor, reason=reason)
    return plan


@transaction.atomic
def plan_draft(*, grant: LumpSumGrant, actor, reason: str,
               method: str = AllocationPlan.Method.PARTNERS,
               schedule: str = AllocationPlan.Schedule.QUARTERLY,
               note: str = "") -> AllocationPlan:
    """A new draft version of the grant's allocation with an empty key; when a plan is adopted
    already, the draft supersedes it once adopted itself."""
    policy.ensure(actor, "plan.draft", grant.cooperative)
    return _new_version(grant, method=method, schedule=schedule, note=note, actor=actor,
                        reason=reason)


@transaction.atomic
def plan_amend(*, plan: AllocationPlan, actor, reason: str) -> AllocationPlan:
    """A new draft version copying the key, weights, method and schedule of a decided plan."""
    policy.ensure(actor, "plan.draft", plan.grant.cooperative)
    source = AllocationPlan.objects.select_related("key").get(pk=plan.pk)
    if source.status in AllocationPlan.OPEN_STATUSES:
        raise ValidationError(_("Versie %(v)s is nog niet besloten; werk die bij in plaats van "
                                "een nieuwe versie te maken.") % {"v": source.version})
    new = _new_version(source.grant, method=source.method, schedule=source.schedule,
                       note=source.note, actor=actor, reason=reason)
    key = new.key
    key.basis, key.unit, key.description = (source.key.basis, source.key.unit,
                                            source.key.description)
    save_recorded(key, actor=actor, reason=reason)
    bulk_create_with_history(
        [AllocationKeyShare(key=key, organisation_id=s.organisation_id, value=s.value)
         for s in source.key.shares.all()],
        AllocationKeyShare, default_user=actor, default_change_reason=reason,
    )
    bulk_create_with_history(
        [PlanNeighbourhoodWeight(plan=new, neighbourhood_id=w.neighbourhood_id, weight=w.weight)
         for w in source.weights.all()],
        PlanNeighbourhoodWeight, default_user=actor, default_change_reason=reason,
    )
    return new


@transaction.atomic
def plan_configure(*, plan: AllocationPlan, method: str, schedule: str, note: str = "",
                   actor, reason: str) -> AllocationPlan:
    locked = _lock_plan(plan, actor)
    _ensure_draft(locked)
    errors = {}
    if method not in AllocationPlan.Method.values:
        errors["method"] = _("Kies de methode: over de partners of per inwoner.")
    if schedule not in AllocationPlan.Schedule.values:
        errors["schedule"] = _("Kies de voorschotten: geen, per kwartaal of per maand.")
    if errors:
        raise ValidationError(errors)
    if (locked.method, locked.schedule, locked.note) != (method, schedule, note):
        locked.method, locked.schedule, locked.note = method, schedule, note
        save_recorded(locked, actor=actor, reason=reason)
    return locked


@transaction.atomic
def plan_set_key(*, plan: AllocationPlan, key: KeyInput, actor, reason: str) -> AllocationKey:
    """Replace the plan's key; refused whole (nothing changed) when any value is wrong."""
    locked = _lock_plan(plan, actor)
    _ensure_draft(locked)
    problems = check_key(key, locked.grant.cooperative)
    if problems:
        raise ValidationError(problems)
    stored = AllocationKey.objects.select_for_update().get(plan=locked)
    if (stored.basis, stored.unit, stored.description) != (key.basis, key.unit,
                                                           key.description):
        stored.basis, stored.unit, stored.description = key.basis, key.unit, key.description
        save_recorded(stored, actor=actor, reason=reason)
    current = {s.organisation_id: s for s in stored.shares.all()}
    wanted = {org.pk: value for org, value in key.values.items()}
    for org_id, share in current.items():
        if org_id not in wanted:
            share._history_user, share._change_reason = actor, reason
            share.delete()
    for org_id, value in wanted.items():
        share = current.get(org_id) or AllocationKeyShare(key=stored, organisation_id=org_id)
        if share.pk is None or share.value != value:
            share.value = value
            save_recorded(share, actor=actor, reason=reason)
    return stored


@transaction.atomic
def plan_set_weights(*, plan: AllocationPlan, weights: dict, actor,
                     reason: str) -> list[PlanNeighbourhoodWeight]:
    """Set neighbourhood weights (a weight of 1 is the default and is not stored)."""
    locked = _lock_plan(plan, actor)
    _ensure_draft(locked)
    problems = check_weights(weights, locked.grant.cooperative)
    if problems:
        raise ValidationError(problems)
    current = {w.neighbourhood_id: w for w in locked.weights.all()}
    wanted = {hood.pk: weight for hood, weight in weights.items() if weight != 1}
    for hood_id, row in current.items():
        if hood_id not in wanted:
            row._history_user, row._change_reason = actor, reason
            row.delete()
    for hood_id, weight in wanted.items():
        row = current.get(hood_id) or PlanNeighbourhoodWeight(plan=locked,
                                                              neighbourhood_id=hood_id)
        if row.pk is None or row.weight != weight:
            row.weight = weight
            save_recorded(row, actor=actor, reason=reason)
    return list(locked.weights.all())


@transaction.atomic
def plan_save(*, plan: AllocationPlan, method: str, schedule: str, note: str, key: KeyInput,
              weights: dict, actor, reason: str) -> Split:
    """Everything on the plan page in one go: all of it, or nothing when anything is wrong
    (every problem listed, including a split that cannot be made, e.g. a neighbourhood
    without inhabitants)."""
    locked = _lock_plan(plan, actor)
    _ensure_draft(locked)
    split = plan_compute(grant=locked.grant, method=method, schedule=schedule, key=key,
                         weights=weights)
    plan_configure(plan=locked, method=method, schedule=schedule, note=note, actor=actor,
                   reason=reason)
    plan_set_key(plan=locked, key=key, actor=actor, reason=reason)
    plan_set_weights(plan=locked, weights=weights, actor=actor, reason=reason)
    plan.method, plan.schedule, plan.note = method, schedule, note
    return split


# --- to the board -------------------------------------------------------------------------


@transaction.atomic
def plan_propose(*, plan: AllocationPlan, actor, reason: str = "",
                 expected_digest: str | None = None) -> Proposal:
    """Freeze the split (lines and tranches) and put the plan to the board as a proposal.
    With `expected_digest`: only the split the user confirmed (`Split.digest`)."""
    locked = _lock_plan(plan, actor)
    _ensure_draft(locked)
    split = plan_split(locked)
    if expected_digest is not None and split.digest != expected_digest:
        raise ValidationError(_("De verdeling is gewijzigd sinds u de samenvatting opende; er "
                                "is niets voorgelegd. Controleer de nieuwe samenvatting."))
    reason = reason or _("voorgelegd aan het bestuur")
    grant = locked.grant
    title = _("Verdeling %(grant)s, versie %(v)s") % {"grant": grant, "v": locked.version}
    description = _("Verdeling van %(amount)s (%(what)s) %(method)s, sleutel: %(key)s.") % {
        "amount": euro(grant.amount), "what": grant.description,
        "method": locked.get_method_display(), "key": str(locked.key)}
    if locked.supersedes_id:
        description += " " + _("Vervangt versie %(v)s.") % {"v": locked.supersedes.version}
    proposal = governance.proposal_create(
        cooperative=grant.cooperative, kind=Proposal.Kind.ALLOCATION, title=title,
        description=description, drafted_by=locked.drafted_by, actor=actor, reason=reason,
    )
    bulk_create_with_history(
        [AllocationLine(plan=locked, organisation=ln.organisation, neighbourhood=ln.neighbourhood,
                        amount=ln.amount) for ln in split.lines],
        AllocationLine, default_user=actor, default_change_reason=reason,
    )
    bulk_create_with_history(
        [AllocationTranche(plan=locked, organisation=t.organisation, number=t.number,
                           due_date=t.due_date, amount=t.amount) for t in split.tranches],
        AllocationTranche, default_user=actor, default_change_reason=reason,
    )
    locked.status = AllocationPlan.Status.PROPOSED
    locked.proposal = proposal
    save_recorded(locked, actor=actor, reason=reason)
    plan.status, plan.proposal = locked.status, proposal
    return proposal


def plan_carry_out(*, plan: AllocationPlan, decision: Decision, actor, reason: str) -> None:
    """What the board's decision does to the plan (called by governance while closing, with
    the cooperative, the proposal and the plan locked): rejected, or adopted and posted,
    superseding and reversing the plan adopted before."""
    if not decision.adopted:
        plan.status = AllocationPlan.Status.REJECTED
        save_recorded(plan, actor=actor, reason=reason)
        return
    grant = LumpSumGrant.objects.select_for_update(of=("self",)).select_related(
        "cooperative", "funding_stream", "funder").get(pk=plan.grant_id)
    previous = (AllocationPlan.objects.select_for_update()
                .filter(grant=grant, status=AllocationPlan.Status.ADOPTED).first())
    if previous is not None:
        previous.status = AllocationPlan.Status.SUPERSEDED
        save_recorded(previous, actor=actor, reason=reason)
        ledger.reverse(posting=previous.posting, actor=actor, reason=reason)
    plan.posting = ledger.post(
        cooperative=grant.cooperative, year=grant.year, kind=LedgerTransaction.Kind.ALLOCATION,
        source_type="grant", source_id=grant.pk,
        description=(_("Verdeling lumpsum %(grant)s, versie %(v)s (besluit %(number)s)")
                     % {"grant": grant, "v": plan.version, "number": decision.number})[:300],
        reason=reason, actor=actor, entries=posting_entries(plan, grant),
    )
    plan.status = AllocationPlan.Status.ADOPTED
    if previous is not None and plan.supersedes_id != previous.pk:
        plan.supersedes = previous
    save_recorded(plan, actor=actor, reason=reason)


def posting_entries(plan: AllocationPlan, grant: LumpSumGrant) -> list[dict]:
    """One balanced transaction: the grant out (−amount, on the funder when it is a member)
    and the partners' allocations in (+amount per partner and neighbourhood); sum exactly 0."""
    funder_id = grant.funder_id if grant.funder_id in current_member_ids(grant.cooperative) \
        else None
    entries = [{"kind": LedgerEntry.Kind.GRANT, "amount": -grant.amount,
                "organisation_id": funder_id, "funding_stream_id": grant.funding_stream_id}]
    entries += [
        {"kind": LedgerEntry.Kind.ALLOCATION, "amount": line.amount,
         "organisation_id": line.organisation_id, "neighbourhood_id": line.neighbourhood_id,
         "funding_stream_id": grant.funding_stream_id}
        for line in plan.lines.all() if line.amount
    ]
    if sum((e["amount"] for e in entries), ZERO) != 0:  # cannot happen: lines come from apportion
        raise ValidationError(_("De toewijzingen tellen niet op tot de lumpsum; er is niets "
                                "geboekt."))
    return entries


# --- reading numbers people type ------------------------------------------------------------
