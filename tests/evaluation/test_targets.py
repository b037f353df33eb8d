"""Targets per year (streefwaarden): drafted by the board or the cooperative's finance, put to
the board through governance, adopted (the year's targets, history with the decision number)
or rejected (nothing changes); frozen while the board decides; bad input refused whole, in
Dutch, quoting what was typed; the scorecard and the annual account read the year's target."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cooperatie.evaluation import targets
from cooperatie.evaluation.models import Indicator, IndicatorTarget, TargetSet
from cooperatie.evaluation.selectors import scorecard, targets_for
from cooperatie.governance import services as governance
from cooperatie.governance.models import Decision, Proposal
from cooperatie.governance.selectors import register
from reports.builders import Scope, build

D = Decimal
YEAR = 2027  # the demo adopted tom's 2026 targets already


@pytest.fixture
def codes(tom):
    return {i.code: i for i in Indicator.objects.filter(cooperative=tom)}


@pytest.fixture
def drafted(tom, users, codes):
    """tom's treasurer drafts the 2027 targets: satisfaction 8,0 → 8,3, absence 5,0 → 4,5 %."""
    def make(year=YEAR, entries=None):
        target_set = targets.target_set_draft(cooperative=tom, year=year,
                                              actor=users["tom-penningmeester"])
        targets.target_set_save(
            target_set=target_set, actor=users["tom-penningmeester"],
            entries=entries or {codes["TEVREDEN"].pk: "8,3", codes["VERZUIM"].pk: "4,5%"})
        return target_set
    return make


def _decide(proposal, users, choice):
    governance.vote_cast(proposal=proposal, actor=users["tom-voorzitter"], choice=choice)
    governance.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice=choice)
    return governance.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_adopted_tom_s_2026_targets_by_a_numbered_decision(tom, codes):
    reach = codes["BEREIK"]
    year_target = IndicatorTarget.objects.get(indicator=reach, year=2026)
    decision = year_target.decision
    assert year_target.target == D("8.2") and reach.target == D("8.0")  # the standing one stays
    assert decision.adopted and decision.proposal.kind == Proposal.Kind.TARGETS
    assert decision.number.startswith(f"{decision.year}-")
    assert year_target.history.first().history_change_reason.startswith(
        f"besluit {decision.number}: aangenomen")
    row = {r.indicator.code: r for r in scorecard(tom, 2026).rows}["BEREIK"]
    assert (row.target, row.target_display, row.value, row.status) == (
        D("8.2"), "≥\u00a08,2", D("8.0"), "nearly")
    before = {r.indicator.code: r for r in scorecard(tom, 2025).rows}["BEREIK"]
    assert before.target_display == "≥\u00a08,0"  # 2025 has no target of its own
    note = next(d for d in register(tom) if d.pk == decision.pk).subject.register_note()
    assert note.startswith("streefwaarden 2026: ")
    assert "Beschikbaarheid en bereikbaarheid: ≥\u00a08,0 → ≥\u00a08,2" in note
    assert "Tevredenheid medewerkers: ≥\u00a07,5 → ≥\u00a07,6" in note


def test_the_decisions_workbook_names_the_kind_and_the_changes(tom, tmp_path):
    decision = Decision.objects.get(proposal__target_set__cooperative=tom,
                                    proposal__target_set__year=2026)
    path = tmp_path / "besluiten.xlsx"
    call_command("export_report", "decisions", cooperative="tom", year=decision.year,
                 output=str(path))
    sheet = openpyxl.load_workbook(path, data_only=True)["Besluiten"]
    header = [c.value for c in sheet[3]]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=4, values_only=True)}
    row = rows[decision.number]
    assert row["Soort"] == "streefwaarden van de indicatoren"
    assert row["Onderwerp"].startswith("Streefwaarden 2026 (streefwaarden 2026: ")
    assert "Beschikbaarheid en bereikbaarheid: ≥\u00a08,0 → ≥\u00a08,2" in row["Onderwerp"]


def test_the_annual_account_shows_the_targets_of_its_year(tom, tmp_path):
    for year, shown in ((2026, "≥\u00a08,2"), (2025, "≥\u00a08,0")):
        path = tmp_path / f"jaar-{year}.xlsx"
        build("annual-account", str(path), Scope(tom, year))
        sheet = openpyxl.load_workbook(path, data_only=True)["Indicatoren"]
        rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1]]
        reach = next(r for r in rows if r[1] == "Beschikbaarheid en bereikbaarheid")
        assert reach[3] == shown, (year, reach)


# --- draft, put to the board, adopt or reject ---------------------------------------------------


def test_adopted_targets_take_effect_for_their_year_only(tom, users, codes, drafted):
    target_set = drafted()
    changes = {c.indicator.code: (c.previous, c.target) for c in targets.changes_of(target_set)}
    assert changes == {"TEVREDEN": (D("8.0"), D("8.3")), "VERZUIM": (D("5.0"), D("4.5"))}
    proposal = targets.target_set_propose(target_set=target_set,
                                          actor=users["tom-penningmeester"])
    assert proposal.kind == Proposal.Kind.TARGETS and proposal.is_open
    assert proposal.title == f"Streefwaarden {YEAR}" and proposal.deadline is not None
    assert "Cliënttevredenheid: ≥\u00a08,0 → ≥\u00a08,3" in proposal.description
    assert proposal.drafted_by == users["tom-penningmeester"]
    assert not IndicatorTarget.objects.filter(year=YEAR).exists()  # nothing before the decision
    decision = _decide(proposal, users, "for")
    assert decision.adopted
    target_set.refresh_from_db()
    assert target_set.status == TargetSet.Status.ADOPTED
    satisfaction = IndicatorTarget.objects.get(indicator=codes["TEVREDEN"], year=YEAR)
    assert (satisfaction.target, satisfaction.decision) == (D("8.3"), decision)
    record = satisfaction.history.first()
    assert record.history_user == users["tom-voorzitter"]
    assert record.history_change_reason.startswith(f"besluit {decision.number}: aangenomen")
    found = targets_for(codes.values(), YEAR)
    assert (found[codes["TEVREDEN"].pk], found[codes["VERZUIM"].pk]) == (D("8.3"), D("4.5"))
    assert found[codes["ZELFREDZAAM"].pk] == D("75")  # unchanged: the standing target
    assert targets_for([codes["TEVREDEN"]], 2026)[codes["TEVREDEN"].pk] == D("8.0")
    assert {r.indicator.code: r.target for r in scorecard(tom, YEAR).rows}["TEVREDEN"] == D("8.3")


def test_a_later_decision_for_the_same_year_replaces_the_target_in_the_history(
        tom, users, codes, drafted):
    first = _decide(targets.target_set_propose(target_set=drafted(),
                                               actor=users["tom-penningmeester"]), users, "for")
    again = drafted(entries={codes["TEVREDEN"].pk: "8,4"})
    assert [(c.previous, c.target) for c in targets.changes_of(again)] == [(D("8.3"), D("8.4"))]
    second = _decide(targets.target_set_propose(target_set=again,
                                                actor=users["tom-penningmeester"]), users, "for")
    target = IndicatorTarget.objects.get(indicator=codes["TEVREDEN"], year=YEAR)
    assert (target.target, target.decision) == (D("8.4"), second)
    reasons = [h.history_change_reason for h in target.history.order_by("history_date")]
    assert [r.split(":")[0] for r in reasons] == [f"besluit {first.number}",
                                                  f"besluit {second.number}"]


def test_rejected_targets_change_nothing(tom, users, codes, drafted):
    target_set = drafted()
    decision = _decide(targets.target_set_propose(target_set=target_set,
                                                  actor=users["tom-penningmeester"]),
                       users, "against")
    assert not decision.adopted
    target_set.refresh_from_db()
    assert target_set.status == TargetSet.Status.REJECTED
    assert not IndicatorTarget.objects.filter(year=YEAR).exists()
    assert targets_for([codes["TEVREDEN"]], YEAR)[codes["TEVREDEN"].pk] == D("8.0")
    # a new set for the year may be drafted after a rejection
    assert drafted().is_draft


def test_a_set_is_frozen_while_the_board_decides(tom, users, codes, drafted):
    target_set = drafted()
    targets.target_set_propose(target_set=target_set, actor=users["tom-penningmeester"])
    with pytest.raises(ValidationError, match="liggen als voorstel bij het bestuur"):
        targets.target_set_save(target_set=target_set, actor=users["tom-penningmeester"],
                                entries={codes["TEVREDEN"].pk: "9"})
    with pytest.raises(ValidationError, match="liggen als voorstel bij het bestuur"):
        targets.target_set_propose(target_set=target_set, actor=users["tom-penningmeester"])
    with pytest.raises(ValidationError, match="al in voorbereiding"):
        targets.target_set_draft(cooperative=tom, year=YEAR, actor=users["tom-voorzitter"])
    assert [c.target for c in targets.changes_of(target_set)] == [D("8.3"), D("4.5")]
    assert Proposal.objects.filter(kind=Proposal.Kind.TARGETS, title=f"Streefwaarden {YEAR}"
                                   ).count() == 1


def test_a_draft_is_edited_until_it_is_put_to_the_board(users, codes, drafted):
    target_set = drafted()
    treasurer = users["tom-penningmeester"]
    # blank drops a line; the same as the target in force is no change at all
    targets.target_set_save(target_set=target_set, actor=treasurer, note="  Zie jaarplan. ",
                            entries={codes["TEVREDEN"].pk: "", codes["VERZUIM"].pk: "5,0",
                                     codes["BEREIK"].pk: "8.1"})
    assert [(c.indicator.code, c.target) for c in targets.changes_of(target_set)] == [
        ("BEREIK", D("8.1"))]
    target_set.refresh_from_db()
    assert target_set.note == "Zie jaarplan."
    line = target_set.lines.get()
    assert line.history.first().history_user == treasurer


def test_nothing_to_decide_or_a_changed_draft_is_not_put_to_the_board(tom, users, codes,
                                                                      drafted):
    empty = drafted(year=2028, entries={codes["TEVREDEN"].pk: ""})
    with pytest.raises(ValidationError, match="nog geen nieuwe streefwaarde"):
        targets.target_set_propose(target_set=empty, actor=users["tom-penningmeester"])
    target_set = drafted()
    with pytest.raises(ValidationError, match="gewijzigd sinds u de pagina opende"):
        targets.target_set_propose(target_set=target_set, actor=users["tom-penningmeester"],
                                   expected_digest="0" * 16)
    target_set.refresh_from_db()
    assert target_set.is_draft and target_set.proposal is None


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "typed", "message"), [
    ("TEVREDEN", "12,5%", "Cliënttevredenheid: “12,5%” is een percentage, maar deze indicator "
                          "is een score 1–10"),
    ("TEVREDEN", "acht", "Cliënttevredenheid: “acht” is geen getal"),
    ("TEVREDEN", "11", "Cliënttevredenheid (“11”): Een score ligt tussen 1 en 10"),
    ("ZELFREDZAAM", "112,5%", "Cliënten zelfredzamer of stabiel na zes maanden (“112,5%”): Een "
                              "percentage ligt tussen 0 en 100"),
    ("KOSTEN", "70,005", "Kosten per inwoner (“70,005”): Een bedrag in euro heeft hoogstens 2 "
                         "decimalen"),
    ("VERZUIM", "4,12345", "Ziekteverzuim: “4,12345” heeft meer dan 4 decimalen"),
])
def test_bad_input_is_refused_quoting_what_was_typed(users, codes, drafted, code, typed,
                                                     message):
    target_set = drafted()
    with pytest.raises(ValidationError) as caught:
        targets.target_set_save(target_set=target_set, actor=users["tom-penningmeester"],
                                entries={codes["BEREIK"].pk: "8,5", codes[code].pk: typed})
    assert any(m.startswith(message) for m in caught.value.messages), caught.value.messages
    # nothing half-written: the draft is as it was
    assert {c.indicator.code: c.target for c in targets.changes_of(target_set)} == {
        "TEVREDEN": D("8.3"), "VERZUIM": D("4.5")}


def test_every_error_is_listed_at_once(users, codes, drafted):
    target_set = drafted()
    with pytest.raises(ValidationError) as caught:
        targets.target_set_save(target_set=target_set, actor=users["tom-penningmeester"],
                                entries={codes["TEVREDEN"].pk: "veel", codes["BEREIK"].pk: "0",
                                         99999999: "8"})
    messages = caught.value.messages
    assert len(messages) == 3 and "Indicator 99999999 hoort niet bij deze streefwaarden." \
        in messages


def test_a_year_without_indicators_or_out_of_range_is_refused(tom, users):
    with pytest.raises(ValidationError, match="Kies een jaar tussen 2000 en 2100"):
        targets.target_set_draft(cooperative=tom, year=1999, actor=users["tom-voorzitter"])
    with pytest.raises(ValidationError, match="Geen enkele indicator van .* loopt in 2020"):
        targets.target_set_draft(cooperative=tom, year=2020, actor=users["tom-voorzitter"])


# --- permissions per object ---------------------------------------------------------------------


def test_the_cooperative_s_finance_may_draft_and_put_to_the_board(tom, users, codes):
    finance = users["tom-financien"]
    target_set = targets.target_set_draft(cooperative=tom, year=YEAR, actor=finance)
    targets.target_set_save(target_set=target_set, actor=finance,
                            entries={codes["BEREIK"].pk: "8,4"})
    proposal = targets.target_set_propose(target_set=target_set, actor=finance)
    assert proposal.drafted_by == finance


@pytest.mark.parametrize("who", ["tom-directeur", "heerlen-voorzitter", "malberg-financien"])
def test_others_may_not_draft_or_change_tom_s_targets(tom, users, codes, drafted, who):
    actor = users[who]
    with pytest.raises(PermissionDenied):
        targets.target_set_draft(cooperative=tom, year=2028, actor=actor)
    target_set = drafted()
    with pytest.raises(PermissionDenied):
        targets.target_set_save(target_set=target_set, actor=actor,
                                entries={codes["TEVREDEN"].pk: "9"})
    with pytest.raises(PermissionDenied):
        targets.target_set_propose(target_set=target_set, actor=actor)
    assert target_set.lines.count() == 2 and not Decision.objects.filter(
        proposal__target_set=target_set).exists()
