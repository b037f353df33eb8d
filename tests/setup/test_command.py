"""import_structure: the same services as the set-up page; exit 0, or 1 with the Dutch errors
on stderr; the dry run fails exactly when the real run would and writes nothing."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from cooperatie.models import Neighbourhood
from cooperatie.setup import excel, selectors

from .test_services import new_structure


def write(path, structure):
    buffer = io.BytesIO()
    excel.write_workbook(buffer, structure)
    path.write_bytes(buffer.getvalue())
    return path


def test_dry_run_then_real_run_for_an_existing_cooperative(tom, tmp_path, capsys):
    structure = selectors.current_structure(tom)
    structure.neighbourhoods[0].name = "Ridderveld (nieuw)"
    path = write(tmp_path / "tom.xlsx", structure)
    call_command("import_structure", "--cooperative", "tom", "--dry-run", str(path))
    out = capsys.readouterr().out
    assert "Buurten BU04840101 Ridderveld (nieuw): gewijzigd (naam: Ridderveld → Ridderveld " \
           "(nieuw))" in out
    assert "Proefrun: 1 wijziging(en), niets opgeslagen." in out
    assert Neighbourhood.objects.get(cooperative=tom, code="BU04840101").name == "Ridderveld"
    call_command("import_structure", "--cooperative", "tom", "--reason", "herindeling",
                 str(path))
    hood = Neighbourhood.objects.get(cooperative=tom, code="BU04840101")
    assert hood.name == "Ridderveld (nieuw)"
    record = hood.history.first()
    assert (record.history_user.username, record.history_change_reason) == (
        "tom-beheerder", "herindeling")


def test_dry_run_and_real_run_fail_alike(tom, tmp_path):
    structure = selectors.current_structure(tom)
    structure.neighbourhoods = structure.neighbourhoods[1:]  # Ridderveld has budget lines
    path = write(tmp_path / "tom.xlsx", structure)
    for extra in (["--dry-run"], []):
        with pytest.raises(CommandError) as excinfo:
            call_command("import_structure", "--cooperative", "tom", *extra, str(path))
        assert str(excinfo.value).startswith("Niets ingelezen:\nBlad Buurten: buurt BU04840101")
    assert Neighbourhood.objects.filter(cooperative=tom, code="BU04840101").exists()


def test_a_workbook_of_another_cooperative_is_refused(tom, heerlen, tmp_path):
    path = write(tmp_path / "heerlen.xlsx", selectors.current_structure(heerlen))
    with pytest.raises(CommandError, match="dit werkboek is van de coöperatie 'heerlen', niet "
                                           "van 'tom'"):
        call_command("import_structure", "--cooperative", "tom", str(path))
    with pytest.raises(CommandError, match="U heeft geen toegang"):
        call_command("import_structure", "--cooperative", "tom", "--user", "tom-directeur",
                     str(path))


def test_from_an_empty_installation_exit_codes_and_stderr(tmp_path):
    from tests.cooperatie.test_settings import ROOT

    env = {**os.environ, "DEBUG": "1", "DATA_DIR": str(tmp_path),
           "DJANGO_SUPERUSER_PASSWORD": "x-2026-test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)  # a fresh SQLite file in tmp_path, whatever the suite runs on

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    assert manage("migrate", "-v0").returncode == 0
    path = write(tmp_path / "lelystad.xlsx", new_structure())
    no_admin = manage("import_structure", "--cooperative", "lelystad", str(path))
    assert no_admin.returncode == 1 and "geef --user op" in no_admin.stderr
    assert manage("createsuperuser", "--noinput", "--username", "beheerder",
                  "--email", "b@example.nl").returncode == 0
    wrong = manage("import_structure", "--cooperative", "almere", str(path))
    assert wrong.returncode == 1
    assert "Het werkboek is van de coöperatie 'lelystad', niet van 'almere'." in wrong.stderr
    dry = manage("import_structure", "--cooperative", "lelystad", "--dry-run", str(path))
    assert dry.returncode == 0, dry.stderr
    assert "Proefrun: 13 wijziging(en), niets opgeslagen." in dry.stdout
    assert manage("members", "--cooperative", "lelystad").returncode == 1  # not there
    real = manage("import_structure", "--cooperative", "lelystad", str(path))
    assert real.returncode == 0, real.stderr
    assert "Coöperatie lelystad gemaakt: 13 wijziging(en)." in real.stdout
    members = manage("members", "--cooperative", "lelystad")
    assert members.stdout.splitlines() == ["ls-welzijn\tWelzijn Lelystad",
                                           "ls-zorg\tZorggroep Flevoland"]
