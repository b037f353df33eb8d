"""What the product tells whom, once: a round opened, its deadline moved, a budget reopened,
reminders 14 and 3 days before the deadline, the board's 'now' button, the to-do list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets import notices, services
from budgets.models import BudgetRound, PartnerBudget
from cooperatie.notifications import schedule
from cooperatie.notifications.models import Delivery, Kind, Mail, Notification
from cooperatie.notifications.services import preference_set
from tests.conftest import login


def kinds(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


@pytest.fixture
def round_2026(tom):
    return BudgetRound.objects.get(cooperative=tom, year=2026)


@pytest.mark.django_db
def test_opening_a_round_tells_every_members_director_with_the_deadline(tom, users):
    deadline = timezone.localdate() + timedelta(days=30)
    rnd = services.budget_round_open(cooperative=tom, year=2027, actor=users["tom-voorzitter"],
                                     reason="nieuw jaar", deadline=deadline)
    told = Notification.objects.filter(kind=Kind.ROUND_OPENED, params__round=rnd.pk)
    directors = {u.pk for _o, u in notices.directors(rnd)}
    assert {n.user_id for n in told} == directors and len(directors) == 8
    mine = told.get(user=users["tom-directeur"])
    assert mine.params["deadline"] == deadline.isoformat()
    assert mine.url == "/c/tom/begroting/invullen/?jaar=2027&org=tom-welzijn"
    # Each is mailed once (delivery 'immediately' is the default for this kind).
    assert Mail.objects.filter(kind="notification", ref_id__in=told.values("pk")).count() == 8


@pytest.mark.django_db
def test_a_deadline_in_the_past_is_refused(tom, users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="in het verleden"):
        services.budget_round_open(cooperative=tom, year=2027, actor=users["tom-voorzitter"],
                                   reason="r", deadline=timezone.localdate() - timedelta(days=1))


@pytest.mark.django_db
def test_reopening_tells_the_director_the_boards_reason(round_2026, users):
    budget = PartnerBudget.objects.filter(budget_round=round_2026,
                                          status=PartnerBudget.Status.SUBMITTED).first()
    services.budget_reopen(budget=budget, actor=users["tom-voorzitter"],
                           reason="bedrag Boskoop klopt niet")
    [notice] = Notification.objects.filter(kind=Kind.BUDGET_REOPENED,
                                           key__startswith=f"budget_reopened:{budget.pk}:")
    assert notice.params["reason"] == "bedrag Boskoop klopt niet"
    assert notice.user.organisation_roles.get().organisation == budget.organisation


@pytest.mark.django_db
def test_the_board_moves_the_deadline_with_a_reason_and_the_late_ones_hear_of_it(
        client, round_2026, users):
    login(client, "tom-voorzitter")
    url = reverse("round_deadline", kwargs={"code": "tom", "year": 2026})
    new = timezone.localdate() + timedelta(days=40)
    response = client.post(url, {"deadline": new.strftime("%d-%m-%Y"), "reason": ""})
    round_2026.refresh_from_db()
    assert round_2026.deadline != new  # no reason, no change
    client.post(url, {"deadline": new.strftime("%d-%m-%Y"), "reason": "vakantie"})
    round_2026.refresh_from_db()
    assert round_2026.deadline == new
    assert round_2026.history.first().history_change_reason == "vakantie"
    told = {n.user.username for n in Notification.objects.filter(kind=Kind.DEADLINE_CHANGED)}
    assert told == {"tom-directeur", "tom-directeur2"}  # the others submitted
    response = client.post(url, {"deadline": "31-02-2027", "reason": "r"}, follow=True)
    assert "is geen datum" in response.content.decode()
    login(client, "tom-directeur")
    assert client.post(url, {"deadline": "01-01-2031", "reason": "r"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("days_left, due", [(30, None), (15, None), (14, 14), (10, 14),
                                            (4, 14), (3, 3), (1, 3), (0, 3), (-1, None)])
def test_which_reminder_is_due(days_left, due):
    assert notices.due_reminder(days_left) == due


@pytest.mark.django_db
def test_reminders_14_and_3_days_before_go_once_to_who_has_not_submitted(round_2026, users):
    today = timezone.localdate()
    BudgetRound.objects.exclude(pk=round_2026.pk).update(deadline=None)  # only tom's round
    BudgetRound.objects.filter(pk=round_2026.pk).update(deadline=today + timedelta(days=14))
    Notification.objects.filter(kind=Kind.ROUND_OPENED).delete()
    now = timezone.now()
    assert notices.deadline_reminders(now) == 2
    assert notices.deadline_reminders(now) == 0  # the next hour: nothing twice
    reminded = {n.user.username for n in Notification.objects.filter(
        kind=Kind.DEADLINE_REMINDER)}
    assert reminded == {"tom-directeur", "tom-directeur2"}
    assert notices.deadline_reminders(now + timedelta(days=5)) == 0  # between reminders
    assert notices.deadline_reminders(now + timedelta(days=11)) == 2  # 3 days before
    assert notices.deadline_reminders(now + timedelta(days=11, hours=1)) == 0
    assert notices.deadline_reminders(now + timedelta(days=15)) == 0  # after the deadline


@pytest.mark.django_db
def test_who_just_heard_of_the_round_gets_no_reminder_on_top(round_2026, users):
    BudgetRound.objects.exclude(pk=round_2026.pk).update(deadline=None)
    BudgetRound.objects.filter(pk=round_2026.pk).update(
        deadline=timezone.localdate() + timedelta(days=10))
    notices.round_opened(BudgetRound.objects.get(pk=round_2026.pk))
    assert notices.deadline_reminders(timezone.now()) == 0


@pytest.mark.django_db
def test_the_boards_reminder_now_button(client, round_2026, users):
    url = reverse("round_remind", kwargs={"code": "tom", "year": 2026})
    login(client, "tom-directeur")
    assert client.post(url).status_code == 403
    login(client, "tom-penningmeester")
    page = client.get(reverse("budget_round", kwargs={"code": "tom"})).content.decode()
    assert "Nu een herinnering sturen" in page
    response = client.post(url, follow=True)
    assert "Herinnering verstuurd aan 2 directeuren" in response.content.decode()
    response = client.post(url, follow=True)
    assert "kreeg vandaag al een herinnering" in response.content.decode()
    assert Notification.objects.filter(kind=Kind.DEADLINE_REMINDER).count() == 2
    login(client, "heerlen-voorzitter")
    assert client.post(url).status_code == 404


@pytest.mark.django_db
def test_preference_off_keeps_the_inbox_but_sends_no_mail(round_2026, users):
    person = users["tom-directeur"]
    preference_set(user=person, kind=Kind.DEADLINE_REMINDER, delivery=Delivery.OFF,
                   actor=person)
    notices.remind_now(budget_round=round_2026, actor=users["tom-voorzitter"])
    notice = Notification.objects.get(user=person, kind=Kind.DEADLINE_REMINDER)
    assert notice.delivery == Delivery.OFF
    assert not Mail.objects.filter(ref_id=notice.pk, kind="notification").exists()
    other = Notification.objects.get(user=users["tom-directeur2"], kind=Kind.DEADLINE_REMINDER)
    assert Mail.objects.filter(ref_id=other.pk, kind="notification").count() == 1


@pytest.mark.django_db
def test_digest_collects_a_day_once(round_2026, users, settings):
    person = users["tom-directeur"]
    preference_set(user=person, kind=Kind.DEADLINE_REMINDER, delivery=Delivery.DIGEST,
                   actor=person)
    notices.remind_now(budget_round=round_2026, actor=users["tom-voorzitter"])
    morning = timezone.localtime().replace(hour=settings.DIGEST_HOUR - 1, minute=30)
    assert schedule.digests(morning) == 0  # not yet
    noon = morning.replace(hour=12)
    assert schedule.digests(noon) == 1
    assert schedule.digests(noon) == 0
    digest = Mail.objects.get(kind="digest", user=person)
    assert Notification.objects.get(user=person, kind=Kind.DEADLINE_REMINDER).digest == digest


@pytest.mark.django_db
def test_noisy_kinds_start_off():
    from cooperatie.notifications.models import DEFAULT_DELIVERY

    assert DEFAULT_DELIVERY[Kind.EXPORT_READY] == Delivery.OFF
    assert DEFAULT_DELIVERY[Kind.VOTE_CLOSED] == Delivery.OFF
    assert DEFAULT_DELIVERY[Kind.VOTE_OPEN] == Delivery.IMMEDIATELY


@pytest.mark.django_db
def test_preferences_page_and_inbox(client, round_2026, users):
    person = users["tom-directeur"]
    login(client, "tom-directeur")
    url = reverse("notifications:preferences")
    assert 'name="export_ready" value="off" id="export_ready-off" checked' in client.get(
        url).content.decode()
    client.post(url, {"export_ready": "immediately", "vote_open": "bogus"})
    from cooperatie.notifications.services import preferences_of

    assert preferences_of(person)[Kind.EXPORT_READY] == Delivery.IMMEDIATELY
    notices.remind_now(budget_round=round_2026, actor=users["tom-voorzitter"])
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Herinnering: begroting 2026 van Welzijn Rijnstreek" in inbox and "nieuw" in inbox
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(user=person, read_at__isnull=True).exists()
    # Someone else's notifications are not theirs to see.
    login(client, "tom-directeur2")
    assert "Welzijn Rijnstreek" not in client.get(reverse("notifications:inbox")).content.decode()


@pytest.mark.django_db
def test_todo_list_opens_the_dashboard_per_role(client, round_2026, users):
    login(client, "tom-directeur")
    page = client.get(reverse("cooperative_home", kwargs={"code": "tom"})).content.decode()
    todo = page.split('id="todo-kop"')[1].split("</section>")[0]
    assert "Begroting 2026 van Welzijn Rijnstreek indienen" in todo
    assert round_2026.deadline.strftime("%d-%m-%Y") in todo
    assert page.index("Wat moet ik nog doen?") < page.index("Leden")
    login(client, "tom-financien")
    page = client.get(reverse("cooperative_home", kwargs={"code": "tom"})).content.decode()
    assert "Niets: er wacht nu niets op u." in page


@pytest.mark.django_db
def test_a_director_is_asked_for_the_staff_while_none_is_committed(client, round_2026, users):
    from cooperatie.models import Expertise, Team
    from partners.services import staff_commitment_create

    item = "Inzet van Welzijn Rijnstreek doorgeven (fte per team en expertise)"
    director = users["tom-directeur"]
    welzijn = director.organisation_roles.get().organisation
    home = reverse("cooperative_home", kwargs={"code": "tom"})
    login(client, "tom-directeur")
    assert item in client.get(home).content.decode()  # none committed for 2026 in the demo
    staff_commitment_create(budget_round=round_2026, organisation=welzijn,
                            team=Team.objects.filter(cooperative=round_2026.cooperative).first(),
                            expertise=Expertise.objects.first(), fte=Decimal("0.5"),
                            annual_cost=Decimal("70000.00"), actor=director, reason="inzet")
    assert item not in client.get(home).content.decode()
