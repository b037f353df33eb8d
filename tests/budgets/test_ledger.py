from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from budgets.models import AppendOnlyError, LedgerEntry, LedgerTransaction


def test_entries_cannot_be_updated_or_deleted_in_the_model_layer(db):
    entry = LedgerEntry.objects.first()
    entry.amount = Decimal("1.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=0)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.first().delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_updates_and_deletes(db):
    entry = LedgerEntry.objects.first()
    for sql in ("UPDATE budgets_ledgerentry SET amount = 0 WHERE id = %s",
                "DELETE FROM budgets_ledgerentry WHERE id = %s",
                "DELETE FROM budgets_ledgertransaction WHERE id = %s"):
        with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk if "entry" in sql else entry.transaction_id])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_demo_reversal_cancels_exactly(db):
    for reversal in LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REVERSAL):
        original = sum(e.amount for e in reversal.reverses.entries.all())
        assert sum(e.amount for e in reversal.entries.all()) == -original
