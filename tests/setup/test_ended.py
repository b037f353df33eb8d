"""An ended neighbourhood or team drops out of the years after its end: the budget grid and
template, the pooled budget, the split per inhabitant and the staff coverage; its past stays."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from budgets import excel, selectors, services
from budgets.allocation import services as allocation
from budgets.models import AllocationKey, AllocationPlan, LumpSumGrant
from cooperatie.history import save_recorded
from cooperatie.models import Neighbourhood, Team
from cooperatie.services import neighbourhood_create, team_create
from partners.forms import StaffCommitmentForm
from partners.models import Organisation
from partners.selectors import coverage


@pytest.fixture
def ended(tom, users):
    """A neighbourhood and a team in tom that ended on 31-12-2025."""
    admin = users["beheerder"]
    area = tom.areas.get(code="NOORD")
    hood = neighbourhood_create(area=area, code="BU04840199", name="Oud Ridderveld",
                                inhabitants={2025: 1000, 2026: 1000}, actor=admin, reason="t")
    team = team_create(area=area, code="TOM-OUD", name="Tom Oud", kind="ambulant",
                       neighbourhoods=[hood], actor=admin, reason="t")
    for obj in (hood, team):
        obj.ended_on = date(2025, 12, 31)
        save_recorded(obj, actor=admin, reason="opgeheven")
    return hood, team


def test_in_year_counts_the_year_of_the_end(ended, tom):
    hood, team = ended
    hoods = Neighbourhood.objects.filter(cooperative=tom)
    assert hood in hoods.in_year(2025)
    assert hood not in hoods.in_year(2026)
    assert team in Team.objects.in_year(2025) and team not in Team.objects.in_year(2026)
    assert hood.history.first().ended_on == date(2025, 12, 31)


def test_grid_and_template_leave_an_ended_neighbourhood_out(ended, tom, users):
    hood, _team = ended
    rnd = tom.budget_rounds.get(year=2026)
    budget = services.budget_get_or_create(
        budget_round=rnd, organisation=Organisation.objects.get(code="tom-welzijn"),
        actor=users["tom-directeur"])
    grid = selectors.budget_grid(budget)
    codes = {c.neighbourhood.code for row in grid.rows for c in row.cells}
    assert "BU04840101" in codes and hood.code not in codes

    output = io.BytesIO()
    excel.write_template(output, budget_round=rnd, organisation=budget.organisation,
                         budget=budget)
    sheet = openpyxl.load_workbook(io.BytesIO(output.getvalue()))[excel.SHEET]
    column = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "BU04840101" in column and hood.code not in column

    sheet.append([hood.code, hood.name, "WMO", 100, ""])
    upload = io.BytesIO()
    sheet.parent.save(upload)
    result = excel.read_upload(upload.getvalue(), budget=budget)
    assert any(hood.code in e and "rij" in e for e in result.errors)


def test_pooled_budget_shows_an_ended_neighbourhood_only_where_money_was_posted(ended, tom):
    hood, _team = ended
    codes_2026 = {r.code for r in selectors.pooled_budget(tom, 2026).rows}
    assert "BU04840101" in codes_2026 and hood.code not in codes_2026
    # tom's 2025 ledger has nothing for it either, but it still existed then.
    assert hood.code in {r.code for r in selectors.pooled_budget(tom, 2025).rows}


def test_split_per_inhabitant_leaves_an_ended_neighbourhood_out(ended, tom):
    hood, _team = ended
    members = list(Organisation.objects.filter(memberships__cooperative=tom).order_by("code"))
    key = allocation.KeyInput(AllocationKey.Basis.PERCENTAGES, AllocationKey.Unit.EURO, "t",
                              {members[0]: Decimal("60"), members[1]: Decimal("40")})
    for year, expect in ((2026, False), (2025, True)):
        grant = LumpSumGrant(cooperative=tom, year=year, amount=Decimal("1000.00"),
                             funding_stream=tom.funding_streams.first(), description="x")
        split = allocation.plan_compute(grant=grant, method=AllocationPlan.Method.PER_INHABITANT,
                                        schedule=AllocationPlan.Schedule.NONE, key=key)
        assert (hood in {h.neighbourhood for h in split.hoods}) is expect
        assert sum(h.amount for h in split.hoods) == Decimal("1000.00")


def test_coverage_and_commitments_leave_an_ended_team_out(ended, tom):
    _hood, team = ended
    rnd = tom.budget_rounds.get(year=2026)
    assert team.code not in {r.team.code for r in coverage(rnd).rows}
    assert "TOM-N" in {r.team.code for r in coverage(rnd).rows}
    form = StaffCommitmentForm(budget_round=rnd)
    assert team not in form.fields["team"].queryset


def test_the_structure_page_marks_what_ended(ended, client):
    from django.urls import reverse

    from tests.conftest import login

    page = login(client, "tom-directeur").get(reverse("structure", args=["tom"]))
    text = page.content.decode()
    assert "Oud Ridderveld <span class=\"muted\">(tot en met 31-12-2025)</span>" in text
    assert "Tom Oud</strong> (ambulant team, tot en met 31-12-2025)" in text
