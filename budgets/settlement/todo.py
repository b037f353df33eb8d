"""The treasurer's to-do after the year: a lump sum to settle once its year is complete (or a
draft still to put to the board), due for the annual account. Adopting a settlement put to
the board is the board's vote, on the list through governance's votes to cast."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.models import BoardSeat
from cooperatie.notifications.todo import Todo, provider

from . import selectors


def _settles(user, cooperative, roles) -> bool:
    """Who may draft (the board) and is the one to do it: the treasurer, or the whole board
    while no treasurer is seated."""
    if not policy.allowed(user, "settlement.draft", cooperative):
        return False
    return roles.treasurer or not BoardSeat.objects.filter(
        policy.active_on(timezone.localdate()), cooperative=cooperative,
        role=BoardSeat.Role.TREASURER).exists()


@provider
def settlements_todo(user, cooperative, roles):
    if not roles.board or not _settles(user, cooperative, roles):
        return []
    code, note = cooperative.code, _("voor de jaarverantwoording, uiterlijk")
    items = []
    for grant, draft in selectors.grants_to_settle(cooperative):
        if draft is None:
            items.append(Todo(_("Vaststelling van de lumpsum %(grant)s opstellen")
                              % {"grant": grant},
                              reverse("settlement:grant", kwargs={"code": code, "pk": grant.pk}),
                              selectors.due_on(grant), note))
        else:
            items.append(Todo(_("Vaststelling van de lumpsum %(grant)s afmaken en aan het "
                                "bestuur voorleggen") % {"grant": grant},
                              reverse("settlement:settlement",
                                      kwargs={"code": code, "pk": draft.pk}),
                              selectors.due_on(grant), note))
    return items
