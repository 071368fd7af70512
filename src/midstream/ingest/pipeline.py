"""The intake pipeline: a received submission becomes facts, or is rejected with reasons.

``process_submission`` runs in a worker (``tasks.ingest_submission``), in ``midstream ingest
--now`` and in the demo loader. Stages:

1. **read** the stored file in batches: a plain UTF-8 CSV is cut at line ends and read by
   Polars batch by batch (so a file of any size streams); any other file (another encoding,
   quoted line breaks, ragged rows, XLSX, X12, EDIFACT, JSON) goes through the format readers
   of ``ingest/formats``, which report every defect with its location.
2. **map** with the distributor's current mapping profile (or the defaults, or for a
   spreadsheet the columns its header suggests): ``frames.map_tabular`` column-wise for CSV and
   XLSX, ``mapping.apply_mapping`` for EDI and JSON.
3. **resolve** products (SKU, GTIN, the distributor's part number; unit conversion) and
   resellers (ids, account numbers, aliases, names), once per distinct value.
4. **validate** semantics and pragmatics (``rules.IntakeCode``): unknown products, duplicates,
   currencies, prices, products never bought…
5. **commit**, in one transaction: number the version, supersede the previous version of the
   same distributor, kind and period, write facts, rollups and issues, set the counts.

Progress (stage, lines processed, lines total) is saved between batches outside any
transaction, so a page or the CLI can poll it. Stages 1-4 write nothing but progress; stage 5
is all or nothing, so a crash anywhere leaves the old state, and the submission (left in an
open status) can be retried. On PostgreSQL a sell-through CSV opens stage 5's transaction
with its first batch and copies the facts batch by batch while mapping the next
(``_stream_copying``, ``streamwrite.py``): still one transaction, still all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from midstream.catalog.models import Product
from midstream.core.audit import record_audit
from midstream.core.errors import DomainError
from midstream.core.selectors import rate_table
from midstream.ingest import frames
from midstream.ingest.bulkload import insert_frame
from midstream.ingest.choices import (
    DECIDED_SPELLINGS,
    OPEN_STATUSES,
    WAITING_STATUSES,
    ErrorPolicy,
    FormatFamily,
    SpellingStatus,
    Stage,
    SubmissionStatus,
)
from midstream.ingest.formats import parse_file
from midstream.ingest.formats.detect import detect_format
from midstream.ingest.formats.tabular import parse_csv
from midstream.ingest.frames import LINE, decode_candidates
from midstream.ingest.mapping import (
    MappingSpec,
    NumberError,
    apply_mapping,
    default_spec,
    parse_date,
    spec_from_suggestion,
)
from midstream.ingest.models import (
    InventoryFact,
    ReportedReseller,
    ReviewWait,
    SellThroughFact,
    SellThroughMonth,
    Submission,
    SubmissionIssue,
)
from midstream.ingest.records import (
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    Diagnostic,
    Format,
    ParsedFile,
    ReportKind,
    Severity,
)
from midstream.ingest.resolve.products import ProductResolver
from midstream.ingest.resolve.resellers import ResellerMatch, ResellerMention, ResellerResolver
from midstream.ingest.rules import RULES, IntakeCode
from midstream.ingest.selectors import current_profile
from midstream.ingest.staging import WITHDRAWN_SCHEMA, FactStager
from midstream.ingest.streamwrite import SideChannel, StreamWriter
from midstream.ingest.submissions import stored_file_path
from midstream.matching.engine import FUZZY
from midstream.matching.parts import record_unknown_parts
from midstream.partners.models import Distributor
from midstream.sales.models import SellInLine

logger = logging.getLogger(__name__)

# Bytes of CSV read per batch on the streaming path (about 55,000 lines of a typical report).
# While the first batch is mapped the writer waits, and after the last one the commit waits
# for it: 8 MB batches took 0.3 s off a million lines on PostgreSQL against 16 MB (measured).
CHUNK_BYTES = 8 * 1024 * 1024
# Accepted lines kept in memory before batches are spilled to Parquet files.
SPILL_ROWS = 400_000
# Rollup rows of batches kept apart before they are summed into one (``_RollupParts``).
ROLLUP_PARTS_ROWS = 1_000_000
_SAMPLE_BYTES = 64 * 1024
_FAMILY = {
    Format.CSV: FormatFamily.TABULAR,
    Format.XLSX: FormatFamily.TABULAR,
    Format.X12: FormatFamily.X12,
    Format.EDIFACT: FormatFamily.EDIFACT,
    Format.JSON: FormatFamily.JSON,
}
ERROR = str(Severity.ERROR)
WARNING = str(Severity.WARNING)

ProgressCallback = Callable[[Submission], None]


class FileRejected(Exception):
    """The file as a whole cannot be accepted; ``issues`` say why (nothing is written)."""

    def __init__(self, issues: pl.DataFrame):
        super().__init__("file rejected")
        self.issues = issues

    @classmethod
    def because(
        cls, code: IntakeCode, message: str, issues: pl.DataFrame | None = None
    ) -> FileRejected:
        """The file rejected for one file-level reason, ahead of the line ``issues`` found."""
        reason = issue_rows([_coded(code, message)])
        return cls(reason if issues is None else pl.concat([reason, issues]))


class _AwaitingReview(Exception):
    """Some accepted line's reseller spelling waits for review: nothing is committed."""

    def __init__(self, issues: pl.DataFrame, counts: dict):
        super().__init__("awaiting review")
        self.issues = issues
        self.counts = counts


class _Overtaken(Exception):
    """Another run of the same submission (a retry) started after this one: stop quietly."""


class _Fallback(Exception):
    """The streaming CSV reader met something only the full reader handles exactly."""


def issue_rows(rows: list[tuple]) -> pl.DataFrame:
    """An issues frame from ``(line, field, code, severity, message, value)`` tuples."""
    return pl.DataFrame(rows, schema=frames.ISSUE_SCHEMA, orient="row")


def _coded(
    code: IntakeCode, message: str, *, line=None, field=None, value=None, count: int = 1
) -> tuple:
    return (line, field, str(code), str(RULES[code][0]), message, value, count)


# ─── entry point ─────────────────────────────────────────────────────────────────────────


class ReferenceCache:
    """Reference data (catalog, reseller master, a distributor's part numbers, aliases, account
    numbers and sell-in products) kept across the submissions of one batch.

    Building it costs a few hundred milliseconds per distributor. A batch loader (the demo)
    passes one cache to every ``process_submission`` call so each distributor's is built once;
    it is valid only while nobody changes the master data, so workers never use one.
    """

    def __init__(self):
        self._contexts: dict[tuple[int, ReportKind], _Context] = {}

    def get(self, distributor_id: int, kind: ReportKind) -> _Context | None:
        return self._contexts.get((distributor_id, kind))

    def put(self, distributor_id: int, kind: ReportKind, context: _Context) -> None:
        self._contexts[(distributor_id, kind)] = context


def process_submission(
    submission_id: int,
    *,
    on_progress: ProgressCallback | None = None,
    reference: ReferenceCache | None = None,
) -> Submission:
    """Run the pipeline for one submission; returns it in its final status.

    A submission already final (committed, rejected, duplicate, superseded) is returned as it
    is, so a task delivered twice does no harm. An unexpected error marks it ``failed`` with
    the reason (and logs the traceback); it can be retried.
    """
    submission = _claim(submission_id)
    if submission.status not in OPEN_STATUSES:
        return submission
    run = _Run(submission, on_progress, reference)
    try:
        try:
            run.execute()
        except FileRejected as rejected:
            run.reject(rejected.issues)
        except _AwaitingReview as waiting:
            run.await_review(waiting.issues, waiting.counts)
    except _Overtaken:
        logger.info("submission %s: a newer run took over; this one stops", submission_id)
    except Exception as error:
        logger.exception("submission %s failed", submission_id)
        _finish(
            submission,
            status=SubmissionStatus.FAILED,
            failure="".join(traceback.format_exception_only(error)).strip()[:2000],
        )
    finally:
        run.cleanup()
    submission.refresh_from_db()
    return submission


def _claim(submission_id: int) -> Submission:
    with transaction.atomic():
        submission = (
            Submission.objects.unscoped()
            .select_for_update()
            .select_related("distributor")
            .get(pk=submission_id)
        )
        if submission.status not in (*OPEN_STATUSES, *WAITING_STATUSES, SubmissionStatus.FAILED):
            return submission
        submission.status = SubmissionStatus.PARSING
        submission.stage = Stage.READING
        submission.attempts += 1
        submission.started_at = timezone.now()
        submission.finished_at = None
        submission.lines_processed = 0
        submission.failure = ""
        submission.save(
            update_fields=[
                "status",
                "stage",
                "attempts",
                "started_at",
                "finished_at",
                "lines_processed",
                "failure",
            ]
        )
    return submission


def _finish(submission: Submission, **values) -> None:
    values.setdefault("stage", Stage.DONE)
    values.setdefault("finished_at", timezone.now())
    Submission.objects.unscoped().filter(pk=submission.pk).update(**values)
    for name, value in values.items():
        setattr(submission, name, value)


# ─── one run ─────────────────────────────────────────────────────────────────────────────


@dataclass
class _Batch:
    """Accepted lines of one batch (fact columns) and the issues found in it."""

    lines: pl.DataFrame | Path
    issues: pl.DataFrame
    read: int
    rejected: int


@dataclass
class _Totals:
    read: int = 0
    batches: list[_Batch] = field(default_factory=list)
    in_memory: int = 0
    min_date: date | None = None
    max_date: date | None = None
    header_period: tuple[date, date] | None = None


class _SeenKeys:
    """The line keys of the batches before this one, for the duplicate check across batches.

    A batch's keys are first compared by their 64-bit hashes (cheap however many came before),
    then the few whose hash was seen are compared as text, so a hash collision never marks a
    line as a duplicate.
    """

    def __init__(self):
        self._hashes: list[pl.Series] = []
        self._keys: list[pl.Series] = []

    def earlier(self, keys: pl.Series) -> pl.Series:
        """For each key, whether an earlier batch had it."""
        if not self._hashes:
            return pl.Series(keys.name, [False] * keys.len(), dtype=pl.Boolean)
        hashes = keys.hash()
        seen = pl.concat(self._hashes, rechunk=False)
        maybe = hashes.is_in(seen.implode())
        if not maybe.any():
            return maybe
        known = pl.concat(self._keys, rechunk=False).filter(
            seen.is_in(hashes.filter(maybe).implode())
        )
        return maybe & keys.is_in(known.implode())

    def add(self, keys: pl.Series) -> None:
        unique = keys.unique()
        self._keys.append(unique)
        self._hashes.append(unique.hash())


class _Run:
    def __init__(
        self,
        submission: Submission,
        on_progress: ProgressCallback | None,
        reference: ReferenceCache | None = None,
    ):
        self.reference = reference
        self.submission = submission
        self.attempt = submission.attempts
        self.kind = ReportKind(submission.kind)
        self.distributor: Distributor = submission.distributor
        self.on_progress = on_progress
        self.totals = _Totals()
        self.spill_dir: tempfile.TemporaryDirectory | None = None
        self.policy = _error_policy(self.distributor.pk, self.kind)
        self.today = timezone.localdate()
        self.context: _Context | None = None
        self.seen_keys = _SeenKeys()
        # Distinct reseller spellings: key → (fields as reported, reseller id, method,
        # status, score, candidates as JSON text); see ``_Context._spelling_answers``.
        self.mentions: dict[str, tuple] = {}
        # Spellings waiting for review: key → accepted lines with it (issue 4).
        self.review_keys: set[str] = set()
        self.review_counts: dict[str, int] = {}
        # Stored spellings at the start of a streamed run: key → (id, resolution).
        self.stored_mentions: dict[str, tuple] = {}
        self.spellings = pl.DataFrame(schema=_SPELLING_SCHEMA)
        # Sell-through CSV: facts are copied (PostgreSQL, ``_stream_copying``) or staged
        # (SQLite, ``_stream_staging``) batch by batch.
        self.writer: StreamWriter | FactStager | None = None
        self.side: SideChannel | None = None
        self.rollup_parts = _RollupParts()
        self.known_mentions: set[str] = set()

    # progress ─────────────────────────────────────────────────────────────────────────

    def progress(self, *, stage: Stage | None = None, status=None, total=None) -> None:
        values = {"lines_processed": self.totals.read}
        if stage is not None:
            values["stage"] = stage
        if status is not None:
            values["status"] = status
        if total is not None:
            values["lines_total"] = total
        if self.side is not None:
            self.side.update(Submission._meta.db_table, self.submission.pk, values)
        else:
            Submission.objects.unscoped().filter(pk=self.submission.pk).update(**values)
        for name, value in values.items():
            setattr(self.submission, name, value)
        if self.on_progress is not None:
            self.on_progress(self.submission)

    def check_still_ours(self) -> None:
        """Lock the submission row; stop if a later attempt (a retry) owns it now.

        ``_claim`` numbers every run (``attempts``), so two runs of one submission, say an
        operator's retry while a slow worker is still busy, never both commit.
        """
        mine = (
            Submission.objects.unscoped()
            .select_for_update()
            .filter(pk=self.submission.pk, attempts=self.attempt, status__in=OPEN_STATUSES)
            .exists()
        )
        if not mine:
            raise _Overtaken

    def cleanup(self) -> None:
        if self.spill_dir is not None:
            self.spill_dir.cleanup()

    # stages ───────────────────────────────────────────────────────────────────────────

    def execute(self) -> None:
        path = stored_file_path(self.submission)
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
        # A CSV streams from the file; only other formats are read whole.
        detected = detect_format(head, self.submission.file_name)
        content = None
        if detected is not Format.CSV:
            if size > MAX_FILE_BYTES:
                raise FileRejected.because(
                    IntakeCode.UNREADABLE_FILE,
                    f"{self.submission.file_name}: {size:,} bytes; only CSV files may be larger "
                    f"than {MAX_FILE_BYTES:,} bytes.",
                )
            content = path.read_bytes()
            detected = detect_format(content, self.submission.file_name)
        if isinstance(detected, Diagnostic):
            raise FileRejected(_diagnostics_frame([detected]))
        Submission.objects.unscoped().filter(pk=self.submission.pk).update(
            file_format=str(detected)
        )
        self.context = _Context.load(
            self.distributor.pk, self.kind, self.submission, self.reference
        )
        self.progress(stage=Stage.READING)
        if detected is Format.CSV:
            try:
                writes = self._writes_while_mapping()
                if writes and connection.vendor == "postgresql":
                    self._stream_copying(path, content)
                    return
                # Not inside a caller's transaction: SQLite could not detach the scratch file.
                if writes and connection.vendor == "sqlite" and not connection.in_atomic_block:
                    self._stream_staging(path, content)
                    return
                self._stream_csv(path, content)
            except _Fallback:
                if size > MAX_FILE_BYTES:
                    raise FileRejected.because(
                        IntakeCode.UNREADABLE_FILE,
                        f"{self.submission.file_name}: files over {MAX_FILE_BYTES:,} bytes must "
                        "be plain UTF-8 CSV without quoted line breaks or ragged rows.",
                    ) from None
                self._reset()
                self._parsed(parse_csv(path.read_bytes(), kind=self.kind), Format.CSV)
        else:
            self._parsed(
                parse_file(
                    content,
                    file_name=self.submission.file_name,
                    sheet=self.submission.sheet or None,
                    kind=self.kind,
                ),
                detected,
            )
        self.commit()

    def _writes_while_mapping(self) -> bool:
        """A sell-through CSV's facts are written batch by batch unless any error rejects it."""
        return self.kind is ReportKind.SELL_THROUGH and self.policy != ErrorPolicy.REJECT_FILE

    def _stream_copying(self, path: Path, content: bytes | None) -> None:
        """Stream a CSV, copying each checked batch's facts while the next one is mapped.

        One transaction from the first batch to the commit, as ``commit`` has it: nothing is
        seen before the end and a failure anywhere rolls all of it back. The distributor's row
        is locked first, so this distributor's submissions commit one after another and new
        reseller spellings are stored by one run at a time.
        """
        s = self.submission
        # Progress goes through a second connection, unless a caller's transaction (a test's)
        # holds the submission row unseen by others: then it stays in this one.
        side = None if connection.in_atomic_block else SideChannel()
        try:
            with transaction.atomic():
                Distributor.objects.unscoped().select_for_update().filter(
                    pk=s.distributor_id
                ).first()
                self.stored_mentions = _stored_mentions(s.distributor_id)
                mention_ids = {key: row[0] for key, row in self.stored_mentions.items()}
                self.known_mentions = set(mention_ids)
                connection.ensure_connection()
                self.side = side
                context = self.context
                self.writer = StreamWriter(
                    raw_connection=connection.connection,
                    distributor_id=s.distributor_id,
                    mention_ids=mention_ids,
                    make_facts=lambda lines, ids: context.sale_facts(lines, s.pk, ids),
                    mention_frame=lambda new: _mention_frame(s.distributor_id, new),
                    on_facts=lambda facts: self.rollup_parts.add(_rollup(facts)),
                )
                try:
                    self._stream_csv(path, content)
                    self.writer.close()
                    self.progress(stage=Stage.COMMITTING)
                except BaseException:
                    self.writer.abandon()
                    raise
                finally:
                    self.side = None
                self.commit()
        finally:
            if side is not None:
                side.close()

    def _stream_staging(self, path: Path, content: bytes | None) -> None:
        """Stream a CSV, staging each checked batch's facts while the next one is mapped.

        SQLite's counterpart of ``_stream_copying`` (see ``staging``): the facts go to a
        scratch file, not into the database, so no transaction is open until the commit,
        which copies them in.
        """
        s = self.submission
        context = self.context
        if self.spill_dir is None:
            self.spill_dir = tempfile.TemporaryDirectory(prefix="midstream-intake-")
        self.writer = stager = FactStager(
            Path(self.spill_dir.name),
            make_facts=lambda lines, numbers: context.sale_facts(lines, s.pk, numbers),
            on_facts=lambda facts: self.rollup_parts.add(_rollup(facts)),
            make_rollup=lambda: _merge_rollups(self.rollup_parts.parts, s),
        )
        try:
            self._stream_csv(path, content)
            stager.close()
        except BaseException:
            stager.abandon()
            raise
        self.progress(stage=Stage.COMMITTING)
        try:
            self.commit()
        finally:
            stager.detach()

    def _reset(self) -> None:
        self.writer = None
        self.rollup_parts = _RollupParts()
        self.known_mentions = set()
        self.mentions = {}
        self.review_keys = set()
        self.review_counts = {}
        self.spellings = pl.DataFrame(schema=_SPELLING_SCHEMA)
        self.totals = _Totals()
        self.seen_keys = _SeenKeys()
        self.cleanup()
        self.spill_dir = None

    # reading ──────────────────────────────────────────────────────────────────────────

    def _spec(self, family: FormatFamily, columns: list[str]) -> MappingSpec:
        profile = current_profile(self.distributor.pk, str(self.kind), str(family))
        if profile is not None:
            if self.side is not None:
                self.side.update(
                    Submission._meta.db_table, self.submission.pk, {"profile_id": profile.pk}
                )
            else:
                Submission.objects.unscoped().filter(pk=self.submission.pk).update(profile=profile)
            return profile.mapping_spec()
        if family is FormatFamily.TABULAR:
            return spec_from_suggestion(columns, self.kind)
        return default_spec(family, self.kind)

    def _stream_csv(self, path: Path, content: bytes | None) -> None:
        sample = _head(path, content)
        parsed = parse_csv(sample, kind=self.kind)
        if parsed.has_errors or not parsed.documents:
            raise _Fallback
        if parsed.encoding not in ("utf-8", "utf-8-sig") or not parsed.columns:
            raise _Fallback
        spec = self._spec(FormatFamily.TABULAR, parsed.columns)
        if parsed.diagnostics:
            raise _Fallback  # the full reader reports header problems with their lines
        delimiter = parsed.delimiter
        total_bytes = len(content) if content is not None else path.stat().st_size
        header = b""
        next_line = 2

        def pieces() -> Iterator[bytes]:
            nonlocal header
            for chunk, is_first in _chunks(path, content):
                if is_first:
                    header, chunk = _split_header(chunk)
                    if chunk:
                        per_line = max(1, len(chunk) // max(1, chunk.count(b"\n")))
                        self.progress(total=total_bytes // per_line)
                yield chunk

        def read(chunk: bytes) -> pl.DataFrame | int:
            """The chunk's rows; for a chunk of blank lines, how many lines it had."""
            if not chunk.strip():
                return chunk.count(b"\n")
            return _read_chunk(header, chunk, delimiter, parsed.columns)

        # Polars reads the next chunk in a second thread while this one is mapped.
        for frame in _read_ahead(pieces(), read):
            if isinstance(frame, int):
                next_line += frame
                continue
            frame = frame.with_columns(
                pl.int_range(next_line, next_line + frame.height, dtype=pl.Int64).alias(LINE)
            )
            next_line += frame.height
            self.progress(stage=Stage.MAPPING, status=SubmissionStatus.VALIDATING)
            typed, issues = frames.map_tabular(frame, spec, today=self.today)
            self._accept(typed, issues, read=frame.height)
        self.progress(total=self.totals.read)

    def _parsed(self, parsed: ParsedFile, fmt: Format) -> None:
        file_errors = [
            d for d in parsed.diagnostics if d.location is None and d.severity is Severity.ERROR
        ]
        if file_errors:
            raise FileRejected(_diagnostics_frame(file_errors))
        reader_issues = _diagnostics_frame(parsed.diagnostics)
        wanted = [record for record in parsed.records if record.kind is self.kind]
        other = len(parsed.records) - len(wanted)
        self.progress(stage=Stage.MAPPING, status=SubmissionStatus.VALIDATING, total=len(wanted))
        family = _FAMILY[fmt]
        spec = self._spec(family, parsed.columns)
        if other:
            reader_issues = pl.concat(
                [
                    reader_issues,
                    issue_rows(
                        [
                            _coded(
                                IntakeCode.WRONG_KIND,
                                f"{other} line(s) of the other report kind were left out.",
                            )
                        ]
                    ),
                ]
            )
        self.totals.header_period = _header_period(parsed, spec)
        if family is FormatFamily.TABULAR:
            records = parsed.records
            raw = pl.DataFrame(
                {
                    LINE: pl.Series([r.location for r in records], dtype=pl.Int64),
                    **{
                        column: pl.Series(
                            [r.columns.get(column, "") for r in records], dtype=pl.Utf8
                        )
                        for column in parsed.columns
                    },
                }
            )
            typed, issues = frames.map_tabular(raw, spec, today=self.today)
        else:
            result = apply_mapping(parsed, spec, today=self.today)
            typed = frames.records_frame(result.records, self.kind)
            issues = _diagnostics_frame(result.diagnostics)
        self._accept(typed, pl.concat([reader_issues, issues]), read=len(wanted))

    # resolving and validating one batch ────────────────────────────────────────────────

    def _accept(self, typed: pl.DataFrame, issues: pl.DataFrame, *, read: int) -> None:
        lines, more = self.context.resolve_and_check(typed, self)
        issues = pl.concat([issues, more])
        rejected_lines = issues.filter(pl.col("severity") == ERROR).get_column(LINE).drop_nulls()
        lines = lines.filter(~pl.col(LINE).is_in(rejected_lines.implode()))
        if self.review_keys:
            waiting = lines.filter(pl.col("_mention_key").is_in(list(self.review_keys)))
            for key, count in waiting.group_by("_mention_key").len().iter_rows():
                self.review_counts[key] = self.review_counts.get(key, 0) + count
        warned = issues.filter(pl.col("severity") == WARNING).get_column(LINE).drop_nulls()
        lines = lines.with_columns(
            (pl.col("_warned") | pl.col(LINE).is_in(warned.implode())).alias("_warned")
        )
        if self.writer is not None:
            # Once an accepted line waits for review the run cannot commit: nothing more is
            # written (on PostgreSQL, a million rolled-back facts would leave the server a
            # million dead rows to vacuum).
            if not self.review_counts:
                new = {k: v for k, v in self.mentions.items() if k not in self.known_mentions}
                self.known_mentions.update(new)
                self.writer.put(lines.select(_KEEP[self.kind]), new)
            # What the commit still checks: the report period, lines counted elsewhere.
            lines = lines.select(LINE, "invoice_date", "invoice_number", "_key", "_warned")
        else:
            # Keep only what the commit writes or checks (a batch can wait for minutes).
            lines = lines.select(_KEEP[self.kind])
        date_column = "as_of_date" if self.kind is ReportKind.INVENTORY else "invoice_date"
        if lines.height:
            low, high = lines.get_column(date_column).min(), lines.get_column(date_column).max()
            t = self.totals
            t.min_date = low if t.min_date is None else min(t.min_date, low)
            t.max_date = high if t.max_date is None else max(t.max_date, high)
        batch = _Batch(lines=lines, issues=issues, read=read, rejected=rejected_lines.n_unique())
        self.totals.read += read
        self.totals.in_memory += lines.height
        if self.writer is None and self.totals.in_memory > SPILL_ROWS:
            self._spill()
        self.totals.batches.append(batch)
        self.progress()

    def _spill(self) -> None:
        if self.spill_dir is None:
            self.spill_dir = tempfile.TemporaryDirectory(prefix="midstream-intake-")
        for index, batch in enumerate(self.totals.batches):
            if isinstance(batch.lines, pl.DataFrame):
                target = Path(self.spill_dir.name) / f"{id(batch)}-{index}.parquet"
                batch.lines.write_parquet(target, compression="lz4")
                batch.lines = target
        self.totals.in_memory = 0

    # committing ───────────────────────────────────────────────────────────────────────

    def period(self) -> tuple[date, date] | None:
        s = self.submission
        if s.period_start and s.period_end:
            return s.period_start, s.period_end
        if self.totals.header_period:
            return self.totals.header_period
        if self.totals.min_date is None:
            return None
        if self.kind is ReportKind.INVENTORY:
            return _month_start(self.totals.max_date), _month_end(self.totals.max_date)
        return _month_start(self.totals.min_date), _month_end(self.totals.max_date)

    def commit(self) -> None:
        """Check what needs the whole file, then write (or, streamed, finish writing) it all.

        Streamed (``_stream_copying``), the facts are already in this transaction and the
        distributor is already locked; the lines counted by another submission are taken out
        again here, and the rollups come from the parts the writer summed.
        """
        period = self.period()
        streamed = self.writer is not None
        if not streamed:
            self.progress(stage=Stage.COMMITTING)
        s = self.submission
        with transaction.atomic():
            if not streamed:
                Distributor.objects.unscoped().select_for_update().filter(
                    pk=s.distributor_id
                ).first()
            self.check_still_ours()
            previous = None
            if period is not None:
                previous = (
                    Submission.objects.for_distributor(s.distributor_id)
                    .select_for_update()
                    .filter(
                        kind=s.kind,
                        period_start=period[0],
                        period_end=period[1],
                        status=SubmissionStatus.COMMITTED,
                    )
                    .exclude(pk=s.pk)
                    .first()
                )
            counted = self.context.counted_keys(self.totals, exclude=previous)
            all_issues: list[pl.DataFrame] = []
            accepted_frames = 0
            warned = 0
            rejected = 0
            rollups = _RollupParts()
            # Checked batches wait where they were: in memory, or spilled to disk (one batch in
            # memory at a time, however large the file).
            pending: list[pl.DataFrame | Path] = []
            withdrawn: list[pl.Series] = []
            for batch in self.totals.batches:
                lines = batch.lines
                if isinstance(lines, Path):
                    lines = pl.read_parquet(lines)
                if streamed and counted.len():
                    withdrawn.append(
                        lines.filter(pl.col("_key").is_in(counted.implode())).get_column(LINE)
                    )
                checked = lines.height
                lines, late = self.context.final_checks(lines, period, counted)
                issues = pl.concat([batch.issues, late])
                all_issues.append(issues)
                rejected += (
                    batch.rejected
                    + late.filter(pl.col("severity") == ERROR).get_column(LINE).n_unique()
                )
                accepted_frames += lines.height
                warned += lines.get_column("_warned").sum()
                if streamed:
                    continue  # its facts are written already
                if isinstance(batch.lines, Path):
                    if lines.height != checked:  # lines counted elsewhere were taken out
                        lines.write_parquet(batch.lines, compression="lz4")
                    pending.append(batch.lines)
                else:
                    pending.append(lines)
                del lines  # a spilled batch's frame, before the next one is read
            issues = _group_issues(pl.concat(all_issues)) if all_issues else frames.empty_issues()
            has_errors = issues.filter(pl.col("severity") == ERROR).height > 0
            if self.policy == ErrorPolicy.REJECT_FILE and has_errors:
                raise FileRejected.because(
                    IntakeCode.FILE_REJECTED,
                    f"{rejected} line(s) have errors and this distributor's policy for this "
                    "report kind is to reject the whole file; nothing was counted.",
                    issues,
                )
            if accepted_frames == 0:
                raise FileRejected.because(
                    IntakeCode.NO_LINES,
                    f"no line of this {self.kind.value.replace('_', '-')} report was accepted "
                    f"({self.totals.read} read).",
                    issues,
                )
            if self.review_counts:
                # Rolls back whatever this transaction wrote (streamed facts included).
                raise _AwaitingReview(
                    issues,
                    {
                        "lines_accepted": accepted_frames,
                        "lines_warned": int(warned),
                        "lines_rejected": rejected,
                        "period": period,
                    },
                )
            version = (
                Submission.objects.for_distributor(s.distributor_id)
                .filter(kind=s.kind, period_start=period[0], period_end=period[1])
                .exclude(version=None)
                .aggregate(top=Max("version"))["top"]
                or 0
            ) + 1
            if previous is not None:
                Submission.objects.unscoped().filter(pk=previous.pk).update(
                    status=SubmissionStatus.SUPERSEDED
                )
                _deactivate_rollups(previous)
            lines_out = pl.concat(withdrawn).to_list() if withdrawn else []
            staged = isinstance(self.writer, FactStager)
            if staged:
                mention_ids = _store_mentions(s.distributor_id, self.mentions)
                out = self.writer.copy_facts(mention_ids, lines_out)
            elif streamed:
                out = _withdraw_facts(s, lines_out) if lines_out else None
                mention_ids = {}
                _update_mentions(self.stored_mentions, self.mentions)
            else:
                mention_ids = _store_mentions(s.distributor_id, self.mentions)
            if streamed:
                rollups = self.rollup_parts
                if lines_out:
                    rollups.add(_negated_rollup(out, rollups.parts[0].schema))
            for part in pending:
                lines = pl.read_parquet(part) if isinstance(part, Path) else part
                if self.kind is ReportKind.INVENTORY:
                    insert_frame(InventoryFact, self.context.stock_facts(lines, s.pk))
                else:
                    facts = self.context.sale_facts(lines, s.pk, mention_ids)
                    insert_frame(SellThroughFact, facts)
                    rollups.add(_rollup(facts))
            if staged and not lines_out:
                self.writer.insert_rollup()  # the one it summed; withdrawn lines change it
            elif rollups.parts:
                insert_frame(SellThroughMonth, _merge_rollups(rollups.parts, s))
            # A run after a review replaces what the run that stopped for it recorded.
            SubmissionIssue.objects.unscoped().filter(submission=s).delete()
            ReviewWait.objects.unscoped().filter(submission=s).delete()
            _insert_issues(issues, s)
            now = timezone.now()
            values = {
                "status": SubmissionStatus.COMMITTED,
                "stage": Stage.DONE,
                "period_start": period[0],
                "period_end": period[1],
                "version": version,
                "supersedes_id": previous.pk if previous else None,
                "lines_read": self.totals.read,
                "lines_total": self.totals.read,
                "lines_processed": self.totals.read,
                "lines_accepted": accepted_frames,
                "lines_warned": int(warned),
                "lines_rejected": rejected,
                "error_policy": self.policy,
                "committed_at": now,
                "finished_at": now,
                "first_line_date": self.totals.min_date,
                "last_line_date": self.totals.max_date,
            }
            Submission.objects.unscoped().filter(pk=s.pk).update(**values)
            record_audit(
                actor=None,
                action="submission.commit",
                obj=s,
                distributor_id=s.distributor_id,
                changes={
                    "status": [str(SubmissionStatus.VALIDATING), str(SubmissionStatus.COMMITTED)],
                    "version": [None, version],
                    "supersedes": [None, previous.pk if previous else None],
                    "lines_accepted": [None, accepted_frames],
                    "lines_rejected": [None, rejected],
                },
            )
            record_unknown_parts(s)
        for name, value in values.items():
            setattr(s, name, value)
        if self.on_progress is not None:
            self.on_progress(s)

    def await_review(self, issues: pl.DataFrame, counts: dict) -> None:
        """Record the outcome of a run stopped for review, in a transaction of its own.

        The issues and the spellings (with their candidates) are stored, and which spellings
        the submission waits for; no fact, no rollup, no version. Deciding the last of them
        queues the submission again (``matching.review``).
        """
        s = self.submission
        issues = _group_issues(issues)
        period = counts["period"]
        with transaction.atomic():
            Distributor.objects.unscoped().select_for_update().filter(pk=s.distributor_id).first()
            self.check_still_ours()
            SubmissionIssue.objects.unscoped().filter(submission=s).delete()
            _insert_issues(issues, s)
            mention_ids = _store_mentions(s.distributor_id, self.mentions)
            ReviewWait.objects.unscoped().filter(submission=s).delete()
            ReviewWait.objects.unscoped().bulk_create(
                ReviewWait(
                    distributor_id=s.distributor_id,
                    submission_id=s.pk,
                    spelling_id=mention_ids[key],
                    line_count=count,
                )
                for key, count in sorted(self.review_counts.items())
            )
            values = {
                "status": SubmissionStatus.AWAITING_REVIEW,
                "lines_read": self.totals.read,
                "lines_total": self.totals.read,
                "lines_processed": self.totals.read,
                "lines_accepted": counts["lines_accepted"],
                "lines_warned": counts["lines_warned"],
                "lines_rejected": counts["lines_rejected"],
                "error_policy": self.policy,
                "first_line_date": self.totals.min_date,
                "last_line_date": self.totals.max_date,
            }
            if period and not s.period_start:
                values["period_start"], values["period_end"] = period
            _finish(s, **values)
            record_audit(
                actor=None,
                action="submission.await_review",
                obj=s,
                distributor_id=s.distributor_id,
                changes={
                    "status": [str(SubmissionStatus.VALIDATING), str(s.status)],
                    "spellings_in_review": [None, len(self.review_counts)],
                },
            )
        if self.on_progress is not None:
            self.on_progress(s)

    def reject(self, issues: pl.DataFrame) -> None:
        s = self.submission
        issues = _group_issues(issues)
        rejected_lines = (
            issues.filter((pl.col("severity") == ERROR) & pl.col(LINE).is_not_null())
            .get_column(LINE)
            .n_unique()
        )
        period = self.period()
        with transaction.atomic():
            self.check_still_ours()
            SubmissionIssue.objects.unscoped().filter(submission=s).delete()
            _insert_issues(issues, s)
            values = {
                "status": SubmissionStatus.REJECTED,
                "lines_read": self.totals.read,
                "lines_total": self.totals.read,
                "lines_processed": self.totals.read,
                "lines_accepted": 0,
                "lines_warned": 0,
                "lines_rejected": rejected_lines,
                "error_policy": self.policy,
            }
            if period and not s.period_start:
                values["period_start"], values["period_end"] = period
            _finish(s, **values)
            record_audit(
                actor=None,
                action="submission.reject",
                obj=s,
                distributor_id=s.distributor_id,
                changes={"status": [None, str(SubmissionStatus.REJECTED)]},
            )
            record_unknown_parts(s)
        if self.on_progress is not None:
            self.on_progress(s)


# ─── reference data and checks ───────────────────────────────────────────────────────────


_TEXT_LIMITS = {
    "invoice_number": 60,
    "invoice_line": 20,
    "transaction_type": 10,
    "currency": 3,
    "contract_reference": 60,
    "reseller_name": 200,
    "reseller_partner_id": 40,
    "reseller_tax_id": 40,
    "reseller_account_number": 60,
    "reseller_city": 100,
    "reseller_postal_code": 20,
    "reseller_country": 60,
    "reseller_address": 200,
    "end_customer_name": 200,
    "stock_location": 60,
    "unit": 10,
}
_MENTION_FIELDS = (
    "reseller_name",
    "reseller_country",
    "reseller_postal_code",
    "reseller_city",
    "reseller_address",
    "reseller_partner_id",
    "reseller_tax_id",
    "reseller_account_number",
)


@dataclass
class _Context:
    """What the checks need, loaded once per submission in a fixed number of queries."""

    distributor_id: int
    kind: ReportKind
    products: ProductResolver
    resellers: ResellerResolver | None
    bought: frozenset[int]
    list_prices: pl.DataFrame
    agreement_currency: str
    rates: object
    # Answers already worked out, by distinct value: a file repeats the same products and
    # reseller spellings in every batch, and they depend only on the reference data above.
    product_answers: dict = field(default_factory=dict)
    reseller_answers: dict = field(default_factory=dict)
    # Issue 4: the fuzzy step (its results keep the candidates) and the remembered spellings
    # (key → (reseller id, status, method, score)), which resolve before any step: those a
    # person decided, and those the fuzzy step accepted on its own before, so a spelling once
    # resolved stays resolved (a file read again, after a review say, resolves as before,
    # whatever aliases the review added meanwhile).
    matcher: object | None = None
    decided: dict = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        distributor_id: int,
        kind: ReportKind,
        submission: Submission,
        reference: ReferenceCache | None = None,
    ) -> _Context:
        if reference is not None:
            shared = reference.get(distributor_id, kind)
            if shared is not None:
                return replace(
                    shared, agreement_currency=_agreement_currency(distributor_id, submission)
                )
        context = cls._load(distributor_id, kind, submission)
        if reference is not None:
            reference.put(distributor_id, kind, context)
        return context

    @classmethod
    def _load(cls, distributor_id: int, kind: ReportKind, submission: Submission) -> _Context:
        agreement_currency = _agreement_currency(distributor_id, submission)
        bought = frozenset(
            SellInLine.objects.for_distributor(distributor_id)
            .values_list("product_id", flat=True)
            .distinct()
        )
        prices = list(Product.objects.values_list("pk", "list_price", "currency"))
        list_prices = pl.DataFrame(
            {
                "product_id": pl.Series([p[0] for p in prices], dtype=pl.Int64),
                "_list_price": pl.Series([p[1] for p in prices], dtype=pl.Decimal(38, 4)),
                "_list_currency": pl.Series([p[2] for p in prices], dtype=pl.Utf8),
            }
        )
        matcher = None
        decided = {}
        if kind is ReportKind.SELL_THROUGH:
            from midstream.matching.intake import ReviewMatcher
            from midstream.matching.selectors import current_thresholds

            matcher = ReviewMatcher(current_thresholds())
            remembered = (
                ReportedReseller.objects.for_distributor(distributor_id)
                .filter(
                    Q(status__in=DECIDED_SPELLINGS)
                    | Q(status=SpellingStatus.RESOLVED, method=FUZZY)
                )
                .values_list("key", "reseller_id", "status", "method", "score")
            )
            decided = {row[0]: row[1:] for row in remembered}
        return cls(
            distributor_id=distributor_id,
            kind=kind,
            products=ProductResolver(distributor_id=distributor_id),
            resellers=(
                ResellerResolver(distributor_id=distributor_id, matchers=[matcher])
                if kind is ReportKind.SELL_THROUGH
                else None
            ),
            matcher=matcher,
            decided=decided,
            bought=bought,
            list_prices=list_prices,
            agreement_currency=agreement_currency,
            rates=rate_table(),
        )

    # per batch ───────────────────────────────────────────────────────────────────────

    def resolve_and_check(
        self, typed: pl.DataFrame, run: _Run
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        issues: list[tuple] = []
        lines = typed.with_columns(pl.lit(False).alias("_warned"))
        lines = self._too_long(lines, issues)
        lines = self._products(lines, issues)
        if self.kind is ReportKind.SELL_THROUGH:
            lines = self._resellers(lines, issues, run)
            lines = self._currencies(lines, issues)
            lines = self._amounts(lines)
            lines = self._prices(lines, issues)
            lines = self._duplicates_in_file(lines, issues, run)
        else:
            lines = self._stock_duplicates(lines, issues, run)
        never = lines.filter(
            pl.col("product_id").is_not_null() & ~pl.col("product_id").is_in(list(self.bought))
        )
        if never.height:
            grouped = never.group_by("product_reference").agg(
                pl.col(LINE).min().alias("first"), pl.len().alias("count")
            )
            for reference, first, count in grouped.sort("first").iter_rows():
                issues.append(
                    _coded(
                        IntakeCode.PRODUCT_NEVER_BOUGHT,
                        f"{reference}: the distributor never bought this product from the vendor.",
                        line=first,
                        field="product",
                        value=reference,
                        count=count,
                    )
                )
            lines = lines.with_columns(
                (
                    pl.col("_warned")
                    | (
                        pl.col("product_id").is_not_null()
                        & ~pl.col("product_id").is_in(list(self.bought))
                    )
                ).alias("_warned")
            )
        return lines, issue_rows(issues)

    def _too_long(self, lines: pl.DataFrame, issues: list) -> pl.DataFrame:
        for name, limit in _TEXT_LIMITS.items():
            if name not in lines.columns:
                continue
            too_long = lines.filter(pl.col(name).str.len_chars() > limit)
            for line, value in too_long.select(LINE, name).iter_rows():
                issues.append(
                    _coded(
                        IntakeCode.VALUE_TOO_LONG,
                        f"{name} has {len(value)} characters; at most {limit}.",
                        line=line,
                        field=name,
                        value=value[:200],
                    )
                )
        return lines

    def _products(self, lines: pl.DataFrame, issues: list) -> pl.DataFrame:
        keys = lines.select("candidates", "unit", "unit_reported").unique()
        product_ids, references, factors = [], [], []
        answers = self.product_answers
        for key in keys.iter_rows():
            answer = answers.get(key)
            if answer is None:
                answers[key] = answer = self._product_answer(*key)
            product_ids.append(answer[0])
            references.append(answer[1])
            factors.append(answer[2])
        resolved = keys.with_columns(
            pl.Series("product_id", product_ids, dtype=pl.Int64),
            pl.Series("product_reference", references, dtype=pl.Utf8),
            pl.Series("_factor", factors, dtype=pl.Int64),
        )
        lines = lines.join(
            resolved,
            on=["candidates", "unit", "unit_reported"],
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        unknown = lines.filter(pl.col("product_id").is_null())
        for line, candidates in unknown.select(LINE, "candidates").iter_rows():
            described = ", ".join(f"{k} {v}" for k, v in decode_candidates(candidates))
            issues.append(
                _coded(
                    IntakeCode.UNKNOWN_PRODUCT,
                    f"no catalog product for {described or 'this line'}.",
                    line=line,
                    field="product",
                    value=described[:200],
                )
            )
        no_factor = lines.filter(pl.col("product_id").is_not_null() & pl.col("_factor").is_null())
        for line, reference, unit in no_factor.select(
            LINE, "product_reference", "unit"
        ).iter_rows():
            issues.append(
                _coded(
                    IntakeCode.UNKNOWN_UNIT_CONVERSION,
                    f"{reference} has no conversion from unit {unit!r} to its base unit.",
                    line=line,
                    field="unit_of_measure",
                    value=unit,
                )
            )
        quantity_columns = (
            ["quantity"] if self.kind is ReportKind.SELL_THROUGH else list(_STOCK_COLUMNS)
        )
        scaled = [
            (pl.col(name) * pl.col("_factor")).cast(frames.QUANTITY_TYPE).alias(f"_base_{name}")
            for name in quantity_columns
        ]
        return lines.with_columns(scaled)

    def _product_answer(self, candidates: str, unit: str, reported: bool) -> tuple:
        """``(product id, reference, unit factor)`` for one distinct value; Nones if unknown."""
        match = self.products.resolve(decode_candidates(candidates)) if candidates else None
        if match is None:
            return None, None, None
        reference = f"{match.method}:{match.value}"[:80]
        return match.product_id, reference, match.factor_for(unit if reported else None)

    def _resellers(self, lines: pl.DataFrame, issues: list, run: _Run) -> pl.DataFrame:
        """Resolve each distinct reseller spelling once, then map the answers onto lines."""
        spelled = pl.concat_str(
            [pl.col(name).fill_null("") for name in _MENTION_FIELDS], separator=_FIELD_SEP
        )
        lines = lines.with_columns(spelled.alias("_spelling"))
        distinct = lines.select("_spelling").unique()
        if run.spellings.height:
            distinct = distinct.join(run.spellings.select("_spelling"), on="_spelling", how="anti")
        if distinct.height:
            run.spellings = pl.concat(
                [run.spellings, self._spelling_answers(distinct.get_column("_spelling"), run)]
            )
        lines = lines.drop(_SPELLING_SCHEMA.keys() - {"_spelling"}, strict=False).join(
            run.spellings, on="_spelling", how="left", maintain_order="left"
        )
        open_lines = lines.filter(pl.col("_reseller_outcome") != "")
        if open_lines.height:
            grouped = open_lines.group_by("_reseller_outcome", "_spelling", "_mention_key").agg(
                pl.col(LINE).min().alias("first"), pl.len().alias("count")
            )
            for outcome_code, text, key, first, count in grouped.sort("first").iter_rows():
                code = IntakeCode(outcome_code)
                mention = ResellerMention(*text.split(_FIELD_SEP))
                name, account, city = mention.name, mention.account_number, mention.city
                if code is IntakeCode.RESELLER_MISSING:
                    message = "no reseller is named on the line (the line count says how many)."
                else:
                    label = name or account or mention.partner_id or mention.tax_id or "?"
                    extra = f" (account {account})" if account and name else ""
                    where = f", {city}" if city else ""
                    if code is IntakeCode.RESELLER_REVIEW:
                        verb = "waits in the reseller review queue"
                    elif code is IntakeCode.AMBIGUOUS_RESELLER:
                        verb = "matches several resellers"
                    elif key in self.decided and self.decided[key][1] == SpellingStatus.REJECTED:
                        verb = "is not a reseller of ours (decided in the review)"
                    else:
                        verb = "matches no reseller"
                    message = f"{label!r}{extra}{where} {verb}."
                issues.append(
                    _coded(
                        code,
                        message,
                        line=first,
                        field="reseller",
                        value=(name or account)[:200],
                        count=count,
                    )
                )
            lines = lines.with_columns(
                (pl.col("_warned") | (pl.col("_reseller_outcome") != "")).alias("_warned")
            )
        return lines

    def _spelling_answers(self, texts: pl.Series, run: _Run) -> pl.DataFrame:
        """The outcome for spellings new to this run: reseller, method, issue code, stored key.

        Resolved once per file (and, across the files of one demo load, once per distributor).
        """
        mentions = {text: ResellerMention(*text.split(_FIELD_SEP)) for text in texts}
        keys_of = {text: _mention_key(text) for text in mentions if text != _EMPTY_SPELLING}
        answers = self.reseller_answers
        new = {
            text: mention
            for text, mention in mentions.items()
            if text not in answers and keys_of.get(text) not in self.decided
        }
        if new:
            found = self.resellers.resolve_many(new.values())
            for text, mention in new.items():
                answers[text] = found.get(mention)
        results = self.matcher.results if self.matcher is not None else {}
        ids, methods, outcomes, keys = [], [], [], []
        for text, mention in mentions.items():
            key = keys_of.get(text)
            decided = self.decided.get(key)
            if decided is not None:
                # Remembered (issue 4): a person's decision, or an earlier automatic match.
                reseller_id, status, method, score = decided
                if reseller_id is None:
                    match = None
                elif method == FUZZY:
                    match = ResellerMatch(reseller_id, FUZZY, score)
                else:
                    match = ResellerMatch(reseller_id, "manual")
                result = None
            else:
                match = answers[text]
                result = results.get(mention)
            resolved = match is not None and match.is_resolved
            if resolved:
                status, outcome = SpellingStatus.RESOLVED, ""
            elif match is not None:
                status, outcome = SpellingStatus.REVIEW, str(IntakeCode.RESELLER_REVIEW)
            elif key is not None:
                status, outcome = SpellingStatus.NEW, str(IntakeCode.UNKNOWN_RESELLER)
            else:
                status, outcome = None, str(IntakeCode.RESELLER_MISSING)
            if decided is not None:
                status = decided[1]
            if key is not None:
                score = match.score if match is not None else (result.score if result else None)
                run.mentions[key] = (
                    tuple(text.split(_FIELD_SEP)),
                    match.reseller_id if resolved else None,
                    match.method if resolved else "",
                    str(status),
                    score,
                    _candidates_text(result, match, status),
                )
                if status == SpellingStatus.REVIEW:
                    run.review_keys.add(key)
            ids.append(match.reseller_id if resolved else None)
            methods.append(match.method if resolved else "")
            keys.append(key)
            outcomes.append(outcome)
        return pl.DataFrame(
            [list(mentions), ids, methods, outcomes, keys], schema=_SPELLING_SCHEMA, orient="col"
        )

    def _currencies(self, lines: pl.DataFrame, issues: list) -> pl.DataFrame:
        if self.agreement_currency:
            lines = lines.with_columns(
                pl.when(pl.col("currency") == "")
                .then(pl.lit(self.agreement_currency))
                .otherwise(pl.col("currency"))
                .alias("currency")
            )
        missing = lines.filter(pl.col("currency") == "")
        for (line,) in missing.select(LINE).iter_rows():
            issues.append(
                _coded(
                    IntakeCode.CURRENCY_MISSING,
                    "no currency on the line and no agreement currency to assume.",
                    line=line,
                    field="currency",
                )
            )
        if missing.height:
            lines = lines.with_columns(
                (pl.col("_warned") | (pl.col("currency") == "")).alias("_warned")
            )
        if not self.agreement_currency:
            return lines
        foreign = lines.filter(
            (pl.col("currency") != "") & (pl.col("currency") != self.agreement_currency)
        )
        if not foreign.height:
            return lines
        months = foreign.select(
            "currency", pl.col("invoice_date").dt.month_start().alias("_month")
        ).unique()
        without = []
        for currency, month in months.iter_rows():
            try:
                self.rates.rate(currency, month)
                self.rates.rate(self.agreement_currency, month)
            except DomainError:
                without.append((currency, month))
        if without:
            bad = set(without)
            for line, currency, day in foreign.select(LINE, "currency", "invoice_date").iter_rows():
                if (currency, day.replace(day=1)) in bad:
                    issues.append(
                        _coded(
                            IntakeCode.CURRENCY_WITHOUT_RATE,
                            f"{currency} differs from the agreement's {self.agreement_currency} "
                            f"and there is no exchange rate for {day.isoformat()}.",
                            line=line,
                            field="currency",
                            value=currency,
                        )
                    )
        return lines

    def _amounts(self, lines: pl.DataFrame) -> pl.DataFrame:
        """Amount signed like the quantity; computed from quantity x price when absent."""
        missing = lines.filter(pl.col("amount").is_null() & pl.col("unit_price").is_not_null())
        if missing.height:
            pairs = missing.select("quantity", "unit_price").unique()
            computed = [
                (quantity * price).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                if quantity is not None
                else None
                for quantity, price in pairs.iter_rows()
            ]
            pairs = pairs.with_columns(pl.Series("_computed", computed, dtype=pl.Decimal(38, 4)))
            lines = lines.join(
                pairs,
                on=["quantity", "unit_price"],
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            lines = lines.with_columns(pl.coalesce("amount", "_computed").alias("amount")).drop(
                "_computed"
            )
        return lines.with_columns(
            pl.when(pl.col("quantity") < 0)
            .then(-pl.col("amount").abs())
            .otherwise(pl.col("amount").abs())
            .cast(frames.PRICE_TYPE)
            .alias("amount")
        )

    def _prices(self, lines: pl.DataFrame, issues: list) -> pl.DataFrame:
        priced = lines.join(self.list_prices, on="product_id", how="left", maintain_order="left")
        zero = priced.filter(pl.col("unit_price") == 0)
        for (line,) in zero.select(LINE).iter_rows():
            issues.append(
                _coded(
                    IntakeCode.ZERO_PRICE,
                    "the resale unit price is 0.",
                    line=line,
                    field="unit_price",
                )
            )
        comparable = priced.filter(
            pl.col("unit_price").is_not_null()
            & (pl.col("unit_price") > 0)
            & (pl.col("currency") == pl.col("_list_currency"))
            & (pl.col("_list_price") > 0)
        ).with_columns((pl.col("_list_price") * pl.col("_factor")).alias("_list_per_unit"))
        odd = comparable.filter(
            (pl.col("unit_price") > pl.col("_list_per_unit") * 10)
            | (pl.col("unit_price") * 10 < pl.col("_list_per_unit"))
        )
        for line, price, per_unit, currency in odd.select(
            LINE, "unit_price", "_list_per_unit", "currency"
        ).iter_rows():
            issues.append(
                _coded(
                    IntakeCode.IMPLAUSIBLE_PRICE,
                    f"resale unit price {price.normalize():f} {currency} against a list price of "
                    f"{per_unit.normalize():f} {currency} for the unit.",
                    line=line,
                    field="unit_price",
                    value=f"{price.normalize():f}",
                )
            )
        return lines

    def _duplicates_in_file(self, lines: pl.DataFrame, issues: list, run: _Run) -> pl.DataFrame:
        lines = lines.with_columns(_sale_key().alias("_key"))
        keys = lines.get_column("_key")
        repeated = keys.is_duplicated() & ~keys.is_first_distinct()
        earlier = run.seen_keys.earlier(keys)
        flagged = lines.filter(repeated | earlier)
        for line, key, has_line in flagged.select(
            LINE, "_key", pl.col("invoice_line") != ""
        ).iter_rows():
            invoice = key.split("\x1f")[1]
            if has_line:
                issues.append(
                    _coded(
                        IntakeCode.DUPLICATE_LINE,
                        f"invoice {invoice} line {key.split(chr(31))[2]} appears earlier in the "
                        "file.",
                        line=line,
                        field="line_number",
                        value=invoice[:200],
                    )
                )
            else:
                issues.append(
                    _coded(
                        IntakeCode.POSSIBLE_DUPLICATE,
                        f"an identical line of invoice {invoice} appears earlier in the file.",
                        line=line,
                        field="invoice_number",
                        value=invoice[:200],
                    )
                )
        run.seen_keys.add(keys)
        return lines

    def _stock_duplicates(self, lines: pl.DataFrame, issues: list, run: _Run) -> pl.DataFrame:
        lines = lines.with_columns(
            pl.concat_str(
                [
                    pl.col("stock_location"),
                    pl.col("product_id").cast(pl.Utf8).fill_null(""),
                    pl.col("as_of_date").cast(pl.Utf8).fill_null(""),
                ],
                separator="\x1f",
            ).alias("_key")
        )
        keys = lines.get_column("_key")
        repeated = (keys.is_duplicated() & ~keys.is_first_distinct()) | run.seen_keys.earlier(keys)
        for line, location, reference in (
            lines.filter(repeated & pl.col("product_id").is_not_null())
            .select(LINE, "stock_location", "product_reference")
            .iter_rows()
        ):
            issues.append(
                _coded(
                    IntakeCode.DUPLICATE_LINE,
                    f"{reference} at location {location or '(none)'} on the same date appears "
                    "earlier in the file.",
                    line=line,
                    field="product",
                    value=reference,
                )
            )
        run.seen_keys.add(keys)
        return lines

    # at commit ──────────────────────────────────────────────────────────────────────────

    def counted_keys(self, totals: _Totals, *, exclude: Submission | None) -> pl.Series:
        """Line keys already counted by another committed submission in the file's dates."""
        if self.kind is ReportKind.INVENTORY or totals.min_date is None:
            return pl.Series("key", [], dtype=pl.Utf8)
        # The committed submissions whose accepted lines span these dates, then their lines.
        overlapping = (
            Submission.objects.for_distributor(self.distributor_id)
            .filter(
                kind=str(self.kind),
                status=SubmissionStatus.COMMITTED,
                first_line_date__lte=totals.max_date,
                last_line_date__gte=totals.min_date,
            )
            .exclude(pk=exclude.pk if exclude else None)
            .values_list("pk", flat=True)
        )
        rows = (
            SellThroughFact.objects.for_distributor(self.distributor_id)
            .filter(
                submission_id__in=list(overlapping),
                invoice_date__gte=totals.min_date,
                invoice_date__lte=totals.max_date,
            )
            .values_list(
                "invoice_number",
                "invoice_line",
                "product_id",
                "invoice_date",
                "reported_quantity",
                "unit_price",
            )
        )
        stored = pl.DataFrame(
            list(rows),
            schema={
                "invoice_number": pl.Utf8,
                "invoice_line": pl.Utf8,
                "product_id": pl.Int64,
                "invoice_date": pl.Date,
                "quantity": pl.Decimal(38, 3),
                "unit_price": pl.Decimal(38, 4),
            },
            orient="row",
        )
        return stored.select(_sale_key().alias("key")).get_column("key").unique()

    def final_checks(
        self, lines: pl.DataFrame, period: tuple[date, date] | None, counted: pl.Series
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        issues: list[tuple] = []
        date_column = "as_of_date" if self.kind is ReportKind.INVENTORY else "invoice_date"
        if period is not None:
            outside = lines.filter(
                (pl.col(date_column) < period[0]) | (pl.col(date_column) > period[1])
            )
            for line, day in outside.select(LINE, date_column).iter_rows():
                issues.append(
                    _coded(
                        IntakeCode.OUTSIDE_PERIOD,
                        f"{day.isoformat()} is outside the report period {period[0].isoformat()} "
                        f"to {period[1].isoformat()}.",
                        line=line,
                        field=date_column,
                        value=day.isoformat(),
                    )
                )
            if outside.height:
                lines = lines.with_columns(
                    (
                        pl.col("_warned")
                        | (pl.col(date_column) < period[0])
                        | (pl.col(date_column) > period[1])
                    ).alias("_warned")
                )
        if counted.len():
            again = lines.filter(pl.col("_key").is_in(counted.implode()))
            for line, invoice in again.select(LINE, "invoice_number").iter_rows():
                issues.append(
                    _coded(
                        IntakeCode.ALREADY_COUNTED,
                        f"invoice {invoice}: this line was already counted in an accepted "
                        "submission for another period.",
                        line=line,
                        field="invoice_number",
                        value=invoice[:200],
                    )
                )
            lines = lines.filter(~pl.col("_key").is_in(counted.implode()))
        return lines, issue_rows(issues)

    def sale_facts(
        self, lines: pl.DataFrame, submission_id: int, mention_ids: dict[str, int]
    ) -> pl.DataFrame:
        return lines.select(
            pl.lit(self.distributor_id, dtype=pl.Int64).alias("distributor_id"),
            pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
            pl.col(LINE).alias("line"),
            "invoice_number",
            "invoice_line",
            "invoice_date",
            "transaction_type",
            "product_id",
            "product_reference",
            pl.col("_base_quantity").alias("quantity"),
            pl.col("quantity").alias("reported_quantity"),
            pl.col("unit").alias("reported_unit"),
            "unit_price",
            "amount",
            "currency",
            "reseller_id",
            "reseller_method",
            pl.col("_mention_key")
            .replace_strict(mention_ids, default=None, return_dtype=pl.Int64)
            .alias("mention_id"),
            "end_customer_name",
            "contract_reference",
        )

    def stock_facts(self, lines: pl.DataFrame, submission_id: int) -> pl.DataFrame:
        return lines.select(
            pl.lit(self.distributor_id, dtype=pl.Int64).alias("distributor_id"),
            pl.lit(submission_id, dtype=pl.Int64).alias("submission_id"),
            pl.col(LINE).alias("line"),
            "as_of_date",
            pl.col("stock_location").alias("location"),
            "product_id",
            "product_reference",
            pl.col("unit").alias("reported_unit"),
            *(pl.col(f"_base_{name}").alias(name) for name in _STOCK_COLUMNS),
        )


_STOCK_COLUMNS = ("on_hand", "available", "on_order", "in_transit", "committed")


def _agreement_currency(distributor_id: int, submission: Submission) -> str:
    """The currency of the agreement in force at the end of the period ("" without one)."""
    from midstream.agreements.selectors import version_in_force_for

    try:
        version = version_in_force_for(
            distributor_id, submission.period_end or timezone.localdate()
        )
    except DomainError:
        return ""
    return version.currency if version is not None else ""


# Columns of an accepted batch the commit needs.
_KEEP = {
    ReportKind.SELL_THROUGH: [
        LINE,
        "invoice_number",
        "invoice_line",
        "invoice_date",
        "transaction_type",
        "product_id",
        "product_reference",
        "_base_quantity",
        "quantity",
        "unit",
        "unit_price",
        "amount",
        "currency",
        "reseller_id",
        "reseller_method",
        "_mention_key",
        "end_customer_name",
        "contract_reference",
        "_key",
        "_warned",
    ],
    ReportKind.INVENTORY: [
        LINE,
        "as_of_date",
        "stock_location",
        "product_id",
        "product_reference",
        "unit",
        *(f"_base_{name}" for name in _STOCK_COLUMNS),
        "_key",
        "_warned",
    ],
}
# ReportedReseller columns in the order of ``_MENTION_FIELDS``.
_MENTION_COLUMNS = (
    "name",
    "country",
    "postal_code",
    "city",
    "address",
    "partner_id",
    "tax_id",
    "account_number",
)


_FIELD_SEP = "\x1f"
# A run's reseller spellings and what became of them (``_Context._spelling_answers``).
_SPELLING_SCHEMA = {
    "_spelling": pl.Utf8,
    "reseller_id": pl.Int64,
    "reseller_method": pl.Utf8,
    "_reseller_outcome": pl.Utf8,
    "_mention_key": pl.Utf8,
}
_EMPTY_SPELLING = _FIELD_SEP * (len(_MENTION_COLUMNS) - 1)


def _mention_key(spelling: str) -> str:
    """The stored key of a reseller spelling: SHA-256 of its fields joined by ``_FIELD_SEP``."""
    return hashlib.sha256(spelling.encode()).hexdigest()


def _candidates_text(result, match, status) -> str:
    """The candidates stored with a spelling (JSON text): for review and new ones only."""
    if status not in (SpellingStatus.REVIEW, SpellingStatus.NEW):
        return "{}"
    from midstream.matching.intake import candidates_json

    return json.dumps(candidates_json(result, match))


# What the latest run says of a spelling, as stored: reseller id, method, status, score.
_RESOLUTION = ("reseller_id", "method", "status", "score")


def _stored_mentions(distributor_id: int) -> dict[str, tuple]:
    """The distributor's stored spellings: key → (id, reseller id, method, status, score)."""
    rows = ReportedReseller.objects.for_distributor(distributor_id).values_list(
        "key", "pk", *_RESOLUTION
    )
    return {row[0]: row[1:] for row in rows}


def _update_mentions(stored: dict[str, tuple], mentions: dict[str, tuple]) -> None:
    """Bring the stored spellings this run saw up to its resolution (the latest one).

    A person's decision is kept (the run took it from there anyway). Only the spellings
    whose reseller, method, status or score changed are written: none, usually.
    """
    changed = []
    for key, mention in mentions.items():
        row = stored.get(key)
        if row is None or row[3] in DECIDED_SPELLINGS:
            continue
        resolution = (mention[1], mention[2], mention[3], _score(mention[4]))
        if resolution != (row[1], row[2], row[3], row[4]):
            changed.append(
                ReportedReseller(
                    pk=row[0],
                    reseller_id=mention[1],
                    method=mention[2],
                    status=mention[3],
                    score=_score(mention[4]),
                    candidates=json.loads(mention[5]),
                )
            )
    if changed:
        ReportedReseller.objects.unscoped().bulk_update(
            changed, ["reseller_id", "method", "status", "score", "candidates"], batch_size=500
        )


def _score(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def _store_mentions(distributor_id: int, mentions: dict[str, tuple]) -> dict[str, int]:
    """Ids of the reseller spellings, creating the new ones and updating the changed ones.

    A distributor has thousands of spellings, not millions: they load in one query, and
    the new rows (ids above the highest before) in one more.
    """
    spellings = ReportedReseller.objects.for_distributor(distributor_id)
    stored = _stored_mentions(distributor_id)
    _update_mentions(stored, mentions)
    existing = {key: row[0] for key, row in stored.items()}
    new = {key: mentions[key] for key in mentions if key not in existing}
    if new:
        before = spellings.aggregate(top=Max("pk"))["top"] or 0
        insert_frame(ReportedReseller, _mention_frame(distributor_id, new))
        existing.update(spellings.filter(pk__gt=before).values_list("key", "pk"))
    return existing


def _mention_frame(distributor_id: int, mentions: dict[str, tuple]) -> pl.DataFrame:
    """``ReportedReseller`` rows for new spellings (key → fields, reseller id, method)."""
    rows = list(mentions.values())
    return pl.DataFrame(
        {
            "distributor_id": pl.Series([distributor_id] * len(rows), dtype=pl.Int64),
            "key": pl.Series(list(mentions), dtype=pl.Utf8),
            # Cut to the columns: a line whose text is too long is rejected, but its spelling
            # is still kept.
            **{
                column: pl.Series([row[0][index] for row in rows], dtype=pl.Utf8).str.slice(
                    0, ReportedReseller._meta.get_field(column).max_length
                )
                for index, column in enumerate(_MENTION_COLUMNS)
            },
            "reseller_id": pl.Series([row[1] for row in rows], dtype=pl.Int64),
            "method": pl.Series([row[2] for row in rows], dtype=pl.Utf8),
            "status": pl.Series([row[3] for row in rows], dtype=pl.Utf8),
            "score": pl.Series([_score(row[4]) for row in rows], dtype=pl.Decimal(4, 1)),
            "candidates": pl.Series([row[5] for row in rows], dtype=pl.Utf8),
            "first_seen_at": pl.Series([timezone.now()] * len(rows)),
        }
    )


def _withdraw_facts(submission: Submission, lines: list[int]) -> pl.DataFrame:
    """Delete the streamed facts of ``lines``; returns what their rollup needs of them.

    The lines another submission already counted are found only once the whole file is read;
    by then they have been copied with the rest (they are few: an overlap at a period edge).
    """
    table = connection.ops.quote_name(SellThroughFact._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE submission_id = %s AND line = ANY(%s) "  # noqa: S608
            f"RETURNING {', '.join(WITHDRAWN_SCHEMA)}",
            [submission.pk, lines],
        )
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=WITHDRAWN_SCHEMA, orient="row")


def _deactivate_rollups(previous: Submission) -> None:
    """Turn the superseded version's rollup rows off, found through the rollups' one index.

    Its lines' dates (outside its period too) bound the months its rows can have.
    """
    rows = SellThroughMonth.objects.for_distributor(previous.distributor_id).filter(
        active=True, submission=previous
    )
    if previous.first_line_date and previous.last_line_date:
        rows = rows.filter(
            month__gte=_month_start(previous.first_line_date), month__lte=previous.last_line_date
        )
    rows.update(active=False)


def _negated_rollup(facts: pl.DataFrame, schema) -> pl.DataFrame:
    """The rollup of withdrawn facts with the signs turned, to merge with the rest."""
    return (
        _rollup(facts)
        .with_columns(-pl.col("quantity"), -pl.col("amount"), -pl.col("line_count"))
        .cast(dict(schema))
    )


def _sale_key() -> pl.Expr:
    """A line's identity: invoice + line number, else invoice + product + date + qty + price."""
    numbered = pl.concat_str(
        [pl.lit("L"), pl.col("invoice_number"), pl.col("invoice_line")], separator="\x1f"
    )
    unnumbered = pl.concat_str(
        [
            pl.lit("P"),
            pl.col("invoice_number"),
            pl.col("product_id").cast(pl.Utf8).fill_null(""),
            pl.col("invoice_date").cast(pl.Utf8).fill_null(""),
            pl.col("quantity").cast(pl.Decimal(38, 3)).cast(pl.Utf8).fill_null(""),
            pl.col("unit_price").cast(pl.Decimal(38, 4)).cast(pl.Utf8).fill_null(""),
        ],
        separator="\x1f",
    )
    return pl.when(pl.col("invoice_line") != "").then(numbered).otherwise(unnumbered)


def _rollup(facts: pl.DataFrame) -> pl.DataFrame:
    return facts.group_by(
        pl.col("invoice_date").dt.month_start().alias("month"),
        "product_id",
        "reseller_id",
        "currency",
    ).agg(
        pl.col("quantity").sum().alias("quantity"),
        pl.col("amount").fill_null(0).sum().alias("amount"),
        pl.len().cast(pl.Int64).alias("line_count"),
    )


class _RollupParts:
    """Batches' rollups, summed into one whenever they hold over ``ROLLUP_PARTS_ROWS`` rows.

    A batch's rollup has nearly a row per line (the keys are fine-grained), so kept apart
    they would hold as many rows as the file has lines; summed as they come, memory follows
    the distinct keys instead (560,000 for a 5,000,000-line file).
    """

    def __init__(self):
        self.parts: list[pl.DataFrame] = []
        self._rows = 0

    def add(self, part: pl.DataFrame) -> None:
        self.parts.append(part)
        self._rows += part.height
        if self._rows > ROLLUP_PARTS_ROWS and len(self.parts) > 1:
            self.parts = [_summed(self.parts)]
            self._rows = self.parts[0].height


def _summed(parts: list[pl.DataFrame]) -> pl.DataFrame:
    return (
        pl.concat(parts)
        .group_by("month", "product_id", "reseller_id", "currency")
        .agg(pl.col("quantity").sum(), pl.col("amount").sum(), pl.col("line_count").sum())
    )


def _merge_rollups(parts: list[pl.DataFrame], submission: Submission) -> pl.DataFrame:
    merged = _summed(parts).filter(pl.col("line_count") > 0)
    return merged.select(
        pl.lit(submission.distributor_id, dtype=pl.Int64).alias("distributor_id"),
        pl.lit(submission.pk, dtype=pl.Int64).alias("submission_id"),
        pl.lit(True).alias("active"),
        "month",
        "product_id",
        "reseller_id",
        "currency",
        pl.col("quantity").cast(pl.Decimal(38, 3)),
        pl.col("amount").cast(pl.Decimal(38, 4)),
        pl.col("line_count").cast(pl.Int64),
    )


# Issues about a value many lines share: one row per value for the whole file.
_GROUPED_CODES = [
    str(IntakeCode.UNKNOWN_RESELLER),
    str(IntakeCode.AMBIGUOUS_RESELLER),
    str(IntakeCode.RESELLER_REVIEW),
    str(IntakeCode.RESELLER_MISSING),
    str(IntakeCode.PRODUCT_NEVER_BOUGHT),
]


def _group_issues(issues: pl.DataFrame) -> pl.DataFrame:
    """Issues in line order; the per-batch rows of a shared value merged into one per file."""
    if "line_count" not in issues.columns:
        issues = issues.with_columns(pl.lit(1, dtype=pl.Int64).alias("line_count"))
    grouped = pl.col("code").is_in(_GROUPED_CODES)
    merged = (
        issues.filter(grouped)
        .group_by("code", "severity", "field", "value", maintain_order=True)
        .agg(
            pl.col(LINE).min(),
            pl.col("message").first(),
            pl.col("line_count").sum(),
        )
        .select(issues.columns)
    )
    return pl.concat([issues.filter(~grouped), merged]).sort(
        LINE, nulls_last=False, maintain_order=True
    )


def _insert_issues(issues: pl.DataFrame, submission: Submission) -> None:
    if "line_count" not in issues.columns:
        issues = issues.with_columns(pl.lit(1, dtype=pl.Int64).alias("line_count"))
    frame = issues.select(
        pl.lit(submission.distributor_id, dtype=pl.Int64).alias("distributor_id"),
        pl.lit(submission.pk, dtype=pl.Int64).alias("submission_id"),
        pl.col(LINE).alias("line"),
        pl.col("field").fill_null("").str.slice(0, 60),
        pl.col("code").str.slice(0, 60),
        pl.col("severity"),
        pl.col("message").fill_null(""),
        pl.col("value").fill_null("").str.slice(0, 200),
        pl.col("line_count").fill_null(1).cast(pl.Int64),
    )
    insert_frame(SubmissionIssue, frame)


def _diagnostics_frame(diagnostics) -> pl.DataFrame:
    return issue_rows(
        [
            (d.location, d.field, str(d.code), str(d.severity), d.message, None, 1)
            for d in diagnostics
        ]
    )


def _error_policy(distributor_id: int, kind: ReportKind) -> str:
    from midstream.ingest.policies import error_policy_for

    return error_policy_for(distributor_id, str(kind))


def _header_period(parsed: ParsedFile, spec: MappingSpec) -> tuple[date, date] | None:
    """The report period an EDI header states (DTM*090/091, XQ), when it is readable."""
    for document in parsed.documents:
        start = document.header.get("period_start", "").strip()
        end = document.header.get("period_end", "").strip()
        if start and end:
            try:
                first, last = parse_date(start, spec.date_format), parse_date(end, spec.date_format)
            except NumberError:
                return None
            if first <= last:
                return first, last
    return None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# ─── the streaming CSV reader ────────────────────────────────────────────────────────────


def _head(path: Path, content: bytes | None) -> bytes:
    if content is not None:
        head = content[:_SAMPLE_BYTES]
        complete = len(content) <= _SAMPLE_BYTES
    else:
        with path.open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES + 1)
        complete = len(head) <= _SAMPLE_BYTES
        head = head[:_SAMPLE_BYTES]
    if not complete and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    return head


def _chunks(path: Path, content: bytes | None) -> Iterator[tuple[bytes, bool]]:
    """The file in pieces of about ``CHUNK_BYTES`` that end at a line end."""
    first = True
    if content is not None:
        start = 0
        while start < len(content):
            end = min(len(content), start + CHUNK_BYTES)
            if end < len(content):
                cut = content.rfind(b"\n", start, end)
                end = cut + 1 if cut >= start else content.find(b"\n", end) + 1 or len(content)
            yield content[start:end], first
            first = False
            start = end
        return
    rest = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(CHUNK_BYTES)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            rest = block[cut + 1 :]
            yield block[: cut + 1], first
            first = False
    if rest:
        yield rest, first


def _read_ahead(items: Iterator, read: Callable) -> Iterator:
    """``read(item)`` for each item, in order, the next one computed while this one is used."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="midstream-read") as pool:
        waiting = None
        for item in items:
            ahead = pool.submit(read, item)
            if waiting is not None:
                yield waiting.result()
            waiting = ahead
        if waiting is not None:
            yield waiting.result()


def _split_header(chunk: bytes) -> tuple[bytes, bytes]:
    if chunk.startswith(b"\xef\xbb\xbf"):
        chunk = chunk[3:]
    end = chunk.find(b"\n")
    if end < 0:
        return chunk + b"\n", b""
    return chunk[: end + 1], chunk[end + 1 :]


def _read_chunk(header: bytes, chunk: bytes, delimiter: str, columns: list[str]) -> pl.DataFrame:
    if b"\x00" in chunk:
        raise _Fallback  # the full reader names the line of a NUL byte
    expected = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
    if b"\r" in chunk and b"\r\n" not in chunk:
        raise _Fallback  # old Mac line ends: the full reader normalises them
    try:
        frame = pl.read_csv(
            header + chunk,
            separator=delimiter,
            has_header=True,
            infer_schema=False,
            quote_char='"',
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.PolarsError, UnicodeDecodeError):
        raise _Fallback from None
    if frame.height != expected or frame.columns != columns:
        raise _Fallback  # blank lines, quoted line breaks or renamed columns
    for name in frame.columns:
        longest = frame.get_column(name).str.len_bytes().max()
        if longest is not None and longest > MAX_FIELD_CHARS:
            raise _Fallback
    return frame.with_columns(pl.all().str.strip_suffix("\r")) if b"\r\n" in chunk else frame
