from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cooperatie import services
from cooperatie.errors import error_lines
from cooperatie.models import Area, BoardSeat, Membership, Neighbourhood, Team
from partners.models import Organisation
from partners.services import organisation_create


def messages(exc: ValidationError, model=None) -> str:
    return " ".join(error_lines(exc, model))


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "", "12 345678"])
def test_kvk_number_must_be_eight_digits(db, users, kvk):
    with pytest.raises(ValidationError) as exc:
        organisation_create(code="nieuw", name="Nieuw", kind="care", kvk_number=kvk,
                            actor=users["beheerder"], reason="test")
    assert messages(exc.value, Organisation).startswith("KvK-nummer: ")
    assert not Organisation.objects.filter(code="nieuw").exists()


def test_valid_organisation_records_history(db, users):
    org = organisation_create(code="nieuw", name="Nieuw", kind="care", kvk_number="12345678",
                              actor=users["beheerder"], reason="aangemeld als lid")
    record = org.history.get()
    assert record.history_user == users["beheerder"]
    assert record.history_change_reason == "aangemeld als lid"


@pytest.mark.parametrize("code", ["", "met spatie", "-begint", "a" * 33, "é"])
def test_invalid_codes_are_refused_in_dutch(heerlen, users, code):
    with pytest.raises(ValidationError) as exc:
        services.area_create(cooperative=heerlen, code=code, name="X",
                             actor=users["beheerder"], reason="test")
    assert messages(exc.value, Area).startswith("Code: ")
    assert not Area.objects.filter(name="X").exists()


def test_duplicate_code_in_same_cooperative_is_refused(heerlen, users):
    with pytest.raises(ValidationError):
        services.area_create(cooperative=heerlen, code="NOORD", name="Nog een Noord",
                             actor=users["beheerder"], reason="test")


def test_same_code_in_another_cooperative_is_fine(malberg, users):
    area = services.area_create(cooperative=malberg, code="NOORD", name="Noord",
                                actor=users["beheerder"], reason="test")
    assert area.pk


def test_neighbourhood_in_another_cooperatives_area_is_refused(heerlen, tom, users):
    area = tom.areas.first()
    hood = Neighbourhood(cooperative=heerlen, area=area, code="BU1", name="Verdwaald")
    with pytest.raises(ValidationError) as exc:
        hood.full_clean()
    assert "andere coöperatie" in messages(exc.value)


def test_team_in_another_cooperatives_area_is_refused(heerlen, tom):
    team = Team(cooperative=heerlen, area=tom.areas.first(), code="T1", name="T",
                kind=Team.Kind.NEIGHBOURHOOD)
    with pytest.raises(ValidationError) as exc:
        team.full_clean()
    assert "andere coöperatie" in messages(exc.value)


def test_overlapping_membership_is_refused(tom, users):
    org = Organisation.objects.get(code="tom-ggz")
    before = Membership.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.membership_add(cooperative=tom, organisation=org, valid_from=date(2025, 6, 1),
                                actor=users["beheerder"], reason="test")
    assert "al lid" in messages(exc.value)
    assert Membership.objects.count() == before


def test_consecutive_memberships_are_fine(malberg, users):
    org = Organisation.objects.get(code="tom-ggz")
    services.membership_add(cooperative=malberg, organisation=org, valid_from=date(2020, 1, 1),
                            valid_to=date(2020, 12, 31), actor=users["beheerder"], reason="t")
    services.membership_add(cooperative=malberg, organisation=org, valid_from=date(2021, 1, 1),
                            actor=users["beheerder"], reason="t")
    assert Membership.objects.filter(cooperative=malberg, organisation=org).count() == 2


def test_membership_ending_before_it_starts_is_refused(malberg, users):
    org = Organisation.objects.get(code="tom-ggz")
    with pytest.raises(ValidationError) as exc:
        services.membership_add(cooperative=malberg, organisation=org,
                                valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1),
                                actor=users["beheerder"], reason="t")
    assert "einddatum" in messages(exc.value)


def test_overlapping_board_seat_is_refused(tom, users):
    with pytest.raises(ValidationError) as exc:
        services.board_seat_add(cooperative=tom, user=users["tom-voorzitter"],
                                role=BoardSeat.Role.MEMBER, valid_from=date(2026, 1, 1),
                                actor=users["beheerder"], reason="t")
    assert "zetel" in messages(exc.value)


def test_team_neighbourhood_changes_are_historied(heerlen, users):
    team = Team.objects.get(cooperative=heerlen, code="SBT01")
    team._history_user = users["beheerder"]
    team.neighbourhoods.add(Neighbourhood.objects.get(cooperative=heerlen, code="BU09170102"))
    latest = team.history.first()
    assert {n.neighbourhood_id for n in latest.neighbourhoods.all()} == set(
        team.neighbourhoods.values_list("id", flat=True)
    )
