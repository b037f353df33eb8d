import pytest
from django.contrib.auth import get_user_model

from cooperatie.models import Cooperative
from fixtures.demo import load_demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the three demo cooperatives."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo_after_flush(django_db_blocker):
    """For transactional tests: put the demo back after the flush at their end. And before the
    test where it is missing: in a live-server test pytest-django's autouse helper sets up the
    transactional database before this fixture, so that test's flush comes after our reload."""
    with django_db_blocker.unblock():
        if not Cooperative.objects.exists():
            load_demo()
    yield
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def users(db):
    User = get_user_model()
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def tom(db):
    return Cooperative.objects.get(code="tom")


@pytest.fixture
def heerlen(db):
    return Cooperative.objects.get(code="heerlen")


@pytest.fixture
def malberg(db):
    return Cooperative.objects.get(code="malberg")


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client
