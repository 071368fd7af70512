"""Staging a SQLite intake's facts in a scratch database while its next batch is mapped.

SQLite runs in this process and has one writer at a time, and its Python driver binds every
value of every row holding the interpreter lock: written at commit, a million facts took 7 of
the 19 seconds of a million-line file (measured). The ADBC SQLite driver binds Arrow columns in
C without the lock (about 1.5 µs a fact here) but has a connection of its own, so it cannot
write into Django's transaction. For a sell-through CSV on SQLite, then:

1. a writer thread stages each checked batch's facts into a scratch database file in the run's
   temporary folder (``FactStager``) while the main thread maps the next batch. Nothing is
   written to the database meanwhile and no lock is held;
2. the commit attaches that file to Django's connection and copies the facts with one
   ``INSERT … SELECT`` (about 1 µs a fact), inside the commit's transaction as before. A crash
   leaves the old state; the scratch file goes with the run's temporary folder.

Reseller spellings are stored only at commit, so a staged fact carries its spelling's number
in the run; the commit joins that to the stored ids. The rollup of everything staged is
staged too, once the last batch is in. ``ATTACH`` works inside a transaction but ``DETACH``
does not, so a caller already inside one (a test's) gets the plain path instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import adbc_driver_sqlite.dbapi as adbc_sqlite
import polars as pl
from django.db import connection

from midstream.ingest.bulkload import as_driver_values, columns_of
from midstream.ingest.models import SellThroughFact, SellThroughMonth
from midstream.ingest.streamwrite import BatchWriter

_FACTS = "fact"
_ROLLUP = "rollup"
# What a withdrawn line's rollup needs of its fact (see ``copy_facts``).
WITHDRAWN_SCHEMA = {
    "invoice_date": pl.Date,
    "product_id": pl.Int64,
    "reseller_id": pl.Int64,
    "currency": pl.Utf8,
    "quantity": pl.Decimal(38, 3),
    "amount": pl.Decimal(38, 4),
}


class FactStager(BatchWriter):
    """A writer thread staging sell-through facts, then their rollup, into a scratch file.

    ``make_facts(lines, mention_numbers)`` turns a checked batch into fact rows whose
    ``mention_id`` holds the spelling's number in the run; ``on_facts(facts)`` sees each
    staged batch; ``make_rollup()`` gives the merged rollup rows once all are staged.
    """

    def __init__(
        self,
        directory: Path,
        *,
        make_facts: Callable[[pl.DataFrame, dict[str, int]], pl.DataFrame],
        on_facts: Callable[[pl.DataFrame], None],
        make_rollup: Callable[[], pl.DataFrame],
    ):
        self.path = directory / "staged.sqlite3"
        self.schema = f"midstream_staged_{secrets.token_hex(4)}"
        # Reseller spelling key → its number in the run (the staged facts' ``mention_id``).
        self.mention_numbers: dict[str, int] = {}
        self._make_facts = make_facts
        self._on_facts = on_facts
        self._make_rollup = make_rollup
        self._adbc = None
        self._attached = False
        # Each staged table's columns, as the first frame written to it had them.
        self._columns: dict[str, list[str]] = {}
        super().__init__("midstream-stage")

    def put(self, lines: pl.DataFrame, new_mentions: dict[str, tuple]) -> None:
        """Queue a checked batch; its new spellings are numbered here, in the main thread."""
        for key in new_mentions:
            self.mention_numbers.setdefault(key, len(self.mention_numbers))
        super().put(lines, dict(self.mention_numbers))

    def abandon(self) -> None:
        super().abandon()
        self._close_adbc()

    # the writer thread ────────────────────────────────────────────────────────────────

    def _write(self, lines: pl.DataFrame, mention_numbers: dict[str, int]) -> None:
        facts = self._make_facts(lines, mention_numbers)
        self._ingest(_FACTS, facts)
        self._on_facts(facts)

    def _finish(self) -> None:
        if self._adbc is None:
            return  # nothing staged: the run waits for review
        self._ingest(_ROLLUP, self._make_rollup())
        self._close_adbc()

    def _ingest(self, table: str, frame: pl.DataFrame) -> None:
        if self._adbc is None:
            self._adbc = adbc_sqlite.connect(str(self.path), autocommit=True)
            with closing(self._adbc.cursor()) as cursor:
                # Scratch data: nothing to recover after a crash, so no journal and no syncs.
                cursor.execute("PRAGMA journal_mode = OFF")
                cursor.execute("PRAGMA synchronous = OFF")
        with closing(self._adbc.cursor()) as cursor:
            cursor.adbc_ingest(table, as_driver_values(frame), mode="create_append")
        self._columns.setdefault(table, frame.columns)

    def _close_adbc(self) -> None:
        if self._adbc is not None:
            self._adbc.close()
            self._adbc = None

    # the commit, in the main thread ──────────────────────────────────────────────────

    def copy_facts(self, mention_ids: dict[str, int], withdrawn: list[int]) -> pl.DataFrame:
        """Copy the staged facts into the fact table, but for the ``withdrawn`` lines.

        Call inside the commit's transaction, after ``close``. ``mention_ids`` are the stored
        spellings' ids by key. Returns the withdrawn lines' facts (for their rollup), as
        ``_withdraw_facts`` does on PostgreSQL.
        """
        self._attach()
        quote = connection.ops.quote_name
        staged = f"{quote(self.schema)}.{_FACTS}"
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE midstream_mention_ids (number INTEGER PRIMARY KEY, id INTEGER)"
            )
            cursor.executemany(
                "INSERT INTO midstream_mention_ids VALUES (%s, %s)",
                [(number, mention_ids[key]) for key, number in self.mention_numbers.items()],
            )
            cursor.execute("CREATE TEMP TABLE midstream_withdrawn (line INTEGER PRIMARY KEY)")
            cursor.executemany(
                "INSERT INTO midstream_withdrawn VALUES (%s)", [(line,) for line in withdrawn]
            )
            columns = [column for column in self._columns[_FACTS] if column != "mention_id"]
            names = ", ".join(quote(column) for column in columns_of(SellThroughFact, columns))
            picked = ", ".join(f"f.{quote(column)}" for column in columns)
            cursor.execute(
                f"INSERT INTO {quote(SellThroughFact._meta.db_table)} ({names}, "  # noqa: S608
                f"{quote('mention_id')}) SELECT {picked}, m.id FROM {staged} AS f "
                "LEFT JOIN midstream_mention_ids AS m ON m.number = f.mention_id "
                "WHERE f.line NOT IN (SELECT line FROM midstream_withdrawn) ORDER BY f.rowid"
            )
            rows = []
            if withdrawn:  # else no need to scan the staged facts for them
                cursor.execute(
                    f"SELECT {', '.join(WITHDRAWN_SCHEMA)} FROM {staged} "  # noqa: S608
                    "WHERE line IN (SELECT line FROM midstream_withdrawn)"
                )
                rows = cursor.fetchall()
            cursor.execute("DROP TABLE midstream_mention_ids")
            cursor.execute("DROP TABLE midstream_withdrawn")
        # Staged as text (dates, exact decimals), typed here.
        as_staged = {
            name: pl.Int64 if dtype == pl.Int64 else pl.Utf8
            for name, dtype in WITHDRAWN_SCHEMA.items()
        }
        return (
            pl.DataFrame(rows, schema=as_staged, orient="row")
            .with_columns(pl.col("invoice_date").str.to_date())
            .cast(WITHDRAWN_SCHEMA)
        )

    def insert_rollup(self) -> None:
        """Copy the staged rollup into the rollup table (right unless lines were withdrawn)."""
        self._attach()
        quote = connection.ops.quote_name
        columns = self._columns[_ROLLUP]
        with connection.cursor() as cursor:
            names = ", ".join(quote(column) for column in columns_of(SellThroughMonth, columns))
            cursor.execute(
                f"INSERT INTO {quote(SellThroughMonth._meta.db_table)} ({names}) "  # noqa: S608
                f"SELECT {', '.join(quote(c) for c in columns)} "
                f"FROM {quote(self.schema)}.{_ROLLUP}"
            )

    def detach(self) -> None:
        """Let go of the scratch file; call after the commit's transaction has ended."""
        if self._attached:
            with connection.cursor() as cursor:
                cursor.execute(f"DETACH DATABASE {connection.ops.quote_name(self.schema)}")
            self._attached = False

    def _attach(self) -> None:
        if not self._attached:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ATTACH DATABASE %s AS {connection.ops.quote_name(self.schema)}",
                    [str(self.path)],
                )
            self._attached = True
