"""The people package's e-mails: an invitation and a password reset (rendered by the worker,
in the recipient's language; links from SITE_URL)."""

from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from cooperatie.notifications.mail import absolute, renderer

from .models import Invitation


@renderer("invitation")
def invitation_mail(mail) -> tuple[str, str]:
    from .services import display, invitation_token

    invitation = Invitation.objects.select_related("user", "cooperative", "invited_by").get(
        pk=mail.ref_id)
    has_account = invitation.user.has_usable_password()
    link = absolute(reverse("login") if has_account
                    else reverse("invitation_accept", args=[invitation_token(invitation)]))
    body = render_to_string("people/mail/invitation.txt", {
        "person": invitation.user, "name": display(invitation.user),
        "cooperative": invitation.cooperative, "by": display(invitation.invited_by),
        "link": link, "has_account": has_account, "expires_at": invitation.expires_at,
        "username": invitation.user.username,
    })
    return _("Uitnodiging voor %(cooperative)s in Samen begroten") % {
        "cooperative": invitation.cooperative.name}, body


@renderer("password_reset")
def password_reset_mail(mail) -> tuple[str, str]:
    from .services import display

    user = mail.user
    link = absolute(reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)}))
    body = render_to_string("people/mail/password_reset.txt", {
        "name": display(user), "username": user.username, "link": link})
    return _("Wachtwoord opnieuw instellen voor Samen begroten"), body
