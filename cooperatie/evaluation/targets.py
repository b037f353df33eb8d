"""Targets per year (streefwaarden): the board (or the cooperative's finance) drafts the
targets of the indicators for a year, puts them to the board as a proposal of kind 'targets'
(cooperatie/governance/), and the decision carries them out (subject.py). Keyword-only, one
transaction each, history with the acting user and a reason.

A draft is edited until it is put to the board; from then on its lines are frozen, with the
target in force at that moment beside each new one (old → new). Adopted, each line becomes
the indicator's target for the year (`IndicatorTarget`, its history naming the decision);
rejected, nothing changes. One set per year is in preparation at a time.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import policy
from ..governance import services as governance
from ..governance.models import Decision, Proposal
from ..history import create_recorded, save_recorded
from ..models import Cooperative
from ..numbers import is_percentage, parse_decimal
from . import selectors, values
from .models import Indicator, IndicatorTarget, TargetLine, TargetSet

PLACES = 4  # as the target fields store them
NOTE_MAX = 4000
EXAMPLES = {"score": "8,2", "percentage": "75", "euro": "70,00", "count": "120",
            "change": "-2,5"}


@dataclass(frozen=True)
class Change:
    """One indicator's target in a set: the one in force (`previous`) and the new one."""

    indicator: Indicator
    previous: Decimal | None
    target: Decimal

    @property
    def previous_label(self) -> str:
        return self.indicator.target_label(self.previous)

    @property
    def target_label(self) -> str:
        return self.indicator.target_label(self.target)

    @property
    def line(self) -> str:
        """"Cliënttevredenheid: ≥ 8,0 → ≥ 8,2"."""
        return f"{self.indicator.name}: {self.previous_label} → {self.target_label}"


def changes_of(target_set: TargetSet) -> list[Change]:
    """The set's lines with old → new: frozen once put to the board; for a draft, against the
    targets in force now."""
    lines = list(target_set.lines.select_related("indicator").order_by(
        selectors.aim_order("indicator__"), "indicator__position", "indicator__name"))
    if target_set.is_draft:
        now = selectors.targets_for([ln.indicator for ln in lines], target_set.year)
        return [Change(ln.indicator, now[ln.indicator_id], ln.target) for ln in lines]
    return [Change(ln.indicator, ln.previous, ln.target) for ln in lines]


def summary(target_set: TargetSet, changes: list[Change] | None = None) -> str:
    """One line for the register and the decisions report."""
    changes = changes_of(target_set) if changes is None else changes
    head = _("streefwaarden %(year)s") % {"year": target_set.year}
    return f"{head}: " + "; ".join(c.line for c in changes) if changes else head


def describe(target_set: TargetSet, changes: list[Change]) -> str:
    """The text of the proposal (and of the printed decision)."""
    text = [_("Het bestuur stelt de streefwaarden van de indicatoren voor %(year)s vast "
              "(streefwaarde tot nu → nieuwe streefwaarde):") % {"year": target_set.year}]
    text += [f"- {c.line}" for c in changes]
    text.append(_("De andere indicatoren houden hun streefwaarde."))
    if target_set.note:
        text += ["", target_set.note]
    return "\n".join(text)


def digest(target_set: TargetSet, changes: list[Change]) -> str:
    """The fingerprint of what the drafter confirmed when putting the set to the board."""
    parts = [str(target_set.year), target_set.note] + [
        f"{c.indicator.pk}={c.target.normalize()}" for c in changes]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# --- reading what was typed -------------------------------------------------------------------


def _read(indicator: Indicator, raw) -> tuple[Decimal | None, str]:
    """A target as typed (Dutch notation), or the Dutch reason it cannot be one, quoting it."""
    shown = raw.strip() if isinstance(raw, str) else str(raw)
    where = {"name": indicator.name, "typed": shown,
             "example": EXAMPLES.get(indicator.unit, "8,2"),
             "unit": Indicator.Unit(indicator.unit).label}
    try:
        value = parse_decimal(raw)
    except ValueError:
        return None, _("%(name)s: “%(typed)s” is geen getal; schrijf de streefwaarde als getal, "
                       "bijvoorbeeld %(example)s.") % where
    if is_percentage(raw) and indicator.unit not in (Indicator.Unit.PERCENTAGE,
                                                     Indicator.Unit.CHANGE):
        return None, _("%(name)s: “%(typed)s” is een percentage, maar deze indicator is een "
                       "%(unit)s; schrijf bijvoorbeeld %(example)s.") % where
    if value != value.quantize(Decimal(1).scaleb(-PLACES)):
        return None, _("%(name)s: “%(typed)s” heeft meer dan %(n)s decimalen.") % {
            **where, "n": PLACES}
    problem = values.range_problem(indicator.unit, value)
    if problem:
        return None, _("%(name)s (“%(typed)s”): %(problem)s") % {**where, "problem": problem}
    if abs(value) >= Decimal(10) ** 10:
        return None, _("%(name)s: “%(typed)s” is te groot voor een streefwaarde.") % where
    return value, ""


def read_targets(indicators: list[Indicator], entries: Mapping[int, object]
                 ) -> tuple[dict[int, Decimal], list[str]]:
    """indicator pk → what was typed (blank: no new target). Every error, in the order of the
    indicators; nothing is kept when there is one."""
    known = {i.pk for i in indicators}
    errors = [_("Indicator %(pk)s hoort niet bij deze streefwaarden.") % {"pk": pk}
              for pk in entries if pk not in known]
    found = {}
    for indicator in indicators:
        raw = entries.get(indicator.pk)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value, problem = _read(indicator, raw)
        if problem:
            errors.append(problem)
        else:
            found[indicator.pk] = value
    return found, errors


# --- drafting -----------------------------------------------------------------------------------


def _lock(target_set: TargetSet, actor) -> TargetSet:
    """The set locked (after its cooperative: the lock order of governance), its permission
    checked against the cooperative it really belongs to."""
    cooperative_id = TargetSet.objects.values_list("cooperative_id", flat=True).get(
        pk=target_set.pk)
    cooperative = Cooperative.objects.select_for_update().get(pk=cooperative_id)
    policy.ensure(actor, "targets.draft", cooperative)
    return TargetSet.objects.select_for_update().select_related("cooperative", "drafted_by").get(
        pk=target_set.pk)


def _ensure_draft(target_set: TargetSet) -> None:
    if target_set.is_draft:
        return
    if target_set.status == TargetSet.Status.PROPOSED:
        raise ValidationError(_("De streefwaarden %(year)s liggen als voorstel bij het bestuur "
                                "en kunnen niet meer worden gewijzigd tot het bestuur besluit.")
                              % {"year": target_set.year})
    raise ValidationError(_("Over de streefwaarden %(year)s is besloten (%(status)s); ze "
                            "veranderen niet meer. Stel nieuwe streefwaarden voor %(year)s op.")
                          % {"year": target_set.year, "status": target_set.get_status_display()})


@transaction.atomic
def target_set_draft(*, cooperative: Cooperative, year: int, actor,
                     reason: str = "") -> TargetSet:
    """A new, empty draft of the targets for `year`. Refused while another set for that year
    is in preparation (draft or put to the board)."""
    policy.ensure(actor, "targets.draft", cooperative)
    Cooperative.objects.select_for_update().get(pk=cooperative.pk)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Kies een jaar tussen 2000 en 2100 (u koos “%(y)s”).")
                               % {"y": year}})
    if not selectors.target_indicators(cooperative, year):
        raise ValidationError({"year": _("Geen enkele indicator van %(coop)s loopt in %(y)s; "
                                         "er zijn geen streefwaarden vast te stellen.")
                               % {"coop": cooperative, "y": year}})
    open_one = cooperative.target_sets.filter(year=year,
                                              status__in=TargetSet.OPEN_STATUSES).first()
    if open_one is not None:
        raise ValidationError(_("De streefwaarden %(year)s zijn al in voorbereiding "
                                "(%(status)s); werk die bij.")
                              % {"year": year, "status": open_one.get_status_display()})
    try:
        with transaction.atomic():
            return create_recorded(TargetSet, cooperative=cooperative, year=year,
                                   drafted_by=actor, actor=actor,
                                   reason=reason or _("streefwaarden opgesteld"))
    except IntegrityError:  # where row locks are not enforced: the other draft won
        raise ValidationError(_("De streefwaarden %(year)s zijn zojuist al opgesteld.")
                              % {"year": year}) from None


@transaction.atomic
def target_set_save(*, target_set: TargetSet, entries: Mapping[int, object], note: str = "",
                    actor, reason: str = "") -> list[Change]:
    """The new targets of a draft (indicator pk → as typed; blank: keeps its target) and its
    note, all or nothing. A target equal to the one in force is no change and not kept."""
    locked = _lock(target_set, actor)
    _ensure_draft(locked)
    note = (note or "").strip()
    indicators = selectors.target_indicators(locked.cooperative, locked.year)
    found, errors = read_targets(indicators, entries)
    if len(note) > NOTE_MAX:
        errors.append(_("De toelichting is %(n)s tekens; hoogstens %(max)s.")
                      % {"n": len(note), "max": NOTE_MAX})
    if errors:
        raise ValidationError(errors)
    now = selectors.targets_for(indicators, locked.year)
    wanted = {pk: v for pk, v in found.items() if v != now[pk]}
    reason = reason or _("streefwaarden bijgewerkt")
    current = {ln.indicator_id: ln for ln in locked.lines.all()}
    for pk, line in current.items():
        if pk not in wanted:
            line._history_user, line._change_reason = actor, reason
            line.delete()
    for pk, value in wanted.items():
        line = current.get(pk) or TargetLine(target_set=locked, indicator_id=pk)
        if line.pk is None or line.target != value:
            line.target = value
            save_recorded(line, actor=actor, reason=reason)
    if locked.note != note:
        locked.note = note
        save_recorded(locked, actor=actor, reason=reason)
    target_set.note = note
    return changes_of(locked)


@transaction.atomic
def target_set_propose(*, target_set: TargetSet, actor, deadline: datetime | None = None,
                       reason: str = "", expected_digest: str | None = None) -> Proposal:
    """Freeze the draft (each line with the target in force now beside it) and put it to the
    board until `deadline` (the cooperative's term by default). With `expected_digest`: only
    what the drafter confirmed (`digest`)."""
    locked = _lock(target_set, actor)
    _ensure_draft(locked)
    changes = changes_of(locked)
    if not changes:
        raise ValidationError(_("Er staat nog geen nieuwe streefwaarde in de streefwaarden "
                                "%(year)s; vul er ten minste één in en sla op.")
                              % {"year": locked.year})
    same = [c for c in changes if c.previous == c.target]
    if same:  # the standing target was changed to the same value meanwhile
        raise ValidationError([_("%(name)s: de nieuwe streefwaarde is gelijk aan die van nu; "
                                 "laat het veld leeg en sla op.") % {"name": c.indicator.name}
                               for c in same])
    if expected_digest is not None and digest(locked, changes) != expected_digest:
        raise ValidationError(_("De streefwaarden zijn gewijzigd sinds u de pagina opende; er "
                                "is niets voorgelegd. Controleer ze en leg opnieuw voor."))
    if deadline is not None:
        governance.check_deadline(deadline)
    reason = reason or _("voorgelegd aan het bestuur")
    proposal = governance.proposal_create(
        cooperative=locked.cooperative, kind=Proposal.Kind.TARGETS,
        title=_("Streefwaarden %(year)s") % {"year": locked.year},
        description=describe(locked, changes), drafted_by=locked.drafted_by, actor=actor,
        reason=reason, deadline=deadline)
    lines = {ln.indicator_id: ln for ln in locked.lines.all()}
    for change in changes:
        line = lines[change.indicator.pk]
        line.previous = change.previous
        save_recorded(line, actor=actor, reason=reason)
    locked.status, locked.proposal = TargetSet.Status.PROPOSED, proposal
    save_recorded(locked, actor=actor, reason=reason)
    target_set.status, target_set.proposal = locked.status, proposal
    return proposal


def target_set_carry_out(*, target_set: TargetSet, decision: Decision, actor,
                         reason: str) -> None:
    """What the board's decision does (called by governance while closing, with the
    cooperative, the proposal and the set locked): rejected, nothing changes; adopted, every
    line becomes its indicator's target for the year, the history naming the decision."""
    if not decision.adopted:
        target_set.status = TargetSet.Status.REJECTED
        save_recorded(target_set, actor=actor, reason=reason)
        return
    for line in target_set.lines.select_related("indicator"):
        current = (IndicatorTarget.objects.select_for_update()
                   .filter(indicator=line.indicator_id, year=target_set.year).first())
        current = current or IndicatorTarget(indicator=line.indicator, year=target_set.year)
        current.target, current.decision = line.target, decision
        save_recorded(current, actor=actor, reason=reason)
    target_set.status = TargetSet.Status.ADOPTED
    save_recorded(target_set, actor=actor, reason=reason)
