"""Writing a Polars frame into a model's table fast: COPY on PostgreSQL, executemany elsewhere.

``bulk_create`` builds one model instance per row and prepares every value through its field;
at a million rows that takes minutes. Here the frame's columns are already typed and checked,
so each column is turned into what the driver takes in one vectorised step: on PostgreSQL the
frame is written as CSV by Polars and streamed into ``COPY … FROM STDIN`` (DESIGN: bulk loads
use COPY); on SQLite the rows go to one ``executemany`` per batch, with decimals and dates as
the text Django itself stores there.
"""

from __future__ import annotations

import io

import polars as pl
from django.db import connection, models

BATCH_ROWS = 100_000


def insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named by field ``attname``); returns the count.

    Call inside the caller's transaction. Values must already fit their columns.
    """
    if frame.height == 0:
        return 0
    table, names, columns = _target(model, frame)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor.cursor, table, names, frame)
        else:
            _executemany(connection.connection, table, names, columns, frame)
    return frame.height


def copy_frame(cursor, model: type[models.Model], frame: pl.DataFrame) -> int:
    """``COPY`` every row of ``frame`` into ``model``'s table through a psycopg ``cursor``.

    For a caller holding the driver's own connection (the pipeline's writer thread).
    """
    if frame.height == 0:
        return 0
    table, names, _ = _target(model, frame)
    _copy(cursor, table, names, frame)
    return frame.height


def _executemany(cursor, table: str, names: str, columns: list[str], frame: pl.DataFrame) -> None:
    # The driver's own executemany: Django's cursor wrapper only rewrites the placeholders
    # (written as "?" here) and costs a third more per row (measured).
    placeholders = ", ".join(["?"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
    text = as_driver_values(frame)
    for start in range(0, text.height, BATCH_ROWS):
        chunk = text.slice(start, BATCH_ROWS)
        values = [chunk.get_column(name).to_list() for name in chunk.columns]
        cursor.executemany(sql, zip(*values, strict=True))


def _target(model: type[models.Model], frame: pl.DataFrame) -> tuple[str, str, list[str]]:
    quote = connection.ops.quote_name
    columns = columns_of(model, frame.columns)
    return quote(model._meta.db_table), ", ".join(quote(column) for column in columns), columns


def columns_of(model: type[models.Model], attnames: list[str]) -> list[str]:
    """The table columns of ``model``'s fields named by ``attname`` (``product_id``…)."""
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    missing = [name for name in attnames if name not in by_attname]
    if missing:
        raise ValueError(f"{model._meta.label} has no column {missing[0]!r}")
    return [by_attname[name] for name in attnames]


def _copy(cursor, table: str, names: str, frame: pl.DataFrame) -> None:
    sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
    with cursor.copy(sql) as copy:
        for start in range(0, frame.height, BATCH_ROWS):
            buffer = io.BytesIO()
            # Strings quoted (so "" is an empty text and an unquoted empty field is NULL).
            frame.slice(start, BATCH_ROWS).write_csv(
                buffer, include_header=False, quote_style="non_numeric", null_value=""
            )
            copy.write(buffer.getvalue())


def as_driver_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Decimals and dates as text (as Django stores them on SQLite), the rest unchanged."""
    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Decimal) or dtype in (pl.Date, pl.Datetime):
            casts.append(pl.col(name).cast(pl.Utf8))
    return frame.with_columns(casts) if casts else frame
