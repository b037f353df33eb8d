"""A realisation period to enter: told when it opens, on the to-do list until submitted, due
the cooperative's number of days after its end, reminded 3 days before and on that day."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.realisation import notices
from budgets.realisation.models import Period
from cooperatie.notifications.models import Kind, Notification
from cooperatie.notifications.texts import describe
from tests.conftest import login


@pytest.mark.django_db
def test_opening_a_period_tells_who_enters_for_each_member(opened, users):
    january = opened[0]
    told = Notification.objects.filter(kind=Kind.PERIOD_OPEN,
                                       key__startswith=f"period_open:{january.pk}:")
    mine = told.get(user=users["tom-directeur"])
    assert mine.params["period"] == january.label
    assert mine.url == (f"/c/tom/realisatie/invullen/?jaar=2027&periode={january.code}"
                        f"&org=tom-welzijn")
    assert told.count() == told.values("user").distinct().count() >= 8


@pytest.mark.django_db
def test_periods_to_enter_are_on_the_to_do_list(client, opened):
    login(client, "tom-directeur")
    page = client.get(reverse("cooperative_home", kwargs={"code": "tom"})).content.decode()
    todo = page.split('id="todo-kop"')[1].split("</section>")[0]
    assert f"Realisatie {opened[0].label} van Welzijn Rijnstreek invullen" in todo
    assert f"Realisatie {opened[1].label} van Welzijn Rijnstreek invullen" in todo


# --- the due date ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_period_is_due_the_cooperatives_days_after_its_end(client, opened, tom, users):
    from budgets.realisation import services

    january, march = opened[0], opened[2]
    assert (january.due, march.due) == (date(2027, 2, 15), date(2027, 4, 15))  # 15 by default
    services.realisation_settings_save(cooperative=tom, period_kind="month",
                                       warning_percent=Decimal("10"), budget_to_date="pro_rata",
                                       due_days=0, actor=users["tom-financien"], reason="r")
    assert Period.objects.get(pk=january.pk).due == date(2027, 1, 31)
    login(client, "tom-financien")
    url = reverse("realisation:settings", kwargs={"code": "tom"})
    data = {"period_kind": "month", "warning_percent": "10", "budget_to_date": "pro_rata",
            "due_days": "tien", "reason": "statuten"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "“tien” is geen aantal dagen" in refused.content.decode()
    refused = client.post(url, {**data, "due_days": "91"})
    assert "Vul een aantal dagen van 0 tot 90 in, niet “91”." in refused.content.decode()
    assert services.realisation_settings_get(tom).due_days == 0  # nothing changed
    assert client.post(url, {**data, "due_days": "10"}).status_code == 302
    saved = services.realisation_settings_get(tom)
    assert saved.due_days == 10
    assert saved.history.first().history_change_reason == "statuten"
    index = client.get(reverse("realisation:index", kwargs={"code": "tom"}) + "?jaar=2027")
    assert "<td>10-02-2027</td>" in index.content.decode()  # January: 31 + 10 days


@pytest.mark.django_db
def test_the_to_do_item_is_due_on_the_periods_due_date_until_submitted(opened, tom, users,
                                                                      welzijn, hoods, streams):
    from budgets.realisation import services

    from .conftest import line, save

    director = users["tom-directeur"]
    january = opened[0]
    items = _period_items(director, tom)
    assert items[f"Realisatie {january.label} van Welzijn Rijnstreek invullen"].due == date(
        2027, 2, 15)
    assert f"Realisatie {opened[2].label} van Welzijn Rijnstreek invullen" not in items  # planned
    save(january, welzijn, [line(hoods[0], streams[0], "100.00")], director)
    assert f"Realisatie {january.label} van Welzijn Rijnstreek invullen" in _period_items(
        director, tom)  # a draft is not in yet
    services.realisation_submit(period=january, organisation=welzijn, actor=director,
                                reason="r")
    items = _period_items(director, tom)
    assert f"Realisatie {january.label} van Welzijn Rijnstreek invullen" not in items
    assert f"Realisatie {opened[1].label} van Welzijn Rijnstreek invullen" in items
    # Only who enters for a member: the board and the cooperative's administrator do not.
    for username in ("tom-voorzitter", "tom-beheerder"):
        assert not _period_items(users[username], tom), username


def _period_items(user, cooperative):
    from cooperatie import policy
    from cooperatie.notifications.todo import todo_for

    user.__dict__.pop("_cooperative_roles", None)
    return {t.title: t for t in todo_for(user, cooperative, policy.roles_for(user, cooperative))
            if t.title.startswith("Realisatie ")}


@pytest.mark.django_db
@pytest.mark.parametrize("days_left, due", [(10, None), (4, None), (3, 3), (1, 3), (0, 0),
                                            (-1, None)])
def test_which_period_reminder_is_due(days_left, due):
    assert notices.due_reminder(days_left) == due


@pytest.mark.django_db
def test_reminders_3_days_before_and_on_the_due_date_go_once_to_who_has_not_submitted(
        opened, tom, users, welzijn, hoods, streams):
    from budgets.realisation import services

    from .conftest import line, save

    january = opened[0]  # due 15-02-2027; February is due 15-03-2027
    director = users["tom-directeur"]
    save(january, welzijn, [line(hoods[0], streams[0], "100.00")], director)
    services.realisation_submit(period=january, organisation=welzijn, actor=director,
                                reason="r")
    waiting = notices.enterers(january, not_submitted=True)
    assert waiting and welzijn not in {org for org, _u in waiting}
    before = _at(date(2027, 2, 11))
    assert notices.period_reminders(before) == 0  # four days to go: not yet
    assert notices.period_reminders(_at(date(2027, 2, 12))) == len(waiting)
    assert notices.period_reminders(_at(date(2027, 2, 12), hour=13)) == 0  # nothing twice
    assert notices.period_reminders(_at(date(2027, 2, 14))) == 0
    assert notices.period_reminders(_at(date(2027, 2, 15))) == len(waiting)  # on the day
    assert notices.period_reminders(_at(date(2027, 2, 16))) == 0  # after it: no more
    reminded = Notification.objects.filter(kind=Kind.PERIOD_REMINDER,
                                           key__startswith=f"period_reminder:{january.pk}:")
    assert reminded.count() == 2 * len(waiting)
    assert not reminded.filter(user=director).exists()  # Welzijn submitted
    org, user = waiting[0]
    first = reminded.filter(user=user, params__days=3, params__organisation=org.name).get()
    title, text = describe(first.kind, first.params)
    assert title == (f"Herinnering: realisatie {january.label} van {org.name}, uiterlijk "
                     "maandag 15-02-2027")
    assert first.url == (f"/c/tom/realisatie/invullen/?jaar=2027&periode={january.code}"
                         f"&org={org.code}")
    last = reminded.get(user=user, params__days=0, params__organisation=org.name)
    assert describe(last.kind, last.params)[0] == (
        f"Vandaag: realisatie {january.label} van {org.name} indienen")


def _at(day: date, hour: int = 9):
    from datetime import datetime

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))
