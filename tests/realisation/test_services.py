from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import ledger
from budgets.models import LedgerEntry, LedgerTransaction
from budgets.realisation import services
from budgets.realisation.models import PartnerRealisation, RealisationLine
from partners.services import staff_commitment_create

from .conftest import REASON, line, save


def realisation_entries(period=None, **filters):
    entries = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REALISATION, year=2027, **filters)
    return entries if period is None else entries.filter(period=period)


# --- periods ----------------------------------------------------------------------------------


def test_a_round_is_cut_into_months_or_quarters_until_a_period_opens(round_2027, users):
    board = users["tom-voorzitter"]
    quarters = services.periods_plan(budget_round=round_2027, kind="quarter", actor=board,
                                     reason=REASON)
    assert [p.code for p in quarters] == ["2027-K1", "2027-K2", "2027-K3", "2027-K4"]
    assert quarters[1].label == "2e kwartaal 2027"
    months = services.periods_plan(budget_round=round_2027, kind="month", actor=board,
                                   reason="toch per maand")
    assert [p.code for p in months][:3] == ["2027-01", "2027-02", "2027-03"]
    assert round_2027.periods.count() == 12 and months[2].label == "maart 2027"
    services.period_open(period=months[0], actor=board, reason=REASON)
    with pytest.raises(ValidationError, match="ligt daarmee vast"):
        services.periods_plan(budget_round=round_2027, kind="quarter", actor=board,
                              reason=REASON)


def test_periods_open_and_close_in_order_by_the_board_or_finance(months, users):
    with pytest.raises(PermissionDenied):
        services.period_open(period=months[0], actor=users["tom-directeur"], reason=REASON)
    services.period_open(period=months[0], actor=users["tom-financien"], reason=REASON)
    services.period_open(period=months[1], actor=users["tom-voorzitter"], reason=REASON)
    with pytest.raises(ValidationError, match="Sluit eerst januari 2027"):
        services.period_close(period=months[1], actor=users["tom-voorzitter"], reason=REASON)
    services.period_close(period=months[0], actor=users["tom-voorzitter"], reason="maand om")
    with pytest.raises(ValidationError, match="al gesloten"):
        services.period_open(period=months[0], actor=users["tom-voorzitter"], reason=REASON)
    months[0].refresh_from_db()
    assert months[0].is_closed
    record = months[0].history.first()
    assert (record.history_user, record.history_change_reason) == (users["tom-voorzitter"],
                                                                   "maand om")


# --- entering and submitting ------------------------------------------------------------------


def test_director_saves_lines_with_history_only_in_an_open_period(opened, welzijn, hoods,
                                                                  streams, users):
    director = users["tom-directeur"]
    jan, feb, mar = opened[:3]
    changes = save(jan, welzijn, [line(hoods[0], streams[0], "1000.00"),
                                  line(hoods[1], streams[1], None)], director,
                   reason="januari ingevuld")
    assert [(c.old_amount, c.new_amount) for c in changes] == [(None, Decimal("1000.00"))]
    realisation = PartnerRealisation.objects.get(period=jan, organisation=welzijn)
    record = RealisationLine.history.get(realisation_id=realisation.pk)
    assert (record.history_user, record.history_change_reason) == (director, "januari ingevuld")
    with pytest.raises(ValidationError, match="nog niet geopend"):
        save(mar, welzijn, [line(hoods[0], streams[0], "1.00")], director)
    assert not PartnerRealisation.objects.filter(period=mar).exists()


def test_a_save_on_a_stale_version_is_refused(opened, welzijn, hoods, streams, users):
    director = users["tom-directeur"]
    jan = opened[0]
    save(jan, welzijn, [line(hoods[0], streams[0], "1000.00")], director, version=0)
    with pytest.raises(services.StaleRealisation):
        save(jan, welzijn, [line(hoods[0], streams[0], "5.00")], director, version=0)
    assert RealisationLine.objects.get(realisation__period=jan).amount == Decimal("1000.00")


def test_a_refund_may_make_a_line_negative_when_the_note_says_why(opened, welzijn, hoods,
                                                                   streams, users):
    director = users["tom-directeur"]
    with pytest.raises(ValidationError, match="vraagt een toelichting"):
        save(opened[0], welzijn, [line(hoods[0], streams[0], "-250.00")], director)
    assert not RealisationLine.objects.filter(realisation__period=opened[0]).exists()
    save(opened[0], welzijn, [line(hoods[0], streams[0], "-250.00", "terugbetaling huur")],
         director)
    assert RealisationLine.objects.get(realisation__period=opened[0]).amount == Decimal("-250.00")


def test_who_may_enter_whose_realisation(opened, welzijn, jeugd, hoods, streams, users):
    jan = opened[0]
    with pytest.raises(PermissionDenied):  # another partner's director
        save(jan, welzijn, [line(hoods[0], streams[0], "1.00")], users["tom-directeur2"])
    with pytest.raises(PermissionDenied):  # the board decides, it does not enter spending
        save(jan, welzijn, [line(hoods[0], streams[0], "1.00")], users["tom-voorzitter"])
    save(jan, jeugd, [line(hoods[0], streams[0], "1.00")], users["tom-directeur2"])
    save(jan, welzijn, [line(hoods[0], streams[0], "2.00")], users["tom-financien"])
    assert PartnerRealisation.objects.filter(period=jan).count() == 2


def test_submitting_posts_the_period_to_the_ledger_with_its_dimensions(opened, welzijn, hoods,
                                                                       streams, users, tom):
    director = users["tom-directeur"]
    jan = opened[0]
    save(jan, welzijn, [line(hoods[0], streams[0], "1000.00"),
                        line(hoods[1], streams[0], "234.56")], director)
    services.realisation_submit(period=jan, organisation=welzijn, actor=director)
    entries = realisation_entries(jan)
    assert sorted((e.neighbourhood_id, e.funding_stream_id, e.organisation_id, e.amount)
                  for e in entries) == sorted([
        (hoods[0].pk, streams[0].pk, welzijn.pk, Decimal("1000.00")),
        (hoods[1].pk, streams[0].pk, welzijn.pk, Decimal("234.56"))])
    posting = entries.first().transaction
    assert posting.kind == LedgerTransaction.Kind.REALISATION
    assert posting.description == "Realisatie Welzijn Rijnstreek januari 2027"
    assert ledger.balances_differences(tom) == []
    with pytest.raises(ValidationError, match="ingediend en kan niet meer"):
        save(jan, welzijn, [line(hoods[0], streams[0], "1.00")], director)


def test_an_empty_submission_says_nothing_was_spent(opened, welzijn, users):
    realisation = services.realisation_submit(period=opened[0], organisation=welzijn,
                                              actor=users["tom-directeur"])
    assert realisation.is_submitted and not realisation_entries(opened[0]).exists()
    assert ledger.live_posting(services.SOURCE, realisation.pk) is not None


def test_reopened_and_submitted_again_the_posting_is_replaced_in_the_same_period(
        opened, welzijn, hoods, streams, users):
    director = users["tom-directeur"]
    jan = opened[0]
    save(jan, welzijn, [line(hoods[0], streams[0], "1000.00")], director)
    realisation = services.realisation_submit(period=jan, organisation=welzijn, actor=director)
    with pytest.raises(PermissionDenied):
        services.realisation_reopen(realisation=realisation, actor=director, reason="oeps")
    with pytest.raises(ValidationError):
        services.realisation_reopen(realisation=realisation, actor=users["tom-voorzitter"],
                                    reason=" ")
    services.realisation_reopen(realisation=realisation, actor=users["tom-voorzitter"],
                                reason="bedrag klopt niet")
    save(jan, welzijn, [line(hoods[0], streams[0], "900.00")], director)
    services.realisation_submit(period=jan, organisation=welzijn, actor=director)
    assert ledger.balance(realisation_entries(jan)) == Decimal("900.00")
    kinds = list(LedgerTransaction.objects.filter(source_type="realisation",
                                                  source_id=realisation.pk)
                 .values_list("kind", flat=True).order_by("id"))
    assert kinds == ["realisation", "reversal", "realisation"]


# --- a correction of a closed period ----------------------------------------------------------


def test_a_correction_after_closing_is_a_reversal_plus_a_posting_in_the_open_period(
        opened, welzijn, hoods, streams, users, tom):
    director, board = users["tom-directeur"], users["tom-voorzitter"]
    jan, feb = opened[:2]
    save(jan, welzijn, [line(hoods[0], streams[0], "1000.00"),
                        line(hoods[1], streams[0], "500.00")], director)
    realisation = services.realisation_submit(period=jan, organisation=welzijn, actor=director)
    services.period_close(period=jan, actor=board, reason=REASON)
    jan.refresh_from_db()
    with pytest.raises(ValidationError, match="is gesloten"):
        save(jan, welzijn, [line(hoods[0], streams[0], "1.00")], director)
    rows = [line(hoods[0], streams[0], "800.00"), line(hoods[1], streams[0], "500.00")]
    with pytest.raises(ValidationError, match="reden"):
        services.realisation_correct(period=jan, organisation=welzijn, rows=rows,
                                     booking_period=feb, expected_version=realisation.version,
                                     actor=director, reason="")
    changes = services.realisation_correct(
        period=jan, organisation=welzijn, rows=rows, booking_period=feb,
        expected_version=PartnerRealisation.objects.get(pk=realisation.pk).version,
        actor=director, reason="factuur dubbel geboekt")
    assert [(c.old_amount, c.new_amount) for c in changes] == [(Decimal("1000.00"),
                                                               Decimal("800.00"))]
    # January stays as it was closed; February holds the reversal and the new posting.
    assert ledger.balance(realisation_entries(jan)) == Decimal("1500.00")
    assert ledger.balance(realisation_entries(feb)) == Decimal("-200.00")
    postings = list(LedgerTransaction.objects.filter(source_type="realisation",
                                                     source_id=realisation.pk).order_by("id"))
    assert [p.kind for p in postings] == ["realisation", "reversal", "realisation"]
    assert postings[1].reverses == postings[0]
    assert {e.period_id for e in postings[1].entries.all()} == {feb.pk}
    assert postings[2].description == ("Correctie realisatie Welzijn Rijnstreek januari 2027, "
                                       "geboekt in februari 2027")
    assert postings[2].reason == "factuur dubbel geboekt"
    line_record = RealisationLine.history.filter(realisation_id=realisation.pk,
                                                 neighbourhood=hoods[0]).first()
    assert line_record.history_change_reason == "factuur dubbel geboekt"
    assert ledger.balances_differences(tom) == []


def test_a_correction_books_in_an_open_period_of_the_same_round(opened, welzijn, hoods,
                                                                streams, users):
    director, board = users["tom-directeur"], users["tom-voorzitter"]
    jan, feb, mar = opened[:3]
    services.period_close(period=jan, actor=board, reason=REASON)
    jan.refresh_from_db()
    rows = [line(hoods[0], streams[0], "10.00")]
    with pytest.raises(ValidationError, match="nog niet geopend"):
        services.realisation_correct(period=jan, organisation=welzijn, rows=rows,
                                     booking_period=mar, expected_version=0, actor=director,
                                     reason="laat")
    with pytest.raises(ValidationError, match="niet gesloten"):
        services.realisation_correct(period=feb, organisation=welzijn, rows=rows,
                                     booking_period=feb, expected_version=0, actor=director,
                                     reason="laat")
    # a realisation never submitted in January arrives late: posted in February
    services.realisation_correct(period=jan, organisation=welzijn, rows=rows,
                                 booking_period=feb, expected_version=0, actor=director,
                                 reason="te laat ingediend")
    assert ledger.balance(realisation_entries(feb)) == Decimal("10.00")
    assert PartnerRealisation.objects.get(period=jan, organisation=welzijn).is_submitted


# --- FTE deployed ------------------------------------------------------------------------------


def test_fte_deployed_posts_the_in_kind_contribution_realised_per_team(opened, round_2027,
                                                                      welzijn, users, tom):
    from cooperatie.models import Expertise

    director = users["tom-directeur"]
    team = tom.teams.get(code="TOM-N")
    commitment = staff_commitment_create(
        budget_round=round_2027, organisation=welzijn, team=team,
        expertise=Expertise.objects.get(code="MW"), fte=Decimal("1.00"),
        annual_cost=Decimal("73000.00"), actor=director, reason=REASON)
    later = staff_commitment_create(
        budget_round=round_2027, organisation=welzijn, team=team,
        expertise=Expertise.objects.get(code="JEUGD"), fte=Decimal("1.00"),
        annual_cost=Decimal("73000.00"), period_start=date(2027, 6, 1), actor=director,
        reason=REASON)
    jan = opened[0]
    assert [c.pk for c in services.deployable_commitments(jan, welzijn)] == [commitment.pk]
    with pytest.raises(ValidationError, match="loopt niet in deze periode"):
        services.realisation_lines_save(
            period=jan, organisation=welzijn, rows=[], expected_version=0, actor=director,
            reason=REASON, deployments=[services.DeploymentInput(later, Decimal("1"))])
    services.realisation_lines_save(
        period=jan, organisation=welzijn, rows=[], expected_version=0, actor=director,
        reason=REASON, deployments=[services.DeploymentInput(commitment, Decimal("0.80"))])
    services.realisation_submit(period=jan, organisation=welzijn, actor=director)
    entry = LedgerEntry.objects.get(kind=LedgerEntry.Kind.IN_KIND_REALISED, period=jan)
    # 0,8 fte × € 73.000 × 31 / 365 days
    assert (entry.amount, entry.team, entry.organisation) == (Decimal("4960.00"), team, welzijn)
