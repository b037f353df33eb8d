"""The board's decision process: put a proposal to the board with a deadline, vote (and change
one's vote), close it into a numbered decision and let the subject carry it out
(subjects.py). Keyword-only, one transaction each, history with the acting user and a reason.

Closing: at the deadline the scheduled task closes it (`close_due`); before the deadline only
the chair (or whom the cooperative names, `BoardSeat.may_close_early`) closes it, after a
confirmation of the tally (`expected_state`); it closes by itself when every seated member has
voted. Every way ends in `_decide`, under a lock on the cooperative and the proposal, so two
people closing at the same moment produce one decision.

What others react to (notifications) is published after commit through events.py.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import policy
from ..history import create_recorded, save_recorded
from ..models import BoardSeat, Cooperative
from ..spreadsheets.errors import Refused
from . import documents, events
from .models import (
    Comment,
    Decision,
    Proposal,
    ProposalDocument,
    Proxy,
    Vote,
    decision_number,
    document_path,
)
from .rules import Tally, state_key, tally
from .subjects import subject_for


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def seated_ids(cooperative, day: date | None = None) -> set[int]:
    """The users with a board seat on `day` (today by default)."""
    day = day or timezone.localdate()
    return set(BoardSeat.objects.filter(policy.active_on(day), cooperative=cooperative)
               .values_list("user_id", flat=True))


def seated_count(cooperative, day: date | None = None) -> int:
    return len(seated_ids(cooperative, day))


def default_deadline(cooperative, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=cooperative.voting_days)


@dataclass(frozen=True)
class Standing:
    """Where a vote stands now: the tally if it closed now, who has not voted, and the
    fingerprint a confirmation carries."""

    result: Tally
    not_voted: set[int]
    state: str


def standing(proposal: Proposal, votes=None, seated: set[int] | None = None) -> Standing:
    cooperative = proposal.cooperative
    votes = list(proposal.votes.all()) if votes is None else votes
    seated = seated_ids(cooperative) if seated is None else seated
    result = tally(votes, seated=len(seated), drafter_id=proposal.drafted_by_id,
                   quorum_percent=cooperative.quorum_percent, majority=cooperative.majority)
    return Standing(result, seated - {v.user_id for v in votes}, state_key(votes, seated))


def proposal_create(*, cooperative: Cooperative, kind: str, title: str, description: str,
                    drafted_by, actor, reason: str, deadline: datetime | None = None
                    ) -> Proposal:
    """A proposal put to the board at once (its subject was drafted elsewhere), open until
    `deadline` (by default the cooperative's term from now)."""
    now = timezone.now()
    proposal = create_recorded(
        Proposal, cooperative=cooperative, kind=kind, title=title[:300],
        description=description, drafted_by=drafted_by, status=Proposal.Status.OPEN,
        opened_at=now, deadline=deadline or default_deadline(cooperative, now), actor=actor,
        reason=reason)
    events.publish(events.PROPOSAL_OPENED, proposal_id=proposal.pk)
    return proposal


def _ensure_open_for_votes(proposal: Proposal) -> None:
    if not proposal.is_open:
        raise ValidationError(_("De stemming over “%(title)s” is gesloten; er kan niet meer "
                                "worden gestemd.") % {"title": proposal.title})
    if proposal.deadline_passed():
        raise ValidationError(_("De stemtermijn van “%(title)s” is verstreken op %(when)s; er "
                                "kan niet meer worden gestemd.")
                              % {"title": proposal.title, "when": _when(proposal.deadline)})


def _name(user) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def vote_cast(*, proposal: Proposal, actor, choice: str, reason: str = "",
              conflict_of_interest: bool = False, on_behalf_of=None) -> Vote:
    """Cast a vote, or change it while the vote is open (every change is in the history).
    With `on_behalf_of` a seated member votes for another one who authorised them (a proxy;
    `conflict_of_interest` is then the grantor's). When every seated member has voted, the
    vote closes at once."""
    if not policy.allowed(actor, "proposal.vote", proposal):
        raise PermissionDenied(_("Alleen zittende bestuursleden van %(coop)s stemmen over "
                                 "voorstellen.") % {"coop": proposal.cooperative})
    Cooperative.objects.select_for_update().get(pk=proposal.cooperative_id)  # lock order
    locked = Proposal.objects.select_for_update().select_related("cooperative").get(
        pk=proposal.pk)
    _ensure_open_for_votes(locked)
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Kies voor, tegen of onthouding.")})
    member = on_behalf_of or actor
    proxy = _proxy_for(locked, grantor=member, holder=actor) if member != actor else None
    vote = locked.votes.filter(user=member).select_related("cast_by").first()
    if vote is not None and vote.cast_by_id != actor.pk:
        if proxy is not None:
            raise ValidationError(_("%(member)s heeft zelf al gestemd; u kunt niet ook namens "
                                    "%(member)s stemmen.") % {"member": _name(member)})
        raise ValidationError(_("Uw gemachtigde %(holder)s heeft al namens u gestemd; u kunt "
                                "niet ook zelf stemmen. Heeft u een belangenconflict, meld dat "
                                "dan: de stem telt dan niet mee.")
                              % {"holder": _name(vote.cast_by)})
    reason = (reason or "").strip()
    conflict = bool(conflict_of_interest)
    if vote is None:
        try:
            with transaction.atomic():
                vote = save_recorded(
                    Vote(proposal=locked, user=member, cast_by=actor, proxy=proxy,
                         choice=choice, reason=reason, conflict_of_interest=conflict),
                    actor=actor, reason=_("stem uitgebracht") if proxy is None else _(
                        "stem uitgebracht namens %(member)s (machtiging)")
                    % {"member": _name(member)})
        except IntegrityError:  # a second vote at the same moment
            raise ValidationError(_("Er is zojuist al gestemd voor dit bestuurslid.")) from None
    elif (vote.choice, vote.reason, vote.conflict_of_interest) != (choice, reason, conflict):
        before = vote.get_choice_display()
        vote.choice, vote.reason, vote.conflict_of_interest = choice, reason, conflict
        vote.changed_at = timezone.now()
        save_recorded(vote, actor=actor, reason=_("stem gewijzigd: %(old)s → %(new)s") % {
            "old": before, "new": vote.get_choice_display()})
    _close_when_all_voted(locked, actor)
    proposal.status = locked.status
    return vote


def _close_when_all_voted(proposal: Proposal, actor) -> None:
    if not standing(proposal).not_voted:
        _decide(proposal, closure=Decision.Closure.ALL_VOTED, actor=actor)


@transaction.atomic
def conflict_declare(*, proposal: Proposal, actor, reason: str = "") -> Vote:
    """A member declares a conflict of interest: their vote (cast by them or by their proxy)
    counts for nothing; without a vote yet, the declaration is their vote (and no proxy can
    vote for them any more)."""
    if not policy.allowed(actor, "proposal.vote", proposal):
        raise PermissionDenied(_("Alleen zittende bestuursleden van %(coop)s stemmen over "
                                 "voorstellen.") % {"coop": proposal.cooperative})
    Cooperative.objects.select_for_update().get(pk=proposal.cooperative_id)
    locked = Proposal.objects.select_for_update().select_related("cooperative").get(
        pk=proposal.pk)
    _ensure_open_for_votes(locked)
    reason = (reason or "").strip()
    vote = locked.votes.filter(user=actor).first()
    if vote is None:
        vote = save_recorded(Vote(proposal=locked, user=actor, cast_by=actor,
                                  choice=Vote.Choice.ABSTAIN, reason=reason,
                                  conflict_of_interest=True),
                             actor=actor, reason=_("belangenconflict gemeld"))
    elif not vote.conflict_of_interest:
        vote.conflict_of_interest = True
        vote.reason = reason or vote.reason
        vote.changed_at = timezone.now()
        save_recorded(vote, actor=actor, reason=_("belangenconflict gemeld"))
    _close_when_all_voted(locked, actor)
    proposal.status = locked.status
    return vote


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor, reasons: str = "",
                   expected_state: str | None = None) -> Decision:
    """Close the vote before its deadline (the chair, or whom the cooperative names). With
    `expected_state` (the fingerprint of the tally the closer confirmed) the close is refused
    when a vote came in or changed since."""
    if not policy.allowed(actor, "proposal.close", proposal):
        raise PermissionDenied(_("Alleen de voorzitter (of wie de coöperatie daarvoor "
                                 "aanwijst) sluit een stemming vóór de termijn; daarna sluit "
                                 "die vanzelf."))
    Cooperative.objects.select_for_update().get(pk=proposal.cooperative_id)
    locked = Proposal.objects.select_for_update().select_related("cooperative").get(
        pk=proposal.pk)
    _ensure_not_decided(locked)
    if expected_state is not None and standing(locked).state != expected_state:
        raise ValidationError(_("De stand is veranderd sinds u de bevestiging opende (er is "
                                "gestemd of een stem gewijzigd). Bekijk de nieuwe stand en "
                                "bevestig opnieuw."), code="stale")
    decision = _decide(locked, closure=Decision.Closure.BY_CLOSER, actor=actor, closer=actor,
                       reasons=reasons)
    proposal.status = locked.status
    return decision


def _ensure_not_decided(proposal: Proposal) -> None:
    if proposal.is_open:
        return
    number = Decision.objects.filter(proposal=proposal).values_list("number", flat=True).first()
    if number:
        raise ValidationError(_("Over dit voorstel is al besloten (besluit %(number)s).")
                              % {"number": number})
    raise ValidationError(_("Dit voorstel staat niet open voor stemming (%(status)s).")
                          % {"status": proposal.get_status_display()})


def close_due(now: datetime | None = None) -> list[Decision]:
    """Close every open proposal whose deadline has passed (the scheduled task), each in its
    own transaction; one that is closed meanwhile is skipped."""
    now = now or timezone.now()
    due = (Proposal.objects.filter(status=Proposal.Status.OPEN, deadline__lte=now)
           .order_by("deadline", "pk").values_list("pk", flat=True))
    decisions = []
    for pk in list(due):
        decision = _close_at_deadline(pk, now)
        if decision is not None:
            decisions.append(decision)
    return decisions


@transaction.atomic
def _close_at_deadline(pk: int, now: datetime) -> Decision | None:
    cooperative_id = Proposal.objects.values_list("cooperative_id", flat=True).get(pk=pk)
    Cooperative.objects.select_for_update().get(pk=cooperative_id)
    locked = Proposal.objects.select_for_update().select_related("cooperative", "drafted_by"
                                                                 ).get(pk=pk)
    if not locked.is_open or not locked.deadline_passed(now):
        return None
    # Nobody closes it: the deadline does. What the decision carries out (a ledger posting)
    # is done in the name of the one who put the proposal to the board.
    return _decide(locked, closure=Decision.Closure.DEADLINE, actor=locked.drafted_by)


def _decide(proposal: Proposal, *, closure: str, actor, closer=None,
            reasons: str = "") -> Decision:
    """Tally, number and record the decision, close the proposal and let the subject carry
    it out. The caller holds the locks on the cooperative and the proposal."""
    cooperative = proposal.cooperative
    today = timezone.localdate()
    result = standing(proposal, seated=seated_ids(cooperative, today)).result
    last = (Decision.objects.filter(cooperative=cooperative, year=today.year)
            .aggregate(last=Max("sequence"))["last"] or 0)
    outcome = Decision.Outcome.ADOPTED if result.adopted else Decision.Outcome.REJECTED
    number = decision_number(today.year, last + 1)
    history_reason = _("besluit %(number)s: %(outcome)s (%(how)s)") % {
        "number": number, "outcome": Decision.Outcome(outcome).label,
        "how": Decision.Closure(closure).label}
    try:
        with transaction.atomic():
            decision = create_recorded(
                Decision, proposal=proposal, cooperative=cooperative, year=today.year,
                sequence=last + 1, number=number, decided_on=today, outcome=outcome,
                votes_for=result.votes_for, votes_against=result.votes_against,
                votes_abstain=result.votes_abstain, votes_conflicted=result.votes_conflicted,
                votes_by_proxy=result.votes_by_proxy, seated=result.seated,
                quorum_reached=result.quorum_reached, majority_reached=result.majority_reached,
                four_eyes_met=result.four_eyes_met,
                explanation="\n".join(result.explanation), reasons=(reasons or "").strip(),
                closure=closure, closed_by=closer, actor=actor, reason=history_reason,
            )
    except IntegrityError:  # where row locks are not enforced: the other close won
        raise ValidationError(_("Over dit voorstel is zojuist al besloten.")) from None
    proposal.status, proposal.closed_at = Proposal.Status.CLOSED, timezone.now()
    save_recorded(proposal, actor=actor, reason=history_reason)
    subject = subject_for(proposal, lock=True)
    if decision.adopted:
        subject.adopted(decision, actor=actor, reason=history_reason)
    else:
        subject.rejected(decision, actor=actor, reason=history_reason)
    events.publish(events.PROPOSAL_CLOSED, proposal_id=proposal.pk, decision_id=decision.pk)
    return decision


@transaction.atomic
def decision_record_reasons(*, decision: Decision, actor, reasons: str) -> Decision:
    """The board's considerations for a decision that closed by itself (deadline, or every
    member voted): recorded once by the chair (or whom the cooperative names)."""
    if not policy.allowed(actor, "proposal.close", decision.proposal):
        raise PermissionDenied(_("Alleen de voorzitter (of wie de coöperatie daarvoor "
                                 "aanwijst) legt de overwegingen van het bestuur vast."))
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    reasons = (reasons or "").strip()
    if locked.reasons:
        raise ValidationError(_("De overwegingen van besluit %(number)s zijn al vastgelegd; "
                                "ze veranderen niet meer.") % {"number": locked.number})
    if not reasons:
        raise ValidationError({"reasons": _("Vul de overwegingen in.")})
    locked.reasons = reasons
    save_recorded(locked, actor=actor, reason=_("overwegingen vastgelegd"))
    return locked


# --- drafting: a proposal with its text and documents, then put to the board ------------------

MIN_TERM = timedelta(hours=1)
MAX_TERM = timedelta(days=90)


def check_deadline(deadline: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    shown = _when(deadline)
    if deadline < now + MIN_TERM:
        raise ValidationError({"deadline": _(
            "De stemtermijn moet ten minste een uur na nu eindigen (u koos %(when)s).")
            % {"when": shown}})
    if deadline > now + MAX_TERM:
        raise ValidationError({"deadline": _(
            "De stemtermijn is hoogstens 90 dagen (u koos %(when)s).") % {"when": shown}})


def _check_text(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Geef het voorstel een titel.")
    elif len(title) > 300:
        errors["title"] = _("De titel is %(n)s tekens; hoogstens 300.") % {"n": len(title)}
    if not text:
        errors["description"] = _("Schrijf op wat het bestuur besluit (de tekst van het "
                                  "voorstel).")
    elif len(text) > 20000:
        errors["description"] = _("De tekst is %(n)s tekens; hoogstens 20.000.") % {
            "n": len(text)}
    if errors:
        raise ValidationError(errors)
    return title, text


DRAFTABLE = (Proposal.Kind.GENERAL,)  # other kinds are drafted by the app of their subject


@transaction.atomic
def proposal_draft(*, cooperative: Cooperative, title: str, text: str, actor,
                   kind: str = Proposal.Kind.GENERAL, reason: str = "") -> Proposal:
    """A draft proposal (a general decision): title and text; documents are attached next;
    then it is put to the board (`proposal_open`)."""
    policy.ensure(actor, "proposal.draft", cooperative)
    if kind not in DRAFTABLE:
        raise ValidationError({"kind": _("Kies de soort voorstel.")})
    title, text = _check_text(title, text)
    return create_recorded(Proposal, cooperative=cooperative, kind=kind, title=title,
                           description=text, drafted_by=actor, status=Proposal.Status.DRAFT,
                           actor=actor, reason=reason or _("voorstel opgesteld"))


def _lock_draft(proposal: Proposal, actor) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("cooperative").get(
        pk=proposal.pk)
    if not policy.allowed(actor, "proposal.edit", locked):
        raise PermissionDenied(_("Alleen wie het voorstel opstelt, wijzigt het zolang het een "
                                 "concept is."))
    if not locked.is_draft:
        raise ValidationError(_("“%(title)s” is %(status)s: tekst en bijlagen liggen vast sinds "
                                "het aan het bestuur is voorgelegd. Een wijziging is een nieuwe "
                                "versie van het voorstel.")
                              % {"title": locked.title, "status": locked.get_status_display()})
    return locked


@transaction.atomic
def proposal_update(*, proposal: Proposal, title: str, text: str, actor,
                    reason: str = "") -> Proposal:
    locked = _lock_draft(proposal, actor)
    locked.title, locked.description = _check_text(title, text)
    return save_recorded(locked, actor=actor, reason=reason or _("voorstel bijgewerkt"))


@transaction.atomic
def document_attach(*, proposal: Proposal, data: bytes, filename: str, actor
                    ) -> ProposalDocument:
    """Attach a document to a draft: checked by content (documents.py), stored under its
    SHA-256. Refused whole, with a Dutch message, for anything wrong."""
    locked = _lock_draft(proposal, actor)
    try:
        checked = documents.check(data, filename)
    except Refused as exc:
        raise ValidationError(exc.messages) from None
    name = documents.base_name(filename)
    same = locked.documents.filter(sha256=checked.sha256).first()
    if same is not None:
        raise ValidationError(_("“%(name)s” is hetzelfde bestand als de bijlage “%(same)s” "
                                "(zelfde SHA-256).") % {"name": name, "same": same.filename})
    document = ProposalDocument(proposal=locked, filename=name, kind=checked.kind,
                                size=checked.size, sha256=checked.sha256, uploaded_by=actor)
    _store(document, data)
    return save_recorded(document, actor=actor, reason=_("bijlage toegevoegd"))


def _store(document: ProposalDocument, data: bytes) -> None:
    """Files are stored by checksum: the same bytes at the same place are kept, not copied."""
    path = document_path(document, document.filename)
    storage = document.file.storage
    if storage.exists(path):
        with storage.open(path, "rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() == document.sha256:
                document.file.name = path
                return
    document.file.save(document.filename, ContentFile(data), save=False)


@transaction.atomic
def document_remove(*, document: ProposalDocument, actor) -> None:
    """Take an attachment off a draft. The file itself stays (its checksum is in the
    history, so what was once attached can still be checked)."""
    _lock_draft(document.proposal, actor)
    document._history_user, document._change_reason = actor, _("bijlage verwijderd")
    document.delete()


@transaction.atomic
def proposal_open(*, proposal: Proposal, actor, deadline: datetime | None = None,
                  reason: str = "") -> Proposal:
    """Put a draft to the board: from now on its text and documents are frozen and the seated
    members vote until `deadline`. Opening a new version withdraws the open one it replaces."""
    Cooperative.objects.select_for_update().get(pk=proposal.cooperative_id)
    locked = _lock_draft(proposal, actor)
    now = timezone.now()
    deadline = deadline or default_deadline(locked.cooperative, now)
    check_deadline(deadline, now)
    _check_text(locked.title, locked.description)
    subject_for(locked, lock=True).check_open()
    reason = reason or _("voorgelegd aan het bestuur")
    if locked.supersedes_id:
        old = Proposal.objects.select_for_update().get(pk=locked.supersedes_id)
        if old.is_open:
            old.status, old.closed_at = Proposal.Status.WITHDRAWN, now
            save_recorded(old, actor=actor, reason=_("ingetrokken: vervangen door versie "
                                                     "%(v)s") % {"v": locked.version})
    locked.status, locked.opened_at, locked.deadline = Proposal.Status.OPEN, now, deadline
    save_recorded(locked, actor=actor, reason=reason)
    events.publish(events.PROPOSAL_OPENED, proposal_id=locked.pk)
    return locked


@transaction.atomic
def proposal_new_version(*, proposal: Proposal, actor, reason: str = "") -> Proposal:
    """A change to a proposal that was put to the board: a new draft version with the same
    text and documents (the files are shared: they are stored by checksum). The open version
    stays open until the new one is put to the board."""
    policy.ensure(actor, "proposal.draft", proposal.cooperative)
    source = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if source.kind not in DRAFTABLE:
        raise ValidationError(_("Een nieuwe versie van dit voorstel maakt u bij het onderwerp "
                                "zelf (bijvoorbeeld de verdeling)."))
    if source.is_draft:
        raise ValidationError(_("Dit voorstel is nog een concept; wijzig het concept zelf."))
    if source.superseded_by.filter(status=Proposal.Status.DRAFT).exists():
        raise ValidationError(_("Er is al een nieuwe versie in concept van dit voorstel."))
    if getattr(source, "decision", None) is not None and source.decision.adopted:
        raise ValidationError(_("Dit voorstel is aangenomen (besluit %(number)s); een "
                                "wijziging is een nieuw voorstel.")
                              % {"number": source.decision.number})
    reason = reason or _("nieuwe versie opgesteld")
    new = create_recorded(
        Proposal, cooperative=source.cooperative, kind=source.kind, title=source.title,
        description=source.description, drafted_by=actor, status=Proposal.Status.DRAFT,
        version=source.version + 1, supersedes=source, actor=actor, reason=reason)
    for document in source.documents.all():
        save_recorded(ProposalDocument(
            proposal=new, filename=document.filename, kind=document.kind, size=document.size,
            sha256=document.sha256, file=document.file.name, uploaded_by=document.uploaded_by,
            uploaded_at=document.uploaded_at), actor=actor, reason=reason)
    return new


# --- proxies (machtigingen) -------------------------------------------------------------------


def _active_proxies(cooperative, today: date):
    return (Proxy.objects.filter(cooperative=cooperative, revoked_at__isnull=True)
            .filter(Q(proposal__isnull=True, valid_to__gte=today)
                    | Q(proposal__status__in=[Proposal.Status.DRAFT, Proposal.Status.OPEN])))


def _proxy_for(proposal: Proposal, *, grantor, holder) -> Proxy:
    """The proxy that lets `holder` vote for `grantor` on `proposal` today, checked against
    the rules: both seated, a proxy for this proposal or in force today, and the holder not
    voting for more members than the cooperative allows."""
    cooperative, today = proposal.cooperative, timezone.localdate()
    seated = seated_ids(cooperative, today)
    if grantor.pk not in seated:
        raise ValidationError(_("%(member)s heeft geen zetel in het bestuur; namens "
                                "%(member)s kan niet worden gestemd.")
                              % {"member": _name(grantor)})
    proxy = (_active_proxies(cooperative, today).filter(grantor=grantor, holder=holder)
             .filter(Q(proposal=proposal) | Q(proposal__isnull=True, valid_from__lte=today))
             .order_by("-recorded_at").first())
    if proxy is None:
        raise ValidationError(_("U heeft geen machtiging van %(member)s voor dit voorstel.")
                              % {"member": _name(grantor)})
    others = set(proposal.votes.filter(cast_by=holder).exclude(user__in=[holder, grantor])
                 .values_list("user_id", flat=True))
    if len(others) >= cooperative.proxies_per_holder:
        raise ValidationError(_("U stemde al namens %(n)s ander(e) bestuurslid/-leden over dit "
                                "voorstel; de coöperatie staat hoogstens %(max)s machtiging(en) "
                                "per gemachtigde toe.")
                              % {"n": len(others), "max": cooperative.proxies_per_holder})
    return proxy


def _window(proposal: Proposal | None, start: date | None, end: date | None,
            cooperative) -> tuple[date, date]:
    """The days a proxy could be used on: its period, or its proposal's voting time."""
    if proposal is None:
        return start, end
    today = timezone.localdate()
    opened = timezone.localdate(proposal.opened_at) if proposal.opened_at else today
    closes = (timezone.localdate(proposal.deadline) if proposal.deadline
              else today + timedelta(days=cooperative.voting_days))
    return opened, closes


def _overlaps(proxy: Proxy, proposal, start, end) -> bool:
    if proxy.proposal_id and proposal is not None:
        return proxy.proposal_id == proposal.pk
    a = _window(proxy.proposal, proxy.valid_from, proxy.valid_to, proxy.cooperative)
    b = _window(proposal, start, end, proxy.cooperative)
    return a[0] <= b[1] and b[0] <= a[1]


@transaction.atomic
def proxy_grant(*, cooperative: Cooperative, grantor, holder, data: bytes, filename: str,
                actor, proposal: Proposal | None = None, valid_from: date | None = None,
                valid_to: date | None = None, reason: str = "") -> Proxy:
    """Record a proxy: `grantor` authorises `holder` (both seated) for one proposal or for a
    period, with the signed document (a PDF). Recorded by the grantor, or by the chair (or
    whom the cooperative names) on receiving the signed form."""
    roles = policy.roles_for(actor, cooperative)
    if not roles.board or (actor.pk != grantor.pk and not roles.closer):
        raise PermissionDenied(_("Een machtiging legt het bestuurslid zelf vast, of de "
                                 "voorzitter die het getekende formulier ontving."))
    Cooperative.objects.select_for_update().get(pk=cooperative.pk)  # one proxy at a time
    today = timezone.localdate()
    seated = seated_ids(cooperative, today)
    errors = []
    for who in (grantor, holder):
        if who.pk not in seated:
            errors.append(_("%(member)s heeft geen zetel in het bestuur van %(coop)s; een "
                            "machtiging is alleen tussen zittende bestuursleden.")
                          % {"member": _name(who), "coop": cooperative})
    if grantor.pk == holder.pk:
        errors.append(_("Een bestuurslid kan zichzelf niet machtigen."))
    if (proposal is None) == (valid_from is None and valid_to is None):
        errors.append(_("Kies waarvoor de machtiging geldt: één voorstel, of een periode "
                        "(van en tot en met)."))
    elif proposal is not None:
        if proposal.cooperative_id != cooperative.pk or proposal.status not in (
                Proposal.Status.DRAFT, Proposal.Status.OPEN):
            errors.append(_("Een machtiging voor een voorstel kan alleen voor een voorstel dat "
                            "nog open staat."))
    elif valid_from is None or valid_to is None:
        errors.append(_("Geef de periode van de machtiging: van en tot en met."))
    elif valid_to < valid_from:
        errors.append(_("De periode eindigt (%(to)s) vóór zij begint (%(from)s).") % {
            "to": valid_to.strftime("%d-%m-%Y"), "from": valid_from.strftime("%d-%m-%Y")})
    elif valid_to < today:
        errors.append(_("De periode ligt in het verleden (tot en met %(to)s).") % {
            "to": valid_to.strftime("%d-%m-%Y")})
    if errors:
        raise ValidationError(errors)
    active = [p for p in _active_proxies(cooperative, today).select_related(
        "proposal", "holder", "cooperative") if _overlaps(p, proposal, valid_from, valid_to)]
    mine = next((p for p in active if p.grantor_id == grantor.pk), None)
    if mine is not None:
        errors.append(_("%(member)s heeft voor dezelfde tijd al %(holder)s gemachtigd; trek die "
                        "machtiging eerst in.")
                      % {"member": _name(grantor), "holder": _name(mine.holder)})
    held = {p.grantor_id for p in active if p.holder_id == holder.pk}
    if len(held) >= cooperative.proxies_per_holder:
        errors.append(_("%(holder)s heeft in die tijd al %(n)s machtiging(en); de coöperatie "
                        "staat hoogstens %(max)s per gemachtigde toe.")
                      % {"holder": _name(holder), "n": len(held),
                         "max": cooperative.proxies_per_holder})
    try:
        checked = documents.check(data, filename)
    except Refused as exc:
        errors += exc.messages
    else:
        if checked.kind != "pdf":
            errors.append(_("Voeg de getekende machtiging toe als PDF (een scan of een "
                            "ondertekend document); “%(name)s” is %(kind)s.")
                          % {"name": documents.base_name(filename), "kind": checked.label})
    if errors:
        raise ValidationError(errors)
    proxy = Proxy(cooperative=cooperative, grantor=grantor, holder=holder, proposal=proposal,
                  valid_from=valid_from, valid_to=valid_to,
                  filename=documents.base_name(filename), sha256=checked.sha256,
                  recorded_by=actor)
    proxy.document.save(f"{checked.sha256}.pdf", ContentFile(data), save=False)
    return save_recorded(proxy, actor=actor, reason=reason or _("machtiging vastgelegd"))


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, actor, reason: str = "") -> Proxy:
    """End a proxy now; votes it already cast stay as they were (and in the history)."""
    roles = policy.roles_for(actor, proxy.cooperative)
    if actor.pk != proxy.grantor_id and not roles.closer:
        raise PermissionDenied(_("Een machtiging trekt het bestuurslid zelf in, of de "
                                 "voorzitter."))
    locked = Proxy.objects.select_for_update().get(pk=proxy.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("Deze machtiging is al ingetrokken op %(when)s.")
                              % {"when": _when(locked.revoked_at)})
    locked.revoked_at = timezone.now()
    return save_recorded(locked, actor=actor, reason=reason or _("machtiging ingetrokken"))


def proxies_usable(proposal: Proposal, holder, seated: set[int] | None = None) -> list[Proxy]:
    """The proxies `holder` may vote with on `proposal` today (one per grantor)."""
    today = timezone.localdate()
    seated = seated_ids(proposal.cooperative, today) if seated is None else seated
    rows = (_active_proxies(proposal.cooperative, today).filter(holder=holder)
            .filter(Q(proposal=proposal) | Q(proposal__isnull=True, valid_from__lte=today))
            .select_related("grantor").order_by("grantor__username", "-recorded_at"))
    usable: dict[int, Proxy] = {}
    for proxy in rows:
        if proxy.grantor_id in seated:
            usable.setdefault(proxy.grantor_id, proxy)
    return list(usable.values())


# --- the discussion ---------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, proposal: Proposal, actor, text: str,
                corrects: Comment | None = None) -> Comment:
    """A board member's comment on a proposal (a draft or an open one). Append-only: a
    correction is a new comment that names the one it corrects (the author's own)."""
    if not policy.allowed(actor, "proposal.discuss", proposal):
        raise PermissionDenied(_("Alleen zittende bestuursleden nemen deel aan de discussie."))
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status not in (Proposal.Status.DRAFT, Proposal.Status.OPEN):
        raise ValidationError(_("De discussie over “%(title)s” is gesloten (%(status)s).")
                              % {"title": locked.title, "status": locked.get_status_display()})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Schrijf een reactie.")})
    if len(text) > 4000:
        raise ValidationError({"text": _("De reactie is %(n)s tekens; hoogstens 4.000.")
                                       % {"n": len(text)}})
    if corrects is not None and (corrects.proposal_id != locked.pk
                                 or corrects.author_id != actor.pk):
        raise ValidationError({"corrects": _("U corrigeert alleen uw eigen reacties bij dit "
                                             "voorstel.")})
    return save_recorded(
        Comment(proposal=locked, author=actor, text=text, corrects=corrects), actor=actor,
        reason=_("reactie geplaatst") if corrects is None else _("correctie geplaatst"))
