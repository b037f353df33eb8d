"""The deadline task runs in a real Celery worker with its scheduler (-B, as in the demo):
a proposal whose deadline passed is closed and its decision recorded, without anyone acting."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperatie.governance.models import Decision, Proposal
from tests.workers import running_worker


@pytest.mark.worker
def test_the_scheduler_closes_a_proposal_at_its_deadline(demo_after_flush, transactional_db):
    from django.contrib.auth import get_user_model

    from budgets.allocation import services as allocation
    from cooperatie.governance import services as governance
    from cooperatie.models import Cooperative
    from partners.models import Organisation
    from tests.allocation.conftest import percentages_key

    tom = Cooperative.objects.get(code="tom")
    users = {u.username: u for u in get_user_model().objects.all()}
    drafter = users["tom-penningmeester"]
    orgs = list(Organisation.objects.filter(memberships__cooperative=tom).order_by("code"))[:2]
    grant = allocation.grant_create(
        cooperative=tom, year=2027, amount=Decimal("1000.00"),
        funding_stream=tom.funding_streams.first(), funder_name="Provincie",
        description="test", actor=drafter, reason="t")
    plan = allocation.plan_draft(grant=grant, actor=drafter, reason="t")
    allocation.plan_save(plan=plan, method="partners", schedule="none", note="",
                         key=percentages_key(orgs, [Decimal(60), Decimal(40)]), weights={},
                         actor=drafter, reason="t")
    proposal = allocation.plan_propose(plan=plan, actor=drafter)
    for name in ("tom-voorzitter", "tom-bestuurslid"):
        governance.vote_cast(proposal=proposal, actor=users[name], choice="for")
    # The deadline passes (set-up); the worker's scheduler checks every second.
    Proposal.objects.filter(pk=proposal.pk).update(
        deadline=timezone.now() - timedelta(seconds=1))
    with running_worker(beat=True, beat_seconds=1):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Decision.objects.filter(proposal=proposal).exists():
                break
            time.sleep(0.5)
    decision = Decision.objects.get(proposal=proposal)
    assert decision.closure == Decision.Closure.DEADLINE and decision.adopted
    assert decision.closed_by is None and (decision.votes_for, decision.seated) == (2, 3)
    plan.refresh_from_db()
    assert plan.status == "adopted" and plan.posting.posted_by == drafter
