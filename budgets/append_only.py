"""The database itself refuses an UPDATE or DELETE of a ledger row, on PostgreSQL and on the
SQLite default alike (the model layer refuses them too, but raw SQL would pass it).

SQLite drops a table's triggers when Django rebuilds the table in a migration (an altered
column): a migration that does so on a ledger table must call `install` again afterwards;
tests/budgets/test_append_only.py fails if the triggers are missing."""

import contextlib

TABLES = ("budgets_ledgertransaction", "budgets_ledgerentry")
MESSAGE = "het grootboek is alleen-toevoegen: {op} op {table} geweigerd"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'het grootboek is alleen-toevoegen: % op % geweigerd', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _sqlite_triggers(table: str) -> dict[str, str]:
    return {
        f"{table}_append_only_{op.lower()}": (
            f"CREATE TRIGGER IF NOT EXISTS {table}_append_only_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op=op, table=table)}'); END;"
        )
        for op in ("UPDATE", "DELETE")
    }


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ledger_append_only();")
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for statement in _sqlite_triggers(table).values():
                    cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            elif connection.vendor == "sqlite":
                for name in _sqlite_triggers(table):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def installed(connection) -> set[str]:
    """Names of the append-only triggers the database has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                           "AND tgname LIKE %s", ["%_append_only"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE %s", ["%_append_only_%"])
        return {name for (name,) in cursor.fetchall()}


@contextlib.contextmanager
def suspended(connection):
    """For the rare write that must touch ledger rows as a whole: a data migration that fills
    a new column, or `flush` emptying the database. Inside one transaction where possible."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
