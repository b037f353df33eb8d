"""The in-kind contribution: valued to the cent, posted to the ledger with the budget,
reversed and reposted on change; and what the demo scenarios show."""

from datetime import date
from decimal import Decimal

from budgets import ledger
from budgets import services as budget_services
from budgets.models import LedgerEntry, LedgerTransaction, PartnerBudget
from cooperatie.models import Area, Team
from partners import selectors
from partners.models import StaffCommitment


def in_kind_balance(org, year=2026) -> Decimal:
    return ledger.balance(LedgerEntry.objects.filter(organisation=org, year=year,
                                                     kind=LedgerEntry.Kind.IN_KIND))


def test_entries_are_per_team_and_exact_to_the_cent(commit, draft, tom):
    n, z = tom.teams.get(code="TOM-N"), tom.teams.get(code="TOM-Z")
    commit(team=n, fte=Decimal("1.00"), annual_cost=Decimal("73000.00"),
           period_end=date(2026, 1, 31))                                       # 6200.00
    commit(team=n, fte=Decimal("0.50"), annual_cost=Decimal("3.65"),
           period_start=date(2026, 3, 1), period_end=date(2026, 3, 3))         # 0.015 → 0.02
    commit(team=z, fte=Decimal("0.80"), annual_cost=Decimal("68750.00"))        # 55000.00
    commit(team=z, fte=Decimal("0.50"), annual_cost=Decimal("0.00"),
           period_start=date(2026, 2, 1))                                      # 0.00
    entries = selectors.in_kind_entries(draft)
    assert [(e["team"].code, e["amount"]) for e in entries] == [
        ("TOM-N", Decimal("6200.02")), ("TOM-Z", Decimal("55000.00"))]
    assert all(e["kind"] == LedgerEntry.Kind.IN_KIND and e["organisation"] == draft.organisation
               for e in entries)


def test_a_partner_without_commitments_posts_no_in_kind_entries(draft):
    assert selectors.in_kind_entries(draft) == []


def test_ledger_round_trip_with_repost(commit, draft, tom, users):
    """Posting the entries directly with the ledger: a repost reverses every entry."""
    commit(fte=Decimal("1.00"), annual_cost=Decimal("70000.00"))
    post = {"cooperative": tom, "year": 2026, "kind": LedgerTransaction.Kind.BUDGET,
            "source_type": "budget", "source_id": draft.pk, "description": "test",
            "reason": "test", "actor": users["tom-directeur"]}
    first = ledger.repost(**post, entries=selectors.in_kind_entries(draft))
    assert ledger.balance(first.entries.all()) == Decimal("70000.00")
    commit(fte=Decimal("0.30"), annual_cost=Decimal("70000.00"), period_start=date(2026, 7, 1))
    second = ledger.repost(**post, entries=selectors.in_kind_entries(draft))
    reversal = LedgerTransaction.objects.get(reverses=first)
    assert ledger.balance(reversal.entries.all()) == Decimal("-70000.00")
    assert in_kind_balance(draft.organisation) == ledger.balance(second.entries.all())
    assert in_kind_balance(draft.organisation) == Decimal("70000.00") + Decimal("10586.30")


def test_submit_posts_in_kind_and_resubmission_reverses_and_reposts(commit, draft, users):
    director, chair = users["tom-directeur"], users["tom-voorzitter"]
    org = draft.organisation
    c = commit(fte=Decimal("1.20"), annual_cost=Decimal("68750.00"),
               period_start=date(2026, 2, 15))   # 1.2 × 68750 × 320/365 = 72328.77
    assert in_kind_balance(org) == 0  # a draft is not in the ledger
    budget_services.budget_submit(budget=draft, actor=director)
    first = ledger.live_posting("budget", draft.pk)
    assert in_kind_balance(org) == Decimal("72328.77") == selectors.commitment_value(c)
    budget_services.budget_reopen(budget=draft, actor=chair, reason="inzet aanpassen")
    assert in_kind_balance(org) == Decimal("72328.77")  # stays until the next submission
    commit(fte=Decimal("0.25"), annual_cost=Decimal("89250.00"),
           team=draft.budget_round.cooperative.teams.get(code="TOM-B"))
    budget_services.budget_submit(budget=draft, actor=director)
    reversal = LedgerTransaction.objects.get(reverses=first)
    reversed_in_kind = reversal.entries.filter(kind=LedgerEntry.Kind.IN_KIND)
    assert ledger.balance(reversed_in_kind) == Decimal("-72328.77")
    assert in_kind_balance(org) == Decimal("72328.77") + Decimal("22312.50")
    partner = next(p for p in selectors.in_kind_by_partner(draft.budget_round)
                   if p.organisation == org)
    assert partner.value == partner.booked and partner.difference == 0
    assert partner.submitted


def test_in_kind_values_match_the_ledger_to_the_cent_in_every_demo(db):
    """Every submitted demo budget carries its partner's commitments (Malberg's last partner
    was even reopened and resubmitted); drafts are not booked yet."""
    checked = 0
    for code in ("heerlen", "malberg", "tom"):
        budget_round = PartnerBudget.objects.filter(
            budget_round__cooperative__code=code, budget_round__year=2026).first().budget_round
        for partner in selectors.in_kind_by_partner(budget_round):
            if partner.submitted:
                assert partner.booked == partner.value, partner.organisation
                checked += 1
            else:
                assert partner.booked == 0
        assert sum(p.value for p in selectors.in_kind_by_partner(budget_round)) == sum(
            (selectors.commitment_value(c) for c in
             StaffCommitment.objects.filter(budget_round=budget_round)), Decimal("0"))
    assert checked >= 20
    resubmitted = PartnerBudget.objects.get(budget_round__cooperative__code="malberg",
                                            budget_round__year=2026,
                                            organisation__code="mb-mee")
    first = LedgerTransaction.objects.filter(source_type="budget", source_id=resubmitted.pk,
                                             reversed_by__isnull=False).get()
    assert ledger.balance(first.reversed_by.entries.filter(kind=LedgerEntry.Kind.IN_KIND)) < 0


def test_heerlen_demo_has_16_teams_in_4_areas_with_gaps_and_substitution(heerlen):
    budget_round = heerlen.budget_rounds.get(year=2026)
    result = selectors.coverage(budget_round)
    assert len(result.rows) == 16 and len(result.areas) == 4
    assert {r.team.kind for r in result.rows} == {Team.Kind.NEIGHBOURHOOD, Team.Kind.EXPERTISE}
    assert result.total.gap > 0
    assert sum(1 for r in result.rows if r.has_gap) >= 10
    assert result.cell("SBT05", "GGZ").gap == Decimal("0.50")
    oost = next(a for a in result.areas if a.area.code == "OOST")
    assert [(s.expertise.code, s.from_team.code, s.to_team.code, s.fte)
            for s in oost.suggestions] == [("MW", "SBT05", "SBT06", Decimal("0.60"))]
    # a part-year commitment counts pro rata: 2.20 fte from 1 March is 1.84 fte-year
    assert result.cell("SBT03", "JEUGD").committed == Decimal("1.84")
    # one area alone: the same rows
    noord = selectors.coverage(budget_round, area=Area.objects.get(cooperative=heerlen,
                                                                   code="NOORD"))
    assert [r.team.code for r in noord.rows] == ["EXP-N", "SBT01", "SBT02", "SBT03", "SBT04"]
    assert [e.code for e in noord.expertises] == [e.code for e in result.expertises]


def test_malberg_has_ten_partners_committing_by_expertise(malberg):
    budget_round = malberg.budget_rounds.get(year=2026)
    orgs = set(StaffCommitment.objects.filter(budget_round=budget_round)
               .values_list("organisation__code", flat=True))
    assert len(orgs) >= 10
    result = selectors.coverage(budget_round)
    assert [r.team.code for r in result.rows] == ["MALBERG"]
    assert result.total.gap > 0  # the municipality's Wmo consultants: the director's journey


def test_tom_teams_have_needs_and_gaps(tom):
    result = selectors.coverage(tom.budget_rounds.get(year=2026))
    assert [r.team.code for r in result.rows] == ["TOM-N", "TOM-B", "TOM-Z"]
    assert all(r.total.required > 0 for r in result.rows)
    zuid = next(a for a in result.areas if a.area.code == "ZUID")
    assert ("JEUGD", "TOM-Z", "TOM-B") in {(s.expertise.code, s.from_team.code, s.to_team.code)
                                          for s in zuid.suggestions}


def test_loading_the_demo_again_changes_no_staffing(db):
    from fixtures.demo import load_demo
    from partners.models import TeamNeed

    def counts():
        return (TeamNeed.objects.count(), StaffCommitment.objects.count(),
                StaffCommitment.history.count(),
                LedgerEntry.objects.filter(kind=LedgerEntry.Kind.IN_KIND).count())

    before = counts()
    assert before[0] > 100 and before[1] > 100
    load_demo()
    assert counts() == before
