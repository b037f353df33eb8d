"""generate_scale_data: deterministic, the ledger exactly as budget_submit posts it, history."""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from budgets import chain
from budgets.ledger import balances_differences, live_posting
from budgets.models import BudgetLine, LedgerEntry, LedgerTransaction, PartnerBudget
from budgets.realisation.models import PartnerRealisation, RealisationLine
from budgets.realisation.services import posting_entries
from budgets.selectors import pooled_budget, pooled_total
from budgets.services import _posting_entries
from cooperatie.models import Cooperative, Team
from fixtures.scale import PRESETS, ScaleSpec, generate, split_total
from partners.models import StaffCommitment

SPEC = ScaleSpec(cooperatives=2, partners=8, neighbourhoods=14, teams=5, years=2, seed=7,
                 prefix="z")


def snapshot(prefix: str) -> list[tuple]:
    """Every code, name and amount the generator chose."""
    lines = BudgetLine.objects.filter(budget__budget_round__cooperative__code__startswith=prefix)
    budget_lines = sorted(lines.values_list(
        "budget__budget_round__cooperative__code", "budget__budget_round__year",
        "budget__organisation__code", "budget__organisation__name", "budget__status",
        "neighbourhood__code", "neighbourhood__name", "funding_stream__code", "amount"))
    commitments = sorted(StaffCommitment.objects.filter(
        budget_round__cooperative__code__startswith=prefix).values_list(
        "organisation__code", "team__code", "expertise__code", "fte", "annual_cost"))
    return budget_lines + commitments


def amounts(prefix: str) -> list[Decimal]:
    return list(BudgetLine.objects.filter(
        budget__budget_round__cooperative__code__startswith=prefix)
        .order_by("budget__organisation__code", "neighbourhood__code", "funding_stream__code",
                  "budget__budget_round__year").values_list("amount", flat=True))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_codes_and_amounts():
    with transaction.atomic():
        generate(SPEC)
        first = snapshot("z")
        transaction.set_rollback(True)
    assert not Cooperative.objects.filter(code__startswith="z").exists()
    generate(SPEC)
    assert snapshot("z") == first
    assert len(first) > 100
    with transaction.atomic():
        generate(ScaleSpec(**{**SPEC.__dict__, "seed": 8, "prefix": "y"}))
        other = amounts("y")
        transaction.set_rollback(True)
    assert other != amounts("z")


@pytest.mark.django_db
def test_submitted_budgets_are_in_the_ledger_as_budget_submit_posts_them():
    counts = generate(SPEC)
    assert counts.cooperatives == 2 and counts.budget_lines > 0
    cooperatives = list(Cooperative.objects.filter(code__startswith="z"))
    assert [c.code for c in cooperatives] == ["z001", "z002"]
    for cooperative in cooperatives:
        for year in (2025, 2026):
            submitted = BudgetLine.objects.filter(
                budget__budget_round__cooperative=cooperative, budget__budget_round__year=year,
                budget__status=PartnerBudget.Status.SUBMITTED)
            expected = sum(submitted.values_list("amount", flat=True), Decimal("0.00"))
            assert expected > 0
            assert pooled_total(cooperative, year) == expected
            assert pooled_budget(cooperative, year).total.total == expected
        budgets = PartnerBudget.objects.filter(budget_round__cooperative=cooperative)
        assert budgets.filter(status=PartnerBudget.Status.DRAFT).exists()
        for budget in budgets:
            posting = live_posting("budget", budget.pk)
            if not budget.is_submitted:
                assert posting is None
                continue
            assert posting.kind == LedgerTransaction.Kind.BUDGET
            assert posting.year == budget.budget_round.year
            fields = ("kind", "amount", "organisation_id", "neighbourhood_id",
                      "funding_stream_id", "team_id")
            posted = Counter(tuple(e) for e in posting.entries.values_list(*fields))
            wanted = Counter(
                tuple({"organisation_id": e.get("organisation_id")
                       or getattr(e.get("organisation"), "pk", None),
                       "team_id": e.get("team_id") or getattr(e.get("team"), "pk", None),
                       **e}.get(f) for f in fields)
                for e in _posting_entries(budget))
            assert posted == wanted
    in_kind = LedgerEntry.objects.filter(cooperative__code__startswith="z",
                                         kind=LedgerEntry.Kind.IN_KIND)
    assert in_kind.exists()


def _as_posted(entries: list[dict], fields) -> Counter:
    return Counter(tuple({"organisation_id": e.get("organisation_id"), "team_id": e.get("team_id"),
                          "period_id": e.get("period_id"), **e}.get(f) for f in fields)
                   for e in entries)


@pytest.mark.django_db
def test_realisation_is_in_the_ledger_as_realisation_submit_posts_it_chained_and_balanced():
    generate(SPEC)
    fields = ("kind", "amount", "organisation_id", "neighbourhood_id", "funding_stream_id",
              "team_id", "period_id")
    for cooperative in Cooperative.objects.filter(code__startswith="z"):
        realisations = PartnerRealisation.objects.filter(
            period__budget_round__cooperative=cooperative)
        assert realisations.count() == 12 * PartnerBudget.objects.filter(
            budget_round__cooperative=cooperative, budget_round__year=2026,
            status=PartnerBudget.Status.SUBMITTED).count() > 0
        for realisation in realisations.select_related("period"):
            posting = live_posting("realisation", realisation.pk)
            assert posting.kind == LedgerTransaction.Kind.REALISATION
            posted = Counter(tuple(e) for e in posting.entries.values_list(*fields))
            assert posted == _as_posted(posting_entries(realisation, realisation.period), fields)
        lines = RealisationLine.objects.filter(realisation__in=realisations)
        assert RealisationLine.history.filter(id__in=lines.values("id")).count() == (
            lines.count()) > 0
        # The hash chain recomputes and the running balances equal the sums of the entries.
        check = chain.verify(cooperative.pk)
        assert check.intact and check.checked == LedgerTransaction.objects.filter(
            cooperative=cooperative).count()
        assert balances_differences(cooperative) == []


@pytest.mark.django_db
def test_history_rows_exist_with_the_acting_user():
    generate(SPEC)
    lines = BudgetLine.objects.filter(budget__budget_round__cooperative__code__startswith="z")
    assert BudgetLine.history.filter(id__in=lines.values("id")).count() == lines.count()
    line = lines.select_related("budget__organisation").first()
    record = line.history.get()
    assert record.history_user.username == f"{line.budget.organisation.code}-directeur"
    assert record.history_change_reason
    team = Team.objects.filter(cooperative__code="z001").first()
    created = team.history.get()
    assert set(created.neighbourhoods.values_list("neighbourhood_id", flat=True)) == set(
        team.neighbourhoods.values_list("pk", flat=True)) != set()
    for budget in PartnerBudget.objects.filter(budget_round__cooperative__code="z001"):
        assert budget.history.exists()


@pytest.mark.django_db
def test_existing_cooperatives_are_skipped_and_the_command_checks_its_input(capsys):
    generate(SPEC)
    before = BudgetLine.objects.count()
    again = generate(SPEC)
    assert again.skipped == 2 and again.cooperatives == 0
    assert BudgetLine.objects.count() == before
    with pytest.raises(CommandError, match="minstens 3 partners"):
        call_command("generate_scale_data", cooperatives=2, partners=4, force=True)
    call_command("generate_scale_data", preset="quick", prefix="x", force=True)
    assert "partners_organisation" in capsys.readouterr().out


def test_sizes_add_up_and_the_first_cooperative_is_the_largest():
    national = PRESETS["national"]
    parts = split_total(national.neighbourhoods, national.cooperatives)
    assert sum(parts) == 14_000 and len(parts) == 40
    assert parts == sorted(parts, reverse=True)
    assert 900 <= parts[0] <= 1_200
    assert min(split_total(400, 40, minimum=3)) >= 3
