"""The ledger's running balances always equal the sums of its entries."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import ledger
from budgets.models import (
    DimensionBalance,
    LedgerBalance,
    LedgerEntry,
    LedgerTransaction,
    NeighbourhoodBalance,
)
from cooperatie.models import Neighbourhood

amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(postings=st.lists(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), amounts),
                                  min_size=1, max_size=6), min_size=1, max_size=4),
       reverse_first=st.booleans())
def test_balances_follow_every_posting_and_reversal(tom, users, postings, reverse_first):
    hoods = list(Neighbourhood.objects.filter(cooperative=tom).order_by("code"))
    streams = list(tom.funding_streams.order_by("code"))
    orgs = [m.organisation for m in tom.memberships.order_by("organisation__code")[:3]]
    made = []
    for n, entries in enumerate(postings):
        made.append(ledger.post(
            cooperative=tom, year=2031, kind=LedgerTransaction.Kind.BUDGET,
            source_type="test", source_id=n, description="test", reason="test",
            actor=users["tom-voorzitter"],
            entries=[{"kind": LedgerEntry.Kind.CONTRIBUTION, "amount": amount,
                      "organisation": orgs[o], "neighbourhood": hoods[h % len(hoods)],
                      "funding_stream": streams[o]} for h, o, amount in entries]))
    if reverse_first:
        ledger.reverse(posting=made[0], actor=users["tom-voorzitter"], reason="test")
    assert ledger.balances_differences(tom) == []
    expected = ledger.balance(LedgerEntry.objects.filter(cooperative=tom, year=2031))
    cents = sum(LedgerBalance.objects.filter(cooperative=tom, year=2031)
                .values_list("cents", flat=True))
    hood_cents = sum(NeighbourhoodBalance.objects.filter(cooperative=tom, year=2031)
                     .values_list("cents", flat=True))
    assert Decimal(cents) / 100 == Decimal(hood_cents) / 100 == expected
    for dimension in DimensionBalance.Dimension.values:  # each dimension adds up to the total
        assert sum(DimensionBalance.objects.filter(cooperative=tom, year=2031,
                                                   dimension=dimension)
                   .values_list("cents", flat=True)) == cents


def test_rebuilding_gives_the_same_balances(tom):
    before = sorted(LedgerBalance.objects.filter(cooperative=tom).values_list(
        "year", "kind", "period", "organisation", "area", "funding_stream", "cents"))
    assert before
    ledger.balances_rebuild(tom)
    after = sorted(LedgerBalance.objects.filter(cooperative=tom).values_list(
        "year", "kind", "period", "organisation", "area", "funding_stream", "cents"))
    assert after == before


# --- the cost per inhabitant reads the balances: the same as adding up the entries ------------


def spending_from_entries(cooperative, years, hood_ids) -> dict[int, Decimal]:
    """What `spending_by_year` counts, added up from the entries themselves: the realisation
    of the closed periods plus the budget due for the rest of the year."""
    from budgets.realisation import periods as period_refs
    from budgets.realisation.models import Period
    from budgets.realisation.selectors import cents
    from budgets.realisation.services import realisation_settings_get

    entries = LedgerEntry.objects.filter(cooperative=cooperative)
    if hood_ids is not None:
        entries = entries.filter(neighbourhood_id__in=hood_ids)
    distribution = realisation_settings_get(cooperative).distribution
    out = {}
    for year in years:
        budget = ledger.balance(entries.filter(year=year, kind=LedgerEntry.Kind.CONTRIBUTION))
        closed = list(Period.objects.filter(budget_round__cooperative=cooperative,
                                            budget_round__year=year, status="closed")
                      .order_by("number"))
        if not closed:
            out[year] = budget
            continue
        actual = ledger.balance(entries.filter(year=year, kind=LedgerEntry.Kind.REALISATION,
                                               period__in=closed))
        share = period_refs.share_through(closed[-1].ref, distribution)
        out[year] = actual + cents(budget * (1 - share))
    return out


def spending_from_balances(cooperative, years, hood_ids) -> dict[int, Decimal]:
    from budgets.realisation.selectors import spending_by_year

    return {y: s.amount for y, s in spending_by_year(cooperative, years, hood_ids).items()}


def test_spending_from_the_balances_equals_the_entries_for_every_scope(tom):
    """The demo: 2025 all twelve months closed, 2026 partly, 2024 no periods; every scope of
    the scorecard (the cooperative, its areas, neighbourhoods and teams)."""
    from cooperatie.evaluation.selectors import _neighbourhood_ids, scopes_of

    years = [2024, 2025, 2026]
    scopes = scopes_of(tom)
    assert {s.kind for s in scopes} == {"cooperative", "area", "neighbourhood", "team"}
    for scope in scopes:
        hood_ids = _neighbourhood_ids(scope)
        expected = spending_from_entries(tom, years, hood_ids)
        assert spending_from_balances(tom, years, hood_ids) == expected, scope
    found = spending_from_entries(tom, years, None)
    assert found[2024] == 0 and found[2025] and found[2026]  # no money in 2024


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 11), st.integers(0, 2),
                                  amounts), min_size=1, max_size=8),
       reverse=st.booleans(), scope=st.sets(st.integers(0, 5), max_size=6))
def test_spending_from_the_balances_follows_postings_in_any_period(tom, users, entries,
                                                                   reverse, scope):
    """Realisation posted in closed and open months of 2026, on neighbourhoods or only on a
    team (no neighbourhood: the cooperative's figure counts it, no neighbourhood's does),
    possibly reversed: the balances give what the entries give, to the cent."""
    from budgets.realisation.models import Period
    from cooperatie.models import Team

    hoods = list(Neighbourhood.objects.filter(cooperative=tom).order_by("code"))
    team = Team.objects.filter(cooperative=tom).order_by("code").first()
    months = list(Period.objects.filter(budget_round__cooperative=tom, budget_round__year=2026)
                  .order_by("number"))
    orgs = [m.organisation for m in tom.memberships.order_by("organisation__code")[:3]]
    streams = list(tom.funding_streams.order_by("code"))
    posting = ledger.post(
        cooperative=tom, year=2026, kind=LedgerTransaction.Kind.REALISATION,
        source_type="test", source_id=1, description="test", reason="test",
        actor=users["tom-voorzitter"],
        entries=[{"kind": LedgerEntry.Kind.REALISATION, "amount": amount,
                  "organisation": orgs[o], "funding_stream": streams[o],
                  "period": months[m % len(months)],
                  **({"neighbourhood": hoods[h]} if h < len(hoods) else {"team": team})}
                 for h, m, o, amount in entries])
    if reverse:
        ledger.reverse(posting=posting, actor=users["tom-voorzitter"], reason="test")
    for hood_ids in (None, [hoods[i].pk for i in scope if i < len(hoods)]):
        assert (spending_from_balances(tom, [2025, 2026], hood_ids)
                == spending_from_entries(tom, [2025, 2026], hood_ids))


def test_the_cumulative_chart_equals_the_entries_for_any_area_and_partner(tom):
    """The chart's actual per period (DimensionBalance for the cooperative, one area or one
    partner; LedgerBalance for a partner in an area) is the realisation entries' sum."""
    from django.db.models import Q

    from budgets.realisation import selectors
    from cooperatie.models import Area
    from partners.models import Organisation

    budget_round = tom.budget_rounds.get(year=2025)
    periods = selectors.round_periods(budget_round)
    org = Organisation.objects.filter(ledger_entries__cooperative=tom,
                                      ledger_entries__kind="realisation").distinct().first()
    scopes = [(None, None), (org, None)] + [(o, a) for a in Area.objects.filter(cooperative=tom)
                                            for o in (None, org)]
    for organisation, area in scopes:
        entries = LedgerEntry.objects.filter(cooperative=tom, year=2025, kind="realisation")
        if organisation is not None:
            entries = entries.filter(organisation=organisation)
        if area is not None:
            entries = entries.filter(Q(neighbourhood__area=area)
                                     | Q(neighbourhood__isnull=True, team__area=area))
        months = selectors.cumulative(budget_round, periods, Decimal("0"), None,
                                      organisation=organisation, area=area)
        running = Decimal("0.00")
        for period, _budget, actual in months:
            running += ledger.balance(entries.filter(period=period))
            assert actual == running, (organisation, area, period)
        assert running == ledger.balance(entries)
        assert running or area is not None  # the cooperative and the partner spent
