"""Telling people things: notify (inbox + e-mail as they chose), the outbox, preferences."""

import contextlib
import threading

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperatie.history import save_recorded

from .models import DEFAULT_DELIVERY, Delivery, Kind, Mail, Notification, Preference, Recipient


def delivery_for(user, kind: str) -> str:
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True)
    return chosen.first() or DEFAULT_DELIVERY[Kind(kind)]


def preferences_of(user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind}


@transaction.atomic
def preference_set(*, user, kind: str, delivery: str, actor) -> Preference:
    """Only the person chooses for themselves."""
    if actor.pk != user.pk:
        raise PermissionError("a person's preferences are their own")
    pref = Preference.objects.filter(user=user, kind=kind).first() or Preference(user=user,
                                                                                 kind=kind)
    pref.delivery = delivery
    return save_recorded(pref, actor=actor, reason=_("meldingsvoorkeur gekozen"))


def language_of(user) -> str:
    chosen = Recipient.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def language_set(*, user, language: str, actor) -> Recipient:
    recipient = Recipient.objects.filter(user=user).first() or Recipient(user=user)
    if recipient.language == language and recipient.pk:
        return recipient
    recipient.language = language
    return save_recorded(recipient, actor=actor, reason=_("taal gekozen"))


def mail_enqueue(*, key: str, kind: str, user, ref_id: int | None = None) -> Mail | None:
    """Put one e-mail in the outbox; the worker sends it after this transaction commits.
    A key that is already there means: already queued or sent, nothing to do (None)."""
    if not user.email:
        return None
    try:
        with transaction.atomic():
            mail = Mail.objects.create(key=key[:200], kind=kind, user=user, ref_id=ref_id)
    except IntegrityError:
        return None
    from .tasks import send_mail

    transaction.on_commit(lambda: send_mail.delay(mail.pk))
    return mail


_quiet = threading.local()


@contextlib.contextmanager
def quiet():
    """Write data without telling anyone (loading the demo, generating scale data): what a
    loader does is history, not news."""
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = False


def notify(*, user, kind: str, key: str, params: dict, url: str = "",
           cooperative=None) -> Notification | None:
    """Tell `user` something once: the key decides 'once' (None when it was told before).
    It lands in the inbox at once and goes out by e-mail as the person chose."""
    if not user.is_active or getattr(_quiet, "on", False):
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key[:200], user=user, kind=kind, params=params, url=url,
                cooperative=cooperative, delivery=delivery_for(user, kind),
            )
    except IntegrityError:
        return None
    if notification.delivery == Delivery.IMMEDIATELY:
        mail_enqueue(key=f"notification:{notification.pk}", kind="notification", user=user,
                     ref_id=notification.pk)
    return notification


def notify_all(users, **kwargs) -> int:
    """`notify` each user; `key` may hold '{user}' for the user's id."""
    key = kwargs.pop("key")
    return sum(1 for u in users if notify(user=u, key=key.format(user=u.pk), **kwargs))


def mark_read(*, user, ids=None) -> int:
    """Mark the person's own notifications read (no history: a read mark is not a change to
    anything the cooperative records)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def digest_prepare(user, day) -> Mail | None:
    """Collect the person's waiting digest notifications into today's one digest e-mail."""
    with transaction.atomic():
        waiting = Notification.objects.filter(user=user, delivery=Delivery.DIGEST,
                                              digest__isnull=True)
        if not waiting.exists():
            return None
        mail = mail_enqueue(key=f"digest:{user.pk}:{day.isoformat()}", kind="digest", user=user)
        if mail is not None:
            waiting.update(digest=mail)
        return mail
