"""A year of its own (2024, before the demo's years and in the past, so payments can be dated in it) in tom for settlement tests, so the demo stays untouched: a lump
sum of € 100.000 on Jeugd split 50/30/20 over three partners (quarterly advances), adopted;
the year in quarters, every quarter's realisation submitted and the quarter closed.

Realised on Jeugd: Welzijn € 45.000 (a surplus of € 5.000), Jeugd en Gezin € 33.000,01 (a
deficit of € 3.000,01) and GGZ exactly its € 20.000; Welzijn also spends € 7.000 on Wmo,
which is not this grant's stream and is not counted."""

from decimal import Decimal

import pytest

from budgets import services as budget_services
from budgets.allocation import services as allocation
from budgets.models import AllocationKey, FundingStream
from budgets.realisation import services as realisation
from cooperatie.governance import services as governance
from cooperatie.models import Neighbourhood
from partners.models import Organisation

D = Decimal
REASON = "test"
YEAR = 2024
# per partner: the realisation per quarter on Jeugd (and for Welzijn on Wmo)
SPENT = {
    "tom-welzijn": [D("11000.00"), D("11000.00"), D("11500.00"), D("11500.00")],
    "tom-jeugd": [D("8000.00"), D("8000.00"), D("8500.00"), D("8500.01")],
    "tom-ggz": [D("5000.00")] * 4,
}
SHARES = {"tom-welzijn": D("50"), "tom-jeugd": D("30"), "tom-ggz": D("20")}


@pytest.fixture
def partners():
    return {code: Organisation.objects.get(code=code) for code in SHARES}


@pytest.fixture
def grant_2024(tom, users, partners):
    """The lump sum with its plan adopted (no periods yet)."""
    treasurer, chair, member = (users["tom-penningmeester"], users["tom-voorzitter"],
                                users["tom-bestuurslid"])
    budget_services.budget_round_open(cooperative=tom, year=YEAR, actor=chair, reason=REASON)
    grant = allocation.grant_create(
        cooperative=tom, year=YEAR, amount=D("100000.00"),
        funding_stream=FundingStream.objects.get(cooperative=tom, code="JEUGD"),
        funder_name="Provincie Zuid-Holland (fictief)", description="jeugd 2024",
        actor=treasurer, reason=REASON)
    plan = allocation.plan_draft(grant=grant, actor=treasurer, reason=REASON)
    allocation.plan_save(
        plan=plan, method="partners", schedule="quarterly", note="", weights={},
        key=allocation.KeyInput(AllocationKey.Basis.PERCENTAGES, AllocationKey.Unit.EURO, "test",
                                {partners[c]: v for c, v in SHARES.items()}),
        actor=treasurer, reason=REASON)
    proposal = allocation.plan_propose(plan=plan, actor=treasurer)
    governance.vote_cast(proposal=proposal, actor=chair, choice="for")
    governance.vote_cast(proposal=proposal, actor=member, choice="for")
    governance.proposal_close(proposal=proposal, actor=chair)
    plan.refresh_from_db()
    assert plan.is_adopted
    return grant


def spend(period, org, amounts: dict, user):
    """Save and submit a partner's realisation of a period: {(hood, stream): amount}."""
    rows = [realisation.LineInput(h, s, a, "") for (h, s), a in amounts.items()]
    realisation.realisation_lines_save(period=period, organisation=org, rows=rows,
                                       expected_version=0, actor=user, reason=REASON)
    realisation.realisation_submit(period=period, organisation=org, actor=user, reason=REASON)


@pytest.fixture
def quarters(grant_2024, tom, users):
    budget_round = tom.budget_rounds.get(year=YEAR)
    return realisation.periods_plan(budget_round=budget_round, kind="quarter",
                                    actor=users["tom-voorzitter"], reason=REASON)


@pytest.fixture
def year_done(grant_2024, quarters, tom, users, partners):
    """Every quarter's realisation of the three partners submitted, every quarter closed."""
    finance = users["tom-financien"]
    hoods = list(Neighbourhood.objects.filter(cooperative=tom).order_by("code"))
    jeugd = FundingStream.objects.get(cooperative=tom, code="JEUGD")
    wmo = FundingStream.objects.get(cooperative=tom, code="WMO")
    for q, period in enumerate(quarters):
        realisation.period_open(period=period, actor=finance, reason=REASON)
        for code, org in partners.items():
            half = (SPENT[code][q] / 2).quantize(D("0.01"))
            amounts = {(hoods[0], jeugd): half, (hoods[1], jeugd): SPENT[code][q] - half}
            if code == "tom-welzijn":
                amounts[(hoods[0], wmo)] = D("1750.00")
            spend(period, org, amounts, finance)
        realisation.period_close(period=period, actor=finance, reason=REASON)
    return grant_2024
