"""Throttle, then lock, against the real sign-in view (django-axes), per account and address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.urls import reverse

from tests.conftest import login

PASSWORD = "demo-2026"


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = sign_in(client, username, "fout-wachtwoord", address)
    return response


@pytest.mark.django_db
def test_right_password_signs_in_and_wrong_one_says_so_in_dutch(client):
    response = sign_in(client, "tom-directeur", "fout-wachtwoord")
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    response = sign_in(client, "tom-directeur", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("dashboard")


@pytest.mark.django_db
def test_five_failures_pause_the_account_on_that_address_only(client, settings):
    assert settings.SIGNIN_FAILURE_LIMIT == 5
    fail(client, "tom-directeur", 4)
    assert sign_in(client, "tom-directeur", "fout").status_code == 429  # the fifth
    # Even the right password waits now, with a Dutch message naming the wait.
    response = sign_in(client, "tom-directeur", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Te veel mislukte pogingen. Wacht 15 minuten" in text
    assert "_auth_user_id" not in client.session
    # Another address, and another account from this address, are not affected.
    assert sign_in(client, "tom-directeur", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert sign_in(client, "tom-voorzitter", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_after_the_pause_the_person_may_try_again(client):
    fail(client, "tom-directeur", 5)
    assert sign_in(client, "tom-directeur", PASSWORD).status_code == 429
    earlier = AccessAttempt.objects.get(username="tom-directeur")
    past = earlier.attempt_time - timedelta(minutes=16)
    AccessAttempt.objects.filter(pk=earlier.pk).update(attempt_time=past)
    AccessAttemptExpiration.objects.filter(access_attempt=earlier).update(
        expires_at=past + timedelta(minutes=15))
    assert sign_in(client, "tom-directeur", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="tom-directeur").exists()  # reset


@pytest.mark.django_db
def test_going_on_failing_locks_until_the_administrator_unlocks(client, people_url, users):
    response = fail(client, "tom-directeur", 10)
    assert response.status_code == 429
    text = response.content.decode()
    assert "geblokkeerd" in text and "Wachtwoord vergeten?" in text
    # A lock outlasts the pause.
    attempt = AccessAttempt.objects.get(username="tom-directeur")
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(hours=2))
    assert sign_in(client, "tom-directeur", PASSWORD).status_code == 429

    admin = login(client.__class__(), "tom-beheerder")
    person = users["tom-directeur"]
    page = admin.get(people_url("person", user_id=person.pk)).content.decode()
    assert "aanmelden geblokkeerd" in page and "Blokkade opheffen" in page
    response = admin.post(people_url("unlock", user_id=person.pk), {"reason": "belde zelf"})
    assert response.status_code == 302
    assert sign_in(client, "tom-directeur", PASSWORD).status_code == 302
    record = person.history.first()
    assert record.history_user == users["tom-beheerder"]
    assert "aanmeldblokkade opgeheven: belde zelf" == record.history_change_reason


@pytest.mark.django_db
def test_a_password_reset_lifts_the_lock(client, users):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    fail(client, "tom-directeur", 10)
    user = users["tom-directeur"]
    url = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user)})
    form_url = client.get(url).url  # Django swaps the token for a session and redirects
    new = "Zomer-in-Alphen-2027"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert sign_in(client, "tom-directeur", new).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("password, message", [
    ("kort-1", "Dit wachtwoord is te kort: gebruik minstens 10 tekens"),
    ("wachtwoord", "Dit wachtwoord is te algemeen"),
    ("1234567890123", "Dit wachtwoord bevat alleen cijfers"),
])
def test_password_rules_refuse_short_and_common_passwords(client, users, password, message):
    login(client, "tom-directeur")
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
