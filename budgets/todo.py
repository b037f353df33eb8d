"""The director's to-do in an open round: the budget to submit and, until then, the staff
to commit when none is committed yet."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cooperatie.notifications.todo import Todo, provider
from partners.models import Organisation, StaffCommitment

from .models import PartnerBudget
from .selectors import open_round


@provider
def budget_todo(user, cooperative, roles):
    if not roles.director_of:
        return []
    rnd = open_round(cooperative)
    if rnd is None:
        return []
    submitted = set(PartnerBudget.objects.filter(
        budget_round=rnd, organisation__in=roles.director_of,
        status=PartnerBudget.Status.SUBMITTED).values_list("organisation_id", flat=True))
    committed = set(StaffCommitment.objects.filter(
        budget_round=rnd, organisation__in=roles.director_of).values_list("organisation_id",
                                                                           flat=True))
    grid = reverse("budget_grid", kwargs={"code": cooperative.code})
    items = []
    for org in Organisation.objects.filter(pk__in=roles.director_of - submitted).order_by("name"):
        items.append(Todo(
            _("Begroting %(year)s van %(org)s indienen") % {"year": rnd.year, "org": org.name},
            f"{grid}?jaar={rnd.year}&org={org.code}", rnd.deadline))
        if org.pk not in committed:
            items.append(Todo(
                _("Inzet van %(org)s doorgeven (fte per team en expertise)") % {"org": org.name},
                reverse("staff_mine", kwargs={"code": cooperative.code}), rnd.deadline))
    return items
