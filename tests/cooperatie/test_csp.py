"""Content-Security-Policy: every response carries it, and no page needs an exception to it
(no inline script or style, no on*= handlers), neither in a template nor in HTML made in Python."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import login

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(p for app in ("cooperatie", "partners", "budgets", "reports", "api")
                   for p in (ROOT / app).rglob("templates/**/*.html"))

INLINE_IN_SOURCE = {
    "style= attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S),
    "<style> element": re.compile(r"<style\b", re.I),
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)", re.I),
    "on*= handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S),
    "javascript: address": re.compile(r"javascript:", re.I),
}


class InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block in a rendered page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style>")
        self._in_script = (tag == "script" and "src" not in attrs
                           and attrs.get("type") != "application/json")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self._in_script = False


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_checker_finds_what_the_policy_blocks():
    page = ('<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
            '<a href="javascript:x()">b</a><script src="/static/a.js"></script>'
            '<script type="application/json">{"a": 1}</script>')
    assert inline_parts(page) == ["<p style=…>", "<p onclick=…>", "inline <script>: alert(1)",
                                  "<style>", "<a href=javascript:…>"]
    assert {name for name, rule in INLINE_IN_SOURCE.items() if rule.search(page)} == set(
        INLINE_IN_SOURCE)


def test_no_template_has_inline_script_or_style():
    assert len(TEMPLATES) > 40
    problems = {f"{path.relative_to(ROOT)}: {what}"
                for path in TEMPLATES for what, rule in INLINE_IN_SOURCE.items()
                if rule.search(path.read_text())}
    assert problems == set()


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_response_sends_a_strict_policy(client, db):
    for path in ("/inloggen/", "/beheer/login/", "/static/cooperatie/site.css"):
        response = client.get(path)
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], path
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header
        # Nothing loosens script or style sources: they fall back to default-src 'self'.
        assert "script-src" not in directives and "style-src" not in directives


PAGES = {
    "tom-directeur": ["/c/tom/", "/c/tom/begroting/", "/c/tom/begroting/invullen/",
                      "/c/tom/begroting/uploaden/", "/c/tom/begroting/gebundeld/",
                      "/c/tom/structuur/", "/c/tom/inzet/", "/c/tom/inzet/teams/",
                      "/c/tom/inzet/mijn/", "/c/tom/evaluatie/", "/wachtwoord/"],
    "tom-penningmeester": ["/c/tom/", "/c/tom/verdeling/", "/c/tom/besluiten/",
                           "/c/tom/verdeling/lumpsum/nieuw/", "/c/tom/evaluatie/metingen/",
                           "/c/tom/evaluatie/indicatoren/"],
    "heerlen-financien": ["/c/heerlen/exports/", "/c/heerlen/inzet/natura/"],
    "beheerder": ["/beheer/", "/beheer/budgets/ledgertransaction/",
                  "/beheer/cooperatie/boardseat/add/", "/beheer/cooperatie/neighbourhood/add/",
                  "/beheer/budgets/ledgertransaction/1/change/"],
}


@pytest.mark.parametrize("username", sorted(PAGES))
def test_rendered_pages_need_nothing_inline(client, db, username):
    """Also HTML written in Python (the scorecard's SVG trends, form widgets, the admin)."""
    login(client, username)
    problems = {}
    for path in PAGES[username]:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response.headers
        found = inline_parts(response.content.decode())
        if found:
            problems[path] = found
    assert problems == {}
