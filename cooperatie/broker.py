"""The embedded broker (kombu's filesystem transport) for the laptop and the demo."""

import os
import uuid
from pathlib import Path
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

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


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Write the message under a name no reader takes, then rename it in. kombu creates
        the message file and only then writes it, so a worker moving it away in between read
        an empty message and stopped (JSONDecodeError), leaving every later task unrun."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        folder = Path(self.data_folder_out)
        draft = folder / f".{name}.draft"  # its text after the first dot ends in .draft
        try:
            draft.write_bytes(str_to_bytes(dumps(payload)))
            os.replace(draft, folder / name)  # atomic: whole or absent
        except OSError as exc:
            draft.unlink(missing_ok=True)
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc


class Transport(filesystem.Transport):
    """kombu's filesystem transport with messages that appear whole."""

    Channel = Channel
