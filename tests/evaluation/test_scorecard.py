"""The scorecard: the tom demo, small-number suppression in page and export, query counts."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperatie.evaluation import services
from cooperatie.evaluation.selectors import cooperative_scope, scope_from_key, scorecard
from tests.conftest import login

D = Decimal


def url(code="tom", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("evaluation:scorecard", args=[code]) + (f"?{query}" if query else "")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- done when: the tom demo ------------------------------------------------------------------


def test_tom_scorecard_shows_the_four_aims_with_the_source_indicators(tom):
    card = scorecard(tom, 2026)
    aims = {aim: {r.indicator.code: r for r in rows} for aim, _label, rows in card.aims}
    assert list(aims) == ["experience", "health", "cost", "professionals"]
    assert set(aims["experience"]) == {"TEVREDEN", "BEREIK"}
    assert set(aims["health"]) == {"ZELFREDZAAM"}
    assert set(aims["cost"]) == {"KOSTEN", "KOSTENVERSCHIL"}
    assert set(aims["professionals"]) == {"MEDEWERKERS", "VERZUIM"}
    satisfaction = aims["experience"]["TEVREDEN"]
    assert (satisfaction.value, satisfaction.status, satisfaction.respondents) == (
        D("8.1"), "met", 231)
    assert satisfaction.target_display == "≥\u00a08,0"
    assert [p.label for p in satisfaction.trend] == ["2024 H1", "2024 H2", "2025 H1",
                                                     "2025 H2", "2026 H1"]
    assert satisfaction.measurement_count == 5
    share = aims["health"]["ZELFREDZAAM"]
    assert (share.value, share.status, share.parts) == (D("75.0000"), "met", (96, 54, 50))
    assert aims["experience"]["BEREIK"].value == D("8.0")
    absence = aims["professionals"]["VERZUIM"]
    assert (absence.value, absence.status, absence.period) == (D("5.2"), "nearly", "2026 K3")
    # cost per inhabitant comes from the demo's submitted budgets, not from manual entry
    assert aims["cost"]["KOSTEN"].value is not None or aims["cost"]["KOSTEN"].note


def test_tom_scorecard_page(client, tom):
    login(client, "tom-directeur")
    response = client.get(url())
    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(page)
    headings = re.findall(r'<h2 id="doel-\w+">([^<]+)</h2>', page)
    assert headings == ["Ervaren kwaliteit van zorg", "Gezondheid van de populatie",
                        "Lagere kosten", "Tevreden professionals"]
    assert "Cliënttevredenheid" in text and "8,1" in text and "≥ 8,0" in text
    assert "75,0 %" in text and "verbeterd 96, stabiel 54, achteruit 50" in text
    assert "✓ gehaald" in text and "≈ bijna" in text
    assert page.count('<svg class="trend"') == 7
    assert 'role="img"' in page and "<desc" in page
    assert "2024 H1: 7,6; 2024 H2: 7,7; 2025 H1: 7,9; 2025 H2: 8,0; 2026 H1: 8,1" in page
    # a director sees the results but gets no entry links
    assert "Meting invoeren" not in page


def test_year_and_scope_can_be_chosen(client, tom):
    login(client, "tom-bestuurslid")
    page = text_of(client.get(url(jaar=2025, niveau="team:TOM-N")).content.decode())
    assert "Scorecard 2025: team Tom Noord" in page
    page = text_of(client.get(url(jaar=2025)).content.decode())
    # 2025's value is the latest period of 2025: H2, 8,0
    assert "Scorecard 2025: Tom in de buurt" in page and "2025 H2 · n = 226" in page


# --- small numbers ----------------------------------------------------------------------------


def test_too_few_respondents_is_never_a_number_on_the_page(client, tom):
    """Tom Zuid: satisfaction 8,6 from 4 respondents, self-reliance 2/1/0."""
    login(client, "tom-voorzitter")
    page = client.get(url(niveau="team:TOM-Z")).content.decode()
    assert page.count("te weinig waarnemingen") >= 3
    for leaked in ("8,6", "8.6", "100,0", "verbeterd 2", "n = 4", "n = 3"):
        assert not re.search(rf"(?<![\d,.]){re.escape(leaked)}(?!\d)", page), leaked
    # availability 7,5 from 3 respondents (the target of another indicator is 7,5 too)
    availability = page.split("Beschikbaarheid en bereikbaarheid")[1].split("</tr>")[0]
    assert "7,5" not in availability and "te weinig waarnemingen" in availability


def test_too_few_respondents_in_the_rows_the_export_reuses(tom, settings):
    rows = {r.indicator.code: r for r in
            scorecard(tom, 2026, scope_from_key(tom, "team:TOM-Z")).rows}
    for code in ("TEVREDEN", "BEREIK", "ZELFREDZAAM"):
        row = rows[code]
        assert row.suppressed and row.value is None and row.respondents is None
        assert row.parts is None and row.status == "unknown"
        assert row.display == "te weinig waarnemingen"
        assert all(p.value is None and p.suppressed for p in row.trend)
    # the minimum is a setting
    settings.MIN_RESPONDENTS = 300
    row = next(r for r in scorecard(tom, 2026).rows if r.indicator.code == "TEVREDEN")
    assert row.suppressed and row.value is None  # 231 respondents < 300


def test_suppressed_points_are_gaps_in_the_trend(satisfaction, board, tom):
    team = scope_from_key(tom, "team:TOM-B")
    for year, value, n in [(2024, "7.7", 80), (2025, "9.9", 2)]:
        services.measurement_create(indicator=satisfaction, scope=team, year=year, period="Y",
                                    value=D(value), respondents=n, actor=board, reason="t")
    row = next(r for r in scorecard(tom, 2026, team).rows if r.indicator.code == "TEVREDEN")
    assert [(p.label, p.value, p.suppressed) for p in row.trend] == [
        ("2024", D("7.7"), False), ("2025", None, True), ("2026 H1", D("8.2"), False)]
    from cooperatie.evaluation.charts import trend_svg

    svg = trend_svg(row, "x")
    assert "9,9" not in svg and "2025: te weinig waarnemingen" in svg


# --- query counts -----------------------------------------------------------------------------


def _count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("scope_key", ["cooperative", "team:TOM-N", "area:ZUID"])
def test_query_count_does_not_grow_with_indicators_or_periods(client, tom, make_indicator,
                                                              board, scope_key,
                                                              django_assert_max_num_queries):
    login(client, "tom-voorzitter")
    address = url(jaar=2026, niveau=scope_key)
    client.get(address)  # warm the session and caches
    before = _count_queries(client, address)
    scope = scope_from_key(tom, scope_key) if scope_key != "cooperative" else cooperative_scope(
        tom)
    for i in range(6):
        indicator = make_indicator(aim=["experience", "health", "professionals"][i % 3])
        for year in (2024, 2025, 2026):
            for period in ("Q1", "Q2", "Q3", "Q4"):
                services.measurement_create(indicator=indicator, scope=scope, year=year,
                                            period=period, value=D("7.5"), respondents=20,
                                            actor=board, reason="t")
    for method, unit in (("cost_per_inhabitant", "euro"), ("cost_change", "change")):
        make_indicator(aim="cost", method=method, unit=unit, direction="lower",
                       baseline_year=2025, target=None, first_year=2024)
    assert _count_queries(client, address) == before
    # 23: the cost per inhabitant reads the realisation too (its periods, the actual spending
    # of the closed ones, the cooperative's distribution): three queries, whatever the years;
    # 24: and the targets of the year (one query)
    with django_assert_max_num_queries(24):
        client.get(address)


def test_a_cost_indicator_on_an_incomplete_year_is_provisional_never_met(client, tom, users):
    """tom 2026: 6 of 8 budgets submitted. Cost per inhabitant against 2025 is lower, but
    that says nothing yet: "voorlopig", never "gehaald", until every budget is in."""
    from budgets import services as budget_services
    from budgets.models import PartnerBudget
    from cooperatie.evaluation.selectors import scorecard
    from cooperatie.evaluation.values import Status
    from partners.models import OrganisationRole

    card = scorecard(tom, 2026)
    change = next(r for r in card.rows if r.indicator.code == "KOSTENVERSCHIL")
    assert change.value is not None and change.status == Status.PROVISIONAL
    assert (card.completeness.submitted, card.completeness.members) == (6, 8)
    login(client, "tom-voorzitter")
    html = client.get(url(jaar=2026)).content.decode()
    assert "voorlopig, nog niet alle begrotingen ingediend" in html
    assert "2026: 6 van 8 ingediend" in html
    for org in card.completeness.missing:
        director = OrganisationRole.objects.filter(
            organisation=org, role=OrganisationRole.Role.DIRECTOR).first().user
        rnd = tom.budget_rounds.get(year=2026)
        budget = budget_services.budget_get_or_create(budget_round=rnd, organisation=org,
                                                      actor=director)
        budget_services.budget_submit(budget=budget, actor=director)
    assert PartnerBudget.objects.filter(budget_round__cooperative=tom, budget_round__year=2026,
                                        status="submitted").count() == 8
    card = scorecard(tom, 2026)
    change = next(r for r in card.rows if r.indicator.code == "KOSTENVERSCHIL")
    assert change.status in (Status.MET, Status.NEARLY, Status.NOT_MET)
    assert card.completeness.complete
