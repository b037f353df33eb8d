"""General decisions: a draft with text and documents, put to the board with a deadline;
documents checked by content, stored with their SHA-256, frozen once voting opens, downloaded
through the policy; a change is a new version that withdraws the open one."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cooperatie.governance import documents, services
from cooperatie.governance.models import Proposal, ProposalDocument
from cooperatie.spreadsheets.errors import Refused
from tests.conftest import login

from . import files

CHAIR = "tom-voorzitter"


@pytest.fixture
def draft(tom, users):
    def make(title="Toelating van Buurtzorg Zuid als lid", text="Het bestuur besluit ...",
             name=CHAIR):
        return services.proposal_draft(cooperative=tom, title=title, text=text,
                                       actor=users[name])
    return make


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("Statuten.pdf", files.PDF, "pdf"), ("Begroting.XLSX", files.xlsx(), "xlsx"),
    ("Notitie.docx", files.docx(), "docx"), ("Jaarplan.odt", files.odt(), "odt")])
def test_every_accepted_kind_is_recognised_by_its_content(name, data, kind):
    checked = documents.check(data, name)
    assert checked.kind == kind and checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("Statuten.pdf", files.docx(), "“Statuten.pdf” is geen PDF-bestand: de inhoud is Word"),
    ("Notitie.docx", files.PDF, "“Notitie.docx” is geen DOCX-bestand: de inhoud is PDF"),
    ("Jaarplan.odt", files.xlsx(), "is geen ODT-bestand: de inhoud is Excel"),
    ("Begroting.xlsx", b"Buurtcode;Bedrag\n", "is geen XLSX-bestand: de inhoud is geen PDF"),
    ("foto.jpg", b"\xff\xd8\xff\xe0", "alleen PDF-, XLSX-, DOCX- en ODT-bestanden"),
    ("Macro.xlsx", files.xlsm(), "bevat macro's"),
    ("Oud.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "oud Office-bestand"),
    ("Bom.docx", files.zip_bomb(), "uitgepakt veel groter"),
    ("Leeg.pdf", b"", "“Leeg.pdf” is leeg."),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(name, data, message):
    with pytest.raises(Refused, match=message):
        documents.check(data, name)


def test_over_the_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    big = files.PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(Refused, match="“Groot.pdf” is 10,1 MB; een bijlage is hoogstens 10 MB"):
        documents.check(big, "Groot.pdf")


def test_a_draft_gets_documents_then_is_put_to_the_board(draft, users, tom):
    proposal = draft()
    assert proposal.is_draft and proposal.kind == "general" and proposal.deadline is None
    document = services.document_attach(proposal=proposal, data=files.PDF,
                                        filename="C:\\Users\\x\\Statuten 2026.pdf",
                                        actor=users[CHAIR])
    assert document.filename == "Statuten 2026.pdf" and document.kind == "pdf"
    assert document.sha256 == hashlib.sha256(files.PDF).hexdigest()
    assert document.file.name.startswith(
        f"governance/{tom.pk}/{proposal.pk}/{document.sha256}")  # by checksum, not by name
    assert document.file.read() == files.PDF
    assert document.history.get().history_user == users[CHAIR]
    deadline = timezone.now() + timedelta(days=3)
    opened = services.proposal_open(proposal=proposal, actor=users[CHAIR], deadline=deadline)
    assert opened.is_open and opened.deadline == deadline and opened.opened_at is not None


def test_documents_are_frozen_once_voting_opens_and_after_closing(draft, users):
    proposal = draft()
    document = services.document_attach(proposal=proposal, data=files.PDF, filename="a.pdf",
                                        actor=users[CHAIR])
    services.proposal_open(proposal=proposal, actor=users[CHAIR])
    for attempt in (
        lambda: services.document_attach(proposal=proposal, data=files.docx(),
                                         filename="b.docx", actor=users[CHAIR]),
        lambda: services.document_remove(document=document, actor=users[CHAIR]),
        lambda: services.proposal_update(proposal=proposal, title="x", text="y",
                                         actor=users[CHAIR]),
    ):
        with pytest.raises(ValidationError, match="liggen vast sinds het aan het bestuur is "
                                                  "voorgelegd"):
            attempt()
    services.proposal_close(proposal=proposal, actor=users[CHAIR])
    with pytest.raises(ValidationError, match="is gesloten: tekst en bijlagen liggen vast"):
        services.document_remove(document=document, actor=users[CHAIR])
    assert list(proposal.documents.values_list("filename", flat=True)) == ["a.pdf"]


def test_bad_uploads_change_nothing(draft, users):
    proposal = draft()
    services.document_attach(proposal=proposal, data=files.PDF, filename="a.pdf",
                             actor=users[CHAIR])
    with pytest.raises(ValidationError, match="hetzelfde bestand als de bijlage “a.pdf”"):
        services.document_attach(proposal=proposal, data=files.PDF, filename="kopie.pdf",
                                 actor=users[CHAIR])
    with pytest.raises(ValidationError, match="is geen PDF-bestand"):
        services.document_attach(proposal=proposal, data=files.odt(), filename="b.pdf",
                                 actor=users[CHAIR])
    assert proposal.documents.count() == 1


def test_only_the_drafter_edits_a_draft_and_only_the_board_drafts(draft, users, tom):
    proposal = draft()
    for name in ("tom-bestuurslid", "tom-directeur"):
        with pytest.raises(PermissionDenied):
            services.document_attach(proposal=proposal, data=files.PDF, filename="a.pdf",
                                     actor=users[name])
    with pytest.raises(PermissionDenied):
        services.proposal_draft(cooperative=tom, title="x", text="y",
                                actor=users["tom-directeur"])


def test_title_text_and_deadline_are_checked(draft, users):
    with pytest.raises(ValidationError) as exc:
        draft(title=" ", text="")
    assert exc.value.message_dict == {
        "title": ["Geef het voorstel een titel."],
        "description": ["Schrijf op wat het bestuur besluit (de tekst van het voorstel)."]}
    proposal = draft()
    soon = timezone.now() + timedelta(minutes=10)
    with pytest.raises(ValidationError, match="ten minste een uur na nu eindigen"):
        services.proposal_open(proposal=proposal, actor=users[CHAIR], deadline=soon)
    with pytest.raises(ValidationError, match="hoogstens 90 dagen"):
        services.proposal_open(proposal=proposal, actor=users[CHAIR],
                               deadline=timezone.now() + timedelta(days=91))
    proposal.refresh_from_db()
    assert proposal.is_draft


def test_a_change_is_a_new_version_that_withdraws_the_open_one(draft, users):
    proposal = draft()
    services.document_attach(proposal=proposal, data=files.PDF, filename="a.pdf",
                             actor=users[CHAIR])
    services.proposal_open(proposal=proposal, actor=users[CHAIR])
    services.vote_cast(proposal=proposal, actor=users["tom-bestuurslid"], choice="against")
    new = services.proposal_new_version(proposal=proposal, actor=users[CHAIR])
    assert (new.version, new.supersedes, new.is_draft) == (2, proposal, True)
    copied = new.documents.get()
    assert copied.sha256 == proposal.documents.get().sha256 and copied.file.read() == files.PDF
    with pytest.raises(ValidationError, match="al een nieuwe versie in concept"):
        services.proposal_new_version(proposal=proposal, actor=users[CHAIR])
    services.proposal_update(proposal=new, title=new.title, text="Aangepaste tekst.",
                             actor=users[CHAIR])
    services.proposal_open(proposal=new, actor=users[CHAIR])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN and proposal.closed_at is not None
    assert proposal.history.first().history_change_reason == "ingetrokken: vervangen door " \
                                                              "versie 2"
    assert not hasattr(proposal, "decision") or proposal.decision is None
    with pytest.raises(ValidationError, match="niet open voor stemming|is gesloten"):
        services.vote_cast(proposal=proposal, actor=users[CHAIR], choice="for")


def url(name, **kw):
    return reverse(f"governance:{name}", kwargs={"code": "tom", **kw})


def test_the_pages_draft_attach_open_and_download(client, users, tom):
    login(client, CHAIR)
    response = client.post(url("new"), {"title": "Jaarplan 2027", "text": "Het bestuur "
                                        "stelt het jaarplan 2027 vast."})
    proposal = Proposal.objects.get(cooperative=tom, title="Jaarplan 2027")
    assert response.url == url("proposal", pk=proposal.pk)
    from django.core.files.uploadedfile import SimpleUploadedFile

    wrong = SimpleUploadedFile("Jaarplan.pdf", files.docx())
    page = client.post(url("document_upload", pk=proposal.pk), {"document": wrong},
                       follow=True).content.decode()
    assert "“Jaarplan.pdf” is geen PDF-bestand: de inhoud is Word (DOCX)" in page
    good = SimpleUploadedFile("Jaarplan 2027.pdf", files.PDF)
    client.post(url("document_upload", pk=proposal.pk), {"document": good})
    document = ProposalDocument.objects.get(proposal=proposal)
    page = client.get(url("proposal", pk=proposal.pk)).content.decode()
    assert document.sha256 in page and "Voorleggen aan het bestuur" in page
    login(client, "tom-directeur")  # a draft is the board's
    assert client.get(url("proposal", pk=proposal.pk)).status_code == 404
    assert client.get(url("document", pk=document.pk)).status_code == 404
    login(client, CHAIR)
    response = client.post(url("open", pk=proposal.pk), {"deadline": "morgen"}, follow=True)
    assert "“morgen” is geen datum met tijd" in response.content.decode()
    when = timezone.localtime() + timedelta(days=5)
    client.post(url("open", pk=proposal.pk), {"deadline": when.strftime("%Y-%m-%dT%H:%M")})
    proposal.refresh_from_db()
    assert proposal.is_open
    assert timezone.localtime(proposal.deadline).strftime("%d-%m-%Y %H:%M") == \
        when.strftime("%d-%m-%Y %H:%M")
    login(client, "tom-directeur")  # now every member reads it and its documents
    response = client.get(url("document", pk=document.pk))
    assert response.status_code == 200 and response.content == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="Jaarplan 2027.pdf"' in response["Content-Disposition"]
    login(client, "heerlen-voorzitter")
    assert client.get(url("document", pk=document.pk)).status_code == 404


def test_a_stored_file_that_no_longer_matches_its_checksum_is_not_handed_out(client, draft,
                                                                          users):
    proposal = draft()
    document = services.document_attach(proposal=proposal, data=files.PDF, filename="a.pdf",
                                        actor=users[CHAIR])
    with open(document.file.path, "wb") as stored:
        stored.write(files.PDF + b"tampered")
    try:
        login(client, CHAIR)
        response = client.get(url("document", pk=document.pk))
        assert response.status_code == 409
        assert "komt niet meer overeen" in response.content.decode()
    finally:
        with open(document.file.path, "wb") as stored:
            stored.write(files.PDF)
