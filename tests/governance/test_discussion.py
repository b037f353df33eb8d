"""The discussion of a proposal: board members comment (append-only; a correction is a new
comment), comments are in the audit trail, and directors read the discussion of proposals that
concern their organisation's money."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cooperatie.governance import services
from cooperatie.governance.models import AppendOnly, Comment
from reports.builders import Scope, build
from tests.conftest import login

CHAIR, MEMBER = "tom-voorzitter", "tom-bestuurslid"


def comment(proposal, users, name, text, corrects=None):
    return services.comment_add(proposal=proposal, actor=users[name], text=text,
                                corrects=corrects)


def test_board_members_comment_and_correct_by_a_new_comment(proposed, users):
    proposal, _ = proposed()
    first = comment(proposal, users, CHAIR, "Klopt het bedrag voor GGZ?")
    fix = comment(proposal, users, CHAIR, "Ik bedoelde: voor Jeugd.", corrects=first)
    assert fix.corrects == first and Comment.objects.filter(proposal=proposal).count() == 2
    assert first.history.get().history_user == users[CHAIR]
    assert fix.history.get().history_change_reason == "correctie geplaatst"
    with pytest.raises(ValidationError, match="U corrigeert alleen uw eigen reacties"):
        comment(proposal, users, MEMBER, "Nee, het was GGZ.", corrects=first)
    with pytest.raises(ValidationError, match="Schrijf een reactie"):
        comment(proposal, users, MEMBER, "   ")
    with pytest.raises(PermissionDenied):
        comment(proposal, users, "tom-directeur", "Mag ik iets zeggen?")


def test_comments_are_never_changed_or_removed(proposed, users):
    proposal, _ = proposed()
    first = comment(proposal, users, CHAIR, "Eerste gedachte")
    first.text = "Iets anders"
    with pytest.raises(AppendOnly):
        first.save()
    with pytest.raises(AppendOnly):
        first.delete()
    with pytest.raises(AppendOnly):
        Comment.objects.filter(pk=first.pk).update(text="stiekem")
    with pytest.raises(AppendOnly):
        Comment.objects.filter(pk=first.pk).delete()
    assert Comment.objects.get(pk=first.pk).text == "Eerste gedachte"


def test_the_discussion_closes_with_the_decision(proposed, users):
    proposal, _ = proposed()
    services.proposal_close(proposal=proposal, actor=users[CHAIR])
    with pytest.raises(ValidationError, match="De discussie over .* is gesloten"):
        comment(proposal, users, CHAIR, "Te laat")


def test_comments_are_in_the_audit_trail(proposed, users, tom, tmp_path):
    proposal, _ = proposed()
    comment(proposal, users, MEMBER, "Graag de onderbouwing van de sleutel.")
    path = tmp_path / "audit.xlsx"
    build("audit", str(path), Scope(tom, 2026))
    rows = list(openpyxl.load_workbook(io.BytesIO(path.read_bytes()))["Audittrail"]
                .iter_rows(values_only=True))
    found = [r for r in rows if r[7] == "Graag de onderbouwing van de sleutel."]
    assert found and found[0][2] == "Reactie" and found[0][8] == "reactie geplaatst"
    assert found[0][1] == users[MEMBER].get_full_name()


def test_directors_read_the_discussion_when_it_concerns_their_money(client, proposed, users,
                                                                    tom, tom_members):
    proposal, plan = proposed()  # 60/40 over the first two partners
    comment(proposal, users, CHAIR, "Over de verdeling tussen de twee partners")
    url = reverse("governance:proposal", kwargs={"code": "tom", "pk": proposal.pk})
    director = users["tom-directeur"]
    own = set(director.organisation_roles.values_list("organisation_id", flat=True))
    concerned = set(plan.lines.values_list("organisation_id", flat=True))
    login(client, "tom-directeur")
    page = client.get(url).content.decode()
    assert ("Over de verdeling tussen de twee partners" in page) is bool(own & concerned)
    assert 'name="text"' not in page  # directors read, never write
    # a proposal that concerns the director's organisation is readable, another one is not
    from budgets.allocation import services as allocation
    from tests.allocation.conftest import percentages_key

    grant = allocation.grant_create(
        cooperative=tom, year=2028, amount=Decimal("100.00"),
        funding_stream=tom.funding_streams.first(), funder_name="x", description="x",
        actor=users["tom-penningmeester"], reason="t")
    for organisations, readable in (([o for o in tom_members if o.pk in own][:1], True),
                                    ([o for o in tom_members if o.pk not in own][:1], False)):
        plan = allocation.plan_draft(grant=grant, actor=users["tom-penningmeester"],
                                     reason="t")
        allocation.plan_save(plan=plan, method="partners", schedule="none", note="",
                             key=percentages_key(organisations,
                                                 [Decimal(100)]),
                             weights={}, actor=users["tom-penningmeester"], reason="t")
        other = allocation.plan_propose(plan=plan, actor=users["tom-penningmeester"])
        comment(other, users, CHAIR, f"Geheim of niet: {readable}")
        page = client.get(reverse("governance:proposal",
                                  kwargs={"code": "tom", "pk": other.pk})).content.decode()
        assert (f"Geheim of niet: {readable}" in page) is readable
        services.proposal_close(proposal=other, actor=users[CHAIR])  # next version may start


def test_the_board_comments_on_the_page(client, proposed, users):
    proposal, _ = proposed()
    login(client, MEMBER)
    url = reverse("governance:comment", kwargs={"code": "tom", "pk": proposal.pk})
    client.post(url, {"text": "Akkoord met de sleutel."})
    first = Comment.objects.get(proposal=proposal)
    client.post(url, {"text": "Correctie: akkoord, met een vraag.", "corrects": first.pk})
    page = client.get(reverse("governance:proposal",
                              kwargs={"code": "tom", "pk": proposal.pk})).content.decode()
    assert "gecorrigeerd, zie verderop" in page and "correctie op een eerdere reactie" in page
    assert Comment.objects.filter(proposal=proposal, corrects=first).count() == 1
