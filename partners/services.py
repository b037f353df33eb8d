"""Changes to member organisations, the people acting for them and the staff they make
available to the cooperative's teams."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import BudgetRound, PartnerBudget
from cooperatie import policy
from cooperatie.errors import error_lines
from cooperatie.history import create_recorded, save_recorded
from cooperatie.models import Expertise, Team

from . import selectors
from .models import Organisation, OrganisationRole, StaffCommitment, TeamNeed


def organisation_create(*, code: str, name: str, kind: str, kvk_number: str, actor,
                        reason: str) -> Organisation:
    return create_recorded(
        Organisation, code=code, name=name, kind=kind, kvk_number=kvk_number, actor=actor,
        reason=reason,
    )


def organisation_role_grant(*, organisation: Organisation, user, role: str, actor,
                            reason: str) -> OrganisationRole:
    return create_recorded(
        OrganisationRole, organisation=organisation, user=user, role=role, actor=actor,
        reason=reason,
    )


# --- staff availability ---------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentInput:
    """One commitment as a director states it (web form or the `Inzet` sheet)."""

    team: Team
    expertise: Expertise
    fte: Decimal
    annual_cost: Decimal
    period_start: date
    period_end: date
    note: str = ""
    row: int | None = None  # the sheet row it came from, for messages

    @property
    def key(self) -> tuple:
        return (self.team.pk, self.expertise.pk, self.period_start, self.period_end)


@dataclass
class ReplacePlan:
    create: list[tuple[StaffCommitment, CommitmentInput]] = field(default_factory=list)
    update: list[tuple[StaffCommitment, CommitmentInput]] = field(default_factory=list)
    delete: list[StaffCommitment] = field(default_factory=list)
    unchanged: list[StaffCommitment] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.create), "updated": len(self.update),
                "deleted": len(self.delete), "unchanged": len(self.unchanged)}


def _ensure_may_commit(actor, organisation: Organisation, budget_round: BudgetRound) -> None:
    policy.ensure(actor, "staff.commit", organisation, cooperative=budget_round.cooperative)


def _lock_for_commitments(budget_round: BudgetRound, organisation, *, actor,
                          reason: str) -> BudgetRound:
    """Lock the round and the partner's budget (if any) while commitments change, so that a
    submit or a closing round cannot slip in between; refuse when they may not change.
    Commitments are part of the budget: its version moves on, so that an upload previewed
    before this change cannot overwrite it (optimistic locking)."""
    current = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    budgets = list(PartnerBudget.objects.select_for_update()
                   .filter(budget_round=current, organisation=organisation))
    locked = selectors.commitments_lock_reason(current, organisation)
    if locked:
        raise ValidationError(locked)
    for budget in budgets:
        budget.version += 1
        save_recorded(budget, actor=actor, reason=reason)
    return current


def _where(item: CommitmentInput | None) -> str:
    if item is None or item.row is None:
        return ""
    return _("Blad Inzet, rij %(row)s: ") % {"row": item.row}


def _save(commitment: StaffCommitment, item: CommitmentInput | None, *, actor,
          reason: str) -> StaffCommitment:
    try:
        return save_recorded(commitment, actor=actor, reason=reason)
    except ValidationError as exc:
        if item is None or item.row is None:
            raise
        raise ValidationError(
            [_where(item) + line for line in error_lines(exc, StaffCommitment)]) from exc


@transaction.atomic
def staff_commitment_create(*, budget_round: BudgetRound, organisation: Organisation,
                            team: Team, expertise: Expertise, fte: Decimal,
                            annual_cost: Decimal, period_start: date | None = None,
                            period_end: date | None = None, note: str = "", actor,
                            reason: str) -> StaffCommitment:
    """A partner makes FTE of an expertise available to a team (whole year by default)."""
    _ensure_may_commit(actor, organisation, budget_round)
    budget_round = _lock_for_commitments(budget_round, organisation, actor=actor, reason=reason)
    commitment = StaffCommitment(
        budget_round=budget_round, organisation=organisation, team=team, expertise=expertise,
        fte=fte, annual_cost=annual_cost,
        period_start=period_start or date(budget_round.year, 1, 1),
        period_end=period_end or date(budget_round.year, 12, 31), note=note,
    )
    return save_recorded(commitment, actor=actor, reason=reason)


@transaction.atomic
def staff_commitment_update(*, commitment: StaffCommitment, team: Team, expertise: Expertise,
                            fte: Decimal, annual_cost: Decimal, period_start: date,
                            period_end: date, note: str = "", actor,
                            reason: str) -> StaffCommitment:
    _ensure_may_commit(actor, commitment.organisation, commitment.budget_round)
    _lock_for_commitments(commitment.budget_round, commitment.organisation, actor=actor,
                          reason=reason)
    commitment = StaffCommitment.objects.select_for_update().get(pk=commitment.pk)
    commitment.team, commitment.expertise = team, expertise
    commitment.fte, commitment.annual_cost, commitment.note = fte, annual_cost, note
    commitment.period_start, commitment.period_end = period_start, period_end
    return save_recorded(commitment, actor=actor, reason=reason)


@transaction.atomic
def staff_commitment_delete(*, commitment: StaffCommitment, actor, reason: str) -> None:
    _ensure_may_commit(actor, commitment.organisation, commitment.budget_round)
    _lock_for_commitments(commitment.budget_round, commitment.organisation, actor=actor,
                          reason=reason)
    _delete_recorded(commitment, actor=actor, reason=reason)


def _delete_recorded(obj, *, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.delete()


def commitments_plan(*, budget_round: BudgetRound, organisation: Organisation,
                     commitments: Sequence[CommitmentInput]) -> ReplacePlan:
    """What replacing the partner's commitments by `commitments` would do. Lines are matched
    on (team, expertise, period); a matched line is updated when FTE, cost or note differ.
    Two lines for the same team and expertise with the same start are refused (periods may
    overlap: 0,4 fte extra from September on top of a whole-year line)."""
    errors, first = [], {}
    for item in sorted(commitments, key=lambda i: i.row or 0):
        other = first.setdefault((item.team.pk, item.expertise.pk, item.period_start), item)
        if other is not item:
            errors.append(_where(item) + _(
                "team %(team)s met expertise %(expertise)s vanaf %(start)s staat er twee keer "
                "in%(other)s; voeg de regels samen.") % {
                "team": item.team.code, "expertise": item.expertise.code,
                "start": item.period_start.strftime("%d-%m-%Y"),
                "other": (_(" (ook op rij %(row)s)") % {"row": other.row}) if other.row
                else ""})
    if errors:
        raise ValidationError(errors)
    existing = {
        (c.team_id, c.expertise_id, c.period_start, c.period_end): c
        for c in StaffCommitment.objects.filter(budget_round=budget_round,
                                                organisation=organisation)
    }
    plan = ReplacePlan()
    for item in commitments:
        current = existing.pop(item.key, None)
        if current is None:
            plan.create.append((StaffCommitment(
                budget_round=budget_round, organisation=organisation, team=item.team,
                expertise=item.expertise, fte=item.fte, annual_cost=item.annual_cost,
                period_start=item.period_start, period_end=item.period_end, note=item.note,
            ), item))
        elif (current.fte, current.annual_cost, current.note) != (item.fte, item.annual_cost,
                                                                  item.note):
            current.fte, current.annual_cost, current.note = item.fte, item.annual_cost, item.note
            plan.update.append((current, item))
        else:
            plan.unchanged.append(current)
    plan.delete = list(existing.values())
    return plan


@transaction.atomic
def staff_commitments_replace(*, budget_round: BudgetRound, organisation: Organisation,
                              commitments: Sequence[CommitmentInput], actor,
                              reason: str) -> ReplacePlan:
    """Make `commitments` the partner's whole set for the round (the `Inzet` sheet's import):
    all or nothing, every change in the history with the actor and the reason."""
    _ensure_may_commit(actor, organisation, budget_round)
    return _replace_commitments(budget_round=budget_round, organisation=organisation,
                                commitments=commitments, actor=actor, reason=reason)


def _replace_commitments(*, budget_round, organisation, commitments, actor,
                         reason: str) -> ReplacePlan:
    # Without the permission check: only for staff_commitments_replace and the demo loader
    # (setup code run by the application administrator, like the Django admin).
    with transaction.atomic():
        budget_round = _lock_for_commitments(budget_round, organisation, actor=actor,
                                             reason=reason)
        plan = commitments_plan(budget_round=budget_round, organisation=organisation,
                                commitments=commitments)
        for commitment in plan.delete:  # first, so that a shifted period does not overlap
            _delete_recorded(commitment, actor=actor, reason=reason)
        errors = []
        for commitment, item in plan.update + plan.create:
            try:
                _save(commitment, item, actor=actor, reason=reason)
            except ValidationError as exc:
                errors += exc.messages
        if errors:
            raise ValidationError(errors)
        return plan


@transaction.atomic
def team_needs_set(*, budget_round: BudgetRound, team: Team,
                   needs: Mapping[Expertise, Decimal | None], actor,
                   reason: str) -> list[TeamNeed]:
    """The board sets what a team needs this round: FTE per expertise. None or 0 removes the
    need for that expertise; expertises not in `needs` are left as they are."""
    policy.ensure(actor, "staff.needs", budget_round.cooperative)
    current = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    reason_locked = selectors.needs_lock_reason(current)
    if reason_locked:
        raise ValidationError(reason_locked)
    if team.cooperative_id != current.cooperative_id:
        raise ValidationError(_("Het team %(team)s hoort bij een andere coöperatie.") % {
            "team": team.code})
    existing = {n.expertise_id: n for n in TeamNeed.objects.select_for_update()
                .filter(budget_round=current, team=team)}
    errors, saved = [], []
    for expertise, fte in needs.items():
        need = existing.get(expertise.pk)
        if fte is None or fte == 0:
            if need is not None:
                _delete_recorded(need, actor=actor, reason=reason)
            continue
        need = need or TeamNeed(budget_round=current, team=team, expertise=expertise)
        if need.pk and need.fte == fte:
            saved.append(need)
            continue
        need.fte = fte
        try:
            saved.append(save_recorded(need, actor=actor, reason=reason))
        except ValidationError as exc:
            errors += [f"{expertise.name}: {line}" for line in error_lines(exc, TeamNeed)]
    if errors:
        raise ValidationError(errors)
    return saved


def staff_upload_apply(changes, *, budget: PartnerBudget, actor, reason: str) -> ReplacePlan:
    """Apply what `partners.excel.read_inzet_sheet` read for this budget's partner and round
    (called by budgets.services.budget_import, inside its transaction)."""
    if (changes.budget_round.pk, changes.organisation.pk) != (budget.budget_round_id,
                                                              budget.organisation_id):
        raise ValidationError(_("Het blad Inzet hoort bij een andere begroting."))
    return staff_commitments_replace(budget_round=budget.budget_round,
                                     organisation=budget.organisation, commitments=changes,
                                     actor=actor, reason=reason)
