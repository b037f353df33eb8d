"""Changes to funding streams, budget rounds, partner budgets and the ledger."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.history import (
    create_recorded,
    delete_recorded,
    insert_recorded,
    save_recorded,
    update_recorded,
)
from cooperatie.models import Neighbourhood

from . import ledger, notices
from .models import (
    BudgetLine,
    BudgetRound,
    FundingStream,
    LedgerEntry,
    LedgerTransaction,
    PartnerBudget,
)


def funding_stream_create(*, cooperative, code: str, name: str, law: str, taakveld: str = "",
                          actor, reason: str) -> FundingStream:
    return create_recorded(
        FundingStream, cooperative=cooperative, code=code, name=name, law=law,
        taakveld=taakveld, actor=actor, reason=reason,
    )


@transaction.atomic
def budget_round_open(*, cooperative, year: int, actor, reason: str,
                      deadline: date | None = None) -> BudgetRound:
    """Open a round; its members' directors are told, with the deadline."""
    policy.ensure(actor, "round.manage", cooperative)
    rnd = BudgetRound.objects.select_for_update().filter(cooperative=cooperative, year=year)
    rnd = rnd.first() or BudgetRound(cooperative=cooperative, year=year)
    if rnd.pk and rnd.is_open:
        raise ValidationError(_("De begrotingsronde %(year)s is al open.") % {"year": year})
    _check_deadline(deadline)
    rnd.status = BudgetRound.Status.OPEN
    rnd.deadline = deadline or rnd.deadline
    save_recorded(rnd, actor=actor, reason=reason)
    notices.round_opened(rnd)
    return rnd


def _check_deadline(deadline: date | None) -> None:
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": _("De deadline %(date)s ligt in het verleden.") % {
            "date": deadline.strftime("%d-%m-%Y")}})


@transaction.atomic
def budget_round_deadline_set(*, budget_round: BudgetRound, deadline: date, actor,
                              reason: str) -> BudgetRound:
    """The board moves the deadline, with a reason; who has not submitted yet is told."""
    policy.ensure(actor, "round.manage", budget_round)
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor de nieuwe deadline.")})
    rnd = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    ensure_round_open(rnd)
    _check_deadline(deadline)
    if rnd.deadline == deadline:
        return rnd
    rnd.deadline = deadline
    save_recorded(rnd, actor=actor, reason=reason.strip())
    notices.deadline_changed(rnd, reason.strip())
    return rnd


@transaction.atomic
def budget_round_close(*, budget_round: BudgetRound, actor, reason: str) -> BudgetRound:
    policy.ensure(actor, "round.manage", budget_round)
    rnd = BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    if not rnd.is_open:
        raise ValidationError(_("De begrotingsronde %(year)s is al gesloten.") % {"year": rnd.year})
    rnd.status = BudgetRound.Status.CLOSED
    return save_recorded(rnd, actor=actor, reason=reason)


# --- partner budgets ------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """What someone wants a line to be; amount None means: no line."""

    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    amount: Decimal | None
    note: str = ""
    formula: str = ""  # the spreadsheet formula the amount is the saved result of


@dataclass(frozen=True)
class LineChange:
    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    old_amount: Decimal | None
    new_amount: Decimal | None
    old_note: str
    new_note: str
    formula: str = ""


class StaleBudget(ValidationError):
    """Someone else saved the budget since this user loaded it."""

    def __init__(self, budget: PartnerBudget, since_version: int):
        self.budget = budget
        self.since_version = since_version
        super().__init__(
            _("Deze begroting is intussen door iemand anders gewijzigd; er is niets "
              "opgeslagen.")
        )


def budget_find(*, budget_round: BudgetRound, organisation, actor) -> PartnerBudget:
    """The partner's budget in the round, or an unsaved one when the director has saved
    nothing yet: reading never writes; the draft exists from the first saved change."""
    budget = PartnerBudget.objects.filter(budget_round=budget_round,
                                          organisation=organisation).first()
    if budget is not None:
        policy.ensure(actor, "budget.view", budget)
        return budget
    policy.ensure(actor, "organisation.act", organisation, cooperative=budget_round.cooperative)
    return PartnerBudget(budget_round=budget_round, organisation=organisation)


def budget_get_or_create(*, budget_round: BudgetRound, organisation, actor) -> PartnerBudget:
    """The partner's budget in the round, created as a draft when there is none yet."""
    budget = budget_find(budget_round=budget_round, organisation=organisation, actor=actor)
    if budget.pk is not None:
        return budget
    ensure_round_open(budget_round)
    return save_recorded(budget, actor=actor, reason=_("begroting aangemaakt"))


def _saved(budget: PartnerBudget, actor) -> PartnerBudget:
    """`budget` itself, made the saved draft when it was not saved yet (the first change)."""
    if budget.pk is None:
        # the round's lock orders two first saves of one partner (one creates, one finds)
        BudgetRound.objects.select_for_update().get(pk=budget.budget_round_id)
        saved = budget_get_or_create(budget_round=budget.budget_round,
                                     organisation=budget.organisation, actor=actor)
        budget.pk, budget.version, budget.status = saved.pk, saved.version, saved.status
        budget._state.adding = False
    return budget


def ensure_round_open(budget_round: BudgetRound) -> None:
    if not budget_round.is_open:
        raise ValidationError(
            _("De begrotingsronde %(year)s is gesloten; er kan niets meer worden gewijzigd.")
            % {"year": budget_round.year}
        )


def _lock_editable(budget: PartnerBudget, actor) -> PartnerBudget:
    policy.ensure(actor, "budget.edit", budget)
    locked = PartnerBudget.objects.select_for_update().select_related(
        "budget_round__cooperative", "organisation").get(pk=budget.pk)
    ensure_round_open(locked.budget_round)
    if locked.is_submitted:
        raise ValidationError(
            _("Deze begroting is ingediend en kan niet meer worden gewijzigd. Het bestuur kan "
              "haar heropenen.")
        )
    return locked


def budget_changes(budget: PartnerBudget, rows: list[LineInput]) -> list[LineChange]:
    """What `rows` would change in the budget: old → new, in the order given."""
    lines = budget.lines.all() if budget.pk else []
    return _changes({(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in lines}, rows)


def _changes(current: dict, rows: list[LineInput]) -> list[LineChange]:
    changes = []
    for row in rows:
        line = current.get((row.neighbourhood.pk, row.funding_stream.pk))
        old_amount = line.amount if line else None
        old_note = line.note if line else ""
        new_note = row.note if row.amount is not None else ""
        if (old_amount, old_note) != (row.amount, new_note):
            changes.append(LineChange(row.neighbourhood, row.funding_stream, old_amount,
                                      row.amount, old_note, new_note, row.formula))
    return changes


def _check_dimensions(budget: PartnerBudget, rows: list[LineInput]) -> None:
    coop_id = budget.budget_round.cooperative_id
    seen = set()
    for row in rows:
        if row.neighbourhood.cooperative_id != coop_id or \
                row.funding_stream.cooperative_id != coop_id:
            raise ValidationError(_("Buurt of financieringsstroom hoort niet bij deze coöperatie."))
        key = (row.neighbourhood.pk, row.funding_stream.pk)
        if key in seen:
            raise ValidationError(
                _("%(hood)s met %(stream)s staat twee keer in de wijzigingen.")
                % {"hood": row.neighbourhood.name, "stream": row.funding_stream.name})
        seen.add(key)


@transaction.atomic
def budget_lines_save(*, budget: PartnerBudget, rows: list[LineInput], expected_version: int,
                      actor, reason: str) -> list[LineChange]:
    """Write the changed lines in one go, or nothing when the budget moved on meanwhile. An
    unsaved budget becomes a draft here, with its first change."""
    if budget.pk is None:
        if all(row.amount is None for row in rows):  # no lines yet: nothing would change
            return []
        _saved(budget, actor)
    locked = _lock_editable(budget, actor)
    if locked.version != expected_version:
        raise StaleBudget(locked, expected_version)
    _check_dimensions(locked, rows)
    lines = {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in locked.lines.all()}
    changes = _changes(lines, rows)
    _write_lines(locked, changes, lines, actor=actor, reason=reason)
    if changes:
        locked.version += 1
        save_recorded(locked, actor=actor, reason=reason)
    budget.version = locked.version
    return changes


# A line as its table holds it, in the order the writes below pass its values.
LINE_COLUMNS = ("id", "budget_id", "neighbourhood_id", "funding_stream_id", "amount", "note")


def _write_lines(budget: PartnerBudget, changes: list[LineChange], lines: dict, *, actor,
                 reason: str) -> None:
    """Check every changed line, then write them in bulk as plain rows, with one history row
    each (who, why): one statement per few hundred lines, no model instance per line.

    A line's budget, neighbourhood and stream are this budget's and this cooperative's
    (_check_dimensions), one line per neighbourhood and stream holds by construction and by
    the database's unique constraint, and the amount and note are checked here against the
    fields' own limits; so full_clean's queries per line are not needed (an upload has up to
    tens of thousands)."""
    check_line_values(BudgetLine, changes)
    created, updated, deleted = [], [], []
    for change in changes:
        hood, stream = change.neighbourhood.pk, change.funding_stream.pk
        line = lines.get((hood, stream))
        if change.new_amount is None:
            deleted.append((line.pk, budget.pk, hood, stream, line.amount, line.note))
        elif line is None:
            created.append((budget.pk, hood, stream, change.new_amount, change.new_note))
        else:
            updated.append((line.pk, budget.pk, hood, stream, change.new_amount,
                            change.new_note))
    recorded = {"actor": actor, "reason": reason}
    if deleted:
        delete_recorded(BudgetLine, LINE_COLUMNS, deleted, **recorded)
    if updated:
        update_recorded(BudgetLine, LINE_COLUMNS, updated, changed=("amount", "note"),
                        **recorded)
    if created:
        insert_recorded(BudgetLine, LINE_COLUMNS[1:], created, **recorded)


def check_line_values(model, changes: list[LineChange], *, negative: bool = False) -> None:
    """Each new amount of a budget or realisation line (`model`) within the field's limits
    (negative only where `negative`: a refund; a note's length is the reader's and the grid's
    to check, as before); a line that is not gets Django's own messages (clean_fields),
    naming the neighbourhood and stream."""
    amount_field = model._meta.get_field("amount")
    largest = Decimal(10) ** (amount_field.max_digits - amount_field.decimal_places)
    places = -amount_field.decimal_places
    relations = [f.name for f in model._meta.fields if f.is_relation]
    errors = []
    for change in changes:
        amount, note = change.new_amount, change.new_note
        if amount is None or (isinstance(amount, Decimal) and amount.is_finite()
                              and (-largest < amount if negative else 0 <= amount)
                              and amount < largest
                              and amount.as_tuple().exponent >= places
                              and isinstance(note, str)):
            continue
        line = model(neighbourhood=change.neighbourhood, funding_stream=change.funding_stream,
                     amount=amount, note=note)
        try:
            line.clean_fields(exclude=relations)
        except ValidationError as exc:
            where = f"{line.neighbourhood.name}, {line.funding_stream.name}"
            errors += [f"{where}: {message}" for messages in exc.message_dict.values()
                       for message in messages]
    if errors:
        raise ValidationError(errors)


def budget_line_set(*, budget: PartnerBudget, neighbourhood: Neighbourhood,
                    funding_stream: FundingStream, amount: Decimal | None, note: str = "",
                    actor, reason: str) -> list[LineChange]:
    return budget_lines_save(
        budget=budget, rows=[LineInput(neighbourhood, funding_stream, amount, note)],
        expected_version=PartnerBudget.objects.get(pk=budget.pk).version, actor=actor,
        reason=reason,
    )


@transaction.atomic
def budget_submit(*, budget: PartnerBudget, actor, reason: str = "",
                  expected_version: int | None = None) -> PartnerBudget:
    """Lock the budget for the partner and put it on the table: post it to the ledger,
    reversing what an earlier submission posted. With `expected_version`: only that version
    (the one whose summary the director confirmed)."""
    locked = _lock_editable(_saved(budget, actor), actor)
    if expected_version is not None and locked.version != expected_version:
        raise StaleBudget(locked, expected_version)
    reason = reason or _("begroting ingediend")
    locked.status = PartnerBudget.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    save_recorded(locked, actor=actor, reason=reason)
    ledger.repost(
        cooperative=locked.budget_round.cooperative, year=locked.budget_round.year,
        kind=LedgerTransaction.Kind.BUDGET, source_type="budget", source_id=locked.pk,
        description=_("Begroting %(org)s %(year)s") % {"org": locked.organisation,
                                                       "year": locked.budget_round.year},
        reason=reason, actor=actor, entries=_posting_entries(locked),
    )
    budget.status, budget.version = locked.status, locked.version
    return locked


def _posting_entries(budget: PartnerBudget) -> list[dict]:
    entries = [
        {"kind": LedgerEntry.Kind.CONTRIBUTION, "amount": line.amount,
         "organisation_id": budget.organisation_id, "neighbourhood_id": line.neighbourhood_id,
         "funding_stream_id": line.funding_stream_id}
        for line in budget.lines.all() if line.amount
    ]
    return entries + in_kind_entries(budget)


def in_kind_entries(budget: PartnerBudget) -> list[dict]:
    """Staff made available, valued in euros (see partners.selectors)."""
    try:
        from partners.selectors import in_kind_entries as staff_entries
    except ImportError:
        return []
    return staff_entries(budget)


@transaction.atomic
def budget_reopen(*, budget: PartnerBudget, actor, reason: str) -> PartnerBudget:
    """The board hands a submitted budget back to the partner. What was posted stays in the
    ledger until the partner submits again."""
    policy.ensure(actor, "budget.reopen", budget)
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor het heropenen.")})
    locked = PartnerBudget.objects.select_for_update().get(pk=budget.pk)
    ensure_round_open(locked.budget_round)
    if not locked.is_submitted:
        raise ValidationError(_("Deze begroting is niet ingediend; heropenen is niet nodig."))
    locked.status = PartnerBudget.Status.DRAFT
    locked.version += 1
    save_recorded(locked, actor=actor, reason=reason.strip())
    notices.budget_reopened(locked, reason.strip())
    budget.status, budget.version = locked.status, locked.version
    return locked


@transaction.atomic
def budget_import(*, budget: PartnerBudget, upload, expected_version: int, actor,
                  reason: str) -> list[LineChange]:
    """Apply a validated upload (budgets.excel.read_upload): its budget lines and, when the
    workbook has an `Inzet` sheet, the staff commitments. All or nothing."""
    if upload.errors:
        raise ValidationError(upload.errors)
    changes = budget_lines_save(budget=budget, rows=upload.rows,
                                expected_version=expected_version, actor=actor, reason=reason)
    if upload.staff is not None:
        from partners.services import staff_upload_apply

        staff_upload_apply(upload.staff, budget=budget, actor=actor, reason=reason)
    return changes


def budget_import_dry_run(*, budget: PartnerBudget, upload, expected_version: int, actor,
                          reason: str, submit: bool = False) -> list[LineChange]:
    """Everything `budget_import` (and, with `submit`, `budget_submit`) would do, then rolled
    back: a dry run fails exactly when the real run would, with the same errors."""
    trial = (PartnerBudget.objects.get(pk=budget.pk) if budget.pk else
             PartnerBudget(budget_round=budget.budget_round, organisation=budget.organisation))
    with transaction.atomic():
        changes = budget_import(budget=trial, upload=upload, expected_version=expected_version,
                                actor=actor, reason=reason)
        if submit:
            budget_submit(budget=trial, actor=actor, reason=reason)
        transaction.set_rollback(True)
    return changes


def staff_upload_preview(upload) -> list[str]:
    if upload.staff is None:
        return []
    from partners.excel import describe_inzet_changes

    return describe_inzet_changes(upload.staff)
