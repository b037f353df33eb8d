"""Writing many rows without model instances, for bulk loads (the scale data) where Django's
per-object work (an instance per row, each field prepared, the SQL built per batch) costs
more than the database does: rows go in as plain tuples, by `executemany` on SQLite and by
COPY on PostgreSQL, with their ids reserved first so that history rows and entries can point
at them. Values must be what the database takes (`db_value` prepares a constant once)."""

from collections.abc import Iterable, Sequence

from django.db import connection


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


def insert_with_history(model, attnames: Sequence[str], rows: Sequence[Sequence], *,
                        users: Sequence[int], reason: str, when) -> None:
    """Insert `rows` (with their ids) and a creation record each in the model's history table,
    as simple_history's bulk_create_with_history writes it: the same values, `when`, the
    reason, type "+" and the acting user (`users`, one per row)."""
    insert(model, attnames, rows)
    history = model.history.model
    tracked = [f.attname for f in history._meta.concrete_fields
               if not f.attname.startswith("history_")]
    where = [attnames.index(a) for a in tracked]  # every tracked field must be given
    when = db_value(history, "history_date", when)
    insert(history, [*tracked, "history_date", "history_change_reason", "history_type",
                     "history_user_id"],
           ((*(row[i] for i in where), when, reason, "+", user)
            for row, user in zip(rows, users, strict=True)))
