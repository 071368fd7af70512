"""Writing a sell-through report's facts on PostgreSQL while its next batch is being mapped.

On PostgreSQL the server parses and stores a ``COPY`` in its own process, so the pipeline
need not wait for it: each checked batch is handed to one writer thread, which copies it into
the submission's still-open transaction while the main thread maps and checks the next batch.
Both use the same database connection, one at a time: the main thread touches it only before
the writer starts and after it has finished (progress goes through a second connection
meanwhile, see ``SideChannel``).

Nothing is visible to anyone else until the pipeline commits, and a failure anywhere (in the
writer, in the checks, a killed process) rolls the whole transaction back, exactly as when
everything is written at the end. ``BatchWriter`` is the thread and its queue; SQLite's
counterpart, which stages the facts in a scratch file instead, is ``staging.FactStager``.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable

import polars as pl
from django.db import connections

from midstream.ingest.bulkload import copy_frame
from midstream.ingest.models import ReportedReseller, SellThroughFact


class BatchWriter(ABC):
    """One thread handling queued batches in order, while the main thread maps the next one.

    At most one batch waits while another is written, so memory stays bounded however fast
    the mapping is. What the thread runs into is raised in the main thread, at its next
    ``put`` or at ``close``. Subclasses write a batch in ``_write`` and may finish in
    ``_finish`` (run in the thread after the last batch, on ``close`` only).
    """

    def __init__(self, name: str):
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def put(self, *batch) -> None:
        """Queue one checked batch (blocks while the previous one is still waiting)."""
        self._raise()
        self._queue.put(batch)

    def close(self) -> None:
        """Wait until everything queued is written; raise what the writer ran into."""
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abandon(self) -> None:
        """Stop after the batch being written (if any); used when the run fails."""
        self._stopping = True
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(None)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None or self._stopping:
                continue
            try:
                self._write(*batch)
            except BaseException as error:  # handed to the main thread, which raises it
                self._error = error
        if self._error is None and not self._stopping:
            try:
                self._finish()
            except BaseException as error:
                self._error = error

    @abstractmethod
    def _write(self, *batch) -> None:
        """Write one batch (in the thread)."""

    def _finish(self) -> None:  # noqa: B027 (a hook: most writers have nothing to finish)
        """Run in the thread once every batch is written (not when abandoned)."""


class StreamWriter(BatchWriter):
    """Copies batches of facts (and their new reseller spellings) in order, on PostgreSQL.

    ``make_facts(lines, mention_ids)`` turns a checked batch into fact rows; ``mention_frame
    (mentions)`` turns new spellings into ``ReportedReseller`` rows.
    """

    def __init__(
        self,
        *,
        raw_connection,
        distributor_id: int,
        mention_ids: dict[str, int],
        make_facts: Callable[[pl.DataFrame, dict[str, int]], pl.DataFrame],
        mention_frame: Callable[[dict[str, tuple]], pl.DataFrame],
        on_facts: Callable[[pl.DataFrame], None],
    ):
        self._raw = raw_connection
        self._distributor_id = distributor_id
        self.mention_ids = mention_ids
        self._make_facts = make_facts
        self._mention_frame = mention_frame
        self._on_facts = on_facts
        super().__init__("midstream-copy")

    def _write(self, lines: pl.DataFrame, new_mentions: dict[str, tuple]) -> None:
        with self._raw.cursor() as cursor:
            if new_mentions:
                copy_frame(cursor, ReportedReseller, self._mention_frame(new_mentions))
                cursor.execute(
                    "SELECT key, id FROM ingest_reportedreseller "
                    "WHERE distributor_id = %s AND key = ANY(%s)",
                    (self._distributor_id, list(new_mentions)),
                )
                self.mention_ids.update(cursor.fetchall())
            facts = self._make_facts(lines, self.mention_ids)
            copy_frame(cursor, SellThroughFact, facts)
        self._on_facts(facts)


class SideChannel:
    """A second, autocommitting connection for progress while the main one is busy.

    The pipeline's own connection is inside the commit transaction (so its writes would not
    be seen until the end) and in use by the writer thread.
    """

    def __init__(self):
        self._wrapper = connections.create_connection("default")

    def update(self, table: str, pk: int, values: dict) -> None:
        quote = self._wrapper.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in values)
        with self._wrapper.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                [
                    *(str(value) if isinstance(value, str) else value for value in values.values()),
                    pk,
                ],
            )

    def close(self) -> None:
        self._wrapper.close()
