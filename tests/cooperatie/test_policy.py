"""The whole matrix: every demo role × every action, on the tom demo."""

import pytest

from cooperatie import policy
from partners.models import Organisation

ROLES = ["tom-directeur", "tom-directeur2", "tom-voorzitter", "tom-penningmeester",
         "tom-bestuurslid", "tom-financien", "tom-beheerder", "heerlen-directeur", "beheerder"]

# action → the users (of ROLES) who may do it to tom (or to tom-welzijn, tom-directeur's org)
MATRIX = {
    "cooperative.view": {"tom-directeur", "tom-directeur2", "tom-voorzitter",
                         "tom-penningmeester", "tom-bestuurslid", "tom-financien",
                         "tom-beheerder", "beheerder"},
    "cooperative.configure": {"tom-beheerder", "beheerder"},
    "round.manage": {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"},
    "pooled.view": {"tom-directeur", "tom-directeur2", "tom-voorzitter", "tom-penningmeester",
                    "tom-bestuurslid", "tom-financien", "tom-beheerder", "beheerder"},
    "ledger.view": {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid", "tom-financien",
                    "beheerder"},
    "export.start": {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid",
                     "tom-financien"},
    "plan.draft": {"tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"},
    "organisation.act": {"tom-directeur"},
    "staff.commit": {"tom-directeur"},
    "organisation.view_drafts": {"tom-directeur", "tom-voorzitter", "tom-penningmeester",
                                 "tom-bestuurslid", "beheerder"},
}


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("username", ROLES)
def test_policy_matrix(tom, users, action, username):
    user = users[username]
    target = Organisation.objects.get(code="tom-welzijn") if action.startswith(
        ("organisation", "staff")) else tom
    expected = username in MATRIX[action]
    assert policy.allowed(user, action, target, cooperative=tom) is expected


def test_roles_are_cached_per_user_object(tom, users, django_assert_num_queries):
    user = users["tom-directeur"]
    policy.roles_for(user, tom)
    with django_assert_num_queries(0):
        policy.roles_for(user, tom)


def test_ended_board_seat_gives_no_rights(tom, users):
    from datetime import date

    seat = users["tom-bestuurslid"].board_seats.get()
    seat.valid_to = date(2024, 12, 31)
    seat.save()
    assert not policy.allowed(users["tom-bestuurslid"], "round.manage", tom)


def test_anonymous_may_do_nothing(tom):
    from django.contrib.auth.models import AnonymousUser

    assert not any(policy.allowed(AnonymousUser(), a, tom) for a in
                   ("cooperative.view", "pooled.view", "round.manage"))
