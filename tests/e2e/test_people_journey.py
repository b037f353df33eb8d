"""Two-factor sign-in end to end in the browser (the code computed by the test), and the
people and notification pages axe-clean at 1280 and 390 px."""

import re
import time

import pytest

from tests.e2e.conftest import PASSWORD, axe_violations, login, screenshot
from tests.totp import totp

USER = "malberg-bestuurslid"  # used by no other journey: two-factor stays on for this login


def test_two_factor_sign_in_in_the_browser(page):
    login(page, USER)
    page.goto("/account/")
    page.get_by_role("link", name="Tweestapsverificatie aanzetten").click()
    page.get_by_role("button", name="Beginnen").click()
    page.locator("figure.qr-code svg").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "tweestapsverificatie")
    secret = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)
    page.get_by_label("Code uit uw app").fill(totp(secret))
    page.get_by_role("button", name="Bevestigen").click()
    page.get_by_text("Tweestapsverificatie staat aan.").wait_for()

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(USER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/inloggen/code/")
    assert axe_violations(page) == []
    page.get_by_label("Code uit uw app").fill("000000")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_text("Deze code klopt niet.").wait_for()
    time.sleep(1.2)  # a wrong code makes the next try wait a second
    # The next time step's code: the current one was spent on turning it on.
    page.get_by_label("Code uit uw app").fill(totp(secret, time.time() + 30))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    assert page.get_by_role("heading", name="Wat moet ik nog doen?").count() == 1


PAGES = ["/c/malberg/mensen/", "/c/malberg/mensen/uitnodigen/", "/meldingen/",
         "/meldingen/instellingen/", "/account/", "/c/malberg/begroting/"]


@pytest.mark.parametrize("width", [1280, 390])
def test_people_and_notification_pages_are_accessible(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "malberg-beheerder")
    problems = {}
    for path in PAGES:
        assert page.goto(path).status == 200, path
        if found := axe_violations(page):
            problems[path] = found
    page.goto("/c/malberg/mensen/")
    page.get_by_role("link", name="Olaf Vermeulen").click()
    if found := axe_violations(page):
        problems["person"] = found
    if width == 1280:
        screenshot(page, "persoon")
    assert problems == {}


def test_forgotten_password_and_lock_pages_are_accessible(page):
    page.goto("/inloggen/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    assert axe_violations(page) == []
    page.get_by_label("E-mailadres").fill("malberg-directeur@example.org")
    page.get_by_role("button", name="Link versturen").click()
    page.get_by_role("heading", name="Kijk in uw mailbox").wait_for()
    assert axe_violations(page) == []
