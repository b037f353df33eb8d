"""Settling a lump sum after its year: only once the year is complete, by the board as a
proposal, posted as one balanced transaction when adopted, immutable, and changed only by a
new version that reverses the old posting."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import ledger
from budgets.allocation import services as allocation
from budgets.models import AllocationKey, FundingStream, LedgerEntry, LedgerTransaction
from budgets.realisation import services as realisation
from budgets.settlement import selectors, services
from budgets.settlement.models import Settlement
from cooperatie.governance import services as governance
from cooperatie.governance.models import Proposal

from .conftest import REASON, SHARES

D = Decimal
KEEP_AND_RESERVE = services.RuleInput(
    {"partner": D("100"), "reserve": D("0"), "funder": D("0"), "key": D("0")},
    {"partner": D("0"), "reserve": D("100"), "key": D("0")}, {})


def adopt(proposal, users):
    governance.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="for")
    governance.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="for")
    return governance.proposal_close(proposal=proposal, actor=users["tom-voorzitter"],
                                     reasons="conform de statuten")


def settled(grant, users, rule=KEEP_AND_RESERVE):
    treasurer = users["tom-penningmeester"]
    settlement = services.settlement_draft(grant=grant, actor=treasurer)
    services.settlement_save(settlement=settlement, rule=rule, actor=treasurer)
    proposal = services.settlement_propose(settlement=settlement, actor=treasurer)
    decision = adopt(proposal, users)
    settlement.refresh_from_db()
    return settlement, decision


def test_settling_before_the_periods_are_closed_is_refused(grant_2024, quarters, users):
    with pytest.raises(ValidationError) as exc:
        services.settlement_draft(grant=grant_2024, actor=users["tom-penningmeester"])
    text = " ".join(exc.value.messages)
    assert "Nog niet alle perioden van 2024 zijn gesloten: 1e kwartaal 2024 (nog niet " \
           "geopend)" in text and "Sluit die eerst" in text
    assert "Van Welzijn Rijnstreek ontbreekt de ingediende realisatie over 1e kwartaal 2024, " \
           "2e kwartaal 2024, 3e kwartaal 2024, 4e kwartaal 2024" in text
    assert not grant_2024.settlements.exists()


def test_settling_without_periods_or_a_round_is_refused(grant_2024, users):
    with pytest.raises(ValidationError, match="nog niet in perioden ingedeeld"):
        services.settlement_draft(grant=grant_2024, actor=users["tom-penningmeester"])


def test_a_partner_whose_realisation_is_missing_is_named(grant_2024, quarters, users, partners,
                                                        tom):
    from cooperatie.models import Neighbourhood

    from .conftest import spend

    finance = users["tom-financien"]
    hood = Neighbourhood.objects.filter(cooperative=tom).first()
    jeugd = FundingStream.objects.get(cooperative=tom, code="JEUGD")
    for period in quarters:
        realisation.period_open(period=period, actor=finance, reason=REASON)
        for code, org in partners.items():
            if not (code == "tom-ggz" and period.number == 3):
                spend(period, org, {(hood, jeugd): D("100.00")}, finance)
        realisation.period_close(period=period, actor=finance, reason=REASON)
    with pytest.raises(ValidationError) as exc:
        services.settlement_draft(grant=grant_2024, actor=users["tom-penningmeester"])
    assert exc.value.messages == [
        "Van GGZ Rijnland ontbreekt de ingediende realisatie over 3e kwartaal 2024. Laat GGZ "
        "Rijnland die eerst indienen; zonder de realisatie van elke partner kan de lumpsum niet "
        "worden vastgesteld."]


def test_a_draft_compares_allocation_and_realisation_on_the_grants_stream(year_done, users,
                                                                          partners):
    settlement = services.settlement_draft(grant=year_done, actor=users["tom-penningmeester"])
    assert {s.organisation.code: s.percentage for s in settlement.key_shares.all()} == SHARES
    outcome = selectors.outcome_of(settlement)
    rows = {o.code: (p.allocated, p.realised, p.result) for o, p in outcome.partners.items()}
    assert rows == {  # Welzijn's € 7.000 on Wmo is not this grant's
        "tom-welzijn": (D("50000.00"), D("45000.00"), D("5000.00")),
        "tom-jeugd": (D("30000.00"), D("33000.01"), D("-3000.01")),
        "tom-ggz": (D("20000.00"), D("20000.00"), D("0.00")),
    }
    # The default rule: a surplus stays with the partner, a deficit is the partner's own.
    assert [p.settled for p in outcome.partners.values()] == [
        D("20000.00"), D("33000.01") - D("3000.01"), D("50000.00")]


def test_a_rule_whose_shares_do_not_add_up_is_refused_and_nothing_changes(year_done, users):
    treasurer = users["tom-penningmeester"]
    settlement = services.settlement_draft(grant=year_done, actor=treasurer)
    bad = services.RuleInput(
        {"partner": D("50"), "reserve": D("40"), "funder": D("0"), "key": D("0")},
        {"partner": D("100"), "reserve": D("0"), "key": D("0")}, {})
    with pytest.raises(ValidationError, match="telt op tot 90%"):
        services.settlement_save(settlement=settlement, rule=bad, actor=treasurer)
    settlement.refresh_from_db()
    assert (settlement.surplus_partner, settlement.surplus_reserve) == (D("100"), D("0"))


def test_the_board_adopts_it_and_it_is_posted_as_one_balanced_transaction(year_done, users,
                                                                          partners, tom):
    settlement, decision = settled(year_done, users)
    assert decision.adopted and settlement.is_adopted
    assert settlement.proposal.kind == Proposal.Kind.SETTLEMENT
    posting = settlement.posting
    assert posting.kind == LedgerTransaction.Kind.SETTLEMENT and decision.number in \
        posting.description
    entries = sorted((e.kind, e.organisation_id, e.amount) for e in posting.entries.all())
    assert entries == sorted([
        (LedgerEntry.Kind.SETTLEMENT, partners["tom-jeugd"].pk, D("3000.01")),
        (LedgerEntry.Kind.RESERVE, None, D("-3000.01")),
    ])
    assert sum(e[2] for e in entries) == 0
    lines = {ln.organisation.code: ln for ln in settlement.lines.select_related("organisation")}
    assert lines["tom-welzijn"].kept == D("5000.00") and lines["tom-welzijn"].settled == D(
        "50000.00")
    assert lines["tom-jeugd"].from_reserve == D("3000.01")
    assert selectors.reserve_balance(tom, through_year=2024) == D("-3000.01")
    assert ledger.balances_differences(tom) == []
    # Immutable: nothing can be changed any more, and it is not settled twice.
    with pytest.raises(ValidationError, match="verandert niet meer"):
        services.settlement_save(settlement=settlement, rule=KEEP_AND_RESERVE,
                                 actor=users["tom-penningmeester"])
    with pytest.raises(ValidationError, match="niet twee keer vastgesteld"):
        services.settlement_draft(grant=year_done, actor=users["tom-penningmeester"])


def test_a_change_is_a_new_version_that_reverses_the_old_posting(year_done, users, tom):
    first, _decision = settled(year_done, users)
    treasurer = users["tom-penningmeester"]
    with pytest.raises(ValidationError, match="reden"):
        services.settlement_amend(settlement=first, actor=treasurer, reason="")
    second = services.settlement_amend(settlement=first, actor=treasurer,
                                       reason="de helft van een overschot naar de reserve")
    assert (second.version, second.supersedes_id, second.surplus_partner) == (2, first.pk,
                                                                              D("100"))
    half = services.RuleInput(
        {"partner": D("50"), "reserve": D("50"), "funder": D("0"), "key": D("0")},
        {"partner": D("0"), "reserve": D("100"), "key": D("0")}, {})
    services.settlement_save(settlement=second, rule=half, actor=treasurer)
    adopt(services.settlement_propose(settlement=second, actor=treasurer), users)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Settlement.Status.SUPERSEDED and second.is_adopted
    reversal = LedgerTransaction.objects.get(reverses=first.posting)
    assert reversal.kind == LedgerTransaction.Kind.REVERSAL
    # Reserve: 2 500 of Welzijn's surplus in, Jeugd's deficit out; the first version undone.
    assert selectors.reserve_balance(tom, through_year=2024) == D("2500.00") - D("3000.01")
    movements = selectors.reserve_movements(tom, through_year=2024)
    assert [m.amount for m in movements] == [D("-3000.01"), D("3000.01"), D("2500.00"),
                                             D("-3000.01")]
    assert movements[-1].balance == D("-500.01")


def test_rejected_and_then_a_new_version(year_done, users):
    treasurer = users["tom-penningmeester"]
    settlement = services.settlement_draft(grant=year_done, actor=treasurer)
    proposal = services.settlement_propose(settlement=settlement, actor=treasurer)
    governance.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice="against")
    governance.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="against")
    governance.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.REJECTED and settlement.posting is None
    again = services.settlement_amend(settlement=settlement, actor=treasurer, reason="anders")
    assert again.version == 2 and again.supersedes is None and again.is_draft


def test_drafting_twice_is_refused(year_done, users):
    treasurer = users["tom-penningmeester"]
    services.settlement_draft(grant=year_done, actor=treasurer)
    with pytest.raises(ValidationError, match="al versie 1 van de vaststelling in voorbereiding"):
        services.settlement_draft(grant=year_done, actor=treasurer)


def test_only_the_board_drafts_and_drafts_stay_with_the_board(year_done, users):
    from cooperatie import policy

    with pytest.raises(PermissionDenied):
        services.settlement_draft(grant=year_done, actor=users["tom-directeur"])
    with pytest.raises(PermissionDenied):
        services.settlement_draft(grant=year_done, actor=users["tom-financien"])
    settlement = services.settlement_draft(grant=year_done, actor=users["tom-voorzitter"])
    assert not policy.allowed(users["tom-directeur"], "settlement.view", settlement)
    assert policy.allowed(users["tom-financien"], "settlement.view", settlement)
    services.settlement_propose(settlement=settlement, actor=users["tom-voorzitter"])
    assert policy.allowed(users["tom-directeur"], "settlement.view", settlement)


def test_a_payment_on_a_settled_year_is_refused_until_a_new_version_is_drafted(year_done,
                                                                              users):
    first, decision = settled(year_done, users)
    tranche = first.plan.tranches.get(organisation__code="tom-ggz", number=4)
    pay = dict(tranche=tranche, paid_on=date(2024, 10, 1), amount=D("5000.00"),
               reference="afschrift 40", actor=users["tom-financien"])
    with pytest.raises(ValidationError, match=f"besluit {decision.number}.*het jaar is "
                                              "afgesloten"):
        services.payment_record(**pay)
    services.settlement_amend(settlement=first, actor=users["tom-penningmeester"],
                              reason="betaling nog verwerken")
    assert services.payment_record(**pay).amount == D("5000.00")


def test_two_grants_on_one_stream_share_a_partners_realisation(year_done, users, partners,
                                                               tom):
    """A second lump sum on Jeugd in 2024 (€ 10.000, all to Welzijn): Welzijn's € 45.000 is
    split over both in proportion to its allocation from each (50.000 : 10.000)."""
    treasurer = users["tom-penningmeester"]
    grant = allocation.grant_create(
        cooperative=tom, year=2024, amount=D("10000.00"),
        funding_stream=FundingStream.objects.get(cooperative=tom, code="JEUGD"),
        funder_name="Fonds (fictief)", description="extra", actor=treasurer, reason=REASON)
    plan = allocation.plan_draft(grant=grant, actor=treasurer, reason=REASON)
    allocation.plan_save(plan=plan, method="partners", schedule="none", note="", weights={},
                         key=allocation.KeyInput(AllocationKey.Basis.PERCENTAGES,
                                                 AllocationKey.Unit.EURO, "",
                                                 {partners["tom-welzijn"]: D("100")}),
                         actor=treasurer, reason=REASON)
    adopt(allocation.plan_propose(plan=plan, actor=treasurer), users)
    plan.refresh_from_db()
    assert plan.is_adopted
    welzijn = partners["tom-welzijn"].pk
    first = selectors.attributed_realisation(year_done, selectors.plan_in_force(year_done))
    second = selectors.attributed_realisation(grant, plan)
    assert (first[welzijn], second[welzijn]) == (D("37500.00"), D("7500.00"))
    assert first[partners["tom-jeugd"].pk] == D("33000.01")  # only in the first grant
