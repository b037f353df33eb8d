"""Changes to realisation: a cooperative's settings, the periods of a round, a partner's
realisation of a period (entered, submitted, reopened) and corrections of closed periods.

Every service checks the policy, writes in one transaction and records history with the
acting user and a reason. Pages, commands and the demo all come through here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from budgets import ledger
from budgets.models import BudgetRound, FundingStream, LedgerEntry, LedgerTransaction
from budgets.services import check_line_values
from cooperatie import policy
from cooperatie.history import delete_recorded, insert_recorded, save_recorded, update_recorded
from cooperatie.models import Neighbourhood
from partners.models import StaffCommitment
from partners.selectors import in_kind_value

from . import notices, periods
from .models import (
    DUE_DAYS_MAX,
    PartnerRealisation,
    Period,
    RealisationLine,
    RealisationSettings,
    StaffDeployment,
)

SOURCE = "realisation"  # LedgerTransaction.source_type of a partner's realisation


# --- a cooperative's settings -----------------------------------------------------------------


def realisation_settings_get(cooperative) -> RealisationSettings:
    """The cooperative's settings; the defaults (months, 10 %, pro rata) when none are saved."""
    found = RealisationSettings.objects.filter(cooperative=cooperative).first()
    return found or RealisationSettings(cooperative=cooperative)


@transaction.atomic
def realisation_settings_save(*, cooperative, period_kind: str, warning_percent: Decimal,
                              budget_to_date: str, monthly_percentages=None,
                              due_days: int | None = None, actor,
                              reason: str) -> RealisationSettings:
    """Set the period kind for new rounds, the warning threshold, how the budget to date
    is computed (pro rata, or by twelve monthly percentages that add up to 100) and how many
    days after a period's end its realisation is due (None: as it was)."""
    policy.ensure(actor, "realisation.configure", cooperative)
    found = (RealisationSettings.objects.select_for_update().filter(cooperative=cooperative)
             .first() or RealisationSettings(cooperative=cooperative))
    found.period_kind, found.warning_percent = period_kind, warning_percent
    if due_days is not None:
        if isinstance(due_days, bool) or not isinstance(due_days, int) \
                or not 0 <= due_days <= DUE_DAYS_MAX:
            raise ValidationError({"due_days": _(
                "Vul een aantal dagen van 0 tot %(max)s in, niet “%(value)s”.")
                % {"max": DUE_DAYS_MAX, "value": due_days}})
        found.due_days = due_days
    found.budget_to_date = budget_to_date
    found.monthly_percentages = [str(Decimal(str(p))) for p in (monthly_percentages or [])]
    return save_recorded(found, actor=actor, reason=reason)


# --- periods ----------------------------------------------------------------------------------


@transaction.atomic
def periods_plan(*, budget_round: BudgetRound, kind: str | None = None, actor,
                 reason: str) -> list[Period]:
    """Cut the round's year into months or quarters (default: the cooperative's setting).
    The kind can change only while no period has been opened."""
    policy.ensure(actor, "period.manage", budget_round)
    BudgetRound.objects.select_for_update().get(pk=budget_round.pk)
    kind = kind or realisation_settings_get(budget_round.cooperative).period_kind
    if kind not in periods.PER_YEAR:
        raise ValidationError(_("Kies maanden of kwartalen."))
    existing = list(budget_round.periods.all())
    if existing and any(p.status != Period.Status.PLANNED for p in existing):
        if all(p.kind == kind for p in existing):
            return existing
        raise ValidationError(_("De ronde %(year)s heeft al geopende perioden; de soort "
                                "perioden ligt daarmee vast.") % {"year": budget_round.year})
    if existing and existing[0].kind == kind:
        return existing
    for period in existing:
        period._history_user, period._change_reason = actor, reason
        period.delete()
    created = [Period(budget_round=budget_round, kind=kind, number=ref.number)
               for ref in periods.periods_of(budget_round.year, kind)]
    return bulk_create_with_history(created, Period, default_user=actor,
                                    default_change_reason=reason)


@transaction.atomic
def period_open(*, period: Period, actor, reason: str = "") -> Period:
    """Open a period for entering realisation. The entry point for what follows an opening
    (a notification "a realisation period to enter": selectors.periods_to_enter)."""
    policy.ensure(actor, "period.manage", period)
    locked = Period.objects.select_for_update().select_related("budget_round").get(pk=period.pk)
    if locked.status != Period.Status.PLANNED:
        raise ValidationError(_("De periode %(period)s is al %(status)s.")
                              % {"period": locked.label, "status": locked.get_status_display()})
    locked.status, locked.opened_at = Period.Status.OPEN, timezone.now()
    save_recorded(locked, actor=actor, reason=reason or _("periode geopend"))
    notices.period_opened(locked)
    period.status, period.opened_at = locked.status, locked.opened_at
    return locked


@transaction.atomic
def period_close(*, period: Period, actor, reason: str = "") -> Period:
    """Close (lock) a period. Periods close in order; what was not submitted stays out of the
    ledger (a correction in an open period can still add it)."""
    policy.ensure(actor, "period.manage", period)
    locked = Period.objects.select_for_update().select_related("budget_round").get(pk=period.pk)
    if not locked.is_open:
        raise ValidationError(_("Alleen een open periode kan worden gesloten; %(period)s is "
                                "%(status)s.") % {"period": locked.label,
                                                  "status": locked.get_status_display()})
    earlier = locked.budget_round.periods.filter(number__lt=locked.number).exclude(
        status=Period.Status.CLOSED).order_by("number").first()
    if earlier is not None:
        raise ValidationError(_("Sluit eerst %(earlier)s; perioden sluiten op volgorde.")
                              % {"earlier": earlier.label})
    locked.status, locked.closed_at = Period.Status.CLOSED, timezone.now()
    save_recorded(locked, actor=actor, reason=reason or _("periode gesloten"))
    period.status, period.closed_at = locked.status, locked.closed_at
    return locked


# --- a partner's realisation ------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """What someone wants a line to be; amount None means: no line."""

    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    amount: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class LineChange:
    neighbourhood: Neighbourhood
    funding_stream: FundingStream
    old_amount: Decimal | None
    new_amount: Decimal | None
    old_note: str
    new_note: str


@dataclass(frozen=True)
class DeploymentInput:
    commitment: StaffCommitment
    fte: Decimal | None  # None: no deployment recorded
    note: str = ""


class StaleRealisation(ValidationError):
    """Someone else saved this realisation since this user loaded it."""

    def __init__(self, realisation: PartnerRealisation | None, since_version: int):
        self.realisation = realisation
        self.since_version = since_version
        super().__init__(_("Deze realisatie is intussen door iemand anders gewijzigd. Uw "
                           "wijzigingen zijn niet opgeslagen; bekijk wat er veranderd is en "
                           "voer ze opnieuw in."))


def ensure_period_open(period: Period) -> None:
    if period.is_open:
        return
    if period.is_closed:
        raise ValidationError(_("De periode %(period)s is gesloten. Een correctie boekt u in een "
                                "open periode, met een reden.") % {"period": period.label})
    raise ValidationError(_("De periode %(period)s is nog niet geopend.")
                          % {"period": period.label})


def _locked_period(period: Period) -> Period:
    """The period, fresh and locked: a save and a closing of the same period never cross."""
    return (Period.objects.select_for_update().select_related("budget_round__cooperative")
            .get(pk=period.pk))


def _lock(period: Period, organisation, actor, expected_version: int | None
          ) -> PartnerRealisation:
    """The partner's realisation of the period, locked for writing, after the policy and
    optimistic-locking checks (version 0: the user saw none yet); created when there is
    none."""
    found = (PartnerRealisation.objects.select_for_update()
             .select_related("period__budget_round__cooperative", "organisation")
             .filter(period=period, organisation=organisation).first())
    if found is not None:
        policy.ensure(actor, "realisation.edit", found)
        if expected_version is not None and expected_version != found.version:
            raise StaleRealisation(found, expected_version)
        return found
    policy.ensure(actor, "realisation.act", organisation, cooperative=period.cooperative)
    if not period.cooperative.memberships.filter(organisation=organisation).exists():
        raise ValidationError(_("%(org)s is geen partner van deze coöperatie.")
                              % {"org": organisation})
    if expected_version not in (None, 0):
        raise StaleRealisation(None, expected_version)
    try:
        with transaction.atomic():
            found = PartnerRealisation(period=period, organisation=organisation)
            save_recorded(found, actor=actor, reason=_("realisatie aangemaakt"))
    except IntegrityError:  # someone else created it at the same moment
        raise StaleRealisation(None, 0) from None
    return found


def realisation_changes(realisation: PartnerRealisation | None, rows: list[LineInput],
                        current: dict | None = None) -> list[LineChange]:
    """What `rows` would change: old → new, in the order given."""
    if current is None:
        current = _current_lines(realisation)
    changes = []
    for row in rows:
        line = current.get((row.neighbourhood.pk, row.funding_stream.pk))
        old_amount, old_note = (line.amount, line.note) if line else (None, "")
        new_note = row.note if row.amount is not None else ""
        if (old_amount, old_note) != (row.amount, new_note):
            changes.append(LineChange(row.neighbourhood, row.funding_stream, old_amount,
                                      row.amount, old_note, new_note))
    return changes


def _current_lines(realisation: PartnerRealisation | None) -> dict:
    if realisation is None or not realisation.pk:
        return {}
    return {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in realisation.lines.all()}


def _check_rows(realisation: PartnerRealisation, rows: list[LineInput]) -> None:
    coop_id = realisation.period.budget_round.cooperative_id
    errors = []
    for row in rows:
        if coop_id != row.neighbourhood.cooperative_id or \
                coop_id != row.funding_stream.cooperative_id:
            raise ValidationError(_("Buurt of financieringsstroom hoort niet bij deze "
                                    "coöperatie."))
        where = f"{row.neighbourhood.name}, {row.funding_stream.name}"
        if row.amount is not None and row.amount < 0 and not row.note.strip():
            errors.append(_("%(where)s: een negatief bedrag (een terugbetaling of correctie) "
                            "vraagt een toelichting.") % {"where": where})
        if len(row.note) > 2000:
            errors.append(_("%(where)s: de toelichting is langer dan 2000 tekens.")
                          % {"where": where})
    if errors:
        raise ValidationError(errors)


# A line as its table holds it, in the order the writes below pass its values.
LINE_COLUMNS = ("id", "realisation_id", "neighbourhood_id", "funding_stream_id", "amount",
                "note")


def _write_lines(realisation: PartnerRealisation, changes: list[LineChange], lines: dict, *,
                 actor, reason: str) -> None:
    """Check every changed line, then write them in bulk as plain rows with one history row
    each, as a budget's lines are (budgets.services._write_lines: no model instance per
    line; the dimensions were checked in _check_rows)."""
    check_line_values(RealisationLine, changes, negative=True)
    created, updated, deleted = [], [], []
    for change in changes:
        hood, stream = change.neighbourhood.pk, change.funding_stream.pk
        line = lines.get((hood, stream))
        if change.new_amount is None:
            deleted.append((line.pk, realisation.pk, hood, stream, line.amount, line.note))
        elif line is None:
            created.append((realisation.pk, hood, stream, change.new_amount, change.new_note))
        else:
            updated.append((line.pk, realisation.pk, hood, stream, change.new_amount,
                            change.new_note))
    recorded = {"actor": actor, "reason": reason}
    if deleted:
        delete_recorded(RealisationLine, LINE_COLUMNS, deleted, **recorded)
    if updated:
        update_recorded(RealisationLine, LINE_COLUMNS, updated, changed=("amount", "note"),
                        **recorded)
    if created:
        insert_recorded(RealisationLine, LINE_COLUMNS[1:], created, **recorded)


def deployable_commitments(period: Period, organisation):
    """The partner's staff commitments that run (partly) in the period."""
    ref = period.ref
    return (StaffCommitment.objects
            .filter(budget_round_id=period.budget_round_id, organisation=organisation,
                    period_start__lte=ref.end, period_end__gte=ref.start)
            .select_related("team", "expertise").order_by("team__code", "expertise__name",
                                                          "period_start"))


def _write_deployments(realisation: PartnerRealisation, wanted: list[DeploymentInput], *,
                       actor, reason: str) -> int:
    allowed = {c.pk for c in deployable_commitments(realisation.period,
                                                    realisation.organisation)}
    current = {d.commitment_id: d for d in realisation.deployments.all()}
    created, updated, changed = [], [], 0
    for item in wanted:
        if item.commitment.pk not in allowed:
            raise ValidationError(_("De afspraak %(c)s loopt niet in deze periode of is niet van "
                                    "deze partner.") % {"c": item.commitment})
        found = current.get(item.commitment.pk)
        if item.fte is None:
            if found is not None:
                found._history_user, found._change_reason = actor, reason
                found.delete()
                changed += 1
            continue
        if found is not None and (found.fte, found.note) == (item.fte, item.note):
            continue
        if found is None:
            found = StaffDeployment(realisation=realisation, commitment=item.commitment)
            created.append(found)
        else:
            updated.append(found)
        found.fte, found.note = item.fte, item.note
        try:
            found.clean_fields(exclude=["realisation", "commitment"])
        except ValidationError as exc:
            raise ValidationError([f"{item.commitment}: {m}" for ms in exc.message_dict.values()
                                   for m in ms]) from None
    if created:
        bulk_create_with_history(created, StaffDeployment, default_user=actor,
                                 default_change_reason=reason)
    if updated:
        bulk_update_with_history(updated, StaffDeployment, ["fte", "note"], default_user=actor,
                                 default_change_reason=reason)
    return changed + len(created) + len(updated)


def _apply(realisation, rows, deployments, *, actor, reason) -> tuple[list[LineChange], int]:
    """Write lines and deployments; (the line changes, the number of deployments changed)."""
    _check_rows(realisation, rows)
    current = _current_lines(realisation)
    changes = realisation_changes(realisation, rows, current)
    _write_lines(realisation, changes, current, actor=actor, reason=reason)
    moved = _write_deployments(realisation, deployments or [], actor=actor, reason=reason)
    if changes or moved:
        _bump(realisation, actor=actor, reason=reason)
    return changes, moved


def _bump(realisation: PartnerRealisation, *, actor, reason: str) -> None:
    """A new version (and status) of a realisation the service itself has locked: its fields
    are set here, not typed, so the model's validation queries are not needed again."""
    realisation.version += 1
    save_recorded(realisation, actor=actor, reason=reason, validate=False)


@transaction.atomic
def realisation_lines_save(*, period: Period, organisation, rows: list[LineInput],
                           deployments: list[DeploymentInput] | None = None,
                           expected_version: int, actor, reason: str) -> list[LineChange]:
    """Write the changed lines (and FTE deployed) of a draft in an open period, all or
    nothing; refused when the realisation moved on since `expected_version` (0: none yet)."""
    period = _locked_period(period)
    ensure_period_open(period)
    realisation = _lock(period, organisation, actor, expected_version)
    if realisation.is_submitted:
        raise ValidationError(_("Deze realisatie is ingediend en kan niet meer worden gewijzigd. "
                                "Het bestuur of financiën kan haar heropenen."))
    return _apply(realisation, rows, deployments, actor=actor, reason=reason)[0]


@transaction.atomic
def realisation_import(*, period: Period, organisation, upload, expected_version: int, actor,
                       reason: str) -> list[LineChange]:
    """Apply a validated upload (realisation.excel.read_upload); all or nothing."""
    if upload.errors:
        raise ValidationError(upload.errors)
    return realisation_lines_save(period=period, organisation=organisation, rows=upload.rows,
                                  expected_version=expected_version, actor=actor, reason=reason)


@transaction.atomic
def realisation_submit(*, period: Period, organisation, actor,
                       reason: str = "") -> PartnerRealisation:
    """Lock the realisation for the partner and post it to the ledger in its period (a
    realisation without lines says: nothing spent)."""
    period = _locked_period(period)
    ensure_period_open(period)
    realisation = _lock(period, organisation, actor, None)
    if realisation.is_submitted:
        raise ValidationError(_("Deze realisatie is al ingediend."))
    reason = reason or _("realisatie ingediend")
    realisation.status, realisation.submitted_at = (PartnerRealisation.Status.SUBMITTED,
                                                    timezone.now())
    _bump(realisation, actor=actor, reason=reason)
    ledger.repost(
        cooperative=period.cooperative, year=period.budget_round.year,
        kind=LedgerTransaction.Kind.REALISATION, source_type=SOURCE, source_id=realisation.pk,
        description=_("Realisatie %(org)s %(period)s") % {"org": realisation.organisation,
                                                          "period": period.label},
        reason=reason, actor=actor, entries=posting_entries(realisation, period),
    )
    return realisation


@transaction.atomic
def realisation_reopen(*, realisation: PartnerRealisation, actor,
                       reason: str) -> PartnerRealisation:
    """The board or finance hands a submitted realisation of an open period back to the
    partner; what was posted stays in the ledger until it is submitted again."""
    policy.ensure(actor, "realisation.reopen", realisation)
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor het heropenen.")})
    locked = PartnerRealisation.objects.select_for_update().get(pk=realisation.pk)
    ensure_period_open(_locked_period(locked.period))
    if not locked.is_submitted:
        raise ValidationError(_("Deze realisatie is niet ingediend; heropenen is niet nodig."))
    locked.status = PartnerRealisation.Status.DRAFT
    _bump(locked, actor=actor, reason=reason.strip())
    realisation.status, realisation.version = locked.status, locked.version
    return locked


@transaction.atomic
def realisation_correct(*, period: Period, organisation, rows: list[LineInput],
                        deployments: list[DeploymentInput] | None = None,
                        booking_period: Period, expected_version: int, actor,
                        reason: str) -> list[LineChange]:
    """Correct the realisation of a closed period: its lines become `rows` (with history), and
    the ledger gets, in the open `booking_period`, a reversal of what was posted for it plus a
    new posting of the corrected realisation. The closed period itself stays as it was."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op voor de correctie.")})
    reason = reason.strip()
    period, booking_period = _locked_period(period), _locked_period(booking_period)
    if not period.is_closed:
        raise ValidationError(_("De periode %(period)s is niet gesloten: wijzig de realisatie "
                                "daar gewoon en dien haar in.") % {"period": period.label})
    if booking_period.budget_round_id != period.budget_round_id:
        raise ValidationError(_("Een correctie wordt geboekt in een open periode van dezelfde "
                                "ronde."))
    ensure_period_open(booking_period)
    realisation = _lock(period, organisation, actor, expected_version)
    changes, moved = _apply(realisation, rows, deployments, actor=actor, reason=reason)
    if not changes and not moved and realisation.is_submitted:
        raise ValidationError(_("Er is niets gewijzigd; er is niets geboekt."))
    previous = ledger.live_posting(SOURCE, realisation.pk)
    if previous is not None:
        ledger.reverse(posting=previous, actor=actor, reason=reason, period=booking_period)
    labels = {"org": realisation.organisation, "period": period.label,
              "booked": booking_period.label}
    ledger.post(
        cooperative=period.cooperative, year=period.budget_round.year,
        kind=LedgerTransaction.Kind.REALISATION, source_type=SOURCE, source_id=realisation.pk,
        description=_("Correctie realisatie %(org)s %(period)s, geboekt in %(booked)s")
        % labels, reason=reason, actor=actor,
        entries=posting_entries(realisation, booking_period),
    )
    if not realisation.is_submitted:
        realisation.status, realisation.submitted_at = (PartnerRealisation.Status.SUBMITTED,
                                                        timezone.now())
        _bump(realisation, actor=actor, reason=reason)
    return changes


def deployment_value(deployment: StaffDeployment, period: Period) -> Decimal:
    """FTE deployed × cost per FTE × the days of the period the commitment runs ÷ the days of
    the year, rounded half-even to the cent once (as partners.selectors values commitments)."""
    commitment, ref = deployment.commitment, period.ref
    start, end = max(commitment.period_start, ref.start), min(commitment.period_end, ref.end)
    if end < start or not deployment.fte:
        return Decimal("0.00")
    return in_kind_value(fte=deployment.fte, annual_cost=commitment.annual_cost,
                         period_start=start, period_end=end)


def posting_entries(realisation: PartnerRealisation, booked_in: Period) -> list[dict]:
    """The ledger entries of a realisation: one per line, and the in-kind contribution
    realised per team; booked in `booked_in` (its own period, or the open one for a
    correction)."""
    org_id = realisation.organisation_id
    entries = [
        {"kind": LedgerEntry.Kind.REALISATION, "amount": line.amount, "organisation_id": org_id,
         "neighbourhood_id": line.neighbourhood_id, "funding_stream_id": line.funding_stream_id,
         "period_id": booked_in.pk}
        for line in realisation.lines.order_by("neighbourhood_id", "funding_stream_id")
        if line.amount
    ]
    per_team: dict[int, Decimal] = {}
    for d in realisation.deployments.select_related("commitment").order_by("commitment__team_id",
                                                                           "pk"):
        team_id = d.commitment.team_id
        per_team[team_id] = per_team.get(team_id, Decimal("0.00")) + deployment_value(
            d, realisation.period)
    entries += [{"kind": LedgerEntry.Kind.IN_KIND_REALISED, "amount": amount,
                 "organisation_id": org_id, "team_id": team_id, "period_id": booked_in.pk}
                for team_id, amount in per_team.items() if amount]
    return entries
