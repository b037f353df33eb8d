"""Grants, drafting, immutability, supersession with ledger reversals, permissions, history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from budgets import ledger
from budgets.allocation import services as svc
from budgets.models import (
    AllocationKeyShare,
    AllocationLine,
    AllocationPlan,
    LedgerEntry,
    LedgerTransaction,
    LumpSumGrant,
    PlanNeighbourhoodWeight,
)
from cooperatie.governance import services as governance
from cooperatie.governance.models import Decision

from .conftest import percentages_key


def grant(tom, users, amount, **kw):
    fields = {"cooperative": tom, "year": 2027, "amount": amount,
              "funding_stream": tom.funding_streams.get(code="WMO"), "funder_name": "Gemeente",
              "description": "test", "actor": users["tom-penningmeester"], "reason": "test"}
    return svc.grant_create(**{**fields, **kw})


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("0.00"), "moet groter zijn dan 0"),
    (Decimal("-5.00"), "moet groter zijn dan 0"),
    (Decimal("100.001"), "hoogstens 2 decimalen (100,001)"),
    (Decimal("NaN"), "Vul het bedrag van de lumpsum in"),
    (None, "Vul het bedrag van de lumpsum in"),
])
def test_bad_grant_amounts_are_refused(tom, users, amount, message):
    before = LumpSumGrant.objects.count()
    with pytest.raises(ValidationError) as exc:
        grant(tom, users, amount)
    assert message in " ".join(exc.value.message_dict["amount"])
    assert LumpSumGrant.objects.count() == before


def test_grant_needs_a_funder_a_stream_of_its_own_and_a_description(tom, heerlen, users):
    with pytest.raises(ValidationError) as exc:
        grant(tom, users, Decimal("10.00"), funder_name=" ", description=" ", year=1999,
              funding_stream=heerlen.funding_streams.first())
    errors = exc.value.message_dict
    assert set(errors) == {"funder", "funding_stream", "description", "year"}


def test_grant_is_recorded_with_history(tom, users):
    made = grant(tom, users, Decimal("4200000.00"), reason="brief gemeente 12-11")
    record = made.history.get()
    assert record.history_user == users["tom-penningmeester"]
    assert record.history_change_reason == "brief gemeente 12-11"
    assert made.funder_label == "Gemeente"


@pytest.mark.parametrize("name", ["tom-directeur", "tom-financien", "tom-beheerder",
                                  "heerlen-penningmeester"])
def test_only_the_board_records_and_drafts(tom, tom_grant, users, name):
    with pytest.raises(PermissionDenied):
        grant(tom, users, Decimal("10.00"), actor=users[name])
    with pytest.raises(PermissionDenied):
        svc.plan_draft(grant=tom_grant, actor=users[name], reason="x")


def test_database_refuses_a_zero_grant(tom, users):
    with pytest.raises(IntegrityError), transaction.atomic():
        LumpSumGrant.objects.create(cooperative=tom, year=2026, amount=Decimal("0"),
                                    funding_stream=tom.funding_streams.first(),
                                    funder_name="x", description="x")


def test_one_plan_in_preparation_per_grant(tom_grant, users):
    # the demo has version 2 proposed
    with pytest.raises(ValidationError, match="al versie 2 in voorbereiding"):
        svc.plan_draft(grant=tom_grant, actor=users["tom-voorzitter"], reason="x")
    assert tom_grant.plans.count() == 2


def test_save_is_all_or_nothing(new_grant, tom_members, users):
    plan = svc.plan_draft(grant=new_grant(), actor=users["tom-voorzitter"], reason="t")
    with pytest.raises(ValidationError) as exc:
        svc.plan_save(plan=plan, method="per_inhabitant", schedule="monthly", note="n",
                      key=percentages_key(tom_members[:2], [Decimal("50"), Decimal("40")]),
                      weights={tom_members[0].memberships.first().cooperative.neighbourhoods
                               .first(): Decimal("-1")},
                      actor=users["tom-voorzitter"], reason="t")
    assert len(exc.value.messages) == 2  # the key and the weight, both named
    plan.refresh_from_db()
    assert (plan.method, plan.schedule, plan.note) == ("partners", "quarterly", "")
    assert not AllocationKeyShare.objects.filter(key__plan=plan).exists()
    assert not PlanNeighbourhoodWeight.objects.filter(plan=plan).exists()


def test_key_changes_are_historied_with_user_and_reason(new_grant, tom_members, users):
    actor = users["tom-bestuurslid"]
    plan = svc.plan_draft(grant=new_grant(), actor=actor, reason="t")
    svc.plan_set_key(plan=plan, key=percentages_key(tom_members[:2], [Decimal("50")] * 2),
                     actor=actor, reason="eerste sleutel")
    svc.plan_set_key(plan=plan, key=percentages_key(tom_members[:2], [Decimal("70"),
                                                                     Decimal("30")]),
                     actor=users["tom-voorzitter"], reason="afspraak stuurgroep")
    svc.plan_set_key(plan=plan, key=percentages_key(tom_members[1:2], [Decimal("100")]),
                     actor=actor, reason="alleen één partner")
    records = AllocationKeyShare.history.filter(key_id=plan.key.pk,
                                                organisation=tom_members[0]).order_by(
        "history_date", "history_id")
    assert [(r.history_type, r.value, r.history_change_reason, r.history_user.username)
            for r in records] == [
        ("+", Decimal("50.0000"), "eerste sleutel", "tom-bestuurslid"),
        ("~", Decimal("70.0000"), "afspraak stuurgroep", "tom-voorzitter"),
        ("-", Decimal("70.0000"), "alleen één partner", "tom-bestuurslid"),
    ]


def test_weights_of_one_are_not_stored(heerlen, users):
    hoods = list(heerlen.neighbourhoods.order_by("code")[:3])
    actor = users["heerlen-penningmeester"]
    plan = svc.plan_draft(grant=svc.grant_create(
        cooperative=heerlen, year=2026, amount=Decimal("100.00"),
        funding_stream=heerlen.funding_streams.first(), funder_name="x", description="x",
        actor=actor, reason="t"), actor=actor, reason="t")
    svc.plan_set_weights(plan=plan, weights={hoods[0]: Decimal("2"), hoods[1]: Decimal("1"),
                                             hoods[2]: Decimal("0")}, actor=actor, reason="t")
    assert dict(plan.weights.values_list("neighbourhood_id", "weight")) == {
        hoods[0].pk: Decimal("2.0000"), hoods[2].pk: Decimal("0.0000")}


def test_proposing_freezes_lines_and_tranches(new_grant, tom_members, users):
    actor = users["tom-penningmeester"]
    plan = svc.plan_draft(grant=new_grant("1000.01"), actor=actor, reason="t")
    svc.plan_save(plan=plan, method="partners", schedule="quarterly", note="",
                  key=percentages_key(tom_members[:3], [Decimal("33.3333"), Decimal("33.3333"),
                                                        Decimal("33.3334")]),
                  weights={}, actor=actor, reason="t")
    proposal = svc.plan_propose(plan=plan, actor=actor, reason="naar het bestuur")
    plan.refresh_from_db()
    assert plan.status == "proposed" and plan.proposal == proposal
    assert proposal.drafted_by == actor and "versie 1" in proposal.title
    lines = AllocationLine.objects.filter(plan=plan)
    assert sum(ln.amount for ln in lines) == Decimal("1000.01") and lines.count() == 3
    for line in lines:
        tranches = plan.tranches.filter(organisation=line.organisation)
        assert tranches.count() == 4 and sum(t.amount for t in tranches) == line.amount
    record = lines.first().history.get()
    assert (record.history_user, record.history_change_reason) == (actor, "naar het bestuur")


def test_a_plan_that_cannot_be_split_cannot_be_proposed(new_grant, users):
    actor = users["tom-penningmeester"]
    plan = svc.plan_draft(grant=new_grant(), actor=actor, reason="t")
    with pytest.raises(ValidationError, match="De verdeelsleutel is leeg"):
        svc.plan_propose(plan=plan, actor=actor)
    plan.refresh_from_db()
    assert plan.is_draft and plan.proposal is None


def test_proposed_and_adopted_plans_are_immutable(v1, v2, tom_members, users):
    actor = users["tom-penningmeester"]
    key = percentages_key(tom_members[:1], [Decimal("100")])
    for plan, message in ((v1, "is vastgesteld en kan niet meer worden gewijzigd"),
                          (v2, "ligt als voorstel bij het bestuur")):
        before = list(AllocationKeyShare.objects.filter(key__plan=plan).values_list("value"))
        calls = [
            lambda p=plan: svc.plan_set_key(plan=p, key=key, actor=actor, reason="x"),
            lambda p=plan: svc.plan_set_weights(plan=p, weights={}, actor=actor, reason="x"),
            lambda p=plan: svc.plan_configure(plan=p, method="partners", schedule="monthly",
                                              actor=actor, reason="x"),
            lambda p=plan: svc.plan_save(plan=p, method="partners", schedule="none", note="",
                                         key=key, weights={}, actor=actor, reason="x"),
            lambda p=plan: svc.plan_propose(plan=p, actor=actor),
        ]
        for call in calls:
            with pytest.raises(ValidationError, match=message):
                call()
        assert list(AllocationKeyShare.objects.filter(key__plan=plan)
                    .values_list("value")) == before
    v1.refresh_from_db()
    assert v1.schedule == "quarterly"


def live_allocations(grant) -> dict:
    """What the ledger says each partner got from the grant: all postings, reversals too."""
    entries = LedgerEntry.objects.filter(transaction__source_type="grant",
                                         transaction__source_id=grant.pk,
                                         kind=LedgerEntry.Kind.ALLOCATION)
    return {r["organisation_id"]: r["total"] for r in ledger.totals(entries, "organisation_id")
            if r["total"]}


def plan_allocations(plan) -> dict:
    out = {}
    for line in plan.lines.all():
        out[line.organisation_id] = out.get(line.organisation_id, Decimal("0")) + line.amount
    return {k: v for k, v in out.items() if v}


def test_the_demo_adoption_is_one_balanced_posting(tom_grant, v1):
    posting = v1.posting
    assert posting.kind == LedgerTransaction.Kind.ALLOCATION
    assert ledger.balance(posting.entries.all()) == Decimal("0.00")
    granted = posting.entries.get(kind=LedgerEntry.Kind.GRANT)
    assert granted.amount == Decimal("-4200000.00") and granted.organisation is None
    assert granted.funding_stream == tom_grant.funding_stream
    assert live_allocations(tom_grant) == plan_allocations(v1)
    assert ledger.live_posting("grant", tom_grant.pk) == posting


def test_the_funder_is_on_the_grant_entry_when_it_is_a_member(heerlen):
    plan = AllocationPlan.objects.get(grant__cooperative=heerlen, status="adopted")
    granted = plan.posting.entries.get(kind=LedgerEntry.Kind.GRANT)
    assert granted.organisation.code == "hl-verzekeraar"
    entries = plan.posting.entries.filter(kind=LedgerEntry.Kind.ALLOCATION)
    assert entries.count() == 90 and entries.filter(neighbourhood__isnull=True).count() == 0
    assert ledger.balance(plan.posting.entries.all()) == Decimal("0.00")


def test_an_amendment_supersedes_and_reverses(tom_grant, v1, v2, users):
    old_posting = v1.posting
    governance.vote_cast(proposal=v2.proposal, actor=users["tom-voorzitter"], choice="for")
    decision = governance.proposal_close(proposal=v2.proposal, actor=users["tom-voorzitter"])
    assert decision.adopted  # the drafter (demo vote) and the chair
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == AllocationPlan.Status.SUPERSEDED
    assert v2.status == AllocationPlan.Status.ADOPTED and v2.supersedes == v1
    reversal = LedgerTransaction.objects.get(reverses=old_posting)
    assert reversal.kind == LedgerTransaction.Kind.REVERSAL
    assert ledger.balance(reversal.entries.filter(kind=LedgerEntry.Kind.GRANT)) == Decimal(
        "4200000.00")
    # the ledger per source is the live plan, to the cent; nothing was updated or deleted
    assert live_allocations(tom_grant) == plan_allocations(v2)
    assert ledger.live_posting("grant", tom_grant.pk) == v2.posting
    all_entries = LedgerEntry.objects.filter(transaction__source_type="grant",
                                             transaction__source_id=tom_grant.pk)
    assert ledger.balance(all_entries) == Decimal("0.00")
    assert all_entries.count() == 3 * old_posting.entries.count()  # posted, reversed, posted
    corrected = v2.lines.get(organisation__code="tom-schuld").amount
    assert corrected > v1.lines.get(organisation__code="tom-schuld").amount
    assert Decision.objects.filter(proposal=v2.proposal).get().number == decision.number


def test_a_rejected_amendment_leaves_the_adopted_plan_and_ledger_alone(tom_grant, v1, v2,
                                                                       users):
    before = LedgerEntry.objects.count()
    governance.vote_cast(proposal=v2.proposal, actor=users["tom-voorzitter"], choice="against")
    # the third vote (the drafter voted in the demo): closed by itself
    governance.vote_cast(proposal=v2.proposal, actor=users["tom-bestuurslid"], choice="against")
    assert not Decision.objects.get(proposal=v2.proposal).adopted
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("adopted", "rejected")
    assert LedgerEntry.objects.count() == before
    # a new version after a rejection still supersedes the adopted one
    again = svc.plan_amend(plan=v2, actor=users["tom-penningmeester"], reason="derde poging")
    assert again.version == 3 and again.supersedes == v1


def test_amend_copies_key_weights_method_and_schedule(heerlen, users):
    adopted = AllocationPlan.objects.get(grant__cooperative=heerlen, status="adopted")
    new = svc.plan_amend(plan=adopted, actor=users["heerlen-voorzitter"], reason="nieuwe buurt")
    assert (new.version, new.status, new.supersedes) == (2, "draft", adopted)
    assert (new.method, new.schedule) == (adopted.method, adopted.schedule)
    assert new.drafted_by == users["heerlen-voorzitter"]
    assert (new.key.basis, new.key.description) == (adopted.key.basis, adopted.key.description)
    assert sorted(new.key.shares.values_list("organisation_id", "value")) == sorted(
        adopted.key.shares.values_list("organisation_id", "value"))
    assert sorted(new.weights.values_list("neighbourhood_id", "weight")) == sorted(
        adopted.weights.values_list("neighbourhood_id", "weight"))
    assert not new.lines.exists()
    record = new.key.shares.first().history.get()
    assert (record.history_user, record.history_change_reason) == (
        users["heerlen-voorzitter"], "nieuwe buurt")
    # same key, weights and inhabitants: the draft comes to the adopted amounts exactly
    assert {(ln.organisation.pk, ln.neighbourhood.pk, ln.amount)
            for ln in svc.plan_split(new).lines} == set(
        adopted.lines.values_list("organisation_id", "neighbourhood_id", "amount"))


def test_an_undecided_plan_cannot_be_amended(v2, users):
    with pytest.raises(ValidationError, match="nog niet besloten"):
        svc.plan_amend(plan=v2, actor=users["tom-voorzitter"], reason="x")


def test_history_of_the_plan_tells_the_story(v1, users):
    records = list(v1.history.order_by("history_date", "history_id"))
    assert [r.status for r in records][0] == "draft"
    assert records[-1].status == "adopted"
    assert records[-1].history_user == users["tom-voorzitter"]
    assert records[-1].history_change_reason.startswith("besluit ")


def test_a_funder_that_is_not_a_member_is_named_not_linked(tom, users):
    from partners.models import Organisation

    outsider = Organisation.objects.get(code="hl-verzekeraar")
    with pytest.raises(ValidationError, match="is geen lid van deze coöperatie"):
        grant(tom, users, Decimal("10.00"), funder=outsider, funder_name="")
