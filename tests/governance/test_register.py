"""The register: filters (year, kind, outcome) and search, with a clear message for a filter
that makes no sense; a printable decision (one A4: number, date, text, tally, reasons); the
`decisions` workbook (number, date, kind, subject, tally, proxies, reasons, documents with
checksums), every total stored with its value and checked."""

import hashlib
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperatie.governance import services
from cooperatie.governance.models import Decision
from tests.conftest import login

from . import files

CHAIR, TREASURER, MEMBER = "tom-voorzitter", "tom-penningmeester", "tom-bestuurslid"


@pytest.fixture
def general_decision(tom, users):
    """A general decision with a PDF, adopted with one vote by proxy, with reasons."""
    def make(title="Toelating van Buurtzorg Zuid als lid", outcome="for"):
        draft = services.proposal_draft(cooperative=tom, title=title,
                                        text="Het bestuur laat Buurtzorg Zuid toe.",
                                        actor=users[CHAIR])
        services.document_attach(proposal=draft, data=files.PDF, filename="Statuten.pdf",
                                  actor=users[CHAIR])
        proposal = services.proposal_open(proposal=draft, actor=users[CHAIR])
        services.proxy_grant(cooperative=tom, grantor=users[MEMBER], holder=users[CHAIR],
                             proposal=proposal, data=files.PDF, filename="machtiging.pdf",
                             actor=users[MEMBER])
        services.vote_cast(proposal=proposal, actor=users[CHAIR], choice=outcome,
                           on_behalf_of=users[MEMBER])
        services.vote_cast(proposal=proposal, actor=users[CHAIR], choice=outcome)
        return services.proposal_close(proposal=proposal, actor=users[CHAIR],
                                       reasons="Past in het jaarplan.")
    return make


def _register(client, **query):
    response = client.get(reverse("decision_register", kwargs={"code": "tom"}), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_register_filters_by_year_kind_and_outcome_and_searches(client, general_decision):
    adopted = general_decision()
    rejected = general_decision(title="Nieuwe huisstijl", outcome="against")
    allocation = Decision.objects.filter(cooperative=adopted.cooperative,
                                         proposal__kind="allocation").first()
    assert adopted.adopted and not rejected.adopted and allocation is not None
    login(client, TREASURER)
    everything = _register(client)
    assert all(d.number in everything for d in (adopted, rejected, allocation))
    general = _register(client, soort="general")
    assert adopted.number in general and rejected.number in general
    assert allocation.number not in general and "2 besluiten gevonden." in general
    only = _register(client, soort="general", uitkomst="rejected")
    assert rejected.number in only and adopted.number not in only
    assert _register(client, zoek="buurtzorg ZUID").count("Toelating van Buurtzorg Zuid") == 1
    assert adopted.number not in _register(client, zoek="huisstijl")
    found = _register(client, zoek="jaarplan")  # in the reasons
    assert adopted.number in found and allocation.number not in found
    assert adopted.number in _register(client, jaar=str(adopted.year))
    nothing = _register(client, zoek="bestaat-niet")
    assert "0 besluiten gevonden." in nothing and "Alle besluiten" in nothing


def test_a_filter_that_makes_no_sense_is_named_and_left_out(client, general_decision):
    adopted = general_decision()
    login(client, TREASURER)
    page = _register(client, jaar="twintig", soort="fusie", uitkomst="misschien")
    assert "Er zijn geen besluiten in het jaar “twintig”; alle jaren getoond." in page
    assert "Onbekende soort “fusie”; alle soorten getoond." in page
    assert "Onbekende uitkomst “misschien”; alle uitkomsten getoond." in page
    assert adopted.number in page
    assert "geen besluiten in het jaar “1999”" in _register(client, jaar="1999")


def test_the_printable_decision(client, general_decision, proposed, users):
    decision = general_decision()
    login(client, TREASURER)
    url = reverse("governance:decision_print", kwargs={"code": "tom", "pk": decision.proposal_id})
    page = client.get(url).content.decode()
    for text in (f"Besluit {decision.number}: aangenomen", decision.decided_on.strftime("%d-%m-%Y"),
                 "Het bestuur laat Buurtzorg Zuid toe.", "Past in het jaarplan.",
                 hashlib.sha256(files.PDF).hexdigest(), "governance.css"):
        assert text in page, text
    assert "<td>2</td>" in page and "<td>1</td>" in page  # 2 for, 1 of them by proxy
    open_one, _ = proposed()
    assert client.get(reverse("governance:decision_print", kwargs={
        "code": "tom", "pk": open_one.pk})).status_code == 404  # no decision yet
    other = Decision.objects.exclude(cooperative__code="tom").first()  # another cooperative's
    assert other is not None and client.get(reverse("governance:decision_print", kwargs={
        "code": "tom", "pk": other.proposal_id})).status_code == 404


def test_the_decisions_workbook(general_decision, tom, tmp_path):
    decision = general_decision()
    general_decision(title="Nieuwe huisstijl", outcome="against")
    path = tmp_path / "besluiten.xlsx"
    call_command("export_report", "decisions", cooperative="tom", year=decision.year,
                 output=str(path))
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    sheet = values["Besluiten"]
    rows = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    header = [c.value for c in sheet[3]]
    by_number = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    row = by_number[decision.number]
    assert row["Soort"] == "algemeen besluit" and row["Uitkomst"] == "aangenomen"
    assert row["Onderwerp"] == "Toelating van Buurtzorg Zuid als lid"
    assert (row["Voor"], row["Tegen"], row["Bij volmacht"], row["Bijlagen"]) == (2, 0, 1, 1)
    assert row["Overwegingen"] == "Past in het jaarplan." and row["Quorum gehaald"] == "ja"
    assert row["Datum"].date() == decision.decided_on
    recorded = Decision.objects.filter(cooperative=tom, year=decision.year)
    total = by_number["Totaal"]
    assert total["Voor"] == sum(d.votes_for for d in recorded)
    assert total["Bij volmacht"] == sum(d.votes_by_proxy for d in recorded) >= 2
    for ws in formulas.worksheets:  # every formula is stored with the value it computes
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    shown = values[ws.title][cell.coordinate].value
                    assert shown is not None, f"{ws.title}!{cell.coordinate}"
    column = header.index("Voor") + 1
    last = len(rows) + 2
    letter = openpyxl.utils.get_column_letter(column)
    assert formulas["Besluiten"].cell(last + 1, column).value == f"=SUM({letter}4:{letter}{last})"
    documents = [r for r in values["Bijlagen"].iter_rows(min_row=4, values_only=True)
                 if r[0] == decision.number]
    assert documents == [(decision.number, "Statuten.pdf", "PDF", len(files.PDF),
                          hashlib.sha256(files.PDF).hexdigest(), documents[0][5])]
    votes = [r for r in values["Stemmen"].iter_rows(min_row=4, values_only=True)
             if r[0] == decision.number]
    assert sorted(r[4] for r in votes) == sorted(
        [f"{decision.closed_by.get_full_name()}, bij volmacht", "zelf"])
    assert Decimal(total["Bijlagen"]) >= 2
