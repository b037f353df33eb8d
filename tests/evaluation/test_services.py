"""Indicators and measurements through the services: bad input gets a clear Dutch message and
nothing is saved; good input is in the history with who and why."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cooperatie.errors import error_lines
from cooperatie.evaluation import services
from cooperatie.evaluation.models import Indicator, Measurement
from cooperatie.evaluation.selectors import cooperative_scope, scope_from_key

D = Decimal


def lines(exc: ValidationError) -> str:
    return " | ".join(error_lines(exc, Measurement))


def enter(indicator, board, scope=None, **fields):
    data = {"year": 2026, "period": "Q4", "value": D("8.0"), "respondents": 40, **fields}
    return services.measurement_create(
        indicator=indicator, scope=scope or cooperative_scope(indicator.cooperative),
        actor=board, reason="test", **data)


def refused(indicator, board, scope=None, **fields) -> str:
    before = Measurement.objects.count()
    with pytest.raises(ValidationError) as exc:
        enter(indicator, board, scope, **fields)
    assert Measurement.objects.count() == before, "nothing may be saved"
    return lines(exc.value)


# --- good input -------------------------------------------------------------------------------


def test_measurement_is_recorded_with_actor_and_reason(satisfaction, board):
    m = services.measurement_create(
        indicator=satisfaction, scope=cooperative_scope(satisfaction.cooperative), year=2026,
        period="Q4", value=D("8.3"), respondents=61, actor=board,
        reason="cliëntervaringsonderzoek najaar")
    record = m.history.get()
    assert record.history_user == board
    assert record.history_change_reason == "cliëntervaringsonderzoek najaar"
    assert record.value == D("8.3000")


def test_composite_measurement_computes_share_and_total(self_reliance, board):
    m = enter(self_reliance, board, value=None, respondents=None, count_improved=30,
              count_stable=30, count_declined=20)
    m.refresh_from_db()
    assert m.respondents == 80
    assert m.result == D("75.0000")
    assert m.value is None  # computed on reading, never stored twice


def test_update_and_delete_are_in_the_history(satisfaction, board, users):
    m = enter(satisfaction, board)
    services.measurement_update(measurement=m, value=D("7.9"), actor=users["tom-beheerder"],
                                reason="typefout hersteld")
    latest = m.history.first()
    assert latest.history_user == users["tom-beheerder"]
    assert latest.history_change_reason == "typefout hersteld"
    assert latest.value == D("7.9")
    assert m.history.last().value == D("8.0")
    pk = m.pk
    services.measurement_delete(measurement=m, actor=board, reason="dubbel ingevoerd")
    assert not Measurement.objects.filter(pk=pk).exists()
    gone = Measurement.history.filter(id=pk).first()
    assert gone.history_type == "-"
    assert gone.history_user == board and gone.history_change_reason == "dubbel ingevoerd"


def test_delete_needs_a_reason(satisfaction, board):
    m = enter(satisfaction, board)
    with pytest.raises(ValidationError, match="reden"):
        services.measurement_delete(measurement=m, actor=board, reason=" ")
    assert Measurement.objects.filter(pk=m.pk).exists()


def test_indicator_history_and_update(make_indicator, board):
    indicator = make_indicator(name="Ervaren regie")
    services.indicator_update(indicator=indicator, target=D("7.5"), actor=board,
                              reason="streefwaarde bijgesteld door het bestuur")
    indicator.refresh_from_db()
    assert indicator.target == D("7.5")
    assert indicator.history.first().history_change_reason == (
        "streefwaarde bijgesteld door het bestuur")
    assert indicator.history.count() == 2


# --- bad input: a clear Dutch message, nothing saved ------------------------------------------


def test_score_of_eleven(satisfaction, board):
    assert "Waarde: Een score ligt tussen 1 en 10; 11 kan niet." in refused(
        satisfaction, board, value=D("11"))


def test_percentage_of_140(absence, board):
    assert "Waarde: Een percentage ligt tussen 0 en 100; 140 kan niet." in refused(
        absence, board, value=D("140"), respondents=None)


def test_counts_that_do_not_add_up(self_reliance, board):
    message = refused(self_reliance, board, value=None, respondents=90, count_improved=30,
                      count_stable=30, count_declined=20)
    assert ("De aantallen tellen niet op: verbeterd 30 + stabiel 30 + achteruit 20 = 80, "
            "maar het totaal is 90.") in message
    assert message.startswith("Aantal respondenten: ")


def test_negative_counts(self_reliance, board):
    message = refused(self_reliance, board, value=None, respondents=None, count_improved=-3,
                      count_stable=30, count_declined=20)
    assert message.startswith("Verbeterd: ")


def test_missing_counts_and_a_value_for_a_composite(self_reliance, board):
    message = refused(self_reliance, board, value=D("75"), respondents=None,
                      count_improved=30, count_stable=None, count_declined=20)
    assert "Waarde: Laat de waarde leeg" in message
    assert "Stabiel: Vul het aantal cliënten in" in message


def test_no_clients_counted(self_reliance, board):
    assert "geen enkele cliënt" in refused(self_reliance, board, value=None, respondents=None,
                                           count_improved=0, count_stable=0, count_declined=0)


def test_average_needs_its_respondents(satisfaction, board):
    assert "Aantal respondenten: Vul het aantal respondenten in" in refused(
        satisfaction, board, respondents=None)


def test_period_outside_the_indicators_years(make_indicator, board):
    indicator = make_indicator(first_year=2025, last_year=2026)
    message = refused(indicator, board, year=2024)
    assert "Jaar: Het jaar 2024 valt buiten de looptijd van de indicator" in message
    assert "(2025–2026)" in message
    assert "buiten de looptijd" in refused(indicator, board, year=2027)


def test_scope_of_another_cooperative(satisfaction, board, heerlen):
    other_team = scope_from_key(heerlen, "team:SBT01")
    message = refused(satisfaction, board, scope=other_team)
    assert "hoort bij een andere coöperatie" in message


def test_scope_object_of_another_cooperative_is_refused_by_the_model(satisfaction, heerlen):
    m = Measurement(indicator=satisfaction, scope="team", team=heerlen.teams.first(),
                    year=2026, period="Y", value=D("8"), respondents=10)
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert "Team: " in lines(exc.value) and "andere coöperatie" in lines(exc.value)


def test_duplicate_for_the_same_indicator_scope_and_period(satisfaction, board):
    enter(satisfaction, board)
    message = refused(satisfaction, board, value=D("7.0"))
    assert message.startswith("Periode: Er is al een meting van 'Cliënttevredenheid' voor "
                              "Tom in de buurt in 2026 K4.")
    # one message, not also the database constraint's
    assert message.count("al een meting") == 1


def test_same_period_for_another_scope_is_fine(satisfaction, board, tom):
    enter(satisfaction, board)
    enter(satisfaction, board, scope=scope_from_key(tom, "team:TOM-N"))
    enter(satisfaction, board, scope=scope_from_key(tom, "area:NOORD"))
    enter(satisfaction, board, scope=scope_from_key(tom, "neighbourhood:BU04840101"))
    enter(satisfaction, board, period="Q3")


def test_derived_indicators_take_no_measurements(tom, board):
    cost = Indicator.objects.get(cooperative=tom, code="KOSTEN")
    assert "wordt berekend uit het grootboek" in refused(cost, board, value=D("80"))


def test_database_holds_the_rules_too(satisfaction, self_reliance):
    """Even past the services (a bulk write, a bug), the database refuses the worst."""
    bad = [
        Measurement(indicator=self_reliance, scope="cooperative", year=2026, period="Y",
                    count_improved=1, count_stable=1, count_declined=1, respondents=5),
        Measurement(indicator=satisfaction, scope="team", year=2026, period="Y",
                    value=D("8"), respondents=10),  # team scope without a team
        Measurement(indicator=satisfaction, scope="cooperative", year=1999, period="Y",
                    value=D("8"), respondents=10),
        Measurement(indicator=satisfaction, scope="cooperative", year=2026, period="Y"),
    ]
    for m in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            m.save()
    Measurement(indicator=satisfaction, scope="cooperative", year=2030, period="Y",
                value=D("8"), respondents=10).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement(indicator=satisfaction, scope="cooperative", year=2030, period="Y",
                    value=D("7"), respondents=10).save()


@pytest.mark.parametrize("fields,field,fragment", [
    ({"unit": "score", "target": D("11")}, "Streefwaarde", "tussen 1 en 10"),
    ({"unit": "percentage", "target": D("140"), "method": "entered"}, "Streefwaarde",
     "tussen 0 en 100"),
    ({"unit": "score", "method": "share_improved"}, "Eenheid", "percentage"),
    ({"unit": "change", "method": "cost_change", "baseline_year": None}, "Basisjaar",
     "basisjaar"),
    ({"first_year": 2026, "last_year": 2025}, "Laatste jaar", "vóór het eerste jaar"),
    ({"tolerance": D("-1")}, "Marge voor 'bijna'", "niet negatief"),
    ({"code": "TEVREDEN"}, "", "bestaat al"),
])
def test_bad_indicators_are_refused_in_dutch(make_indicator, fields, field, fragment):
    before = Indicator.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_indicator(**fields)
    text = " | ".join(error_lines(exc.value, Indicator))
    assert fragment in text
    assert field in text
    assert Indicator.objects.count() == before


def test_unit_and_method_are_fixed_once_measured(satisfaction, board):
    with pytest.raises(ValidationError, match="er zijn al metingen"):
        services.indicator_update(indicator=satisfaction, unit="percentage", actor=board,
                                  reason="test")
    with pytest.raises(ValidationError, match="buiten deze jaren: 2024"):
        services.indicator_update(indicator=satisfaction, first_year=2025, actor=board,
                                  reason="test")
    satisfaction.refresh_from_db()
    assert satisfaction.unit == "score" and satisfaction.first_year == 2024


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["tom-directeur", "tom-financien", "heerlen-voorzitter"])
def test_only_board_and_administrator_enter_measurements(satisfaction, users, username):
    with pytest.raises(PermissionDenied):
        enter(satisfaction, users[username])


def test_administrator_may_enter_but_not_define_indicators(satisfaction, users, tom):
    enter(satisfaction, users["tom-beheerder"])
    with pytest.raises(PermissionDenied):
        services.indicator_create(cooperative=tom, aim="health", code="X", name="X",
                                  unit="score", direction="higher", first_year=2026,
                                  actor=users["tom-beheerder"], reason="test")


def test_another_boards_member_cannot_change_toms_indicator(satisfaction, users):
    with pytest.raises(PermissionDenied):
        services.indicator_update(indicator=satisfaction, name="Gekaapt",
                                  actor=users["heerlen-voorzitter"], reason="test")
