import pytest
from django.test import Client

from api import services


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Each test starts with an empty rate-limit count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_token(user, days=90, name="Power BI"):
    token, secret = services.token_create(user=user, name=name, days=days, actor=user)
    return token, secret


def bearer(secret) -> Client:
    """A client with no session: every request carries only the token."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def api_as(users):
    def client_for(username):
        return bearer(make_token(users[username])[1])
    return client_for
