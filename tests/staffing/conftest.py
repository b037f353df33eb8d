from datetime import date
from decimal import Decimal

import pytest

from budgets import services as budget_services
from partners.models import Organisation
from partners.services import staff_commitment_create


@pytest.fixture
def round_tom(tom):
    return tom.budget_rounds.get(year=2026)


@pytest.fixture
def round_heerlen(heerlen):
    return heerlen.budget_rounds.get(year=2026)


@pytest.fixture
def welzijn() -> Organisation:
    """tom-directeur's organisation: no commitments and no 2026 budget in the demo."""
    return Organisation.objects.get(code="tom-welzijn")


@pytest.fixture
def team(tom):
    return tom.teams.get(code="TOM-N")


@pytest.fixture
def expertise():
    from cooperatie.models import Expertise

    return Expertise.objects.get(code="MW")


@pytest.fixture
def commit(round_tom, welzijn, team, expertise, users):
    """Make a commitment as tom-directeur; keyword arguments override the defaults."""

    def make(**kwargs):
        fields = {"budget_round": round_tom, "organisation": welzijn, "team": team,
                  "expertise": expertise, "fte": Decimal("1.00"),
                  "annual_cost": Decimal("68750.00"), "actor": users["tom-directeur"],
                  "reason": "test"}
        fields.update(kwargs)
        return staff_commitment_create(**fields)

    return make


@pytest.fixture
def draft(round_tom, welzijn, users):
    return budget_services.budget_get_or_create(budget_round=round_tom, organisation=welzijn,
                                                actor=users["tom-directeur"])


def day(text: str) -> date:
    d, m, y = (int(p) for p in text.split("-"))
    return date(y, m, d)
