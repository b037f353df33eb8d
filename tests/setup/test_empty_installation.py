"""Done when: a new cooperative is created from an empty installation by one workbook upload
and appears with its structure everywhere: the director's budget grid, the staff coverage and
the split of a lump sum per inhabitant."""

import io
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from budgets.allocation import services as allocation
from budgets.models import AllocationKey, AllocationPlan
from budgets.services import budget_round_open
from cooperatie.models import BoardSeat, Cooperative, Expertise
from cooperatie.services import board_seat_add
from cooperatie.setup import excel
from partners.models import Organisation, OrganisationRole
from partners.services import organisation_role_grant, team_needs_set

from .test_services import new_structure


def test_one_upload_sets_up_a_cooperative_that_works_everywhere(client, demo_after_flush,
                                                                transactional_db):
    # demo_after_flush before transactional_db: the demo is put back after the flush (with
    # the django_db mark the flush came last, leaving the tests after this one an empty db)
    call_command("flush", interactive=False, verbosity=0)
    assert not Cooperative.objects.exists()
    User = get_user_model()
    admin = User.objects.create_superuser("beheerder", password="x")
    client.force_login(admin)
    output = io.BytesIO()
    excel.write_workbook(output, new_structure())
    preview = client.post(reverse("setup:new_upload"), {
        "file": SimpleUploadedFile("lelystad.xlsx", output.getvalue())})
    assert preview.status_code == 200
    client.post(reverse("setup:new_confirm"), {"token": preview.context["token"]})
    coop = Cooperative.objects.get(code="lelystad")

    # The people (the "people" pages, here through their services) and a round.
    chair, treasurer, director = (User.objects.create_user(n, password="x")
                                  for n in ("voorzitter", "penningmeester", "directeur"))
    for user, role in ((chair, BoardSeat.Role.CHAIR), (treasurer, BoardSeat.Role.TREASURER)):
        board_seat_add(cooperative=coop, user=user, role=role, valid_from=date(2026, 1, 1),
                       actor=admin, reason="bestuur")
    welzijn = Organisation.objects.get(code="ls-welzijn")
    organisation_role_grant(organisation=welzijn, user=director,
                            role=OrganisationRole.Role.DIRECTOR, actor=admin, reason="directeur")
    budget_round = budget_round_open(cooperative=coop, year=2026, actor=chair,
                                     reason="ronde 2026")
    team_needs_set(budget_round=budget_round, team=coop.teams.get(code="LW"),
                   needs={Expertise.objects.get(code="LEEFSTIJL"): Decimal("1.5")}, actor=chair,
                   reason="behoefte")

    client.force_login(director)
    grid = client.get(reverse("budget_grid", args=["lelystad"]) + "?jaar=2026")
    assert grid.status_code == 200
    text = grid.content.decode()
    assert all(name in text for name in ("Atolwijk", "Boswijk", "Waterwijk", "Wmo-begeleiding"))

    coverage = client.get(reverse("staff_matrix", args=["lelystad"]) + "?jaar=2026")
    assert coverage.status_code == 200
    text = coverage.content.decode()
    assert "Buurtteam West" in text and "Buurtteam Oost" in text and "LEEFSTIJL" in text

    grant = allocation.grant_create(
        cooperative=coop, year=2026, amount=Decimal("246000.00"),
        funding_stream=coop.funding_streams.get(code="WMO"), funder_name="Gemeente Lelystad",
        description="per inwoner", actor=treasurer, reason="lumpsum")
    plan = allocation.plan_draft(grant=grant, actor=treasurer, reason="verdeling",
                                 method=AllocationPlan.Method.PER_INHABITANT)
    zorg = Organisation.objects.get(code="ls-zorg")
    key = allocation.KeyInput(AllocationKey.Basis.PERCENTAGES, AllocationKey.Unit.EURO, "helft",
                              {welzijn: Decimal("50"), zorg: Decimal("50")})
    split = allocation.plan_save(plan=plan, method=AllocationPlan.Method.PER_INHABITANT,
                                 schedule=AllocationPlan.Schedule.NONE, note="", key=key,
                                 weights={}, actor=treasurer, reason="verdeling")
    # 246.000 over 24.600 inhabitants: € 10 each.
    assert {h.neighbourhood.code: h.amount for h in split.hoods} == {
        "BU09950101": Decimal("82000.00"), "BU09950102": Decimal("91000.00"),
        "BU09950201": Decimal("73000.00")}
    client.force_login(treasurer)
    page = client.get(reverse("allocation:plan", args=["lelystad", plan.pk]))
    assert page.status_code == 200 and "Waterwijk" in page.content.decode()
