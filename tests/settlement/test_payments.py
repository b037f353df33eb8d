"""Advances paid: each payment of a tranche posted to the ledger, refused when it is more than
the tranche, of a plan not in force, paid already, or on a closed year; corrected only by a
reversal with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import ledger
from budgets.models import LedgerEntry, LedgerTransaction
from budgets.settlement import selectors, services

D = Decimal


def tranche(grant, code, number):
    return grant.plans.get(status="adopted").tranches.get(organisation__code=code, number=number)


def pay(grant, code, number, amount, ref, user, paid_on=date(2024, 1, 3)):
    return services.payment_record(tranche=tranche(grant, code, number), paid_on=paid_on,
                                   amount=D(amount), reference=ref, actor=user)


def test_a_payment_is_posted_and_shows_per_partner(grant_2024, users, partners):
    finance = users["tom-financien"]
    t = tranche(grant_2024, "tom-welzijn", 1)
    assert t.amount == D("12500.00")
    payment = pay(grant_2024, "tom-welzijn", 1, "10000.00", "afschrift 1, regel 4", finance)
    posting = payment.posting
    assert posting.kind == LedgerTransaction.Kind.PAYMENT
    assert [(e.kind, e.amount, e.organisation_id) for e in posting.entries.all()] == [
        (LedgerEntry.Kind.ADVANCE, D("10000.00"), partners["tom-welzijn"].pk)]
    assert payment.history.first().history_user == finance
    pay(grant_2024, "tom-welzijn", 1, "2500.00", "afschrift 1, regel 5", finance)  # the rest
    pay(grant_2024, "tom-jeugd", 1, "7500.00", "afschrift 1, regel 6", finance)

    overview = selectors.advances(grant_2024, as_of=date(2024, 4, 1))
    rows = {r.organisation.code: r for r in overview.rows}
    welzijn = rows["tom-welzijn"]
    assert (welzijn.allocated, welzijn.due, welzijn.paid, welzijn.outstanding) == (
        D("50000.00"), D("25000.00"), D("12500.00"), D("12500.00"))
    assert rows["tom-ggz"].paid == 0 and rows["tom-ggz"].outstanding == D("10000.00")
    assert [tr.paid for tr in welzijn.tranches] == [D("12500.00"), 0, 0, 0]
    assert overview.total("paid") == D("20000.00")
    assert selectors.paid_in_ledger(grant_2024) == {
        partners["tom-welzijn"].pk: D("12500.00"), partners["tom-jeugd"].pk: D("7500.00")}
    assert ledger.balances_differences(grant_2024.cooperative) == []


def test_more_than_the_tranche_is_refused_and_nothing_is_written(grant_2024, users):
    finance = users["tom-financien"]
    pay(grant_2024, "tom-welzijn", 1, "10000.00", "r1", finance)
    before = LedgerTransaction.objects.count()
    with pytest.raises(ValidationError) as exc:
        pay(grant_2024, "tom-welzijn", 1, "2500.01", "r2", finance)
    message = " ".join(exc.value.messages).replace("\xa0", " ")
    assert "€ 12.500,00" in message and "€ 2.500,00" in message and "€ 2.500,01" in message
    assert LedgerTransaction.objects.count() == before


def test_paying_twice_is_refused(grant_2024, users):
    finance = users["tom-financien"]
    pay(grant_2024, "tom-ggz", 2, "5000.00", "r1", finance)
    with pytest.raises(ValidationError, match="al helemaal betaald.*“r1”"):
        pay(grant_2024, "tom-ggz", 2, "1.00", "r2", finance)
    with pytest.raises(ValidationError, match="referentie “r1” is al geboekt"):
        pay(grant_2024, "tom-ggz", 3, "1.00", "r1", finance)


def test_a_tranche_of_a_plan_not_in_force_is_refused(tom_2026_v2_tranche, users):
    with pytest.raises(ValidationError, match="versie 2 van de verdeling, die voorgesteld is"):
        services.payment_record(tranche=tom_2026_v2_tranche, paid_on=date(2026, 1, 5),
                                amount=D("1.00"), reference="x", actor=users["tom-financien"])


@pytest.fixture
def tom_2026_v2_tranche(tom):
    plan = tom.grants.get(year=2026).plans.get(version=2)
    return plan.tranches.first()


@pytest.mark.parametrize("amount,paid_on,reference,field", [
    ("0.00", date(2024, 1, 3), "r", "amount"),
    ("-5.00", date(2024, 1, 3), "r", "amount"),
    ("1.005", date(2024, 1, 3), "r", "amount"),
    ("1.00", date(2999, 1, 1), "r", "paid_on"),
    ("1.00", date(2024, 1, 3), "  ", "reference"),
    ("1.00", date(2024, 1, 3), "a\nb", "reference"),
])
def test_bad_input_is_refused_with_a_dutch_message(grant_2024, users, amount, paid_on,
                                                   reference, field):
    with pytest.raises(ValidationError) as exc:
        services.payment_record(tranche=tranche(grant_2024, "tom-ggz", 1), paid_on=paid_on,
                                amount=D(amount), reference=reference,
                                actor=users["tom-financien"])
    assert field in exc.value.message_dict


def test_only_finance_or_the_treasurer_records_payments(grant_2024, users):
    for name in ("tom-directeur", "tom-bestuurslid", "tom-beheerder", "heerlen-financien"):
        with pytest.raises(PermissionDenied):
            pay(grant_2024, "tom-ggz", 1, "1.00", f"r-{name}", users[name])
    pay(grant_2024, "tom-ggz", 1, "1.00", "r-penningmeester", users["tom-penningmeester"])


def test_a_correction_is_a_reversal_with_a_reason(grant_2024, users, partners):
    finance = users["tom-financien"]
    wrong = pay(grant_2024, "tom-jeugd", 1, "7000.00", "afschrift 2, regel 1", finance)
    with pytest.raises(ValidationError, match="reden"):
        services.payment_reverse(payment=wrong, actor=finance, reason=" ")
    services.payment_reverse(payment=wrong, actor=finance, reason="bedrag verkeerd overgenomen")
    wrong.refresh_from_db()
    assert wrong.is_reversed and wrong.reversal.reverses_id == wrong.posting_id
    with pytest.raises(ValidationError, match="al tegengeboekt"):
        services.payment_reverse(payment=wrong, actor=finance, reason="nogmaals")
    # the same bank statement line may now be booked with the right amount
    pay(grant_2024, "tom-jeugd", 1, "7500.00", "afschrift 2, regel 1", finance)
    assert selectors.paid_in_ledger(grant_2024)[partners["tom-jeugd"].pk] == D("7500.00")
    assert {r.organisation.code: r.paid for r in selectors.advances(grant_2024).rows}[
        "tom-jeugd"] == D("7500.00")
