"""Plans and schedules: every split sums exactly, each share within a cent, whatever the
order; bad keys and weights are refused with a Dutch message naming what is wrong."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgets.allocation import apportion
from budgets.allocation import services as svc
from budgets.allocation.selectors import frozen_split
from budgets.models import AllocationKey, AllocationPlan, LumpSumGrant
from cooperatie.models import Cooperative, Neighbourhood, Population
from cooperatie.numbers import parse_decimal
from partners.models import Organisation

from .conftest import percentages_key

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
figures = st.decimals(min_value=0, max_value=Decimal("9999999.9999"), places=4)
hypothesis_db = settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CENT = Fraction(1, 100)


def grant_of(code, amount, year=2026):
    """An unsaved grant: plan_compute is pure and never writes."""
    coop = Cooperative.objects.get(code=code)
    return LumpSumGrant(cooperative=coop, year=year, amount=amount,
                        funding_stream=coop.funding_streams.first(), description="x")


def members(code):
    return list(Organisation.objects.filter(memberships__cooperative__code=code).order_by("pk"))


def baseline(values):
    return svc.KeyInput(AllocationKey.Basis.BASELINE, AllocationKey.Unit.EURO, "", values)


@hypothesis_db
@given(data=st.data())
def test_partner_split_and_tranches_add_up(db, data):
    orgs = members("tom")
    amount = data.draw(amounts)
    values = {o: data.draw(figures) for o in orgs}
    values[orgs[data.draw(st.integers(0, len(orgs) - 1))]] += 1  # not all zero
    schedule = data.draw(st.sampled_from(["none", "quarterly", "monthly"]))
    split = svc.plan_compute(grant=grant_of("tom", amount), method="partners",
                             schedule=schedule, key=baseline(values))
    assert split.total == amount
    total_weight = sum(Fraction(v) for v in values.values())
    per_org = split.per_organisation
    for org in orgs:
        exact = Fraction(amount) * Fraction(values[org]) / total_weight
        assert abs(Fraction(per_org[org.pk]) - exact) < CENT
    assert sum(split.percentages.values()) == Decimal("100.0000")
    n = {"none": 0, "quarterly": 4, "monthly": 12}[schedule]
    assert len(split.tranches) == n * len(orgs)
    for org in orgs:
        mine = [t for t in split.tranches if t.organisation == org]
        assert sum((t.amount for t in mine), Decimal("0")) == (per_org[org.pk] if n else 0)
        for t in mine:
            assert abs(Fraction(t.amount) - Fraction(per_org[org.pk]) / n) < CENT
    if n:  # what is paid out per period is as even as the cents allow
        per_period = [sum((t.amount for t in split.tranches if t.number == k), Decimal("0"))
                      for k in range(1, n + 1)]
        assert per_period == list(apportion(amount, {k: 1 for k in range(n)}).values())
    # the order in which the key was typed does not matter
    items = list(values.items())
    random.Random(data.draw(st.integers())).shuffle(items)
    again = svc.plan_compute(grant=grant_of("tom", amount), method="partners",
                             schedule=schedule, key=baseline(dict(items)))
    assert again.lines == split.lines and again.tranches == split.tranches


@hypothesis_db
@given(data=st.data())
def test_per_inhabitant_split_adds_up_per_neighbourhood_and_partner(db, data):
    orgs = members("heerlen")[:4]
    hoods = list(Neighbourhood.objects.filter(cooperative__code="heerlen").order_by("code"))
    amount = data.draw(amounts)
    weights = data.draw(st.dictionaries(st.sampled_from(hoods), st.decimals(
        min_value=0, max_value=Decimal("3"), places=2), max_size=6))
    cuts = sorted(data.draw(st.lists(st.integers(0, 1_000_000), min_size=3, max_size=3)))
    parts = [a - b for a, b in zip([*cuts, 1_000_000], [0, *cuts], strict=True)]
    assert sum(parts) == 1_000_000
    key = percentages_key(orgs, [Decimal(p) / 10_000 for p in parts])
    grant = grant_of("heerlen", amount)
    inhabitants = dict(Population.objects.filter(neighbourhood__in=hoods, year=2026)
                       .values_list("neighbourhood_id", "inhabitants"))
    base = {h.pk: inhabitants[h.pk] * weights.get(h, Decimal("1")) for h in hoods}
    if not any(base.values()):
        with pytest.raises(ValidationError, match="Alle buurten wegen 0"):
            svc.plan_compute(grant=grant, method="per_inhabitant", schedule="monthly",
                             key=key, weights=weights)
        return
    split = svc.plan_compute(grant=grant, method="per_inhabitant", schedule="monthly",
                             key=key, weights=weights)
    assert split.total == amount
    total_base = sum(Fraction(b) for b in base.values())
    for share in split.hoods:
        exact = Fraction(amount) * Fraction(base[share.neighbourhood.pk]) / total_base
        assert abs(Fraction(share.amount) - exact) < CENT
        lines = [ln for ln in split.lines if ln.neighbourhood == share.neighbourhood]
        assert sum((ln.amount for ln in lines), Decimal("0")) == share.amount
        for line in lines:
            pct = key.values[line.organisation]
            assert abs(Fraction(line.amount) - Fraction(share.amount) * Fraction(pct) / 100) < CENT
    per_org = split.per_organisation
    for org in orgs:
        tranches = [t.amount for t in split.tranches if t.organisation == org]
        assert len(tranches) == 12 and sum(tranches, Decimal("0")) == per_org[org.pk]


def test_tom_demo_baseline_gives_the_uniform_discount(v1):
    split = frozen_split(v1)
    assert split.baseline_total == Decimal("4600000")
    assert split.discount == Decimal("8.6957")  # 1 − 4.2 mln ÷ 4.6 mln
    assert split.total == Decimal("4200000.00")
    # a uniform discount: every partner gets the same share of its baseline, to the cent
    for _org, amount, _pct, base in split.partner_rows():
        assert abs(Fraction(amount) - Fraction(base) * Fraction(42, 46)) < CENT
    assert sum(split.percentages.values()) == Decimal("100.0000")


def test_surcharge_and_counts(tom_members):
    grant = grant_of("tom", Decimal("1200.00"))
    split = svc.plan_compute(grant=grant, method="partners", schedule="none",
                             key=baseline({tom_members[0]: Decimal("1000")}))
    assert split.discount == Decimal("-20.0000")  # more than the baseline: a surcharge
    counts = svc.KeyInput(AllocationKey.Basis.BASELINE, AllocationKey.Unit.COUNT, "cliënten",
                          {tom_members[0]: Decimal("300"), tom_members[1]: Decimal("100")})
    split = svc.plan_compute(grant=grant, method="partners", schedule="none", key=counts)
    assert split.discount is None and split.per_unit == Decimal("3.00")


def test_tranches_fall_due_on_the_first_of_each_quarter_or_month():
    from datetime import date

    assert svc.tranche_dates(2026, "quarterly") == [date(2026, m, 1) for m in (1, 4, 7, 10)]
    assert svc.tranche_dates(2026, "monthly") == [date(2026, m, 1) for m in range(1, 13)]
    assert svc.tranche_dates(2026, "none") == []


def test_earlier_tranches_take_the_odd_cents(tom_members):
    split = svc.plan_compute(grant=grant_of("tom", Decimal("100.01")), method="partners",
                             schedule="quarterly",
                             key=percentages_key(tom_members[:1], [Decimal("100")]))
    assert [t.amount for t in split.tranches] == [Decimal("25.01"), Decimal("25.00"),
                                                  Decimal("25.00"), Decimal("25.00")]


@pytest.mark.parametrize(("values", "message"), [
    (["50", "49.5"], "De percentages tellen op tot 99,5%; dat moet precies 100% zijn."),
    (["50", "50.00001"], "het percentage 50,00001 heeft meer dan 4 decimalen"),
    (["110", "-10"], "een percentage is hoogstens 100 (110)"),
    (["110", "-10"], "een percentage kan niet negatief zijn (-10)"),
    ([], "De verdeelsleutel is leeg"),
])
def test_bad_percentages_are_refused(tom_members, values, message):
    key = percentages_key(tom_members, [Decimal(v) for v in values])
    with pytest.raises(ValidationError) as exc:
        svc.plan_compute(grant=grant_of("tom", Decimal("10.00")), method="partners",
                         schedule="none", key=key)
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_messages_name_the_partner(tom_members):
    key = percentages_key(tom_members[:2], [Decimal("100.5"), Decimal("-0.5")])
    with pytest.raises(ValidationError) as exc:
        svc.plan_compute(grant=grant_of("tom", Decimal("10.00")), method="partners",
                         schedule="none", key=key)
    assert exc.value.messages[0].startswith(f"{tom_members[0].name}:")
    assert exc.value.messages[1].startswith(f"{tom_members[1].name}:")


@pytest.mark.parametrize(("values", "message"), [
    (["-1", "5"], "een basisgegeven kan niet negatief zijn (-1)"),
    (["0", "0"], "Alle basisgegevens zijn 0"),
    (["1.23456", "1"], "het basisgegeven 1,23456 heeft meer dan 4 decimalen"),
])
def test_bad_baselines_are_refused(tom_members, values, message):
    key = baseline(dict(zip(tom_members, [Decimal(v) for v in values], strict=False)))
    with pytest.raises(ValidationError) as exc:
        svc.plan_compute(grant=grant_of("tom", Decimal("10.00")), method="partners",
                         schedule="none", key=key)
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_a_partner_of_another_cooperative_is_refused(tom_members):
    outsider = Organisation.objects.get(code="hl-welzijn")
    key = percentages_key([tom_members[0], outsider], [Decimal("50"), Decimal("50")])
    with pytest.raises(ValidationError, match="is geen lid van deze coöperatie"):
        svc.plan_compute(grant=grant_of("tom", Decimal("10.00")), method="partners",
                         schedule="none", key=key)


def test_bad_weights_are_refused(heerlen):
    orgs = members("heerlen")[:1]
    hoods = list(heerlen.neighbourhoods.order_by("code"))
    key = percentages_key(orgs, [Decimal("100")])
    grant = grant_of("heerlen", Decimal("10.00"))
    with pytest.raises(ValidationError, match="een weging kan niet negatief zijn"):
        svc.plan_compute(grant=grant, method="per_inhabitant", schedule="none", key=key,
                         weights={hoods[0]: Decimal("-1")})
    with pytest.raises(ValidationError, match="Alle buurten wegen 0"):
        svc.plan_compute(grant=grant, method="per_inhabitant", schedule="none", key=key,
                         weights={h: Decimal("0") for h in hoods})
    tom_hood = Neighbourhood.objects.filter(cooperative__code="tom").first()
    with pytest.raises(ValidationError, match="hoort bij een andere coöperatie"):
        svc.plan_compute(grant=grant, method="per_inhabitant", schedule="none", key=key,
                         weights={tom_hood: Decimal("1")})


def test_a_neighbourhood_without_inhabitants_must_weigh_zero(heerlen):
    orgs = members("heerlen")[:1]
    key = percentages_key(orgs, [Decimal("100")])
    grant = grant_of("heerlen", Decimal("10.00"), year=2030)  # no population for 2030
    with pytest.raises(ValidationError, match="geen inwonertal over 2030"):
        svc.plan_compute(grant=grant, method="per_inhabitant", schedule="none", key=key)
    # the partner method does not need inhabitants
    svc.plan_compute(grant=grant, method="partners", schedule="none", key=key)


def test_unknown_method_or_schedule(tom_members):
    key = percentages_key(tom_members[:1], [Decimal("100")])
    with pytest.raises(ValidationError, match="Kies de methode"):
        svc.plan_compute(grant=grant_of("tom", Decimal("1.00")), method="x", schedule="none",
                         key=key)
    with pytest.raises(ValidationError, match="Kies de voorschotten"):
        svc.plan_compute(grant=grant_of("tom", Decimal("1.00")), method="partners",
                         schedule="weekly", key=key)


@pytest.mark.parametrize(("raw", "value"), [
    ("12,5", Decimal("12.5")), ("12.5", Decimal("12.5")), ("1.250", Decimal("1250")),
    ("1.234.567,8901", Decimal("1234567.8901")), (" 33,3333 % ", Decimal("33.3333")),
    ("-5", Decimal("-5")), ("", None), ("€ 612.400", Decimal("612400")),
])
def test_parse_number(raw, value):
    assert parse_decimal(raw) == value


@pytest.mark.parametrize("raw", ["twaalf", "1,2,3", "NaN", "Infinity"])
def test_parse_number_refuses_text(raw):
    with pytest.raises(ValueError, match="is geen getal"):
        parse_decimal(raw)


def test_plan_split_of_a_stored_draft(new_grant, tom_members, users):
    plan = svc.plan_draft(grant=new_grant("99.99"), actor=users["tom-voorzitter"], reason="t")
    svc.plan_save(plan=plan, method="partners", schedule="quarterly", note="",
                  key=percentages_key(tom_members[:3], [Decimal("33.3333"), Decimal("33.3333"),
                                                        Decimal("33.3334")]),
                  weights={}, actor=users["tom-voorzitter"], reason="t")
    split = svc.plan_split(AllocationPlan.objects.get(pk=plan.pk))
    assert split.total == Decimal("99.99")
    assert [a for _o, a, _p, _b in split.partner_rows()] == [
        split.per_organisation[o.pk] for o in split.organisations]
