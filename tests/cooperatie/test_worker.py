import os

import pytest

from cooperatie.tasks import ping
from tests.workers import running_worker


@pytest.mark.worker
def test_task_runs_in_a_real_worker_process_with_the_embedded_broker(settings):
    assert settings.CELERY_BROKER_URL == "filesystem://" or os.environ.get("CELERY_BROKER_URL")
    with running_worker():
        pid = ping.delay().get(timeout=60)
    assert isinstance(pid, int) and pid != os.getpid()


@pytest.mark.worker
def test_the_embedded_broker_keeps_its_files_under_data_dir(settings):
    """Its queue, results and exchange tables ("control") live in DATA_DIR, never in the
    folder the worker was started from (the repository)."""
    from pathlib import Path

    if settings.CELERY_BROKER_URL != "filesystem://":
        pytest.skip("a broker server is configured")
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        assert Path(options[key]).is_relative_to(settings.DATA_DIR), key
    with running_worker():
        assert isinstance(ping.delay().get(timeout=60), int)
    assert (Path(settings.DATA_DIR) / "celery" / "control").is_dir()
    assert not (Path(settings.BASE_DIR) / "control").exists()
