"""Versions of a report: the line-level diff between two versions, and the corrections file.

A corrected report is a new submission that supersedes the committed one (issue 3); facts are
never edited. ``version_diff`` says what the new version changed, line by line, reading the
facts of both versions once each (two queries, compared column-wise with Polars, so a
million-line report costs two scans and about a hundred bytes a line, not a Python object per
value). ``corrections_file`` hands the rejected lines back in the distributor's own layout,
with the reasons, ready to fix and upload again.

Lines are matched by a key, not by their position in the file:

* sell-through: (invoice number, invoice line) when the file numbers its invoice lines, else
  (invoice number, product, invoice date) plus an occurrence counter, so that the second of
  two identical keys in one version pairs with the second in the other;
* inventory: (location, product, as-of date), with the same counter.

A key found only in the new version is ``added``, only in the earlier one ``removed``; in both,
``changed`` when a compared field differs (the fields are named), else ``unchanged`` (counted,
not listed).
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import PurePath

import polars as pl
from django.db.models import F, TextField
from django.db.models.functions import Cast

from midstream.catalog.models import Product
from midstream.core.errors import ConflictError, DomainError
from midstream.core.exports import XLSX_CONTENT_TYPE, neutralise
from midstream.ingest.choices import ProfileKind
from midstream.ingest.errors import ErrorCode
from midstream.ingest.formats import parse_file
from midstream.ingest.formats.detect import detect_format
from midstream.ingest.formats.tabular import decode_text, parse_csv
from midstream.ingest.models import InventoryFact, SellThroughFact, Submission, SubmissionIssue
from midstream.ingest.records import Format, ParsedFile, ReportKind, SourceRecord
from midstream.network.models import Reseller

# Facts read per round trip while building a version's frame.
CHUNK = 50_000
SEPARATOR = "\x1f"  # between the parts of a key: never part of an invoice number or location


class Outcome(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


LISTED_OUTCOMES = (Outcome.ADDED, Outcome.REMOVED, Outcome.CHANGED)


@dataclass(frozen=True)
class _Layout:
    """How one kind of fact is read, keyed and compared."""

    model: type
    key_fields: tuple[str, ...]  # shown as the row's identity
    compared: tuple[str, ...]  # a difference in one of these makes the line "changed"
    decimals: tuple[str, ...]  # compared as exact decimal text
    ints: tuple[str, ...]  # ids, compared as integers

    @property
    def columns(self) -> tuple[str, ...]:
        return ("line", *self.key_fields, *(c for c in self.compared if c not in self.key_fields))


SELL_THROUGH = _Layout(
    model=SellThroughFact,
    key_fields=("invoice_number", "invoice_line", "product_id", "invoice_date"),
    # product and date are part of the key unless the file numbers its invoice lines; then a
    # different product or date on the same invoice line is a change.
    compared=(
        "quantity",
        "unit_price",
        "amount",
        "reseller_id",
        "currency",
        "transaction_type",
        "product_id",
        "invoice_date",
    ),
    decimals=("quantity", "unit_price", "amount"),
    ints=("line", "product_id", "reseller_id"),
)
INVENTORY = _Layout(
    model=InventoryFact,
    key_fields=("location", "product_id", "as_of_date"),
    compared=("on_hand", "available", "on_order", "in_transit", "committed"),
    decimals=("on_hand", "available", "on_order", "in_transit", "committed"),
    ints=("line", "product_id"),
)

# The names a page and the API use for compared fields.
FIELD_NAMES = {"reseller_id": "reseller", "product_id": "product"}


def _layout(kind: str) -> _Layout:
    return INVENTORY if kind == ProfileKind.INVENTORY else SELL_THROUGH


def _schema(layout: _Layout) -> dict[str, pl.DataType]:
    return {name: pl.Int64 if name in layout.ints else pl.Utf8 for name in layout.columns}


def _as_text(layout: _Layout) -> dict[str, Cast]:
    """Decimals and dates are read as the database's text: comparing text is exact (equal
    values are stored alike, so they read back alike), and building frames from text is
    twice as fast as from ``Decimal`` and ``date`` objects. Pages show decimals at the field's
    own scale (``_shown``)."""
    return {
        f"text_{name}": Cast(F(name), TextField())
        for name in layout.columns
        if name in layout.decimals or name in ("invoice_date", "as_of_date")
    }


def _facts_frame(submission: Submission, layout: _Layout) -> pl.DataFrame:
    """One version's facts as a frame (one query) with their match keys."""
    schema = _schema(layout)
    texts = _as_text(layout)
    rows = (
        layout.model.objects.for_distributor(submission.distributor_id)
        .filter(submission_id=submission.pk)
        .annotate(**texts)
        .order_by("line", "pk")
        .values_list(*(f"text_{n}" if f"text_{n}" in texts else n for n in layout.columns))
    )
    frames = []
    chunk: list[tuple] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            frames.append(pl.DataFrame(chunk, schema=schema, orient="row"))
            chunk = []
    if chunk:
        frames.append(pl.DataFrame(chunk, schema=schema, orient="row"))
    frame = pl.concat(frames) if frames else pl.DataFrame(schema=schema)
    # The occurrence counter: rows sorted by key then line, numbered from each key's first
    # row (much faster than a window over a million distinct keys).
    frame = (
        frame.with_columns(_key_base(layout).alias("base"))
        .sort(["base", "line"], maintain_order=True)
        .with_row_index("index")
    )
    first = pl.when(pl.col("base").ne_missing(pl.col("base").shift(1))).then(pl.col("index"))
    occurrence = (pl.col("index") - first.forward_fill()).cast(pl.Utf8)
    return frame.with_columns(
        pl.concat_str([pl.col("base"), occurrence], separator=SEPARATOR).alias("key")
    ).drop("base", "index")


def _key_base(layout: _Layout) -> pl.Expr:
    if layout is INVENTORY:
        return pl.concat_str(
            [
                pl.col("location"),
                pl.col("product_id").cast(pl.Utf8),
                pl.col("as_of_date"),
            ],
            separator=SEPARATOR,
        )
    by_line = pl.concat_str(
        [pl.lit("L"), pl.col("invoice_number"), pl.col("invoice_line")], separator=SEPARATOR
    )
    by_product = pl.concat_str(
        [
            pl.lit("P"),
            pl.col("invoice_number"),
            pl.col("product_id").cast(pl.Utf8),
            pl.col("invoice_date"),
        ],
        separator=SEPARATOR,
    )
    return pl.when(pl.col("invoice_line") != "").then(by_line).otherwise(by_product)


@dataclass(frozen=True)
class DiffRow:
    """One listed line of a diff. Values are text (decimals exact), ``None`` when empty."""

    outcome: str
    line_before: int | None
    line_after: int | None
    key: dict[str, str | None]
    changed: list[str]
    before: dict[str, str | None] | None
    after: dict[str, str | None] | None

    @property
    def changes(self) -> list[tuple[str, str | None, str | None]]:
        return [(name, self.before[name], self.after[name]) for name in self.changed]


class DiffRows:
    """The listed lines of a diff, sliceable like a list (for the paginators).

    A slice becomes ``DiffRow`` values with products and resellers named: two queries per
    slice, whatever its length.
    """

    def __init__(self, frame: pl.DataFrame, layout: _Layout):
        self.frame = frame
        self.layout = layout

    def __len__(self) -> int:
        return self.frame.height

    def __iter__(self):
        return iter(self[0 : len(self)])

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("diff rows slice with step 1 only")
            return self._rows(self.frame.slice(start, max(stop - start, 0)))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._rows(self.frame.slice(index, 1))[0]

    def _rows(self, frame: pl.DataFrame) -> list[DiffRow]:
        records = frame.to_dicts()
        if not records:
            return []
        product_ids = set()
        reseller_ids = set()
        for record in records:
            for side in ("before", "after"):
                product_ids.add(record.get(f"product_id_{side}"))
                reseller_ids.add(record.get(f"reseller_id_{side}"))
        product_ids.discard(None)
        reseller_ids.discard(None)
        skus = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "sku"))
        resellers = {}
        if self.layout is SELL_THROUGH:
            # The ids come from this distributor's own facts.
            resellers = {
                pk: f"{name} ({partner_id})"
                for pk, name, partner_id in Reseller.objects.unscoped()
                .filter(pk__in=reseller_ids)
                .values_list("pk", "name", "partner_id")
            }
        return [self._row(record, skus, resellers) for record in records]

    def _row(self, record: dict, skus: dict, resellers: dict) -> DiffRow:
        layout = self.layout
        places = {
            name: layout.model._meta.get_field(name).decimal_places for name in layout.decimals
        }

        def text(name: str, value) -> str | None:
            if value is None or value == "":
                return None
            if name == "product_id":
                return skus.get(value, str(value))
            if name == "reseller_id":
                return resellers.get(value, str(value))
            if name in layout.decimals:
                return _shown(value, places[name])
            return str(value)

        def side(name: str) -> dict[str, str | None] | None:
            if record[f"line_{name}"] is None:
                return None
            return {
                FIELD_NAMES.get(column, column): text(column, record[f"{column}_{name}"])
                for column in layout.compared
            }

        before, after = side("before"), side("after")
        present = "after" if after is not None else "before"
        key = {
            FIELD_NAMES.get(column, column): text(column, record[f"{column}_{present}"])
            for column in layout.key_fields
        }
        changed = []
        if before is not None and after is not None:
            changed = [
                FIELD_NAMES.get(column, column)
                for column in layout.compared
                if record[f"{column}_before"] != record[f"{column}_after"]
            ]
        return DiffRow(
            outcome=record["outcome"],
            line_before=record["line_before"],
            line_after=record["line_after"],
            key=key,
            changed=changed,
            before=before,
            after=after,
        )


def _shown(text: str, places: int) -> str:
    """A decimal as the database gave it, written at the field's scale (5 -> "5.000")."""
    try:
        return str(Decimal(text).quantize(Decimal(1).scaleb(-places)))
    except (InvalidOperation, ValueError):
        return text


@dataclass
class VersionDiff:
    submission: Submission
    previous: Submission | None
    counts: dict[str, int] = field(default_factory=dict)
    frame: pl.DataFrame | None = None
    layout: _Layout = SELL_THROUGH

    @property
    def has_previous(self) -> bool:
        return self.previous is not None

    @property
    def compared_fields(self) -> list[str]:
        return [FIELD_NAMES.get(column, column) for column in self.layout.compared]

    def rows(self, outcome: str | None = None) -> DiffRows:
        """The listed lines (added, removed, changed), in file order; one outcome if given."""
        if self.frame is None:
            return DiffRows(pl.DataFrame(), self.layout)
        frame = self.frame
        if outcome:
            frame = frame.filter(pl.col("outcome") == outcome)
        return DiffRows(frame, self.layout)


def version_diff(submission: Submission) -> VersionDiff:
    """What ``submission`` changed compared with the version it superseded.

    Without an earlier version (a first report, or one that was never committed) the diff has
    ``previous`` ``None`` and nothing to list. Three queries: the earlier submission and the
    facts of each version.
    """
    if submission.supersedes_id is None:
        return VersionDiff(submission=submission, previous=None, layout=_layout(submission.kind))
    previous = (
        Submission.objects.for_distributor(submission.distributor_id)
        .filter(pk=submission.supersedes_id)
        .first()
    )
    layout = _layout(submission.kind)
    if previous is None:
        return VersionDiff(submission=submission, previous=None, layout=layout)
    before = _facts_frame(previous, layout)
    after = _facts_frame(submission, layout)
    names = [name for name in before.columns if name != "key"]
    joined = before.rename({name: f"{name}_before" for name in names}).join(
        after.rename({name: f"{name}_after" for name in names}),
        on="key",
        how="full",
        coalesce=True,
    )
    differs = pl.any_horizontal(
        [pl.col(f"{c}_before").ne_missing(pl.col(f"{c}_after")) for c in layout.compared]
    )
    joined = joined.with_columns(
        pl.when(pl.col("line_before").is_null())
        .then(pl.lit(Outcome.ADDED.value))
        .when(pl.col("line_after").is_null())
        .then(pl.lit(Outcome.REMOVED.value))
        .when(differs)
        .then(pl.lit(Outcome.CHANGED.value))
        .otherwise(pl.lit(Outcome.UNCHANGED.value))
        .alias("outcome"),
        pl.coalesce("line_after", "line_before").alias("position"),
    )
    counted = dict(joined.group_by("outcome").len().iter_rows())
    counts = {outcome.value: counted.get(outcome.value, 0) for outcome in Outcome}
    listed = joined.filter(pl.col("outcome") != Outcome.UNCHANGED.value).sort(
        ["position", "line_before"], nulls_last=True
    )
    return VersionDiff(
        submission=submission, previous=previous, counts=counts, frame=listed, layout=layout
    )


# ─── the corrections file ────────────────────────────────────────────────────────────────

ERROR_COLUMNS = ("error_field", "error_code", "error_message")
JOIN = " | "
FORMATS = ("csv", "xlsx")
# Four times what the tabular reader sniffs the delimiter from (64K characters).
_DELIMITER_PREFIX = 4 * 65_536
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d*[1-9])?")


@dataclass
class _LineErrors:
    fields: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: str) -> None:
        self.fields.append(field_name)
        self.codes.append(code)
        self.messages.append(message)

    def extend(self, other: _LineErrors) -> None:
        self.fields += other.fields
        self.codes += other.codes
        self.messages += other.messages

    def cells(self) -> list[str]:
        return [JOIN.join(self.fields), JOIN.join(self.codes), JOIN.join(self.messages)]


def rejected_lines(submission: Submission) -> dict[int, _LineErrors]:
    """The lines an error rejected, in file order, with their errors (one query)."""
    issues = (
        SubmissionIssue.objects.for_distributor(submission.distributor_id)
        .filter(submission_id=submission.pk, severity="error", line__isnull=False)
        .order_by("line", "pk")
        .values_list("line", "field", "code", "message")
    )
    lines: dict[int, _LineErrors] = defaultdict(_LineErrors)
    for line, field_name, code, message in issues:
        lines[line].add(field_name, code, message)
    return dict(lines)


def corrections_file(submission: Submission, fmt: str | None = None) -> tuple[str, str, bytes]:
    """The rejected lines of ``submission`` as ``(file name, content type, bytes)``.

    CSV and XLSX reports come back in their own columns (same header names; a CSV keeps its
    delimiter and is written as UTF-8 without a byte-order mark) with ``error_field``,
    ``error_code`` and ``error_message`` added; several errors on one line are joined with
    " | ". EDI and JSON reports come back as a CSV of ``line`` (segment number, or the
    record's index in a JSON list), ``record`` (the record's source text) and the same error
    columns. ``fmt`` ("csv" or "xlsx") overrides the file type; the default is the report's
    own (XLSX for a workbook, else CSV).
    """
    if fmt not in (None, "", *FORMATS):
        raise DomainError(ErrorCode.INVALID_VALUE, "format: csv or xlsx.", field="format")
    from midstream.ingest.submissions import read_stored_file

    errors = rejected_lines(submission)
    try:
        content = read_stored_file(submission)
    except OSError:
        raise ConflictError(
            ErrorCode.UNREADABLE_FILE,
            "The original file of this submission is no longer stored, so its rejected lines "
            "cannot be returned in its own layout.",
        ) from None
    stem = PurePath(submission.file_name).stem or "report"
    if detect_format(content, submission.file_name) is Format.CSV:
        header, rows, delimiter = _csv_rows(content, errors)
        native, sheet = "csv", "Corrections"
    else:
        parsed = parse_file(
            content,
            file_name=submission.file_name,
            sheet=submission.sheet or None,
            kind=ReportKind(submission.kind),
        )
        delimiter = ","
        if parsed.format is Format.XLSX:
            header, rows = _sheet_rows(parsed, errors)
            native, sheet = "xlsx", _sheet_name(parsed)
        else:
            header, rows = _record_rows(parsed, errors)
            native, sheet = "csv", "Corrections"
    if (fmt or native) == "xlsx":
        return f"{stem}-corrections.xlsx", XLSX_CONTENT_TYPE, _xlsx(sheet, header, rows)
    return f"{stem}-corrections.csv", "text/csv; charset=utf-8", _csv(header, rows, delimiter)


def _csv_rows(
    content: bytes, errors: dict[int, _LineErrors]
) -> tuple[list[str], list[list[str]], str]:
    """The header and the rejected lines of a CSV file, read as the tabular reader reads it
    (same decoding, same delimiter, same line numbers) but keeping only the lines asked for:
    a million-line file costs one pass of the ``csv`` module, not a million records.

    The header comes back as the file has it; a line the reader refused (a wrong number of
    fields) comes back too, padded or with its extra fields kept in the last column.
    """
    text, _encoding, _warnings = decode_text(content)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _csv_delimiter(text)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=False,
    )
    header: list[str] | None = None
    found: dict[int, list[str]] = {}
    previous_end = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:
            previous_end = reader.line_num
            continue
        start, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip() for value in values):
            continue
        if header is None:
            header = values
        elif start in errors:
            found[start] = values
    header = header or []
    physical: list[str] | None = None
    rows = []
    for line, line_errors in errors.items():
        values = found.get(line)
        if values is None:
            # A line the csv module could not read (a field over its size limit).
            if physical is None:
                physical = text.split("\n")
            raw = physical[line - 1] if 0 < line <= len(physical) else ""
            values = _split_line(raw, delimiter)
        rows.append([*_fit(values, len(header), delimiter), *line_errors.cells()])
    return [*header, *ERROR_COLUMNS], rows, delimiter


def _csv_delimiter(text: str) -> str:
    """The delimiter the tabular reader chose: it sniffs the first 64K characters after the
    header's blank lines, so a prefix four times that long (cut at a line end) gives the same
    answer without reading the whole file again."""
    head = re.match(r"(?:[ \t\f\v]*\n)*", text).end()
    cut = text.find("\n", head + _DELIMITER_PREFIX)
    prefix = text if cut < 0 else text[: cut + 1]
    return parse_csv(prefix.encode("utf-8")).delimiter or ","


def _sheet_rows(
    parsed: ParsedFile, errors: dict[int, _LineErrors]
) -> tuple[list[str], list[list[str]]]:
    columns = list(parsed.columns)
    by_line = {record.location: record for record in parsed.records}
    rows = []
    for line, line_errors in errors.items():
        record = by_line.get(line)
        values = [record.columns.get(name, "") for name in columns] if record else []
        rows.append([*_fit(values, len(columns), ""), *line_errors.cells()])
    return [*columns, *ERROR_COLUMNS], rows


def _split_line(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=False), [])
    except csv.Error:
        return [text]


def _fit(values: list[str], width: int, delimiter: str) -> list[str]:
    """As many fields as the header has: short lines padded, the fields beyond the last
    column kept in it (joined with the delimiter), so nothing is lost."""
    if width == 0:
        return []
    if len(values) > width:
        values = [*values[: width - 1], delimiter.join(values[width - 1 :])]
    return values + [""] * (width - len(values))


def _record_rows(
    parsed: ParsedFile, errors: dict[int, _LineErrors]
) -> tuple[list[str], list[list[object]]]:
    """EDI and JSON: one row per rejected record, errors of its segments together."""
    starts = sorted(record.location for record in parsed.records)
    by_start: dict[int, SourceRecord] = {record.location: record for record in parsed.records}
    grouped: dict[int, _LineErrors] = {}
    raw: dict[int, str] = {}
    for line, line_errors in errors.items():
        index = bisect.bisect_right(starts, line) - 1
        start = starts[index] if index >= 0 else line
        record = by_start.get(start)
        if record is None:
            start = line
        grouped.setdefault(start, _LineErrors()).extend(line_errors)
        raw[start] = record.raw.rstrip("\n") if record is not None else ""
    rows = [[start, raw[start], *grouped[start].cells()] for start in sorted(grouped)]
    return ["line", "record", *ERROR_COLUMNS], rows


def _sheet_name(parsed: ParsedFile) -> str:
    for document in parsed.documents:
        name = document.header.get("sheet")
        if name:
            return name[:31]
    return "Corrections"


def _csv(header: list[str], rows: list[list[object]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8")


def _xlsx(sheet_name: str, header: list[str], rows: list[list[object]]) -> bytes:
    """A workbook of text cells (formula-like text neutralised); plain numbers as numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(header):
        sheet.write_string(0, column, str(neutralise(str(title))), bold)
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(row_index, column, value)
            elif _plain_number(str(value)):
                sheet.write_number(row_index, column, float(value))
            else:
                sheet.write_string(row_index, column, str(neutralise(str(value))))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _plain_number(text: str) -> bool:
    """Text that reads back as the same number from a cell: digits, an optional sign and
    fraction, no leading zero (a part number "00123" stays text), at most 15 digits."""
    if not _NUMBER.fullmatch(text):
        return False
    return len(text.replace("-", "").replace(".", "")) <= 15
