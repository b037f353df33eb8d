import pytest
from django.urls import reverse

from tests.conftest import login


@pytest.mark.parametrize("name,args", [
    ("staff_matrix", []), ("staff_teams", []), ("staff_team", ["SBT05"]),
    ("staff_needs", ["SBT05"]), ("staff_partner", ["hl-welzijn"]), ("staff_in_kind", []),
])
def test_pages_render_for_the_board(client, db, name, args):
    login(client, "heerlen-voorzitter")
    response = client.get(reverse(name, args=["heerlen", *args]))
    assert response.status_code == 200, response.content.decode()[:2000]
