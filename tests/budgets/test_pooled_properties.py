"""For any set of budget lines, the pooled budget adds up exactly to the cent."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets import services
from budgets.models import PartnerBudget
from budgets.selectors import pooled_budget, pooled_total
from cooperatie.models import Cooperative
from fixtures.budgets import partner_director

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_pooled_totals_equal_the_sum_of_submitted_lines(db, users, data):
    with transaction.atomic():
        tom = Cooperative.objects.get(code="tom")
        rnd = services.budget_round_open(cooperative=tom, year=2031,
                                         actor=users["tom-voorzitter"], reason="test")
        hoods = list(tom.neighbourhoods.order_by("code"))
        streams = list(tom.funding_streams.order_by("code"))
        orgs = [m.organisation for m in tom.memberships.select_related("organisation")]
        expected = Decimal("0.00")
        per_hood = {h.pk: Decimal("0.00") for h in hoods}
        for org in data.draw(st.lists(st.sampled_from(orgs), min_size=1, max_size=4,
                                      unique_by=lambda o: o.pk)):
            director = partner_director(org, users["beheerder"])
            budget = services.budget_get_or_create(budget_round=rnd, organisation=org,
                                                   actor=director)
            cells = data.draw(st.dictionaries(
                st.tuples(st.sampled_from(hoods), st.sampled_from(streams)), amounts,
                max_size=12))
            rows = [services.LineInput(h, s, a) for (h, s), a in cells.items()]
            services.budget_lines_save(budget=budget, rows=rows, expected_version=budget.version,
                                       actor=director, reason="test")
            if data.draw(st.booleans()):  # drafts must not count
                services.budget_submit(budget=budget, actor=director)
                expected += sum(cells.values(), Decimal("0.00"))
                for (h, _s), a in cells.items():
                    per_hood[h.pk] += a
        assert pooled_total(tom, 2031) == expected
        for by in ("partner", "stroom"):
            pooled = pooled_budget(tom, 2031, by=by)
            assert pooled.total.total == expected
            rows = {r.code: r.total for r in pooled.rows if not r.is_area}
            assert rows == {h.code: per_hood[h.pk] for h in hoods}
            assert sum(r.total for r in pooled.rows if r.is_area) == expected
            overview = pooled_budget(tom, 2031, by=by, areas_only=True)
            assert [(r.code, r.cells) for r in overview.rows] == [
                (r.code, r.cells) for r in pooled.rows if r.is_area]
            assert overview.total.total == expected
        assert PartnerBudget.objects.filter(budget_round=rnd).exists()
        transaction.set_rollback(True)
