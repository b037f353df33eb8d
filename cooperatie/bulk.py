"""Writing many rows without model instances, for imports and bulk loads (the scale data)
where Django's per-object work (an instance per row, each field prepared, the SQL built per
batch) costs more than the database does. Rows go in as plain tuples: with their ids (reserved
first, so that history rows and entries can point at them) by `executemany` on SQLite and COPY
on PostgreSQL; without, by `insert_returning`, which gives the new ids back. Values must be
what the database takes (`db_value` prepares a constant once). `cooperatie.history` writes
each row's history row through these."""

from collections.abc import Iterable, Sequence

from django.db import connection

ROWS_PER_STATEMENT = 500


def db_value(model, attname: str, value):
    """`value` as `model.attname` is sent to the database (e.g. an aware datetime for
    SQLite)."""
    return model._meta.get_field(attname).get_db_prep_save(value, connection)


def _columns(model, attnames: Sequence[str]) -> str:
    meta = model._meta
    return ", ".join(connection.ops.quote_name(meta.get_field(a).column) for a in attnames)


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys for `model`, ascending, that nothing else will take. Call it
    inside the transaction that inserts the rows (on SQLite that transaction holds the write
    lock from its start, IMMEDIATE)."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, pk, count])
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite, AUTOINCREMENT: the next id is above both the largest id and the sequence
        # (ids of deleted rows are not used again); moving the sequence reserves the range.
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {quoted}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(largest, row[0] if row else 0) + 1
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                           [start + count - 1, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                           [table, start + count - 1])
    return list(range(start, start + count))


def insert(model, attnames: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows` (tuples of the `attnames` values, ready for the database)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, attnames)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(attnames))
    raw = connection.connection.cursor()
    try:
        raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    finally:
        raw.close()


def _statement_batches(rows: Sequence, width: int) -> list[Sequence]:
    size = max(1, min(ROWS_PER_STATEMENT, (connection.features.max_query_params or 10**9)
                      // width))
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def insert_returning(model, columns: Sequence[str], rows: Sequence[tuple],
                     returning: str) -> list:
    """Insert `rows` into `model`'s table and return the `returning` column's values, in row
    order: on PostgreSQL one array per column (UNNEST, as Django's bulk_create does there: a
    parameter per column, not per value), elsewhere a few hundred rows per VALUES list."""
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
    tail = f" RETURNING {quote(returning)}"
    found: list = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = {f.column: f for f in model._meta.concrete_fields}
            arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
            for batch in [rows[i:i + 5000] for i in range(0, len(rows), 5000)]:
                cursor.execute(f"{head} SELECT * FROM UNNEST({arrays}){tail}",
                               [list(column) for column in zip(*batch, strict=True)])
                found += [r[0] for r in cursor.fetchall()]
            return found
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for batch in _statement_batches(rows, len(columns)):
            cursor.execute(f"{head} VALUES {', '.join([row] * len(batch))}{tail}",
                           [v for r in batch for v in r])
            found += [r[0] for r in cursor.fetchall()]
    return found
