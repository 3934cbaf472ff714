"""Storing computed quarterly scores (scoring.Scored rows).

A recompute compares each computed row with the stored one by its plain fields and an MD5 of
the breakdown's JSON text (computed by the database, so the breakdowns themselves are never
fetched), and writes only the rows that differ, each with its history row. On PostgreSQL a
region-wide write goes through COPY into a temporary table and one INSERT … ON CONFLICT …
RETURNING feeding the history INSERT (parameter binding of thousands of large JSON texts was
most of the time); a few people's rows, and every write elsewhere (SQLite in development and
tests), through bulk_create and simple-history's bulk_history_create. Column lists come from
the models' _meta, so a new field is written without a change here.

This is the one raw-SQL write of a history-tracked model: it writes the history rows itself, in
the same statement, exactly as bulk_history_create would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from itertools import chain

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.functions import MD5, Cast
from django.utils import timezone

from .models import QuarterScore
from .scoring import Scored, q2, scope_filter

WRITE_BATCH = 200  # bulk_create path: psycopg/sqlite statements stay small
COPY_MIN_PEOPLE = 100  # fewer (one person's input changed): bulk path, no temporary table
KEY_FIELDS = ("person", "quarter")  # QuarterScore's unique constraint
STAMP_FIELD = "computed_at"
FIELDS = [f for f in QuarterScore._meta.concrete_fields if not f.primary_key]
COMPARED = [f for f in FIELDS if f.name not in (*KEY_FIELDS, STAMP_FIELD)]


def _is_json(field) -> bool:
    return isinstance(field, models.JSONField)


def _digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _plain(value):
    # Decimal("80") == Decimal("80.00"), but keep the stored scale out of the comparison
    return q2(value) if isinstance(value, Decimal) else value


def _json_text(row: Scored, field) -> str:
    return getattr(row, f"{field.attname}_json")


def _computed_key(row: Scored) -> tuple:
    return tuple(
        _digest(_json_text(row, f)) if _is_json(f) else _plain(getattr(row, f.attname))
        for f in COMPARED
    )


def _stored_keys(quarter, person_ids) -> dict[int, tuple]:
    digests = {
        f"_{f.attname}_md5": MD5(Cast(f.attname, models.TextField()))
        for f in COMPARED
        if _is_json(f)
    }
    names = [f"_{f.attname}_md5" if _is_json(f) else f.attname for f in COMPARED]
    rows = (
        QuarterScore.objects.filter(quarter=quarter, **scope_filter(quarter, person_ids))
        .annotate(**digests)
        .values_list("person_id", *names)
        .order_by()
        .iterator(chunk_size=5000)
    )
    return {pid: tuple(_plain(v) for v in rest) for pid, *rest in rows}


def copy_supported(person_ids=None) -> bool:
    return connection.vendor == "postgresql" and (
        person_ids is None or len(person_ids) >= COPY_MIN_PEOPLE
    )


def write_scores(quarter, computed: Iterable[Scored], person_ids=None, *, reason: str) -> int:
    """Store the computed rows that differ from what is stored, each with its history row
    ('+' new, '~' changed); returns the number written. `computed` may be a generator: on
    PostgreSQL the rows stream to the database, which parses them while the next ones are
    being computed."""
    stored = _stored_keys(quarter, person_ids)
    now = timezone.now()
    changed = (_stamped(row, now) for row in computed if _differs(row, stored))
    first = next(changed, None)
    if first is None:
        return 0
    rows = chain((first,), changed)
    if copy_supported(person_ids):
        user = QuarterScore.history.model.get_default_history_user(first)  # the request's
        return _write_copy(rows, now=now, reason=reason, user_id=getattr(user, "pk", None))
    return _write_bulk(quarter, list(rows), set(stored), now=now, reason=reason)


def _differs(row: Scored, stored: dict[int, tuple]) -> bool:
    old = stored.get(row.person_id)
    return old is None or old != _computed_key(row)


def _stamped(row: Scored, now) -> Scored:
    row.computed_at = now
    return row


def _write_bulk(quarter, rows: list[Scored], stored: set[int], *, now, reason: str) -> int:
    updated = [r for r in rows if r.person_id in stored]
    if updated:  # a text differing in form only (key order, -0.0) is not a change
        current = {
            obj.person_id: _full_key(obj)
            for obj in QuarterScore.objects.filter(
                quarter=quarter, person_id__in=[r.person_id for r in updated]
            )
        }
        updated = [r for r in updated if current.get(r.person_id) != _full_key(r)]
    created = [r for r in rows if r.person_id not in stored]
    objs = [_model(r) for r in (*created, *updated)]
    if not objs:
        return 0
    objs = QuarterScore.objects.bulk_create(
        objs,
        batch_size=WRITE_BATCH,
        update_conflicts=True,
        unique_fields=list(KEY_FIELDS),
        update_fields=[f.name for f in COMPARED] + [STAMP_FIELD],
    )
    history = QuarterScore.history
    for part, update in ((objs[: len(created)], False), (objs[len(created) :], True)):
        history.bulk_history_create(
            part,
            batch_size=WRITE_BATCH,
            update=update,
            default_change_reason=reason,
            default_date=now,
        )
    return len(objs)


def _full_key(obj) -> tuple:
    return tuple(_plain(getattr(obj, f.attname)) for f in COMPARED)


def _model(row: Scored) -> QuarterScore:
    return QuarterScore(**{f.attname: getattr(row, f.attname) for f in FIELDS})


def _write_copy(rows: Iterable[Scored], *, now, reason: str, user_id) -> int:
    qn = connection.ops.quote_name
    table = qn(QuarterScore._meta.db_table)
    temp = qn("indicators_quarterscore_in")
    columns = ", ".join(qn(f.column) for f in FIELDS)
    stored = ", ".join(f"{table}.{qn(f.column)}" for f in COMPARED)
    excluded = ", ".join(f"EXCLUDED.{qn(f.column)}" for f in COMPARED)
    assignments = ", ".join(
        f"{qn(f.column)} = EXCLUDED.{qn(f.column)}" for f in FIELDS if f.name not in KEY_FIELDS
    )
    conflict = ", ".join(qn(QuarterScore._meta.get_field(n).column) for n in KEY_FIELDS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [_json_text(row, f) if _is_json(f) else getattr(row, f.attname) for f in FIELDS]
                )
        # the WHERE keeps rows whose stored text merely differs in form (a float the database
        # spells differently) from being rewritten; xmax = 0 marks a row the INSERT created
        upsert = (
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temp} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments} "
            f"WHERE ({stored}) IS DISTINCT FROM ({excluded})"
        )
        if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):  # as bulk_history_create
            history_columns, history_values, params = _history_select(now, reason, user_id)
            cursor.execute(
                f"WITH up AS ({upsert} RETURNING {table}.*, ({table}.xmax = 0) AS created) "
                f"INSERT INTO {qn(QuarterScore.history.model._meta.db_table)} "
                f"({history_columns}) SELECT {history_values} FROM up",
                params,
            )
        else:
            cursor.execute(upsert)
        written = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    return written


def _history_select(now, reason: str, user_id) -> tuple[str, str, list]:
    """Columns of the history table and what each is filled with from the upserted rows."""
    history = QuarterScore.history.model
    qn = connection.ops.quote_name
    tracked = {f.attname for f in history.tracked_fields}
    extra = {
        "history_date": ("%s", now),
        "history_change_reason": ("%s", reason),
        "history_user_id": ("%s", user_id),
        "history_type": ("CASE WHEN up.created THEN '+' ELSE '~' END", None),
    }
    columns, values, params = [], [], []
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in tracked:
            columns.append(qn(f.column))
            values.append(f"up.{qn(f.column)}")
        elif f.attname in extra:
            sql, param = extra[f.attname]
            columns.append(qn(f.column))
            values.append(sql)
            if sql == "%s":
                params.append(param)
        else:
            raise ImproperlyConfigured(f"no value for history field {f.name} in write_scores")
    return ", ".join(columns), ", ".join(values), params
