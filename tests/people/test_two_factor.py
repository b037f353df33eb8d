"""Two-factor sign-in: any person turns it on (QR and key on the page), signing in then asks
for the code; a cooperative can require it for its board and finance."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cooperatie.people import services
from tests.conftest import login
from tests.totp import totp

PASSWORD = "demo-2026"


def turn_on(client) -> str:
    client.post(reverse("two_factor_setup"), {"start": "1"})
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page and 'class="qr"' in page  # drawn on the server
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    response = client.post(reverse("two_factor_setup"), {"token": totp(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


@pytest.mark.django_db
def test_turn_on_then_sign_in_asks_for_the_code(client, users):
    login(client, "tom-directeur")
    assert client.get(reverse("two_factor_setup")).status_code == 200  # GET writes nothing
    assert not TOTPDevice.objects.filter(user=users["tom-directeur"]).exists()
    secret = turn_on(client)
    assert TOTPDevice.objects.get(user=users["tom-directeur"]).confirmed
    client.logout()
    response = client.post(reverse("login"), {"username": "tom-directeur", "password": PASSWORD})
    assert response.url == reverse("sign_in_code")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get(reverse("dashboard")).status_code == 302
    response = client.post(reverse("sign_in_code"), {"token": "000000"})
    assert response.status_code == 400 and "Deze code klopt niet" in response.content.decode()
    # A wrong code makes the next try wait (django-otp: 1 s, doubling with each failure).
    response = client.post(reverse("sign_in_code"), {"token": totp(secret, time.time() + 30)})
    assert "Te veel verkeerde codes" in response.content.decode()
    time.sleep(1.1)
    # The code of the next time step (the current one was spent on turning it on).
    response = client.post(reverse("sign_in_code"), {"token": totp(secret, time.time() + 30)})
    assert response.status_code == 302
    assert client.get(reverse("cooperative_home", kwargs={"code": "tom"})).status_code == 200


@pytest.mark.django_db
def test_a_cooperative_requires_it_for_the_board_and_finance(client, tom, users):
    services.sign_in_rule_set(cooperative=tom, two_factor_required=True,
                              actor=users["tom-beheerder"], reason="besluit ALV")
    home = reverse("cooperative_home", kwargs={"code": "tom"})
    for username in ("tom-voorzitter", "tom-financien"):
        login(client, username)
        response = client.get(home)
        assert response.status_code == 302 and response.url.startswith(
            reverse("two_factor_setup")), username
        assert "verplicht" in client.get(response.url).content.decode()
    login(client, "tom-directeur")  # a director is not asked
    assert client.get(home).status_code == 200
    login(client, "heerlen-voorzitter")  # nor another cooperative's board
    assert client.get(reverse("cooperative_home", kwargs={"code": "heerlen"})).status_code == 200
    login(client, "tom-voorzitter")
    turn_on(client)
    assert client.get(home).status_code == 200
    # Required: it cannot be turned off.
    response = client.post(reverse("two_factor_remove"), {"token": "123456"}, follow=True)
    assert "kunt haar niet uitzetten" in response.content.decode()
    assert TOTPDevice.objects.filter(user=users["tom-voorzitter"], confirmed=True).exists()


@pytest.mark.django_db
def test_the_rule_page_is_the_administrators(client, people_url, tom):
    login(client, "tom-voorzitter")
    assert client.post(people_url("sign_in_rule"), {"required": "1",
                                                    "reason": "x"}).status_code == 403
    login(client, "tom-beheerder")
    client.post(people_url("sign_in_rule"), {"required": "1", "reason": "besluit ALV"})
    assert tom.sign_in_rule.two_factor_required
    assert tom.sign_in_rule.history.first().history_change_reason == "besluit ALV"
