"""The embedded broker (kombu's filesystem transport) for the laptop and the demo."""

import os
from pathlib import Path

# The exchanges the web, the worker and its scheduler publish to and bind at start.
EXCHANGES = ("celery", "celery.pidbox", "reply.celery.pidbox", "celeryev")


def prepare_control_folder(folder: Path) -> None:
    """Create each exchange's table, empty, before any process uses it. kombu creates a
    missing table by truncating then writing it, so a process reading it in between (the
    scheduler publishing while the worker binds its queue) got an empty file and crashed with
    a JSONDecodeError. An existing table is bound to under a lock, which is safe."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in EXCHANGES:
        table = folder / f"{name}.exchange"
        if table.exists():
            continue
        draft = folder / f".{name}.{os.getpid()}.draft"
        draft.write_text("[]")
        try:
            os.link(draft, table)  # atomic, and never over a table another process made
        except FileExistsError:
            pass
        finally:
            draft.unlink()
