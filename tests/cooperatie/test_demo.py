from django.core.management import call_command

from budgets.models import BudgetRound, FundingStream
from cooperatie.models import Area, Cooperative, Membership, Neighbourhood, Team
from fixtures.demo import load_demo


def test_demo_scenarios_have_the_designed_structure(db):
    heerlen = Cooperative.objects.get(code="heerlen")
    assert Membership.objects.filter(cooperative=heerlen).count() == 10
    assert Area.objects.filter(cooperative=heerlen).count() == 4
    assert Neighbourhood.objects.filter(cooperative=heerlen).count() == 18
    assert Team.objects.filter(cooperative=heerlen, kind=Team.Kind.NEIGHBOURHOOD).count() == 14
    assert Team.objects.filter(cooperative=heerlen, kind=Team.Kind.EXPERTISE).count() == 2
    assert FundingStream.objects.filter(cooperative=heerlen, law="zvw").exists()
    assert Neighbourhood.objects.filter(cooperative__code="malberg").count() == 1
    assert Membership.objects.filter(cooperative__code="malberg").count() >= 10
    assert Membership.objects.filter(cooperative__code="tom").count() == 8
    for code in ["heerlen", "malberg", "tom"]:
        assert BudgetRound.objects.get(cooperative__code=code, year=2026).is_open


def test_load_demo_is_idempotent(db):
    counts = [m.objects.count() for m in (Cooperative, Membership, Neighbourhood, Team)]
    load_demo()
    assert [m.objects.count() for m in (Cooperative, Membership, Neighbourhood, Team)] == counts


def test_load_demo_prints_logins(db, capsys, settings):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "tom-directeur" in out and "heerlen-penningmeester" in out and "demo-2026" in out


def test_members_command_prints_code_tab_name(db, capsys):
    call_command("members", "--cooperative", "tom")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8
    assert "tom-ggz\tGGZ Rijnland" in lines
