import pytest
from django.urls import reverse


@pytest.fixture
def people_url():
    def url(name, code="tom", **kwargs):
        return reverse(f"people:{name}", kwargs={"code": code, **kwargs})
    return url
