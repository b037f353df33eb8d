"""Writes that always record who did it and why (django-simple-history)."""

import functools
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, NotSupportedError, connection, models
from django.utils import timezone

from cooperatie import bulk


def save_recorded(obj: models.Model, *, actor, reason: str, validate: bool = True):
    """Validate, then save with the acting user and the reason in the object's history."""
    if validate:
        obj.full_clean()
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()
    return obj


def create_recorded(model: type[models.Model], *, actor, reason: str, **fields):
    return save_recorded(model(**fields), actor=actor, reason=reason)


# --- bulk writes of plain rows, each with its history row ------------------------------------
# For imports and generated data, thousands of rows whose values are already checked: the
# ORM's bulk_create and simple_history's bulk_history_create build and prepare a model instance
# per row and per history row (74 % of a 10,000-line budget import, issue 18). These write the
# same rows from plain values (ids, Decimal, str) through `cooperatie.bulk`, a history row each
# with the acting user and the reason, in the caller's transaction. No signals are sent, as
# with bulk_create_with_history.

HISTORY_FIELDS = ("history_id", "history_date", "history_change_reason", "history_type",
                  "history_user_id")


@functools.cache  # `model.history` builds a manager at every access (about a millisecond)
def _history_of(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


@functools.cache
def tracked_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The columns `model`'s history records, in the order of its history table."""
    history = _history_of(model)
    return tuple(f.attname for f in history._meta.concrete_fields
                 if f.attname not in HISTORY_FIELDS)


def _checked(model, fields: Sequence[str]) -> None:
    """Every recorded column is written: a field added to the model cannot go unrecorded."""
    _check_columns(model, tuple(sorted(fields)))


@functools.cache  # per model and set of columns: called once per budget or realisation
def _check_columns(model, fields: tuple[str, ...]) -> None:
    tracked, history = tracked_columns(model), _history_of(model)
    extra = {f.attname for f in history._meta.concrete_fields} - set(tracked) - set(HISTORY_FIELDS)
    if list(fields) != sorted(tracked) or extra:
        raise ImproperlyConfigured(f"{model.__name__}: written {list(fields)}, recorded "
                                   f"{sorted(tracked)}, unfilled history fields {sorted(extra)}")


def record_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *,
                history_type: str, actor, reason: str, when=None) -> None:
    """One history row per row (values in `fields` order, every recorded column), with
    `history_type` ('+', '~' or '-'), the actor, the reason and `when` (default: now)."""
    _checked(model, fields)
    history = _history_of(model)
    order = tracked_columns(model)
    where = [list(fields).index(c) for c in order]
    tail = (bulk.db_value(history, "history_date", when or timezone.now()), reason,
            history_type, actor.pk)
    bulk.insert(history, [*order, "history_date", "history_change_reason", "history_type",
                          "history_user_id"],
                ((*(row[i] for i in where), *tail) for row in rows))


def insert_recorded(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *,
                    actor, reason: str, when=None) -> list[int]:
    """Insert `rows` (values in `fields` order) and a '+' history row each; returns the primary
    keys in the order of `rows`. With the primary key first in `fields` the rows bring their
    ids (`bulk.reserve_ids`); without, the database gives them."""
    pk = model._meta.pk
    if fields[0] == pk.attname:
        _checked(model, fields)  # before anything is written
        bulk.insert(model, fields, rows)
        ids = [row[0] for row in rows]
    else:
        if not connection.features.can_return_rows_from_bulk_insert:
            raise NotSupportedError("insert_recorded needs INSERT … RETURNING")
        _checked(model, [pk.attname, *fields])
        ids = bulk.insert_returning(model, [model._meta.get_field(f).column for f in fields],
                                    rows, pk.column)
        if len(ids) != len(rows):
            raise DatabaseError(f"{model.__name__}: {len(rows)} rows written, {len(ids)} ids back")
        rows = [(i, *row) for i, row in zip(ids, rows, strict=True)]
        fields = [pk.attname, *fields]
    record_rows(model, fields, rows, history_type="+", actor=actor, reason=reason, when=when)
    return ids


def update_recorded(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple],
                    *, changed: Sequence[str], actor, reason: str) -> None:
    """Set the `changed` columns of each row (values in `fields` order, the primary key and
    every recorded column: the row as it will be) and write a '~' history row each."""
    _checked(model, fields)
    pk = model._meta.pk.attname
    quote = connection.ops.quote_name
    where = [list(fields).index(c) for c in changed]
    key = list(fields).index(pk)
    sql = (f"UPDATE {quote(model._meta.db_table)} SET "
           + ", ".join(f"{quote(c)} = %s" for c in changed) + f" WHERE {quote(pk)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(row[i] for i in where), row[key]) for row in rows])
    record_rows(model, fields, rows, history_type="~", actor=actor, reason=reason)


def delete_recorded(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple], *,
                    actor, reason: str) -> None:
    """Delete the rows (values in `fields` order, the primary key and every recorded column:
    the row as it was) after a '-' history row each."""
    if model._meta.related_objects:  # rows may hang on these: delete through the ORM
        raise NotSupportedError(f"delete_recorded: {model.__name__} has dependent rows")
    pk = model._meta.pk.attname
    record_rows(model, fields, rows, history_type="-", actor=actor, reason=reason)
    key = list(fields).index(pk)
    ids = [row[key] for row in rows]
    for batch in bulk._statement_batches(ids, 1):
        model._base_manager.filter(pk__in=batch)._raw_delete(connection.alias)
