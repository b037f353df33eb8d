from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from . import policy, selectors
from .notifications.todo import todo_for


@login_required
def dashboard(request):
    cooperatives = list(policy.cooperatives_for(request.user))
    if len(cooperatives) == 1:
        return redirect("cooperative_home", code=cooperatives[0].code)
    rows = [(c, policy.roles_for(request.user, c)) for c in cooperatives]
    return render(request, "cooperatie/dashboard.html", {"rows": rows})


@login_required
def cooperative_home(request, code):
    cooperative = selectors.cooperative_for(request.user, code)
    roles = policy.roles_for(request.user, cooperative)
    context = {
        "cooperative": cooperative,
        "roles": roles,
        "members": selectors.current_members(cooperative),
        "panels": dashboard_panels(request.user, cooperative, roles),
        "todo": todo_for(request.user, cooperative, roles),
    }
    return render(request, "cooperatie/home.html", context)


def dashboard_panels(user, cooperative, roles) -> dict:
    """What each role needs to see first; apps add their own panels here."""
    from budgets.realisation.selectors import dashboard_panel as realisation_panel
    from budgets.selectors import dashboard_budget_panels

    from .governance.models import Proposal

    panels = dashboard_budget_panels(user, cooperative, roles)
    panels["realisation"] = realisation_panel(user, cooperative, roles)
    if roles.board:
        panels["proposals"] = [
            (p, any(v.user_id == user.pk for v in p.votes.all()))
            for p in Proposal.objects.filter(cooperative=cooperative,
                                             status=Proposal.Status.OPEN)
            .prefetch_related("votes").order_by("opened_at")
        ]
    return panels


@login_required
def structure(request, code):
    cooperative = selectors.cooperative_for(request.user, code)
    year = timezone.localdate().year
    context = {
        "cooperative": cooperative,
        "year": year,
        "areas": selectors.structure_of(cooperative, year),
    }
    return render(request, "cooperatie/structure.html", context)
