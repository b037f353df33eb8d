"""Deadlines and closing: the scheduled close at the deadline, the chair's early close after a
confirmation, the close by itself when every seated member voted, one decision when two close
at once, the board's considerations afterwards, and the events others listen to."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from budgets.models import AllocationPlan
from cooperatie.governance import events, services
from cooperatie.governance.models import Decision, Proposal
from cooperatie.models import BoardSeat

DRAFTER = "tom-penningmeester"


def vote(proposal, users, name, choice, conflict=False):
    return services.vote_cast(proposal=proposal, actor=users[name], choice=choice,
                              conflict_of_interest=conflict)


def past_deadline(proposal, minutes=1):
    """Time passes: the deadline lies `minutes` behind us (test set-up, not a product write)."""
    Proposal.objects.filter(pk=proposal.pk).update(
        deadline=timezone.now() - timedelta(minutes=minutes))
    proposal.refresh_from_db()


def test_a_proposal_gets_the_cooperatives_term_as_its_deadline(proposed, tom):
    tom.voting_days = 3
    tom.save()
    before = timezone.now()
    proposal, _ = proposed()
    assert proposal.is_open and proposal.opened_at >= before
    assert proposal.deadline - proposal.opened_at == timedelta(days=3)


def test_voting_after_the_deadline_is_refused_even_before_the_task_ran(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    past_deadline(proposal)
    with pytest.raises(ValidationError, match="De stemtermijn van .* is verstreken op"):
        vote(proposal, users, "tom-bestuurslid", "for")
    with pytest.raises(ValidationError, match="verstreken"):
        vote(proposal, users, "tom-voorzitter", "against")  # no change either
    assert list(proposal.votes.values_list("choice", flat=True)) == ["for"]


def test_the_deadline_closes_it_and_the_decision_is_carried_out(proposed, users):
    proposal, plan = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, "tom-bestuurslid", "for")
    later, _ = proposed()  # its deadline is still ahead
    past_deadline(proposal)
    decisions = services.close_due()
    assert [d.proposal_id for d in decisions] == [proposal.pk]
    decision = decisions[0]
    assert decision.adopted and decision.closure == Decision.Closure.DEADLINE
    assert decision.closed_by is None
    record = decision.history.get()
    assert record.history_user == users[DRAFTER]  # carried out in the drafter's name
    assert "gesloten bij het verstrijken van de termijn" in record.history_change_reason
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.ADOPTED
    assert plan.posting.posted_by == users[DRAFTER]
    later.refresh_from_db()
    assert later.is_open
    assert services.close_due() == []  # nothing left to close


def test_it_closes_by_itself_when_every_seated_member_has_voted(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, DRAFTER, "abstain")
    assert Proposal.objects.get(pk=proposal.pk).is_open
    vote(proposal, users, "tom-bestuurslid", "for")
    decision = Decision.objects.get(proposal=proposal)
    assert decision.closure == Decision.Closure.ALL_VOTED and decision.adopted
    assert decision.history.get().history_user == users["tom-bestuurslid"]


def test_the_cooperative_names_who_else_may_close_early(proposed, users, tom):
    proposal, _ = proposed()
    with pytest.raises(PermissionDenied):
        services.proposal_close(proposal=proposal, actor=users["tom-bestuurslid"])
    seat = BoardSeat.objects.get(cooperative=tom, user=users["tom-bestuurslid"])
    seat.may_close_early = True
    seat.save()
    member = type(users["tom-bestuurslid"]).objects.get(pk=users["tom-bestuurslid"].pk)
    decision = services.proposal_close(proposal=proposal, actor=member)
    assert decision.closure == Decision.Closure.BY_CLOSER and decision.closed_by == member


def test_a_confirmation_for_an_older_tally_is_refused(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    seen = services.standing(proposal).state
    vote(proposal, users, "tom-bestuurslid", "for")  # comes in while the chair confirms
    with pytest.raises(ValidationError, match="De stand is veranderd"):
        services.proposal_close(proposal=proposal, actor=users["tom-voorzitter"],
                                expected_state=seen)
    assert not Decision.objects.filter(proposal=proposal).exists()
    now = services.standing(Proposal.objects.get(pk=proposal.pk)).state
    assert now != seen
    decision = services.proposal_close(proposal=proposal, actor=users["tom-voorzitter"],
                                       expected_state=now)
    assert decision.adopted and decision.votes_for == 2


def test_a_changed_vote_changes_the_state_too(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    seen = services.standing(proposal).state
    vote(proposal, users, "tom-voorzitter", "against")
    assert services.standing(proposal).state != seen


def test_the_standing_says_what_closing_now_would_give(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    now = services.standing(proposal)
    assert not now.result.adopted and not now.result.four_eyes_met
    assert now.not_voted == {users[DRAFTER].pk, users["tom-bestuurslid"].pk}
    vote(proposal, users, DRAFTER, "for")
    now = services.standing(proposal)
    assert now.result.adopted and now.not_voted == {users["tom-bestuurslid"].pk}


def test_the_board_records_its_considerations_once_after_a_close_by_itself(proposed, users):
    proposal, _ = proposed()
    for name in ("tom-voorzitter", DRAFTER, "tom-bestuurslid"):
        vote(proposal, users, name, "for")
    decision = Decision.objects.get(proposal=proposal)
    assert decision.reasons == ""
    with pytest.raises(PermissionDenied):
        services.decision_record_reasons(decision=decision, actor=users["tom-bestuurslid"],
                                         reasons="x")
    with pytest.raises(ValidationError, match="Vul de overwegingen in"):
        services.decision_record_reasons(decision=decision, actor=users["tom-voorzitter"],
                                         reasons="  ")
    services.decision_record_reasons(decision=decision, actor=users["tom-voorzitter"],
                                     reasons="Unaniem.")
    with pytest.raises(ValidationError, match="zijn al vastgelegd"):
        services.decision_record_reasons(decision=decision, actor=users["tom-voorzitter"],
                                         reasons="Anders.")
    decision.refresh_from_db()
    assert decision.reasons == "Unaniem."
    assert decision.history.first().history_change_reason == "overwegingen vastgelegd"


def test_listeners_hear_of_opening_and_closing_only_after_commit(
        proposed, users, django_capture_on_commit_callbacks):
    heard = []

    def opened(proposal_id):
        heard.append(("opened", proposal_id))

    def closed(proposal_id, decision_id):
        heard.append(("closed", proposal_id, decision_id))

    events.subscribe(events.PROPOSAL_OPENED, opened)
    events.subscribe(events.PROPOSAL_CLOSED, closed)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            proposal, _ = proposed()
        assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
    finally:
        events.unsubscribe(events.PROPOSAL_OPENED, opened)
        events.unsubscribe(events.PROPOSAL_CLOSED, closed)
    assert heard == [("opened", proposal.pk), ("closed", proposal.pk, decision.pk)]


def test_two_people_closing_at_the_same_moment_produce_one_decision(demo_after_flush,
                                                                   transactional_db):
    # (demo_after_flush first: its teardown, reloading the demo, runs after the flush)
    from django.contrib.auth import get_user_model

    from budgets.allocation import services as allocation
    from cooperatie.models import Cooperative
    from partners.models import Organisation
    from tests.allocation.conftest import percentages_key

    tom = Cooperative.objects.get(code="tom")
    users = {u.username: u for u in get_user_model().objects.all()}
    BoardSeat.objects.filter(cooperative=tom, user=users[DRAFTER]).update(may_close_early=True)
    orgs = list(Organisation.objects.filter(memberships__cooperative=tom).order_by("code"))[:2]
    grant = allocation.grant_create(
        cooperative=tom, year=2027, amount=Decimal("100.00"),
        funding_stream=tom.funding_streams.first(), funder_name="x", description="x",
        actor=users[DRAFTER], reason="t")
    plan = allocation.plan_draft(grant=grant, actor=users[DRAFTER], reason="t")
    allocation.plan_save(plan=plan, method="partners", schedule="none", note="",
                         key=percentages_key(orgs, [Decimal(50), Decimal(50)]), weights={}, actor=users[DRAFTER],
                         reason="t")
    proposal = allocation.plan_propose(plan=plan, actor=users[DRAFTER])
    start = threading.Barrier(2)
    outcomes = []

    def close_as(name):
        try:
            start.wait(timeout=10)
            actor = get_user_model().objects.get(username=name)
            outcomes.append(services.proposal_close(proposal=proposal, actor=actor).number)
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=close_as, args=(n,))
               for n in ("tom-voorzitter", DRAFTER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Decision.objects.filter(proposal=proposal).count() == 1
    number = Decision.objects.get(proposal=proposal).number
    assert sorted(outcomes, key=lambda o: o != number) == [
        number, f"Over dit voorstel is al besloten (besluit {number})."]
