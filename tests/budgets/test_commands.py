import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from budgets.models import BudgetLine, PartnerBudget
from tests.budgets.xlsx import fill

ARGS = ["--cooperative", "tom", "--year", "2026", "--partner", "tom-welzijn"]


def test_template_command_then_import_with_dry_run_and_submit(db, tmp_path, hoods, streams,
                                                              capsys):
    path = tmp_path / "sjabloon.xlsx"
    call_command("budget_template", *ARGS, "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1500}))
    call_command("import_budget", *ARGS, "--dry-run", str(filled))
    out = capsys.readouterr().out
    assert f"{hoods[0].code}\t{streams[0].code}\t– → €\xa01.500,00" in out
    assert "Proefrun" in out
    assert not PartnerBudget.objects.filter(organisation__code="tom-welzijn",
                                            budget_round__year=2026).exists()
    call_command("import_budget", *ARGS, "--submit", str(filled))
    budget = PartnerBudget.objects.get(organisation__code="tom-welzijn", budget_round__year=2026)
    assert budget.is_submitted
    assert budget.lines.get().amount == Decimal("1500.00")
    assert budget.lines.get().history.first().history_user.username == "tom-directeur"


def test_bad_file_is_refused_whole(db, tmp_path, hoods, streams):
    path = tmp_path / "sjabloon.xlsx"
    call_command("budget_template", *ARGS, "--output", str(path))
    bad = tmp_path / "fout.xlsx"
    bad.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1500,
                                             (hoods[1].code, streams[0].code): "-3"}))
    row = 2 + len(streams)  # the second neighbourhood's first stream
    with pytest.raises(CommandError, match=f"rij {row}, kolom Bedrag: Een bedrag kan niet negatief"):
        call_command("import_budget", *ARGS, str(bad))
    assert not BudgetLine.objects.filter(budget__organisation__code="tom-welzijn",
                                         budget__budget_round__year=2026).exists()


@pytest.mark.parametrize("args,message", [
    (["--cooperative", "nergens", "--year", "2026", "--partner", "x"], "Onbekende coöperatie"),
    (["--cooperative", "tom", "--year", "1999", "--partner", "tom-welzijn"], "geen begrotingsronde"),
    (["--cooperative", "tom", "--year", "2026", "--partner", "hl-welzijn"], "geen partner"),
])
def test_wrong_arguments_are_explained(db, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("budget_template", *args, "--output", str(tmp_path / "x.xlsx"))


def test_command_exits_1_with_errors_on_stderr(tmp_path):
    from tests.cooperatie.test_settings import ROOT

    env = {**os.environ, "DEBUG": "1", "DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # a fresh SQLite file in tmp_path, whatever the suite runs on
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_budget", *ARGS, str(tmp_path / "x.xlsx")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 1
    assert "Onbekende coöperatie" in result.stderr  # a fresh database has no cooperatives


def test_a_dry_run_fails_exactly_when_the_real_run_does(db, tmp_path, hoods, streams, capsys):
    """Issue 12 item 11: on a submitted budget the dry run refused as the real run does, with
    the same message, and neither prints a preview as if it had worked."""
    path = tmp_path / "sjabloon.xlsx"
    call_command("budget_template", *ARGS, "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 1500}))
    call_command("import_budget", *ARGS, "--submit", str(filled))
    capsys.readouterr()
    again = tmp_path / "nog-eens.xlsx"
    again.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): 2500}))
    messages = []
    for extra in (["--dry-run"], [], ["--dry-run", "--submit"]):
        with pytest.raises(CommandError) as info:
            call_command("import_budget", *ARGS, *extra, str(again))
        messages.append(str(info.value))
        assert capsys.readouterr().out == ""
    assert len(set(messages)) == 1
    assert "ingediend en kan niet meer worden gewijzigd" in messages[0]
    budget = PartnerBudget.objects.get(organisation__code="tom-welzijn", budget_round__year=2026)
    assert budget.lines.get().amount == Decimal("1500.00")


def test_a_dry_run_with_submit_checks_the_submission_too(db, tmp_path, hoods, streams, capsys):
    path = tmp_path / "sjabloon.xlsx"
    call_command("budget_template", *ARGS, "--output", str(path))
    filled = tmp_path / "ingevuld.xlsx"
    filled.write_bytes(fill(path.read_bytes(), {(hoods[0].code, streams[0].code): "=12*4500"}))
    from tests.budgets.xlsx import saved_results

    filled.write_bytes(saved_results(filled.read_bytes(), "xl/worksheets/sheet1.xml",
                                     {"D2": 54000}))
    call_command("import_budget", *ARGS, "--dry-run", "--submit", str(filled))
    out = capsys.readouterr().out
    assert "€\xa054.000,00\t(=12*4500)" in out and "Proefrun" in out
    assert not PartnerBudget.objects.filter(organisation__code="tom-welzijn",
                                            budget_round__year=2026).exists()
