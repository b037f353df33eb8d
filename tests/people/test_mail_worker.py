"""A real worker sends through a real SMTP server on loopback: the invitation and the
password reset, each read back (subject, language, the link works once)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cooperatie.notifications.models import Mail
from cooperatie.notifications.services import language_set
from partners.models import Organisation
from tests.conftest import login
from tests.mail import body_of, link_in, smtp_server
from tests.workers import running_worker

User = get_user_model()
pytestmark = [pytest.mark.worker]


def _sent(kind, count=1):
    return Mail.objects.filter(kind=kind, status=Mail.Status.SENT).count() == count


def test_invitation_mail_from_the_worker_sets_a_password_once(demo_after_flush,
                                                             transactional_db):
    admin = login(Client(), "tom-beheerder")
    with smtp_server() as (inbox, env), running_worker(**env):
        response = admin.post(reverse("people:invite", kwargs={"code": "tom"}), {
            "first_name": "Sara", "last_name": "Koster", "email": "sara@example.nl",
            "kind": "director", "organisation": Organisation.objects.get(code="tom-ggz").pk,
            "reason": "nieuwe directeur"})
        assert response.status_code == 302
        [message] = inbox.wait_for(1)
    assert message["To"] == "sara@example.nl"
    assert message["Subject"] == "Uitnodiging voor Tom in de buurt in Samen begroten"
    assert message["Content-Language"] == "nl"
    body = body_of(message)
    assert "Beste Sara Koster," in body and "sara@example.nl" in body
    assert "Gert Mulder nodigt u uit" in body
    link = link_in(message)
    visitor = Client()
    assert visitor.get(link).status_code == 200
    password = "Koffie-met-Sara-2026"
    assert visitor.post(link, {"new_password1": password,
                               "new_password2": password}).status_code == 302
    assert visitor.get(link).status_code == 404
    assert visitor.post(reverse("login"), {"username": "sara@example.nl",
                                           "password": password}).status_code == 302
    assert _sent("invitation")


def test_password_reset_mail_in_the_persons_language_works_once(demo_after_flush,
                                                                 transactional_db):
    person = User.objects.get(username="tom-directeur")
    language_set(user=person, language="en", actor=person)
    visitor = Client()
    with smtp_server() as (inbox, env), running_worker(**env):
        response = visitor.post(reverse("password_reset"), {"email": person.email})
        assert response.status_code == 302
        # An unknown address says the same and sends nothing.
        assert visitor.post(reverse("password_reset"),
                            {"email": "niemand@example.nl"}).url == response.url
        [message] = inbox.wait_for(1)
    assert message["To"] == person.email
    assert message["Content-Language"] == "en"
    assert "tom-directeur" in body_of(message)
    link = link_in(message)
    form = visitor.get(link)
    assert form.status_code == 302  # Django hides the token behind a redirect
    password = "Nieuw-voor-Anouk-2027"
    assert visitor.post(form.url, {"new_password1": password,
                                   "new_password2": password}).status_code == 302
    again = Client().get(link, follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()
    person.refresh_from_db()
    assert person.check_password(password)
    assert _sent("password_reset")


def test_reminder_now_reaches_each_late_director_in_their_language(demo_after_flush,
                                                                   transactional_db):
    from datetime import date

    from budgets.models import BudgetRound

    nl, en = User.objects.get(username="tom-directeur"), User.objects.get(
        username="tom-directeur2")
    language_set(user=en, language="en", actor=en)
    BudgetRound.objects.filter(cooperative__code="tom", year=2026).update(
        deadline=date(2027, 1, 15))  # a Friday
    board = login(Client(), "tom-penningmeester")
    url = reverse("round_remind", kwargs={"code": "tom", "year": 2026})
    with smtp_server() as (inbox, env), running_worker(**env):
        assert board.post(url).status_code == 302
        messages = inbox.wait_for(2)
        board.post(url)  # pressed twice the same day: nothing more is queued
        assert Mail.objects.filter(kind="notification").count() == 2
    by_to = {m["To"]: m for m in messages}
    assert set(by_to) == {nl.email, en.email}
    dutch, english = by_to[nl.email], by_to[en.email]
    assert dutch["Subject"] == ("Herinnering: begroting 2026 van Welzijn Rijnstreek, deadline "
                                "vrijdag 15-01-2027")
    assert dutch["Content-Language"] == "nl" and english["Content-Language"] == "en"
    assert "Friday 15-01-2027" in english["Subject"]  # rendered in the person's language
    assert "Beste Anouk de Vries," in body_of(dutch)
    link = link_in(dutch)
    assert link == "/c/tom/begroting/invullen/?jaar=2026&org=tom-welzijn"
    assert login(Client(), "tom-directeur").get(link).status_code == 200
    assert _sent("notification", 2)


def test_vote_waiting_mail_links_to_the_proposal(demo_after_flush, transactional_db):
    from decimal import Decimal

    from budgets.allocation import services as allocation
    from cooperatie.models import Cooperative
    from tests.allocation.conftest import percentages_key

    tom = Cooperative.objects.get(code="tom")
    treasurer = User.objects.get(username="tom-penningmeester")
    grant = allocation.grant_create(
        cooperative=tom, year=2027, amount=Decimal("1000.00"),
        funding_stream=tom.funding_streams.get(code="JEUGD"), funder_name="Provincie",
        description="test", actor=treasurer, reason="test")
    members = list(Organisation.objects.filter(memberships__cooperative=tom).order_by("code"))
    plan = allocation.plan_draft(grant=grant, actor=treasurer, reason="test")
    allocation.plan_save(plan=plan, method="partners", schedule="none", note="",
                         key=percentages_key(members[:2], [Decimal("60"), Decimal("40")]),
                         weights={}, actor=treasurer, reason="test")
    with smtp_server() as (inbox, env), running_worker(**env):
        proposal = allocation.plan_propose(plan=plan, actor=treasurer)
        messages = inbox.wait_for(3)
    chair = User.objects.get(username="tom-voorzitter")
    [mail] = [m for m in messages if m["To"] == chair.email]
    assert mail["Subject"] == f"Uw stem gevraagd: {proposal.title}"
    assert mail["Content-Language"] == "nl" and "Beste Carla Bakker," in body_of(mail)
    link = link_in(mail)
    assert link == reverse("governance:proposal", kwargs={"code": "tom", "pk": proposal.pk})
    assert login(Client(), "tom-voorzitter").get(link).status_code == 200
    assert len({m["To"] for m in messages}) == 3
