"""The read API through the real HTTP stack with real tokens: the same rights as the pages,
cursor pages that add up to the ledger report, filters, suppression, money as strings."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings

from budgets.ledger import balance
from budgets.models import LedgerEntry, PartnerBudget
from cooperatie.evaluation.models import Measurement
from reports.builders import Scope, build

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def all_pages(client, url):
    """Follow `next` as a BI tool does; returns the rows and the number of pages."""
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        pages += 1
        url = body["next"]
    return rows, pages


def ledger_report_total(cooperative, year, tmp_path) -> Decimal:
    """The 'Totaal' of the ledger report's Bedrag column, as Excel would show it."""
    path = tmp_path / "grootboek.xlsx"
    build("ledger", str(path), Scope(cooperative, year))
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=True)["Grootboek"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if "Bedrag" in r)
    total = next(r for r in rows if r[0] == "Totaal")
    return Decimal(repr(total[header.index("Bedrag")])).quantize(Decimal("0.01"))


def test_finance_reads_the_ledger_page_by_page_to_the_ledger_reports_total(tom, api_as,
                                                                            tmp_path):
    client = api_as("tom-financien")
    rows, pages = all_pages(client, "/api/cooperatives/tom/ledger-entries/?year=2026&page_size=7")
    entries = LedgerEntry.objects.filter(cooperative=tom, year=2026)
    count = entries.count()
    assert count > 7 and len(rows) == count and pages == -(-count // 7)
    assert len({r["id"] for r in rows}) == len(rows)  # no row twice across pages
    assert all(isinstance(r["amount"], str) and MONEY.match(r["amount"]) for r in rows)
    total = sum(Decimal(r["amount"]) for r in rows)
    assert total == ledger_report_total(tom, 2026, tmp_path) == balance(entries) != 0


def test_a_ledger_row_carries_codes_and_names(api_as):
    rows = api_as("tom-financien").get(
        "/api/cooperatives/tom/ledger-entries/?year=2026&kind=contribution&page_size=1"
    ).json()["results"]
    row = rows[0]
    assert row["kind"] == "contribution" and row["transaction_kind"] == "budget"
    assert row["partner"].startswith("tom-") and row["partner_name"]
    assert row["neighbourhood"].startswith("BU") and row["area"]
    assert row["funding_stream"] in {"JEUGD", "PW", "WMO"}
    assert row["period"] is None and row["posted_by"]


def test_filters_narrow_the_ledger_and_unknown_codes_are_named(tom, api_as):
    client = api_as("tom-financien")
    url = "/api/cooperatives/tom/ledger-entries/"
    base = LedgerEntry.objects.filter(cooperative=tom, year=2026)
    wmo, _pages = all_pages(client, f"{url}?year=2026&stream=WMO")
    assert len(wmo) == base.filter(funding_stream__code="WMO").count() > 0
    hood = base.exclude(neighbourhood=None).first().neighbourhood
    partner = base.exclude(organisation=None).first().organisation
    narrow, _pages = all_pages(client, f"{url}?year=2026&neighbourhood={hood.code}"
                                       f"&partner={partner.code}&kind=contribution")
    assert len(narrow) == base.filter(neighbourhood=hood, organisation=partner,
                                      kind="contribution").count() > 0
    bad = client.get(f"{url}?year=twintig&partner=nope&stream=GEEN&kind=x&period=2026-13")
    assert bad.status_code == 400
    errors = bad.json()
    assert errors["year"] == ["Een jaar is vier cijfers, zoals 2026; 'twintig' is geen jaar."]
    assert errors["partner"] == ["Onbekende partner 'nope'."]
    assert errors["stream"] == ["Onbekende financieringsstroom 'GEEN'."]
    assert errors["kind"][0].startswith("Onbekende soort 'x'; kies uit: contribution")
    assert errors["period"][0].startswith("Onbekende periode '2026-13'")


def test_another_cooperatives_data_answers_404(api_as, heerlen):
    client = api_as("tom-financien")
    for resource in ("ledger-entries", "budgets", "budget-lines", "plans", "decisions",
                     "measurements", "indicators", "grants", "periods", "realisations",
                     "realisation-lines"):
        response = client.get(f"/api/cooperatives/heerlen/{resource}/")
        assert response.status_code == 404, resource
        assert response.json() == {"detail": "Niet gevonden."}
    assert client.get("/api/cooperatives/bestaat-niet/budgets/").status_code == 404
    listed = client.get("/api/cooperatives/").json()["results"]
    assert [c["code"] for c in listed] == ["tom"]


def test_a_member_without_the_right_gets_403(api_as):
    response = api_as("tom-directeur").get("/api/cooperatives/tom/ledger-entries/")
    assert response.status_code == 403
    assert response.json()["detail"] == "U heeft geen toegang tot deze handeling."


def test_drafts_stay_with_their_own_organisation_and_the_board(tom, api_as):
    draft = PartnerBudget.objects.get(budget_round__cooperative=tom, budget_round__year=2026,
                                      status="draft")
    seen = {}
    for username in ("tom-directeur", "tom-directeur2", "tom-voorzitter", "tom-financien"):
        rows, _pages = all_pages(api_as(username),
                                 "/api/cooperatives/tom/budgets/?year=2026")
        seen[username] = {r["id"] for r in rows}
        lines, _pages = all_pages(api_as(username),
                                  "/api/cooperatives/tom/budget-lines/?year=2026")
        assert {line["budget"] for line in lines} <= seen[username]
        if draft.pk in seen[username]:
            assert draft.lines.count() == sum(line["budget"] == draft.pk for line in lines)
    owner = "tom-directeur2" if draft.organisation.code == "tom-jeugd" else "tom-directeur"
    other = "tom-directeur" if owner == "tom-directeur2" else "tom-directeur2"
    assert draft.pk in seen[owner] and draft.pk in seen["tom-voorzitter"]
    assert draft.pk not in seen[other] and draft.pk not in seen["tom-financien"]
    submitted = set(PartnerBudget.objects.filter(budget_round__cooperative=tom, budget_round__year=2026,
                                                 status="submitted").values_list("pk", flat=True))
    assert submitted <= seen[other]


def test_budget_totals_are_exact_strings(tom, api_as):
    rows, _pages = all_pages(api_as("tom-voorzitter"), "/api/cooperatives/tom/budgets/?year=2026")
    for row in rows:
        budget = PartnerBudget.objects.get(pk=row["id"])
        assert Decimal(row["total"]) == sum((line.amount for line in budget.lines.all()),
                                            Decimal("0"))
        assert MONEY.match(row["total"])


def test_measurements_under_the_minimum_are_suppressed_as_on_screen(tom, api_as):
    rows, _pages = all_pages(api_as("tom-directeur"), "/api/cooperatives/tom/measurements/")
    assert len(rows) == Measurement.objects.filter(indicator__cooperative=tom).count()
    hidden = [r for r in rows if r["suppressed"]]
    assert hidden, "the demo has measurements of 3 or 4 respondents"
    for row in hidden:
        assert row["value"] is None and row["respondents"] is None
        assert row["count_improved"] is row["count_stable"] is row["count_declined"] is None
    shown = [r for r in rows if not r["suppressed"]]
    assert all(r["value"] is not None and (r["respondents"] or 5) >= 5 for r in shown)
    with override_settings(MIN_RESPONDENTS=1000):
        rows, _pages = all_pages(api_as("tom-directeur"), "/api/cooperatives/tom/measurements/")
        counted = [r for r in rows if r["suppressed"]]
        assert len(counted) == Measurement.objects.filter(
            indicator__cooperative=tom, respondents__isnull=False).count()
        assert all(r["value"] is None for r in counted)


def test_plans_decisions_grants_and_indicators_read(api_as):
    client = api_as("tom-voorzitter")
    plans, _pages = all_pages(client, "/api/cooperatives/tom/plans/?year=2026")
    adopted = [p for p in plans if p["status"] == "adopted"]
    assert adopted and adopted[0]["decision"]
    assert sum(Decimal(line["amount"]) for line in adopted[0]["lines"]) == Decimal(
        adopted[0]["total"])
    decisions, _pages = all_pages(client, "/api/cooperatives/tom/decisions/")
    assert adopted[0]["decision"] in {d["number"] for d in decisions}
    grants, _pages = all_pages(client, "/api/cooperatives/tom/grants/?year=2026")
    assert grants and MONEY.match(grants[0]["amount"])
    indicators, _pages = all_pages(client, "/api/cooperatives/tom/indicators/?kind=health")
    assert indicators and {i["aim"] for i in indicators} == {"health"}


def test_read_only(api_as):
    client = api_as("tom-financien")
    for method in (client.post, client.put, client.patch, client.delete):
        response = method("/api/cooperatives/tom/budgets/")
        assert response.status_code == 405
        assert response.json()["detail"] == "De API kan alleen lezen (GET)."


@override_settings(API_REQUESTS_PER_MINUTE=3)
def test_rate_limited_per_token(users):
    client = bearer(make_token(users["tom-financien"])[1])
    for _ in range(3):
        assert client.get("/api/cooperatives/").status_code == 200
    refused = client.get("/api/cooperatives/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith("Te veel verzoeken met deze sleutel.")
    # Another token has its own count.
    assert bearer(make_token(users["tom-voorzitter"])[1]).get("/api/cooperatives/"
                                                                ).status_code == 200


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(api_as,
                                                                   django_assert_max_num_queries):
    client = api_as("tom-financien")
    client.get("/api/cooperatives/")  # the token's daily use is noted once
    with django_assert_max_num_queries(12):
        body = client.get("/api/cooperatives/tom/ledger-entries/?page_size=80").json()
    assert len(body["results"]) == 80
