"""The whole-cooperative pages and the one-area pages run the same number of queries in a
cooperative three times another's size (the benchmark's pages, as the roles that use them),
and stay under a bound: a page never grows a query per neighbourhood, team or partner."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.suite import pages_of
from budgets import selectors
from cooperatie.models import Cooperative
from fixtures import scale
from fixtures.scale import ScaleSpec, generate

# Both above the page size (set to 20 here), so both show one area at a time, as a large
# cooperative does; the larger has three times the neighbourhoods, teams and partners.
MEDIUM = ScaleSpec(cooperatives=1, partners=4, neighbourhoods=30, teams=10, years=2, seed=3,
                   prefix="pm")
LARGE = ScaleSpec(cooperatives=1, partners=12, neighbourhoods=90, teams=30, years=2, seed=3,
                  prefix="pl")
MOST = 30  # queries on any of these pages (they run 13–26 at the benchmark's sizes)
# The whole-cooperative and one-area pages (the benchmark has realisation's too).
PAGES = {"budget grid (director, draft)", "pooled budget (board)", "coverage matrix (board)",
         "allocation plan, adopted (treasurer)", "allocation plan, draft (treasurer)",
         "scorecard (board)", "pooled budget, one area (board)",
         "coverage matrix, one area (board)"}


def queries_per_page(cooperative) -> dict[str, int]:
    counts = {}
    for page, username, url in pages_of(cooperative):
        if page not in PAGES:
            continue
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get(url).status_code == 200, (page, url)  # warm: session, caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, (page, url)
        counts[page] = len(captured)
    return counts


@pytest.mark.django_db
def test_pages_run_as_many_queries_whatever_the_cooperatives_size(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_NEIGHBOURHOODS", 20)
    generate(MEDIUM)
    generate(LARGE)
    medium = queries_per_page(Cooperative.objects.get(code=MEDIUM.code(0)))
    large = queries_per_page(Cooperative.objects.get(code=LARGE.code(0)))
    assert set(large) == set(medium) == PAGES
    assert large == medium
    assert max(large.values()) <= MOST, large


@pytest.mark.django_db
def test_a_large_cooperatives_pages_show_areas_not_every_row(monkeypatch, client):
    """Above the page size the coverage matrix opens on its areas and the allocation plan
    splits per area: no team or neighbourhood row of the whole cooperative on one page."""
    monkeypatch.setattr(selectors, "PAGE_NEIGHBOURHOODS", 20)
    generate(LARGE)
    cooperative = Cooperative.objects.get(code=LARGE.code(0))
    pages = {page: (user, url) for page, user, url in pages_of(cooperative)}
    client.force_login(get_user_model().objects.get(username=pages["coverage matrix (board)"][0]))
    matrix = client.get(pages["coverage matrix (board)"][1]).content.decode()
    assert 'id="team-' not in matrix and "gebied=" in matrix
    one_area = client.get(pages["coverage matrix, one area (board)"][1]).content.decode()
    assert 'id="team-' in one_area
    user, url = pages["allocation plan, adopted (treasurer)"]
    client.force_login(get_user_model().objects.get(username=user))
    plan = client.get(url).content.decode()
    # the scale data's plans split per inhabitant: per area, no neighbourhood rows
    assert 'id="verdeling-gebieden"' in plan and 'id="verdeling-buurten"' not in plan
    area = cooperative.areas.order_by("name").first()
    plan = client.get(f"{url}?gebied={area.code}").content.decode()
    assert 'id="verdeling-buurten"' in plan and area.neighbourhoods.first().code in plan


# A tenth and the whole, as the benchmark's medium and large: the same partners and years,
# ten times the neighbourhoods, teams and lines, in areas of uneven size (a fifth of
# fixtures.scale.AREA_SIZES, one cycle of 34 neighbourhoods in the tenth, ten in the whole;
# the largest area has 12 neighbourhoods in both).
AREAS = (12, 7, 5, 4, 3, 2, 1)
TENTH = ScaleSpec(cooperatives=1, partners=4, neighbourhoods=34, teams=10, years=2, seed=5,
                  prefix="pt")
WHOLE = ScaleSpec(cooperatives=1, partners=4, neighbourhoods=340, teams=100, years=2, seed=5,
                  prefix="pw")
ONE_AREA = {"pooled budget, one area (board)", "coverage matrix, one area (board)",
            "budget vs actual, one area per neighbourhood (board)"}


def one_area_queries(cooperative) -> dict[str, int]:
    counts = {}
    for page, username, url in pages_of(cooperative):
        if page in ONE_AREA:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            assert client.get(url).status_code == 200, (page, url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (page, url)
            counts[page] = len(captured)
    return counts


@pytest.mark.django_db
def test_a_one_area_page_runs_as_many_queries_in_a_cooperative_ten_times_the_size(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_NEIGHBOURHOODS", 20)
    monkeypatch.setattr(scale, "AREA_SIZES", AREAS)
    generate(TENTH)
    generate(WHOLE)
    tenth, whole = (Cooperative.objects.get(code=spec.code(0)) for spec in (TENTH, WHOLE))
    assert whole.neighbourhoods.count() == 10 * tenth.neighbourhoods.count()
    assert whole.areas.count() == 10 * tenth.areas.count()
    largest = {c.code: max(a.neighbourhoods.count() for a in c.areas.all())
               for c in (tenth, whole)}
    assert largest == {tenth.code: 12, whole.code: 12}
    small, large = one_area_queries(tenth), one_area_queries(whole)
    assert set(small) == ONE_AREA
    assert large == small
