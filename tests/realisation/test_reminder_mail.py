"""The reminder before a period's due date reaches the person through a real worker and a
real SMTP server, once, with a link to their grid."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from budgets import services as budget_services
from budgets.realisation import notices, services
from cooperatie.models import Cooperative
from cooperatie.notifications.models import Delivery, Kind, Mail
from cooperatie.notifications.services import preference_set, quiet
from tests.conftest import login
from tests.mail import body_of, link_in, smtp_server
from tests.workers import running_worker

pytestmark = [pytest.mark.worker]
User = get_user_model()


def test_the_period_reminder_is_mailed_once(demo_after_flush, transactional_db):
    tom = Cooperative.objects.get(code="tom")
    chair, finance = (User.objects.get(username=u) for u in ("tom-voorzitter", "tom-financien"))
    services.realisation_settings_save(cooperative=tom, period_kind="month",
                                       warning_percent=Decimal("10"), budget_to_date="pro_rata",
                                       due_days=15, actor=finance, reason="test")
    with quiet():  # the opening's own notices are not what this test reads back
        rnd = budget_services.budget_round_open(cooperative=tom, year=2027, actor=chair,
                                                reason="test")
        january = services.periods_plan(budget_round=rnd, kind="month", actor=chair,
                                        reason="test")[0]
        services.period_open(period=january, actor=finance, reason="test")
    director = User.objects.get(username="tom-directeur")
    for _org, user in notices.enterers(january):  # only the director wants it by mail
        if user != director:
            preference_set(user=user, kind=Kind.PERIOD_REMINDER, delivery=Delivery.OFF,
                           actor=user)
    three_days_before = timezone.make_aware(datetime(2027, 2, 12, 9))
    with smtp_server() as (inbox, env), running_worker(**env):
        assert notices.period_reminders(three_days_before) >= 1
        notices.period_reminders(three_days_before.replace(hour=10))  # the next hour
        [message] = inbox.wait_for(1, settle=3)
    assert message["To"] == director.email
    assert message["Subject"] == ("Herinnering: realisatie januari 2027 van Welzijn Rijnstreek, "
                                  "uiterlijk maandag 15-02-2027")
    assert "Dien haar in vóór of op maandag 15-02-2027." in body_of(message)
    link = link_in(message)
    assert link == "/c/tom/realisatie/invullen/?jaar=2027&periode=2027-01&org=tom-welzijn"
    assert login(Client(), "tom-directeur").get(link).status_code == 200
    assert Mail.objects.filter(kind="notification", user=director).count() == 1
    assert date(2027, 2, 15) == january.due
