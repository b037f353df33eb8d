"""Previewed uploads wait a few hours at most, and go on confirm or cancel."""

import os
import time

from cooperatie.spreadsheets import pending
from cooperatie.tasks import uploads_sweep


def test_an_upload_waits_until_fetched_or_discarded(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    token = pending.stash(b"werkmap")
    assert pending.fetch(token) == b"werkmap"
    pending.discard(token)
    assert pending.fetch(token) is None
    assert list((tmp_path / "uploads").iterdir()) == []


def test_an_unconfirmed_upload_expires_within_hours(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.UPLOAD_PREVIEW_HOURS = 2
    old, fresh = pending.stash(b"oud"), pending.stash(b"nieuw")
    past = time.time() - 2 * 3600 - 60
    os.utime(tmp_path / "uploads" / f"{old}{pending.SUFFIX}", (past, past))
    assert pending.fetch(old) is None  # expired: gone, even before the sweep
    os.utime(tmp_path / "uploads" / f"{fresh}{pending.SUFFIX}", (past, past))
    assert uploads_sweep() == 1
    assert list((tmp_path / "uploads").iterdir()) == []


def test_tokens_never_name_another_file(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "geheim").write_bytes(b"x")
    assert pending.fetch("../geheim") is None
    assert pending.fetch(None) is None
