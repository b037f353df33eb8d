"""Signing in: throttle, then lock (django-axes), and the second step for people with
two-factor sign-in (django-otp, TOTP).

Per account and address together: after SIGNIN_FAILURE_LIMIT failures the pair waits
SIGNIN_THROTTLE_MINUTES; failures during the pause count on, and a pair that reaches
SIGNIN_LOCK_AFTER stays locked until the cooperative's administrator unlocks it or the person
resets their password by e-mail. Other addresses, and other accounts from this address, are not
affected, so nobody can lock a colleague out from elsewhere.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED = timedelta(days=3650)  # until someone unlocks it


def client_address(request) -> str | None:
    """The visitor's address: behind our own TLS proxy the last X-Forwarded-For hop (the one
    the proxy added), otherwise the socket's address. Never a hop the visitor could forge."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def failures(username: str | None, address: str | None) -> int:
    if not username:
        return 0
    found = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        n=Max("failures_since_start"))["n"]
    return found or 0


def _username(request) -> str | None:
    credentials = getattr(request, "axes_credentials", None) or {}
    return credentials.get("username") or request.POST.get("username")


def cool_off(request) -> timedelta:
    """AXES_COOLOFF_TIME: a short pause, or a lock once the pair went on failing."""
    if request is None:
        return timedelta(minutes=settings.SIGNIN_THROTTLE_MINUTES)
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if failures(_username(request), address) >= settings.SIGNIN_LOCK_AFTER:
        return LOCKED
    return timedelta(minutes=settings.SIGNIN_THROTTLE_MINUTES)


def is_locked(username: str, address: str | None = None) -> bool:
    """Locked (not merely paused) from `address`, or from any address when None."""
    attempts = AccessAttempt.objects.filter(username=username)
    if address is not None:
        attempts = attempts.filter(ip_address=address)
    return attempts.filter(failures_since_start__gte=settings.SIGNIN_LOCK_AFTER).exists()


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page again, with a Dutch message (429)."""
    from .views import LoginForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if failures(username, address) >= settings.SIGNIN_LOCK_AFTER:
        message = _("Na te veel mislukte pogingen is dit account vanaf dit adres geblokkeerd. "
                    "Stel uw wachtwoord opnieuw in via “Wachtwoord vergeten?”, of vraag de "
                    "beheerder van uw coöperatie om de blokkade op te heffen.")
    else:
        message = _("Te veel mislukte pogingen. Wacht %(minutes)s minuten en probeer het dan "
                    "opnieuw.") % {"minutes": settings.SIGNIN_THROTTLE_MINUTES}
    form = LoginForm(request, data=None, initial={"username": username})
    return render(request, "registration/login.html",
                  {"form": form, "locked_message": message,
                   "next": request.POST.get("next", "")}, status=429)


def unlock(username: str) -> int:
    """Lift the pause or lock of an account from every address."""
    from axes.utils import reset

    return reset(username=username)
