from decimal import Decimal

import pytest
from django.urls import reverse

from budgets import services
from budgets.models import BudgetLine, PartnerBudget
from budgets.selectors import pooled_total
from tests.budgets.xlsx import fill, template_bytes
from tests.conftest import login


def url(name, **kw):
    return reverse(name, kwargs={"code": "tom", **kw})


def cell(hood, stream):
    return f"{hood.pk}-{stream.pk}"


def test_director_fills_saves_and_submits_in_the_browser_flow(client, draft, hoods, streams,
                                                               users, tom):
    login(client, "tom-directeur")
    page = client.get(url("budget_grid"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Begroting Welzijn Rijnstreek 2026" in html and 'name="version"' in html
    data = {"version": draft.version, f"a-{cell(hoods[0], streams[0])}": "12.500,00",
            f"n-{cell(hoods[0], streams[0])}": "coördinator", f"a-{cell(hoods[1], streams[2])}": "99,99",
            "reason": "eerste opzet"}
    response = client.post(url("budget_grid"), data, follow=True)
    assert "Opgeslagen: 2 wijziging(en)." in response.content.decode()
    assert sorted(BudgetLine.objects.filter(budget=draft).values_list("amount", flat=True)) == [
        Decimal("99.99"), Decimal("12500.00")]
    before = pooled_total(tom, 2026)
    draft.refresh_from_db()
    summary = client.get(url("budget_submit")).content.decode()
    assert "€\xa012.599,99" in summary and "alleen-lezen" in summary
    client.post(url("budget_submit"), {"jaar": 2026, "version": draft.version})
    draft.refresh_from_db()
    assert draft.status == PartnerBudget.Status.SUBMITTED
    assert pooled_total(tom, 2026) - before == Decimal("12599.99")
    # read-only for the director now
    assert 'name="version"' not in client.get(url("budget_grid")).content.decode()


def test_bad_input_in_the_grid_keeps_what_was_typed_and_saves_nothing(client, draft, hoods,
                                                                       streams):
    login(client, "tom-directeur")
    data = {"version": draft.version, f"a-{cell(hoods[0], streams[0])}": "100",
            f"a-{cell(hoods[1], streams[0])}": "honderd"}
    response = client.post(url("budget_grid"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{hoods[1].name}, {streams[0].name}: &#x27;honderd&#x27; is geen bedrag." in html
    assert 'value="honderd"' in html
    assert not BudgetLine.objects.filter(budget=draft).exists()


def test_a_refused_save_keeps_everything_and_marks_the_bad_cell(client, draft, hoods, streams):
    login(client, "tom-directeur")
    bad, good = cell(hoods[0], streams[0]), cell(hoods[1], streams[0])
    response = client.post(url("budget_grid"), {
        "version": draft.version, f"a-{bad}": "1.000,5o", f"a-{good}": "2.000,00",
        f"n-{good}": "twee fte", "reason": "eerste opzet"})
    assert response.status_code == 400
    html = response.content.decode()
    message = f"{hoods[0].name}, {streams[0].name}: &#x27;1.000,5o&#x27; is geen bedrag."
    assert f'<a href="#a-{bad}">{message}</a>' in html  # the summary links to the cell
    assert (f'value="1.000,5o" data-row="{hoods[0].pk}" data-col="0" aria-invalid="true" '
            f'aria-describedby="fout-{bad}"') in html
    assert f'<span class="cell-error" id="fout-{bad}">&#x27;1.000,5o&#x27; is geen bedrag.</span>' in html
    assert 'value="2.000,00"' in html and "twee fte" in html
    assert 'name="reason" size="60" value="eerste opzet"' in html
    assert "Ingevuld sjabloon uploaden" in html
    # the totals of what was typed; where a typo counts, "onvolledig" (never silently € 0,00)
    assert f'data-row-total="{hoods[1].pk}">2.000,00</td>' in html
    assert f'data-row-total="{hoods[0].pk}"><span class="incomplete">onvolledig</span>' in html
    assert '<td class="num" data-grand-total><span class="incomplete">onvolledig</span>' in html


@pytest.fixture
def colleague(welzijn):
    """A second director of tom-directeur's organisation (a deputy), editing at the same time."""
    from django.contrib.auth import get_user_model

    from partners.models import OrganisationRole

    user = get_user_model().objects.create_user("anna", first_name="Anna", last_name="de Vries")
    OrganisationRole.objects.create(organisation=welzijn, user=user,
                                    role=OrganisationRole.Role.DIRECTOR)
    return user


def _value(html: str, name: str) -> str:
    import re

    return re.search(rf'name="{name}"[^>]* value="([^"]*)"', html).group(1)


@pytest.mark.parametrize("choice, kept", [("hun", Decimal("700.00")), ("mijn", Decimal("1.00"))])
def test_a_save_refused_by_someone_elses_save_keeps_the_users_values_to_merge_and_save_again(
        client, draft, hoods, streams, users, colleague, choice, kept):
    """Never a dead end: the user's values stay, a cell only the other changed takes theirs,
    a cell both changed is shown side by side to choose, and saving again goes through."""
    a, b, c = (cell(h, streams[0]) for h in hoods[:3])
    director = users["tom-directeur"]
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[0], streams[0], Decimal("100.00")),
        services.LineInput(hoods[1], streams[0], Decimal("200.00"))],
        expected_version=draft.version, actor=director, reason="begin")
    loaded = draft.version
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[0], streams[0], Decimal("700.00")),
        services.LineInput(hoods[1], streams[0], Decimal("250.00"))],
        expected_version=loaded, actor=colleague, reason="collega")
    login(client, "tom-directeur")
    typed = {"version": loaded, f"a-{a}": "1,00", f"a-{b}": "200,00", f"a-{c}": "50",
             "reason": "mijn ronde"}
    response = client.post(url("budget_grid"), typed)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft deze begroting intussen opgeslagen" in html
    assert "Anna de Vries" in html and "€\xa0700,00" in html and "€\xa01,00" in html
    assert _value(html, f"a-{a}") == "1,00"  # mine, to choose
    assert _value(html, f"a-{b}") == "250,00"  # only Anna changed it: hers
    assert _value(html, f"a-{c}") == "50"  # only I changed it: mine
    assert _value(html, "reason") == "mijn ronde"
    version = int(_value(html, "version"))
    assert version == PartnerBudget.objects.get(pk=draft.pk).version
    assert BudgetLine.objects.get(budget=draft, neighbourhood=hoods[0]).amount == Decimal("700.00")

    again = {"version": version, f"a-{a}": "1,00", f"a-{b}": "250,00", f"a-{c}": "50",
             f"keuze-{a}": choice, f"t-a-{a}": _value(html, f"t-a-{a}"), "reason": "samengevoegd"}
    assert client.post(url("budget_grid"), again).status_code == 302
    amounts = dict(BudgetLine.objects.filter(budget=draft).values_list("neighbourhood", "amount"))
    assert amounts == {hoods[0].pk: kept, hoods[1].pk: Decimal("250.00"),
                       hoods[2].pk: Decimal("50.00")}


def test_upload_preview_then_confirm(client, draft, hoods, streams):
    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "2.500,10"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("begroting.xlsx", data)
    preview = client.post(url("budget_upload"), {"file": upload}, follow=True)
    html = preview.content.decode()
    assert preview.status_code == 200 and "€\xa02.500,10" in html
    assert not BudgetLine.objects.filter(budget=draft).exists()  # preview changes nothing
    token = client.session["budget_upload"]["token"]
    client.post(url("budget_upload_confirm"), {"token": token})
    assert BudgetLine.objects.get(budget=draft).amount == Decimal("2500.10")


def test_bad_upload_lists_errors_and_changes_nothing(client, draft, hoods, streams):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): -1,
                                        (hoods[1].code, streams[0].code): "x"})
    response = client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er zijn 2 fouten" in html and "rij" in html and "kolom Bedrag" in html
    assert not BudgetLine.objects.filter(budget=draft).exists()
    response = client.post(url("budget_upload"),
                           {"file": SimpleUploadedFile("b.xlsx", b"geen excel")})
    assert "Dit is geen geldig bestand" in response.content.decode()


def test_uploading_to_a_submitted_budget_is_refused_at_the_preview(client, draft, hoods,
                                                                    streams, users):
    """No preview of what confirming would refuse (as a command's --dry-run fails exactly
    when the real run would): the page says why and keeps nothing."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "2.500,10"})
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[0], streams[0], Decimal("100.00"))],
        expected_version=draft.version, actor=users["tom-directeur"], reason="test")
    services.budget_submit(budget=draft, actor=users["tom-directeur"])
    login(client, "tom-directeur")
    response = client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)},
                           follow=True)
    html = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Deze begroting kan niet meer worden gewijzigd."]
    assert "€\xa02.500,10" not in html and "budget_upload" not in client.session
    assert BudgetLine.objects.get(budget=draft).amount == Decimal("100.00")


def test_drafts_are_private_submitted_budgets_are_open(client, tom):
    draft_org = "tom-jeugd"  # tom-directeur2's draft in the demo
    submitted_org = "tom-ggz"
    login(client, "tom-directeur")
    assert client.get(url("budget_detail", org=draft_org)).status_code == 404
    assert client.get(url("budget_history", org=draft_org)).status_code == 404
    assert client.get(url("budget_detail", org=submitted_org)).status_code == 200
    login(client, "tom-bestuurslid")
    assert client.get(url("budget_detail", org=draft_org)).status_code == 200
    login(client, "heerlen-directeur")
    assert client.get(url("budget_detail", org=submitted_org)).status_code == 404


def test_director_cannot_open_another_partners_grid_by_code(client, draft):
    login(client, "tom-directeur")
    response = client.get(url("budget_grid") + "?org=tom-jeugd")
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    before = BudgetLine.objects.filter(budget__organisation__code="tom-jeugd").count()
    client.post(url("budget_grid"), {"org": "tom-jeugd", "version": 1})
    assert BudgetLine.objects.filter(budget__organisation__code="tom-jeugd").count() == before


def test_board_reopens_with_reason_director_cannot(client, tom, users):
    budget = tom.budget_rounds.get(year=2026).budgets.get(organisation__code="tom-ggz")
    login(client, "tom-directeur")
    client.post(url("budget_reopen", org="tom-ggz"), {"reason": "ik wil"})
    budget.refresh_from_db()
    assert budget.is_submitted
    login(client, "tom-bestuurslid")
    client.post(url("budget_reopen", org="tom-ggz"), {"reason": ""})
    budget.refresh_from_db()
    assert budget.is_submitted
    client.post(url("budget_reopen", org="tom-ggz"), {"reason": "bedrag Boskoop klopt niet"})
    budget.refresh_from_db()
    assert not budget.is_submitted
    history = client.get(url("budget_history", org="tom-ggz")).content.decode()
    assert "bedrag Boskoop klopt niet" in history and "Eva Smit" in history  # full name


def test_history_shows_line_changes_old_to_new(client, draft, hoods, streams, users):
    for amount in ("10.00", "12.50"):
        services.budget_line_set(budget=draft, neighbourhood=hoods[0], funding_stream=streams[0],
                                 amount=Decimal(amount), actor=users["tom-directeur"],
                                 reason=f"naar {amount}")
    login(client, "tom-directeur")
    html = client.get(url("budget_history", org="tom-welzijn")).content.decode()
    assert "€\xa010,00" in html and "€\xa012,50" in html and "naar 12.50" in html


def test_pooled_budget_shows_submitted_budgets_to_every_member(client, tom):
    login(client, "tom-directeur2")
    html = client.get(url("pooled")).content.decode()
    total = pooled_total(tom, 2026)
    from cooperatie.templatetags.money import euro

    assert euro(total) in html
    assert "Ridderveld" in html and "Alphen-Noord" in html
    by_stream = client.get(url("pooled") + "?per=stroom&gebied=NOORD").content.decode()
    assert "Wmo-ondersteuning" in by_stream and "Boskoop" not in by_stream


@pytest.mark.parametrize("name", ["pooled", "budget_round"])
def test_pages_use_a_constant_number_of_queries(client, db, name,
                                              django_assert_max_num_queries):
    login(client, "beheerder")
    for code in ("malberg", "heerlen"):  # 1 and 18 neighbourhoods, 11 and 10 partners
        # (3 of them count who has submitted, for the completeness line)
        with django_assert_max_num_queries(18):
            assert client.get(reverse(name, kwargs={"code": code})).status_code == 200


def test_grid_uses_a_constant_number_of_queries(client, db, django_assert_max_num_queries):
    for code in ("malberg", "heerlen"):
        login(client, f"{code}-directeur2")  # has a draft with lines in the demo
        # (with the board's reopen reason and last year's budget to start from)
        with django_assert_max_num_queries(18):
            response = client.get(reverse("budget_grid", kwargs={"code": code}))
        assert response.status_code == 200


def test_staff_change_between_preview_and_confirm_stops_the_upload(client, draft, hoods, streams,
                                                                   users, tom):
    """Commitments are part of the budget: changing them moves the version on."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partners.services import staff_commitment_create

    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "10,00"})
    client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)})
    token = client.session["budget_upload"]["token"]
    team = tom.teams.first()
    from cooperatie.models import Expertise

    staff_commitment_create(budget_round=draft.budget_round, organisation=draft.organisation,
                            team=team, expertise=Expertise.objects.first(), fte=Decimal("0.5"),
                            annual_cost=Decimal("60000.00"), actor=users["tom-directeur"],
                            reason="collega voegt inzet toe")
    response = client.post(url("budget_upload_confirm"), {"token": token}, follow=True)
    assert "intussen gewijzigd" in response.content.decode()
    assert not BudgetLine.objects.filter(budget=draft).exists()
    assert draft.organisation.staff_commitments.filter(budget_round=draft.budget_round).exists()


def test_saving_the_grid_unchanged_in_english_changes_nothing(client, tom, users):
    """The grid's inputs must read back as they were shown, whatever the language."""
    login(client, "tom-directeur2")  # a draft with lines in the demo
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url("budget_grid"))
    import re

    data = dict(re.findall(r'name="(a-\d+-\d+)" inputmode="decimal" size="11" value="([^"]*)"',
                           page.content.decode()))
    assert any(data.values())
    budget = tom.budget_rounds.get(year=2026).budgets.get(organisation__code="tom-jeugd")
    before = sorted(budget.lines.values_list("amount", flat=True))
    response = client.post(url("budget_grid"), {"version": budget.version, **data}, follow=True)
    assert response.status_code == 200
    assert sorted(budget.lines.values_list("amount", flat=True)) == before


def test_a_large_cooperative_shows_one_area_at_a_time(client, heerlen, settings, monkeypatch):
    """Above PAGE_NEIGHBOURHOODS the grid and the pooled budget page by area; saving one
    area's page leaves the other areas' lines alone."""
    from budgets import selectors

    monkeypatch.setattr(selectors, "PAGE_NEIGHBOURHOODS", 5)  # heerlen has 18
    login(client, "heerlen-directeur2")  # a draft with lines in every area
    grid = reverse("budget_grid", kwargs={"code": "heerlen"})
    page = client.get(grid).content.decode()
    first = heerlen.areas.order_by("name").first()
    other = heerlen.areas.exclude(pk=first.pk).first()
    assert f'name="gebied" value="{first.code}"' in page
    assert not any(h.name in page for h in other.neighbourhoods.all())
    budget = heerlen.budget_rounds.get(year=2026).budgets.get(organisation__code="hl-welzijn")
    others_before = sorted(budget.lines.filter(neighbourhood__area=other)
                           .values_list("amount", flat=True))
    hood = first.neighbourhoods.order_by("code").first()
    stream = heerlen.funding_streams.order_by("code").first()
    import re

    data = dict(re.findall(r'name="(a-\d+-\d+)" inputmode="decimal" size="11" value="([^"]*)"',
                           page))
    data[f"a-{hood.pk}-{stream.pk}"] = "777,00"
    client.post(grid, {"version": budget.version, "gebied": first.code, **data})
    assert budget.lines.get(neighbourhood=hood, funding_stream=stream).amount == Decimal("777.00")
    assert sorted(budget.lines.filter(neighbourhood__area=other)
                  .values_list("amount", flat=True)) == others_before
    pooled = client.get(reverse("pooled", kwargs={"code": "heerlen"})).content.decode()
    assert "Kies een gebied voor zijn buurten" in pooled and hood.name not in pooled
    drill = client.get(reverse("pooled", kwargs={"code": "heerlen"}) + f"?gebied={first.code}")
    assert hood.name in drill.content.decode()


def test_opening_the_grid_creates_no_draft_the_first_saved_change_does(client, round_2026,
                                                                       welzijn, hoods, streams,
                                                                       users):
    login(client, "tom-directeur")
    for name in ("budget_grid", "budget_template", "budget_upload"):
        assert client.get(url(name)).status_code == 200
    assert not PartnerBudget.objects.filter(budget_round=round_2026, organisation=welzijn).exists()
    assert "nog niet begonnen" in client.get(url("budget_grid")).content.decode()
    # a refused save and a save without changes leave no draft behind either
    client.post(url("budget_grid"), {"version": 1, f"a-{cell(hoods[0], streams[0])}": "1.000,5o"})
    client.post(url("budget_grid"), {"version": 1})
    assert not PartnerBudget.objects.filter(budget_round=round_2026, organisation=welzijn).exists()
    client.post(url("budget_grid"), {"version": 1, f"a-{cell(hoods[0], streams[0])}": "10,00",
                                     "reason": "eerste bedrag"})
    budget = PartnerBudget.objects.get(budget_round=round_2026, organisation=welzijn)
    assert budget.status == PartnerBudget.Status.DRAFT
    assert budget.lines.get().amount == Decimal("10.00")
    assert budget.history.earliest("history_date").history_user == users["tom-directeur"]


def _uploads(settings):
    folder = settings.DATA_DIR / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_preview_shows_the_formula_and_cancel_removes_the_upload(client, draft, hoods, streams,
                                                                 settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.budgets.xlsx import saved_results

    settings.DATA_DIR = tmp_path
    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): "=12*4500"})
    data = saved_results(data, "xl/worksheets/sheet1.xml", {"D2": 54000})
    preview = client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)},
                          follow=True)
    html = preview.content.decode()
    assert "=12*4500 →</span> €\xa054.000,00" in html
    assert f"{streams[0].name} <span class=\"muted\">{streams[0].code}</span>" in html
    assert len(_uploads(settings)) == 1
    token = client.session["budget_upload"]["token"]
    response = client.post(url("budget_upload_cancel"), {"token": token}, follow=True)
    assert "geannuleerd" in response.content.decode()
    assert _uploads(settings) == []
    response = client.post(url("budget_upload_confirm"), {"token": token}, follow=True)
    assert "verlopen" in response.content.decode()
    assert not BudgetLine.objects.filter(budget=draft).exists()


def test_confirm_removes_the_upload_and_an_old_preview_has_expired(client, draft, hoods,
                                                                   streams, settings, tmp_path):
    import os
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_DIR = tmp_path
    login(client, "tom-directeur")
    data = fill(template_bytes(draft), {(hoods[0].code, streams[0].code): 10})
    client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", data)})
    token = client.session["budget_upload"]["token"]
    client.post(url("budget_upload_confirm"), {"token": token})
    assert _uploads(settings) == []
    assert BudgetLine.objects.get(budget=draft).amount == Decimal("10.00")
    client.post(url("budget_upload"), {"file": SimpleUploadedFile("b.xlsx", fill(
        template_bytes(draft), {(hoods[0].code, streams[0].code): 20}))})
    (name,) = _uploads(settings)
    past = time.time() - settings.UPLOAD_PREVIEW_HOURS * 3600 - 1
    os.utime(tmp_path / "uploads" / name, (past, past))
    response = client.post(url("budget_upload_confirm"),
                           {"token": client.session["budget_upload"]["token"]}, follow=True)
    assert "verlopen" in response.content.decode()
    assert BudgetLine.objects.get(budget=draft).amount == Decimal("10.00")
    assert _uploads(settings) == []


def test_submitting_shows_the_summary_first_and_submits_only_that_version(
        client, draft, hoods, streams, users, tom):
    from cooperatie.models import Expertise
    from partners.models import StaffCommitment
    from partners.services import staff_commitment_create

    director = users["tom-directeur"]
    services.budget_lines_save(budget=draft, rows=[
        services.LineInput(hoods[0], streams[0], Decimal("1000.00")),
        services.LineInput(hoods[1], streams[0], Decimal("500.50")),
        services.LineInput(hoods[0], streams[1], Decimal("250.00"))],
        expected_version=draft.version, actor=director, reason="begin")
    team = tom.teams.order_by("code").first()
    staff_commitment_create(budget_round=draft.budget_round, organisation=draft.organisation,
                            team=team, expertise=Expertise.objects.order_by("pk").first(),
                            fte=Decimal("0.5"), annual_cost=Decimal("70000.00"),
                            actor=director, reason="inzet")
    assert StaffCommitment.objects.filter(organisation=draft.organisation).count() == 1
    draft.refresh_from_db()
    login(client, "tom-directeur")
    page = client.get(url("budget_submit"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"<th scope=\"row\">{streams[0].name}</th><td class=\"num\">2</td><td class=\"num\">€\xa01.500,50</td>" in html
    assert f"<th scope=\"row\">{streams[1].name}</th><td class=\"num\">1</td><td class=\"num\">€\xa0250,00</td>" in html
    assert "<td class=\"num\">3</td><td class=\"num\">€\xa01.750,50</td>" in html  # total
    assert "1 afspraak, samen 0,50 fte over het jaar, met een waarde in natura van €\xa035.000,00" in html
    assert "alleen-lezen en wordt zij geboekt in het gedeelde grootboek" in html
    draft.refresh_from_db()
    assert draft.status == PartnerBudget.Status.DRAFT  # the summary submitted nothing
    # someone changes the budget after the summary was shown: that summary submits nothing
    services.budget_line_set(budget=draft, neighbourhood=hoods[2], funding_stream=streams[0],
                             amount=Decimal("9.00"), actor=director, reason="ander venster")
    response = client.post(url("budget_submit"), {"version": draft.version - 1}, follow=True)
    assert "gewijzigd sinds u deze samenvatting opende" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == PartnerBudget.Status.DRAFT
    client.post(url("budget_submit"), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == PartnerBudget.Status.SUBMITTED


def test_save_and_submit_saves_what_is_typed_then_shows_the_summary(client, round_2026, welzijn,
                                                                   hoods, streams):
    login(client, "tom-directeur")
    response = client.post(url("budget_grid"), {
        "version": 1, f"a-{cell(hoods[0], streams[0])}": "99.999,99", "action": "submit"})
    assert response.status_code == 302 and "/indienen/" in response["Location"]
    budget = PartnerBudget.objects.get(budget_round=round_2026, organisation=welzijn)
    assert budget.lines.get().amount == Decimal("99999.99") and not budget.is_submitted
    assert "€\xa099.999,99" in client.get(response["Location"]).content.decode()


def test_the_boards_reason_for_reopening_shows_to_the_director_until_submitted_again(
        client, draft, hoods, streams, users):
    director, chair = users["tom-directeur"], users["tom-voorzitter"]
    services.budget_line_set(budget=draft, neighbourhood=hoods[0], funding_stream=streams[0],
                             amount=Decimal("10.00"), actor=director, reason="begin")
    services.budget_submit(budget=draft, actor=director)
    login(client, "tom-directeur")
    assert "heropend" not in client.get(url("budget_grid")).content.decode()
    services.budget_reopen(budget=draft, actor=chair, reason="Jeugdhulp in Boskoop ontbreekt.")
    services.budget_line_set(budget=draft, neighbourhood=hoods[1], funding_stream=streams[0],
                             amount=Decimal("20.00"), actor=director, reason="aangevuld")
    for page in (client.get(url("budget_grid")), client.get(reverse("cooperative_home",
                                                                    kwargs={"code": "tom"}))):
        html = page.content.decode()
        assert "heeft deze begroting op" in html and "heropend" in html
        assert "Jeugdhulp in Boskoop ontbreekt." in html and chair.get_full_name() in html
    draft.refresh_from_db()
    services.budget_submit(budget=draft, actor=director)
    assert "Jeugdhulp in Boskoop ontbreekt." not in client.get(url("budget_grid")).content.decode()
    assert "Jeugdhulp in Boskoop ontbreekt." not in client.get(
        reverse("cooperative_home", kwargs={"code": "tom"})).content.decode()


def test_pooled_budget_says_who_has_not_submitted_and_marks_the_comparison_provisional(
        client, heerlen):
    login(client, "heerlen-voorzitter")
    html = client.get(reverse("pooled", kwargs={"code": "heerlen"})).content.decode()
    assert "2026: 8 van 10 ingediend</strong>, de cijfers zijn voorlopig." in html
    assert "Nog niet ingediend: Welzijn Heerlen Samen, Zorggroep Parkstad Zuid." in html
    assert "2025: alle 10 partners hebben hun begroting ingediend." in html
    assert html.count('<span class="provisional-mark">voorlopig</span>') == 2  # Verschil, %
    dashboard = client.get(reverse("cooperative_home", kwargs={"code": "heerlen"}))
    assert "2026: 8 van 10 ingediend" in dashboard.content.decode()
    complete = client.get(reverse("pooled", kwargs={"code": "heerlen"}) + "?jaar=2025")
    assert "provisional-mark" not in complete.content.decode()


def test_closing_a_round_and_reopening_a_budget_say_what_follows_before_they_happen(
        client, heerlen):
    """Both ask first (site.js shows data-confirm): closing names who has not submitted."""
    login(client, "heerlen-voorzitter")
    html = client.get(reverse("budget_round", kwargs={"code": "heerlen"})).content.decode()
    assert ('data-confirm="Ronde 2026 sluiten? Daarna kan niemand een begroting voor 2026 nog '
            'wijzigen, indienen of heropenen (tot het bestuur de ronde weer opent). Nu zijn 8 '
            'van 10 begrotingen ingediend; nog niet: Welzijn Heerlen Samen, Zorggroep Parkstad '
            'Zuid."') in html
    detail = client.get(reverse("budget_detail", kwargs={"code": "heerlen", "org": "hl-ggzmijn"}))
    assert 'data-confirm="De begroting 2026 van ' in detail.content.decode()


def test_a_reopened_budget_counts_as_not_submitted(heerlen, users):
    from budgets.selectors import completeness

    budget = PartnerBudget.objects.filter(budget_round__cooperative=heerlen,
                                          budget_round__year=2026,
                                          status=PartnerBudget.Status.SUBMITTED).first()
    services.budget_reopen(budget=budget, actor=users["heerlen-voorzitter"], reason="nakijken")
    found = completeness(heerlen, 2026)
    assert (found.submitted, found.members) == (7, 10) and budget.organisation in found.missing
    assert not found.complete and str(found).startswith("7 van 10 ingediend; nog niet: ")


def test_start_from_last_years_submitted_budget_previewed_like_an_upload(client, round_2026,
                                                                        welzijn):
    """Copy, then change: last year's lines through the upload's preview and confirmation."""
    last_year = PartnerBudget.objects.get(budget_round__cooperative=round_2026.cooperative,
                                          budget_round__year=2025, organisation=welzijn)
    assert last_year.is_submitted and last_year.lines.count() > 3
    login(client, "tom-directeur")
    grid = client.get(url("budget_grid")).content.decode()
    assert "Begroting 2025 overnemen…" in grid
    preview = client.post(url("budget_from_last_year"), {"jaar": 2026}, follow=True)
    html = preview.content.decode()
    assert preview.status_code == 200 and "Controleer de wijzigingen" in html
    assert "Uw ingediende begroting van 2025 als begin" in html
    assert f"Het bestand wijzigt {last_year.lines.count()} begrotingsregels" in html
    assert not PartnerBudget.objects.filter(budget_round=round_2026, organisation=welzijn).exists()
    token = client.session["budget_upload"]["token"]
    client.post(url("budget_upload_confirm"), {"token": token, "jaar": 2026})
    budget = PartnerBudget.objects.get(budget_round=round_2026, organisation=welzijn)
    copied = {(ln.neighbourhood_id, ln.funding_stream_id): (ln.amount, ln.note)
              for ln in budget.lines.all()}
    assert copied == {(ln.neighbourhood_id, ln.funding_stream_id): (ln.amount, ln.note)
                      for ln in last_year.lines.all()}
    assert budget.status == PartnerBudget.Status.DRAFT  # then change, then submit


def test_start_from_last_year_needs_a_submitted_budget(client, heerlen):
    login(client, "heerlen-directeur")  # Zorggroep Parkstad Zuid submitted 2025: offered
    assert "Begroting 2025 overnemen…" in client.get(
        reverse("budget_grid", kwargs={"code": "heerlen"})).content.decode()
    login(client, "tom-voorzitter")  # no director: refused like the grid
    assert client.post(url("budget_from_last_year"), {"jaar": 2026}).status_code == 403
