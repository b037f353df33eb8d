"""The pages of the targets per year: a draft lists every indicator with its target now;
bad input comes back in Dutch with what was typed, nothing saved; putting it to the board
asks first (data-confirm) and leads to the proposal; the register and the printed decision
name the kind with old → new."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperatie.evaluation import targets
from cooperatie.evaluation.models import Indicator, TargetSet
from cooperatie.governance import services as governance
from cooperatie.governance.models import Proposal
from tests.conftest import login

YEAR = 2027


def url(name, code="tom", **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"code": code, **kwargs})


def html(response):
    return response.content.decode()


@pytest.fixture
def draft(tom, users):
    return targets.target_set_draft(cooperative=tom, year=YEAR,
                                    actor=users["tom-penningmeester"])


def test_a_draft_is_started_for_a_year_and_lists_every_indicator(client, tom, users):
    login(client, "tom-penningmeester")
    page = html(client.get(url("target_sets")))
    assert "Streefwaarden per jaar" in page and "Concept opstellen" in page
    assert "Vastgestelde streefwaarden" in page and "2026" in page  # the demo's decision
    response = client.post(url("target_sets"), {"year": str(YEAR)})
    target_set = TargetSet.objects.get(cooperative=tom, year=YEAR)
    assert response.status_code == 302 and response.url == url("target_set", pk=target_set.pk)
    page = html(client.get(response.url))
    for indicator in Indicator.objects.filter(cooperative=tom):
        assert f'name="t-{indicator.pk}"' in page, indicator.code
    assert "≥\u00a08,0" in page and "≤\u00a05,0" in page  # the targets in force beside them
    again = client.post(url("target_sets"), {"year": str(YEAR)})
    assert again.status_code == 400 and "al in voorbereiding" in html(again)
    assert client.post(url("target_sets"), {"year": "volgend jaar"}).status_code == 400


def test_bad_input_comes_back_with_what_was_typed_and_nothing_is_saved(client, tom, draft):
    satisfaction = Indicator.objects.get(cooperative=tom, code="TEVREDEN")
    reach = Indicator.objects.get(cooperative=tom, code="BEREIK")
    login(client, "tom-penningmeester")
    response = client.post(url("target_set", pk=draft.pk), {
        f"t-{satisfaction.pk}": "12,5%", f"t-{reach.pk}": "hoger", "note": "x"})
    page = html(response)
    assert response.status_code == 400 and "Er is niets opgeslagen" in page
    assert "Cliënttevredenheid: “12,5%” is een percentage" in page
    assert "Beschikbaarheid en bereikbaarheid: “hoger” is geen getal" in page
    assert 'value="12,5%"' in page and 'value="hoger"' in page  # kept as typed
    assert not draft.lines.exists()
    ok = client.post(url("target_set", pk=draft.pk), {f"t-{satisfaction.pk}": "8,4"})
    assert ok.status_code == 302
    page = html(client.get(url("target_set", pk=draft.pk)))
    assert 'value="8,4"' in page and "≥\u00a08,0" in page and "≥\u00a08,4" in page


def test_putting_it_to_the_board_asks_first_then_freezes_it(client, tom, users, draft):
    satisfaction = Indicator.objects.get(cooperative=tom, code="TEVREDEN")
    targets.target_set_save(target_set=draft, actor=users["tom-penningmeester"],
                            entries={satisfaction.pk: "8,4"})
    login(client, "tom-penningmeester")
    page = html(client.get(url("target_set", pk=draft.pk)))
    form = re.search(r'<form[^>]*action="[^"]*/voorleggen/"[^>]*>', page).group(0)
    assert "data-confirm=" in form and "voorleggen aan het bestuur?" in form
    digest = re.search(r'name="digest" value="([0-9a-f]+)"', page).group(1)
    assert client.get(url("target_set_propose", pk=draft.pk)).status_code == 405  # no GET write
    response = client.post(url("target_set_propose", pk=draft.pk), {"digest": digest,
                                                                     "deadline": ""})
    proposal = Proposal.objects.get(target_set=draft)
    assert response.status_code == 302 and response.url == reverse(
        "governance:proposal", kwargs={"code": "tom", "pk": proposal.pk})
    shown = html(client.get(response.url))
    assert "streefwaarden van de indicatoren" in shown and 'id="streefwaarden"' in shown
    assert "≥\u00a08,0" in shown and "≥\u00a08,4" in shown
    frozen = html(client.get(url("target_set", pk=draft.pk)))
    assert f'name="t-{satisfaction.pk}"' not in frozen and "voorgelegd aan het bestuur" in frozen
    refused = client.post(url("target_set", pk=draft.pk), {f"t-{satisfaction.pk}": "9"})
    assert refused.status_code == 400 and "liggen als voorstel" in html(refused)
    assert [ln.target for ln in draft.lines.all()] == [Decimal("8.4")]


def test_a_bad_deadline_or_stale_page_puts_nothing_to_the_board(client, tom, users, draft):
    satisfaction = Indicator.objects.get(cooperative=tom, code="TEVREDEN")
    targets.target_set_save(target_set=draft, actor=users["tom-penningmeester"],
                            entries={satisfaction.pk: "8,4"})
    login(client, "tom-penningmeester")
    digest = targets.digest(draft, targets.changes_of(draft))
    bad = client.post(url("target_set_propose", pk=draft.pk),
                      {"digest": digest, "deadline": "morgen"}, follow=True)
    assert "“morgen” is geen datum met tijd" in html(bad)
    stale = client.post(url("target_set_propose", pk=draft.pk), {"digest": "0" * 16},
                        follow=True)
    assert "gewijzigd sinds u de pagina opende" in html(stale)
    draft.refresh_from_db()
    assert draft.is_draft and draft.proposal_id is None


def test_drafts_are_for_the_board_and_finance_another_cooperative_gets_404(client, draft):
    login(client, "tom-directeur")  # a member: no drafts, no form
    assert client.get(url("target_set", pk=draft.pk)).status_code == 404
    assert "Concept opstellen" not in html(client.get(url("target_sets")))
    assert client.post(url("target_sets"), {"year": "2028"}).status_code == 403
    login(client, "tom-financien")
    assert client.get(url("target_set", pk=draft.pk)).status_code == 200
    login(client, "heerlen-voorzitter")
    assert client.get(url("target_set", pk=draft.pk)).status_code == 404
    assert client.get(url("target_set", code="heerlen", pk=draft.pk)).status_code == 404


def test_the_register_and_the_printed_decision_name_the_targets(client, tom, users, draft):
    satisfaction = Indicator.objects.get(cooperative=tom, code="TEVREDEN")
    targets.target_set_save(target_set=draft, actor=users["tom-penningmeester"],
                            entries={satisfaction.pk: "8,4"})
    proposal = targets.target_set_propose(target_set=draft, actor=users["tom-penningmeester"])
    for member in ("tom-voorzitter", "tom-bestuurslid"):
        governance.vote_cast(proposal=proposal, actor=users[member], choice="for")
    decision = governance.proposal_close(proposal=proposal, actor=users["tom-voorzitter"])
    login(client, "tom-directeur")
    register = html(client.get(reverse("decision_register", kwargs={"code": "tom"}),
                               {"soort": "targets"}))
    assert decision.number in register
    assert f"streefwaarden {YEAR}: Cliënttevredenheid: ≥\u00a08,0 → ≥\u00a08,4" in register
    printed = html(client.get(reverse("governance:decision_print",
                                      kwargs={"code": "tom", "pk": proposal.pk})))
    assert "streefwaarden van de indicatoren" in printed
    assert f"streefwaarden {YEAR}: Cliënttevredenheid: ≥\u00a08,0 → ≥\u00a08,4" in printed
    listed = html(client.get(url("target_sets")))
    assert decision.number in listed  # the year's targets with their decision
