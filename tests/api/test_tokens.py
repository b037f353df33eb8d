"""Personal API tokens: made on a page, shown once, stored hashed, with a name and an expiry;
listed; revoked after a confirmation; every step in the history."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from tests.conftest import login

from .conftest import bearer, make_token

pytestmark = pytest.mark.django_db


def test_a_user_makes_a_token_on_the_page_and_sees_it_once(client, users):
    login(client, "tom-financien")
    page = client.get("/api-sleutels/")
    assert page.status_code == 200 and "Nieuwe sleutel" in page.content.decode()

    made = client.post("/api-sleutels/", {"name": "Power BI bestuur", "days": "90"})
    assert made.status_code == 201
    assert "no-store" in made["Cache-Control"]
    html = made.content.decode()
    token = ApiToken.objects.get(user=users["tom-financien"], name="Power BI bestuur")
    secret = html.split('id="api-secret"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith("sb_") and len(secret) > 40
    # Stored as a hash only; the list shows its first characters, never the whole secret.
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    listing = client.get("/api-sleutels/").content.decode()
    assert "Power BI bestuur" in listing and token.prefix in listing and secret not in listing
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    # The secret works as a token at once.
    assert bearer(secret).get("/api/cooperatives/").status_code == 200
    first = token.history.earliest()
    assert first.history_user == users["tom-financien"]
    assert first.history_change_reason == "API-sleutel aangemaakt"


def test_a_token_needs_a_name_and_a_lifetime_from_the_list(client, users):
    login(client, "tom-financien")
    response = client.post("/api-sleutels/", {"name": "  ", "days": "9999"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Er is niets opgeslagen" in html and "Geldig" in html
    assert not ApiToken.objects.filter(user=users["tom-financien"]).exists()


def test_revoking_asks_first_then_the_token_stops_working(client, users):
    token, secret = make_token(users["tom-financien"])
    login(client, "tom-financien")
    confirm = client.get(f"/api-sleutels/{token.pk}/intrekken/")
    assert confirm.status_code == 200 and "niet ongedaan" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # no GET writes
    done = client.post(f"/api-sleutels/{token.pk}/intrekken/", {"reason": "laptop kwijt"})
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_by == users["tom-financien"]
    assert token.history.latest().history_change_reason == "laptop kwijt"
    refused = bearer(secret).get("/api/cooperatives/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Deze API-sleutel is onbekend, verlopen of ingetrokken."
    assert "ingetrokken" in client.get("/api-sleutels/").content.decode()


def test_someone_elses_token_is_not_found(client, users):
    token, _secret = make_token(users["tom-financien"], name="Sleutel van financiën")
    login(client, "tom-directeur")
    assert client.get(f"/api-sleutels/{token.pk}/intrekken/").status_code == 404
    assert client.post(f"/api-sleutels/{token.pk}/intrekken/").status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked
    assert token.name not in client.get("/api-sleutels/").content.decode()


def test_an_expired_token_or_a_deactivated_owner_is_refused(users):
    token, secret = make_token(users["tom-financien"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1),
                                                created_at=timezone.now() - timedelta(days=91))
    assert bearer(secret).get("/api/cooperatives/").status_code == 401

    token, secret = make_token(users["tom-directeur"])
    assert bearer(secret).get("/api/cooperatives/").status_code == 200
    users["tom-directeur"].is_active = False
    users["tom-directeur"].save()
    assert bearer(secret).get("/api/cooperatives/").status_code == 401


def test_garbage_and_missing_tokens_get_a_dutch_401(client):
    for header in ("Bearer sb_nope", "Bearer", "Bearer a b", "Bearer ÿ"):
        response = client.get("/api/cooperatives/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert "sleutel" in response.json()["detail"]
    anonymous = client.get("/api/cooperatives/")
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"].startswith("Log in of geef een API-sleutel mee")


def test_use_is_noted_once_a_day(users):
    token, secret = make_token(users["tom-financien"])
    client = bearer(secret)
    for _ in range(3):
        assert client.get("/api/cooperatives/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_on == timezone.localdate()
    assert token.history.filter(history_change_reason="API-sleutel gebruikt").count() == 1
