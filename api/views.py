"""The product's pages around the API: your personal API tokens (make one, see them, revoke
one) and the API's documentation, served by the app itself (no CDN, no inline script)."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cooperatie import policy
from cooperatie.errors import error_lines

from . import services
from .forms import TokenForm
from .models import ApiToken


def _page(request, form, status=200):
    tokens = services.tokens_of(request.user)
    history = (ApiToken.history.filter(user=request.user).select_related("history_user")
               .order_by("-history_date", "-history_id")[:50])
    return render(request, "api/tokens.html", {
        "form": form, "tokens": tokens, "history": history,
    }, status=status)


@login_required
@never_cache
def tokens(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, secret = services.token_create(
            user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"],
            actor=request.user)
    except ValidationError as exc:
        for line in error_lines(exc, ApiToken):
            form.add_error(None, line)
        return _page(request, form, status=400)
    # Shown once, in this response only (never_cache: not kept by the browser or a proxy).
    return render(request, "api/token_created.html", {"token": token, "secret": secret},
                  status=201)


@login_required
def token_revoke(request, token_id):
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None or not policy.may_manage_token(request.user, token):
        raise Http404
    if request.method == "POST":
        services.token_revoke(token=token, actor=request.user,
                              reason=request.POST.get("reason", "").strip())
        messages.success(request, _("De API-sleutel '%(name)s' is ingetrokken; hij werkt niet "
                                    "meer.") % {"name": token.name})
        return redirect("api_tokens")
    return render(request, "api/token_revoke.html", {"token": token})


# Swagger UI's stylesheet draws its icons as data: SVG images; this one page allows images
# from data: too. Scripts and styles stay 'self' only, as everywhere.
@csp_replace({"img-src": ["'self'", "data:"]})
def docs(request):
    return render(request, "api/docs.html")
