"""Reads about the cooperative's structure."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from . import policy
from .models import Area, Cooperative, Membership, Neighbourhood, Team


def cooperative_for(user, code: str, action: str = "cooperative.view") -> Cooperative:
    """The cooperative by code, if the user may `action` it; otherwise 404, so that
    codes of cooperatives a user does not belong to reveal nothing."""
    cooperative = Cooperative.objects.filter(code=code).first()
    if cooperative is None or not policy.allowed(user, action, cooperative):
        raise Http404
    return cooperative


def current_members(cooperative: Cooperative):
    today = timezone.localdate()
    return (
        Membership.objects.filter(policy.active_on(today), cooperative=cooperative)
        .select_related("organisation").order_by("organisation__name")
    )


def structure_of(cooperative: Cooperative, year: int):
    """Areas with their neighbourhoods (and inhabitants in `year`) and teams."""
    hoods = Neighbourhood.objects.order_by("code").prefetch_related(
        Prefetch("populations", to_attr="population_list")
    )
    teams = Team.objects.order_by("name").prefetch_related("neighbourhoods")
    areas = (
        Area.objects.filter(cooperative=cooperative).order_by("name")
        .prefetch_related(Prefetch("neighbourhoods", queryset=hoods),
                          Prefetch("teams", queryset=teams))
    )
    areas = list(areas)
    for area in areas:
        for hood in area.neighbourhoods.all():
            hood.inhabitants = next(
                (p.inhabitants for p in hood.population_list if p.year == year), None
            )
    return areas
