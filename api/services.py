"""Making, revoking and checking personal API tokens. Pages and the API's authentication
come through here; every change is in the token's history (who, when, why)."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie import policy
from cooperatie.history import save_recorded

from .models import ApiToken

PREFIX = "sb_"  # "samen begroten": recognisable in a leaked log or a secret scanner
LIFETIMES = (30, 90, 180, 365)  # days a user may choose
NAME_MAX = 100


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, days: int, actor, reason: str = ""
                 ) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never stored or shown
    again."""
    policy.ensure_may_create_token(actor, user)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Geef de sleutel een naam, zodat u hem later herkent.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Een naam is hoogstens %(n)s tekens.") % {"n": NAME_MAX}
    if days not in LIFETIMES:
        errors["expires_at"] = _("Kies hoe lang de sleutel geldig is: %(choices)s dagen.") % {
            "choices": ", ".join(map(str, LIFETIMES))}
    if errors:
        raise ValidationError(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(user=user, name=name, prefix=secret[:10], key_hash=token_hash(secret),
                     created_at=now, expires_at=now + timedelta(days=days))
    save_recorded(token, actor=actor, reason=reason or _("API-sleutel aangemaakt"))
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor, reason: str = "") -> ApiToken:
    """Revoke a token at once: the next request with it is refused."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    policy.ensure_may_manage_token(actor, token)
    if token.is_revoked:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    return save_recorded(token, actor=actor, reason=reason or _("API-sleutel ingetrokken"))


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, or None (unknown, expired, revoked, or its owner
    may no longer log in). Notes the day it was used, at most once a day."""
    if not secret.startswith(PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=token_hash(secret)).first())
    if token is None or not token.is_active or not token.user.is_active:
        return None
    today = timezone.localdate()
    if token.last_used_on != today:
        token.last_used_on = today
        save_recorded(token, actor=token.user, reason=_("API-sleutel gebruikt"),
                      validate=False)
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("revoked_by")
