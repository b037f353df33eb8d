"""The treasurer's to-do: a lump sum to settle exactly when it may be drafted (the same checks
that refuse drafting too early), due for the annual account on 1 April of the next year; a
draft to put to the board; the board's vote once it is proposed (governance's to-do)."""

from datetime import date

import pytest
from django.urls import reverse

from budgets.realisation import services as realisation
from budgets.settlement import selectors, services
from cooperatie import policy
from cooperatie.models import BoardSeat
from cooperatie.notifications.todo import todo_for
from tests.conftest import login

from .conftest import REASON, YEAR
from .test_settlement import KEEP_AND_RESERVE, adopt

pytestmark = pytest.mark.django_db
GRANT = f"Provincie Zuid-Holland (fictief) {YEAR}"
TO_DRAFT = f"Vaststelling van de lumpsum {GRANT} opstellen"
TO_PROPOSE = f"Vaststelling van de lumpsum {GRANT} afmaken en aan het bestuur voorleggen"


def items(user, cooperative) -> dict:
    user.__dict__.pop("_cooperative_roles", None)
    return {t.title: t for t in todo_for(user, cooperative, policy.roles_for(user, cooperative))
            if t.title.startswith("Vaststelling van de lumpsum") and GRANT in t.title}


def test_not_before_every_period_is_closed_and_every_realisation_is_in(grant_2024, quarters,
                                                                        tom, users, partners):
    treasurer, finance = users["tom-penningmeester"], users["tom-financien"]
    assert items(treasurer, tom) == {}  # no quarter opened yet
    from budgets.models import FundingStream
    from cooperatie.models import Neighbourhood

    from .conftest import spend

    hood = Neighbourhood.objects.filter(cooperative=tom).order_by("code").first()
    jeugd = FundingStream.objects.get(cooperative=tom, code="JEUGD")
    for period in quarters:
        realisation.period_open(period=period, actor=finance, reason=REASON)
        for code, org in partners.items():
            if not (code == "tom-ggz" and period.number == 4):
                spend(period, org, {(hood, jeugd): 100}, finance)
        if period.number < 4:
            realisation.period_close(period=period, actor=finance, reason=REASON)
    assert items(treasurer, tom) == {}  # the last quarter is open
    realisation.period_close(period=quarters[3], actor=finance, reason=REASON)
    assert items(treasurer, tom) == {}  # GGZ's fourth quarter is missing
    assert selectors.readiness(grant_2024)[0]  # which is what refuses a draft too


def test_once_the_year_is_complete_the_treasurer_drafts_it_by_1_april(year_done, tom, users):
    treasurer = users["tom-penningmeester"]
    [item] = items(treasurer, tom).values()
    assert item.title == TO_DRAFT
    assert item.due == date(YEAR + 1, 4, 1) and item.overdue  # the demo's today is later
    assert item.url == reverse("settlement:grant", kwargs={"code": "tom", "pk": year_done.pk})
    # Only the treasurer: the rest of the board, finance and directors do not see it.
    for username in ("tom-voorzitter", "tom-bestuurslid", "tom-financien", "tom-directeur"):
        assert items(users[username], tom) == {}, username
    home = login_page("tom-penningmeester")
    assert TO_DRAFT in home and "voor de jaarverantwoording, uiterlijk 01-04-2025" in home


def test_without_a_treasurer_the_board_sees_it(year_done, tom, users):
    BoardSeat.objects.filter(cooperative=tom, role=BoardSeat.Role.TREASURER).delete()
    assert TO_DRAFT in items(users["tom-voorzitter"], tom)
    assert items(users["tom-financien"], tom) == {}


def test_a_draft_is_to_be_put_to_the_board_then_it_is_the_boards_vote(year_done, tom, users):
    treasurer, chair = users["tom-penningmeester"], users["tom-voorzitter"]
    settlement = services.settlement_draft(grant=year_done, actor=treasurer)
    [item] = items(treasurer, tom).values()
    assert item.title == TO_PROPOSE and item.due == date(YEAR + 1, 4, 1)
    assert item.url == reverse("settlement:settlement",
                               kwargs={"code": "tom", "pk": settlement.pk})
    services.settlement_save(settlement=settlement, rule=KEEP_AND_RESERVE, actor=treasurer)
    proposal = services.settlement_propose(settlement=settlement, actor=treasurer)
    assert items(treasurer, tom) == {}  # no longer the treasurer's to draft
    vote = f"Stemmen over “{proposal.title}”"
    for username in ("tom-voorzitter", "tom-bestuurslid", "tom-penningmeester"):
        user = users[username]
        user.__dict__.pop("_cooperative_roles", None)
        titles = [t.title for t in todo_for(user, tom, policy.roles_for(user, tom))]
        assert titles.count(vote) == 1, username  # once, from governance
    adopt(proposal, users)
    chair.__dict__.pop("_cooperative_roles", None)
    assert vote not in [t.title for t in todo_for(chair, tom, policy.roles_for(chair, tom))]
    assert items(treasurer, tom) == {}  # settled: nothing more to do


def login_page(username) -> str:
    from django.test import Client

    client = login(Client(), username)
    return client.get(reverse("cooperative_home", kwargs={"code": "tom"})).content.decode()
