"""The OpenAPI 3 schema validates, names every resource and its filters, and the documentation
page is served by the app itself under its Content-Security-Policy."""

import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from openapi_spec_validator import validate

from tests.cooperatie.test_csp import inline_parts

from .conftest import make_token

pytestmark = pytest.mark.django_db


def test_the_schema_validates_and_documents_filters_and_money(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)  # raises on an invalid OpenAPI document
    assert schema["openapi"].startswith("3.")
    ledger = schema["paths"]["/api/cooperatives/{code}/ledger-entries/"]["get"]
    params = {p["name"] for p in ledger["parameters"]}
    assert {"year", "period", "partner", "neighbourhood", "stream", "kind", "cursor",
            "page_size"} <= params
    entry = schema["components"]["schemas"]["LedgerEntry"]["properties"]
    assert entry["amount"]["type"] == "string" and "decimal" in entry["amount"]["format"]
    assert schema["components"]["securitySchemes"]["apiSleutel"]["scheme"] == "bearer"
    for path, item in schema["paths"].items():
        assert set(item) <= {"get", "parameters"}, path  # read-only


def test_the_docs_page_uses_no_inline_script_or_style_and_only_our_own_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_parts(html) == []
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:" in policy
    assert "unsafe" not in policy and "script-src" not in policy  # scripts: 'self' only
    assert "http://" not in html and "https://" not in html  # no CDN
    for asset in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
                  "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                  "api/docs.js", "api/docs.css"):
        assert f"/static/{asset}" in html and finders.find(asset), asset


def test_the_root_points_the_way(client):
    body = client.get("/api/").json()
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_pages_through_the_ledger_with_a_token(demo_after_flush, transactional_db,
                                                    live_server, users):
    """What README shows: curl with the token, following `next` page by page."""
    from budgets.ledger import balance
    from budgets.models import LedgerEntry

    _token, secret = make_token(users["tom-financien"])
    url = f"{live_server.url}/api/cooperatives/tom/ledger-entries/?year=2026&page_size=25"
    total, pages = Decimal("0"), 0
    while url:
        out = subprocess.run(["curl", "--silent", "--fail", "-H", f"Authorization: Bearer {secret}",
                              url], capture_output=True, text=True, timeout=30, check=True)
        body = json.loads(out.stdout)
        total += sum(Decimal(row["amount"]) for row in body["results"])
        pages += 1
        url = body["next"]
    entries = LedgerEntry.objects.filter(cooperative__code="tom", year=2026)
    assert pages == -(-entries.count() // 25) > 1 and total == balance(entries) != 0


def test_schema_generation_has_no_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "ledger-entries" in (tmp_path / "s.yaml").read_text()
