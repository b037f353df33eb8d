"""Who may record, draft, see, vote and close: the allocation rules in the policy module."""

import pytest

from cooperatie import policy

ROLES = ["tom-directeur", "tom-directeur2", "tom-voorzitter", "tom-penningmeester",
         "tom-bestuurslid", "tom-financien", "tom-beheerder", "heerlen-voorzitter", "beheerder"]
BOARD = {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"}
MEMBERS = BOARD | {"tom-directeur", "tom-directeur2", "tom-financien", "tom-beheerder",
                   "beheerder"}
MATRIX = {
    "grant.record": BOARD,
    "plan.draft": BOARD,
    "allocation.view": MEMBERS,
    "decision.view": MEMBERS,
    "plan.view_drafts": BOARD | {"tom-financien", "beheerder"},
}


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("username", ROLES)
def test_cooperative_rules(tom, users, action, username):
    assert policy.allowed(users[username], action, tom) is (username in MATRIX[action])


@pytest.mark.parametrize("username", ROLES)
def test_plan_and_proposal_rules(v1, v2, users, username):
    user = users[username]
    assert policy.allowed(user, "plan.view", v1) is (username in MEMBERS)
    assert policy.allowed(user, "proposal.view", v2.proposal) is (username in MEMBERS)
    assert policy.allowed(user, "proposal.vote", v2.proposal) is (username in BOARD)
    assert policy.allowed(user, "proposal.close", v2.proposal) is (username == "tom-voorzitter")


def test_drafts_are_for_the_board_and_finance(new_grant, users):
    from budgets.allocation import services as svc

    draft = svc.plan_draft(grant=new_grant(), actor=users["tom-voorzitter"], reason="t")
    allowed = {u for u in ROLES if policy.allowed(users[u], "plan.view", draft)}
    assert allowed == BOARD | {"tom-financien", "beheerder"}
