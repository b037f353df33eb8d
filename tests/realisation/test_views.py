from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgets import ledger
from budgets.models import LedgerEntry
from budgets.realisation import services
from budgets.realisation.models import PartnerRealisation, RealisationLine
from tests.conftest import login

from .conftest import REASON, line, save
from .xlsx import fill, template_bytes


def url(name, **kw):
    return reverse(f"realisation:{name}", kwargs={"code": "tom", **kw})


def cell(hood, stream):
    return f"{hood.pk}-{stream.pk}"


def q(period, org=None):
    return f"?jaar=2027&periode={period.code}" + (f"&org={org.code}" if org else "")


def test_director_enters_and_submits_a_month_on_screen(client, opened, budget_2027, welzijn,
                                                        hoods, streams):
    jan = opened[0]
    login(client, "tom-directeur")
    page = client.get(url("grid") + q(jan))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Realisatie Welzijn Rijnstreek januari 2027" in html
    # the budget and the budget to date beside the cell: € 12.000, 1/12 of it through January
    assert "begr. 12.000,00 · t/m 1.000,00" in html
    data = {"version": 0, "jaar": 2027, "periode": jan.code, "org": welzijn.code,
            f"a-{cell(hoods[0], streams[0])}": "1.100,00",
            f"n-{cell(hoods[0], streams[0])}": "extra inzet", "action": "submit"}
    response = client.post(url("grid"), data, follow=True)
    html = response.content.decode()
    assert "Opgeslagen: 1 wijziging(en)." in html and "is ingediend" in html
    realisation = PartnerRealisation.objects.get(period=jan, organisation=welzijn)
    assert realisation.is_submitted
    assert ledger.balance(LedgerEntry.objects.filter(period=jan)) == Decimal("1100.00")
    assert 'name="version"' not in client.get(url("grid") + q(jan)).content.decode()


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, opened, welzijn, hoods,
                                                          streams):
    jan = opened[0]
    login(client, "tom-directeur")
    data = {"version": 0, "jaar": 2027, "periode": jan.code, "org": welzijn.code,
            f"a-{cell(hoods[0], streams[0])}": "100",
            f"a-{cell(hoods[1], streams[0])}": "honderd",
            f"a-{cell(hoods[2], streams[0])}": "-50,00"}
    response = client.post(url("grid"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{hoods[1].name}, {streams[0].name}: &#x27;honderd&#x27; is geen bedrag." in html
    assert "vraagt een toelichting" in html
    assert 'value="honderd"' in html and 'value="-50,00"' in html
    assert not PartnerRealisation.objects.filter(period=jan).exists()


def test_a_stale_save_is_refused(client, opened, welzijn, hoods, streams, users):
    jan = opened[0]
    login(client, "tom-directeur")
    save(jan, welzijn, [line(hoods[0], streams[0], "700.00")], users["tom-directeur"])
    response = client.post(url("grid"), {
        "version": 0, "jaar": 2027, "periode": jan.code, "org": welzijn.code,
        f"a-{cell(hoods[0], streams[0])}": "1,00"})
    assert response.status_code == 409
    assert "intussen door iemand anders gewijzigd" in response.content.decode()
    assert RealisationLine.objects.get(realisation__period=jan).amount == Decimal("700.00")


def test_upload_preview_then_confirm(client, opened, welzijn, hoods, streams):
    jan = opened[0]
    login(client, "tom-directeur")
    template = client.get(url("template") + q(jan))
    assert template.status_code == 200
    data = fill(template.getvalue(), {(hoods[0].code, streams[0].code): "2.500,10",
                                      (hoods[1].code, streams[0].code): -40},
                notes={(hoods[1].code, streams[0].code): "terugbetaling"})
    preview = client.post(url("upload") + q(jan), {
        "file": SimpleUploadedFile("realisatie.xlsx", data), "jaar": 2027,
        "periode": jan.code, "org": welzijn.code})
    html = preview.content.decode()
    assert preview.status_code == 200 and "Controleer de wijzigingen" in html
    assert "€\xa02.500,10" in html and "€\xa0-40,00" in html
    assert not RealisationLine.objects.filter(realisation__period=jan).exists()
    token = preview.context["token"]
    done = client.post(url("upload_confirm"), {"token": token, "jaar": 2027,
                                               "periode": jan.code, "org": welzijn.code},
                       follow=True)
    assert "Ingelezen: 2 wijziging(en)." in done.content.decode()
    assert sorted(RealisationLine.objects.filter(realisation__period=jan)
                  .values_list("amount", flat=True)) == [
        Decimal("-40.00"), Decimal("2500.10")]


def test_a_bad_upload_is_refused_whole_with_every_error_named(client, opened, welzijn, hoods,
                                                              streams):
    jan = opened[0]
    login(client, "tom-directeur")
    data = fill(template_bytes(jan, welzijn), {(hoods[0].code, streams[0].code): "twaalf",
                                               (hoods[1].code, streams[0].code): "1,234"},
                extra_rows=[("BU999", "Nergens", streams[0].code, jan.code, 5, None),
                            (hoods[2].code, "", streams[0].code, "2027-13", 5, None)])
    response = client.post(url("upload") + q(jan), {
        "file": SimpleUploadedFile("r.xlsx", data), "jaar": 2027, "periode": jan.code,
        "org": welzijn.code})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert "Blad Realisatie, rij 2, kolom Bedrag: 'twaalf' is geen bedrag." in errors
    assert any("kolom Bedrag: Een bedrag heeft hoogstens 2 decimalen (1,234)" in e
               for e in errors)
    assert any("kolom Buurtcode: onbekende buurtcode 'BU999'" in e for e in errors)
    assert any("kolom Periode: onbekende periode '2027-13'" in e for e in errors)
    assert not PartnerRealisation.objects.filter(period=jan).exists()


def test_a_correction_on_screen_after_closing(client, opened, welzijn, hoods, streams, users):
    jan, feb = opened[:2]
    save(jan, welzijn, [line(hoods[0], streams[0], "1000.00")], users["tom-directeur"])
    services.realisation_submit(period=jan, organisation=welzijn, actor=users["tom-directeur"])
    services.period_close(period=jan, actor=users["tom-voorzitter"], reason=REASON)
    login(client, "tom-directeur")
    grid = client.get(url("grid") + q(jan)).content.decode()
    assert "Een correctie boeken" in grid and 'name="version"' not in grid
    page = client.get(url("correct") + q(jan))
    assert "tegenboeking" in page.content.decode()
    version = PartnerRealisation.objects.get(period=jan).version
    base = {"version": version, "jaar": 2027, "periode": jan.code, "org": welzijn.code,
            f"a-{cell(hoods[0], streams[0])}": "900,00", "booking": feb.code}
    refused = client.post(url("correct"), {**base, "reason": ""})
    assert refused.status_code == 400 and "reden" in refused.content.decode().lower()
    done = client.post(url("correct"), {**base, "reason": "creditnota leverancier"},
                       follow=True)
    html = done.content.decode()
    assert "geboekt in februari 2027: een tegenboeking en een nieuwe boeking" in html
    assert "tegenboeking" in html and "creditnota leverancier" in html  # the postings table
    assert ledger.balance(LedgerEntry.objects.filter(period=jan)) == Decimal("1000.00")
    assert ledger.balance(LedgerEntry.objects.filter(period=feb)) == Decimal("-100.00")


def test_drafts_are_for_their_own_organisation_the_board_and_finance(client, opened, welzijn,
                                                                     hoods, streams, users):
    jan = opened[0]
    save(jan, welzijn, [line(hoods[0], streams[0], "10.00")], users["tom-directeur"])
    detail = url("detail", org=welzijn.code) + q(jan)
    for username, status in (("tom-directeur2", 404), ("tom-bestuurslid", 200),
                             ("tom-financien", 200), ("tom-directeur", 200)):
        assert login(client, username).get(detail).status_code == status, username
    services.realisation_submit(period=jan, organisation=welzijn, actor=users["tom-directeur"])
    assert login(client, "tom-directeur2").get(detail).status_code == 200  # open kaart
    assert login(client, "heerlen-voorzitter").get(detail).status_code == 404


def test_the_board_sees_budget_against_actual_with_forecast_warning_and_charts(
        client, opened, budget_2027, welzijn, hoods, streams, users):
    jan, feb = opened[:2]
    director = users["tom-directeur"]
    for period, amount in ((jan, "1500.00"), (feb, "1300.00")):
        save(period, welzijn, [line(hoods[0], streams[0], amount)], director)
        services.realisation_submit(period=period, organisation=welzijn, actor=director)
    login(client, "tom-voorzitter")
    response = client.get(reverse("realisation:overview", kwargs={"code": "tom"})
                          + "?jaar=2027&tm=2027-02&per=partner")
    assert response.status_code == 200
    overview = response.context["overview"]
    row = next(r for r in overview.rows if r.code == welzijn.code)
    # budget € 24.000; to date 2/12 = € 4.000; actual € 2.800; forecast 2.800 + 1.400 × 10
    assert (row.budget, row.to_date, row.actual, row.forecast) == (
        Decimal("24000.00"), Decimal("4000.00"), Decimal("2800.00"), Decimal("16800.00"))
    assert not row.warning
    html = response.content.decode()
    assert "<svg" in html and "Begroting en realisatie, cumulatief per periode" in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    by_hood = client.get(reverse("realisation:overview", kwargs={"code": "tom"})
                         + "?jaar=2027&tm=2027-02&per=buurt").context["overview"]
    flagged = next(r for r in by_hood.rows if r.code == hoods[0].code)
    # € 12.000 budgeted there: € 2.000 to date against € 2.800 spent, 40 % over
    assert flagged.warning and flagged.difference_percent == Decimal("40.0")
    assert "Buurt Ridderveld: 40,0 % boven de begroting tot nu toe." in html
    # One area's page warns of the neighbourhoods of that area (its cost is the area's).
    path = reverse("realisation:overview", kwargs={"code": "tom"}) + "?jaar=2027&tm=2027-02"
    own = client.get(f"{path}&per=buurt&gebied={hoods[0].area.code}").content.decode()
    other = hoods[0].cooperative.areas.exclude(pk=hoods[0].area_id).first()
    elsewhere = client.get(f"{path}&per=buurt&gebied={other.code}").content.decode()
    assert "Buurt Ridderveld: 40,0 % boven de begroting tot nu toe." in own
    assert "Buurt Ridderveld" not in elsewhere
    panel = elsewhere.split('id="signalen"')[1].split("</div>")[0]
    assert f"Financieringsstroom {streams[0].name}: 40,0 % boven" in panel  # all of them


def test_budget_against_actual_makes_the_same_number_of_queries_whatever_the_size(
        client, django_assert_max_num_queries, heerlen, tom, users):
    """Heerlen has three times tom's neighbourhoods and more partners: same query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budgets import services as budget_services

    counts = {}
    for coop in (tom, heerlen):
        rnd = budget_services.budget_round_open(cooperative=coop, year=2028,
                                                actor=users[f"{coop.code}-voorzitter"],
                                                reason=REASON)
        periods = services.periods_plan(budget_round=rnd, kind="month",
                                        actor=users[f"{coop.code}-voorzitter"], reason=REASON)
        for p in periods[:3 if coop == tom else 9]:
            services.period_open(period=p, actor=users[f"{coop.code}-voorzitter"], reason=REASON)
        login(client, f"{coop.code}-voorzitter")
        for per in ("partner", "buurt", "gebied", "stroom"):
            path = reverse("realisation:overview", kwargs={"code": coop.code})
            client.get(f"{path}?jaar=2028&per={per}")  # warm the session and caches
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"{path}?jaar=2028&per={per}").status_code == 200
            counts[coop.code, per] = len(captured)
    for per in ("partner", "buurt", "gebied", "stroom"):
        assert counts["tom", per] == counts["heerlen", per], per
    with django_assert_max_num_queries(40):
        client.get(reverse("realisation:overview", kwargs={"code": "heerlen"}) + "?jaar=2028")


def test_another_cooperatives_realisation_pages_are_not_found(client, opened):
    login(client, "heerlen-directeur")
    for name in ("index", "grid", "overview"):
        assert client.get(url(name) + "?jaar=2027").status_code == 404


def test_the_budget_to_date_follows_the_monthly_distribution(client, opened, budget_2027, tom,
                                                           users):
    percentages = ["8.5"] * 6 + ["6.5", "6"] + ["8.5"] * 3 + ["11"]
    services.realisation_settings_save(cooperative=tom, period_kind="month",
                                       warning_percent=Decimal("10"),
                                       budget_to_date="distribution",
                                       monthly_percentages=percentages,
                                       actor=users["tom-financien"], reason=REASON)
    login(client, "tom-voorzitter")
    overview = client.get(reverse("realisation:overview", kwargs={"code": "tom"})
                          + "?jaar=2027&tm=2027-02").context["overview"]
    # € 24.000 × (8,5 % + 8,5 %)
    assert overview.total.to_date == Decimal("4080.00")
    assert "maandverdeling" in overview.basis


def test_settings_page_refuses_a_distribution_that_does_not_add_up(client, tom):
    login(client, "tom-financien")
    data = {"period_kind": "month", "warning_percent": "12,5", "budget_to_date": "distribution",
            **{f"m{i}": "8" for i in range(1, 13)}}
    refused = client.post(url("settings"), data)
    assert refused.status_code == 400
    assert "tellen op tot 96 in plaats van 100" in refused.content.decode()
    data["m12"] = "12"
    assert client.post(url("settings"), data).status_code == 302
    saved = services.realisation_settings_get(tom)
    assert saved.warning_percent == Decimal("12.5") and sum(saved.distribution) == 100
    assert login(client, "tom-directeur").get(url("settings")).status_code == 404


def test_budget_against_actual_says_how_many_budgets_it_is_built_on_and_closing_asks(
        client, opened, budget_2027, welzijn):
    """The budget side is the submitted budgets: the overview says how many are in; closing a
    period and submitting one say what follows before they happen (site.js asks)."""
    login(client, "tom-voorzitter")
    html = client.get(url("overview") + "?jaar=2027").content.decode()
    assert "2027: 1 van 8 ingediend</strong>, de cijfers zijn voorlopig." in html
    assert "Nog niet ingediend: " in html and welzijn.name not in html.split(
        "Nog niet ingediend: ")[1].split("</p>")[0]
    index = client.get(url("index") + "?jaar=2027").content.decode()
    assert ('data-confirm="januari 2027 sluiten? Daarna ligt de periode vast; een correctie '
            'wordt in een open periode geboekt. 8 partners hebben nog niet ingediend; dat telt '
            'dan niet mee."') in index
    login(client, "tom-directeur")
    grid = client.get(url("grid") + q(opened[0])).content.decode()
    assert 'data-confirm="januari 2027 indienen? Wat hierboven staat wordt opgeslagen' in grid
