"""Needs and commitments through their services: validation in Dutch, permission, locking,
history, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import services as budget_services
from cooperatie.errors import error_lines
from cooperatie.models import Expertise, Team
from partners import services
from partners.models import Organisation, StaffCommitment, TeamNeed
from partners.services import CommitmentInput


def messages(exc: ValidationError) -> str:
    return " ".join(error_lines(exc, StaffCommitment))


def test_director_commits_staff_with_history(commit, users, welzijn):
    c = commit(fte=Decimal("0.80"), note="twee collega's")
    assert c.period_start == date(2026, 1, 1) and c.period_end == date(2026, 12, 31)
    record = c.history.get()
    assert record.history_user == users["tom-directeur"]
    assert record.history_change_reason == "test"
    assert StaffCommitment.objects.filter(organisation=welzijn).count() == 1


@pytest.mark.parametrize("fields,expected", [
    ({"fte": Decimal("0")}, "Fte: "),
    ({"fte": Decimal("-1")}, "Fte: "),
    ({"fte": Decimal("100.01")}, "Fte: "),
    ({"fte": Decimal("0.125")}, "Fte: "),
    ({"annual_cost": Decimal("-5.00")}, "Kosten per fte per jaar: "),
    ({"annual_cost": Decimal("1.005")}, "Kosten per fte per jaar: "),
    ({"period_start": date(2025, 12, 31)}, "Vanaf: 31-12-2025 ligt buiten het jaar 2026"),
    ({"period_end": date(2027, 1, 1)}, "Tot en met: 01-01-2027 ligt buiten het jaar 2026"),
    ({"period_start": date(2026, 6, 1), "period_end": date(2026, 5, 31)},
     "Tot en met: De einddatum ligt vóór de begindatum."),
])
def test_bad_commitments_are_refused_in_dutch_and_nothing_is_saved(commit, fields, expected):
    before = StaffCommitment.objects.count()
    with pytest.raises(ValidationError) as exc:
        commit(**fields)
    assert expected in messages(exc.value)
    assert StaffCommitment.objects.count() == before


def test_fte_of_exactly_100_and_two_decimals_is_fine(commit):
    assert commit(fte=Decimal("100.00")).pk
    assert commit(fte=Decimal("0.01"), period_start=date(2026, 2, 1)).pk


def test_team_of_another_cooperative_is_refused(commit, heerlen):
    before = StaffCommitment.objects.count()
    with pytest.raises(ValidationError) as exc:
        commit(team=Team.objects.get(cooperative=heerlen, code="SBT01"))
    assert "Team: Het team SBT01 hoort bij een andere coöperatie." in messages(exc.value)
    assert StaffCommitment.objects.count() == before


def test_director_cannot_commit_for_another_organisation(commit, users):
    other = Organisation.objects.get(code="tom-ggz")
    with pytest.raises(PermissionDenied):
        commit(organisation=other)
    with pytest.raises(PermissionDenied):  # nor can the board or the administrator
        commit(organisation=other, actor=users["tom-voorzitter"])
    with pytest.raises(PermissionDenied):
        commit(actor=users["beheerder"])


def test_another_organisations_commitment_cannot_be_changed_or_removed(round_tom, users):
    theirs = StaffCommitment.objects.filter(budget_round=round_tom,
                                            organisation__code="tom-ggz").first()
    fte = theirs.fte
    with pytest.raises(PermissionDenied):
        services.staff_commitment_update(
            commitment=theirs, team=theirs.team, expertise=theirs.expertise, fte=Decimal("9"),
            annual_cost=theirs.annual_cost, period_start=theirs.period_start,
            period_end=theirs.period_end, actor=users["tom-directeur"], reason="x")
    with pytest.raises(PermissionDenied):
        services.staff_commitment_delete(commitment=theirs, actor=users["tom-directeur"],
                                         reason="x")
    theirs.refresh_from_db()
    assert theirs.fte == fte


def test_organisation_that_is_not_a_member_is_refused(round_tom, team, expertise, users):
    """Even a director (here of a Heerlen partner made director in tom's round) cannot put
    a non-member's staff in a team: the model checks membership."""
    outsider = Organisation.objects.get(code="hl-welzijn")
    c = StaffCommitment(budget_round=round_tom, organisation=outsider, team=team,
                        expertise=expertise, fte=Decimal("1"), annual_cost=Decimal("1"),
                        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "is geen lid van deze coöperatie" in messages(exc.value)


def test_overlapping_periods_are_fine_but_the_same_start_twice_is_not(commit):
    commit(fte=Decimal("2.00"))
    commit(fte=Decimal("0.40"), period_start=date(2026, 9, 1), note="extra vanaf september")
    with pytest.raises(ValidationError) as exc:
        commit(fte=Decimal("0.40"), period_start=date(2026, 9, 1), period_end=date(2026, 10, 1))
    assert "al een afspraak van deze partner" in messages(exc.value)


def test_update_and_delete_record_history(commit, users):
    c = commit()
    director = users["tom-directeur"]
    services.staff_commitment_update(
        commitment=c, team=c.team, expertise=c.expertise, fte=Decimal("1.50"),
        annual_cost=c.annual_cost, period_start=date(2026, 4, 1), period_end=c.period_end,
        note="meer", actor=director, reason="uitbreiding")
    c.refresh_from_db()
    assert (c.fte, c.period_start) == (Decimal("1.50"), date(2026, 4, 1))
    pk = c.pk
    services.staff_commitment_delete(commitment=c, actor=director, reason="stopt")
    assert not StaffCommitment.objects.filter(pk=pk).exists()
    kinds = list(StaffCommitment.history.filter(id=pk).order_by("history_id")
                 .values_list("history_type", "history_change_reason", "history_user"))
    assert kinds == [("+", "test", director.pk), ("~", "uitbreiding", director.pk),
                     ("-", "stopt", director.pk)]


# --- locking: commitments belong to the partner's budget ------------------------------------


def test_commitments_are_locked_once_the_budget_is_submitted(commit, draft, users):
    c = commit()  # a draft budget: fine
    budget_services.budget_submit(budget=draft, actor=users["tom-directeur"])
    with pytest.raises(ValidationError) as exc:
        commit(period_start=date(2026, 7, 1))
    assert "is ingediend" in messages(exc.value)
    with pytest.raises(ValidationError):
        services.staff_commitment_delete(commitment=c, actor=users["tom-directeur"], reason="x")
    assert StaffCommitment.objects.filter(pk=c.pk).exists()
    budget_services.budget_reopen(budget=draft, actor=users["tom-voorzitter"], reason="fout")
    assert commit(period_start=date(2026, 7, 1)).pk  # reopened: editable again


def test_commitments_are_locked_when_the_round_is_closed(commit, round_tom, users):
    budget_services.budget_round_close(budget_round=round_tom, actor=users["tom-voorzitter"],
                                       reason="klaar")
    with pytest.raises(ValidationError) as exc:
        commit()
    assert "gesloten" in messages(exc.value)


# --- replacing the whole set (the Inzet sheet) ----------------------------------------------


def item(team, expertise, fte, cost="68750.00", start=(1, 1), end=(12, 31), note="", row=None):
    return CommitmentInput(team=team, expertise=expertise, fte=Decimal(fte),
                           annual_cost=Decimal(cost), period_start=date(2026, *start),
                           period_end=date(2026, *end), note=note, row=row)


def test_replace_creates_updates_and_removes_in_one_go(commit, round_tom, welzijn, tom, users):
    teams = {t.code: t for t in tom.teams.all()}
    mw, ggz = Expertise.objects.get(code="MW"), Expertise.objects.get(code="GGZ")
    keep = commit(team=teams["TOM-N"], fte=Decimal("1.00"))
    change = commit(team=teams["TOM-Z"], fte=Decimal("1.00"))
    drop = commit(team=teams["TOM-B"], fte=Decimal("1.00"))
    plan = services.staff_commitments_replace(
        budget_round=round_tom, organisation=welzijn, actor=users["tom-directeur"],
        reason="Excel", commitments=[
            item(teams["TOM-N"], mw, "1.00"),
            item(teams["TOM-Z"], mw, "1.20", note="meer"),
            item(teams["TOM-B"], ggz, "0.50", start=(3, 1)),
        ])
    assert plan.counts == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 1}
    rows = {(c.team.code, c.expertise.code): c.fte
            for c in StaffCommitment.objects.filter(organisation=welzijn)}
    assert rows == {("TOM-N", "MW"): Decimal("1.00"), ("TOM-Z", "MW"): Decimal("1.20"),
                    ("TOM-B", "GGZ"): Decimal("0.50")}
    assert keep.history.count() == 1
    assert change.history.first().history_change_reason == "Excel"
    assert StaffCommitment.history.filter(id=drop.pk, history_type="-").get().history_user == \
        users["tom-directeur"]


def test_replace_is_all_or_nothing(commit, round_tom, welzijn, tom, heerlen, users):
    existing = commit()
    mw = Expertise.objects.get(code="MW")
    foreign = Team.objects.get(cooperative=heerlen, code="SBT01")
    before = list(StaffCommitment.objects.values_list("pk", "fte"))
    with pytest.raises(ValidationError) as exc:
        services.staff_commitments_replace(
            budget_round=round_tom, organisation=welzijn, actor=users["tom-directeur"],
            reason="Excel", commitments=[item(tom.teams.get(code="TOM-Z"), mw, "2.00", row=2),
                                         item(foreign, mw, "1.00", row=3)])
    assert messages(exc.value).startswith("Blad Inzet, rij 3: Team: Het team SBT01 hoort bij")
    assert list(StaffCommitment.objects.values_list("pk", "fte")) == before
    assert StaffCommitment.objects.filter(pk=existing.pk).exists()


def test_replace_refuses_a_line_typed_twice(round_tom, welzijn, tom, users):
    mw = Expertise.objects.get(code="MW")
    team = tom.teams.get(code="TOM-N")
    with pytest.raises(ValidationError) as exc:
        services.staff_commitments_replace(
            budget_round=round_tom, organisation=welzijn, actor=users["tom-directeur"],
            reason="x", commitments=[item(team, mw, "1.00", row=2), item(team, mw, "2.00", row=5)])
    assert "Blad Inzet, rij 5: team TOM-N met expertise MW vanaf 01-01-2026 staat er twee keer " \
           "in (ook op rij 2)" in messages(exc.value)


def test_replace_needs_the_director(round_tom, welzijn, users):
    with pytest.raises(PermissionDenied):
        services.staff_commitments_replace(budget_round=round_tom, organisation=welzijn,
                                           commitments=[], actor=users["tom-financien"],
                                           reason="x")


# --- needs: the board -----------------------------------------------------------------------


def test_board_sets_needs_and_zero_removes_one(round_tom, team, users):
    mw, ggz, vg = (Expertise.objects.get(code=c) for c in ("MW", "GGZ", "VG"))
    chair = users["tom-voorzitter"]
    services.team_needs_set(budget_round=round_tom, team=team, actor=chair, reason="plan",
                            needs={mw: Decimal("3.00"), ggz: Decimal("0"), vg: None})
    needs = dict(TeamNeed.objects.filter(budget_round=round_tom, team=team)
                 .values_list("expertise__code", "fte"))
    assert needs["MW"] == Decimal("3.00")
    assert "GGZ" not in needs and "VG" not in needs
    assert "JEUGD" in needs  # not mentioned: left as it was
    need = TeamNeed.objects.get(budget_round=round_tom, team=team, expertise=mw)
    assert need.history.first().history_user == chair
    assert need.history.first().history_change_reason == "plan"


def test_needs_are_for_the_board_only(round_tom, team, users):
    mw = Expertise.objects.get(code="MW")
    for username in ("tom-directeur", "tom-financien", "tom-beheerder", "heerlen-voorzitter"):
        with pytest.raises(PermissionDenied):
            services.team_needs_set(budget_round=round_tom, team=team, actor=users[username],
                                    reason="x", needs={mw: Decimal("1")})


@pytest.mark.parametrize("fte,expected", [
    (Decimal("-1"), "Maatschappelijk werk: Benodigde fte: "),
    (Decimal("100.5"), "Maatschappelijk werk: Benodigde fte: "),
    (Decimal("1.234"), "Maatschappelijk werk: Benodigde fte: "),
])
def test_bad_needs_are_refused_and_nothing_changes(round_tom, team, users, fte, expected):
    mw, ggz = Expertise.objects.get(code="MW"), Expertise.objects.get(code="GGZ")
    before = list(TeamNeed.objects.values_list("pk", "fte"))
    with pytest.raises(ValidationError) as exc:
        services.team_needs_set(budget_round=round_tom, team=team, actor=users["tom-voorzitter"],
                                reason="x", needs={ggz: Decimal("9.00"), mw: fte})
    assert expected in " ".join(exc.value.messages)
    assert list(TeamNeed.objects.values_list("pk", "fte")) == before


def test_needs_of_another_cooperatives_team_are_refused(round_tom, heerlen, users):
    with pytest.raises(ValidationError) as exc:
        services.team_needs_set(budget_round=round_tom,
                                team=Team.objects.get(cooperative=heerlen, code="SBT01"),
                                actor=users["tom-voorzitter"], reason="x",
                                needs={Expertise.objects.get(code="MW"): Decimal("1")})
    assert "andere coöperatie" in " ".join(exc.value.messages)


def test_needs_are_locked_when_the_round_is_closed(round_tom, team, users):
    budget_services.budget_round_close(budget_round=round_tom, actor=users["tom-voorzitter"],
                                       reason="klaar")
    with pytest.raises(ValidationError) as exc:
        services.team_needs_set(budget_round=round_tom, team=team, actor=users["tom-voorzitter"],
                                reason="x", needs={Expertise.objects.get(code="MW"): Decimal(1)})
    assert "gesloten" in " ".join(exc.value.messages)


def test_the_database_holds_the_fte_range_and_the_period(round_tom, welzijn, team, expertise):
    """Even past the services (raw saves), the constraints refuse nonsense."""
    from django.db import IntegrityError, transaction

    base = {"budget_round": round_tom, "organisation": welzijn, "team": team,
            "expertise": expertise, "annual_cost": Decimal("1.00")}
    for fields in ({"fte": Decimal("0"), "period_start": date(2026, 1, 1),
                    "period_end": date(2026, 12, 31)},
                   {"fte": Decimal("1"), "period_start": date(2026, 5, 1),
                    "period_end": date(2026, 4, 1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StaffCommitment(**base, **fields).save()
    assert not StaffCommitment.objects.filter(organisation=welzijn).exists()
