"""Tamper evidence: each ledger transaction is chained to the previous one of its cooperative;
`verify_ledger` recomputes the chain and names the first transaction that does not match, also
after a change made behind the application's back (raw SQL with the triggers lifted)."""

import contextlib
import io
import threading
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import DatabaseError, connection, connections, transaction

from budgets import append_only, chain, ledger
from budgets.models import LedgerEntry, LedgerTransaction
from reports.builders import Scope, build


def tamper(sql: str, params: list) -> None:
    """What someone with the database's owner rights could do."""
    with append_only.suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_command(code: str) -> str:
    out = io.StringIO()
    call_command("verify_ledger", cooperative=code, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("code", ["heerlen", "malberg", "tom"])
def test_the_demo_ledger_is_chained_and_intact(db, code):
    from cooperatie.models import Cooperative

    coop = Cooperative.objects.get(code=code)
    check = chain.verify(coop.pk)
    assert check.intact
    assert check.checked == LedgerTransaction.objects.filter(cooperative=coop).count() > 0
    assert check.head == LedgerTransaction.objects.filter(cooperative=coop).last().chain_hash
    assert "in orde" in verify_command(code) and check.head in verify_command(code)


def test_each_transaction_chains_to_the_previous_one_of_its_cooperative(tom, heerlen):
    first = LedgerTransaction.objects.filter(cooperative=tom).first()
    entries = LedgerEntry.objects.filter(transaction=first).values_list(*chain.ENTRY_FIELDS)
    assert first.chain_hash == chain.link(
        chain.GENESIS, chain.values(first, chain.TRANSACTION_FIELDS), entries)
    before_tom, before_heerlen = chain.head(tom.pk), chain.head(heerlen.pk)
    posting = ledger.reverse(posting=first, actor=first.posted_by, reason="proef")
    entries = posting.entries.values_list(*chain.ENTRY_FIELDS)
    assert posting.chain_hash == chain.link(
        before_tom, chain.values(posting, chain.TRANSACTION_FIELDS), entries)
    assert chain.head(heerlen.pk) == before_heerlen  # other cooperatives' chains untouched
    assert chain.verify(tom.pk).intact and chain.verify(heerlen.pk).intact


def test_the_canonical_form_has_exact_amounts_and_no_floats():
    def entry(amount, organisation=None):
        return (7, 2026, "contribution", amount, organisation, None, None, None, None)

    assert b"\n7,2026,contribution,10.50,3,,,," in chain.canonical((1,), [entry(Decimal("10.5"), 3)])
    assert b",0.00," in chain.canonical((1,), [entry(-Decimal("0.00"))])  # never "-0.00"
    assert chain.canonical((1,), [entry(Decimal("1")), entry(Decimal("-2"), 4)]) == \
        chain.canonical((1,), [entry(Decimal("-2.00"), 4), entry(Decimal("1.00"))])  # any order
    with pytest.raises(ValueError, match="2 decimalen"):
        chain.canonical((1,), [entry(Decimal("1.005"))])
    with pytest.raises(TypeError):
        chain.canonical((1,), [entry(1.5)])


TAMPERING = {
    "amount changed": ("UPDATE budgets_ledgerentry SET amount = amount + 0.01 WHERE id = %s",
                       "entry"),
    "entry moved to another neighbourhood": (
        "UPDATE budgets_ledgerentry SET neighbourhood_id = (SELECT MIN(id) FROM "
        "cooperatie_neighbourhood WHERE id <> budgets_ledgerentry.neighbourhood_id) "
        "WHERE id = %s", "entry"),
    "entry deleted": ("DELETE FROM budgets_ledgerentry WHERE id = %s", "entry"),
    "reason rewritten": ("UPDATE budgets_ledgertransaction SET reason = 'iets anders' "
                         "WHERE id = %s", "transaction"),
    "transaction deleted": ("DELETE FROM budgets_ledgertransaction WHERE id = %s", "gone"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_verify_ledger_names_the_first_tampered_transaction(tom, case):
    postings = list(LedgerTransaction.objects.filter(cooperative=tom).order_by("id"))
    target = next(p for p in postings[2:-1] if p.kind == LedgerTransaction.Kind.BUDGET)
    entry = target.entries.filter(neighbourhood__isnull=False).first()
    sql, kind = TAMPERING[case]
    if kind == "gone":  # its entries first (a foreign key); the chain breaks at the next one
        tamper("DELETE FROM budgets_ledgerentry WHERE transaction_id = %s", [target.pk])
    tamper(sql, [entry.pk if kind == "entry" else target.pk])
    expected = postings[postings.index(target) + 1] if kind == "gone" else target

    check = chain.verify(tom.pk)
    assert check.broken_at == expected.pk
    assert check.checked == postings.index(target)  # all before it still check out
    with pytest.raises(CommandError) as failure:
        verify_command("tom")
    assert f"boeking {expected.pk} klopt niet" in str(failure.value)
    assert "NIET IN ORDE" in str(failure.value)


def test_verify_ledger_exits_1_with_the_message_on_stderr(tom):
    target = LedgerTransaction.objects.filter(cooperative=tom).order_by("id")[1]
    tamper("UPDATE budgets_ledgertransaction SET description = 'vervalst' WHERE id = %s",
           [target.pk])
    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_ledger", "--cooperative", "tom"])
    assert exit_.value.code == 1
    assert f"boeking {target.pk} klopt niet met de keten" in err.getvalue()


def test_unknown_cooperative_is_named(db):
    with pytest.raises(CommandError, match="Onbekende coöperatie: 'nergens'"):
        verify_command("nergens")


def about(workbook_bytes: bytes) -> dict[str, str]:
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes))["Over dit rapport"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}


def test_every_report_states_the_chain_in_its_about_sheet(tom, tmp_path):
    from reports.builders import registry

    head = chain.head(tom.pk)
    workbooks = [slug for slug, report in registry().items() if report.extension == "xlsx"]
    assert len(workbooks) >= 6
    for slug in workbooks:
        path = tmp_path / f"{slug}.xlsx"
        build(slug, str(path), Scope(tom, 2026))
        line = about(path.read_bytes())["Keten van boekingen"]
        assert line.startswith("in orde") and head in line, slug
    target = LedgerTransaction.objects.filter(cooperative=tom).order_by("id")[3]
    tamper("UPDATE budgets_ledgerentry SET amount = 0 WHERE transaction_id = %s", [target.pk])
    build("pooled-budget", str(tmp_path / "after.xlsx"), Scope(tom, 2026))
    line = about((tmp_path / "after.xlsx").read_bytes())["Keten van boekingen"]
    assert line.startswith("NIET IN ORDE") and f"boeking {target.pk} klopt niet" in line


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_postings_chain_one_after_the_other(demo_after_flush, transactional_db, tom):
    """Two threads post for one cooperative at once: the lock on its row serialises them, so
    the chain has no fork (two transactions chained to the same predecessor)."""
    actor = LedgerTransaction.objects.filter(cooperative=tom).first().posted_by
    barrier = threading.Barrier(2)
    errors = []

    def post_one():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                ledger.post(cooperative=tom, year=2026, kind=LedgerTransaction.Kind.BUDGET,
                            source_type="proef", source_id=1, description="gelijktijdig",
                            reason="proef", actor=actor,
                            entries=[{"kind": LedgerEntry.Kind.CONTRIBUTION,
                                      "amount": Decimal("1.00")}])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert chain.verify(tom.pk).intact
    hashes = list(LedgerTransaction.objects.filter(cooperative=tom).values_list("chain_hash",
                                                                                flat=True))
    assert len(set(hashes)) == len(hashes)


def test_the_migration_chains_the_rows_that_were_there(demo_after_flush, transactional_db):
    """Unapply the chain migration and apply it again over the demo ledger: the data migration
    gives every row the hash that posting gave it, and the triggers are back afterwards."""
    from django.db.migrations.executor import MigrationExecutor

    before = dict(LedgerTransaction.objects.values_list("pk", "chain_hash"))
    triggers = append_only.installed(connection)
    executor = MigrationExecutor(connection)
    executor.migrate([("budgets", "0006_ledger_append_only_sqlite")])
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(
            cursor, "budgets_ledgertransaction")]
    assert "chain_hash" not in columns
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert dict(LedgerTransaction.objects.values_list("pk", "chain_hash")) == before
    assert append_only.installed(connection) == triggers
    with pytest.raises(DatabaseError, match="alleen-toevoegen"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM budgets_ledgerentry")
