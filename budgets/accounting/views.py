"""Finance's page for the mapping to the accounting package ("Koppeling boekhouding"): the
accounts, what goes where, and what the year's ledger still lacks before it can be exported.
Each form saves one thing through the services (policy, history with a reason)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from budgets.models import FundingStream, LedgerEntry
from cooperatie.errors import error_lines
from cooperatie.selectors import cooperative_for

from . import postings, services
from .models import POSTING_KINDS, AccountMapping, GeneralLedgerAccount


def _pick(queryset, raw):
    """The object with this id within the cooperative's own queryset, or None."""
    return queryset.filter(pk=raw).first() if str(raw or "").isdigit() else None


def _save(request, cooperative, action: str):
    post = request.POST
    reason = post.get("reason", "").strip()
    accounts = cooperative.gl_accounts.all()
    streams = FundingStream.objects.filter(cooperative=cooperative)
    if action == "account":
        return services.account_save(cooperative=cooperative, code=post.get("code", "").strip(),
                                     name=post.get("name", "").strip(),
                                     type=post.get("type", ""), actor=request.user,
                                     reason=reason)
    account = _pick(accounts, post.get("account"))
    if action in ("mapping", "contra") and account is None:
        raise ValidationError({"account": _("Kies een grootboekrekening.")})
    if action == "mapping":
        stream = _pick(streams, post.get("funding_stream"))
        if post.get("funding_stream") and stream is None:
            raise ValidationError({"funding_stream": _("Kies een financieringsstroom.")})
        return services.mapping_set(cooperative=cooperative, kind=post.get("kind", ""),
                                    funding_stream=stream, account=account,
                                    actor=request.user, reason=reason)
    if action == "contra":
        return services.contra_set(cooperative=cooperative,
                                   posting_kind=post.get("posting_kind", ""), account=account,
                                   actor=request.user, reason=reason)
    if action == "cost_centre":
        hood = _pick(cooperative.neighbourhoods.all(), post.get("neighbourhood"))
        if hood is None:
            raise ValidationError({"neighbourhood": _("Kies een buurt.")})
        return services.cost_centre_set(neighbourhood=hood, code=post.get("code", "").strip(),
                                        actor=request.user, reason=reason)
    if action == "cost_unit":
        stream = _pick(streams, post.get("funding_stream"))
        if stream is None:
            raise ValidationError({"funding_stream": _("Kies een financieringsstroom.")})
        return services.cost_unit_set(funding_stream=stream, code=post.get("code", "").strip(),
                                      actor=request.user, reason=reason)
    raise ValidationError(_("Onbekende handeling."))


@login_required
def mapping(request, code):
    cooperative = cooperative_for(request.user, code, "accounting.map")
    errors = []
    if request.method == "POST":
        try:
            _save(request, cooperative, request.POST.get("action", ""))
        except ValidationError as exc:
            errors = error_lines(exc, GeneralLedgerAccount)
        else:
            messages.success(request, _("Opgeslagen."))
            return redirect("accounting:mapping", code=cooperative.code)
    years = list(cooperative.budget_rounds.order_by("-year").values_list("year", flat=True))
    year = years[0] if years else None
    context = {
        "cooperative": cooperative, "errors": errors, "year": year,
        "missing": postings.missing(cooperative, year) if year else [],
        "accounts": cooperative.gl_accounts.order_by("code"),
        "types": GeneralLedgerAccount.Type.choices,
        "mappings": AccountMapping.objects.filter(cooperative=cooperative).select_related(
            "account", "funding_stream").order_by("kind", "funding_stream__code"),
        "contras": cooperative.contra_accounts.select_related("account").order_by(
            "posting_kind"),
        "kinds": LedgerEntry.Kind.choices, "posting_kinds": POSTING_KINDS,
        "streams": FundingStream.objects.filter(cooperative=cooperative).select_related(
            "cost_unit").order_by("code"),
        "neighbourhoods": cooperative.neighbourhoods.select_related("cost_centre").order_by(
            "code"),
    }
    return render(request, "accounting/mapping.html", context, status=400 if errors else 200)
