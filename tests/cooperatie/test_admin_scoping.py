"""The Django admin is the application administrator's; a cooperative's administrator
manages its people in the product."""

import pytest
from django.urls import reverse

from cooperatie.models import Area
from tests.conftest import login


@pytest.mark.parametrize("name", ["tom-beheerder", "heerlen-beheerder"])
def test_a_cooperatives_administrator_manages_people_in_the_product_not_the_admin(client, db,
                                                                                   users, name):
    """The admin is the application administrator's only (issue 17): the cooperative's
    administrator has the people pages, with the policy, reasons and no self-grants."""
    assert not users[name].is_staff and not users[name].is_superuser
    login(client, name)
    for url in (reverse("admin:index"), reverse("admin:cooperatie_area_changelist"),
                reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    response = client.post(reverse("admin:cooperatie_area_add"),
                           {"cooperative": 1, "code": "X", "name": "Via het beheer"})
    assert response.status_code == 302 and not Area.objects.filter(name="Via het beheer").exists()
    code = name.split("-")[0]
    assert client.get(reverse("people:list", kwargs={"code": code})).status_code == 200


def test_a_staff_flag_alone_opens_nothing(client, users):
    person = users["tom-beheerder"]
    person.is_staff = True
    person.save()
    login(client, "tom-beheerder")
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("name", ["tom-directeur", "tom-financien", "tom-bestuurslid"])
def test_other_roles_have_no_admin(client, db, name):
    login(client, name)
    response = client.get(reverse("admin:cooperatie_area_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_application_administrator_sees_everything(client, heerlen, tom):
    login(client, "beheerder")
    page = client.get(reverse("admin:cooperatie_area_changelist")).content.decode()
    assert "Heerlen-Noord" in page and "Alphen-Noord" in page


def test_admin_sign_in_page_answers_anonymous_visitors(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_signing_in_on_the_admin_page_reaches_the_admin(client, db):
    response = client.post(reverse("admin:login") + "?next=/beheer/",
                           {"username": "beheerder", "password": "demo-2026",
                            "next": "/beheer/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/beheer/"
    assert "Tom in de buurt" in response.content.decode() or "Gebieden" in response.content.decode()


def test_every_admin_history_page_answers(client, db):
    """Also for records without a history table (the append-only ledger, votes, decisions)."""
    from django.contrib import admin

    login(client, "beheerder")
    opened = []
    for model in admin.site._registry:
        obj = model._default_manager.first()
        if obj is None:
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 200, url
        opened.append(opts.model_name)
    assert {"ledgertransaction", "ledgerentry", "area"} <= set(opened)


def test_ledger_history_page_says_rows_never_change(client, tom):
    from django.utils.timezone import localtime

    from budgets.models import LedgerEntry

    login(client, "beheerder")
    entry = LedgerEntry.objects.filter(cooperative=tom).select_related("transaction").first()
    page = client.get(reverse("admin:budgets_ledgerentry_history", args=[entry.pk]))
    assert page.status_code == 200
    assert "alleen-toevoegen" in page.content.decode()
    assert localtime(entry.transaction.posted_at).strftime("%d-%m-%Y") in page.content.decode()
    login(client, "tom-beheerder")  # the admin is not theirs
    response = client.get(reverse("admin:budgets_ledgerentry_history", args=[entry.pk]))
    assert response.status_code == 302


USER_PICKERS = ["admin:cooperatie_boardseat_add", "admin:cooperatie_cooperativerole_add",
                "admin:partners_organisationrole_add"]


def user_choices(page: str) -> set[str]:
    import re

    select = re.search(r'<select name="user".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))


@pytest.mark.parametrize("url", USER_PICKERS)
def test_user_pickers_are_the_application_administrators(client, users, url):
    """A cooperative's administrator gives roles on the people pages (to their own
    cooperative's people only); the admin's pickers are the application administrator's."""
    login(client, "tom-beheerder")
    assert client.get(reverse(url)).status_code == 302
    login(client, "beheerder")  # the application administrator picks from everyone
    everyone = user_choices(client.get(reverse(url)).content.decode())
    assert {"heerlen-financien", "tom-directeur"} <= everyone


def test_another_cooperatives_user_cannot_be_given_a_role(client, tom, users):
    from cooperatie.models import CooperativeRole

    login(client, "tom-beheerder")
    response = client.post(reverse("admin:cooperatie_cooperativerole_add"), {
        "cooperative": tom.pk, "user": users["heerlen-financien"].pk, "role": "finance"})
    assert response.status_code == 302  # not through the admin
    assert not CooperativeRole.objects.filter(cooperative=tom,
                                              user=users["heerlen-financien"]).exists()
