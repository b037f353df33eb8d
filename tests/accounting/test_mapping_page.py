"""Finance's mapping page: what the year's ledger still lacks, one form per thing to map, each
saved through the services (policy, history); other people and other cooperatives: 404."""

import pytest

from budgets.accounting.models import AccountMapping, GeneralLedgerAccount

pytestmark = pytest.mark.django_db
URL = "/c/{}/boekhouding/"


def test_finance_sees_what_is_missing(client, users):
    client.force_login(users["tom-financien"])
    page = client.get(URL.format("tom")).content.decode()
    assert "Alles is gekoppeld" in page and "8100 Lumpsum gemeente" in page
    client.force_login(users["heerlen-financien"])
    page = client.get(URL.format("heerlen")).content.decode()
    assert "Nog te koppelen voor 2026" in page
    assert "Kostenplaats voor buurt BU09170101 (Hoensbroek-Centrum)" in page


def test_only_the_cooperatives_finance_may_map(client, users):
    for name in ("tom-directeur", "tom-voorzitter", "heerlen-financien"):
        client.force_login(users[name])
        assert client.get(URL.format("tom")).status_code == 404, name
        assert client.post(URL.format("tom"), {"action": "account", "code": "9999",
                                               "name": "x", "type": "P"}).status_code == 404


def test_an_account_and_a_mapping_are_saved_with_their_history(client, tom, users):
    client.force_login(users["tom-financien"])
    response = client.post(URL.format("tom"), {"action": "account", "code": "4600",
                                               "name": "Realisatie jeugd", "type": "P",
                                               "reason": "nieuwe rekening van de accountant"})
    assert response.status_code == 302
    account = GeneralLedgerAccount.objects.get(cooperative=tom, code="4600")
    assert account.history.first().history_change_reason == "nieuwe rekening van de accountant"
    youth = tom.funding_streams.get(code="JEUGD")
    client.post(URL.format("tom"), {"action": "mapping", "kind": "realisation",
                                    "funding_stream": youth.pk, "account": account.pk})
    mapping = AccountMapping.objects.get(cooperative=tom, kind="realisation",
                                         funding_stream=youth)
    assert mapping.account == account and mapping.history.first().history_user == \
        users["tom-financien"]


def test_bad_input_is_named_in_dutch_and_nothing_is_saved(client, tom, heerlen, users):
    client.force_login(users["tom-financien"])
    before = GeneralLedgerAccount.objects.count()
    response = client.post(URL.format("tom"), {"action": "account", "code": "40 00",
                                               "name": "Met spatie", "type": "P"})
    assert response.status_code == 400
    assert "zonder spaties" in response.content.decode()
    other = GeneralLedgerAccount.objects.create(cooperative=heerlen, code="1", name="x",
                                                type="P")
    response = client.post(URL.format("tom"), {"action": "contra", "posting_kind": "budget",
                                               "account": other.pk})
    assert response.status_code == 400 and "Kies een grootboekrekening" in \
        response.content.decode()
    assert GeneralLedgerAccount.objects.count() == before + 1  # only the one made here
    assert tom.contra_accounts.get(posting_kind="budget").account.code == "0950"
