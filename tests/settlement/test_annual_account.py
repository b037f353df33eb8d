"""The annual account of a settled year, read back as spreadsheet programs see it: every total
equal to the ledger to the cent, every figure traceable to its ledger transactions."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from budgets.settlement import services
from reports.builders import Scope, build
from tests.reports.checks import Table, check_report, sheets_from_openpyxl

from .test_settlement import settled

D = Decimal


@pytest.fixture
def settled_year(year_done, users):
    finance = users["tom-financien"]
    plan = year_done.plans.get(status="adopted")
    for number in (1, 2, 3, 4):
        tranche = plan.tranches.get(organisation__code="tom-welzijn", number=number)
        services.payment_record(tranche=tranche, paid_on=tranche.due_date, amount=tranche.amount,
                                reference=f"afschrift {number}, regel 1", actor=finance)
    wrong = services.payment_record(
        tranche=plan.tranches.get(organisation__code="tom-jeugd", number=1),
        paid_on=date(2024, 1, 2), amount=D("750.00"), reference="afschrift 1, regel 2",
        actor=finance)
    services.payment_reverse(payment=wrong, actor=finance, reason="tikfout: 7500")
    services.payment_record(tranche=plan.tranches.get(organisation__code="tom-jeugd", number=1),
                            paid_on=date(2024, 1, 2), amount=D("7500.00"),
                            reference="afschrift 1, regel 2", actor=finance)
    settlement, decision = settled(year_done, users)
    return settlement, decision


def _built(tmp_path, tom, **scope):
    path = tmp_path / "jaarverantwoording.xlsx"
    build("annual-account", str(path), Scope(tom, 2024, **scope))
    return openpyxl.load_workbook(path, data_only=True)


def test_every_total_equals_the_ledger(settled_year, tom, tmp_path):
    settlement, decision = settled_year
    book = _built(tmp_path, tom)
    sheets = sheets_from_openpyxl(book)
    assert check_report("annual-account", sheets, tom, 2024) >= 20
    partners = Table(sheets["Per partner"])
    rows = {r[partners.col("Partner")]: r for r in partners.rows}
    welzijn, jeugd = rows["Welzijn Rijnstreek"], rows["Jeugd en Gezin Groene Hart"]

    def at(row, header):
        return D(str(row[partners.col(header)])).quantize(D("0.01"))

    assert at(welzijn, "Overschot (+) of tekort (−)") == D("5000.00")
    assert at(welzijn, "Blijft bij de partner") == D("5000.00")
    assert at(welzijn, "Vastgesteld") == D("50000.00")
    assert at(welzijn, "Nog te betalen (+) of terug te vorderen (−)") == 0  # paid in full
    assert at(jeugd, "Naar (+) of uit (−) de reserve") == D("-3000.01")
    assert at(jeugd, "Nog te betalen (+) of terug te vorderen (−)") == D("25500.01")
    assert welzijn[partners.col("Besluit vaststelling")] == decision.number
    assert f"boeking {settlement.posting_id}" in welzijn[partners.col(
        "Boekingen toewijzing en vaststelling")] or str(settlement.posting_id) in welzijn[
        partners.col("Boekingen toewijzing en vaststelling")]
    payments = Table(sheets["Betalingen"])
    assert [r[payments.col("Soort")] for r in payments.rows].count("tegenboeking") == 1
    assert payments.total("Bedrag") == D("57500.00")
    reserve = Table(sheets["Reserve"])
    assert reserve.total("Bedrag") == D("-3000.01")
    grants = Table(sheets["Lumpsums"])
    (grant_row,) = grants.rows
    assert grant_row[grants.col("Vaststelling")] == "versie 1, vastgesteld"
    transactions = Table(sheets["Boekingen"])
    listed = {r[0] for r in transactions.rows}
    assert settlement.posting_id in listed and settlement.plan.posting_id in listed
    about = dict((r[0], r[1]) for r in sheets["Over dit rapport"] if r and r[0])
    assert "Herleiden tot het grootboek" in about and "€ -3.000,01" in about[
        "Reserve van de coöperatie"].replace("\xa0", " ")
    assert "Indicatoren" in book.sheetnames


def test_one_partners_account(settled_year, tom, tmp_path):
    from partners.models import Organisation

    welzijn = Organisation.objects.get(code="tom-welzijn")
    sheets = sheets_from_openpyxl(_built(tmp_path, tom, organisation=welzijn))
    partners = Table(sheets["Per partner"])
    assert {r[partners.col("Partner")] for r in partners.rows} == {"Welzijn Rijnstreek"}
    assert partners.total("Betaald") == D("50000.00")


def test_the_command_writes_it(settled_year, tmp_path, capsys):
    out = tmp_path / "jv.xlsx"
    call_command("export_report", "annual-account", "--cooperative", "tom", "--year", "2024",
                 "--output", str(out))
    assert out.exists() and "annual-account" in capsys.readouterr().out
