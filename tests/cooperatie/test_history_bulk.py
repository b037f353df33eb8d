"""The bulk writers of plain rows with history (cooperatie.history): a row is never written
without its history row, and a column cannot go unrecorded."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError

from budgets.models import BudgetLine, PartnerBudget
from cooperatie.history import delete_recorded, insert_recorded, tracked_columns


def test_the_written_columns_must_be_every_recorded_one(db, tom, users):
    assert sorted(tracked_columns(BudgetLine)) == sorted(
        ["id", "budget_id", "neighbourhood_id", "funding_stream_id", "amount", "note"])
    budget = PartnerBudget.objects.filter(budget_round__cooperative=tom).first()
    hood = tom.neighbourhoods.first()
    stream = tom.funding_streams.first()
    with pytest.raises(ImproperlyConfigured, match="note"):
        insert_recorded(BudgetLine, ["budget_id", "neighbourhood_id", "funding_stream_id",
                                     "amount"], [(budget.pk, hood.pk, stream.pk, Decimal("1"))],
                        actor=users["beheerder"], reason="test")
    assert not BudgetLine.history.filter(history_change_reason="test").exists()


def test_rows_others_hang_on_are_not_deleted_around_the_orm(db, users):
    with pytest.raises(NotSupportedError):
        delete_recorded(PartnerBudget, tracked_columns(PartnerBudget), [],
                        actor=users["beheerder"], reason="test")
