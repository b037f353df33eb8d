"""Rendering and sending one e-mail of the outbox, in the recipient's language.

Other packages add their own kinds of e-mail (an invitation, a password reset) with
`renderer`; a renderer gets the Mail row and returns (subject, body) and is called inside
the recipient's language.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Mail, Notification
from .services import language_of
from .texts import describe

Renderer = Callable[[Mail], tuple[str, str]]
RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str):
    def register(func: Renderer) -> Renderer:
        RENDERERS[kind] = func
        return func
    return register


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path.startswith("/") else path


def render_mail(mail: Mail) -> tuple[str, str]:
    with translation.override(language_of(mail.user)):
        subject, body = RENDERERS[mail.kind](mail)
    return " ".join(subject.split()), body


def deliver(mail: Mail) -> None:
    subject, body = render_mail(mail)
    message = EmailMessage(subject, body, to=[mail.user.email],
                           headers={"Content-Language": language_of(mail.user),
                                    "Auto-Submitted": "auto-generated"})
    message.send(fail_silently=False)


def _footer_context() -> dict:
    return {"preferences_url": absolute(reverse("notifications:preferences"))}


@renderer("notification")
def _notification(mail: Mail) -> tuple[str, str]:
    n = Notification.objects.select_related("user").get(pk=mail.ref_id)
    title, text = describe(n.kind, n.params)
    body = render_to_string("notifications/mail/notification.txt", {
        "user": n.user, "title": title, "text": text, "url": absolute(n.url) if n.url else "",
        **_footer_context()})
    return title, body


@renderer("digest")
def _digest(mail: Mail) -> tuple[str, str]:
    from django.utils.translation import gettext as _

    items = [(*describe(n.kind, n.params), absolute(n.url) if n.url else "")
             for n in Notification.objects.filter(digest=mail).order_by("created_at", "id")]
    body = render_to_string("notifications/mail/digest.txt", {
        "user": mail.user, "items": items, **_footer_context()})
    return _("Uw overzicht van vandaag (%(count)s meldingen)") % {"count": len(items)}, body
