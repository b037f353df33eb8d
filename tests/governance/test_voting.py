"""The board's rules: quorum, majority, four-eyes, conflicts of interest; votes and numbered
decisions. tom's board: tom-voorzitter, tom-penningmeester (drafts) and tom-bestuurslid."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from budgets.models import AllocationPlan
from cooperatie import services as coop_services
from cooperatie.governance import services as svc
from cooperatie.governance.models import Decision, Vote
from cooperatie.governance.rules import tally
from cooperatie.models import BoardSeat, Cooperative

DRAFTER = "tom-penningmeester"


def vote(proposal, users, name, choice, conflict=False, reason=""):
    return svc.vote_cast(proposal=proposal, actor=users[name], choice=choice, reason=reason,
                         conflict_of_interest=conflict)


def close(proposal, users, name="tom-voorzitter", reasons=""):
    """Closed before the deadline, by the chair unless said otherwise."""
    return svc.proposal_close(proposal=proposal, actor=users[name], reasons=reasons)


def closed_by_itself(proposal) -> Decision:
    """The decision of a vote that closed when every seated member had voted."""
    decision = Decision.objects.get(proposal=proposal)
    assert decision.closure == Decision.Closure.ALL_VOTED and decision.closed_by is None
    return decision


def set_rules(cooperative, quorum=None, majority=None):
    if quorum is not None:
        cooperative.quorum_percent = quorum
    if majority is not None:
        cooperative.majority = majority
    cooperative.save()


def test_two_others_adopt(proposed, users):
    proposal, plan = proposed()
    vote(proposal, users, "tom-voorzitter", "for", reason="prima")
    vote(proposal, users, "tom-bestuurslid", "for")
    decision = close(proposal, users, reasons="conform afspraak")
    assert decision.adopted and (decision.votes_for, decision.votes_against) == (2, 0)
    assert decision.quorum_reached and decision.majority_reached and decision.four_eyes_met
    assert decision.reasons == "conform afspraak" and decision.seated == 3
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.ADOPTED and plan.posting is not None
    proposal.refresh_from_db()
    assert not proposal.is_open and proposal.closed_at is not None


def test_a_tie_is_no_majority(proposed, users):
    proposal, plan = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, "tom-bestuurslid", "against")
    vote(proposal, users, DRAFTER, "abstain")
    decision = closed_by_itself(proposal)
    assert not decision.adopted and not decision.majority_reached and decision.quorum_reached
    assert "Meerderheid niet gehaald: 1 voor, 1 tegen, 1 onthouding" in decision.explanation
    plan.refresh_from_db()
    assert plan.status == AllocationPlan.Status.REJECTED and plan.posting is None


def test_quorum_not_reached(proposed, users, tom):
    set_rules(tom, quorum=100)
    proposal, plan = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, "tom-bestuurslid", "for")
    decision = close(proposal, users)
    assert not decision.quorum_reached and decision.majority_reached and decision.four_eyes_met
    assert not decision.adopted
    assert "Quorum niet gehaald: 2 van de 3 zittende bestuursleden stemden mee (nodig: 100%)" \
        in decision.explanation


def test_no_votes_at_all(proposed, users):
    proposal, plan = proposed()
    decision = close(proposal, users)
    assert not decision.adopted and not decision.quorum_reached
    assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (0, 0, 0)


def test_conflicted_votes_count_for_nothing_not_even_the_quorum(proposed, users, tom):
    set_rules(tom, quorum=100)
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "for", conflict=True)
    decision = closed_by_itself(proposal)
    assert not decision.quorum_reached and not decision.adopted
    assert (decision.votes_for, decision.votes_conflicted) == (2, 1)


def test_a_conflicted_vote_against_does_not_block(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "against", conflict=True)
    decision = closed_by_itself(proposal)
    assert decision.adopted and decision.votes_against == 0 and decision.votes_conflicted == 1
    assert "1 stem(men) met een belangenconflict telden niet mee." in decision.explanation


def test_four_eyes_the_drafter_alone_is_not_enough(proposed, users):
    proposal, plan = proposed()
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-voorzitter", "abstain")
    vote(proposal, users, "tom-bestuurslid", "abstain")
    decision = closed_by_itself(proposal)
    assert decision.quorum_reached and decision.majority_reached
    assert not decision.four_eyes_met and not decision.adopted
    assert "alleen de opsteller stemde voor" in decision.explanation


def test_four_eyes_drafter_and_nobody_else(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, DRAFTER, "for")
    decision = close(proposal, users)
    assert not decision.four_eyes_met and not decision.adopted


def test_four_eyes_one_approver_who_is_not_the_drafter_is_not_enough(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, "tom-bestuurslid", "abstain")
    decision = close(proposal, users)
    assert not decision.four_eyes_met and not decision.adopted
    assert "1 voorstemmer(s)" in decision.explanation


def test_four_eyes_drafter_plus_another_approver_is_fine(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "for")
    assert close(proposal, users).adopted


def test_a_conflicted_approver_does_not_count_for_four_eyes(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "for", conflict=True)
    vote(proposal, users, "tom-voorzitter", "abstain")
    decision = closed_by_itself(proposal)
    assert decision.quorum_reached and not decision.four_eyes_met and not decision.adopted


def test_two_thirds_majority(proposed, users, tom):
    set_rules(tom, majority=Cooperative.Majority.TWO_THIRDS)
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "against")
    decision = closed_by_itself(proposal)
    assert decision.adopted and "twee derde" in decision.explanation
    # a fourth member: 2 for, 2 against is not two thirds
    extra = users["tom-financien"]
    coop_services.board_seat_add(cooperative=tom, user=extra, role=BoardSeat.Role.MEMBER,
                                 valid_from=date(2024, 1, 1), actor=users["beheerder"],
                                 reason="test")
    extra.__dict__.pop("_cooperative_roles", None)
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    vote(proposal, users, DRAFTER, "for")
    vote(proposal, users, "tom-bestuurslid", "against")
    vote(proposal, users, "tom-financien", "against")
    decision = closed_by_itself(proposal)
    assert not decision.majority_reached and decision.seated == 4


@pytest.mark.parametrize(("n_for", "n_against", "two_thirds", "simple"), [
    (2, 1, True, True), (3, 2, False, True), (1, 1, False, False), (0, 0, False, False),
    (4, 2, True, True), (5, 3, False, True), (2, 0, True, True),
])
def test_majority_boundaries(n_for, n_against, two_thirds, simple):
    votes = [SimpleNamespace(user_id=i, cast_by_id=i, choice="for", conflict_of_interest=False)
             for i in range(n_for)]
    votes += [SimpleNamespace(user_id=100 + i, cast_by_id=100 + i, choice="against",
                              conflict_of_interest=False)
              for i in range(n_against)]
    for rule, expected in (("two_thirds", two_thirds), ("simple", simple)):
        result = tally(votes, seated=10, drafter_id=0, quorum_percent=0, majority=rule)
        assert result.majority_reached is expected


choices = st.sampled_from(["for", "against", "abstain"])


@given(votes=st.lists(st.tuples(choices, st.booleans()), max_size=9),
       seated=st.integers(0, 12), quorum=st.integers(0, 100), drafter=st.integers(0, 9),
       majority=st.sampled_from(["simple", "two_thirds"]))
def test_adoption_always_meets_every_rule(votes, seated, quorum, drafter, majority):
    rows = [SimpleNamespace(user_id=i, cast_by_id=i, choice=c, conflict_of_interest=x)
            for i, (c, x) in enumerate(votes)]
    result = tally(rows, seated=max(seated, len(rows)), drafter_id=drafter,
                   quorum_percent=quorum, majority=majority)
    counted = [r for r in rows if not r.conflict_of_interest]
    assert result.counted == len(counted)
    assert result.votes_conflicted == len(rows) - len(counted)
    if result.adopted:
        approvers = {r.user_id for r in counted if r.choice == "for"}
        assert len(approvers) >= 2 and approvers != {drafter}
        assert len(counted) * 100 >= quorum * result.seated
        assert result.votes_for > result.votes_against


def test_a_vote_can_be_changed_until_closing_and_every_change_is_recorded(proposed, users):
    proposal, _ = proposed()
    first = vote(proposal, users, "tom-voorzitter", "for", reason="eerst")
    changed = vote(proposal, users, "tom-voorzitter", "against", reason="toch niet")
    assert changed.pk == first.pk and changed.changed_at is not None
    assert Vote.objects.get(proposal=proposal).choice == "against"
    history = list(changed.history.order_by("history_date").values_list(
        "choice", "reason", "history_change_reason", "history_user"))
    assert history == [("for", "eerst", "stem uitgebracht", users["tom-voorzitter"].pk),
                       ("against", "toch niet", "stem gewijzigd: voor → tegen",
                        users["tom-voorzitter"].pk)]
    decision = close(proposal, users)
    assert (decision.votes_for, decision.votes_against) == (0, 1)
    with pytest.raises(ValidationError, match="is gesloten"):
        vote(proposal, users, "tom-voorzitter", "for")
    assert Vote.objects.get(proposal=proposal).choice == "against"


@pytest.mark.parametrize("name", ["tom-directeur", "tom-financien", "tom-beheerder",
                                  "heerlen-voorzitter"])
def test_only_seated_board_members_vote(proposed, users, name):
    proposal, _ = proposed()
    with pytest.raises(PermissionDenied, match="Alleen zittende bestuursleden van Tom in de buurt"):
        vote(proposal, users, name, "for")
    assert not proposal.votes.exists()


def test_a_board_member_whose_seat_ended_cannot_vote(proposed, users):
    proposal, _ = proposed()
    seat = users["tom-bestuurslid"].board_seats.get()
    seat.valid_to = timezone.localdate().replace(year=2025, month=1, day=1)
    seat.save()
    with pytest.raises(PermissionDenied):
        vote(proposal, users, "tom-bestuurslid", "for")


def test_voting_after_closing_is_refused(proposed, users):
    proposal, _ = proposed()
    vote(proposal, users, "tom-voorzitter", "for")
    close(proposal, users)
    with pytest.raises(ValidationError, match="is gesloten; er kan niet meer worden gestemd"):
        vote(proposal, users, "tom-bestuurslid", "for")
    assert proposal.votes.count() == 1


def test_closing_twice_is_refused(proposed, users):
    proposal, _ = proposed()
    decision = close(proposal, users)
    with pytest.raises(ValidationError, match=f"al besloten \\(besluit {decision.number}\\)"):
        close(proposal, users)
    assert Decision.objects.filter(proposal=proposal).count() == 1


def test_a_choice_must_be_for_against_or_abstain(proposed, users):
    proposal, _ = proposed()
    with pytest.raises(ValidationError, match="Kies voor, tegen of onthouding"):
        vote(proposal, users, "tom-voorzitter", "misschien")


@pytest.mark.parametrize("name", ["tom-directeur", "tom-bestuurslid", DRAFTER])
def test_only_the_chair_closes_before_the_deadline(proposed, users, name):
    proposal, _ = proposed()
    with pytest.raises(PermissionDenied, match="Alleen de voorzitter"):
        close(proposal, users, name=name)
    proposal.refresh_from_db()
    assert proposal.is_open and not Decision.objects.filter(proposal=proposal).exists()


def test_decisions_are_numbered_per_cooperative_and_year(proposed, users, tom, heerlen):
    year = timezone.localdate().year
    before = Decision.objects.filter(cooperative=tom, year=year).count()
    first = close(proposed()[0], users)
    second = close(proposed()[0], users)
    assert first.number == f"{year}-{before + 1:03d}"
    assert second.number == f"{year}-{before + 2:03d}"
    heerlen_numbers = set(Decision.objects.filter(cooperative=heerlen)
                          .values_list("number", flat=True))
    assert heerlen_numbers == {f"{year}-001"}  # the demo's, unaffected by tom's


def test_history_records_who_voted_and_decided(proposed, users):
    proposal, _ = proposed()
    cast = vote(proposal, users, "tom-voorzitter", "for", reason="akkoord")
    record = cast.history.get()
    assert record.history_user == users["tom-voorzitter"]
    assert record.history_change_reason == "stem uitgebracht" and record.reason == "akkoord"
    decision = close(proposal, users)
    record = decision.history.get()
    assert record.history_user == users["tom-voorzitter"]
    assert record.history_change_reason == (f"besluit {decision.number}: verworpen (gesloten "
                                            "door een bestuurslid)")
    latest = proposal.history.first()
    assert latest.status == "closed" and latest.history_user == users["tom-voorzitter"]
