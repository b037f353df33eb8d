"""Who the people of a cooperative are, what roles they hold, what happened to them."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie.models import BoardSeat, Cooperative, CooperativeRole
from partners.models import OrganisationRole

from .models import Invitation

User = get_user_model()


def member_organisations(cooperative: Cooperative):
    from partners.models import Organisation

    from .. import policy

    return Organisation.objects.filter(
        memberships__in=cooperative.memberships.filter(policy.active_on(timezone.localdate()))
    ).order_by("name")


def people_of(cooperative: Cooperative):
    """Everyone with a role in the cooperative (a board seat of any date, a role of the
    cooperative, a role at a current member) or invited into it."""
    return User.objects.filter(
        Q(board_seats__cooperative=cooperative)
        | Q(cooperative_roles__cooperative=cooperative)
        | Q(organisation_roles__organisation__in=member_organisations(cooperative))
        | Q(invitations__cooperative=cooperative)
    ).distinct().order_by("last_name", "first_name", "username")


def person_for(cooperative: Cooperative, user_id) -> User:
    """One of the cooperative's people, else 404: an id from the URL is never trusted."""
    person = people_of(cooperative).filter(pk=user_id).first()
    if person is None:
        raise Http404
    return person


@dataclass(frozen=True)
class HeldRole:
    kind: str          # director | org_finance | board | finance | administrator
    label: str
    record: object     # the OrganisationRole, BoardSeat or CooperativeRole
    current: bool = True


def roles_held(cooperative: Cooperative, person) -> list[HeldRole]:
    return roles_of_people(cooperative, [person]).get(person.pk, [])


def roles_of_people(cooperative: Cooperative, people) -> dict[int, list[HeldRole]]:
    """Each person's roles in the cooperative, in three queries whatever the number of people."""
    today = timezone.localdate()
    ids = [p.pk for p in people]
    held: dict[int, list[HeldRole]] = {pk: [] for pk in ids}
    for role in OrganisationRole.objects.filter(
            user_id__in=ids, organisation__in=member_organisations(cooperative)
    ).select_related("organisation").order_by("organisation__name", "role"):
        kind = "director" if role.role == OrganisationRole.Role.DIRECTOR else "org_finance"
        held[role.user_id].append(
            HeldRole(kind, f"{role.get_role_display()} · {role.organisation.name}", role))
    for seat in BoardSeat.objects.filter(user_id__in=ids, cooperative=cooperative).select_related(
            "organisation").order_by("-valid_from"):
        current = seat.valid_from <= today and (seat.valid_to is None or seat.valid_to >= today)
        period = _("vanaf %(start)s") % {"start": _d(seat.valid_from)}
        if seat.valid_to:
            period += " " + _("tot en met %(end)s") % {"end": _d(seat.valid_to)}
        label = _("bestuur: %(role)s") % {"role": seat.get_role_display()}
        if seat.organisation:
            label += " · " + seat.organisation.name
        held[seat.user_id].append(HeldRole("board", f"{label} ({period})", seat, current))
    for role in CooperativeRole.objects.filter(user_id__in=ids, cooperative=cooperative):
        kind = "finance" if role.role == CooperativeRole.Role.FINANCE else "administrator"
        held[role.user_id].append(HeldRole(kind, _("%(role)s van de coöperatie") % {
            "role": role.get_role_display()}, role))
    return held


def _d(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def open_invitation(cooperative: Cooperative, person) -> Invitation | None:
    return Invitation.objects.filter(cooperative=cooperative, user=person,
                                     accepted_at__isnull=True).first()


def status_of(person, invitation: Invitation | None) -> str:
    if not person.is_active:
        return _("gedeactiveerd")
    if not person.has_usable_password():
        if invitation and invitation.is_open:
            return _("uitgenodigd")
        return _("uitnodiging verlopen")
    return _("actief")


@dataclass(frozen=True)
class Event:
    when: datetime
    who: object
    what: str
    reason: str


def history_of(cooperative: Cooperative, person) -> list[Event]:
    """Every change to the person's account and to their roles in this cooperative."""
    events = []
    labels = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}
    for record in person.history.select_related("history_user"):
        events.append(Event(record.history_date, record.history_user,
                            _("account %(what)s") % {"what": labels[record.history_type]},
                            record.history_change_reason or ""))
    orgs = member_organisations(cooperative)
    sources = [
        (OrganisationRole.history.filter(user_id=person.pk, organisation__in=orgs),
         lambda r: f"{r.get_role_display()} · {r.organisation.name}"),
        (BoardSeat.history.filter(user_id=person.pk, cooperative=cooperative),
         lambda r: _("bestuurszetel: %(role)s") % {"role": r.get_role_display()}),
        (CooperativeRole.history.filter(user_id=person.pk, cooperative=cooperative),
         lambda r: _("%(role)s van de coöperatie") % {"role": r.get_role_display()}),
        (Invitation.history.filter(user_id=person.pk, cooperative=cooperative),
         lambda r: _("uitnodiging")),
    ]
    for records, describe in sources:
        for record in records.select_related("history_user"):
            events.append(Event(record.history_date, record.history_user,
                                f"{describe(record)}: {labels[record.history_type]}",
                                record.history_change_reason or ""))
    return sorted(events, key=lambda e: e.when, reverse=True)
