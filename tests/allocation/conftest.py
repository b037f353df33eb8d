from decimal import Decimal

import pytest

from budgets.allocation import services as svc
from budgets.models import AllocationKey, AllocationPlan, LumpSumGrant
from cooperatie.models import Proposal
from partners.models import Organisation


@pytest.fixture
def tom_members(tom):
    return list(Organisation.objects.filter(memberships__cooperative=tom).order_by("code"))


@pytest.fixture
def tom_grant(tom) -> LumpSumGrant:
    """The demo's lump sum: version 1 adopted (decision 2026-001), version 2 proposed."""
    return LumpSumGrant.objects.get(cooperative=tom, year=2026)


@pytest.fixture
def v1(tom_grant) -> AllocationPlan:
    return tom_grant.plans.get(version=1)


@pytest.fixture
def v2(tom_grant) -> AllocationPlan:
    return tom_grant.plans.get(version=2)


def percentages_key(orgs, values, description="test") -> svc.KeyInput:
    return svc.KeyInput(AllocationKey.Basis.PERCENTAGES, AllocationKey.Unit.EURO, description,
                        dict(zip(orgs, values, strict=False)))


@pytest.fixture
def new_grant(tom, users):
    """A fresh grant in tom (no plans yet)."""
    def make(amount="1000.00", year=2027):
        return svc.grant_create(
            cooperative=tom, year=year, amount=Decimal(amount),
            funding_stream=tom.funding_streams.get(code="JEUGD"), funder_name="Provincie",
            description="test", actor=users["tom-penningmeester"], reason="test")
    return make


@pytest.fixture
def proposed(new_grant, tom_members, users):
    """A fresh plan (60/40 over two partners), proposed by tom-penningmeester."""
    def make(drafter="tom-penningmeester", amount="1000.00") -> tuple[Proposal, AllocationPlan]:
        grant = new_grant(amount)
        actor = users[drafter]
        plan = svc.plan_draft(grant=grant, actor=actor, reason="test")
        svc.plan_save(plan=plan, method="partners", schedule="none", note="",
                      key=percentages_key(tom_members[:2], [Decimal("60"), Decimal("40")]),
                      weights={}, actor=actor, reason="test")
        return svc.plan_propose(plan=plan, actor=actor), plan
    return make
