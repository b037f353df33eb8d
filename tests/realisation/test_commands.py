import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budgets import ledger
from budgets.models import LedgerEntry
from budgets.realisation import services
from budgets.realisation.models import PartnerRealisation, RealisationLine

from .conftest import REASON
from .xlsx import fill

ARGS = ["--cooperative", "tom", "--year", "2027", "--partner", "tom-welzijn"]


def test_template_then_import_with_dry_run_and_submit(opened, tmp_path, hoods, streams,
                                                      capsys):
    path = tmp_path / "sjabloon.xlsx"
    call_command("realisation_template", *ARGS, "--period", "2027-01", "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1500}))
    call_command("import_realisation", *ARGS, "--period", "2027-01", "--dry-run", "--submit",
                 str(filled))
    out = capsys.readouterr().out
    assert f"{hoods[0].code}\t{streams[0].code}\t– → €\xa01.500,00" in out
    assert "Proefrun" in out and "Zou indienen." in out
    # not even the empty draft stays
    assert not PartnerRealisation.objects.filter(period__budget_round__year=2027).exists()
    assert not LedgerEntry.objects.filter(kind="realisation", year=2027).exists()
    call_command("import_realisation", *ARGS, "--period", "2027-01", "--submit", str(filled))
    realisation = PartnerRealisation.objects.get(period=opened[0])
    assert realisation.is_submitted
    assert realisation.lines.get().history.first().history_user.username == "tom-directeur"
    assert ledger.balance(LedgerEntry.objects.filter(period=opened[0])) == Decimal("1500.00")


def test_a_dry_run_fails_exactly_when_the_real_run_would(opened, tmp_path, hoods, streams,
                                                         users):
    path = tmp_path / "sjabloon.xlsx"
    call_command("realisation_template", *ARGS, "--period", "2027-01", "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 10}))
    # the realisation was submitted meanwhile: the service refuses, in the dry run too
    services.realisation_submit(period=opened[0], organisation=hoods[0].cooperative
                                .memberships.get(organisation__code="tom-welzijn").organisation,
                                actor=users["tom-directeur"])
    for extra in (["--dry-run"], []):
        with pytest.raises(CommandError, match="ingediend en kan niet meer"):
            call_command("import_realisation", *ARGS, "--period", "2027-01", *extra,
                         str(filled))
    assert not RealisationLine.objects.filter(realisation__period__budget_round__year=2027).exists()


def test_bad_rows_are_refused_whole_with_sheet_row_and_column(opened, tmp_path, hoods, streams,
                                                             users):
    services.period_close(period=opened[0], actor=users["tom-voorzitter"], reason=REASON)
    path = tmp_path / "sjabloon.xlsx"
    call_command("realisation_template", *ARGS, "--period", "2027-02", "--output", str(path))
    bad = tmp_path / "fout.xlsx"

    def rows(wb):
        ws = wb["Realisatie"]
        ws.append([hoods[0].code, "", streams[0].code, "2027-01", 5, None])   # closed
        ws.append([hoods[0].code, "", streams[0].code, "2026-02", 5, None])   # another round
        ws.append([hoods[0].code, "", streams[0].code, "2027-02", 5, None])   # a duplicate
        ws.append([hoods[1].code, "", "XYZ", "2027-02", 5, None])              # unknown stream
        ws["E3"] = "=2*3"                                                     # no saved value

    bad.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1}, edit=rows))
    with pytest.raises(CommandError) as exc:
        call_command("import_realisation", *ARGS, "--period", "2027-02", str(bad))
    message = str(exc.value)
    last = 1 + len(hoods) * len(streams)
    assert f"rij {last + 1}, kolom Periode: de periode 2027-01 is gesloten." in message
    assert f"rij {last + 2}, kolom Periode: de periode 2026-02 ligt buiten de begrotingsronde" \
        in message
    assert f"rij {last + 3}, kolom Buurtcode: buurt {hoods[0].code} met stroom " \
           f"{streams[0].code} staat ook al op rij 2." in message
    assert f"rij {last + 4}, kolom Financieringsstroom: onbekende financieringsstroom 'XYZ'" \
        in message
    assert "rij 3, kolom Bedrag" in message and "=2*3" in message
    assert not RealisationLine.objects.filter(realisation__period__budget_round__year=2027).exists()


def test_another_partners_template_is_refused(opened, tmp_path, hoods, streams):
    path = tmp_path / "sjabloon.xlsx"
    call_command("realisation_template", "--cooperative", "tom", "--year", "2027",
                 "--partner", "tom-jeugd", "--period", "2027-01", "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1}))
    with pytest.raises(CommandError, match="gemaakt voor partner 'tom-jeugd', niet voor "
                                           "'tom-welzijn'"):
        call_command("import_realisation", *ARGS, "--period", "2027-01", str(filled))


@pytest.mark.parametrize("content,message", [
    (b"", "leeg"),
    (b"PK\x03\x04 kapot", "geen geldig bestand"),
    (b"geen werkmap", "geen geldig bestand"),
])
def test_empty_or_corrupt_files_are_refused(opened, tmp_path, content, message):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_realisation", *ARGS, "--period", "2027-01", str(path))


@pytest.mark.parametrize("period,message", [
    ("2027-13", "geen periode"),
    ("2026-03", "buiten de begrotingsronde 2027"),
    ("2027-K2", "ingedeeld in maanden"),
])
def test_wrong_periods_are_explained(months, tmp_path, period, message):
    with pytest.raises(CommandError, match=message):
        call_command("realisation_template", *ARGS, "--period", period, "--output",
                     str(tmp_path / "x.xlsx"))


def test_import_exits_1_with_dutch_errors_on_stderr(tmp_path):
    from tests.cooperatie.test_settings import ROOT

    env = {**os.environ, "DEBUG": "1", "DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_realisation", *ARGS, "--period", "2027-01",
         str(tmp_path / "x.xlsx")], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env=env)
    assert result.returncode == 1
    assert "Onbekende coöperatie" in result.stderr and "Traceback" not in result.stderr
