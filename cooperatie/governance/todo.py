"""A seated board member's votes to cast."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie.notifications.todo import Todo, provider

from .models import Proposal


@provider
def votes_todo(user, cooperative, roles):
    if not roles.board:
        return []
    waiting = (Proposal.objects.filter(cooperative=cooperative, status=Proposal.Status.OPEN)
               .exclude(votes__user=user).order_by("opened_at"))
    return [Todo(_("Stemmen over “%(title)s”") % {"title": p.title},
                 reverse("governance:proposal", kwargs={"code": cooperative.code, "pk": p.pk}),
                 timezone.localtime(p.deadline).date() if p.deadline else None)
            for p in waiting]
