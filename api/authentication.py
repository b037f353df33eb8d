"""`Authorization: Bearer <token>`: a personal API token acts as its owner."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None  # no token: another authentication (the session) may apply
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Geef de sleutel als 'Authorization: Bearer <sleutel>', zonder spaties in "
                  "de sleutel."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is ongeldig.")) from None
        token = services.token_authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Deze API-sleutel is onbekend, verlopen of ingetrokken."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "apiSleutel"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Een persoonlijke API-sleutel (maak er een op de pagina "
                               "'API-sleutels'); hij werkt met precies uw eigen rechten."}
