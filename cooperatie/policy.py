"""The one place that answers: may this user do this to this object?

Views, services, commands and downloads all ask here. A rule is a function of
(roles in the object's cooperative, object); `allowed` finds the cooperative itself,
so ids from URLs or forms are never trusted.

Roles: a partner *director* acts for their own organisation; the *board* decides;
*finance* (of the cooperative or of a member) reads and exports; the *administrator*
configures the cooperative.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Roles:
    user_id: int | None = None
    superuser: bool = False
    board: bool = False
    treasurer: bool = False
    closer: bool = False  # the chair, or a board member the cooperative names
    finance: bool = False
    administrator: bool = False
    director_of: frozenset[int] = frozenset()
    finance_of: frozenset[int] = frozenset()

    @property
    def organisations(self) -> frozenset[int]:
        return self.director_of | self.finance_of

    @property
    def member(self) -> bool:
        """Anyone with a role in the cooperative may see what is open to all members."""
        return bool(
            self.board or self.finance or self.administrator or self.organisations
            or self.superuser
        )

    @property
    def any_finance(self) -> bool:
        return self.finance or bool(self.finance_of)

    @property
    def labels(self) -> list[str]:
        out = []
        if self.board:
            out.append(_("penningmeester") if self.treasurer else _("bestuur"))
        if self.director_of:
            out.append(_("directeur"))
        if self.any_finance:
            out.append(_("financiën"))
        if self.administrator:
            out.append(_("beheerder"))
        return out


def active_on(day: date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def roles_for(user, cooperative) -> Roles:
    """The user's roles in one cooperative today; cached on the user for one request."""
    if not user or not user.is_authenticated or not user.is_active:
        return Roles()
    cache = user.__dict__.setdefault("_cooperative_roles", {})
    if cooperative.pk in cache:
        return cache[cooperative.pk]
    from partners.models import OrganisationRole

    from .models import BoardSeat, CooperativeRole, Membership

    today = timezone.localdate()
    seat_rows = list(
        BoardSeat.objects.filter(active_on(today), cooperative=cooperative, user=user)
        .values_list("role", "may_close_early")
    )
    seats = {role for role, _closer in seat_rows}
    coop_roles = set(
        CooperativeRole.objects.filter(cooperative=cooperative, user=user)
        .values_list("role", flat=True)
    )
    members = Membership.objects.filter(active_on(today), cooperative=cooperative)
    org_roles = list(
        OrganisationRole.objects.filter(
            user=user, organisation__in=members.values("organisation")
        ).values_list("organisation_id", "role")
    )
    roles = Roles(
        user_id=user.pk,
        superuser=user.is_superuser,
        board=bool(seats),
        treasurer=BoardSeat.Role.TREASURER in seats,
        closer=any(role == BoardSeat.Role.CHAIR or closer for role, closer in seat_rows),
        finance=CooperativeRole.Role.FINANCE in coop_roles,
        administrator=CooperativeRole.Role.ADMINISTRATOR in coop_roles,
        director_of=frozenset(o for o, r in org_roles if r == OrganisationRole.Role.DIRECTOR),
        finance_of=frozenset(o for o, r in org_roles if r == OrganisationRole.Role.FINANCE),
    )
    cache[cooperative.pk] = roles
    return roles


def cooperatives_for(user):
    """The cooperatives in which the user has any role today."""
    from .models import Cooperative

    if user.is_superuser:
        return Cooperative.objects.all()
    today = timezone.localdate()
    return Cooperative.objects.filter(
        Q(board_seats__in=user.board_seats.filter(active_on(today)))
        | Q(roles__user=user)
        | Q(
            memberships__in=_memberships_on(today).filter(
                organisation__roles__user=user
            )
        )
    ).distinct()


def _memberships_on(day):
    from .models import Membership

    return Membership.objects.filter(active_on(day))


# --- rules ----------------------------------------------------------------------------------

Rule = Callable[[Roles, object], bool]


def _budget_visible(r: Roles, budget) -> bool:
    # "Open kaart": submitted budgets are open to every member; drafts to their own and the board.
    if budget.is_submitted:
        return r.member
    return r.board or r.superuser or budget.organisation_id in r.organisations


def _budget_editable(r: Roles, budget) -> bool:
    return budget.organisation_id in r.director_of


def _realisation_visible(r: Roles, realisation) -> bool:
    # As budgets: submitted periods open to every member; drafts to their own organisation,
    # the board and the cooperative's finance.
    if realisation.is_submitted:
        return r.member
    return r.board or r.finance or r.superuser or realisation.organisation_id in r.organisations


def _discussion_readable(r: Roles, proposal) -> bool:
    if r.board or r.superuser:
        return True
    if not r.director_of or proposal.is_draft:
        return False
    from .governance.subjects import subject_for

    return bool(r.director_of & subject_for(proposal).organisations())


RULES: dict[str, Rule] = {
    "cooperative.view": lambda r, coop: r.member,
    "cooperative.configure": lambda r, coop: r.administrator or r.superuser,
    # Inviting people and giving or taking their roles (cooperatie/people/).
    "people.manage": lambda r, coop: r.administrator or r.superuser,
    # Reminding the members who have not submitted yet, moving a round's deadline.
    "round.remind": lambda r, rnd: r.board,
    "round.manage": lambda r, rnd: r.board,
    "budget.view": _budget_visible,
    "budget.edit": _budget_editable,
    "budget.submit": _budget_editable,
    "budget.reopen": lambda r, budget: r.board,
    "organisation.act": lambda r, org: org.pk in r.director_of,
    "organisation.view_drafts": lambda r, org: r.board or r.superuser or org.pk in r.organisations,
    "pooled.view": lambda r, coop: r.member,
    "ledger.view": lambda r, coop: r.board or r.any_finance or r.superuser,
    "export.start": lambda r, coop: r.board or r.any_finance,
    # The audit trail shows drafts of every partner: the board and the cooperative's finance.
    "export.audit": lambda r, coop: r.board or r.finance,
    "export.download": lambda r, job: job.requested_by_id == r.user_id or r.board or r.finance,
    "staff.commit": lambda r, org: org.pk in r.director_of,
    "staff.needs": lambda r, coop: r.board,
    # Coverage and the team view name no employers ("zonder rugnummer"): open to all members.
    "staff.view": lambda r, coop: r.member,
    "inkind.view": lambda r, coop: r.board or r.any_finance or r.superuser,
    # Lump sums and their allocation: the board (the treasurer is a board member) records and
    # drafts; what goes to the board is open to every member, drafts to the board and finance.
    "grant.record": lambda r, coop: r.board,
    "allocation.view": lambda r, coop: r.member,
    "plan.view_drafts": lambda r, coop: r.board or r.any_finance or r.superuser,
    "plan.view": lambda r, plan: r.member if not plan.is_draft
    else r.board or r.any_finance or r.superuser,
    "plan.draft": lambda r, coop: r.board,
    # What goes to the board is open to every member; drafts to the board. A draft is edited
    # by the one who drafts it (and its attachments with it) until it is put to the board.
    "proposal.view": lambda r, proposal: r.member if not proposal.is_draft
    else r.board or r.superuser,
    "proposal.draft": lambda r, coop: r.board,
    "proposal.edit": lambda r, proposal: r.board and proposal.drafted_by_id == r.user_id,
    "document.download": lambda r, document: r.member if not document.proposal.is_draft
    else r.board or r.superuser,
    # Only seated board members vote (a seat active today); before the deadline only the chair
    # (or whom the cooperative names) closes a vote; at the deadline it closes by itself.
    "proposal.vote": lambda r, proposal: r.board,
    # The discussion of a proposal: the board writes (append-only); the board reads, and so do
    # the directors of the organisations whose money the proposal concerns.
    "proposal.discuss": lambda r, proposal: r.board,
    "proposal.read_discussion": _discussion_readable,
    # Proxies (machtigingen) and their signed documents: the board.
    "proxy.view": lambda r, coop: r.board or r.superuser,
    "proposal.close": lambda r, proposal: r.closer,
    "decision.view": lambda r, coop: r.member,
    "indicator.manage": lambda r, coop: r.board,
    # Targets per year: the board or the cooperative's finance drafts them and puts them to
    # the board, which decides; what went to the board is open to every member.
    "targets.draft": lambda r, coop: r.board or r.finance,
    "targets.view": lambda r, target_set: r.member if not target_set.is_draft
    else r.board or r.finance or r.superuser,
    "measurement.enter": lambda r, coop: r.board or r.administrator,
    # Realisation: the board or the cooperative's finance sets it up and opens and closes
    # periods; a partner's director or finance, or the cooperative's finance, enters it.
    "realisation.configure": lambda r, coop: r.board or r.finance or r.administrator
    or r.superuser,
    "period.manage": lambda r, coop: r.board or r.finance,
    "realisation.act": lambda r, org: org.pk in r.organisations or r.finance,
    "realisation.view": _realisation_visible,
    "realisation.edit": lambda r, real: real.organisation_id in r.organisations or r.finance,
    "realisation.reopen": lambda r, real: r.board or r.finance,
    "realisation.overview": lambda r, coop: r.member,
    # After the year: the cooperative's finance (or the treasurer) records payments of the
    # advances; the board (the treasurer) drafts the settlement of a lump sum. What is paid,
    # what was settled and the reserve are open to every member; drafts to the board and finance.
    "advance.view": lambda r, coop: r.member,
    "payment.record": lambda r, coop: r.finance or r.treasurer,
    "settlement.draft": lambda r, coop: r.board,
    "settlement.view": lambda r, settlement: r.member if not settlement.is_draft
    else r.board or r.any_finance or r.superuser,
    "reserve.view": lambda r, coop: r.member,
    # The mapping of the ledger to the cooperative's own accounts and cost centres: its finance.
    "accounting.map": lambda r, coop: r.finance or r.superuser,
}


def cooperative_of(obj):
    """Find the cooperative an object hangs under, from the object itself."""
    from .models import Cooperative

    if isinstance(obj, Cooperative):
        return obj
    for attr in ("cooperative", "budget_round", "budget", "plan", "proposal", "round"):
        if hasattr(obj, attr):
            return cooperative_of(getattr(obj, attr))
    raise TypeError(f"no cooperative for {type(obj).__name__}")


def allowed(user, action: str, obj, cooperative=None) -> bool:
    """May `user` do `action` to `obj`? `cooperative` is required for objects that do not
    hang under one cooperative (an organisation)."""
    rule = RULES[action]
    coop = cooperative if cooperative is not None else cooperative_of(obj)
    return rule(roles_for(user, coop), obj)


def ensure(user, action: str, obj, cooperative=None) -> None:
    if not allowed(user, action, obj, cooperative):
        raise PermissionDenied(_("U heeft geen toegang tot deze handeling."))


def may_create_cooperative(user) -> bool:
    """Only the application administrator starts a new cooperative."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def ensure_may_create_cooperative(user) -> None:
    if not may_create_cooperative(user):
        raise PermissionDenied(_("Alleen de applicatiebeheerder maakt een nieuwe coöperatie."))


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_create_token(actor, user) -> bool:
    """A personal API token is made by its owner, for themselves: it acts with their rights."""
    return _active(actor) and actor.pk == user.pk


def ensure_may_create_token(actor, user) -> None:
    if not may_create_token(actor, user):
        raise PermissionDenied(_("Alleen de gebruiker zelf maakt een eigen API-sleutel."))


def may_manage_token(actor, token) -> bool:
    """Its owner sees and revokes a token; the application administrator may revoke anyone's
    (someone who left)."""
    return _active(actor) and (token.user_id == actor.pk or actor.is_superuser)


def ensure_may_manage_token(actor, token) -> None:
    if not may_manage_token(actor, token):
        raise PermissionDenied(_("U heeft geen toegang tot deze handeling."))
