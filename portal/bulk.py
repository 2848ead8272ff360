"""Inserting thousands of rows in one statement each, for the bulk paths (the nominee import).

`bulk_create` builds a model instance per row and a statement with a placeholder per value;
here each column travels as one array (`INSERT ... SELECT * FROM unnest(...)`), so the cost is
the database's. Ids are taken from the table's sequence beforehand, so the caller knows each
row's id without relying on the order of RETURNING.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

CHUNK = 5000
_PLAIN = (str, int, bool)


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh ids from the sequence of `model`'s primary key."""
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_columns(
    model: type[models.Model],
    columns: Mapping[str, Sequence[Any]],
    *,
    skip_conflicts_on: str | None = None,
) -> list[int]:
    """Insert rows given as one list of plain values per field name (`attname`: `user_id`
    for a foreign key; JSON fields take Python values). Returns the ids of the inserted rows;
    with `skip_conflicts_on` (a unique column), rows that conflict on it are left out
    (ON CONFLICT DO NOTHING) and only the others' ids are returned."""
    meta = model._meta
    fields = {field.attname: field for field in meta.concrete_fields}
    names = list(columns)
    length = len(columns[names[0]]) if names else 0
    if not length:
        return []
    arrays, casts = [], []
    for name in names:
        field = fields[name]
        values = columns[name]
        if len(values) != length:
            raise ValueError(f"column {name} has {len(values)} values, not {length}")
        if isinstance(field, models.JSONField):
            values = _json_texts(values)
        arrays.append(values)
        casts.append(f"%s::{field.db_type(connection)}[]")
    target = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    conflict = ""
    if skip_conflicts_on:
        conflict = f" ON CONFLICT ({connection.ops.quote_name(skip_conflicts_on)}) DO NOTHING"
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({target}) "
        f"SELECT * FROM unnest({', '.join(casts)}){conflict} "
        f"RETURNING {connection.ops.quote_name(meta.pk.column)}"
    )
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, length, CHUNK):
            cursor.execute(sql, [list(values[start : start + CHUNK]) for values in arrays])
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def insert_objects(objects: Sequence[models.Model]) -> None:
    """`bulk_create` for unsaved instances of one model, without signals: every concrete
    field is written (after `pre_save`, so `auto_now_add` fields are set) and each instance
    gets its id and counts as saved."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    for obj, pk in zip(objects, next_ids(model, len(objects)), strict=True):
        obj.pk = pk
    columns: dict[str, list] = {meta.pk.attname: [obj.pk for obj in objects]}
    for field in fields:
        values = [field.pre_save(obj, True) for obj in objects]
        if not isinstance(field, models.JSONField):
            values = [
                # Plain values are what the field would make of them: skip its conversion.
                value
                if value is None
                or type(value) in _PLAIN
                or (type(value) is datetime and value.tzinfo is not None)
                else field.get_db_prep_save(value, connection)
                for value in values
            ]
        columns[field.attname] = values
    insert_columns(model, columns)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _json_texts(values: Sequence[Any]) -> list[str | None]:
    """The JSON text of each value; a value repeated as the same object is encoded once."""
    texts: dict[int, str] = {}
    result: list[str | None] = []
    for value in values:
        if value is None:
            result.append(None)
            continue
        text = texts.get(id(value))
        if text is None:
            text = texts[id(value)] = json.dumps(value)
        result.append(text)
    return result
