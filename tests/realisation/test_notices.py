"""A realisation period to enter: told when it opens, on the to-do list until submitted."""

import pytest
from django.urls import reverse

from cooperatie.notifications.models import Kind, Notification
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
