import time

from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# Where a person who must set up two-factor sign-in may still go.
OPEN = ("/account/tweestaps/", "/uitloggen/", "/taal/", "/static/", "/inloggen/")
SESSION_KEY = "people_two_factor_required"
RECHECK_SECONDS = 15 * 60


def remember_rule(request, user) -> bool:
    """Whether the person's cooperatives require two-factor sign-in for them, kept in the
    session: looked up at sign-in and again every 15 minutes, not on every request."""
    required = two_factor.required_for(user)
    if getattr(request, "session", None) is not None:
        request.session[SESSION_KEY] = [required, time.time()]
    return required


def on_sign_in(sender, request, user, **kwargs):
    if request is not None:
        remember_rule(request, user)


class TwoFactorRequiredMiddleware:
    """A person whose cooperative requires two-factor sign-in for their role (board, finance)
    and who is not signed in with a second factor is sent to set it up (or, having a device,
    to sign in again with its code). After django-otp's OTPMiddleware. A rule switched on
    takes effect at the next sign-in, and within 15 minutes for people already signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(OPEN) and self._required(request, user)):
            return redirect(reverse("two_factor_setup") + "?verplicht=1")
        return self.get_response(request)

    @staticmethod
    def _required(request, user) -> bool:
        kept = request.session.get(SESSION_KEY)
        if kept and time.time() - kept[1] < RECHECK_SECONDS:
            return kept[0]
        return remember_rule(request, user)
