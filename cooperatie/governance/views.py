"""The board's proposals, votes and the decision register. Views parse input, call one
service, render; every proposal is looked up inside the cooperative the user may see
(another cooperative's proposal is a 404)."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy
from ..errors import error_lines
from ..selectors import cooperative_for
from . import documents, selectors, services
from .models import Comment, Decision, Proposal, Vote
from .subjects import subject_for


def _proposal(request, code, pk) -> tuple:
    cooperative = cooperative_for(request.user, code, "decision.view")
    proposal = selectors.proposal_in(cooperative, pk)
    if proposal is None or not policy.allowed(request.user, "proposal.view", proposal):
        raise Http404
    return cooperative, proposal


def _standing_context(request, cooperative, proposal) -> dict:
    votes = selectors.votes_of(proposal)
    seated = selectors.seated_users(cooperative)
    now = services.standing(proposal, votes, set(seated)) if proposal.is_open else None
    return {
        "cooperative": cooperative, "proposal": proposal, "votes": votes, "standing": now,
        "not_voted": [seated[pk] for pk in seated if now and pk in now.not_voted],
        "decision": getattr(proposal, "decision", None), "seated": len(seated),
        "seated_ids": set(seated),
    }


def _proposal_context(request, cooperative, proposal) -> dict:
    context = _standing_context(request, cooperative, proposal)
    by_member = {v.user_id: v for v in context["votes"]}
    own = by_member.get(request.user.pk)
    subject = subject_for(proposal)
    may_close = proposal.is_open and policy.allowed(request.user, "proposal.close", proposal)
    may_vote = proposal.is_open and not proposal.deadline_passed() and policy.allowed(
        request.user, "proposal.vote", proposal)
    decision = context["decision"]
    return {
        **context, "subject": subject, "subject_link": subject.link(),
        **subject.summary_context(request.user),
        "own_vote": own,
        "proxy_ballots": [(p, by_member.get(p.grantor_id)) for p in services.proxies_usable(
            proposal, request.user, context["seated_ids"])] if may_vote else [],
        "may_vote": may_vote,
        "may_close": may_close,
        "may_record_reasons": decision is not None and not decision.reasons
        and policy.allowed(request.user, "proposal.close", proposal),
        "choices": Vote.Choice.choices,
        "documents": selectors.documents_of(proposal),
        "may_edit": proposal.is_draft and policy.allowed(request.user, "proposal.edit",
                                                         proposal),
        "default_deadline": timezone.localtime(services.default_deadline(cooperative)),
        "may_new_version": proposal.kind in services.DRAFTABLE
        and proposal.status in (Proposal.Status.OPEN, Proposal.Status.CLOSED)
        and not (decision and decision.adopted)
        and policy.allowed(request.user, "proposal.draft", cooperative),
        "later_version": proposal.superseded_by.order_by("-version").first()
        if proposal.kind in services.DRAFTABLE else None,
        "max_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
        **_discussion_context(request, proposal),
    }


def _discussion_context(request, proposal) -> dict:
    if not policy.allowed(request.user, "proposal.read_discussion", proposal):
        return {"may_read_discussion": False}
    comments = selectors.comments_of(proposal)
    corrected = {c.corrects_id for c in comments if c.corrects_id}
    return {
        "may_read_discussion": True, "comments": comments, "corrected": corrected,
        "may_discuss": proposal.status in (Proposal.Status.DRAFT, Proposal.Status.OPEN)
        and policy.allowed(request.user, "proposal.discuss", proposal),
        "own_comments": [c for c in comments if c.author_id == request.user.pk],
    }


@login_required
def proposal_detail(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    return render(request, "governance/proposal.html",
                  _proposal_context(request, cooperative, proposal))


@login_required
@require_POST
def comment(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    raw = request.POST.get("corrects", "")
    corrects = proposal.comments.filter(pk=raw).first() if raw.isdigit() else None
    try:
        services.comment_add(proposal=proposal, actor=request.user,
                             text=request.POST.get("text", ""), corrects=corrects)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Comment)))
    else:
        messages.success(request, _("Uw reactie is geplaatst."))
        return redirect(reverse("governance:proposal", kwargs={"code": code, "pk": pk})
                        + "#discussie")
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
def decision_print(request, code, pk):
    """One decision on one A4: number, date, text, tally, reasons and documents (the print
    stylesheet leaves the site's header and buttons off)."""
    cooperative, proposal = _proposal(request, code, pk)
    decision = getattr(proposal, "decision", None)
    if decision is None:
        raise Http404
    return render(request, "governance/decision_print.html", {
        "cooperative": cooperative, "proposal": proposal, "decision": decision,
        "documents": selectors.documents_of(proposal), "votes": selectors.votes_of(proposal),
        "subject_note": subject_for(proposal).register_note(),
    })


@login_required
def standing(request, code, pk):
    """The live tally as an HTML fragment (the proposal page refreshes it)."""
    cooperative, proposal = _proposal(request, code, pk)
    return render(request, "governance/_standing.html",
                  _standing_context(request, cooperative, proposal))


@login_required
@require_POST
def vote(request, code, pk):
    """A vote in person, or (with `for`) for a member who authorised the user; the member is
    found among the user's own proxies, never trusted from the form."""
    cooperative, proposal = _proposal(request, code, pk)
    member = None
    if request.POST.get("for"):
        usable = {str(p.grantor_id): p.grantor
                  for p in services.proxies_usable(proposal, request.user)}
        member = usable.get(request.POST["for"])
        if member is None:
            messages.error(request, _("U heeft geen machtiging om voor dit bestuurslid te "
                                      "stemmen over dit voorstel."))
            return redirect("governance:proposal", code=code, pk=proposal.pk)
    earlier = proposal.votes.filter(user=member or request.user).exists()
    try:
        services.vote_cast(proposal=proposal, actor=request.user,
                           choice=request.POST.get("choice", ""),
                           reason=request.POST.get("reason", ""),
                           conflict_of_interest=request.POST.get("conflict") == "1",
                           on_behalf_of=member)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Vote)))
    else:
        if member is not None:
            messages.success(request, _("De stem namens %(member)s is vastgelegd.")
                             % {"member": member.get_full_name() or member.username})
        else:
            messages.success(request, _("Uw stem is gewijzigd.") if earlier
                             else _("Uw stem is vastgelegd."))
        _tell_if_closed(request, proposal)
    return redirect("governance:proposal", code=code, pk=proposal.pk)


def _tell_if_closed(request, proposal) -> None:
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is not None:
        messages.info(request, _("Alle zittende bestuursleden hebben gestemd: de stemming is "
                                 "gesloten, besluit %(number)s, %(outcome)s.")
                      % {"number": decision.number, "outcome": decision.get_outcome_display()})


@login_required
@require_POST
def conflict(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    try:
        services.conflict_declare(proposal=proposal, actor=request.user,
                                  reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Vote)))
    else:
        messages.success(request, _("Uw belangenconflict is vastgelegd; uw stem telt niet "
                                    "mee, ook niet voor het quorum."))
        _tell_if_closed(request, proposal)
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def close(request, code, pk):
    """Closing before the deadline: a confirmation with the tally and the outcome, then the
    close (refused when the tally changed meanwhile: the confirmation is shown again)."""
    cooperative, proposal = _proposal(request, code, pk)
    if not proposal.is_open:
        return redirect("governance:proposal", code=code, pk=proposal.pk)
    policy.ensure(request.user, "proposal.close", proposal)
    reasons = request.POST.get("reasons", "")
    errors: list[str] = []
    if request.method == "POST":
        try:
            decision = services.proposal_close(proposal=proposal, actor=request.user,
                                               reasons=reasons,
                                               expected_state=request.POST.get("state", ""))
        except ValidationError as exc:
            errors = error_lines(exc)
        else:
            messages.success(request, _("De stemming is gesloten: besluit %(number)s, "
                                        "%(outcome)s.")
                             % {"number": decision.number,
                                "outcome": decision.get_outcome_display()})
            return redirect("governance:proposal", code=code, pk=proposal.pk)
        proposal = selectors.proposal_in(cooperative, proposal.pk)
        if not proposal.is_open:  # someone else closed it meanwhile
            messages.error(request, " ".join(errors))
            return redirect("governance:proposal", code=code, pk=proposal.pk)
    return render(request, "governance/close_confirm.html", {
        **_standing_context(request, cooperative, proposal), "reasons": reasons,
        "errors": errors,
    }, status=409 if errors else 200)


@login_required
@require_POST
def record_reasons(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is None:
        raise Http404
    try:
        services.decision_record_reasons(decision=decision, actor=request.user,
                                         reasons=request.POST.get("reasons", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Decision)))
    else:
        messages.success(request, _("De overwegingen zijn vastgelegd bij besluit %(number)s.")
                         % {"number": decision.number})
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
def register(request, code):
    """The decision register, filtered by year, kind and outcome and searched (GET: a link
    can be shared; a filter that makes no sense is named and left out, never a 500)."""
    cooperative = cooperative_for(request.user, code, "decision.view")
    years = selectors.register_years(cooperative)
    raw = {name: request.GET.get(name, "").strip()
           for name in ("jaar", "soort", "uitkomst", "zoek")}
    problems, year = [], None
    if raw["jaar"]:
        if raw["jaar"].isdigit() and int(raw["jaar"]) in years:
            year = int(raw["jaar"])
        else:
            problems.append(_("Er zijn geen besluiten in het jaar “%(y)s”; alle jaren getoond.")
                            % {"y": raw["jaar"]})
    kind = raw["soort"] if raw["soort"] in Proposal.Kind.values else ""
    if raw["soort"] and not kind:
        problems.append(_("Onbekende soort “%(k)s”; alle soorten getoond.") % {"k": raw["soort"]})
    outcome = raw["uitkomst"] if raw["uitkomst"] in Decision.Outcome.values else ""
    if raw["uitkomst"] and not outcome:
        problems.append(_("Onbekende uitkomst “%(o)s”; alle uitkomsten getoond.")
                        % {"o": raw["uitkomst"]})
    search = raw["zoek"][:200]
    decisions = selectors.register(cooperative, year=year, kind=kind, outcome=outcome,
                                   search=search)
    return render(request, "governance/register.html", {
        "cooperative": cooperative, "decisions": decisions, "years": years,
        "kinds": Proposal.Kind.choices, "outcomes": Decision.Outcome.choices,
        "chosen": {"year": year, "kind": kind, "outcome": outcome, "search": search},
        "filtered": bool(year or kind or outcome or search), "problems": problems,
    })


# --- the board's table: drafts and open proposals; drafting a general decision --------------


@login_required
def index(request, code):
    cooperative = cooperative_for(request.user, code, "decision.view")
    may_draft = policy.allowed(request.user, "proposal.draft", cooperative)
    return render(request, "governance/index.html", {
        "cooperative": cooperative, "may_draft": may_draft,
        "proposals": selectors.proposals_of(cooperative, drafts=may_draft),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_new(request, code):
    cooperative = cooperative_for(request.user, code, "decision.view")
    policy.ensure(request.user, "proposal.draft", cooperative)
    form = {"title": request.POST.get("title", ""), "text": request.POST.get("text", "")}
    errors: list[str] = []
    if request.method == "POST":
        try:
            proposal = services.proposal_draft(cooperative=cooperative, title=form["title"],
                                               text=form["text"], actor=request.user)
        except ValidationError as exc:
            errors = error_lines(exc, Proposal)
        else:
            messages.success(request, _("Het voorstel is opgeslagen als concept. Voeg bijlagen "
                                        "toe en leg het daarna voor aan het bestuur."))
            return redirect("governance:proposal", code=code, pk=proposal.pk)
    return render(request, "governance/proposal_form.html", {
        "cooperative": cooperative, "form": form, "errors": errors,
    }, status=400 if errors else 200)


def _draft_action(request, code, pk, action) -> HttpResponse:
    """Run a change to a draft; show what went wrong on the proposal page, in Dutch."""
    cooperative, proposal = _proposal(request, code, pk)
    try:
        done = action(proposal)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc, Proposal)))
    else:
        if done:
            messages.success(request, done)
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
@require_POST
def proposal_edit(request, code, pk):
    def edit(proposal):
        services.proposal_update(proposal=proposal, title=request.POST.get("title", ""),
                                 text=request.POST.get("text", ""), actor=request.user)
        return _("Het concept is bijgewerkt.")
    return _draft_action(request, code, pk, edit)


@login_required
@require_POST
def document_upload(request, code, pk):
    def attach(proposal):
        upload = request.FILES.get("document")
        if upload is None:
            raise ValidationError(_("Kies een bestand om toe te voegen."))
        if upload.size > settings.DOCUMENT_MAX_BYTES:  # not read into memory at all
            raise ValidationError(documents.too_big_message(upload.name, upload.size))
        document = services.document_attach(proposal=proposal, data=upload.read(),
                                            filename=upload.name, actor=request.user)
        return _("“%(name)s” is toegevoegd (%(kind)s, SHA-256 %(sha)s…).") % {
            "name": document.filename, "kind": document.get_kind_display(),
            "sha": document.sha256[:12]}
    return _draft_action(request, code, pk, attach)


@login_required
@require_POST
def document_remove(request, code, pk, document_pk):
    def remove(proposal):
        document = proposal.documents.filter(pk=document_pk).first()
        if document is None:
            raise Http404
        services.document_remove(document=document, actor=request.user)
        return _("“%(name)s” is van het concept verwijderd.") % {"name": document.filename}
    return _draft_action(request, code, pk, remove)


def parse_deadline(raw: str):
    """A deadline as a browser's date-and-time field sends it (2026-12-08T17:00), or as
    typed (08-12-2026 17:00); empty: the cooperative's default term."""
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            naive = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        return timezone.make_aware(naive)
    raise ValidationError({"deadline": _("“%(raw)s” is geen datum met tijd; schrijf "
                                         "bijvoorbeeld 08-12-2026 17:00.") % {"raw": raw}})


@login_required
@require_POST
def proposal_open(request, code, pk):
    def put_to_the_board(proposal):
        opened = services.proposal_open(
            proposal=proposal, actor=request.user,
            deadline=parse_deadline(request.POST.get("deadline", "")))
        return _("Het voorstel ligt nu bij het bestuur; de stemming sluit op %(when)s.") % {
            "when": timezone.localtime(opened.deadline).strftime("%d-%m-%Y %H:%M")}
    return _draft_action(request, code, pk, put_to_the_board)


@login_required
@require_POST
def proposal_new_version(request, code, pk):
    cooperative, proposal = _proposal(request, code, pk)
    try:
        new = services.proposal_new_version(proposal=proposal, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    else:
        messages.success(request, _("Versie %(v)s is opgesteld als concept, met de tekst en de "
                                    "bijlagen van versie %(old)s. Versie %(old)s blijft open "
                                    "tot u de nieuwe voorlegt.")
                         % {"v": new.version, "old": proposal.version})
        return redirect("governance:proposal", code=code, pk=new.pk)
    return redirect("governance:proposal", code=code, pk=proposal.pk)


@login_required
def document_download(request, code, pk):
    """An attachment, through the policy; refused when the stored file no longer matches
    the checksum it was attached with."""
    cooperative = cooperative_for(request.user, code, "decision.view")
    document = selectors.document_in(cooperative, pk)
    if document is None or not policy.allowed(request.user, "document.download", document):
        raise Http404
    with document.file.open("rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        return render(request, "governance/document_damaged.html", {
            "cooperative": cooperative, "document": document}, status=409)
    response = HttpResponse(data, content_type=documents.KINDS[document.kind][0])
    response["Content-Disposition"] = content_disposition_header(True, document.filename)
    return response


# --- proxies (machtigingen) -------------------------------------------------------------------


def parse_day(raw: str, label: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("%(label)s: “%(raw)s” is geen datum; schrijf bijvoorbeeld "
                            "08-12-2026.") % {"label": label, "raw": raw})


@login_required
@require_http_methods(["GET", "POST"])
def proxies(request, code):
    """The board's proxies: who may vote for whom, on what, with the signed document; a form
    to record one (the member for themselves; the chair for anyone)."""
    cooperative = cooperative_for(request.user, code, "decision.view")
    policy.ensure(request.user, "proxy.view", cooperative)
    roles = policy.roles_for(request.user, cooperative)
    seated = selectors.seated_users(cooperative)
    open_proposals = list(Proposal.objects.filter(
        cooperative=cooperative, status__in=[Proposal.Status.DRAFT, Proposal.Status.OPEN])
        .order_by("deadline", "-id"))
    form = {k: request.POST.get(k, "") for k in
            ("grantor", "holder", "scope", "proposal", "valid_from", "valid_to", "reason")}
    errors: list[str] = []
    if request.method == "POST":
        errors = _record_proxy(request, cooperative, roles, seated, open_proposals, form)
        if not errors:
            return redirect("governance:proxies", code=code)
    return render(request, "governance/proxies.html", {
        "cooperative": cooperative, "proxies": selectors.proxies_of(cooperative),
        "seated": list(seated.values()), "open_proposals": open_proposals, "form": form,
        "errors": errors, "may_record": roles.board, "for_anyone": roles.closer,
        "max_mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024),
    }, status=400 if errors else 200)


def _record_proxy(request, cooperative, roles, seated, open_proposals, form) -> list[str]:
    """Parse the proxy form and record it; the errors, in Dutch, if anything is wrong. Ids in
    the form only select among this cooperative's seated members and open proposals."""
    grantor = seated.get(int(form["grantor"])) if form["grantor"].isdigit() else None
    if not roles.closer:
        grantor = request.user
    holder = seated.get(int(form["holder"])) if form["holder"].isdigit() else None
    proposal = next((p for p in open_proposals if str(p.pk) == form["proposal"]), None)
    upload = request.FILES.get("document")
    errors = []
    if grantor is None:
        errors.append(_("Kies de volmachtgever: een zittend bestuurslid."))
    if holder is None:
        errors.append(_("Kies de gemachtigde: een zittend bestuurslid."))
    if upload is None:
        errors.append(_("Voeg de getekende machtiging toe (PDF)."))
    elif upload.size > settings.DOCUMENT_MAX_BYTES:
        errors.append(documents.too_big_message(upload.name, upload.size))
    start = end = None
    if form["scope"] == "proposal":
        if proposal is None:
            errors.append(_("Kies het voorstel waarvoor de machtiging geldt."))
    else:
        proposal = None
        for key, label in (("valid_from", _("Vanaf")), ("valid_to", _("Tot en met"))):
            try:
                day = parse_day(form[key], label)
            except ValidationError as exc:
                errors += exc.messages
                continue
            start, end = (day, end) if key == "valid_from" else (start, day)
        if not errors and (start is None or end is None):
            errors.append(_("Geef de periode van de machtiging: van en tot en met."))
    if errors:
        return errors
    try:
        proxy = services.proxy_grant(
            cooperative=cooperative, grantor=grantor, holder=holder, data=upload.read(),
            filename=upload.name, actor=request.user, proposal=proposal, valid_from=start,
            valid_to=end, reason=form["reason"])
    except (PermissionDenied, ValidationError) as exc:
        return error_lines(exc) if isinstance(exc, ValidationError) else [str(exc)]
    messages.success(request, _("De machtiging is vastgelegd: %(holder)s mag stemmen namens "
                                "%(grantor)s.") % {"holder": proxy.holder.get_full_name()
                                                   or proxy.holder.username,
                                                   "grantor": proxy.grantor.get_full_name()
                                                   or proxy.grantor.username})
    return []


@login_required
@require_POST
def proxy_revoke(request, code, pk):
    cooperative = cooperative_for(request.user, code, "decision.view")
    proxy = selectors.proxy_in(cooperative, pk)
    if proxy is None or not policy.allowed(request.user, "proxy.view", cooperative):
        raise Http404
    try:
        services.proxy_revoke(proxy=proxy, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(error_lines(exc)))
    else:
        messages.success(request, _("De machtiging is ingetrokken; stemmen die er al mee zijn "
                                    "uitgebracht, blijven staan."))
    return redirect("governance:proxies", code=code)


@login_required
def proxy_document(request, code, pk):
    cooperative = cooperative_for(request.user, code, "decision.view")
    proxy = selectors.proxy_in(cooperative, pk)
    if proxy is None or not policy.allowed(request.user, "proxy.view", cooperative):
        raise Http404
    with proxy.document.open("rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != proxy.sha256:
        return render(request, "governance/document_damaged.html", {
            "cooperative": cooperative, "document": proxy}, status=409)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, proxy.filename)
    return response
