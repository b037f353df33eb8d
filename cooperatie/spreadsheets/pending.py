"""Uploads waiting between their preview and the user's confirmation.

Kept in DATA_DIR/uploads under a random token for UPLOAD_PREVIEW_HOURS at most; removed on
confirm or cancel, and swept on every new upload (and by the beat task `uploads_sweep`), so
an upload nobody confirms does not stay on the server."""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SUFFIX = ".upload"


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token) -> Path | None:
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return _folder() / f"{token}{SUFFIX}"


def _max_age() -> float:
    return settings.UPLOAD_PREVIEW_HOURS * 3600


def stash(data: bytes) -> str:
    """Keep `data` for the confirmation; returns its token."""
    sweep()
    token = secrets.token_urlsafe(16)
    _path(token).write_bytes(data)
    return token


def fetch(token) -> bytes | None:
    """The upload's bytes, or None when it is unknown, removed or expired."""
    path = _path(token)
    if path is None:
        return None
    try:
        if path.stat().st_mtime < time.time() - _max_age():
            path.unlink(missing_ok=True)
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def claim(token) -> bytes | None:
    """Like fetch, but the upload is taken away at once: of two confirmations of one upload
    (a double click, two tabs) only the first gets it."""
    path = _path(token)
    if path is None:
        return None
    taken = path.with_name(f"{path.stem}.{secrets.token_hex(8)}.taken")
    try:
        path.rename(taken)  # atomic: only one renamer finds the file
    except FileNotFoundError:
        return None
    try:
        if taken.stat().st_mtime < time.time() - _max_age():
            return None
        return taken.read_bytes()
    finally:
        taken.unlink(missing_ok=True)


def discard(token) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep() -> int:
    """Remove every upload older than UPLOAD_PREVIEW_HOURS; returns how many."""
    limit = time.time() - _max_age()
    removed = 0
    for path in _folder().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
