"""Wide pages and small screens (issue 13, items 9 and 10): no page scrolls sideways at
1280 px or at 390 px; wide tables scroll inside their own region with the first column (and on
the pooled budget the totals, last year and the difference) kept in view; on a phone the menu
folds behind one button."""

from tests.e2e.conftest import axe_violations, login, screenshot

PAGE_WIDTH = "document.documentElement.scrollWidth"


def _visible_in(region, cell) -> bool:
    """Whether `cell` lies within the scroll region's visible box (not scrolled away)."""
    outer, inner = region.bounding_box(), cell.bounding_box()
    return inner["x"] >= outer["x"] - 1 and inner["x"] + inner["width"] <= \
        outer["x"] + outer["width"] + 1


def test_wide_tables_keep_first_column_and_totals_in_view_at_1280(page):
    login(page, "heerlen-voorzitter")
    page.goto("/c/heerlen/begroting/gebundeld/")
    table = page.locator("#gebundeld")
    region = table.locator("xpath=..")
    assert page.evaluate(PAGE_WIDTH) <= 1280
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # heerlen's is wide
    region.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    headers = table.locator("thead th")
    for name in ("Buurt", "Totaal", "2025"):
        assert _visible_in(region, headers.filter(has_text=name).first), name
    assert _visible_in(region, headers.filter(has_text="Verschil").first)
    assert _visible_in(region, table.locator("tbody th").nth(1))  # a neighbourhood's name
    region.evaluate("e => { e.scrollLeft = e.scrollWidth / 2; }")
    page.wait_for_timeout(100)
    assert _visible_in(region, headers.filter(has_text="Totaal").first)
    assert axe_violations(page) == []
    screenshot(page, "gebundeld-breed")

    page.goto("/c/heerlen/inzet/")  # the coverage matrix
    assert page.evaluate(PAGE_WIDTH) <= 1280
    matrix = page.locator("table.matrix")
    region = matrix.locator("xpath=..")
    region.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    assert _visible_in(region, matrix.locator("tbody th[scope=row]").first)
    assert _visible_in(region, matrix.locator("thead th").filter(has_text="Ruimte"))
    region.evaluate("e => { e.scrollLeft = e.scrollWidth / 3; }")
    page.wait_for_timeout(100)
    assert _visible_in(region, matrix.locator("tbody th[scope=row]").first)
    assert _visible_in(region, matrix.locator("thead th").filter(has_text="Tekort"))


def test_grid_page_does_not_scroll_sideways_at_1280(page):
    login(page, "heerlen-directeur2")
    page.goto("/c/heerlen/begroting/invullen/")
    assert page.evaluate(PAGE_WIDTH) <= 1280


def test_phone_menu_folds_and_tables_scroll_in_their_own_region(browser, app_server):
    context = browser.new_context(base_url=app_server["url"], locale="nl-NL",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    login(page, "tom-voorzitter")
    header = page.locator("header.site")
    assert header.bounding_box()["height"] < 100  # was 310 of 844 px
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert menu.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible()
    assert axe_violations(page) == []
    screenshot(page, "telefoon-menu")
    nav.get_by_role("link", name="Besluiten").click()
    page.get_by_role("heading", name="Besluitenregister").wait_for()
    pages = {}
    for name in ("register", "proposal"):
        assert page.evaluate(PAGE_WIDTH) <= 390, name
        scrolls = page.evaluate("""() => Array.from(document.querySelectorAll('main table'))
            .every(t => { const r = t.closest('.scroll'); return r &&
                          getComputedStyle(r).overflowX === 'auto'; })""")
        assert scrolls, name
        assert axe_violations(page) == [], name
        pages[name] = page.url
        if name == "register":
            screenshot(page, "telefoon-besluiten")
            page.locator("#besluiten tbody a").first.click()
            page.wait_for_load_state()
    assert "/voorstel/" in pages["proposal"]
    for path in ("/c/tom/verdeling/", "/c/tom/begroting/gebundeld/", "/c/tom/evaluatie/",
                 "/c/tom/inzet/"):
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= 390, path
    context.close()


def test_board_pages_fit_a_phone_before_scripts_run(browser, app_server):
    """The board's pages wrap their tables in their own scroll regions on the server, so the
    page fits at 390 px also before site.js runs (CI measured the register at 775 px then)."""
    context = browser.new_context(base_url=app_server["url"], locale="nl-NL",
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  java_script_enabled=False)
    page = context.new_page()
    login(page, "tom-voorzitter")
    page.goto("/c/tom/besluiten/")
    proposal = page.locator("#besluiten tbody a").first.get_attribute("href")
    for path in ("/c/tom/besluiten/", "/c/tom/besluiten/voorstellen/", proposal,
                 "/c/tom/besluiten/machtigingen/"):  # the last: a form with long choices
        page.goto(path)
        assert page.evaluate(PAGE_WIDTH) <= 390, path
        assert page.locator("main table:not(.scroll table)").count() == 0, path
    context.close()
