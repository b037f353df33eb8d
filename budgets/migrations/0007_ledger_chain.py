"""Chain every ledger transaction to the previous one of its cooperative (budgets.chain), and
fill the chain for the rows that exist: once, with the append-only triggers lifted for it."""

from django.db import migrations, models

from budgets import append_only, chain


def fill(apps, schema_editor):
    LedgerTransaction = apps.get_model("budgets", "LedgerTransaction")
    LedgerEntry = apps.get_model("budgets", "LedgerEntry")
    cooperatives = (LedgerTransaction.objects.order_by().values_list("cooperative_id", flat=True)
                    .distinct())
    with append_only.suspended(schema_editor.connection):
        for cooperative_id in list(cooperatives):
            previous, batch = chain.GENESIS, []
            postings = LedgerTransaction.objects.filter(cooperative_id=cooperative_id)
            for posting in postings.order_by("id").iterator(chunk_size=2000):
                entries = LedgerEntry.objects.filter(transaction_id=posting.pk).values_list(
                    *chain.ENTRY_FIELDS)
                posting.chain_hash = previous = chain.link(
                    previous, [getattr(posting, f) for f in chain.TRANSACTION_FIELDS], entries)
                batch.append(posting)
                if len(batch) >= 2000:
                    LedgerTransaction.objects.bulk_update(batch, ["chain_hash"])
                    batch = []
            LedgerTransaction.objects.bulk_update(batch, ["chain_hash"])


class Migration(migrations.Migration):
    dependencies = [("budgets", "0006_ledger_append_only_sqlite")]
    operations = [
        migrations.AddField(
            model_name="ledgertransaction", name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64,
                                   verbose_name="ketenhash"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
