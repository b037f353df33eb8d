import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from budgets import services as budget_services
from budgets.ledger import balance
from budgets.models import LedgerEntry
from cooperatie.notifications.models import Delivery, Kind, Notification
from reports import services
from reports.builders import ReportMismatch, Scope, build
from reports.models import ExportJob
from tests.conftest import login


def workbook(path_or_bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, "rb").read()
    return openpyxl.load_workbook(io.BytesIO(data))


def money_total(ws, column_header: str) -> Decimal:
    rows = list(ws.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if column_header in r)
    col = rows[header_index].index(column_header)
    values = [r[col] for r in rows[header_index + 1:] if r[0] != "Totaal"]
    return sum((Decimal(str(v)) for v in values if isinstance(v, int | float)), Decimal("0"))


def test_ledger_report_matches_the_ledger_to_the_cent(heerlen, tmp_path):
    path = tmp_path / "grootboek.xlsx"
    rows = build("ledger", str(path), Scope(heerlen, 2026))
    wb = workbook(str(path))
    assert wb.sheetnames == ["Over dit rapport", "Grootboek"]
    ws = wb["Grootboek"]
    entries = LedgerEntry.objects.filter(cooperative=heerlen, year=2026)
    assert rows == entries.count() == ws.max_row - 2
    assert money_total(ws, "Bedrag").quantize(Decimal("0.01")) == balance(entries)
    last = list(ws.iter_rows(values_only=True))[-1]
    assert last[0] == "Totaal" and last[13] == f"=SUM(N2:N{rows + 1})"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:O{rows + 1}"
    assert "€" in ws.cell(row=2, column=14).number_format
    about = {r[0]: r[1] for r in wb["Over dit rapport"].iter_rows(values_only=True) if r[0]}
    assert about["Coöperatie"] == "Coöperatie Sociaal Heerlen (heerlen)"
    assert about["Laatste boeking in dit rapport"].startswith("boeking ")
    saved = openpyxl.load_workbook(str(path), data_only=True)["Grootboek"]
    assert Decimal(repr(saved.cell(row=rows + 2, column=14).value)) == balance(entries)
    assert about["Ingediende begrotingen"] == (
        "8 van 10 ingediend; nog niet: Welzijn Heerlen Samen, Zorggroep Parkstad Zuid; "
        "de cijfers op basis van de begrotingen zijn voorlopig")


def test_pooled_report_has_formulas_previous_year_and_a_chart(heerlen, tmp_path):
    path = tmp_path / "gebundeld.xlsx"
    build("pooled-budget", str(path), Scope(heerlen, 2026))
    wb = workbook(str(path))
    assert wb.sheetnames == ["Over dit rapport", "Per buurt en partner", "Per buurt en stroom",
                             "Per gebied", "Grafiek"]
    ws = wb["Per buurt en partner"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    assert header[0] == "Buurtcode" and "Totaal 2026" in header and "Totaal 2025" in header
    # 8 of heerlen's 10 budgets for 2026 are in: the comparison with 2025 is provisional
    assert "Verschil (voorlopig)" in header and "Verschil % (voorlopig)" in header
    assert rows[1][0] == ("Voorlopig, nog niet alle begrotingen ingediend (2026: 8 van 10 "
                          "ingediend; nog niet: Welzijn Heerlen Samen, Zorggroep Parkstad Zuid).")
    assert str(rows[3][header.index("Totaal 2026")]).startswith("=SUM(")
    assert len(wb["Grafiek"]._charts) == 1
    contributions = LedgerEntry.objects.filter(cooperative=heerlen, year=2026,
                                               kind=LedgerEntry.Kind.CONTRIBUTION)
    cached = workbook(path.read_bytes())  # formulas carry their values for checking
    values = openpyxl.load_workbook(str(path), data_only=True)["Per buurt en partner"]
    total_col = header.index("Totaal 2026")
    totals = [r[total_col] for r in values.iter_rows(min_row=4, values_only=True)
              if r[0] and r[0] != "Totaal"]
    assert Decimal(str(round(sum(totals), 2))) == balance(contributions)
    assert cached


def test_formula_injection_stays_text(tom, users, tmp_path):
    rnd = tom.budget_rounds.get(year=2026)
    from partners.models import Organisation

    budget = budget_services.budget_get_or_create(
        budget_round=rnd, organisation=Organisation.objects.get(code="tom-welzijn"),
        actor=users["tom-directeur"])
    hood, stream = tom.neighbourhoods.first(), tom.funding_streams.first()
    budget_services.budget_line_set(budget=budget, neighbourhood=hood, funding_stream=stream,
                                    amount=Decimal("1.00"), note="x", actor=users["tom-directeur"],
                                    reason="=HYPERLINK(\"http://evil\",\"klik\")")
    budget_services.budget_submit(budget=budget, actor=users["tom-directeur"],
                                  reason="+cmd|' /C calc'!A0")
    for report in ("ledger", "audit"):
        path = tmp_path / f"{report}.xlsx"
        build(report, str(path), Scope(tom, 2026))
        ws = workbook(str(path)).worksheets[1]
        texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)
                 and c.value[:1] in "=+-@" and c.row > 1]
        injected = [c for c in texts if "evil" in c.value or "calc" in c.value]
        assert injected, report
        assert all(c.data_type == "s" for c in injected), report


def test_audit_report_lists_changes_old_to_new_with_reason(tom, users, tmp_path):
    budget = tom.budget_rounds.get(year=2026).budgets.get(organisation__code="tom-ggz")
    budget_services.budget_reopen(budget=budget, actor=users["tom-voorzitter"],
                                  reason="controle audittrail")
    path = tmp_path / "audit.xlsx"
    build("audit", str(path), Scope(tom, 2026))
    rows = list(workbook(str(path))["Audittrail"].iter_rows(values_only=True))
    assert rows[0][:9] == ("Wanneer", "Wie", "Soort object", "Object", "Wijziging", "Veld", "Oud",
                           "Nieuw", "Reden")
    reopened = [r for r in rows if r[8] == "controle audittrail" and r[5] == "status"]
    assert reopened and reopened[0][6] == "ingediend" and reopened[0][7] == "concept"
    assert reopened[0][1] == users["tom-voorzitter"].get_full_name() != ""
    assert reopened[0][2:5] == ("Begroting", "GGZ Rijnland 2026", "gewijzigd")
    assert not any("heerlen" in str(r[3]) for r in rows)  # only this cooperative


def test_audit_report_names_objects_in_words_with_amounts_as_numbers(tom, users, tmp_path):
    from partners.models import Organisation

    director = users["tom-directeur"]
    budget = budget_services.budget_get_or_create(
        budget_round=tom.budget_rounds.get(year=2026),
        organisation=Organisation.objects.get(code="tom-welzijn"), actor=director)
    hood, stream = tom.neighbourhoods.order_by("code").first(), tom.funding_streams.first()
    for amount, reason in ((Decimal("87596.00"), "eerste opzet"),
                           (Decimal("88846.25"), "afgestemd met de verzekeraar, zie mail 3 maart")):
        budget_services.budget_line_set(budget=budget, neighbourhood=hood, funding_stream=stream,
                                        amount=amount, note="", actor=director, reason=reason)
    path = tmp_path / "audit.xlsx"
    build("audit", str(path), Scope(tom, 2026))
    ws = workbook(str(path))["Audittrail"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "Begrotingsregel"
               and r[8].value == "afgestemd met de verzekeraar, zie mail 3 maart")
    assert [c.value for c in row[1:6]] == [
        director.get_full_name(), "Begrotingsregel",
        f"{hood.name} × {stream.name}, Welzijn Rijnstreek 2026", "gewijzigd", "bedrag"]
    assert (row[6].value, row[7].value) == (87596, 88846.25)
    assert "€" in row[6].number_format and "€" in row[7].number_format
    changed = budget.lines.get(neighbourhood=hood, funding_stream=stream).history.first()
    local = timezone.localtime(changed.history_date).replace(tzinfo=None)
    assert abs((row[0].value - local).total_seconds()) < 0.01  # Dutch local time, a real date
    assert row[0].number_format == "dd-mm-yyyy hh:mm"


def test_export_command_gives_the_same_workbook(heerlen, tmp_path):
    path = tmp_path / "cmd.xlsx"
    call_command("export_report", "ledger", "--cooperative", "heerlen", "--year", "2026",
                 "--output", str(path))
    direct = tmp_path / "direct.xlsx"
    build("ledger", str(direct), Scope(heerlen, 2026))
    a = list(workbook(str(path))["Grootboek"].iter_rows(values_only=True))
    b = list(workbook(str(direct))["Grootboek"].iter_rows(values_only=True))
    assert a == b


def test_small_report_runs_at_once_and_downloads(client, heerlen, django_capture_on_commit_callbacks):
    login(client, "heerlen-financien")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports", args=["heerlen"]),
                               {"report": "pooled-budget", "year": 2026}, follow=True)
    job = ExportJob.objects.get(report="pooled-budget")
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    page = response.content.decode()
    assert "Export gestart: Gebundelde begroting 2026." in page  # the title, not the slug
    assert "Gebundelde begroting 2026</td>" in page
    assert ">pooled-budget" not in page and "pooled-budget 2026" not in page  # only as a value
    response = client.get(reverse("export_download", args=["heerlen", job.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="gebundelde-begroting-heerlen-2026.xlsx"')
    data = b"".join(response.streaming_content)
    assert workbook(data).sheetnames[0] == "Over dit rapport"


def test_the_person_who_asked_hears_the_export_is_ready(client, heerlen, users,
                                                       django_capture_on_commit_callbacks):
    """In the inbox (export_ready is a noisy kind: no e-mail unless chosen), for them only."""
    asker = users["heerlen-financien"]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(cooperative=heerlen, report="pooled-budget", year=2026,
                                    actor=asker)
    told = Notification.objects.filter(kind=Kind.EXPORT_READY)
    assert [(n.user, n.delivery, n.url) for n in told] == [
        (asker, Delivery.OFF, reverse("exports", args=["heerlen"]))]
    assert told.get().key == f"export_ready:{job.pk}"
    login(client, "heerlen-financien")
    assert "Export klaar: Gebundelde begroting" in client.get(
        reverse("notifications:inbox")).content.decode()
    home = reverse("cooperative_home", kwargs={"code": "heerlen"})
    item = "Export “Gebundelde begroting” 2026 downloaden"
    assert item in client.get(home).content.decode()  # on the to-do list until it expires
    login(client, "heerlen-voorzitter")
    assert item not in client.get(home).content.decode()


def test_permissions_on_start_and_download(client, heerlen, users,
                                           django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.export_start(cooperative=heerlen, report="ledger", year=2026,
                              actor=users["heerlen-directeur"])
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(cooperative=heerlen, report="pooled-budget", year=2026,
                                    actor=users["heerlen-financien"])
    url = reverse("export_download", args=["heerlen", job.pk])
    for name, status in [("heerlen-directeur", 404), ("tom-financien", 404),
                         ("heerlen-bestuurslid", 200)]:
        login(client, name)
        assert client.get(url).status_code == status, name
    assert client.get(reverse("export_download", args=["tom", job.pk])).status_code == 404


def test_bad_export_requests_are_refused_in_dutch(heerlen, tom, users):
    actor = users["heerlen-financien"]
    for kwargs, message in [({"report": "geheim", "year": 2026}, "Onbekend rapport"),
                            ({"report": "ledger", "year": 1990}, "geen begrotingsronde"),
                            ({"report": "ledger", "year": 2026, "area": tom.areas.first()},
                             "hoort niet bij")]:
        with pytest.raises(ValidationError, match=message):
            services.export_start(cooperative=heerlen, actor=actor, **kwargs)
    assert not ExportJob.objects.exists()


def test_dead_worker_jobs_are_failed_not_left_running(heerlen, users):
    old = timezone.now() - timedelta(minutes=30)
    job = ExportJob.objects.create(cooperative=heerlen, report="ledger", year=2026,
                                   requested_by=users["heerlen-financien"],
                                   status=ExportJob.Status.RUNNING, heartbeat_at=old,
                                   expires_at=timezone.now() + timedelta(days=7))
    assert services.exports_reap() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "opnieuw" in job.message


def test_expired_exports_lose_their_file(client, heerlen, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_start(cooperative=heerlen, report="pooled-budget", year=2026,
                                    actor=users["heerlen-financien"])
    job.refresh_from_db()
    assert job.path.exists()
    job.expires_at = timezone.now() - timedelta(seconds=1)
    job.save()
    assert services.exports_expire() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not job.path.exists()
    login(client, "heerlen-financien")
    assert client.get(reverse("export_download", args=["heerlen", job.pk])).status_code == 410


def test_progress_is_reported(heerlen, users, django_capture_on_commit_callbacks):
    seen = []
    path = "/dev/null"
    build("audit", path, Scope(heerlen, 2026), progress=seen.append)
    assert seen and seen == sorted(seen)


def test_staff_report_in_kind_matches_the_ledger(heerlen, tmp_path):
    path = tmp_path / "staff.xlsx"
    build("staff", str(path), Scope(heerlen, 2026))
    wb = workbook(str(path))
    assert wb.sheetnames == ["Over dit rapport", "Bezetting", "Inzet per partner",
                             "Inbreng in natura"]
    rows = list(wb["Inbreng in natura"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Partner", "Status begroting", "Fte-jaar", "Waarde", "In het grootboek")
    booked = sum(Decimal(str(r[4])) for r in rows[1:] if r[0] != "Totaal")
    ledger = balance(LedgerEntry.objects.filter(cooperative=heerlen, year=2026,
                                                kind=LedgerEntry.Kind.IN_KIND))
    assert booked.quantize(Decimal("0.01")) == ledger and ledger > 0
    coverage = list(wb["Bezetting"].iter_rows(values_only=True))
    header = coverage[2]
    assert header[:4] == ("Gebied", "Teamcode", "Team", "Expertise")
    gaps = [r for r in coverage[3:] if r[0] != "Totaal" and r[header.index("Tekort (fte)")]]
    assert gaps  # the demo has gaps


def test_scorecard_report_never_shows_suppressed_values_as_numbers(tom, tmp_path):
    from cooperatie.evaluation.models import Measurement

    suppressed = [m for m in Measurement.objects.filter(indicator__cooperative=tom,
                                                        year__lte=2026) if m.suppressed]
    assert suppressed, "the demo has measurements with too few respondents"
    path = tmp_path / "scorecard.xlsx"
    build("scorecard", str(path), Scope(tom, 2026))
    wb = workbook(str(path))
    trend = list(wb["Trend"].iter_rows(values_only=True))
    marked = [r for r in trend if r[3] == "te weinig waarnemingen"]
    assert len(marked) == len(suppressed)
    card = list(wb["Scorekaart"].iter_rows(values_only=True))
    header = card[2]
    for row in card[3:]:
        if row[header.index("Waarde")] == "te weinig waarnemingen":
            assert row[header.index("Respondenten")] is None
    values = [r[header.index("Waarde")] for r in card[3:]]
    assert any(isinstance(v, int | float) for v in values)


def test_an_allocation_statement_that_adds_up_every_version_is_not_made(tom, tmp_path,
                                                                        monkeypatch):
    """The mistake of f617a3d (version 1 adopted + version 2 proposed counted together): the
    check against the ledger refuses the file."""
    from reports.builders.allocation import AllocationReport

    lines = AllocationReport._lines
    monkeypatch.setattr(AllocationReport, "_lines", lambda self, *args: (
        lambda current, other: (current + other, []))(*lines(self, *args)))
    with pytest.raises(ReportMismatch, match="het rapport telt op tot 8400000.00, het "
                                             "grootboek tot 4200000.00"):
        build("allocation", str(tmp_path / "allocation.xlsx"), Scope(tom, 2026))


def test_allocation_report_matches_the_ledger_and_lists_versions(tom, tmp_path):
    path = tmp_path / "allocation.xlsx"
    build("allocation", str(path), Scope(tom, 2026))
    wb = workbook(str(path))
    assert wb.sheetnames == ["Over dit rapport", "Lumpsums", "Versies en besluiten", "Verdeling",
                             "Verdeling andere versies", "Voorschotten",
                             "Voorschotten andere versies"]
    allocated = balance(LedgerEntry.objects.filter(cooperative=tom, year=2026,
                                                   kind=LedgerEntry.Kind.ALLOCATION))
    grant = tom.grants.get(year=2026).amount
    assert allocated == grant == Decimal("4200000.00")  # the demo: version 2 is only proposed
    saved = openpyxl.load_workbook(str(path), data_only=True)
    for sheet in ("Verdeling", "Voorschotten"):  # the version in force only, total = the ledger
        rows = list(saved[sheet].iter_rows(min_row=4, values_only=True))
        assert {r[2] for r in rows[:-1]} == {"vastgesteld"} and rows[-1][0] == "Totaal"
        assert Decimal(repr(rows[-1][-1])) == allocated
    for sheet in ("Verdeling andere versies", "Voorschotten andere versies"):
        rows = list(saved[sheet].iter_rows(min_row=4, values_only=True))
        assert {r[2] for r in rows[:-1]} == {"voorgesteld"}
        assert rows[-1][0].startswith("Subtotaal ") and "versie 2 (voorgesteld)" in rows[-1][0]
        assert Decimal(repr(rows[-1][-1])) == grant  # its own subtotal, not added to the total
    assert "niet in werking" in saved["Verdeling andere versies"]["A2"].value
    versions = list(wb["Versies en besluiten"].iter_rows(min_row=4, values_only=True))
    assert [(v[1], v[2], v[3]) for v in versions] == [(1, "vastgesteld", "ja"),
                                                      (2, "voorgesteld", "nee")]
    assert versions[0][7].startswith("2026-")  # the adopting decision
