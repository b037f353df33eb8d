# The allocation fixtures: a fresh plan put to tom's board is the classic proposal.
from tests.allocation.conftest import new_grant, proposed, tom_members  # noqa: F401
