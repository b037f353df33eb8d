"""Changes to the cooperative's structure. Each validates, writes and records history."""

from datetime import date

from django.db import transaction

from .history import create_recorded, save_recorded
from .models import (
    Area,
    BoardSeat,
    Cooperative,
    CooperativeRole,
    Expertise,
    Membership,
    Neighbourhood,
    Population,
    Team,
)


@transaction.atomic
def cooperative_create(*, code: str, name: str, municipality: str = "", actor, reason: str):
    return create_recorded(
        Cooperative, code=code, name=name, municipality=municipality, actor=actor, reason=reason
    )


def area_create(*, cooperative: Cooperative, code: str, name: str, actor, reason: str) -> Area:
    return create_recorded(
        Area, cooperative=cooperative, code=code, name=name, actor=actor, reason=reason
    )


@transaction.atomic
def neighbourhood_create(
    *, area: Area, code: str, name: str, inhabitants: dict[int, int], actor, reason: str
) -> Neighbourhood:
    hood = create_recorded(
        Neighbourhood, cooperative=area.cooperative, area=area, code=code, name=name,
        actor=actor, reason=reason,
    )
    for year, count in inhabitants.items():
        population_set(neighbourhood=hood, year=year, inhabitants=count, actor=actor,
                       reason=reason)
    return hood


def population_set(*, neighbourhood: Neighbourhood, year: int, inhabitants: int, actor,
                   reason: str) -> Population:
    population = Population.objects.filter(neighbourhood=neighbourhood, year=year).first()
    population = population or Population(neighbourhood=neighbourhood, year=year)
    population.inhabitants = inhabitants
    return save_recorded(population, actor=actor, reason=reason)


def expertise_create(*, code: str, name: str, actor, reason: str) -> Expertise:
    return create_recorded(Expertise, code=code, name=name, actor=actor, reason=reason)


@transaction.atomic
def team_create(*, area: Area, code: str, name: str, kind: str, neighbourhoods, actor,
                reason: str) -> Team:
    team = create_recorded(
        Team, cooperative=area.cooperative, area=area, code=code, name=name, kind=kind,
        actor=actor, reason=reason,
    )
    team.neighbourhoods.set(neighbourhoods)
    return team


def membership_add(*, cooperative: Cooperative, organisation, valid_from: date,
                   valid_to: date | None = None, voting_weight=None, actor,
                   reason: str) -> Membership:
    fields = {"voting_weight": voting_weight} if voting_weight is not None else {}
    return create_recorded(
        Membership, cooperative=cooperative, organisation=organisation, valid_from=valid_from,
        valid_to=valid_to, actor=actor, reason=reason, **fields,
    )


def board_seat_add(*, cooperative: Cooperative, user, role: str, valid_from: date,
                   organisation=None, valid_to: date | None = None, actor,
                   reason: str) -> BoardSeat:
    return create_recorded(
        BoardSeat, cooperative=cooperative, user=user, role=role, organisation=organisation,
        valid_from=valid_from, valid_to=valid_to, actor=actor, reason=reason,
    )


@transaction.atomic
def cooperative_role_grant(*, cooperative: Cooperative, user, role: str, actor,
                           reason: str) -> CooperativeRole:
    """A role for the cooperative as a whole. (The Django admin is the application
    administrator's only: no staff access comes with it.)"""
    return create_recorded(
        CooperativeRole, cooperative=cooperative, user=user, role=role, actor=actor,
        reason=reason,
    )
