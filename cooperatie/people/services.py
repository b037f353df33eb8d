"""Managing a cooperative's people: invite, give and take roles, deactivate, unlock.

Each service checks the policy (`people.manage`: the cooperative's administrator), refuses
any change to the actor's own account (nobody gives themselves more rights), writes, and
records who and why in the history.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie import services as coop_services
from cooperatie.history import save_recorded
from cooperatie.models import BoardSeat, Cooperative, CooperativeRole
from cooperatie.notifications.services import mail_enqueue
from partners.models import Organisation, OrganisationRole
from partners.services import organisation_role_grant

from . import selectors, signin
from .models import Invitation, SignInRule, new_nonce

User = get_user_model()
SALT = "cooperatie.people.invitation"


@dataclass(frozen=True)
class RoleGrant:
    kind: str  # director | org_finance | board | finance | administrator
    organisation: Organisation | None = None
    board_role: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


def _ensure_manager(actor, cooperative: Cooperative, person=None) -> None:
    policy.ensure(actor, "people.manage", cooperative)
    if person is not None and person.pk == actor.pk:
        raise PermissionDenied(_("U kunt uw eigen account en rollen niet wijzigen; vraag een "
                                 "andere beheerder."))


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Geef een reden op; die komt in de historie.")})
    return reason.strip()


# --- invitations ----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation behind a link, or None when the link is wrong, used or expired."""
    max_age = timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.select_related("user", "cooperative").filter(
        pk=data.get("i"), nonce=data.get("n")).first()
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def person_invite(*, cooperative: Cooperative, email: str, first_name: str, last_name: str,
                  grant: RoleGrant, actor, reason: str) -> Invitation:
    """Invite someone by e-mail with their first role. A new address becomes a new account
    without a password (they set it through the link); a known address gets the role and an
    e-mail that they can sign in as before."""
    email = User.objects.normalize_email(email.strip()).lower()
    _ensure_manager(actor, cooperative)
    if email == (actor.email or "").lower():
        raise PermissionDenied(_("U kunt uzelf niet uitnodigen."))
    reason = _reason(reason)
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError({"email": _("Er bestaat al een account met de gebruikersnaam "
                                              "“%(email)s”.") % {"email": email}})
        person = User(username=email, email=email, first_name=first_name.strip(),
                      last_name=last_name.strip())
        person.set_unusable_password()
        save_recorded(person, actor=actor, reason=reason)
    _grant(cooperative, person, grant, actor, reason)
    now = timezone.now()
    invitation = Invitation(cooperative=cooperative, user=person, email=email,
                            invited_by=actor, created_at=now,
                            expires_at=now + timedelta(days=settings.INVITATION_EXPIRY_DAYS))
    if person.has_usable_password():
        invitation.accepted_at = now  # nothing to accept: they sign in as they did
    save_recorded(invitation, actor=actor, reason=reason)
    _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    mail_enqueue(key=f"invitation:{invitation.pk}:{invitation.nonce}", kind="invitation",
                 user=invitation.user, ref_id=invitation.pk)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor, reason: str = "") -> Invitation:
    """A new link, valid for the full period again; every earlier link stops working."""
    _ensure_manager(actor, invitation.cooperative, invitation.user)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("Deze uitnodiging is al aangenomen."))
    invitation.nonce = new_nonce()
    invitation.sent_count += 1
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    save_recorded(invitation, actor=actor, reason=reason or _("uitnodiging opnieuw verstuurd"))
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """The invited person sets their own password; the link then never works again."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ValidationError(_("Deze uitnodiging is verlopen of al gebruikt. Vraag de beheerder "
                                "van uw coöperatie om een nieuwe."))
    invitation = Invitation.objects.select_for_update().select_related("user").get(
        pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("Deze uitnodiging is al gebruikt."))
    person = invitation.user
    validate_password(password, person)
    person.set_password(password)
    save_recorded(person, actor=person, reason=_("wachtwoord ingesteld via de uitnodiging"))
    invitation.accepted_at = timezone.now()
    save_recorded(invitation, actor=person, reason=_("uitnodiging aangenomen"))
    return person


# --- roles ----------------------------------------------------------------------------------


def _grant(cooperative: Cooperative, person, grant: RoleGrant, actor, reason: str):
    members = selectors.member_organisations(cooperative)
    if grant.kind in ("director", "org_finance"):
        if grant.organisation is None or not members.filter(pk=grant.organisation.pk).exists():
            raise ValidationError({"organisation": _("Kies een partner van deze coöperatie.")})
        role = (OrganisationRole.Role.DIRECTOR if grant.kind == "director"
                else OrganisationRole.Role.FINANCE)
        if OrganisationRole.objects.filter(organisation=grant.organisation, user=person,
                                           role=role).exists():
            raise ValidationError(_("%(name)s heeft deze rol al.") % {"name": display(person)})
        return organisation_role_grant(organisation=grant.organisation, user=person, role=role,
                                       actor=actor, reason=reason)
    if grant.kind == "board":
        if grant.board_role not in BoardSeat.Role.values:
            raise ValidationError({"board_role": _("Kies de rol in het bestuur.")})
        if grant.organisation is not None and not members.filter(
                pk=grant.organisation.pk).exists():
            raise ValidationError({"organisation": _("Kies een partner van deze coöperatie.")})
        return coop_services.board_seat_add(
            cooperative=cooperative, user=person, role=grant.board_role,
            organisation=grant.organisation, valid_from=grant.valid_from or timezone.localdate(),
            valid_to=grant.valid_to, actor=actor, reason=reason)
    if grant.kind in ("finance", "administrator"):
        role = (CooperativeRole.Role.FINANCE if grant.kind == "finance"
                else CooperativeRole.Role.ADMINISTRATOR)
        if CooperativeRole.objects.filter(cooperative=cooperative, user=person,
                                          role=role).exists():
            raise ValidationError(_("%(name)s heeft deze rol al.") % {"name": display(person)})
        return coop_services.cooperative_role_grant(cooperative=cooperative, user=person,
                                                    role=role, actor=actor, reason=reason)
    raise ValidationError({"kind": _("Kies een rol.")})


@transaction.atomic
def role_grant(*, cooperative: Cooperative, person, grant: RoleGrant, actor, reason: str):
    _ensure_manager(actor, cooperative, person)
    selectors.person_for(cooperative, person.pk)
    return _grant(cooperative, person, grant, actor, _reason(reason))


def _held(cooperative: Cooperative, person, kind: str, record_id: int):
    for held in selectors.roles_held(cooperative, person):
        if held.kind == kind and held.record.pk == record_id:
            return held.record
    raise ValidationError(_("Deze rol bestaat niet (meer)."))


@transaction.atomic
def role_revoke(*, cooperative: Cooperative, person, kind: str, record_id: int, actor,
                reason: str) -> None:
    """Take a role away. A board seat ends (it stays in the board's history); other roles
    are removed, with who and why in their history."""
    _ensure_manager(actor, cooperative, person)
    reason = _reason(reason)
    record = _held(cooperative, person, kind, record_id)
    if isinstance(record, BoardSeat):
        today = timezone.localdate()
        if record.valid_from <= today:
            if record.valid_to is not None and record.valid_to < today:
                raise ValidationError(_("Deze bestuurszetel is al beëindigd."))
            record.valid_to = today - timedelta(days=1) if record.valid_from < today else today
            save_recorded(record, actor=actor, reason=reason)
            return
    record._history_user, record._change_reason = actor, reason
    record.delete()


# --- the account ----------------------------------------------------------------------------


def _only_here(cooperative: Cooperative, person, actor) -> None:
    """An account that also acts in a cooperative the actor does not administer is not
    theirs to switch off."""
    from cooperatie.models import Cooperative as Coop

    elsewhere = policy.cooperatives_for(person).exclude(pk=cooperative.pk)
    for other in Coop.objects.filter(pk__in=elsewhere.values("pk")):
        if not policy.allowed(actor, "people.manage", other):
            raise ValidationError(_("%(name)s heeft ook rollen in een andere coöperatie. Neem "
                                    "hier de rollen weg; het account blijft dan bestaan.")
                                  % {"name": display(person)})


@transaction.atomic
def person_set_active(*, cooperative: Cooperative, person, active: bool, actor,
                      reason: str) -> User:
    _ensure_manager(actor, cooperative, person)
    selectors.person_for(cooperative, person.pk)
    reason = _reason(reason)
    _only_here(cooperative, person, actor)
    if person.is_superuser:
        raise PermissionDenied(_("De applicatiebeheerder beheert dit account."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active == active:
        return person
    # Signed-in sessions end with it: Django signs inactive accounts out on their next request.
    person.is_active = active
    return save_recorded(person, actor=actor, reason=reason)


@transaction.atomic
def person_unlock(*, cooperative: Cooperative, person, actor, reason: str) -> int:
    """Lift a sign-in pause or lock (django-axes), recorded in the account's history."""
    _ensure_manager(actor, cooperative, person)
    selectors.person_for(cooperative, person.pk)
    reason = _reason(reason)
    count = signin.unlock(person.username)
    save_recorded(person, actor=actor, reason=_("aanmeldblokkade opgeheven: %(reason)s")
                  % {"reason": reason}, validate=False)
    return count


@transaction.atomic
def sign_in_rule_set(*, cooperative: Cooperative, two_factor_required: bool, actor,
                     reason: str) -> SignInRule:
    policy.ensure(actor, "people.manage", cooperative)
    rule = SignInRule.objects.filter(cooperative=cooperative).first() or SignInRule(
        cooperative=cooperative)
    rule.two_factor_required = two_factor_required
    return save_recorded(rule, actor=actor, reason=_reason(reason))


def display(user) -> str:
    """A person by name, everywhere (the username only when no name is known)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username
