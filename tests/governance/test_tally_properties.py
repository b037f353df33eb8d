"""Property tests of the tally: for any set of votes, proxies and conflicts the result is what
the rules say. Once on the pure rules, once end to end through the services (proxies recorded,
votes cast in person and by proxy, conflicts declared, the vote closed) against the rules as
the issue states them, written out independently below."""

from datetime import date
from types import SimpleNamespace

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperatie import services as coop_services
from cooperatie.governance import services
from cooperatie.governance.models import Decision
from cooperatie.governance.rules import tally
from cooperatie.models import BoardSeat

from . import files

CHOICES = ["for", "against", "abstain"]


def expected(ballots: dict[int, dict], *, seated: int, drafter: int, quorum: int,
             majority: str) -> dict:
    """The rules of issue 16, one by one: a conflicted vote (in person or by proxy) counts for
    nothing; quorum on the counted votes; majority of for and against; four eyes."""
    counted = {m: b for m, b in ballots.items() if not b["conflict"]}
    n_for = sum(b["choice"] == "for" for b in counted.values())
    n_against = sum(b["choice"] == "against" for b in counted.values())
    approvers = {m for m, b in counted.items() if b["choice"] == "for"}
    quorum_ok = seated > 0 and 100 * len(counted) >= quorum * seated
    if majority == "two_thirds":
        majority_ok = n_for > 0 and 3 * n_for >= 2 * (n_for + n_against)
    else:
        majority_ok = n_for > n_against
    four_eyes = len(approvers) >= 2 and bool(approvers - {drafter})
    return {
        "votes_for": n_for, "votes_against": n_against,
        "votes_abstain": len(counted) - n_for - n_against,
        "votes_conflicted": len(ballots) - len(counted),
        "votes_by_proxy": sum(b["by_proxy"] for b in counted.values()),
        "quorum_reached": quorum_ok, "majority_reached": majority_ok,
        "four_eyes_met": four_eyes, "adopted": quorum_ok and majority_ok and four_eyes,
    }


ballot = st.fixed_dictionaries({"choice": st.sampled_from(CHOICES), "conflict": st.booleans(),
                                "by_proxy": st.booleans()})


@given(ballots=st.dictionaries(st.integers(0, 11), ballot, max_size=12),
       extra_seated=st.integers(0, 4), quorum=st.integers(0, 100), drafter=st.integers(0, 11),
       majority=st.sampled_from(["simple", "two_thirds"]))
def test_the_pure_rules_give_what_the_issue_says(ballots, extra_seated, quorum, drafter,
                                                 majority):
    votes = [SimpleNamespace(user_id=m, cast_by_id=100 + m if b["by_proxy"] else m,
                             choice=b["choice"], conflict_of_interest=b["conflict"])
             for m, b in ballots.items()]
    seated = len(ballots) + extra_seated
    result = tally(votes, seated=seated, drafter_id=drafter, quorum_percent=quorum,
                   majority=majority)
    want = expected(ballots, seated=seated, drafter=drafter, quorum=quorum, majority=majority)
    got = {k: getattr(result, k) for k in want}
    assert got == want


# --- end to end: seven seated members of tom ---------------------------------------------------

MEMBERS = ["tom-voorzitter", "tom-penningmeester", "tom-bestuurslid", "tom-directeur",
           "tom-directeur2", "tom-financien", "tom-beheerder"]
DRAFTER = "tom-penningmeester"

# What each member does: nothing, vote in person, or let another member vote by proxy; with or
# without a conflict (ticked on the vote, or declared by the member afterwards).
action = st.fixed_dictionaries({
    "how": st.sampled_from(["none", "self", "proxy"]),
    "holder": st.integers(0, len(MEMBERS) - 1),
    "choice": st.sampled_from(CHOICES),
    "conflict": st.sampled_from(["no", "ticked", "declared"]),
})


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=len(MEMBERS), max_size=len(MEMBERS)),
       quorum=st.integers(0, 100), majority=st.sampled_from(["simple", "two_thirds"]))
def test_any_votes_proxies_and_conflicts_through_the_services(tom, users, proposed, actions,
                                                              quorum, majority):
    for name in MEMBERS[3:]:
        if not BoardSeat.objects.filter(cooperative=tom, user=users[name]).exists():
            coop_services.board_seat_add(cooperative=tom, user=users[name],
                                         role=BoardSeat.Role.MEMBER,
                                         valid_from=date(2024, 1, 1), actor=users["beheerder"],
                                         reason="test")
    for user in users.values():
        user.__dict__.pop("_cooperative_roles", None)
    sid = transaction.savepoint()
    try:
        tom.quorum_percent, tom.majority, tom.proxies_per_holder = quorum, majority, 10
        tom.save()
        proposal, _ = proposed()
        ballots = {}
        for i, (name, act) in enumerate(zip(MEMBERS, actions, strict=True)):
            if act["how"] == "none" and act["conflict"] != "declared":
                continue
            caster = name
            holder = MEMBERS[act["holder"]]
            if act["how"] == "proxy" and holder != name:
                services.proxy_grant(cooperative=tom, grantor=users[name],
                                     holder=users[holder], proposal=proposal, data=files.PDF,
                                     filename="machtiging.pdf", actor=users[name])
                caster = holder
            if act["how"] != "none" and proposal.is_open:
                services.vote_cast(proposal=proposal, actor=users[caster],
                                   choice=act["choice"],
                                   conflict_of_interest=act["conflict"] == "ticked",
                                   on_behalf_of=users[name] if caster != name else None)
                ballots[i] = {"choice": act["choice"], "conflict": act["conflict"] == "ticked",
                              "by_proxy": caster != name}
            if act["conflict"] == "declared" and proposal.is_open:
                services.conflict_declare(proposal=proposal, actor=users[name])
                ballots.setdefault(i, {"choice": "abstain", "by_proxy": False})
                ballots[i]["conflict"] = True
        if proposal.is_open:
            decision = services.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
        else:  # the last member's vote closed it
            decision = Decision.objects.get(proposal=proposal)
            assert len(ballots) == len(MEMBERS)
        want = expected(ballots, seated=len(MEMBERS), drafter=MEMBERS.index(DRAFTER),
                        quorum=quorum, majority=majority)
        got = {k: getattr(decision, k) for k in want}
        assert got == want
        assert decision.seated == len(MEMBERS)
    finally:
        transaction.savepoint_rollback(sid)
