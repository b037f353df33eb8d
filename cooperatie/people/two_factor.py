"""Two-factor sign-in with an authenticator app (django-otp, TOTP): any person can turn it
on; a cooperative can require it for its board and finance (SignInRule)."""

import segno
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatie.policy import active_on

from .models import SignInRule


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def required_for(user) -> bool:
    """Is the person on the board (seated today) or finance (of the cooperative or of a member)
    in a cooperative that requires two-factor sign-in? One query."""
    today = timezone.localdate()
    rules = SignInRule.objects.filter(two_factor_required=True)
    return rules.filter(
        Q(cooperative__board_seats__in=user.board_seats.filter(active_on(today)))
        | Q(cooperative__roles__user=user, cooperative__roles__role="finance")
        | Q(cooperative__memberships__in=_finance_memberships(user, today))
    ).exists()


def _finance_memberships(user, today):
    from cooperatie.models import Membership

    return Membership.objects.filter(active_on(today), organisation__roles__user=user,
                                     organisation__roles__role="finance")


def device_start(user) -> TOTPDevice:
    """A new, unconfirmed device (a fresh secret); it counts once a code from it is entered."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)


def device_confirm(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, drawn on the server (no script, no CDN)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#1b1b1b", light="#ffffff", omitsize=True,
        svgclass="qr", lineclass=None, title=None)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))
