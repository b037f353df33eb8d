"""A round of its own (2027) for realisation tests, so the demo's periods stay untouched."""

from decimal import Decimal

import pytest

from budgets import services as budget_services
from budgets.models import FundingStream
from budgets.realisation import services
from cooperatie.models import Neighbourhood
from partners.models import Organisation

REASON = "test"


@pytest.fixture
def round_2027(tom, users):
    """tom's round 2027, with the budget to date pro rata (the demo sets a monthly
    distribution for tom), so that the figures in these tests are twelfths."""
    services.realisation_settings_save(cooperative=tom, period_kind="month",
                                       warning_percent=Decimal("10"), budget_to_date="pro_rata",
                                       actor=users["tom-financien"], reason=REASON)
    return budget_services.budget_round_open(cooperative=tom, year=2027,
                                             actor=users["tom-voorzitter"], reason=REASON)


@pytest.fixture
def months(round_2027, users):
    return services.periods_plan(budget_round=round_2027, kind="month",
                                 actor=users["tom-voorzitter"], reason=REASON)


@pytest.fixture
def opened(months, users):
    """January and February 2027 open."""
    for period in months[:2]:
        services.period_open(period=period, actor=users["tom-financien"], reason=REASON)
    return months


@pytest.fixture
def welzijn() -> Organisation:
    return Organisation.objects.get(code="tom-welzijn")


@pytest.fixture
def jeugd() -> Organisation:
    return Organisation.objects.get(code="tom-jeugd")


@pytest.fixture
def hoods(tom):
    return list(Neighbourhood.objects.filter(cooperative=tom).order_by("code"))


@pytest.fixture
def streams(tom):
    return list(FundingStream.objects.filter(cooperative=tom).order_by("code"))


@pytest.fixture
def budget_2027(round_2027, welzijn, hoods, streams, users):
    """Welzijn Rijnstreek's submitted budget 2027: € 12.000 for each of two cells."""
    director = users["tom-directeur"]
    budget = budget_services.budget_get_or_create(budget_round=round_2027, organisation=welzijn,
                                                  actor=director)
    budget_services.budget_lines_save(
        budget=budget, expected_version=budget.version, actor=director, reason=REASON,
        rows=[budget_services.LineInput(hoods[0], streams[0], Decimal("12000.00")),
              budget_services.LineInput(hoods[1], streams[1], Decimal("12000.00"))])
    budget_services.budget_submit(budget=budget, actor=director, reason=REASON)
    return budget


def line(hood, stream, amount, note=""):
    return services.LineInput(hood, stream, None if amount is None else Decimal(amount), note)


def save(period, org, rows, user, version=None, reason=REASON):
    from budgets.realisation.models import PartnerRealisation

    if version is None:
        found = PartnerRealisation.objects.filter(period=period, organisation=org).first()
        version = found.version if found else 0
    return services.realisation_lines_save(period=period, organisation=org, rows=rows,
                                           expected_version=version, actor=user, reason=reason)
