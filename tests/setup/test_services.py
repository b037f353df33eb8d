"""Applying a whole structure: created, changed, ended and removed as the structure says, in one
transaction, with history; every problem named by sheet and row and then nothing written;
whatever would break the history refused."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets.models import BudgetLine, FundingStream
from cooperatie.models import Area, Cooperative, Expertise, Membership, Neighbourhood, Team
from cooperatie.setup import selectors, services
from cooperatie.setup import structure as s
from partners.models import Organisation


def tom_structure(tom) -> s.Structure:
    return copy.deepcopy(selectors.current_structure(tom))


def apply(coop, structure, actor, **kw):
    return services.structure_apply(cooperative=coop, structure=structure, actor=actor,
                                    reason="test", **kw)


def errors_of(excinfo) -> list[str]:
    return excinfo.value.messages


def new_structure() -> s.Structure:
    return s.Structure(
        cooperative=s.CooperativeRow("lelystad", "Coöperatie Lelystad Samen", "Lelystad", row=2),
        areas=[s.AreaRow("WEST", "Lelystad-West", row=2), s.AreaRow("OOST", "Lelystad-Oost",
                                                                    row=3)],
        neighbourhoods=[
            s.NeighbourhoodRow("BU09950101", "Atolwijk", "WEST", None, {2026: 8200}, row=2),
            s.NeighbourhoodRow("BU09950102", "Boswijk", "WEST", None, {2026: 9100}, row=3),
            s.NeighbourhoodRow("BU09950201", "Waterwijk", "OOST", None, {2026: 7300}, row=4),
        ],
        teams=[s.TeamRow("LW", "Buurtteam West", "neighbourhood", "WEST",
                         ["BU09950101", "BU09950102"], row=2),
               s.TeamRow("LO", "Buurtteam Oost", "neighbourhood", "OOST", ["BU09950201"],
                         row=3)],
        partners=[
            s.PartnerRow("ls-welzijn", "Welzijn Lelystad", "81234567", "welfare",
                         date(2026, 1, 1), row=2),
            s.PartnerRow("ls-zorg", "Zorggroep Flevoland", "81234568", "care", date(2026, 1, 1),
                         None, Decimal("2.00"), row=3),
        ],
        streams=[s.StreamRow("WMO", "Wmo-begeleiding", "wmo", "6.71", row=2)],
        expertises=[s.ExpertiseRow("JEUGD", "Jeugd", row=2),
                    s.ExpertiseRow("LEEFSTIJL", "Leefstijlcoach", row=10)],
    )


def test_a_new_cooperative_from_one_structure(users):
    admin = users["beheerder"]
    result = apply(None, new_structure(), admin)
    coop = Cooperative.objects.get(code="lelystad")
    assert result.created and result.cooperative == coop
    assert sorted(coop.areas.values_list("code", flat=True)) == ["OOST", "WEST"]
    atol = Neighbourhood.objects.get(cooperative=coop, code="BU09950101")
    assert atol.area.code == "WEST" and atol.populations.get(year=2026).inhabitants == 8200
    west = Team.objects.get(cooperative=coop, code="LW")
    assert sorted(west.neighbourhoods.values_list("code", flat=True)) == [
        "BU09950101", "BU09950102"]
    zorg = Membership.objects.get(cooperative=coop, organisation__code="ls-zorg")
    assert zorg.voting_weight == Decimal("2.00") and zorg.organisation.kvk_number == "81234568"
    assert FundingStream.objects.get(cooperative=coop, code="WMO").law == "wmo"
    assert Expertise.objects.filter(code="LEEFSTIJL").exists()
    for obj in (coop, atol, west, zorg, zorg.organisation):
        record = obj.history.first()
        assert (record.history_user, record.history_change_reason) == (admin, "test")
    assert {c.action for c in result.changes} == {s.Change.Action.NEW}
    # Once more: nothing left to change.
    again = apply(coop, selectors.current_structure(coop), admin)
    assert again.changes == [] and not again.created


def test_only_the_application_administrator_creates_a_cooperative(users):
    with pytest.raises(PermissionDenied):
        apply(None, new_structure(), users["tom-beheerder"])
    assert not Cooperative.objects.filter(code="lelystad").exists()


def test_another_cooperatives_administrator_may_not_touch_it(tom, users):
    with pytest.raises(PermissionDenied):
        apply(tom, tom_structure(tom), users["heerlen-beheerder"])
    with pytest.raises(PermissionDenied):
        apply(tom, tom_structure(tom), users["tom-voorzitter"])


def test_the_current_structure_applies_without_changes(tom, heerlen, users):
    for coop in (tom, heerlen):
        assert apply(coop, tom_structure(coop), users[f"{coop.code}-beheerder"]).changes == []


def test_changes_are_applied_and_listed_old_to_new(tom, users):
    structure = tom_structure(tom)
    ridderveld = next(h for h in structure.neighbourhoods if h.code == "BU04840101")
    ridderveld.name = "Ridderveld-Noord"
    ridderveld.inhabitants[2026] = 10_001
    ridderveld.inhabitants[2027] = 10_100
    structure.neighbourhoods.append(
        s.NeighbourhoodRow("BU04840104", "Kerk en Zanen-Oost", "NOORD", None, {2027: 500}, row=9))
    team = next(t for t in structure.teams if t.code == "TOM-N")
    team.neighbourhoods.append("BU04840104")
    result = apply(tom, structure, users["tom-beheerder"])
    changes = {(c.sheet, c.code): c for c in result.changes}
    assert set(changes) == {(s.NEIGHBOURHOODS, "BU04840101"), (s.NEIGHBOURHOODS, "BU04840104"),
                            (s.TEAMS, "TOM-N")}
    fields = changes[s.NEIGHBOURHOODS, "BU04840101"].fields
    assert ("naam", "Ridderveld", "Ridderveld-Noord") in fields
    assert ("inwoners 2026", "9.938", "10.001") in fields
    assert ("inwoners 2027", "", "10.100") in fields
    hood = Neighbourhood.objects.get(cooperative=tom, code="BU04840101")
    assert hood.name == "Ridderveld-Noord"
    assert hood.populations.get(year=2026).inhabitants == 10_001
    assert hood.populations.get(year=2026).history.first().history_user == users["tom-beheerder"]
    assert "BU04840104" in Team.objects.get(cooperative=tom, code="TOM-N").neighbourhoods.values_list(
        "code", flat=True)


def test_dry_run_writes_nothing_and_fails_as_the_real_run(tom, users):
    structure = tom_structure(tom)
    structure.areas.append(s.AreaRow("MIDDEN", "Alphen-Midden", row=4))
    result = apply(tom, structure, users["tom-beheerder"], dry_run=True)
    assert [(c.sheet, c.code, c.action) for c in result.changes] == [
        (s.AREAS, "MIDDEN", s.Change.Action.NEW)]
    assert not Area.objects.filter(cooperative=tom, code="MIDDEN").exists()
    structure.neighbourhoods[0].area = "NERGENS"
    for dry_run in (True, False):
        with pytest.raises(ValidationError) as excinfo:
            apply(tom, structure, users["tom-beheerder"], dry_run=dry_run)
        assert any("onbekend gebied 'NERGENS'" in e for e in errors_of(excinfo))
    assert not Area.objects.filter(cooperative=tom, code="MIDDEN").exists()


def test_every_bad_row_is_named_and_nothing_changes(tom, users):
    structure = tom_structure(tom)
    structure.areas[0].name = "Een nieuwe naam die niet wordt opgeslagen"
    structure.neighbourhoods.append(s.NeighbourhoodRow("BU1234", "Te kort", "NOORD", row=12))
    structure.neighbourhoods.append(s.NeighbourhoodRow("BU04840101", "Dubbel", "NOORD", row=13))
    structure.teams[0].neighbourhoods.append("BU99999999")
    structure.teams[1].kind = "onzin"
    structure.teams[1].row = 4
    structure.streams.append(s.StreamRow("WMO-2", "Wmo 2", "niet-bestaand", row=7))
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, users["tom-beheerder"])
    errors = errors_of(excinfo)
    text = "\n".join(errors)
    assert "Blad Buurten, rij 12, kolom Buurtcode: 'BU1234' is geen CBS-buurtcode" in text
    assert "Blad Buurten, rij 13, kolom Buurtcode: 'BU04840101' staat ook al op rij" in text
    assert "Blad Teams" in text and "BU99999999" in text
    assert "Blad Teams, rij 4, kolom Soort: onbekende soort team 'onzin'." in text
    assert "Blad Financieringsstromen, rij 7: Wet:" in text
    assert len(errors) == 5
    assert tom.areas.order_by("code").first().name == "Alphen-Noord"


def test_a_neighbourhood_with_budget_lines_is_ended_not_removed(tom, users):
    admin = users["tom-beheerder"]
    structure = tom_structure(tom)
    gone = next(h for h in structure.neighbourhoods if h.code == "BU04840103")
    structure.neighbourhoods.remove(gone)
    for team in structure.teams:
        team.neighbourhoods = [c for c in team.neighbourhoods if c != gone.code]
    assert BudgetLine.objects.filter(neighbourhood__code=gone.code,
                                     budget__budget_round__year=2026).exists()
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, admin)
    (message,) = errors_of(excinfo)
    assert message.startswith("Blad Buurten: buurt BU04840103 (Centrum) staat niet meer in het "
                              "werkboek, maar heeft begrotingsregels (")
    assert "einddatum" in message
    assert Neighbourhood.objects.filter(cooperative=tom, code=gone.code).exists()

    structure = tom_structure(tom)
    centrum = next(h for h in structure.neighbourhoods if h.code == "BU04840103")
    centrum.ended_on, centrum.row = date(2025, 12, 31), 4
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, admin)
    assert errors_of(excinfo) == [
        "Blad Buurten, rij 4, kolom Einddatum: buurt BU04840103 heeft begrotingsregels in 2026; "
        "de einddatum kan niet vóór 01-01-2026 liggen."]
    centrum.ended_on = date(2026, 12, 31)
    (change,) = apply(tom, structure, admin).changes
    assert change.fields == (("einddatum", "", "31-12-2026"),)
    assert Neighbourhood.objects.get(cooperative=tom, code=gone.code).ended_on == date(2026, 12, 31)


def test_an_unused_neighbourhood_team_area_and_stream_can_be_removed(tom, users):
    admin = users["tom-beheerder"]
    structure = tom_structure(tom)
    structure.areas.append(s.AreaRow("TMP", "Tijdelijk"))
    structure.neighbourhoods.append(s.NeighbourhoodRow("BU04849901", "Tijdelijk", "TMP",
                                                       inhabitants={2026: 10}))
    structure.teams.append(s.TeamRow("TMP", "Tijdelijk", "ambulant", "TMP", ["BU04849901"]))
    structure.streams.append(s.StreamRow("TMP", "Tijdelijk", "other"))
    apply(tom, structure, admin)
    result = apply(tom, tom_structure_without_tmp(tom), admin)
    assert {(c.sheet, c.action) for c in result.changes} == {
        (sheet, s.Change.Action.REMOVED) for sheet in (s.AREAS, s.NEIGHBOURHOODS, s.TEAMS,
                                                        s.STREAMS)}
    assert not Neighbourhood.objects.filter(code="BU04849901").exists()
    assert Neighbourhood.history.filter(code="BU04849901", history_type="-").get(
    ).history_user == admin


def tom_structure_without_tmp(tom):
    structure = tom_structure(tom)
    for part in ("areas", "neighbourhoods", "teams", "streams"):
        rows = getattr(structure, part)
        setattr(structure, part, [r for r in rows if r.code not in {"TMP", "BU04849901"}])
    return structure


def test_a_partner_with_a_submitted_budget_ends_its_membership(tom, users):
    admin = users["tom-beheerder"]
    structure = tom_structure(tom)
    jeugd = next(p for p in structure.partners if p.code == "tom-jeugd")
    structure.partners.remove(jeugd)
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, admin)
    (message,) = errors_of(excinfo)
    assert message.startswith("Blad Partners: partner tom-jeugd (Jeugd en Gezin Groene Hart) "
                              "staat niet meer in het werkboek, maar heeft ")
    assert "begrotingen" in message and "'Lid tot en met'" in message

    structure = tom_structure(tom)
    jeugd = next(p for p in structure.partners if p.code == "tom-jeugd")
    jeugd.valid_to, jeugd.row = date(2025, 6, 30), 3
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, admin)
    assert errors_of(excinfo)[0].startswith(
        "Blad Partners, rij 3, kolom Lid tot en met: partner tom-jeugd heeft ")
    jeugd.valid_to = date(2026, 12, 31)
    (change,) = apply(tom, structure, admin).changes
    assert change.fields == (("lid tot en met", "", "31-12-2026"),)


def test_a_partner_without_anything_can_be_removed_and_its_organisation_stays(tom, users):
    admin = users["tom-beheerder"]
    structure = tom_structure(tom)
    structure.partners.append(s.PartnerRow("tom-nieuw", "Nieuwe Partner", "87654321", "other",
                                           date(2026, 1, 1)))
    apply(tom, structure, admin)
    assert Membership.objects.filter(cooperative=tom, organisation__code="tom-nieuw").exists()
    result = apply(tom, tom_structure_minus(tom, "tom-nieuw"), admin)
    assert [(c.code, c.action) for c in result.changes] == [
        ("tom-nieuw", s.Change.Action.REMOVED)]
    assert not Membership.objects.filter(cooperative=tom, organisation__code="tom-nieuw").exists()
    assert Organisation.objects.filter(code="tom-nieuw").exists()


def tom_structure_minus(tom, partner_code):
    structure = tom_structure(tom)
    structure.partners = [p for p in structure.partners if p.code != partner_code]
    return structure


def test_kvk_numbers_and_shared_records_are_guarded(tom, heerlen, users):
    structure = tom_structure(tom)
    taken = Organisation.objects.get(code="hl-welzijn").kvk_number
    structure.partners.append(s.PartnerRow("tom-x", "X", taken, "other", date(2026, 1, 1),
                                           row=10))
    structure.expertises[0].name = "Andere naam"
    structure.expertises[0].row = 2
    with pytest.raises(ValidationError) as excinfo:
        apply(tom, structure, users["tom-beheerder"])
    errors = errors_of(excinfo)
    assert f"Blad Partners, rij 10, kolom KvK-nummer: KvK-nummer {taken} is al in gebruik bij " \
           "een andere organisatie." in errors
    assert any(e.startswith("Blad Expertises, rij 2, kolom Naam: de naam van expertise") and
               "alleen de applicatiebeheerder" in e for e in errors)


def test_a_changed_structure_since_the_preview_is_refused(tom, users):
    admin = users["tom-beheerder"]
    structure = tom_structure(tom)
    structure.areas[0].name = "Noord"
    preview = apply(tom, structure, admin, dry_run=True)
    other = tom_structure(tom)
    other.areas[0].name = "Noord (door iemand anders)"
    apply(tom, other, admin)
    with pytest.raises(services.StaleStructure):
        apply(tom, structure, admin, expected=preview.digest)
    assert tom.areas.get(code=other.areas[0].code).name == "Noord (door iemand anders)"


def test_settings_update_records_who_and_why(tom, users):
    changed = services.cooperative_settings_update(
        cooperative=tom, values={"quorum_percent": 60, "majority": "two_thirds"},
        actor=users["tom-beheerder"], reason="nieuwe statuten")
    assert ("meerderheid", "gewone meerderheid", "twee derde meerderheid") in changed
    tom.refresh_from_db()
    assert tom.quorum_percent == 60
    record = tom.history.first()
    assert (record.history_user.username, record.history_change_reason) == (
        "tom-beheerder", "nieuwe statuten")
    with pytest.raises(PermissionDenied):
        services.cooperative_settings_update(cooperative=tom, values={"name": "x"},
                                             actor=users["tom-financien"], reason="")
    with pytest.raises(ValidationError):
        services.cooperative_settings_update(cooperative=tom, values={"code": "HEERLEN"},
                                             actor=users["tom-beheerder"], reason="")
