from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import ledger, services
from budgets.models import BudgetLine, LedgerEntry, LedgerTransaction, PartnerBudget


def set_line(budget, hood, stream, amount, user, note=""):
    return services.budget_line_set(budget=budget, neighbourhood=hood, funding_stream=stream,
                                    amount=amount, note=note, actor=user, reason="test")


def test_director_sets_a_line_with_history(draft, hoods, streams, users):
    set_line(draft, hoods[0], streams[0], Decimal("1234.56"), users["tom-directeur"], "huur")
    line = BudgetLine.objects.get(budget=draft)
    assert (line.amount, line.note) == (Decimal("1234.56"), "huur")
    record = line.history.get()
    assert record.history_user == users["tom-directeur"]
    assert record.history_change_reason == "test"
    draft.refresh_from_db()
    assert draft.version == 2


def test_empty_amount_removes_the_line_and_history_keeps_it(draft, hoods, streams, users):
    set_line(draft, hoods[0], streams[0], Decimal("10.00"), users["tom-directeur"])
    set_line(draft, hoods[0], streams[0], None, users["tom-directeur"])
    assert not BudgetLine.objects.filter(budget=draft).exists()
    assert [r.history_type for r in BudgetLine.history.filter(budget_id=draft.pk)
            .order_by("history_date")] == ["+", "-"]


def test_other_directors_cannot_touch_the_budget(draft, hoods, streams, users):
    for name in ["tom-directeur2", "tom-voorzitter", "tom-financien", "heerlen-directeur"]:
        with pytest.raises(PermissionDenied):
            set_line(draft, hoods[0], streams[0], Decimal("1.00"), users[name])
    assert not draft.lines.exists()


def test_neighbourhood_of_another_cooperative_is_refused(draft, heerlen, streams, users):
    foreign = heerlen.neighbourhoods.first()
    with pytest.raises(ValidationError):
        set_line(draft, foreign, streams[0], Decimal("1.00"), users["tom-directeur"])
    assert not draft.lines.exists()


def test_stale_version_is_refused_and_nothing_written(draft, hoods, streams, users):
    director = users["tom-directeur"]
    loaded = draft.version
    set_line(draft, hoods[0], streams[0], Decimal("100.00"), director)  # someone else's save
    with pytest.raises(services.StaleBudget):
        services.budget_lines_save(
            budget=draft, rows=[services.LineInput(hoods[1], streams[0], Decimal("5.00"))],
            expected_version=loaded, actor=director, reason="tweede venster")
    assert draft.lines.count() == 1


def test_submit_posts_contributions_and_locks(draft, hoods, streams, users):
    director = users["tom-directeur"]
    set_line(draft, hoods[0], streams[0], Decimal("1000.10"), director)
    set_line(draft, hoods[1], streams[1], Decimal("0.00"), director)
    set_line(draft, hoods[2], streams[1], Decimal("2000.25"), director)
    services.budget_submit(budget=draft, actor=director)
    posting = ledger.live_posting("budget", draft.pk)
    entries = posting.entries.filter(kind=LedgerEntry.Kind.CONTRIBUTION)
    assert ledger.balance(entries) == Decimal("3000.35")
    assert entries.count() == 2  # zero lines are not posted
    assert posting.posted_by == director
    with pytest.raises(ValidationError, match="ingediend"):
        set_line(draft, hoods[0], streams[0], Decimal("1.00"), director)


def test_reopen_needs_the_board_and_a_reason(draft, hoods, streams, users):
    set_line(draft, hoods[0], streams[0], Decimal("10.00"), users["tom-directeur"])
    services.budget_submit(budget=draft, actor=users["tom-directeur"])
    with pytest.raises(PermissionDenied):
        services.budget_reopen(budget=draft, actor=users["tom-directeur"], reason="graag")
    with pytest.raises(ValidationError, match="reden"):
        services.budget_reopen(budget=draft, actor=users["tom-voorzitter"], reason="  ")
    services.budget_reopen(budget=draft, actor=users["tom-voorzitter"], reason="cijfers fout")
    draft.refresh_from_db()
    assert draft.status == PartnerBudget.Status.DRAFT
    assert draft.history.first().history_change_reason == "cijfers fout"
    assert draft.history.first().history_user == users["tom-voorzitter"]


def test_resubmission_reverses_and_reposts(draft, hoods, streams, users):
    director = users["tom-directeur"]
    set_line(draft, hoods[0], streams[0], Decimal("10.00"), director)
    services.budget_submit(budget=draft, actor=director)
    first = ledger.live_posting("budget", draft.pk)
    services.budget_reopen(budget=draft, actor=users["tom-voorzitter"], reason="correctie")
    set_line(draft, hoods[0], streams[0], Decimal("25.50"), director)
    services.budget_submit(budget=draft, actor=director)
    second = ledger.live_posting("budget", draft.pk)
    assert second.pk != first.pk
    reversal = LedgerTransaction.objects.get(reverses=first)
    money = {"kind": LedgerEntry.Kind.CONTRIBUTION}
    assert ledger.balance(reversal.entries.filter(**money)) == Decimal("-10.00")
    all_entries = LedgerEntry.objects.filter(transaction__source_type="budget",
                                             transaction__source_id=draft.pk, **money)
    assert ledger.balance(all_entries) == Decimal("25.50")
    assert all_entries.count() == 3  # nothing updated or deleted: +10, -10, +25.50


def test_closed_round_refuses_changes(tom, users, hoods, streams):
    closed = tom.budget_rounds.get(year=2025)
    budget = closed.budgets.get(organisation__code="tom-welzijn")
    with pytest.raises(ValidationError, match="gesloten"):
        services.budget_reopen(budget=budget, actor=users["tom-voorzitter"], reason="x")


def test_board_opens_and_closes_rounds(tom, users):
    with pytest.raises(PermissionDenied):
        services.budget_round_open(cooperative=tom, year=2027, actor=users["tom-directeur"],
                                   reason="x")
    rnd = services.budget_round_open(cooperative=tom, year=2027, actor=users["tom-voorzitter"],
                                     reason="nieuw jaar")
    assert rnd.is_open and rnd.history.first().history_change_reason == "nieuw jaar"
    with pytest.raises(ValidationError, match="al open"):
        services.budget_round_open(cooperative=tom, year=2027, actor=users["tom-voorzitter"],
                                   reason="x")
    services.budget_round_close(budget_round=rnd, actor=users["tom-penningmeester"], reason="klaar")
    rnd.refresh_from_db()
    assert not rnd.is_open


def _history(draft):
    return list(BudgetLine.history.filter(budget_id=draft.pk).order_by("history_id")
                .values_list("id", "history_type", "amount", "note", "history_user__username",
                             "history_change_reason", "neighbourhood_id", "funding_stream_id"))


def test_bulk_save_records_a_history_row_for_every_line_with_user_and_reason(
        draft, hoods, streams, users, django_assert_max_num_queries):
    """Created, changed and removed lines each get their own history row, written in bulk
    (a constant number of queries, whatever the number of lines)."""
    director = users["tom-directeur"]
    cells = [(h, s) for h in hoods for s in streams][:12]
    rows = [services.LineInput(h, s, Decimal(f"{i}.50"), f"regel {i}")
            for i, (h, s) in enumerate(cells, start=1)]
    with django_assert_max_num_queries(16):
        services.budget_lines_save(budget=draft, rows=rows, expected_version=draft.version,
                                   actor=director, reason="ingelezen")
    lines = {(ln.neighbourhood_id, ln.funding_stream_id): ln for ln in draft.lines.all()}
    assert len(lines) == 12
    created = _history(draft)
    assert created == [(lines[h.pk, s.pk].pk, "+", Decimal(f"{i}.50"), f"regel {i}",
                        "tom-directeur", "ingelezen", h.pk, s.pk)
                       for i, (h, s) in enumerate(cells, start=1)]

    (h0, s0), (h1, s1) = cells[0], cells[1]
    again = [services.LineInput(h0, s0, Decimal("99.00"), "hoger"),
             services.LineInput(h1, s1, None)]
    services.budget_lines_save(budget=draft, rows=again, expected_version=draft.version,
                               actor=director, reason="bijgesteld")
    later = _history(draft)[len(created):]
    assert sorted(later, key=lambda r: r[1]) == [
        (lines[h1.pk, s1.pk].pk, "-", Decimal("2.50"), "regel 2", "tom-directeur",
         "bijgesteld", h1.pk, s1.pk),
        (lines[h0.pk, s0.pk].pk, "~", Decimal("99.00"), "hoger", "tom-directeur",
         "bijgesteld", h0.pk, s0.pk)]
    assert draft.lines.count() == 11
    assert draft.lines.get(neighbourhood=h0, funding_stream=s0).amount == Decimal("99.00")
    # the history as the budget's history page reads it
    assert lines[h0.pk, s0.pk].history.first().history_type == "~"


def test_bad_values_are_refused_with_the_fields_own_messages(draft, hoods, streams, users):
    rows = [services.LineInput(hoods[0], streams[0], Decimal("1.005")),
            services.LineInput(hoods[1], streams[0], Decimal("-1.00")),
            services.LineInput(hoods[2], streams[0], Decimal("1.00"))]
    with pytest.raises(ValidationError) as refused:
        services.budget_lines_save(budget=draft, rows=rows, expected_version=draft.version,
                                   actor=users["tom-directeur"], reason="test")
    messages = refused.value.messages
    assert len(messages) == 2 and messages[0].startswith(f"{hoods[0].name}, {streams[0].name}: ")
    assert not BudgetLine.objects.filter(budget=draft).exists()
    assert not BudgetLine.history.filter(budget_id=draft.pk).exists()


def test_the_same_cell_twice_is_refused(draft, hoods, streams, users):
    rows = [services.LineInput(hoods[0], streams[0], Decimal("1.00")),
            services.LineInput(hoods[0], streams[0], Decimal("2.00"))]
    with pytest.raises(ValidationError, match="twee keer"):
        services.budget_lines_save(budget=draft, rows=rows, expected_version=draft.version,
                                   actor=users["tom-directeur"], reason="test")
    assert not BudgetLine.objects.filter(budget=draft).exists()
