"""A template filled in and saved by LibreOffice (as .xlsx and as .ods) reads back to the cent.
LibreOffice runs headless with a profile of its own; skipped where it is not installed."""

import os
import shutil
import subprocess
from decimal import Decimal

import pytest

from budgets import excel, services
from tests.budgets.xlsx import fill, template_bytes

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) is not installed")]


def saved_by_libreoffice(source, tmp_path) -> dict[str, bytes]:
    """LibreOffice opens `source` and saves it as .xlsx and .ods (one run per format: it
    takes one output format per run)."""
    profile = f"file://{tmp_path / 'profile'}"
    saved = {}
    for kind in ("xlsx", "ods"):
        out = tmp_path / kind
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", kind, "--outdir", str(out), str(source)],
                       check=True, capture_output=True, timeout=180,
                       env={**os.environ, "HOME": str(tmp_path)})
        saved[kind] = (out / f"{source.stem}.{kind}").read_bytes()
    return saved


def test_a_template_saved_by_libreoffice_imports_to_the_cent(draft, hoods, streams, users,
                                                             tmp_path):
    h, s = hoods, streams
    typed = {
        (h[0].code, s[0].code): 12500.5,
        (h[0].code, s[1].code): "1.234,56",
        (h[1].code, s[0].code): "=12*4500",  # LibreOffice calculates and saves the result
        (h[1].code, s[2].code): "=0.1+0.2",
        (h[2].code, s[1].code): 0,
        (h[3].code, s[2].code): "€ 1.250,-",
    }
    expected = {
        (h[0].code, s[0].code): Decimal("12500.50"),
        (h[0].code, s[1].code): Decimal("1234.56"),
        (h[1].code, s[0].code): Decimal("54000.00"),
        (h[1].code, s[2].code): Decimal("0.30"),
        (h[2].code, s[1].code): Decimal("0.00"),
        (h[3].code, s[2].code): Decimal("1250.00"),
    }
    source = tmp_path / "ingevuld.xlsx"
    source.write_bytes(fill(template_bytes(draft), typed,
                            notes={(h[0].code, s[0].code): "=geen formule, wel tekst"}))
    saved = saved_by_libreoffice(source, tmp_path)

    uploads = {kind: excel.read_upload(data, budget=draft, filename=f"b.{kind}")
               for kind, data in saved.items()}
    for kind, upload in uploads.items():
        assert upload.errors == [], kind
        got = {(r.neighbourhood.code, r.funding_stream.code): r.amount for r in upload.rows
               if r.amount is not None}
        assert got == expected, kind
        formulas = {(r.neighbourhood.code, r.funding_stream.code): r.formula
                    for r in upload.rows if r.formula}
        assert formulas[(h[1].code, s[0].code)] == "=12*4500", kind
        assert next(r.note for r in upload.rows if r.amount == Decimal("12500.50")) == \
            "=geen formule, wel tekst"
        assert upload.staff is not None  # the Inzet sheet came along
    director = users["tom-directeur"]
    services.budget_import(budget=draft, upload=uploads["ods"], expected_version=draft.version,
                           actor=director, reason="LibreOffice .ods")
    lines = {(ln.neighbourhood.code, ln.funding_stream.code): ln.amount
             for ln in draft.lines.all()}
    assert lines == expected
    assert sum(lines.values()) == Decimal("68985.36")
    # the .xlsx LibreOffice saved reads exactly the same: nothing left to change
    assert services.budget_changes(draft, uploads["xlsx"].rows) == []
