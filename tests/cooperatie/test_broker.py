"""The embedded broker's exchange tables exist before any process binds or publishes, so a
process reading one while another makes it never reads an empty file."""

import json
import threading

from kombu import Connection

from cooperatie.broker import EXCHANGES, prepare_control_folder


def channel(folder):
    connection = Connection("filesystem://", transport_options={
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
