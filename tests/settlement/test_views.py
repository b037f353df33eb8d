"""The pages: advances with a payment checked then confirmed, a reversal confirmed with a
reason, the settlement drafted, its rule saved, proposed and shown to the board; drafts
stay with the board and finance, another cooperative's objects are a 404, no GET writes."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import LedgerTransaction
from budgets.settlement import selectors, services
from budgets.settlement.models import AdvancePayment, Settlement
from cooperatie.templatetags.money import euro
from tests.conftest import login

D = Decimal


def url(name, code="tom", **kwargs):
    return reverse(f"settlement:{name}", kwargs={"code": code, **kwargs})


def test_every_member_sees_the_advances_and_the_reserve(client, grant_2024, users):
    login(client, "tom-directeur")
    page = client.get(url("advances", pk=grant_2024.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Welzijn Rijnstreek" in text and "€\xa050.000,00" in text
    assert "Betaling boeken" not in text  # a director records no payments
    assert client.get(url("index")).status_code == 200
    assert client.get(url("reserve")).status_code == 200
    login(client, "heerlen-financien")
    assert client.get(url("advances", pk=grant_2024.pk)).status_code == 404


def test_a_payment_is_checked_then_confirmed(client, grant_2024, users):
    login(client, "tom-financien")
    tranche = grant_2024.plans.get(status="adopted").tranches.get(
        organisation__code="tom-ggz", number=1)
    data = {"tranche": tranche.pk, "paid_on": "2024-01-05", "amount": "5.000,00",
            "reference": "afschrift 3, regel 2", "note": ""}
    before = LedgerTransaction.objects.count()
    check = client.post(url("payment_record", pk=grant_2024.pk), {**data, "action": "check"})
    assert check.status_code == 200
    assert "U boekt €\xa05.000,00 als betaling van voorschot 1 van GGZ Rijnland" in \
        check.content.decode()
    assert LedgerTransaction.objects.count() == before
    assert not AdvancePayment.objects.filter(tranche__plan__grant=grant_2024).exists()
    done = client.post(url("payment_record", pk=grant_2024.pk), {**data, "action": "confirm"})
    assert done.status_code == 302
    payment = AdvancePayment.objects.get(tranche__plan__grant=grant_2024)
    assert payment.amount == D("5000.00") and payment.recorded_by == users["tom-financien"]
    # too much: refused on the check, quoting the amounts
    again = client.post(url("payment_record", pk=grant_2024.pk),
                        {**data, "amount": "1,00", "reference": "r2", "action": "check"})
    assert again.status_code == 400 and "al helemaal betaald" in again.content.decode()
    bad = client.post(url("payment_record", pk=grant_2024.pk),
                      {**data, "amount": "vijf", "paid_on": "31-02-2024", "action": "check"})
    text = html.unescape(bad.content.decode())
    assert bad.status_code == 400 and "'vijf' is geen bedrag" in text and "'31-02-2024' is " \
        "geen datum" in text

    reverse_url = url("payment_reverse", pk=payment.pk)
    assert "niet terug te draaien" in client.get(reverse_url).content.decode()
    assert client.post(reverse_url, {"reason": ""}).status_code == 400
    assert client.post(reverse_url, {"reason": "dubbel overgenomen"}).status_code == 302
    payment.refresh_from_db()
    assert payment.is_reversed


def test_a_director_cannot_post_a_payment(client, grant_2024):
    login(client, "tom-directeur")
    tranche = grant_2024.plans.get(status="adopted").tranches.first()
    response = client.post(url("payment_record", pk=grant_2024.pk), {
        "tranche": tranche.pk, "paid_on": "2024-01-05", "amount": "1,00", "reference": "x",
        "action": "confirm"})
    assert response.status_code == 403
    assert not AdvancePayment.objects.filter(tranche__plan__grant=grant_2024).exists()


def test_a_grant_not_ready_says_what_to_do_first(client, grant_2024, quarters):
    login(client, "tom-penningmeester")
    text = client.get(url("grant", pk=grant_2024.pk)).content.decode()
    assert "Wat er eerst moet gebeuren" in text and "Nog niet alle perioden" in text
    response = client.post(url("draft", pk=grant_2024.pk))
    assert response.status_code == 302 and not grant_2024.settlements.exists()


def test_the_treasurer_drafts_saves_and_proposes(client, year_done, users):
    login(client, "tom-penningmeester")
    assert "Vaststelling opstellen" in client.get(url("grant", pk=year_done.pk)).content.decode()
    response = client.post(url("draft", pk=year_done.pk))
    settlement = year_done.settlements.get()
    assert response.url == url("settlement", pk=settlement.pk)
    page = client.get(response.url).content.decode()
    assert "Wat de vaststelling nu oplevert" in page and "€\xa045.000,00" in page
    for name in ("surplus_partner", "surplus_key", "deficit_reserve", "deficit_key"):
        assert f'name="{name}"' in page  # the rule's seven fields and the key
    assert page.count('name="k-') == 3
    rule = {"surplus_partner": "100", "surplus_reserve": "0", "surplus_funder": "0",
            "surplus_key": "0", "deficit_partner": "0", "deficit_reserve": "100",
            "deficit_key": "0", "note": "artikel 12 van de statuten"}
    bad = client.post(url("settlement", pk=settlement.pk), {**rule, "surplus_partner": "90",
                                                            "action": "save"})
    assert bad.status_code == 400 and "telt op tot 90%" in bad.content.decode()
    computed = client.post(url("settlement", pk=settlement.pk), {**rule, "action": "compute"})
    assert computed.status_code == 200 and "€\xa0-3.000,01" in computed.content.decode()
    settlement.refresh_from_db()
    assert settlement.deficit_reserve == 0  # computing saves nothing
    assert client.post(url("settlement", pk=settlement.pk), {**rule, "action": "save"}
                       ).status_code == 302
    settlement.refresh_from_db()
    assert settlement.deficit_reserve == 100 and settlement.note == "artikel 12 van de statuten"
    login(client, "tom-directeur")
    assert client.get(url("settlement", pk=settlement.pk)).status_code == 404  # a draft
    login(client, "tom-penningmeester")
    confirm = client.get(url("propose", pk=settlement.pk))
    text = confirm.content.decode()
    assert "Er is nog niets voorgelegd" in text and "€\xa0-3.000,01" in text
    after = euro(selectors.reserve_balance(settlement.grant.cooperative) - D("3000.01"))
    assert f"komt na de boeking op {after}" in text  # the reserve bears the deficit
    settlement.refresh_from_db()
    assert settlement.is_draft and not settlement.lines.exists()  # the GET wrote nothing
    digest = confirm.context["digest"]
    stale = client.post(url("propose", pk=settlement.pk), {"digest": "0" * 32})
    assert stale.url == url("propose", pk=settlement.pk)
    settlement.refresh_from_db()
    assert settlement.is_draft  # a summary that no longer matches proposes nothing
    response = client.post(url("propose", pk=settlement.pk), {"digest": digest})
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.PROPOSED
    proposal_page = client.get(response.url).content.decode()
    assert "Overschot: 100\xa0% blijft bij de partner. Tekort: 100\xa0% gedragen door de " \
           "reserve." in proposal_page and "vaststelling-per-partner" in proposal_page
    login(client, "tom-directeur")
    assert client.get(url("settlement", pk=settlement.pk)).status_code == 200


def test_another_cooperatives_settlement_is_a_404(client, year_done, users):
    settlement = services.settlement_draft(grant=year_done, actor=users["tom-penningmeester"])
    services.settlement_propose(settlement=settlement, actor=users["tom-penningmeester"])
    login(client, "heerlen-voorzitter")
    assert client.get(url("settlement", code="heerlen", pk=settlement.pk)).status_code == 404
    assert client.get(url("settlement", pk=settlement.pk)).status_code == 404


@pytest.mark.parametrize("name", ["index", "reserve"])
def test_pages_of_the_cooperative_need_a_role(client, db, name):
    login(client, "heerlen-directeur")
    assert client.get(url(name)).status_code == 404


def test_the_pages_take_a_constant_number_of_queries(client, year_done, users,
                                                     django_assert_max_num_queries):
    finance = users["tom-financien"]
    plan = year_done.plans.get(status="adopted")
    for t in plan.tranches.all():
        services.payment_record(tranche=t, paid_on=t.due_date, amount=t.amount,
                                reference=f"r{t.pk}", actor=finance)
    settlement = services.settlement_draft(grant=year_done, actor=users["tom-penningmeester"])
    login(client, "tom-penningmeester")
    with django_assert_max_num_queries(16):
        assert client.get(url("advances", pk=year_done.pk)).status_code == 200
    with django_assert_max_num_queries(28):
        assert client.get(url("settlement", pk=settlement.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("index")).status_code == 200
