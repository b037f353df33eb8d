"""Rate limiting per token (or per logged-in user), so one runaway refresh cannot slow the
product for everyone. The counts live in the cache (CACHE_URL: shared between processes)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
