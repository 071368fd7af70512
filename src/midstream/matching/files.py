"""The CSV files of ``midstream match-resellers``: mentions in, master in, decisions out.

Header names ignore case, blanks, dashes and underscores, and a few synonyms are accepted
(``COLUMNS``). The delimiter is found from the header (comma, semicolon, tab or bar). Every
problem names the file, the line and the column; a file with problems is refused whole
(``core.errors.InputRejected``), since a half-cleaned list is worse than none.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from midstream.core.errors import InputRejected, Problem
from midstream.ingest.resolve.resellers import ResellerMention, ResellerRecord, ResellerReference
from midstream.matching.engine import Decision, MentionResult
from midstream.matching.errors import ErrorCode
from midstream.matching.selectors import MasterData

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "master id", "reseller id", "key"),
    "name": ("name", "reseller", "reseller name", "company", "company name"),
    "country": ("country", "country code"),
    "postal_code": ("postal code", "postcode", "post code", "zip", "zip code", "plz"),
    "city": ("city", "town"),
    "address": ("address", "street", "address line", "street address"),
    "partner_id": ("partner id", "partner"),
    "tax_id": ("tax id", "vat", "vat id", "vat number", "tax number"),
    "account_number": ("account number", "account", "account no", "customer number"),
    "aliases": ("aliases", "alias", "other names"),
}
MENTION_REQUIRED = ("name", "country", "postal_code", "city")
MASTER_REQUIRED = ("id", "name", "country", "postal_code", "city")
MENTION_FIELDS = (*MENTION_REQUIRED, "address", "partner_id", "tax_id", "account_number")
MASTER_FIELDS = (*MASTER_REQUIRED, "address", "partner_id", "tax_id", "account_number", "aliases")
ALIAS_SEPARATORS = re.compile(r"\s*[|;]\s*")
DECISION_LABELS = {
    Decision.AUTO: "auto-accepted",
    Decision.REVIEW: "review",
    Decision.NEW: "new",
}
RESULT_COLUMNS = (
    "decision",
    "master_id",
    "master_name",
    "score",
    "method",
    "runner_up_id",
    "runner_up_score",
    "reason",
)
_LOOKUP = {
    re.sub(r"[\s_\-]+", " ", synonym): field
    for field, synonyms in COLUMNS.items()
    for synonym in synonyms
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_BOM = "\ufeff"


@contextmanager
def no_cyclic_gc():
    """Pause Python's cyclic garbage collector while a file's rows are built or written.

    A million-line file makes millions of small tuples and lists, which hold no reference
    cycles but trigger the collector hundreds of times; reading a 1,000,000-line mentions
    file took 9.4 s with it and 3.8 s without (measured). Reference counting still frees
    everything; the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _header_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name.strip().casefold()).strip()


class MentionLine(NamedTuple):
    """One data line of a mentions file: where it is, what it said, what it means."""

    line: int
    values: tuple[str, ...]  # the line's cells as read, for the output file
    mention: ResellerMention


@dataclass(frozen=True)
class MentionsFile:
    header: tuple[str, ...]
    lines: tuple[MentionLine, ...]


def decode(content: bytes, source: str, encoding: str = "utf-8") -> str:
    """The text of a file; a byte the encoding cannot read is reported with its line and
    column (1-based, counted in characters before it)."""
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError as error:
        before = content[: error.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(content[line_start : error.start].decode(encoding, errors="replace")) + 1
        raise InputRejected(
            [
                Problem(
                    line,
                    f"column {column}",
                    ErrorCode.NOT_UTF8
                    if encoding.replace("-", "").lower() in {"utf8", "utf8sig"}
                    else ErrorCode.BAD_ENCODING,
                    f"byte 0x{content[error.start]:02x} at column {column} is not {encoding}; "
                    "save the file as UTF-8 or name its encoding with --encoding "
                    "(e.g. cp1252).",
                )
            ],
            source=source,
        ) from None
    except LookupError:
        raise InputRejected(
            [Problem(None, None, ErrorCode.BAD_ENCODING, f"unknown encoding {encoding!r}.")],
            source=source,
        ) from None
    return text.removeprefix(_BOM)


def _rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` of each non-blank CSV record (the header is line 1)."""
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputRejected(
            [Problem(reader.line_num, None, ErrorCode.BAD_CSV, f"not valid CSV: {error}.")],
            source=source,
        ) from None


def _map_header(
    header: Sequence[str], required: Sequence[str], known: Sequence[str]
) -> tuple[dict[str, int], list[Problem]]:
    problems = []
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _LOOKUP.get(_header_key(name))
        if field is None or field not in known:
            continue
        if field in positions:
            first = header[positions[field]].strip()
            problems.append(
                Problem(
                    1,
                    name.strip(),
                    ErrorCode.DUPLICATE_COLUMN,
                    f'columns "{first}" and "{name.strip()}" both mean {field}.',
                )
            )
            continue
        positions[field] = index
    for field in required:
        if field not in positions:
            accepted = ", ".join(COLUMNS[field])
            problems.append(
                Problem(
                    1,
                    field,
                    ErrorCode.MISSING_COLUMN,
                    f"the header has no {field} column (accepted names: {accepted}).",
                )
            )
    return positions, problems


def _read(
    content: bytes, source: str, encoding: str, required: Sequence[str], known: Sequence[str]
) -> tuple[list[str], dict[str, int], list[tuple[int, list[str]]]]:
    text = decode(content, source, encoding)
    if not text.strip():
        raise InputRejected(
            [Problem(1, None, ErrorCode.EMPTY_FILE, "the file is empty.")], source=source
        )
    rows = _rows(text, source)
    _line, header = next(rows)
    positions, problems = _map_header(header, required, known)
    if problems:
        raise InputRejected(problems, source=source)
    data = []
    width = len(header)
    for line, cells in rows:
        if len(cells) != width:
            if not "".join(cells).strip():
                continue
            if len(cells) > width:
                problems.append(
                    Problem(
                        line,
                        None,
                        ErrorCode.TOO_MANY_FIELDS,
                        f"{len(cells)} fields where the header has {width}.",
                    )
                )
                continue
            cells = cells + [""] * (width - len(cells))
        elif not "".join(cells).strip():
            continue
        data.append((line, cells))
    if problems:
        raise InputRejected(problems, source=source)
    if not data:
        raise InputRejected([Problem(2, None, ErrorCode.NO_DATA, "no data lines.")], source=source)
    return header, positions, data


def _cell(cells: list[str], positions: dict[str, int], field: str) -> str:
    index = positions.get(field)
    return cells[index].strip() if index is not None else ""


def _country(value: str, line: int, header: Sequence[str], positions, problems) -> str:
    country = value.upper()
    if not _COUNTRY.match(country):
        column = header[positions["country"]].strip()
        shown = f"{value!r}" if value else "empty"
        problems.append(
            Problem(
                line,
                column,
                ErrorCode.INVALID_COUNTRY,
                f"{shown} is not a two-letter ISO country code (DE, FR, US…).",
            )
        )
    return country


def read_mentions(content: bytes, *, source: str, encoding: str = "utf-8") -> MentionsFile:
    """The mentions of a file, each with its line; refused whole when any line is wrong."""
    with no_cyclic_gc():
        return _read_mentions(content, source, encoding)


def _read_mentions(content: bytes, source: str, encoding: str) -> MentionsFile:
    header, positions, data = _read(content, source, encoding, MENTION_REQUIRED, MENTION_FIELDS)
    problems: list[Problem] = []
    lines = []
    # A report repeats its resellers: each distinct line is checked and kept once.
    known: dict[tuple[str, ...], tuple[tuple[str, ...], ResellerMention]] = {}
    for line, cells in data:
        key = tuple(cells)
        seen = known.get(key)
        if seen is None:
            seen = known[key] = (key, _mention(cells, line, header, positions, problems))
        lines.append(MentionLine(line, *seen))
    if problems:
        raise InputRejected(problems, source=source)
    return MentionsFile(tuple(header), tuple(lines))


def _mention(cells, line: int, header, positions, problems: list[Problem]) -> ResellerMention:
    values = {field: _cell(cells, positions, field) for field in MENTION_FIELDS}
    country = _country(values["country"], line, header, positions, problems)
    identifiers = values["partner_id"] or values["tax_id"] or values["account_number"]
    if not values["name"] and not identifiers:
        problems.append(
            Problem(
                line,
                header[positions["name"]].strip(),
                ErrorCode.REQUIRED,
                "empty, and the line has no partner id, tax id or account number either.",
            )
        )
    return ResellerMention(
        name=values["name"],
        country=country,
        postal_code=values["postal_code"],
        city=values["city"],
        address=values["address"],
        partner_id=values["partner_id"],
        tax_id=values["tax_id"],
        account_number=values["account_number"],
    )


def read_master(content: bytes, *, source: str, encoding: str = "utf-8") -> MasterData:
    """A reseller master given as CSV, for cleaning a list without any database rows.

    ``aliases`` may hold several names separated by ``|`` or ``;``; ``account_number`` is
    the distributor's own number for the reseller.
    """
    header, positions, data = _read(content, source, encoding, MASTER_REQUIRED, MASTER_FIELDS)
    problems: list[Problem] = []
    records: dict[int, ResellerRecord] = {}
    labels: dict[int, str] = {}
    first_line: dict[str, int] = {}
    aliases: list[tuple[str, int]] = []
    account_numbers: list[tuple[str, int]] = []
    for line, cells in data:
        values = {field: _cell(cells, positions, field) for field in MASTER_FIELDS}
        country = _country(values["country"], line, header, positions, problems)
        for field in ("id", "name"):
            if not values[field]:
                problems.append(
                    Problem(line, header[positions[field]].strip(), ErrorCode.REQUIRED, "empty.")
                )
        label = values["id"]
        if label in first_line:
            problems.append(
                Problem(
                    line,
                    header[positions["id"]].strip(),
                    ErrorCode.DUPLICATE_ID,
                    f"id {label!r} is already on line {first_line[label]}.",
                )
            )
            continue
        first_line[label] = line
        reseller_id = len(records) + 1
        records[reseller_id] = ResellerRecord(
            reseller_id=reseller_id,
            partner_id=values["partner_id"],
            name=values["name"],
            country=country,
            postal_code=values["postal_code"],
            city=values["city"],
            address=values["address"],
            tax_id=values["tax_id"],
        )
        labels[reseller_id] = label
        if values["aliases"]:
            aliases.extend(
                (alias, reseller_id) for alias in ALIAS_SEPARATORS.split(values["aliases"]) if alias
            )
        if values["account_number"]:
            account_numbers.append((values["account_number"], reseller_id))
    if problems:
        raise InputRejected(problems, source=source)
    reference = ResellerReference(
        distributor_id=0, resellers=MappingProxyType(records), aliases=tuple(aliases)
    )
    return MasterData(reference, labels, tuple(account_numbers))


def result_row(result: MentionResult, master: MasterData) -> list[str]:
    """The result columns (``RESULT_COLUMNS``) of one mention."""
    chosen = result.reseller_id if result.decision is not Decision.NEW else None
    if result.decision is Decision.NEW:
        runner = result.candidates[0] if result.candidates else None
        runner_id = runner.reseller_id if runner else None
        runner_score = runner.score if runner else None
    else:
        runner_id, runner_score = result.runner_up_id, result.runner_up_score
    return [
        DECISION_LABELS[result.decision],
        master.label(chosen),
        master.name(chosen),
        str(result.score),
        result.method,
        master.label(runner_id),
        "" if runner_score is None else str(runner_score),
        result.reason,
    ]


def write_results(
    handle: io.TextIOBase,
    mentions: MentionsFile,
    results: dict[ResellerMention, MentionResult],
    master: MasterData,
) -> None:
    """The mentions file as read, each line followed by its decision columns."""
    with no_cyclic_gc():
        _write_results(handle, mentions, results, master)


def _write_results(handle, mentions, results, master) -> None:
    """Each distinct line is formatted once; its text is written for every repeat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    width = len(mentions.header)
    writer.writerow([*mentions.header, *RESULT_COLUMNS])
    handle.write(buffer.getvalue())
    texts: dict[tuple[str, ...], str] = {}
    for line in mentions.lines:
        text = texts.get(line.values)
        if text is None:
            buffer.seek(0)
            buffer.truncate()
            row = result_row(results[line.mention], master)
            writer.writerow([*line.values[:width], *row])
            text = texts[line.values] = buffer.getvalue()
        handle.write(text)


def read_file(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputRejected(
            [Problem(None, None, ErrorCode.UNREADABLE, f"cannot read: {error.strerror}.")],
            source=source,
        ) from None
