"""X12 tokenizer: bytes in, segments split into elements out, with file-wide segment numbers.

An X12 file declares its own delimiters in each interchange header (ISA): the element
separator is the character right after ``ISA``, the component separator is ISA16 and the
segment terminator is the character right after ISA16. Line breaks and indentation between
segments are layout, not data. A file may hold several interchanges, each with its own
delimiters (files concatenated by a VAN or by hand).

The tokenizer reads interchange by interchange and, inside one, block by block (about 64 K
characters at a time, cut at a segment terminator): each block is split with ``str.split`` on
the terminator and then on the element separator, so the work per segment happens in C and
memory stays bounded by the block, not by the file. A block takes a slower, careful path only
when it holds something unusual (an oversized segment, an empty segment, a line break inside a
segment); see ``_careful_block``.

Problems are reported to a ``DiagnosticLog`` (never raised); the log caps how many diagnostics
are kept so bad input stays bounded in memory, and asks the reader to stop after too many
errors so it stays bounded in time too.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from midstream.ingest.records import MAX_FIELD_CHARS, Diagnostic, Severity

# A segment longer than this is refused (kept as its segment id only): no standard segment of
# the transactions read here comes near it, and it keeps a "line with ten million columns"
# from being split into ten million elements.
MAX_SEGMENT_CHARS = MAX_FIELD_CHARS
# Characters per block (the block is cut at the next segment terminator after this many).
BLOCK_CHARS = 1 << 16
# After this many errors the reader stops and rejects the file as a whole.
MAX_ERRORS = 1_000
# Diagnostics kept per code; later ones are only counted (see ``DiagnosticLog.finish``).
MAX_DIAGNOSTICS_PER_CODE = 1_000
# The ISA segment is 106 characters when every element has its fixed width; sloppy senders pad
# wrongly, so the delimiters are found by counting element separators within this many.
ISA_FIXED_LENGTH = 106
ISA_SEARCH_CHARS = 200

_WHITESPACE = " \t\r\n\x0b\x0c"
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_LINE_BREAK = re.compile(r"[\r\n]+")


class DiagnosticLog:
    """Collects diagnostics with caps, so a hostile file cannot grow the list without bound."""

    def __init__(self) -> None:
        self._kept: list[Diagnostic] = []
        self._per_code: dict[str, int] = {}
        self._suppressed: dict[str, int] = {}
        self.errors = 0
        self.stopped = False

    def add(
        self,
        location: int | None,
        field_name: str | None,
        code: str,
        severity: Severity,
        message: str,
    ) -> None:
        if self.stopped:
            return
        seen = self._per_code.get(code, 0) + 1
        self._per_code[code] = seen
        if seen <= MAX_DIAGNOSTICS_PER_CODE:
            self._kept.append(Diagnostic(location, field_name, code, severity, message))
        else:
            self._suppressed[code] = self._suppressed.get(code, 0) + 1
        if severity is Severity.ERROR:
            self.errors += 1
            if self.errors >= MAX_ERRORS:
                self.stopped = True
                self._kept.append(
                    Diagnostic(
                        None,
                        None,
                        "too_many_errors",
                        Severity.ERROR,
                        f"reading stopped after {MAX_ERRORS} errors (the last at segment "
                        f"{location}): this file is too damaged to use.",
                    )
                )

    def error(self, location: int | None, field_name: str | None, code: str, message: str):
        self.add(location, field_name, code, Severity.ERROR, message)

    def warning(self, location: int | None, field_name: str | None, code: str, message: str):
        self.add(location, field_name, code, Severity.WARNING, message)

    def finish(self) -> list[Diagnostic]:
        """The kept diagnostics by location (the file as a whole first), then one warning
        counting those left out, if any."""
        result = sorted(self._kept, key=lambda d: -1 if d.location is None else d.location)
        if self._suppressed:
            counts = ", ".join(f"{code}: {n}" for code, n in sorted(self._suppressed.items()))
            result.append(
                Diagnostic(
                    None,
                    None,
                    "diagnostics_truncated",
                    Severity.WARNING,
                    f"only the first {MAX_DIAGNOSTICS_PER_CODE} diagnostics of each code are "
                    f"listed; not listed: {counts}.",
                )
            )
        return result


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    segment: str
    repetition: str = ""  # ISA11 from version 00402 on, when it is a separator character


@dataclass(slots=True)
class SegmentBlock:
    """Consecutive segments of one interchange; ``segments[i]`` has number ``first_number + i``.

    Each segment is its list of elements, ``[segment id, element 1, element 2, …]``, with the
    whitespace around the segment removed.
    """

    interchange: int  # 0-based index of the interchange in the file
    delimiters: Delimiters
    first_number: int
    segments: list[list[str]]


def decode(content: bytes) -> tuple[str, str, bool]:
    """The text of ``content``, its encoding, and whether a fallback encoding was needed.

    A UTF-8 or UTF-16 byte-order mark decides the encoding (and is dropped); otherwise UTF-8 is
    tried, then Windows-1252 (X12 text is ASCII in practice, so this only matters for names
    with accents). Byte-order marks left inside the text (files concatenated with their BOMs)
    are removed too: a zero-width no-break space carries no data in X12.
    """
    fallback = False
    if content.startswith(codecs.BOM_UTF8):
        encoding = "utf-8"
        body = content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        body = content
    else:
        encoding = "utf-8"
        body = content
    if encoding == "utf-16":
        text = body.decode("utf-16", errors="replace")
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("cp1252", errors="replace")
            encoding = "cp1252"
            fallback = True
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    return text, encoding, fallback


def _is_delimiter(char: str) -> bool:
    """Any character but letters, digits and layout whitespace (\x1c-\x1f are allowed)."""
    return not char.isalnum() and char not in _WHITESPACE


def read_delimiters(text: str, start: int) -> tuple[Delimiters | None, str, bool]:
    """The delimiters declared by the ISA segment at ``start``.

    Returns ``(delimiters, problem, fixed_length)``: ``delimiters`` is None when they cannot
    be read (``problem`` says why); ``fixed_length`` is False when the ISA is not the standard
    106 characters (the delimiters are still found, by counting element separators).
    """
    if start + 4 > len(text):
        return None, "the ISA segment is cut short", False
    element = text[start + 3]
    if not _is_delimiter(element):
        return None, f"the element separator {element!r} after ISA is not a delimiter", False
    limit = min(len(text), start + ISA_SEARCH_CHARS)
    position = start + 3
    for _ in range(15):
        position = text.find(element, position + 1, limit)
        if position < 0:
            return None, "the ISA segment does not have its 16 elements", False
    if position + 2 >= len(text):
        return None, "the ISA segment is cut short before its segment terminator", False
    component = text[position + 1]
    terminator = text[position + 2]
    if terminator in "\r\n":
        pass  # a line break as the terminator is allowed
    elif not _is_delimiter(terminator):
        return None, f"the segment terminator {terminator!r} after ISA16 is not a delimiter", False
    if not _is_delimiter(component) or len({element, component, terminator}) != 3:
        return (
            None,
            f"the ISA delimiters are not three different characters (element {element!r}, "
            f"component {component!r}, segment {terminator!r})",
            False,
        )
    fields = text[start:position].split(element)
    repetition = ""
    if len(fields) > 12:
        version = fields[12].strip()
        candidate = fields[11]
        if (
            version.isascii()
            and version.isdigit()
            and version >= "00402"
            and len(candidate) == 1
            and _is_delimiter(candidate)
            and candidate not in (element, component, terminator)
        ):
            repetition = candidate
    line_breaks = text.count("\n", start, position) + text.count("\r", start, position)
    fixed = position + 2 - start - line_breaks == ISA_FIXED_LENGTH - 1
    return Delimiters(element, component, terminator, repetition), "", fixed


class Tokenizer:
    """Reads ``content`` as X12: ``blocks()`` yields the segments; ``log`` gets the problems.

    ``segment_count`` is the number of segments yielded so far (all of them once ``blocks()``
    is exhausted); segments are numbered from 1 across the whole file.
    """

    def __init__(self, content: bytes, log: DiagnosticLog) -> None:
        self.log = log
        text, self.encoding, fallback = decode(content)
        # Padding after the last segment (NUL bytes of fixed-block transfers, the old DOS
        # end-of-file mark Ctrl-Z) is not data.
        self.text = text.rstrip(" \t\r\n\x00\x1a")
        if fallback:
            log.warning(
                None,
                None,
                "encoding_fallback",
                "the file is not valid UTF-8; it was read as Windows-1252.",
            )
        self.segment_count = 0
        self.delimiters: list[Delimiters] = []

    # Interchange boundaries ------------------------------------------------------------------

    def _first_isa(self) -> int:
        text = self.text
        start = len(text) - len(text.lstrip())
        if text.startswith("ISA", start):
            return start
        found = self._next_isa(start, None)
        if found >= 0:
            self.log.warning(
                None,
                None,
                "text_before_interchange",
                f"{found - start} characters before the first ISA segment were ignored.",
            )
        return found

    def _next_isa(self, start: int, terminator: str | None) -> int:
        """Where the next interchange starts: an ``ISA`` + delimiter at a segment boundary.

        With ``terminator`` None (looking for the first ISA), any ``ISA`` followed by a
        delimiter counts; otherwise the ``ISA`` must follow that terminator (and whitespace).
        """
        text = self.text
        position = start
        while True:
            position = text.find("ISA", position)
            if position < 0:
                return -1
            after = position + 3
            if after < len(text) and _is_delimiter(text[after]):
                if terminator is None:
                    return position
                before = position - 1
                while (
                    before >= start and text[before] in _WHITESPACE and text[before] != terminator
                ):
                    before -= 1
                if before >= start and text[before] == terminator:
                    return position
            position += 1

    # Segments ---------------------------------------------------------------------------------

    def blocks(self) -> Iterator[SegmentBlock]:
        text = self.text
        if not text.strip():
            self.log.error(None, None, "empty_file", "the file is empty.")
            return
        start = self._first_isa()
        if start < 0:
            self.log.error(
                None,
                None,
                "no_interchange",
                "no ISA segment found: this is not an X12 file.",
            )
            return
        index = 0
        while start >= 0 and not self.log.stopped:
            delimiters, problem, fixed = read_delimiters(text, start)
            if delimiters is None:
                self.log.error(
                    None,
                    "ISA",
                    "invalid_isa",
                    f"interchange {index + 1} (at character {start}) cannot be read: "
                    f"{problem}. Its segments were skipped.",
                )
                following = self._next_isa(start + 3, None)
                start, index = following, index + 1
                continue
            if not fixed:
                self.log.warning(
                    self.segment_count + 1,
                    "ISA",
                    "isa_length",
                    "the ISA segment is not the standard 106 characters; its delimiters were "
                    "read by counting element separators.",
                )
            self.delimiters.append(delimiters)
            end = self._next_isa(start + 3, delimiters.segment)
            stop = len(text) if end < 0 else end
            yield from self._interchange_blocks(index, delimiters, start, stop)
            start, index = end, index + 1

    def _interchange_blocks(
        self, index: int, delimiters: Delimiters, start: int, stop: int
    ) -> Iterator[SegmentBlock]:
        text = self.text
        terminator = delimiters.segment
        element = delimiters.element
        own = {delimiters.element, delimiters.component, delimiters.segment}
        strip_chars = None
        if any(char.isspace() for char in own):
            # A delimiter that str.strip() would remove (a line feed terminator, or the
            # \x1c-\x1f separators some systems use): strip only ordinary layout whitespace.
            strip_chars = "".join(char for char in _WHITESPACE if char not in own)
        line_breaks_matter = terminator not in "\r\n"
        position = start
        while position < stop and not self.log.stopped:
            cut = -1
            if position + BLOCK_CHARS < stop:
                cut = text.find(terminator, position + BLOCK_CHARS, stop)
            end = stop if cut < 0 else cut + 1
            piece = text[position:end]
            position = end
            parts = piece.split(terminator)
            if strip_chars is None:
                stripped = [part.strip() for part in parts]
            else:
                stripped = [part.strip(strip_chars) for part in parts]
            empty = stripped.count("")
            if stripped[-1] == "":
                empty -= 1  # the text after the last terminator: layout, or nothing
            longest = max(map(len, stripped))
            careful = empty > 0 or longest > MAX_SEGMENT_CHARS
            if not careful and line_breaks_matter:
                joined = "".join(stripped)
                careful = "\n" in joined or "\r" in joined
            first = self.segment_count + 1
            if careful:
                segments = self._careful_block(stripped, element, line_breaks_matter, first)
            else:
                segments = [segment.split(element) for segment in stripped if segment]
            if not segments:
                continue
            self.segment_count += len(segments)
            yield SegmentBlock(index, delimiters, first, segments)

    def _careful_block(
        self, stripped: list[str], element: str, line_breaks_matter: bool, first: int
    ) -> list[list[str]]:
        """One segment at a time: refuse oversized ones, report empty ones, mend line breaks.

        A line break inside a segment is either a wrapped line (old systems wrap at 80
        columns: the break is removed) or a missing segment terminator (the text after the
        break starts with a known segment id and an element separator: it becomes a segment
        of its own, with a warning).
        """
        log = self.log
        segments: list[list[str]] = []
        last = len(stripped) - 1
        for position, text in enumerate(stripped):
            number = first + len(segments)
            if not text:
                if position != last:
                    log.warning(
                        max(number - 1, 1),
                        None,
                        "empty_segment",
                        f"an empty segment (two segment terminators) after segment "
                        f"{number - 1} was ignored.",
                    )
                continue
            if len(text) > MAX_SEGMENT_CHARS:
                segment_id = text[:4].split(element, 1)[0][:3]
                log.error(
                    number,
                    segment_id or None,
                    "segment_too_long",
                    f"segment {number} ({segment_id or 'no id'}) is {len(text):,} characters "
                    f"long, over the {MAX_SEGMENT_CHARS:,} allowed; its content was not read.",
                )
                segments.append([segment_id])
                continue
            if line_breaks_matter and ("\n" in text or "\r" in text):
                for piece in self._mend_line_breaks(text, element, first + len(segments)):
                    segments.append(piece.split(element))
                continue
            segments.append(text.split(element))
        return segments

    def _mend_line_breaks(self, text: str, element: str, number: int) -> list[str]:
        lines = _LINE_BREAK.split(text)
        pieces = [lines[0]]
        for line in lines[1:]:
            candidate = line.lstrip(" \t")
            segment_id = candidate.split(element, 1)[0]
            if (
                element in candidate
                and segment_id in KNOWN_SEGMENT_IDS
                and _SEGMENT_ID.fullmatch(segment_id)
            ):
                self.log.warning(
                    number + len(pieces) - 1,
                    pieces[-1].split(element, 1)[0][:3] or None,
                    "missing_segment_terminator",
                    f"segment {number + len(pieces) - 1} runs into a line that starts a "
                    f"{segment_id} segment: the segment terminator is missing; the line was "
                    "read as a segment of its own.",
                )
                pieces.append(candidate.rstrip())
            else:
                pieces[-1] += line  # a wrapped line: the break is not data
        return [piece.rstrip() for piece in pieces]


# Segment ids a line break may be mended at (see ``Tokenizer._mend_line_breaks``); the reader's
# loop tables use these and more, but a line starting with one of these is a segment for sure.
KNOWN_SEGMENT_IDS = frozenset(
    {
        *("ISA", "IEA", "GS", "GE", "ST", "SE", "TA1"),
        *("BPT", "BIA", "XQ", "XPO", "NTE", "CUR", "DTM", "REF", "PER", "N9"),
        *("N1", "N2", "N3", "N4", "PTD", "QTY", "LIN", "UIT", "AMT", "PID", "CTP"),
        *("ZA", "SDQ", "CTT", "PO4", "MEA", "LM", "LQ"),
    }
)


@dataclass(slots=True)
class Tokens:
    """Every segment of a file at once (tests and tools; readers use ``Tokenizer.blocks``)."""

    segments: list[tuple[int, list[str]]] = field(default_factory=list)
    delimiters: list[Delimiters] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    encoding: str = ""


def tokenize(content: bytes) -> Tokens:
    log = DiagnosticLog()
    tokenizer = Tokenizer(content, log)
    tokens = Tokens(encoding=tokenizer.encoding)
    for block in tokenizer.blocks():
        tokens.segments.extend(enumerate(block.segments, start=block.first_number))
    tokens.delimiters = tokenizer.delimiters
    tokens.diagnostics = log.finish()
    return tokens
