"""The embedded broker never shows a process half a file: its exchange tables exist before any
process binds or publishes, and a message appears in the queue only once it is whole."""

import json
import os
import threading
from queue import Empty

import pytest
from kombu import Connection

from cooperatie.broker import EXCHANGES, Transport, prepare_control_folder


def channel(folder, transport=None):
    connection = Connection("filesystem://", transport=transport, transport_options={
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control")})
    (folder / "queue").mkdir(exist_ok=True)
    return connection.default_channel


def first_bind_seen_by_a_reader(folder) -> list[Exception]:
    """A worker binds its queue for the first time while the scheduler publishes: kombu opens
    a missing table for writing (emptying it) before it locks it; the reader runs between."""
    import kombu.transport.filesystem as fs

    errors: list[Exception] = []
    reader = channel(folder)
    real_lock, read_once = fs.lock, threading.Event()

    def lock_after_a_read(file, flags):
        if flags == fs.LOCK_EX and not read_once.is_set():
            read_once.set()
            reading = threading.Thread(target=read)
            reading.start()
            reading.join(10)
        real_lock(file, flags)

    def read():
        try:
            reader.get_table("celery")
        except Exception as error:  # noqa: BLE001 - what the scheduler would crash on
            errors.append(error)

    fs.lock = lock_after_a_read
    try:
        channel(folder)._queue_bind("celery", "celery", "", "celery")
    finally:
        fs.lock = real_lock
    assert read_once.is_set()
    return errors


def test_without_the_tables_a_reader_sees_an_empty_file(tmp_path):
    (tmp_path / "control").mkdir()
    errors = first_bind_seen_by_a_reader(tmp_path)
    assert errors and isinstance(errors[0], json.JSONDecodeError)


def test_with_the_tables_prepared_the_reader_sees_a_table(tmp_path):
    prepare_control_folder(tmp_path / "control")
    assert first_bind_seen_by_a_reader(tmp_path) == []
    for name in EXCHANGES:
        assert json.loads((tmp_path / "control" / f"{name}.exchange").read_text()) is not None
    table = channel(tmp_path).get_table("celery")
    assert [q.queue for q in table] == ["celery"]


def test_preparing_again_keeps_what_was_bound(tmp_path):
    prepare_control_folder(tmp_path / "control")
    channel(tmp_path)._queue_bind("celery", "celery", "", "celery")
    prepare_control_folder(tmp_path / "control")
    assert [q.queue for q in channel(tmp_path).get_table("celery")] == ["celery"]
    assert not list((tmp_path / "control").glob(".*draft"))


def a_reader_during_put(folder, transport, moment):
    """Put one message on queue "q" and, at `moment` of the write (a function of the module
    whose call is intercepted), let another process's reader take what is there."""
    reader = channel(folder, transport)
    seen: list = []

    def take():
        try:
            seen.append(reader._get("q"))
        except Empty:
            seen.append("empty")
        except Exception as error:  # noqa: BLE001 - what the worker would stop on
            seen.append(error)

    module, name = moment
    real = getattr(module, name)

    def intercepted(*args, **kwargs):
        if not seen:
            take()
        return real(*args, **kwargs)

    setattr(module, name, intercepted)
    try:
        channel(folder, transport)._put("q", {"body": "de export van 2026"})
    finally:
        setattr(module, name, real)
    return seen


def test_kombus_transport_lets_a_worker_take_a_message_before_it_is_written(tmp_path):
    import kombu.transport.filesystem as fs

    prepare_control_folder(tmp_path / "control")
    seen = a_reader_during_put(tmp_path, None, (fs, "lock"))  # after open, before write
    assert isinstance(seen[0], json.JSONDecodeError)


def test_our_transport_shows_a_message_only_whole(tmp_path):
    prepare_control_folder(tmp_path / "control")
    seen = a_reader_during_put(tmp_path, Transport, (os, "replace"))  # written, not yet in
    assert seen == ["empty"]
    reader = channel(tmp_path, Transport)
    assert reader._size("q") == 1
    assert reader._get("q") == {"body": "de export van 2026"}
    assert list((tmp_path / "queue").iterdir()) == []  # no draft left behind


def test_the_app_uses_our_transport(settings):
    from cooperatie.celery import app

    if settings.CELERY_BROKER_URL != "filesystem://":
        pytest.skip("a broker server is configured")
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, Transport)
