"""The browser enforces the Content-Security-Policy, and the admin works under it (every test
here, like every journey, fails on anything the policy blocks: see the `page` fixture)."""

from tests.e2e.conftest import PASSWORD


def test_the_browser_refuses_an_inline_script(browser, app_server):
    context = browser.new_context(base_url=app_server["url"])
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto("/inloggen/")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
        document.body.insertAdjacentHTML('beforeend', '<p id="styled" style="color: red">x</p>');
    }""")
    assert page.evaluate("() => window.injected") is None
    assert page.evaluate("() => getComputedStyle(document.getElementById('styled')).color") \
        != "rgb(255, 0, 0)"
    page.wait_for_timeout(200)
    context.close()
    assert any("Content Security Policy" in text for text in blocked)


def test_admin_signs_in_and_works_under_the_policy(page):
    page.goto("/beheer/login/")
    page.locator("#id_username").fill("beheerder")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/beheer/")
    page.goto("/beheer/budgets/ledgertransaction/")
    assert page.locator("#result_list tbody tr").count() > 0
    page.locator("#result_list tbody tr a").first.click()
    page.get_by_role("link", name="Geschiedenis").click()
    assert page.locator("#content h1").inner_text()
    page.goto("/beheer/cooperatie/team/add/")
    # The admin's own scripts run: the two-pane picker for the neighbourhoods is built by JS.
    page.locator("#id_neighbourhoods_from").wait_for()
