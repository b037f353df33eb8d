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


RAW = [
    ("UPDATE budgets_ledgerentry SET amount = 0 WHERE id = %s", "entry"),
    ("UPDATE budgets_ledgerentry SET transaction_id = transaction_id WHERE id = %s", "entry"),
    ("DELETE FROM budgets_ledgerentry WHERE id = %s", "entry"),
    ("UPDATE budgets_ledgertransaction SET reason = 'anders' WHERE id = %s", "transaction"),
    ("DELETE FROM budgets_ledgertransaction WHERE id = %s", "transaction"),
]


@pytest.mark.parametrize("sql,target", RAW)
def test_the_database_itself_refuses_raw_updates_and_deletes(db, sql, target):
    """On SQLite (the default) as on PostgreSQL: triggers, not only the model layer."""
    entry = LedgerEntry.objects.select_related("transaction").first()
    with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk if target == "entry" else entry.transaction_id])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount
    assert LedgerTransaction.objects.get(pk=entry.transaction_id).reason == \
        entry.transaction.reason


def test_the_triggers_survive_every_migration(db):
    """SQLite loses a table's triggers when a migration rebuilds the table."""
    from budgets import append_only

    expected = ({f"{t}_append_only" for t in append_only.TABLES}
                if connection.vendor == "postgresql" else
                {f"{t}_append_only_{op}" for t in append_only.TABLES
                 for op in ("update", "delete")})
    assert append_only.installed(connection) == expected


def test_inserting_still_works_under_the_triggers(db):
    from budgets import ledger

    posting = LedgerTransaction.objects.first()
    new = ledger.reverse(posting=posting, actor=posting.posted_by, reason="proef")
    assert new.entries.count() == posting.entries.count()


def test_demo_reversal_cancels_exactly(db):
    for reversal in LedgerTransaction.objects.filter(kind=LedgerTransaction.Kind.REVERSAL):
        original = sum(e.amount for e in reversal.reverses.entries.all())
        assert sum(e.amount for e in reversal.entries.all()) == -original
