"""The ledger's running balances always equal the sums of its entries."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import ledger
from budgets.models import LedgerBalance, LedgerEntry, LedgerTransaction, NeighbourhoodBalance
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


def test_rebuilding_gives_the_same_balances(tom):
    before = sorted(LedgerBalance.objects.filter(cooperative=tom).values_list(
        "year", "kind", "period", "organisation", "area", "funding_stream", "cents"))
    assert before
    ledger.balances_rebuild(tom)
    after = sorted(LedgerBalance.objects.filter(cooperative=tom).values_list(
        "year", "kind", "period", "organisation", "area", "funding_stream", "cents"))
    assert after == before
