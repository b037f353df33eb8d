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
