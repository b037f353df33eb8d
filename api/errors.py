"""API errors as JSON with a Dutch `detail`: never a traceback, never an HTML page."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_handler


def exception_handler(exc, context):
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        exc.detail = ngettext(
            "Te veel verzoeken met deze sleutel. Probeer het over %(n)s seconde opnieuw.",
            "Te veel verzoeken met deze sleutel. Probeer het over %(n)s seconden opnieuw.",
            wait) % {"n": wait}
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = _("Log in of geef een API-sleutel mee: 'Authorization: Bearer <sleutel>'.")
    elif isinstance(exc, exceptions.MethodNotAllowed):
        exc.detail = _("De API kan alleen lezen (GET).")
    return drf_handler(exc, context)
