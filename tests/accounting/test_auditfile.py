"""The ledger for the accounting package, read back by readers nobody here wrote: the auditfile
is validated by libxml2 (lxml) against the published XAF 3.2 schema and its figures are read
with XPath; the CSV journal is read by pandas as an import would. Both add up to the ledger to
the cent, per account, per cost centre and in total; anything unmapped is refused by name.

XmlAuditfileFinancieel3.2.xsd beside this file is the XAF 3.2 schema as the XML Platform
(auditfiles.nl: SRA, Belastingdienst) published it, unchanged (SHA-256 6127b3f1…8a8d0fff)."""

import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from lxml import etree

from budgets.accounting import services as svc
from budgets.accounting.models import AccountMapping, CostCentre
from budgets.ledger import balance, totals
from budgets.models import LedgerEntry
from reports import services as exports
from reports.builders import ReportRefused, Scope, build
from reports.models import ExportJob

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent
SCHEMA = etree.XMLSchema(etree.parse(str(HERE / "XmlAuditfileFinancieel3.2.xsd")))
NS = {"x": "http://www.auditfiles.nl/XAF/3.2"}


def signed(line) -> Decimal:
    amount = Decimal(line.findtext("x:amnt", namespaces=NS))
    return amount if line.findtext("x:amntTp", namespaces=NS) == "D" else -amount


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else Decimal("0")


def by(lines, field: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in lines:
        key = line.findtext(f"x:{field}", namespaces=NS) or ""
        out[key] = out.get(key, Decimal("0")) + signed(line)
    return out


@pytest.fixture
def auditfile(tom, tmp_path):
    path = tmp_path / "tom-2026.xaf"
    build("auditfile", str(path), Scope(tom, 2026))
    return etree.parse(str(path))


def test_the_auditfile_is_valid_xaf_3_2(auditfile):
    SCHEMA.assertValid(auditfile)  # raises, naming the line, on any deviation
    assert auditfile.getroot().tag == "{http://www.auditfiles.nl/XAF/3.2}auditfile"
    assert auditfile.findtext("x:header/x:fiscalYear", namespaces=NS) == "2026"
    assert auditfile.findtext("x:header/x:curCode", namespaces=NS) == "EUR"


def test_its_totals_equal_the_ledger_to_the_cent(tom, auditfile):
    tx = auditfile.find("x:company/x:transactions", namespaces=NS)
    lines = tx.findall(".//x:trLine", namespaces=NS)
    debit = sum(Decimal(x.findtext("x:amnt", namespaces=NS)) for x in lines
                if x.findtext("x:amntTp", namespaces=NS) == "D")
    credit = sum(Decimal(x.findtext("x:amnt", namespaces=NS)) for x in lines
                 if x.findtext("x:amntTp", namespaces=NS) == "C")
    assert int(tx.findtext("x:linesCount", namespaces=NS)) == len(lines) > 0
    assert Decimal(tx.findtext("x:totalDebit", namespaces=NS)) == debit
    assert Decimal(tx.findtext("x:totalCredit", namespaces=NS)) == credit == debit
    # Every posting balances by itself.
    for posting in tx.iterfind(".//x:transaction", namespaces=NS):
        assert sum(map(signed, posting.iterfind("x:trLine", namespaces=NS))) == 0
    # Per account: each kind's total in the ledger is on its mapped account.
    entries = LedgerEntry.objects.filter(cooperative=tom, year=2026)
    ledger = {row["kind"]: row["total"] for row in totals(entries, "kind")}
    accounts = by(lines, "accID")
    assert accounts["8100"] == ledger["grant"] == Decimal("-4200000.00")
    assert accounts["4400"] == ledger["allocation"]
    assert accounts["8010"] == ledger["in_kind"]
    assert accounts["8000"] + accounts["8001"] == ledger["contribution"]
    assert accounts["8001"] == balance(entries.filter(kind="contribution",
                                                      funding_stream__code="JEUGD")) != 0
    ledger_lines = [x for x in lines if x.findtext("x:accID", namespaces=NS) not in
                    ("0950", "1600")]
    assert sum(map(signed, ledger_lines)) == balance(entries) != 0
    # Per cost centre (costID): each neighbourhood's total.
    centres = by(ledger_lines, "costID")
    for row in totals(entries.exclude(neighbourhood=None), "neighbourhood__code"):
        assert centres[f"KP{row['neighbourhood__code'][2:]}"] == row["total"]
    # Per cost unit (projID): each funding stream's total.
    units = by(ledger_lines, "projID")
    for row in totals(entries.exclude(funding_stream=None), "funding_stream__code"):
        assert units[f"KD-{row['funding_stream__code']}"] == row["total"]


def test_the_csv_journal_reads_back_with_the_same_lines_and_totals(tom, tmp_path):
    path = tmp_path / "tom-2026.csv"
    rows = build("journal", str(path), Scope(tom, 2026))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    frame = pd.read_csv(path, sep=";", decimal=",", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    entries = LedgerEntry.objects.filter(cooperative=tom, year=2026)
    assert len(frame) == rows > entries.count() > 0  # every entry, and its contra lines
    debit = frame["Debet"].map(money)
    credit = frame["Credit"].map(money)
    assert debit.sum() == credit.sum()
    net = (debit - credit).groupby(frame["Boekstuknummer"]).sum()
    assert (net == 0).all()  # each posting balances
    ledger = ~frame["Grootboekrekening"].isin(["0950", "1600"])
    assert (debit - credit)[ledger].sum() == balance(entries)
    assert {"BEGR", "LUMP"} <= set(frame["Dagboek"])
    assert frame["Datum"].str.match(r"^\d{2}-\d{2}-2026$").all()


def test_the_command_writes_the_same_auditfile_and_refuses_in_dutch(tom, heerlen, tmp_path):
    path = tmp_path / "tom.xaf"
    out = io.StringIO()
    call_command("export_report", "auditfile", "--cooperative", "tom", "--year", "2026",
                 "--output", str(path), stdout=out)
    written = etree.parse(str(path))
    SCHEMA.assertValid(written)
    lines = len(written.findall(".//x:trLine", namespaces=NS))
    assert f"auditfile: {lines} rijen" in out.getvalue()
    with pytest.raises(CommandError, match="Nog niet gekoppeld aan de boekhouding"):
        call_command("export_report", "journal", "--cooperative", "heerlen", "--year", "2026",
                     "--output", str(tmp_path / "h.csv"))
    assert not (tmp_path / "h.csv").exists()


def test_an_unmapped_ledger_is_refused_naming_what_is_missing(tom, heerlen, users, tmp_path):
    with pytest.raises(ValidationError) as refused:
        exports.export_start(cooperative=heerlen, report="auditfile", year=2026,
                             actor=users["heerlen-financien"])
    text = " ".join(refused.value.messages)
    assert "Nog niet gekoppeld aan de boekhouding" in text
    assert "Grootboekrekening voor 'inbreng begroting'" in text
    assert "Kostenplaats" in text and "BU09170101" in text
    assert not ExportJob.objects.filter(cooperative=heerlen).exists()  # nothing half-made

    hood = LedgerEntry.objects.filter(cooperative=tom, year=2026).exclude(
        neighbourhood=None).first().neighbourhood
    CostCentre.objects.filter(neighbourhood=hood).delete()
    AccountMapping.objects.filter(cooperative=tom, kind="in_kind").delete()
    with pytest.raises(ReportRefused) as refused:
        build("journal", str(tmp_path / "x.csv"), Scope(tom, 2026))
    assert f"Kostenplaats voor buurt {hood.code} ({hood.name})" in str(refused.value)
    assert "'inbreng in natura (personeel)'" in str(refused.value)
    assert "inbreng begroting" not in str(refused.value)  # what is mapped is not listed


def test_the_auditfile_is_an_export_like_the_others_and_downloads_through_the_policy(
        client, tom, users, django_capture_on_commit_callbacks):
    client.force_login(users["tom-financien"])
    with django_capture_on_commit_callbacks(execute=False):
        job = exports.export_start(cooperative=tom, report="auditfile", year=2026,
                                   actor=users["tom-financien"])
    exports.export_run(job.pk, worker="test")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    response = client.get(f"/c/tom/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert 'filename="auditfile-financieel-xaf-32-tom-2026.xaf"' in response["Content-Disposition"]
    downloaded = etree.parse(io.BytesIO(b"".join(response.streaming_content)))
    SCHEMA.assertValid(downloaded)
    assert job.rows == len(downloaded.findall(".//x:trLine", namespaces=NS)) > 0
    client.force_login(users["heerlen-financien"])
    assert client.get(f"/c/tom/exports/{job.pk}/download/").status_code == 404


def test_the_mapping_is_finances_and_historied(tom, users):
    account = tom.gl_accounts.get(code="8000")
    with pytest.raises(PermissionDenied):
        svc.mapping_set(cooperative=tom, kind="realisation", account=account,
                        actor=users["tom-directeur"])
    mapping = svc.mapping_set(cooperative=tom, kind="realisation", account=account,
                              actor=users["tom-financien"], reason="nieuwe rekening")
    last = mapping.history.first()
    assert last.history_user == users["tom-financien"]
    assert last.history_change_reason == "nieuwe rekening"
    assert mapping.history.count() == 2  # the demo's mapping, then this change


def test_an_advance_payment_goes_to_its_own_journal_and_balances(tom, users, tmp_path):
    from datetime import date

    from budgets.settlement import services as settlement

    grant = tom.grants.get(year=2026)
    tranche = grant.plans.get(status="adopted").tranches.get(organisation__code="tom-ggz",
                                                             number=1)
    settlement.payment_record(tranche=tranche, paid_on=date(2026, 1, 5),
                              amount=Decimal("1000.00"), reference="BANK-1",
                              actor=users["tom-financien"])
    path = tmp_path / "tom.xaf"
    build("auditfile", str(path), Scope(tom, 2026))
    doc = etree.parse(str(path))
    SCHEMA.assertValid(doc)
    journal = doc.find(".//x:journal[x:jrnID='BETA']", namespaces=NS)
    accounts = by(journal.findall(".//x:trLine", namespaces=NS), "accID")
    assert accounts == {"1300": Decimal("1000.00"), "1100": Decimal("-1000.00")}
