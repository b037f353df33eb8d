"""Signing in (password, then the code for those with two-factor sign-in), password reset,
accepting an invitation, one's own account, and the administrator's people pages."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from cooperatie import policy
from cooperatie import selectors as coop_selectors
from cooperatie.errors import error_lines
from cooperatie.notifications import services as notification_services

from . import selectors, services, signin, two_factor
from .forms import CodeForm, InviteForm, LoginForm, ResetForm, RoleForm
from .models import Invitation, SignInRule

PENDING = "people_pending_sign_in"
PENDING_SECONDS = 300


# --- signing in -----------------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """Step one: the password. With a confirmed device the person is not signed in yet: the
    code comes first (step two, `sign_in_code`)."""

    form_class = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend,
                                         "next": self.get_success_url(), "at": time.time()}
        return redirect("sign_in_code")


def sign_in_code(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("Log opnieuw in met uw gebruikersnaam en wachtwoord."))
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    device = two_factor.confirmed_device(user) if user else None
    if device is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        token = form.cleaned_data["token"].replace(" ", "")
        if allowed and device.verify_token(token):
            request.session.pop(PENDING)
            user.backend = pending["backend"]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending["next"]
            if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   request.is_secure()):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target)
        form.add_error("token", _("Deze code klopt niet. Wacht op een nieuwe code in uw app en "
                                  "probeer het opnieuw.") if allowed else
                       _("Te veel verkeerde codes achter elkaar. Wacht even en probeer het dan "
                         "opnieuw."))
    return render(request, "people/sign_in_code.html", {"form": form}, status=200
                  if request.method == "GET" or form.is_valid() else 400)


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "people/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        # The person proved they hold the mailbox: lift any sign-in lock of the account.
        signin.unlock(self.user.username)
        self.user._change_reason = _("wachtwoord opnieuw ingesteld via e-mail")
        self.user._history_user = self.user
        return super().form_valid(form)


def invitation_accept(request, token):
    invitation = services.invitation_from_token(token)
    if invitation is None or invitation.user.has_usable_password():
        return render(request, "people/invitation_invalid.html", status=404 if invitation is None
                      else 200, context={"has_account": invitation is not None})
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Uw wachtwoord is ingesteld. Log nu in met uw "
                                        "gebruikersnaam %(username)s.")
                             % {"username": invitation.user.username})
            return redirect("login")
    return render(request, "people/invitation_accept.html",
                  {"form": form, "invitation": invitation}, status=400 if form.errors else 200)


# --- one's own account ----------------------------------------------------------------------


@login_required
def account(request):
    user = request.user
    if request.method == "POST":
        language = request.POST.get("language")
        if language in dict(settings.LANGUAGES):
            notification_services.language_set(user=user, language=language, actor=user)
            messages.success(request, _("De taal van uw e-mails is opgeslagen."))
        return redirect("account")
    return render(request, "people/account.html", {
        "device": two_factor.confirmed_device(user),
        "language": notification_services.language_of(user),
        "languages": settings.LANGUAGES,
        "required": two_factor.required_for(user),
    })


@login_required
def two_factor_setup(request):
    user = request.user
    if request.method == "POST" and "start" in request.POST:
        two_factor.device_start(user)
        return redirect("two_factor_setup")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device and form.is_valid():
        if two_factor.device_confirm(device, form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, _("Tweestapsverificatie staat aan. Voortaan vraagt "
                                        "Samen begroten bij het inloggen ook om een code."))
            return redirect("account")
        form.add_error("token", _("Deze code klopt niet. Controleer de tijd op uw telefoon en "
                                  "probeer de volgende code."))
    return render(request, "people/two_factor_setup.html", {
        "device": device, "confirmed": two_factor.confirmed_device(user),
        "qr": two_factor.qr_svg(device) if device else "",
        "secret": two_factor.secret_text(device) if device else "",
        "form": form, "required": request.GET.get("verplicht") == "1" or
        two_factor.required_for(user),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def two_factor_remove(request):
    user = request.user
    device = two_factor.confirmed_device(user)
    if device is None:
        return redirect("account")
    if two_factor.required_for(user):
        messages.error(request, _("Uw coöperatie verplicht tweestapsverificatie voor uw rol; "
                                  "u kunt haar niet uitzetten."))
        return redirect("account")
    form = CodeForm(request.POST)
    if form.is_valid() and device.verify_token(form.cleaned_data["token"].replace(" ", "")):
        device.delete()
        messages.success(request, _("Tweestapsverificatie staat uit."))
    else:
        messages.error(request, _("Deze code klopt niet; tweestapsverificatie staat nog aan."))
    return redirect("account")


# --- the administrator's people pages -------------------------------------------------------


def _manager_cooperative(request, code):
    """Another cooperative's people do not exist for this user (404); a member without the
    right gets 403."""
    cooperative = coop_selectors.cooperative_for(request.user, code)
    policy.ensure(request.user, "people.manage", cooperative)
    return cooperative


@login_required
def people_list(request, code):
    cooperative = _manager_cooperative(request, code)
    people = list(selectors.people_of(cooperative))
    invitations = {i.user_id: i for i in Invitation.objects.filter(
        cooperative=cooperative, accepted_at__isnull=True)}
    locked = set(_locked_usernames([p.username for p in people]))
    roles = selectors.roles_of_people(cooperative, people)
    rows = [{"person": p, "roles": roles[p.pk],
             "status": selectors.status_of(p, invitations.get(p.pk)),
             "locked": p.username in locked} for p in people]
    rule = SignInRule.objects.filter(cooperative=cooperative).first()
    return render(request, "people/list.html", {
        "cooperative": cooperative, "rows": rows,
        "two_factor_required": bool(rule and rule.two_factor_required)})


def _locked_usernames(usernames):
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=settings.SIGNIN_FAILURE_LIMIT
    ).values_list("username", flat=True)


@login_required
def person_invite(request, code):
    cooperative = _manager_cooperative(request, code)
    form = InviteForm(request.POST or None,
                      organisations=selectors.member_organisations(cooperative))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            invitation = services.person_invite(
                cooperative=cooperative, email=d["email"], first_name=d["first_name"],
                last_name=d["last_name"], grant=form.grant(), actor=request.user,
                reason=d["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is uitgenodigd; de e-mail wordt verstuurd naar "
                                        "%(email)s.") % {"name": services.display(
                                            invitation.user), "email": invitation.email})
            return redirect("people:person", code=cooperative.code, user_id=invitation.user_id)
    return render(request, "people/invite.html", {"cooperative": cooperative, "form": form},
                  status=400 if form.errors else 200)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        form.add_error(None, exc)


@login_required
def person_detail(request, code, user_id, role_form=None, status=200):
    cooperative = _manager_cooperative(request, code)
    person = selectors.person_for(cooperative, user_id)
    invitation = selectors.open_invitation(cooperative, person)
    return render(request, "people/person.html", {
        "cooperative": cooperative, "person": person, "invitation": invitation,
        "status": selectors.status_of(person, invitation),
        "roles": selectors.roles_held(cooperative, person),
        "history": selectors.history_of(cooperative, person),
        "locked": signin.is_locked(person.username) or _locked_usernames([person.username])
        .exists(),
        "own": person.pk == request.user.pk,
        "role_form": role_form or RoleForm(
            organisations=selectors.member_organisations(cooperative)),
        "two_factor": two_factor.confirmed_device(person) is not None,
    }, status=status)


def _person_action(request, code, user_id, action):
    """POST only; the service checks the policy; errors come back on the person's page."""
    if request.method != "POST":
        raise Http404
    cooperative = _manager_cooperative(request, code)
    person = selectors.person_for(cooperative, user_id)
    try:
        done = action(cooperative, person)
    except (ValidationError, PermissionDenied) as exc:
        for line in (error_lines(exc) if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, line)
    else:
        if done:
            messages.success(request, done)
    return redirect("people:person", code=cooperative.code, user_id=person.pk)


def _reason(request) -> str:
    return request.POST.get("reason", "")


@login_required
def person_role_add(request, code, user_id):
    if request.method != "POST":
        raise Http404
    cooperative = _manager_cooperative(request, code)
    person = selectors.person_for(cooperative, user_id)
    form = RoleForm(request.POST, organisations=selectors.member_organisations(cooperative))
    if form.is_valid():
        try:
            services.role_grant(cooperative=cooperative, person=person, grant=form.grant(),
                                actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("De rol is gegeven."))
            return redirect("people:person", code=cooperative.code, user_id=person.pk)
    return person_detail(request, code, user_id, role_form=form, status=400)


@login_required
def person_role_remove(request, code, user_id):
    def action(cooperative, person):
        services.role_revoke(cooperative=cooperative, person=person,
                             kind=request.POST.get("kind", ""),
                             record_id=_int(request.POST.get("record")), actor=request.user,
                             reason=_reason(request))
        return _("De rol is weggenomen.")
    return _person_action(request, code, user_id, action)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def person_active(request, code, user_id):
    active = request.POST.get("active") == "1"

    def action(cooperative, person):
        services.person_set_active(cooperative=cooperative, person=person, active=active,
                                   actor=request.user, reason=_reason(request))
        return _("Het account is weer actief.") if active else _(
            "Het account is gedeactiveerd; inloggen kan niet meer.")
    return _person_action(request, code, user_id, action)


@login_required
def person_unlock(request, code, user_id):
    def action(cooperative, person):
        services.person_unlock(cooperative=cooperative, person=person, actor=request.user,
                               reason=_reason(request))
        return _("De aanmeldblokkade is opgeheven.")
    return _person_action(request, code, user_id, action)


@login_required
def person_resend(request, code, user_id):
    def action(cooperative, person):
        invitation = selectors.open_invitation(cooperative, person)
        if invitation is None:
            raise ValidationError(_("Er is geen openstaande uitnodiging."))
        services.invitation_resend(invitation=invitation, actor=request.user)
        return _("De uitnodiging is opnieuw verstuurd; eerdere links werken niet meer.")
    return _person_action(request, code, user_id, action)


@login_required
def sign_in_rule(request, code):
    if request.method != "POST":
        raise Http404
    cooperative = _manager_cooperative(request, code)
    try:
        services.sign_in_rule_set(cooperative=cooperative,
                                  two_factor_required=request.POST.get("required") == "1",
                                  actor=request.user, reason=_reason(request))
    except ValidationError as exc:
        for line in error_lines(exc):
            messages.error(request, line)
    else:
        messages.success(request, _("De aanmeldregel is opgeslagen."))
    return redirect("people:list", code=cooperative.code)

