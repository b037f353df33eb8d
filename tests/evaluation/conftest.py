from decimal import Decimal

import pytest

from cooperatie.evaluation import services
from cooperatie.evaluation.models import Indicator
from cooperatie.evaluation.selectors import cooperative_scope, scope_from_key


@pytest.fixture
def board(users):
    """tom's chair: may manage indicators and enter measurements."""
    return users["tom-voorzitter"]


@pytest.fixture
def satisfaction(tom) -> Indicator:
    return Indicator.objects.get(cooperative=tom, code="TEVREDEN")


@pytest.fixture
def self_reliance(tom) -> Indicator:
    return Indicator.objects.get(cooperative=tom, code="ZELFREDZAAM")


@pytest.fixture
def absence(tom) -> Indicator:
    return Indicator.objects.get(cooperative=tom, code="VERZUIM")


@pytest.fixture
def tom_scope(tom):
    return cooperative_scope(tom)


@pytest.fixture
def make_indicator(tom, board):
    """A fresh indicator of tom (no measurements yet)."""
    counter = iter(range(1, 1000))

    def make(**fields) -> Indicator:
        n = next(counter)
        defaults = {"cooperative": tom, "aim": "experience", "code": f"TEST{n}",
                    "name": f"Testindicator {n}", "unit": "score", "direction": "higher",
                    "first_year": 2024, "target": Decimal("8.0"), "method": "average"}
        return services.indicator_create(**{**defaults, **fields}, actor=board,
                                         reason="test")
    return make


def scope(cooperative, key):
    return scope_from_key(cooperative, key)
