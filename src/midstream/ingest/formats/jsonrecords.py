"""JSON reports, as a distributor's system posts them through the API.

Two shapes are accepted::

    [ {record}, {record}, … ]
    {"kind": "sell_through", "period_start": "2024-01-01", "period_end": "2024-01-31",
     "records": [ {record}, … ]}

A record's keys are canonical field names (``SELL_THROUGH_FIELDS`` or ``INVENTORY_FIELDS`` of
``records.py``) plus ``identifiers`` (product id qualifier → value, e.g. ``{"VP": "AB-100",
"EN": "4006381333931"}``) and ``parties`` (role → ``{"name", "id_qualifier", "id", "address",
"city", "region", "postal_code", "country", "references": {qualifier: value}}``), as EDI
carries them. Values stay text: numbers keep their JSON spelling exactly (``1.50`` stays
"1.50", never a float), ``null`` means absent, ``true``/``false`` become "true"/"false".

Diagnostics locate a record by its 1-based index in the list; ``SourceRecord.raw`` is the
record's exact JSON text. The reader walks the top level itself (one ``scan_once`` per
value), which is what gives each record its own text and lets one bad record not hide the
others' positions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields

from midstream.ingest import records
from midstream.ingest.formats import detect
from midstream.ingest.formats.detect import (
    DiagnosticCode,
    DiagnosticLog,
    file_error,
    file_too_large,
    text_encoding,
    too_many_records,
)
from midstream.ingest.records import (
    INVENTORY_FIELDS,
    SELL_THROUGH_FIELDS,
    Document,
    Format,
    ParsedFile,
    Party,
    ReportKind,
    Severity,
    SourceRecord,
)

# Document-level keys of the object shape, besides "records" and "kind".
HEADER_KEYS = (
    "period_start",
    "period_end",
    "report_date",
    "as_of_date",
    "currency",
    "document_number",
)
PARTY_KEYS = tuple(
    field.name for field in dataclass_fields(Party) if field.name not in ("role", "references")
)
# Nesting deeper than this anywhere in the file is refused (a record needs 4 levels).
MAX_DEPTH = 64

_SELL_THROUGH_ONLY = frozenset(SELL_THROUGH_FIELDS) - frozenset(INVENTORY_FIELDS)
_INVENTORY_ONLY = frozenset(INVENTORY_FIELDS) - frozenset(SELL_THROUGH_FIELDS)
_WHITESPACE = " \t\n\r"


class _Object(dict):
    """A JSON object that remembers the keys it saw more than once."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__(pairs)
        self.duplicates: list[str] = []
        if len(self) != len(pairs):
            counts = Counter(key for key, _value in pairs)
            self.duplicates = sorted(key for key, count in counts.items() if count > 1)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


class _Invalid(Exception):
    """The text is not JSON: where (line, column) and why."""

    def __init__(self, position: int, text: str, reason: str) -> None:
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        super().__init__(f"line {line}, column {column}: {reason}")


class _TooManyRecords(Exception):
    """More records than ``detect.MAX_RECORDS``: reading stops."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        decoder = json.JSONDecoder(
            parse_float=str,
            parse_int=str,
            parse_constant=_reject_constant,
            object_pairs_hook=_Object,
            strict=True,
        )
        self.scan_once = decoder.scan_once
        self.end = 0  # where the last array or object read ended

    def skip(self, position: int) -> int:
        text, end = self.text, len(self.text)
        while position < end and text[position] in _WHITESPACE:
            position += 1
        return position

    def expect(self, position: int, character: str) -> int:
        position = self.skip(position)
        if self.text[position : position + 1] != character:
            raise _Invalid(position, self.text, f"expected {character!r}")
        return position + 1

    def value(self, position: int) -> tuple[object, int]:
        try:
            return self.scan_once(self.text, position)
        except StopIteration as stop:
            raise _Invalid(stop.value, self.text, "expected a value") from None
        except json.JSONDecodeError as error:
            raise _Invalid(error.pos, self.text, error.msg) from None
        except ValueError as error:
            raise _Invalid(position, self.text, str(error)) from None

    def items(self, position: int) -> Iterator[tuple[int, int, object]]:
        """The values of the array opening at ``position``: (start, end, value) each."""
        position = self.expect(position, "[")
        position = self.skip(position)
        if self.text[position : position + 1] == "]":
            self.end = position + 1
            return
        while True:
            start = self.skip(position)
            value, position = self.value(start)
            yield start, position, value
            position = self.skip(position)
            following = self.text[position : position + 1]
            if following == "]":
                self.end = position + 1
                return
            if following != ",":
                raise _Invalid(position, self.text, "expected ',' or ']'")
            position += 1


def _depth(value: object) -> int:
    """Nesting depth of a parsed value, without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in current.values())
        elif isinstance(current, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in current)
    return deepest


def parse_json(content: bytes, *, kind: ReportKind | None = None) -> ParsedFile:
    """Read JSON records; never raises, every problem is a diagnostic.

    ``kind`` is the report kind the caller expects; a file naming another kind is refused,
    and when neither says, the record keys decide (inventory when they use inventory fields
    and no sell-through ones).
    """
    parsed = ParsedFile(format=Format.JSON)
    log = DiagnosticLog()
    too_large = file_too_large(len(content))
    if too_large:
        parsed.diagnostics.append(too_large)
        return parsed
    text = _decode(content, log)
    if text is None:
        parsed.diagnostics = log.finish()
        return parsed
    parsed.encoding = "utf-8"
    scanner = _Scanner(text)
    start = scanner.skip(0)
    if start == len(text):
        log.kept.append(file_error(DiagnosticCode.EMPTY_FILE, "the file is empty."))
        parsed.diagnostics = log.finish()
        return parsed
    header: dict[str, str] = {}
    declared: str | None = None
    items: list[tuple[int, str, object]] = []
    try:
        if text[start] == "[":
            items = _read_items(scanner, start)
        elif text[start] == "{":
            items, header, declared = _read_envelope(scanner, start, log)
        else:
            raise _Invalid(start, text, "expected a list of records or an object with records")
        trailing = scanner.skip(scanner.end)
        if trailing < len(text):
            raise _Invalid(trailing, text, "extra data after the end of the JSON value")
    except _Invalid as error:
        log.kept.append(file_error(DiagnosticCode.INVALID_JSON, f"not valid JSON: {error}."))
        parsed.diagnostics = log.finish()
        return parsed
    except _TooManyRecords:
        log.kept.append(too_many_records())
        parsed.diagnostics = log.finish()
        return parsed
    except RecursionError:
        log.kept.append(
            file_error(
                DiagnosticCode.JSON_TOO_DEEP,
                "the JSON is nested too deeply to read; a record needs 4 levels.",
            )
        )
        parsed.diagnostics = log.finish()
        return parsed
    report_kind = _report_kind(kind, declared, items, log)
    if report_kind is None:
        parsed.diagnostics = log.finish()
        return parsed
    document = Document(kind=report_kind, transaction="json", location=1, header=header)
    for index, raw, item in items:
        record = _record(index, raw, item, report_kind, log)
        if record is not None:
            document.records.append(record)
    if not items:
        log.add(None, None, DiagnosticCode.NO_RECORDS, Severity.WARNING, "the list is empty.")
    parsed.documents.append(document)
    parsed.diagnostics = log.finish()
    return parsed


def _decode(content: bytes, log: DiagnosticLog) -> str | None:
    encoding, skip = text_encoding(content)
    if encoding is None or encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        return content[skip:].decode(encoding)
    except UnicodeDecodeError as error:
        line = content[: skip + error.start].count(b"\n") + 1
        log.kept.append(
            file_error(
                DiagnosticCode.NOT_UTF8,
                f"line {line}: the bytes are not valid {encoding.upper()} (JSON is UTF-8).",
            )
        )
        return None


def _read_items(scanner: _Scanner, start: int) -> list[tuple[int, str, object]]:
    items = []
    for index, (begin, end, value) in enumerate(scanner.items(start), start=1):
        if _depth(value) > MAX_DEPTH:
            raise RecursionError
        if index > detect.MAX_RECORDS:
            raise _TooManyRecords
        items.append((index, scanner.text[begin:end], value))
    return items


def _read_envelope(
    scanner: _Scanner, start: int, log: DiagnosticLog
) -> tuple[list[tuple[int, str, object]], dict[str, str], str | None]:
    """The ``{"records": […], …}`` shape: items, header values, declared kind."""
    text = scanner.text
    position = scanner.skip(start + 1)
    items: list[tuple[int, str, object]] | None = None
    header: dict[str, str] = {}
    declared: str | None = None
    seen: set[str] = set()
    if text[position : position + 1] == "}":
        scanner.end = position + 1
        raise _Invalid(start, text, 'the object has no "records" list')
    while True:
        position = scanner.skip(position)
        key_start = position
        if text[position : position + 1] != '"':
            raise _Invalid(key_start, text, "expected a key in double quotes")
        key, position = scanner.value(position)
        position = scanner.expect(position, ":")
        value_start = scanner.skip(position)
        if key in seen:
            raise _Invalid(key_start, text, f'the key "{key}" appears twice')
        seen.add(key)
        if key == "records":
            if text[value_start : value_start + 1] != "[":
                raise _Invalid(value_start, text, '"records" must be a list')
            items = _read_items(scanner, value_start)
            position = scanner.end
        else:
            value, position = scanner.value(value_start)
            if _depth(value) > MAX_DEPTH:
                raise RecursionError
            if key == "kind":
                declared = value if isinstance(value, str) else json.dumps(value)
            elif key in HEADER_KEYS:
                if isinstance(value, str):
                    header[key] = value
                elif value is not None:
                    log.add(
                        None,
                        key,
                        DiagnosticCode.NOT_TEXT,
                        Severity.ERROR,
                        f'"{key}" must be text, not {_describe(value)}.',
                    )
            else:
                log.add(
                    None,
                    key,
                    DiagnosticCode.UNKNOWN_KEY,
                    Severity.WARNING,
                    f'the key "{key}" is not used (known: records, kind, '
                    f"{', '.join(HEADER_KEYS)}).",
                )
        position = scanner.skip(position)
        following = text[position : position + 1]
        if following == "}":
            scanner.end = position + 1
            break
        if following != ",":
            raise _Invalid(position, text, "expected ',' or '}'")
        position += 1
    if items is None:
        raise _Invalid(start, text, 'the object has no "records" list')
    return items, header, declared


def _report_kind(
    expected: ReportKind | None,
    declared: str | None,
    items: list[tuple[int, str, object]],
    log: DiagnosticLog,
) -> ReportKind | None:
    if declared is not None:
        try:
            named = ReportKind(declared)
        except ValueError:
            log.kept.append(
                file_error(
                    DiagnosticCode.INVALID_KIND,
                    f'"kind" is "{declared}"; it must be one of: '
                    f"{', '.join(kind.value for kind in ReportKind)}.",
                )
            )
            return None
        if expected is not None and named is not expected:
            log.kept.append(
                file_error(
                    DiagnosticCode.KIND_MISMATCH,
                    f'the file says "kind": "{named}" but a {expected} report was expected.',
                )
            )
            return None
        return named
    if expected is not None:
        return expected
    keys: set[str] = set()
    for _index, _raw, item in items:
        if isinstance(item, dict):
            keys.update(item)
    if keys & _INVENTORY_ONLY and not keys & _SELL_THROUGH_ONLY:
        return ReportKind.INVENTORY
    return ReportKind.SELL_THROUGH


def _text(value: object, index: int, field: str, log: DiagnosticLog) -> tuple[bool, str | None]:
    """``(ok, text)``: the value as text, ``None`` for null; not ok for lists and objects."""
    if value is None:
        return True, None
    if isinstance(value, str):
        if len(value) > records.MAX_FIELD_CHARS:
            log.add(
                index,
                field,
                DiagnosticCode.FIELD_TOO_LONG,
                Severity.ERROR,
                f"the value has {len(value):,} characters; the limit is "
                f"{records.MAX_FIELD_CHARS:,}.",
            )
            return False, None
        return True, value
    if isinstance(value, bool):
        return True, "true" if value else "false"
    log.add(
        index,
        field,
        DiagnosticCode.NOT_TEXT,
        Severity.ERROR,
        f'"{field}" must be text or a number, not {_describe(value)}.',
    )
    return False, None


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    # Numbers are read as text (parse_int/parse_float=str), so text and numbers look alike.
    return "a text or number value"


def _record(
    index: int, raw: str, item: object, kind: ReportKind, log: DiagnosticLog
) -> SourceRecord | None:
    if not isinstance(item, dict):
        log.add(
            index,
            None,
            DiagnosticCode.NOT_AN_OBJECT,
            Severity.ERROR,
            f"record {index} is {_describe(item)}, not an object.",
        )
        return None
    ok = True
    for key in getattr(item, "duplicates", ()):
        ok = False
        log.add(
            index,
            key,
            DiagnosticCode.DUPLICATE_KEY,
            Severity.ERROR,
            f'record {index} has the key "{key}" more than once.',
        )
    known = SELL_THROUGH_FIELDS if kind is ReportKind.SELL_THROUGH else INVENTORY_FIELDS
    record = SourceRecord(kind=kind, location=index, raw=raw)
    for key, value in item.items():
        if key == "identifiers":
            ok = _identifiers(value, index, record, log) and ok
        elif key == "parties":
            ok = _parties(value, index, record, log) and ok
        elif key in known:
            valid, text = _text(value, index, key, log)
            ok = ok and valid
            if text is not None:
                record.fields[key] = text
        else:
            log.add(
                index,
                key,
                DiagnosticCode.UNKNOWN_KEY,
                Severity.WARNING,
                f'"{key}" is not a {kind} field and is ignored.',
            )
    return record if ok else None


def _mapping(value: object, index: int, field: str, log: DiagnosticLog) -> dict | None:
    if value is None:
        return {}
    if not isinstance(value, dict):
        log.add(
            index,
            field,
            DiagnosticCode.NOT_AN_OBJECT,
            Severity.ERROR,
            f'"{field}" must be an object.',
        )
        return None
    for key in getattr(value, "duplicates", ()):
        log.add(
            index,
            f"{field}.{key}",
            DiagnosticCode.DUPLICATE_KEY,
            Severity.ERROR,
            f'"{field}" has the key "{key}" more than once.',
        )
        return None
    return value


def _identifiers(value: object, index: int, record: SourceRecord, log: DiagnosticLog) -> bool:
    mapping = _mapping(value, index, "identifiers", log)
    if mapping is None:
        return False
    ok = True
    for qualifier, identifier in mapping.items():
        valid, text = _text(identifier, index, f"identifiers.{qualifier}", log)
        ok = ok and valid
        if text is not None:
            record.identifiers[qualifier] = text
    return ok


def _parties(value: object, index: int, record: SourceRecord, log: DiagnosticLog) -> bool:
    mapping = _mapping(value, index, "parties", log)
    if mapping is None:
        return False
    ok = True
    for role, attributes in mapping.items():
        prefix = f"parties.{role}"
        party_values = _mapping(attributes, index, prefix, log)
        if party_values is None:
            ok = False
            continue
        party = Party(role=role)
        for key, attribute in party_values.items():
            if key == "references":
                references = _mapping(attribute, index, f"{prefix}.references", log)
                if references is None:
                    ok = False
                    continue
                for qualifier, reference in references.items():
                    valid, text = _text(reference, index, f"{prefix}.references.{qualifier}", log)
                    ok = ok and valid
                    if text is not None:
                        party.references[qualifier] = text
            elif key in PARTY_KEYS:
                valid, text = _text(attribute, index, f"{prefix}.{key}", log)
                ok = ok and valid
                if text is not None:
                    setattr(party, key, text)
            else:
                log.add(
                    index,
                    f"{prefix}.{key}",
                    DiagnosticCode.UNKNOWN_KEY,
                    Severity.WARNING,
                    f'"{key}" is not a party attribute and is ignored (known: '
                    f"{', '.join(PARTY_KEYS)}, references).",
                )
        record.parties[role] = party
    return ok
