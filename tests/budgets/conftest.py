import pytest

from budgets import services
from budgets.models import BudgetRound, FundingStream, PartnerBudget
from cooperatie.models import Neighbourhood
from partners.models import Organisation


@pytest.fixture
def round_2026(tom) -> BudgetRound:
    return tom.budget_rounds.get(year=2026)


@pytest.fixture
def welzijn() -> Organisation:
    """tom-directeur's organisation: no 2026 budget yet in the demo."""
    return Organisation.objects.get(code="tom-welzijn")


@pytest.fixture
def draft(round_2026, welzijn, users) -> PartnerBudget:
    return services.budget_get_or_create(budget_round=round_2026, organisation=welzijn,
                                         actor=users["tom-directeur"])


@pytest.fixture
def hoods(tom):
    return list(Neighbourhood.objects.filter(cooperative=tom).order_by("code"))


@pytest.fixture
def streams(tom):
    return list(FundingStream.objects.filter(cooperative=tom).order_by("code"))
