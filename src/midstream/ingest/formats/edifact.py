"""EDIFACT reader: SLSRPT (sales data report) and INVRPT (inventory report).

``parse_edifact(content)`` turns the bytes of an EDIFACT file into a ``ParsedFile``: one
``Document`` per message (UNH..UNT) with one ``SourceRecord`` per line item (LIN), values kept
as the text the file holds. Directories D96A, D97A and D01B with the EANCOM and EDIFICE subsets
share the segments read here, so the reader follows the standard's segment meaning, not one
subset's group numbering.

The tokenizer is written here rather than taken from pydifact (docs/formats-edifact.md says
why): it numbers every segment of the file from 1 for diagnostics, honours a UNA before each
interchange (so concatenated interchanges keep their own delimiters, senders and receivers),
and never raises: a truncated file keeps what was read and says so.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from midstream.ingest.records import (
    MAX_COLUMNS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    Diagnostic,
    Document,
    Format,
    ParsedFile,
    Party,
    ReportKind,
    Severity,
    SourceRecord,
)

# A segment longer than any field may be is broken (a lost terminator swallowing the file).
MAX_SEGMENT_CHARS = MAX_FIELD_CHARS
# Past this many diagnostics a file is junk; one more line says how many were left out.
MAX_DIAGNOSTICS = 1_000

MESSAGE_KINDS = {"SLSRPT": ReportKind.SELL_THROUGH, "INVRPT": ReportKind.INVENTORY}

# INVRPT QTY qualifiers (6063) with a canonical inventory field. Any other qualifier, and a
# second qualifier for a field already filled, is kept as ``qty_<code>``.
INVENTORY_QUANTITY_FIELDS = {
    "145": "on_hand",  # actual stock
    "17": "on_hand",  # quantity on hand
    "198": "in_transit",  # quantity in transit
    "21": "on_order",  # ordered quantity
    "66": "committed",  # committed quantity
}
SALES_QUANTITY = "153"  # QTY: statistical sales quantity
DOCUMENT_DATE = "137"  # DTM: document/message date
PERIOD_START = "90"  # DTM: report start date
PERIOD_END = "91"  # DTM: report end date
SALES_DATE = "356"  # DTM: sales date and/or time and/or period
INVENTORY_DATE = "366"  # DTM: inventory report date
LINE_AMOUNT = "203"  # MOA: line item amount
LINE_COUNT = "2"  # CNT: number of line items in the message
# RFF qualifiers with a canonical field; others are kept as ``ref_<code>``.
REFERENCE_FIELDS = {"IV": "invoice_number", "CT": "contract_reference"}
# DTM format qualifiers (2379) read as written; 718 is a CCYYMMDD-CCYYMMDD range.
DATE_FORMATS = {"", "101", "102", "203", "204", "718"}
UNQUALIFIED = "unqualified"  # identifier key when LIN/PIA names no item number type

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)")
_WHITESPACE = " \t\r\n"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters of an interchange (its UNA, or the syntax level's defaults)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"  # "" when the interchange has none
    repetition: str = " "
    terminator: str = "'"

    def service_string(self) -> str:
        return "".join(
            (
                self.component,
                self.element,
                self.decimal,
                self.release or " ",
                self.repetition,
                self.terminator,
            )
        )


DEFAULT_DELIMITERS = Delimiters()
# Syntax level B (UNOB) without UNA: information separators IS1, IS3, IS4 and no release.
LEVEL_B_DELIMITERS = Delimiters(component="\x1f", element="\x1d", release="", terminator="\x1c")


@dataclass(slots=True)
class Segment:
    """One segment as tokenized; ``elements[0][0]`` is the tag, so LIN03 is ``value(3)``."""

    number: int
    tag: str
    elements: list[list[str]]
    raw: str  # the text between terminators, release characters included
    terminator: str  # "" when the file ended before one
    valid: bool = True

    def value(self, element: int, component: int = 0) -> str:
        if element < len(self.elements):
            components = self.elements[element]
            if component < len(components):
                return components[component]
        return ""

    def joined(self, element: int) -> str:
        """The non-empty components of a composite, joined by spaces (names, addresses)."""
        if element >= len(self.elements):
            return ""
        return " ".join(part.strip() for part in self.elements[element] if part.strip())


class _Diagnostics:
    """Collects diagnostics, at most ``MAX_DIAGNOSTICS`` of them."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.left_out = 0

    def add(
        self, location: int | None, name: str | None, code: str, severity: Severity, message: str
    ) -> None:
        if len(self.items) >= MAX_DIAGNOSTICS:
            self.left_out += 1
            return
        self.items.append(Diagnostic(location, name, code, severity, message))

    def warn(self, location: int | None, name: str | None, code: str, message: str) -> None:
        self.add(location, name, code, Severity.WARNING, message)

    def error(self, location: int | None, name: str | None, code: str, message: str) -> None:
        self.add(location, name, code, Severity.ERROR, message)

    def result(self) -> list[Diagnostic]:
        items = sorted(self.items, key=lambda d: -1 if d.location is None else d.location)
        if self.left_out:
            message = f"{self.left_out} more diagnostics left out after the first {len(items)}"
            items.append(Diagnostic(None, None, "too_many_diagnostics", Severity.WARNING, message))
        return items


def parse_edifact(content: bytes) -> ParsedFile:
    """Read an EDIFACT file: every message becomes a Document, and nothing raises."""
    parsed = ParsedFile(format=Format.EDIFACT)
    diagnostics = _Diagnostics()
    if len(content) > MAX_FILE_BYTES:
        diagnostics.error(
            None,
            None,
            "file_too_large",
            f"the file has {len(content):,} bytes; the limit is {MAX_FILE_BYTES:,}",
        )
        parsed.diagnostics = diagnostics.result()
        return parsed
    text, parsed.encoding = _decode(content)
    # NUL padding and a DOS end-of-file mark (Ctrl-Z) after the last segment are not content.
    text = text.rstrip("\x00\x1a")
    start = len(text) - len(text.lstrip(_WHITESPACE))
    if start == len(text):
        diagnostics.error(None, None, "empty_file", "the file holds no EDIFACT segments")
    elif (nul := text.find("\x00")) != -1:
        diagnostics.error(
            None,
            None,
            "nul_bytes",
            f"the file holds a NUL character at offset {nul}: it is binary data, not EDIFACT",
        )
    elif text[start : start + 3] not in ("UNA", "UNB", "UNH"):
        diagnostics.error(
            None,
            None,
            "not_edifact",
            "an EDIFACT file starts with UNA, UNB or UNH; this one starts with "
            f"{text[start : start + 20]!r}",
        )
    else:
        tokenizer = _Tokenizer(text, start, diagnostics)
        envelopes = _EnvelopeReader(parsed, diagnostics)
        for segment in tokenizer.segments():
            envelopes.feed(segment)
        envelopes.finish()
        parsed.segment_count = tokenizer.count
        parsed.delimiter = tokenizer.first_delimiters.element
    parsed.diagnostics = diagnostics.result()
    return parsed


def _decode(content: bytes) -> tuple[str, str]:
    """Decode the bytes: UTF-8 (BOM stripped), UTF-16 when it says so, else Latin-1.

    UNOA/UNOB are ASCII subsets and UNOW/UNOY are UTF-8; UNOC (Latin-1) is the usual 8-bit
    level, and Latin-1 maps every byte, so decoding never fails.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace"), "utf-16"
    if content.startswith(b"U\x00N\x00"):
        return content.decode("utf-16-le", errors="replace"), "utf-16-le"
    if content.startswith(b"\x00U\x00N"):
        return content.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "latin-1"


# --- tokenizer -------------------------------------------------------------------------------


class _Tokenizer:
    """Splits the text into segments, taking the delimiters from each UNA and UNB."""

    def __init__(self, text: str, start: int, diagnostics: _Diagnostics) -> None:
        self.text = text
        self.position = start
        self.diagnostics = diagnostics
        self.count = 0
        self.delimiters = DEFAULT_DELIMITERS
        self.blank = _WHITESPACE
        self.first_delimiters = DEFAULT_DELIMITERS
        self.seen_first = False
        self.declared = False  # a UNA announced the delimiters of the current interchange

    def segments(self) -> Iterator[Segment]:
        text, end_of_text = self.text, len(self.text)
        while True:
            self.position = self._skip_blank(self.position)
            if self.position >= end_of_text:
                return
            if text.startswith("UNA", self.position):
                self._read_una()
                continue
            if text.startswith("UNB", self.position) and not self.declared:
                self._use(self._implicit_delimiters(self.position + 3))
            self._note_first()
            delimiters = self.delimiters
            end = _find_terminator(text, self.position, delimiters)
            if end == -1:
                raw, terminator = text[self.position :], ""
                self.position = end_of_text
            else:
                raw, terminator = text[self.position : end], delimiters.terminator
                self.position = end + len(terminator)
            if terminator == "\n" and raw.endswith("\r"):
                raw = raw[:-1]
            raw = raw.strip(self.blank) if not terminator else raw.lstrip(self.blank)
            if not raw:
                continue
            self.count += 1
            segment = self._segment(self.count, raw, terminator, delimiters)
            if segment.tag == "UNZ":
                self.declared = False
            yield segment

    def _use(self, delimiters: Delimiters) -> None:
        self.delimiters = delimiters
        # Line breaks and indentation between segments are skipped unless they separate data
        # in this interchange (with a line-feed terminator, empty lines are empty segments).
        self.blank = "".join(
            c for c in _WHITESPACE if c not in (delimiters.element, delimiters.component)
        )

    def _note_first(self) -> None:
        if not self.seen_first:
            self.first_delimiters = self.delimiters
            self.seen_first = True

    def _skip_blank(self, position: int) -> int:
        text, end, blank = self.text, len(self.text), self.blank
        while position < end and text[position] in blank:
            position += 1
        return position

    def _read_una(self) -> None:
        """UNA: component, element, decimal mark, release (space: none), repetition, terminator."""
        service = self.text[self.position + 3 : self.position + 9]
        self.position += 3 + len(service)
        problem = ""
        if len(service) < 6:
            problem = f"the UNA service string {service!r} is shorter than six characters"
        else:
            component, element, decimal, release, repetition, terminator = service
            separators = [component, element, terminator] + ([release] if release != " " else [])
            if len(set(separators)) != len(separators):
                problem = f"the UNA service string {service!r} uses one character twice"
            elif any(c.isalnum() for c in separators):
                problem = f"the UNA service string {service!r} uses a letter or digit"
        if problem:
            self.diagnostics.warn(
                self.count + 1,
                "UNA",
                "bad_una",
                f"{problem}; the default delimiters {DEFAULT_DELIMITERS.service_string()!r} "
                "are used instead",
            )
            self._use(DEFAULT_DELIMITERS)
        else:
            self._use(
                Delimiters(
                    component=component,
                    element=element,
                    decimal=decimal,
                    release="" if release == " " else release,
                    repetition=repetition,
                    terminator=terminator,
                )
            )
        self.declared = True
        self._note_first()

    def _implicit_delimiters(self, position: int) -> Delimiters:
        """Delimiters of an interchange without UNA: the syntax level's defaults.

        Level B (UNOB) uses information separators, recognisable right after the tag. A later
        interchange whose element separator is the previous UNA's (and not the default) keeps
        that UNA's set: senders who concatenate interchanges often write UNA only once.
        """
        following = self.text[position : position + 1]
        if following == LEVEL_B_DELIMITERS.element:
            return LEVEL_B_DELIMITERS
        if following == self.delimiters.element and following != DEFAULT_DELIMITERS.element:
            return self.delimiters
        return DEFAULT_DELIMITERS

    def _segment(self, number: int, raw: str, terminator: str, delimiters: Delimiters) -> Segment:
        diagnostics = self.diagnostics
        if len(raw) > MAX_SEGMENT_CHARS:
            diagnostics.error(
                number,
                None,
                "segment_too_long",
                f"segment {number} has {len(raw):,} characters (limit {MAX_SEGMENT_CHARS:,}): "
                "a segment terminator is probably missing; the segment is skipped",
            )
            return Segment(number, "", [], raw[:80], terminator, valid=False)
        elements = _split(raw, delimiters)
        tag = elements[0][0]
        if not _TAG.fullmatch(tag) or len(elements[0]) > 1:
            diagnostics.error(
                number,
                None,
                "bad_segment_tag",
                f"segment {number} starts with {raw[:20]!r}, not a tag of three capital letters; "
                "the segment is skipped",
            )
            return Segment(number, "", [], raw, terminator, valid=False)
        if len(elements) > MAX_COLUMNS:
            diagnostics.error(
                number,
                tag,
                "too_many_elements",
                f"segment {number} ({tag}) has {len(elements):,} data elements (limit "
                f"{MAX_COLUMNS}); the segment is skipped",
            )
            return Segment(number, tag, [], raw[:80], terminator, valid=False)
        if not terminator:
            # The file was cut: a trailer is usable as it stands, but a cut-off data segment
            # (QTY+15 for QTY+153:2) must not pass for a whole one.
            usable = tag in ("UNT", "UNE", "UNZ")
            diagnostics.warn(
                number,
                tag,
                "unterminated_segment",
                f"the file ends inside segment {number} ({raw[:40]!r}) without the terminator "
                f"{delimiters.terminator!r}; "
                + ("it is read as it stands" if usable else "the segment is skipped"),
            )
            return Segment(number, tag, elements, raw, terminator, valid=usable)
        return Segment(number, tag, elements, raw, terminator)


def _find_terminator(text: str, start: int, delimiters: Delimiters) -> int:
    """Index of the next segment terminator that no release character escapes, or -1."""
    terminator, release = delimiters.terminator, delimiters.release
    index = text.find(terminator, start)
    if not release:
        return index
    while index != -1:
        before = index
        while before > start and text[before - 1] == release:
            before -= 1
        if (index - before) % 2 == 0:
            return index
        index = text.find(terminator, index + 1)
    return -1


def _split(raw: str, delimiters: Delimiters) -> list[list[str]]:
    """Split a segment into elements of components, resolving release characters."""
    release = delimiters.release
    if not release or release not in raw:
        return [element.split(delimiters.component) for element in raw.split(delimiters.element)]
    element_separator, component_separator = delimiters.element, delimiters.component
    elements: list[list[str]] = []
    components: list[str] = []
    buffer: list[str] = []
    index, end = 0, len(raw)
    while index < end:
        character = raw[index]
        if character == release and index + 1 < end:
            buffer.append(raw[index + 1])
            index += 2
            continue
        if character == element_separator:
            components.append("".join(buffer))
            elements.append(components)
            components, buffer = [], []
        elif character == component_separator:
            components.append("".join(buffer))
            buffer = []
        else:
            buffer.append(character)
        index += 1
    components.append("".join(buffer))
    elements.append(components)
    return elements


# --- envelopes -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Interchange:
    start: Segment
    messages: int = 0
    groups: int = 0


@dataclass(slots=True)
class _Group:
    start: Segment
    messages: int = 0


@dataclass(slots=True)
class _Message:
    header: Segment
    interchange: _Interchange | None
    body: list[Segment] = field(default_factory=list)


class _EnvelopeReader:
    """Groups segments into interchanges (UNB..UNZ), groups (UNG..UNE), messages (UNH..UNT).

    Envelope defects are warnings: the counts and references of UNT, UNE and UNZ are checked,
    and a missing trailer closes what it should have closed, keeping what was read.
    """

    def __init__(self, parsed: ParsedFile, diagnostics: _Diagnostics) -> None:
        self.parsed = parsed
        self.diagnostics = diagnostics
        self.interchange: _Interchange | None = None
        self.group: _Group | None = None
        self.message: _Message | None = None
        self.last_number = 0

    def feed(self, segment: Segment) -> None:
        self.last_number = segment.number
        tag = segment.tag if segment.valid else ""
        if tag == "UNB":
            self._open_interchange(segment)
        elif tag == "UNG":
            self._open_group(segment)
        elif tag == "UNH":
            self._open_message(segment)
        elif tag == "UNT":
            self._close_message(segment)
        elif tag == "UNE":
            self._close_group(segment)
        elif tag == "UNZ":
            self._close_interchange(segment)
        elif self.message is not None:
            self.message.body.append(segment)  # invalid ones too: UNT01 counts them
        elif tag:
            self._stray(segment, "any message (UNH..UNT)")

    def finish(self) -> None:
        why = f"the file ends at segment {self.last_number}"
        self._close_open(why, group=True, interchange=True)

    def _close_open(self, why: str, *, group: bool, interchange: bool) -> None:
        if self.message is not None:
            self._abandon_message(why)
        if group and self.group is not None:
            start = self.group.start
            self.group = None
            self.diagnostics.warn(
                start.number,
                "UNE",
                "missing_une",
                f"functional group {start.value(5)!r} (UNG at segment {start.number}) has no "
                f"UNE: {why}",
            )
        if interchange and self.interchange is not None:
            open_interchange, self.interchange = self.interchange, None
            start = open_interchange.start
            self.diagnostics.warn(
                start.number,
                "UNZ",
                "missing_unz",
                f"interchange {start.value(5)!r} (UNB at segment {start.number}) has no UNZ: "
                f"{why}; its {open_interchange.messages} messages are kept",
            )

    def _stray(self, segment: Segment, outside: str) -> None:
        self.diagnostics.warn(
            segment.number,
            segment.tag,
            "segment_outside_message",
            f"segment {segment.number} ({segment.tag}) is outside {outside} and is ignored",
        )

    def _open_interchange(self, segment: Segment) -> None:
        self._close_open(
            f"a new interchange starts at segment {segment.number}", group=True, interchange=True
        )
        self.interchange = _Interchange(start=segment)
        if segment.value(11) == "1":
            self.diagnostics.warn(
                segment.number,
                "UNB11",
                "test_interchange",
                f"interchange {segment.value(5)!r} (segment {segment.number}) is marked as a "
                "test (UNB11 = 1)",
            )

    def _open_group(self, segment: Segment) -> None:
        self._close_open(
            f"a functional group starts at segment {segment.number}", group=True, interchange=False
        )
        self.group = _Group(start=segment)
        if self.interchange is not None:
            self.interchange.groups += 1

    def _open_message(self, segment: Segment) -> None:
        self._close_open(
            f"a new message starts at segment {segment.number}", group=False, interchange=False
        )
        if self.interchange is None:
            self.diagnostics.warn(
                segment.number,
                "UNB",
                "missing_unb",
                f"message {segment.value(1)!r} (segment {segment.number}) is not inside an "
                "interchange (UNB..UNZ): its sender and receiver are unknown",
            )
        else:
            self.interchange.messages += 1
        if self.group is not None:
            self.group.messages += 1
        self.message = _Message(header=segment, interchange=self.interchange)

    def _close_message(self, segment: Segment) -> None:
        message = self.message
        if message is None:
            self._stray(segment, "any message (UNH..UNT)")
            return
        self.message = None
        header = message.header
        counted = segment.number - header.number + 1
        if segment.value(1) != str(counted):
            self.diagnostics.warn(
                segment.number,
                "UNT01",
                "unt_count_mismatch",
                f"UNT01 says {segment.value(1)!r} segments; message {header.value(1)!r} has "
                f"{counted} (UNH to UNT inclusive)",
            )
        if segment.value(2) != header.value(1):
            self.diagnostics.warn(
                segment.number,
                "UNT02",
                "unt_reference_mismatch",
                f"UNT02 {segment.value(2)!r} differs from UNH01 {header.value(1)!r} "
                f"(segment {header.number})",
            )
        self._read(message)

    def _close_group(self, segment: Segment) -> None:
        self._close_open(
            f"the functional group ends at segment {segment.number}",
            group=False,
            interchange=False,
        )
        group = self.group
        if group is None:
            self._stray(segment, "any functional group (UNG..UNE)")
            return
        self.group = None
        if segment.value(1) != str(group.messages):
            self.diagnostics.warn(
                segment.number,
                "UNE01",
                "une_count_mismatch",
                f"UNE01 says {segment.value(1)!r} messages; the group has {group.messages}",
            )
        if segment.value(2) != group.start.value(5):
            self.diagnostics.warn(
                segment.number,
                "UNE02",
                "une_reference_mismatch",
                f"UNE02 {segment.value(2)!r} differs from UNG05 {group.start.value(5)!r} "
                f"(segment {group.start.number})",
            )

    def _close_interchange(self, segment: Segment) -> None:
        self._close_open(
            f"the interchange ends at segment {segment.number}", group=True, interchange=False
        )
        interchange = self.interchange
        if interchange is None:
            self._stray(segment, "any interchange (UNB..UNZ)")
            return
        self.interchange = None
        start = interchange.start
        # UNZ01 counts the functional groups when there are any, else the messages.
        counted, what = (
            (interchange.groups, "functional groups")
            if interchange.groups
            else (interchange.messages, "messages")
        )
        if segment.value(1) != str(counted):
            self.diagnostics.warn(
                segment.number,
                "UNZ01",
                "unz_count_mismatch",
                f"UNZ01 says {segment.value(1)!r}; interchange {start.value(5)!r} has {counted} "
                f"{what}",
            )
        if segment.value(2) != start.value(5):
            self.diagnostics.warn(
                segment.number,
                "UNZ02",
                "unz_reference_mismatch",
                f"UNZ02 {segment.value(2)!r} differs from UNB05 {start.value(5)!r} "
                f"(segment {start.number})",
            )

    def _abandon_message(self, why: str) -> None:
        message = self.message
        assert message is not None
        self.message = None
        document = self._read(message)
        header = message.header
        self.diagnostics.warn(
            header.number,
            "UNT",
            "missing_unt",
            f"message {header.value(1)!r} (UNH at segment {header.number}) has no UNT: {why}; "
            f"the {len(document.records)} records read are kept",
        )

    def _read(self, message: _Message) -> Document:
        header = message.header
        transaction = header.value(2)
        identifier = header.elements[2] if len(header.elements) > 2 else []
        document = Document(
            kind=MESSAGE_KINDS.get(transaction),
            transaction=transaction,
            location=header.number,
            control_number=header.value(1),
            version=":".join(identifier[1:]).rstrip(":"),
        )
        if message.interchange is not None:
            unb = message.interchange.start
            document.sender = unb.value(2)
            document.receiver = unb.value(3)
            _put(document.header, "interchange_reference", unb.value(5))
            _put(document.header, "sender_qualifier", unb.value(2, 1))
            _put(document.header, "receiver_qualifier", unb.value(3, 1))
            _put(document.header, "syntax_identifier", unb.value(1))
            if unb.value(11) == "1":
                document.header["test_indicator"] = "1"
        self.parsed.documents.append(document)
        if document.kind is None:
            self.diagnostics.warn(
                header.number,
                "UNH02",
                "unsupported_message",
                f"message {header.value(1)!r} is {transaction or 'unnamed'}; only SLSRPT and "
                "INVRPT are read, so it yields no records",
            )
            return document
        body = [segment for segment in message.body if segment.valid]
        reader = _SalesReader if document.kind is ReportKind.SELL_THROUGH else _InventoryReader
        reader(document, body, self.diagnostics).read()
        return document


# --- message content -------------------------------------------------------------------------


def _put(target: dict[str, str], key: str, value: str) -> None:
    if value:
        target[key] = value


def _number(value: str) -> str:
    """A numeric value with its decimal mark written as a full stop.

    EDIFACT numbers carry no thousands separators and ISO 9735 allows a comma as the decimal
    mark, so a lone comma can only be the decimal mark.
    """
    value = value.strip()
    if value.count(",") == 1 and "." not in value:
        return value.replace(",", ".")
    return value


@dataclass(slots=True)
class _Date:
    segment: Segment
    qualifier: str
    value: str
    start: str  # the value, or the first half of a 718 range
    end: str  # the value, or the second half of a 718 range
    is_range: bool


def _date(segment: Segment, diagnostics: _Diagnostics) -> _Date:
    """DTM C507: qualifier (2005), value (2380), format (2379); a 718 value is a range."""
    qualifier, value, form = segment.value(1), segment.value(1, 1).strip(), segment.value(1, 2)
    name = f"DTM {qualifier}"
    if form not in DATE_FORMATS:
        diagnostics.warn(
            segment.number,
            name,
            "unsupported_date_format",
            f"DTM {qualifier} {value!r} has format {form!r}, which is kept as written",
        )
    if form != "718":
        return _Date(segment, qualifier, value, value, value, False)
    if "-" in value:
        start, _, end = value.partition("-")
        return _Date(segment, qualifier, value, start.strip(), end.strip(), True)
    if len(value) == 16 and value.isdigit():  # EANCOM writes the range without the hyphen
        return _Date(segment, qualifier, value, value[:8], value[8:], True)
    diagnostics.warn(
        segment.number,
        name,
        "bad_date_range",
        f"DTM {qualifier} {value!r} is not a CCYYMMDD-CCYYMMDD range (format 718)",
    )
    return _Date(segment, qualifier, value, "", "", True)


def _party(segment: Segment) -> Party:
    """NAD: role (3035), C082 id with its agency (3055, else code list 1131), name, address."""
    return Party(
        role=segment.value(1),
        id=segment.value(2),
        id_qualifier=segment.value(2, 2) or segment.value(2, 1),
        name=segment.joined(4) or segment.joined(3),
        address=segment.joined(5),
        city=segment.value(6),
        region=segment.value(7),
        postal_code=segment.value(8),
        country=segment.value(9),
    )


@dataclass(slots=True)
class _Quantity:
    qualifier: str
    value: str
    unit: str
    segment: Segment


@dataclass(slots=True)
class _Entry:
    """A quantity group inside a line: QTY (SLSRPT) or INV/QTY (INVRPT) and what follows."""

    segment: Segment
    quantities: list[_Quantity] = field(default_factory=list)
    dates: list[_Date] = field(default_factory=list)
    amounts: list[tuple[str, str, str]] = field(default_factory=list)  # qualifier, value, cur.
    location: str = ""
    movement: str = ""

    def quantity(self, qualifier: str) -> _Quantity | None:
        return next((q for q in self.quantities if q.qualifier == qualifier), None)


@dataclass(slots=True)
class _Line:
    """A line item: LIN and every segment up to the next LIN, LOC group, UNS or UNT."""

    start: Segment
    segments: list[Segment] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    prices: list[Segment] = field(default_factory=list)
    amounts: list[tuple[str, str, str]] = field(default_factory=list)
    dates: list[_Date] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    location: str = ""

    @property
    def label(self) -> str:
        return f"line {self.fields.get('line_number', '?')} (segment {self.start.number})"

    def raw(self) -> str:
        sources = [segment.raw + segment.terminator for segment in self.segments]
        return "".join(sources) if sources[0].endswith("\n") else "\n".join(sources)


class _MessageReader(ABC):
    """What SLSRPT and INVRPT share: the header, line identification, parties, references."""

    # Header DTM qualifiers turned into canonical header values (the others: ``date_<code>``).
    header_dates_read: tuple[str, ...] = (DOCUMENT_DATE, PERIOD_START, PERIOD_END, SALES_DATE)
    # Line-level segments that belong to no line when no LIN precedes them.
    line_tags: tuple[str, ...] = ("QTY", "PIA", "PRI", "IMD")

    def __init__(self, document: Document, body: list[Segment], diagnostics: _Diagnostics):
        self.document = document
        self.body = body
        self.diagnostics = diagnostics
        self.header_dates: dict[str, _Date] = {}
        self.line: _Line | None = None
        self.in_detail = False
        self.last_party: Party | None = None
        self.line_count = 0
        self.declared_line_count: Segment | None = None

    def read(self) -> None:
        for segment in self.body:
            tag = segment.tag
            if tag == "LIN":
                self.open_line(segment)
            elif tag == "CNT":
                if segment.value(1) == LINE_COUNT:
                    self.declared_line_count = segment
            elif tag == "UNS":  # section control: the summary section follows
                self.end_header()
                self.close_line()
            elif self.line is not None and not self.ends_line(segment):
                self.line.segments.append(segment)
                if not self.party_segment(segment, self.line.parties, self.line.fields):
                    self.last_party = None
                    self.line_segment(self.line, segment)
            else:
                self.close_line()
                self.other_segment(segment)
        self.end_header()
        self.close_line()
        self.check_line_count()

    def ends_line(self, segment: Segment) -> bool:
        return False

    def end_header(self) -> None:
        """The first LOC group or LIN ends the header: its values are final from then on."""
        if not self.in_detail:
            self.in_detail = True
            self.last_party = None
            self.finish_header()

    def other_segment(self, segment: Segment) -> None:
        """A segment outside any line: the header, or a group's own segments."""
        if not self.in_detail and self.header_segment(segment):
            return
        if segment.tag in self.line_tags:
            self.diagnostics.warn(
                segment.number,
                segment.tag,
                "segment_out_of_place",
                f"segment {segment.number} ({segment.raw[:40]!r}) belongs to a line item but "
                "no LIN precedes it; it is ignored",
            )

    def party_segment(
        self, segment: Segment, parties: dict[str, Party], fields: dict[str, str]
    ) -> bool:
        """NAD and its RFF, CTA, COM; an RFF after no NAD is a reference of ``fields``."""
        tag = segment.tag
        if tag == "NAD":
            party = _party(segment)
            self.last_party = party
            if party.role not in parties:
                parties[party.role] = party
            elif parties[party.role].id != party.id:
                self.diagnostics.warn(
                    segment.number,
                    f"NAD {party.role}",
                    "duplicate_party",
                    f"a second NAD {party.role} party ({party.id!r}) where "
                    f"{parties[party.role].id!r} was named; the first is kept",
                )
        elif tag == "RFF":
            qualifier, value = segment.value(1), segment.value(1, 1)
            if self.last_party is not None:
                if value:
                    self.last_party.references.setdefault(qualifier, value)
            elif value:
                fields.setdefault(REFERENCE_FIELDS.get(qualifier, f"ref_{qualifier}"), value)
        elif tag not in ("CTA", "COM"):
            return False
        return True

    def header_segment(self, segment: Segment) -> bool:
        """Read a header segment; False when it is not one."""
        tag, header = segment.tag, self.document.header
        if self.party_segment(segment, self.document.parties, header):
            return True
        self.last_party = None
        if tag == "BGM":
            _put(header, "document_name_code", segment.value(1))
            _put(header, "document_number", segment.value(2))
            _put(header, "message_function", segment.value(3))
        elif tag == "DTM":
            date = _date(segment, self.diagnostics)
            self.header_dates.setdefault(date.qualifier, date)
        elif tag == "CUX":
            if "currency" not in header:
                _put(header, "currency", segment.value(1, 1))
        else:
            return False
        return True

    def finish_header(self) -> None:
        """Turn the header DTMs into report_date, period_start, period_end and the others."""
        header, dates = self.document.header, self.header_dates
        if DOCUMENT_DATE in dates:
            _put(header, "report_date", dates[DOCUMENT_DATE].value)
        start, end, sales = dates.get(PERIOD_START), dates.get(PERIOD_END), dates.get(SALES_DATE)
        # DTM 90/91 name the period; a DTM 356 range (EANCOM) names it when they do not.
        period_start = start.start if start else (sales.start if sales else "")
        if end is not None:
            period_end = end.end
        elif start is not None and start.is_range:
            period_end = start.end
        else:
            period_end = sales.end if sales else ""
        _put(header, "period_start", period_start)
        _put(header, "period_end", period_end)
        for qualifier, date in dates.items():
            if qualifier not in self.header_dates_read:
                _put(header, f"date_{qualifier}", date.value)

    def open_line(self, segment: Segment) -> None:
        self.end_header()
        self.close_line()
        # A new line item: an RFF after it belongs to the line, not to the group's last NAD.
        self.last_party = None
        self.line_count += 1
        line = _Line(start=segment, segments=[segment])
        _put(line.fields, "line_number", segment.value(1))
        # LIN03 (C212): item number and its type (EN GTIN, SRV, IN, SA, BP, UP…).
        item, item_type = segment.value(3), segment.value(3, 1)
        if item:
            line.identifiers[item_type or UNQUALIFIED] = item
        self.line = line

    def line_segment(self, line: _Line, segment: Segment) -> None:
        tag = segment.tag
        if tag == "PIA":
            # PIA02..PIA06: up to five C212 item numbers, keyed by their type (SA, IN, BP…).
            for element in range(2, min(len(segment.elements), 7)):
                self.identifier(line, segment, segment.value(element, 1), segment.value(element))
        elif tag == "IMD":
            # IMD03 (C273): the description text is 7008, its fourth and fifth components.
            parts = segment.elements[3][3:5] if len(segment.elements) > 3 else []
            description = " ".join(part.strip() for part in parts if part.strip())
            if description:
                line.fields.setdefault("product_description", description)
        else:
            self.item_segment(line, segment)

    @abstractmethod
    def item_segment(self, line: _Line, segment: Segment) -> None:
        """Each transaction's reader says how."""

    def identifier(self, line: _Line, segment: Segment, qualifier: str, value: str) -> None:
        if not value:
            return
        qualifier = qualifier or UNQUALIFIED
        known = line.identifiers.setdefault(qualifier, value)
        if known != value:
            self.diagnostics.warn(
                segment.number,
                f"PIA {qualifier}",
                "duplicate_identifier",
                f"{line.label} gives {qualifier} {known!r} and {value!r}; the first is kept",
            )

    def close_line(self) -> None:
        line, self.line = self.line, None
        if line is None:
            return
        self.last_party = None
        if not line.identifiers:
            self.diagnostics.warn(
                line.start.number,
                "LIN03",
                "missing_item_id",
                f"{line.label} names no product: no item number in LIN03 nor in PIA",
            )
        self.emit(line)

    @abstractmethod
    def emit(self, line: _Line) -> None:
        """Each transaction's reader says how."""

    def check_line_count(self) -> None:
        segment = self.declared_line_count
        if segment is not None and _number(segment.value(1, 1)) != str(self.line_count):
            self.diagnostics.warn(
                segment.number,
                "CNT 2",
                "cnt_mismatch",
                f"CNT 2 says {segment.value(1, 1)!r} line items; the message has {self.line_count}",
            )

    def number(self, segment: Segment, name: str, value: str) -> str:
        value = _number(value)
        if value and not _NUMBER.fullmatch(value):
            self.diagnostics.warn(
                segment.number,
                name,
                "not_a_number",
                f"{name} {value!r} in segment {segment.number} is not a number",
            )
        return value

    def quantity(self, segment: Segment) -> _Quantity:
        """QTY C186: qualifier (6063), quantity (6060), unit (6411)."""
        qualifier = segment.value(1)
        value = self.number(segment, f"QTY {qualifier}", segment.value(1, 1))
        return _Quantity(qualifier, value, segment.value(1, 2), segment)


class _SalesReader(_MessageReader):
    """SLSRPT: LOC groups (with DTM 356, NAD, RFF) of LIN lines (PIA, IMD, PRI, MOA, QTY)."""

    def __init__(self, document: Document, body: list[Segment], diagnostics: _Diagnostics):
        super().__init__(document, body, diagnostics)
        self.group_location = ""
        self.group_dates: list[_Date] = []
        self.group_parties: dict[str, Party] = {}
        self.group_fields: dict[str, str] = {}
        self.dates_outside: dict[int, _Date] = {}  # sales dates outside the report period

    def read(self) -> None:
        super().read()
        if self.dates_outside:
            first = min(self.dates_outside.values(), key=lambda date: date.segment.number)
            header = self.document.header
            self.diagnostics.warn(
                first.segment.number,
                f"DTM {SALES_DATE}",
                "date_outside_period",
                f"{len(self.dates_outside)} sales dates (DTM {SALES_DATE}) fall outside the "
                f"report period {header.get('period_start')}..{header.get('period_end')} of "
                f"message {self.document.control_number!r}, the first {first.value!r} at segment "
                f"{first.segment.number}",
            )

    def check_period(self, date: _Date) -> None:
        """Note a sales date (CCYYMMDD) outside the header's report period (CCYYMMDD)."""
        header = self.document.header
        start, end = header.get("period_start", ""), header.get("period_end", "")
        if not all(len(v) == 8 and v.isdigit() for v in (start, end, date.start, date.end)):
            return
        if date.start < start or date.end > end:
            self.dates_outside.setdefault(date.segment.number, date)

    def other_segment(self, segment: Segment) -> None:
        tag = segment.tag
        if tag == "LOC":
            # LOC starts a sales location group (LOC 162 and others): its lines follow.
            self.end_header()
            self.group_location = segment.value(2)
            self.group_dates, self.group_parties, self.group_fields = [], {}, {}
        elif not self.in_detail:
            super().other_segment(segment)
        elif self.party_segment(segment, self.group_parties, self.group_fields):
            pass
        elif tag == "DTM":
            self.last_party = None
            self.group_dates.append(_date(segment, self.diagnostics))
        else:
            self.last_party = None
            super().other_segment(segment)

    def ends_line(self, segment: Segment) -> bool:
        return segment.tag == "LOC"  # the next sales location group

    def item_segment(self, line: _Line, segment: Segment) -> None:
        tag = segment.tag
        entry = line.entries[-1] if line.entries else None
        if tag == "QTY":
            quantity = self.quantity(segment)
            # Each QTY 153 is one quantity sold (a line split by date has several).
            if entry is None or (
                quantity.qualifier == SALES_QUANTITY and entry.quantity(SALES_QUANTITY)
            ):
                entry = _Entry(segment=segment)
                line.entries.append(entry)
            entry.quantities.append(quantity)
        elif tag == "PRI":
            self.number(segment, f"PRI {segment.value(1)}", segment.value(1, 1))
            line.prices.append(segment)
        elif tag == "MOA":
            qualifier = segment.value(1)
            value = self.number(segment, f"MOA {qualifier}", segment.value(1, 1))
            amounts = entry.amounts if entry is not None else line.amounts
            amounts.append((qualifier, value, segment.value(1, 2)))
        elif tag == "DTM":
            dates = entry.dates if entry is not None else line.dates
            dates.append(_date(segment, self.diagnostics))

    def emit(self, line: _Line) -> None:
        header = self.document.header
        entries = [entry for entry in line.entries if entry.quantity(SALES_QUANTITY)]
        if not entries:
            self.diagnostics.warn(
                line.start.number,
                "QTY 153",
                "missing_quantity",
                f"{line.label} has no quantity sold (QTY 153); its record has no quantity",
            )
        line_amounts = line.amounts
        if len(entries) > 1 and any(amount[0] == LINE_AMOUNT for amount in line_amounts):
            self.diagnostics.warn(
                line.start.number,
                "MOA 203",
                "amount_not_split",
                f"{line.label} reports {len(entries)} quantities sold and one line amount; "
                "the amount is given to none of them",
            )
            line_amounts = [amount for amount in line_amounts if amount[0] != LINE_AMOUNT]
        if not entries:
            # No quantity sold: one record still carries the line's other quantities.
            entries = [
                _Entry(
                    segment=line.start,
                    quantities=[q for entry in line.entries for q in entry.quantities],
                    dates=[date for entry in line.entries for date in entry.dates],
                    amounts=[amount for entry in line.entries for amount in entry.amounts],
                )
            ]
        for entry in entries:
            fields = dict(line.fields)
            for key, value in self.group_fields.items():
                fields.setdefault(key, value)
            sold = entry.quantity(SALES_QUANTITY)
            if sold is not None:
                fields["quantity"] = sold.value
                if _NUMBER.fullmatch(sold.value):
                    # A negative quantity sold is a return (SLSRPT has no other way to say so).
                    negative = sold.value.startswith("-")
                    fields["transaction_type"] = "return" if negative else "sale"
                _put(fields, "unit_of_measure", sold.unit)
            for other in entry.quantities:
                if other is not sold:
                    fields.setdefault(f"qty_{other.qualifier}", other.value)
            _prices(line.prices, fields)
            for qualifier, value, currency in entry.amounts + line_amounts:
                key = "amount" if qualifier == LINE_AMOUNT else f"amount_{qualifier}"
                if value and key not in fields:
                    fields[key] = value
                    if key == "amount" and currency:
                        fields["currency"] = currency
            _put(fields, "currency", fields.get("currency") or header.get("currency", ""))
            _put(fields, "report_location", self.group_location)
            # The most specific DTM 356 wins: the quantity's, the line's, then the group's.
            dates = entry.dates + line.dates + self.group_dates
            sales = next((date for date in dates if date.qualifier == SALES_DATE), None)
            period_start, period_end = header.get("period_start", ""), header.get("period_end", "")
            if sales is not None:
                self.check_period(sales)
            if sales is not None and sales.is_range:
                if sales.start and sales.end:
                    period_start, period_end = sales.start, sales.end
            elif sales is not None:
                _put(fields, "invoice_date", sales.value)
            _put(fields, "period_start", period_start)
            _put(fields, "period_end", period_end)
            self.document.records.append(
                SourceRecord(
                    kind=ReportKind.SELL_THROUGH,
                    location=line.start.number,
                    fields=fields,
                    identifiers=dict(line.identifiers),
                    parties=_copies({**self.group_parties, **line.parties}),
                    raw=line.raw(),
                )
            )


def _copies(parties: dict[str, Party]) -> dict[str, Party]:
    """Each record gets its own Party objects (a group's parties serve several records)."""
    return {
        role: replace(party, references=dict(party.references)) for role, party in parties.items()
    }


def _prices(prices: list[Segment], fields: dict[str, str]) -> None:
    """PRI C509: qualifier (5125), price (5118), type code (5375), type (5387), basis (5284).

    The first PRI gives unit_price and price_basis (its qualifier: AAA net, AAB gross, NTP…)
    with price_type (RTP retail…) and price_type_code (CA catalogue…); later ones are kept as
    ``price_<qualifier>``.
    """
    for index, segment in enumerate(prices):
        qualifier, value = segment.value(1), _number(segment.value(1, 1))
        if index == 0:
            _put(fields, "unit_price", value)
            _put(fields, "price_basis", qualifier)
            _put(fields, "price_type_code", segment.value(1, 2))
            _put(fields, "price_type", segment.value(1, 3))
            _put(fields, "price_unit_basis", segment.value(1, 4))
        elif value:
            fields.setdefault(f"price_{qualifier}", value)


class _InventoryReader(_MessageReader):
    """INVRPT: LIN lines with PIA, IMD and quantity groups (INV, QTY, LOC, DTM)."""

    header_dates_read = (*_MessageReader.header_dates_read, INVENTORY_DATE)
    line_tags = ("QTY", "PIA", "INV", "IMD")

    def __init__(self, document: Document, body: list[Segment], diagnostics: _Diagnostics):
        super().__init__(document, body, diagnostics)
        self.default_location = ""

    def other_segment(self, segment: Segment) -> None:
        if segment.tag == "LOC":
            # A LOC before the lines (the NAD-LOC of the header, or a detail group's LOC) is
            # the stock location of the lines that follow.
            self.default_location = segment.value(2)
        else:
            super().other_segment(segment)

    def finish_header(self) -> None:
        super().finish_header()
        header = self.document.header
        inventory_date = self.header_dates.get(INVENTORY_DATE)
        as_of = inventory_date.value if inventory_date else header.get("report_date", "")
        _put(header, "as_of_date", as_of)

    def item_segment(self, line: _Line, segment: Segment) -> None:
        tag = segment.tag
        entry = line.entries[-1] if line.entries else None
        if tag == "INV":
            # EANCOM 2002 starts a quantity group with INV (INV-QTY-LOC); EANCOM 1997 puts it
            # after the QTY (QTY-INV-LOC): it joins the open group unless that is complete.
            if entry is None or entry.movement or entry.location:
                line.entries.append(_Entry(segment=segment, movement=segment.value(1)))
            else:
                entry.movement = segment.value(1)
        elif tag == "QTY":
            quantity = self.quantity(segment)
            if entry is None or entry.location or entry.quantity(quantity.qualifier):
                entry = _Entry(segment=segment)
                line.entries.append(entry)
            entry.quantities.append(quantity)
        elif tag == "LOC":
            # After a quantity: where that stock is; before any: where the line's stock is.
            if entry is not None and not entry.location:
                entry.location = segment.value(2)
            else:
                line.location = segment.value(2)
        elif tag == "DTM":
            dates = entry.dates if entry is not None else line.dates
            dates.append(_date(segment, self.diagnostics))

    def emit(self, line: _Line) -> None:
        if not any(entry.quantities for entry in line.entries):
            self.diagnostics.warn(
                line.start.number,
                "QTY",
                "missing_quantity",
                f"{line.label} has no quantity (QTY); its record has no stock figures",
            )
        # One record per stock location of the line, in the order the locations appear.
        by_location: dict[str, list[_Entry]] = {}
        for entry in line.entries:
            location = entry.location or line.location or self.default_location
            by_location.setdefault(location, []).append(entry)
        if not by_location:
            by_location[line.location or self.default_location] = []
        for location, entries in by_location.items():
            fields = dict(line.fields)
            self.quantities(line, location, entries, fields)
            dates = [date for entry in entries for date in entry.dates] + line.dates
            inventory_date = next((d for d in dates if d.qualifier == INVENTORY_DATE), None)
            as_of = inventory_date.value if inventory_date else ""
            _put(fields, "as_of_date", as_of or self.document.header.get("as_of_date", ""))
            _put(fields, "location", location)
            self.document.records.append(
                SourceRecord(
                    kind=ReportKind.INVENTORY,
                    location=line.start.number,
                    fields=fields,
                    identifiers=dict(line.identifiers),
                    parties=_copies(line.parties),
                    raw=line.raw(),
                )
            )

    def quantities(
        self, line: _Line, location: str, entries: list[_Entry], fields: dict[str, str]
    ) -> None:
        seen: dict[str, _Quantity] = {}
        for entry in entries:
            _put(fields, "inventory_movement", entry.movement)
            for quantity in entry.quantities:
                earlier = seen.setdefault(quantity.qualifier, quantity)
                if earlier is not quantity:
                    if earlier.value != quantity.value:
                        self.diagnostics.warn(
                            quantity.segment.number,
                            f"QTY {quantity.qualifier}",
                            "repeated_quantity",
                            f"{line.label} gives QTY {quantity.qualifier} {earlier.value!r} "
                            f"(segment {earlier.segment.number}) and {quantity.value!r} for "
                            f"location {location!r}; the first is kept",
                        )
                    continue
                name = INVENTORY_QUANTITY_FIELDS.get(quantity.qualifier)
                if name is None or name in fields:
                    name = f"qty_{quantity.qualifier}"
                fields[name] = quantity.value
                if quantity.unit:
                    fields.setdefault("unit_of_measure", quantity.unit)
