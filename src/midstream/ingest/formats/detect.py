"""Which format a file is in, from its content (never from its name).

Distributors name files carelessly: a tab-separated text saved as ``.xls``, an EDI file called
``report.txt``, a CSV called ``.dat``. So the first bytes decide: byte-order marks are skipped,
then ``ISA`` followed by a delimiter is X12, ``UNA``/``UNB`` is EDIFACT, a ZIP archive holding
``[Content_Types].xml`` and ``xl/`` parts is XLSX, ``[`` or ``{`` is JSON, and any other text is
CSV (the delimiter is sniffed by the tabular reader). The file name only improves messages.

Also home of the diagnostic codes of the detection and of the tabular and JSON readers
(``DiagnosticCode``), and of the byte-order-mark handling those readers share.
"""

from __future__ import annotations

import io
import re
import zipfile
from enum import StrEnum

from midstream.ingest import records
from midstream.ingest.records import Diagnostic, Format, Severity


class DiagnosticCode(StrEnum):
    """Stable codes of the detection, CSV/XLSX and JSON diagnostics (docs/formats.md)."""

    # The file as a whole (location None).
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    BINARY_CONTENT = "binary_content"
    UNSUPPORTED_ZIP = "unsupported_zip"
    LEGACY_XLS = "legacy_xls"
    UNSUPPORTED_MARKUP = "unsupported_markup"
    FORMAT_NOT_AVAILABLE = "format_not_available"
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_MANY_DIAGNOSTICS = "too_many_diagnostics"
    TOO_MANY_RECORDS = "too_many_records"
    NO_RECORDS = "no_records"
    SHEET_IGNORED = "sheet_ignored"
    # CSV / TSV
    INVALID_UTF16 = "invalid_utf16"
    UNTERMINATED_QUOTE = "unterminated_quote"
    MALFORMED_CSV = "malformed_csv"
    WRONG_COLUMN_COUNT = "wrong_column_count"
    FIELD_TOO_LONG = "field_too_long"
    BLANK_COLUMN_NAME = "blank_column_name"
    DUPLICATE_COLUMN_NAME = "duplicate_column_name"
    # XLSX
    CORRUPT_XLSX = "corrupt_xlsx"
    XLSX_ZIP_BOMB = "xlsx_zip_bomb"
    XLSX_XML_ENTITIES = "xlsx_xml_entities"
    XLSX_ENCRYPTED = "xlsx_encrypted"
    UNKNOWN_SHEET = "unknown_sheet"
    EMPTY_SHEET = "empty_sheet"
    # JSON
    NOT_UTF8 = "not_utf8"
    INVALID_JSON = "invalid_json"
    JSON_TOO_DEEP = "json_too_deep"
    INVALID_STRUCTURE = "invalid_structure"
    INVALID_KIND = "invalid_kind"
    KIND_MISMATCH = "kind_mismatch"
    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_KEY = "unknown_key"
    DUPLICATE_KEY = "duplicate_key"
    NOT_TEXT = "not_text"


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_LE_BOM = b"\xff\xfe"
UTF16_BE_BOM = b"\xfe\xff"
ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): Excel 97-2003 .xls, and other Office binaries.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# How much of the start of a file the detection looks at (it never decodes a whole file).
SAMPLE_BYTES = 64 * 1024
# Control characters that do not belong in text (tab, line feed, form feed, carriage return and
# the old DOS end-of-file mark do). Above this share of the sample, the file is not text.
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x19\x1b-\x1f]")
_MAX_CONTROL_SHARE = 0.05
_BLANK = " \t\r\n\f\v"
_NOT_BLANK = re.compile(rb"[^ \t\r\n\f\v]")
_UTF16_BLANKS = {
    "utf-16-le": re.compile(rb"(?:[ \t\r\n\f\v]\x00)*"),
    "utf-16-be": re.compile(rb"(?:\x00[ \t\r\n\f\v])*"),
}
_MARKUP = re.compile(r"<(\?xml|!doctype|html|table|head|body)\b", re.IGNORECASE)


def plural(count: int, noun: str) -> str:
    """``1 field``, ``2 fields``, ``10,000 fields``."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def file_error(code: DiagnosticCode, message: str) -> Diagnostic:
    return Diagnostic(None, None, str(code), Severity.ERROR, message)


def file_too_large(size: int) -> Diagnostic | None:
    """The ``file_too_large`` diagnostic when ``size`` is over the limit, else ``None``."""
    limit = records.MAX_FILE_BYTES
    if size <= limit:
        return None
    return file_error(
        DiagnosticCode.FILE_TOO_LARGE,
        f"the file has {size:,} bytes; the limit is {limit:,} bytes "
        f"({limit // (1024 * 1024)} MB). Split it by period.",
    )


def text_encoding(content: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark (or UTF-16's NUL pattern) declares, and the mark's length.

    ``(None, 0)`` when nothing declares an encoding: the reader then tries UTF-8 and falls
    back to Windows-1252. UTF-16 without a mark is recognised by its pattern of NUL bytes in
    ASCII text (every second byte NUL, on the same side), because some exports drop the mark.
    """
    if content.startswith(UTF8_BOM):
        return "utf-8-sig", len(UTF8_BOM)
    if content.startswith(UTF16_LE_BOM):
        return "utf-16-le", len(UTF16_LE_BOM)
    if content.startswith(UTF16_BE_BOM):
        return "utf-16-be", len(UTF16_BE_BOM)
    head = content[: min(512, len(content) - len(content) % 2)]
    if len(head) >= 8:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) == len(odd) and 0 not in even:
            return "utf-16-le", 0
        if even.count(0) == len(even) and 0 not in odd:
            return "utf-16-be", 0
    return None, 0


def _text_start(content: bytes) -> tuple[str, bool]:
    """The first characters of the file as text after any BOM and leading white space, and
    whether it is UTF-16. Empty when the file holds nothing else."""
    encoding, skip = text_encoding(content)
    if encoding and encoding.startswith("utf-16"):
        blanks = _UTF16_BLANKS[encoding].match(content, skip)
        position = blanks.end() if blanks else skip
        sample = content[position : position + SAMPLE_BYTES]
        sample = sample[: len(sample) - len(sample) % 2]
        return sample.decode(encoding, errors="replace"), True
    # Latin-1 maps every byte to one character: enough to look at ASCII signatures.
    body = content[skip:]
    first = _NOT_BLANK.search(body)
    if first is None:
        return "", False
    return body[first.start() : first.start() + SAMPLE_BYTES].decode("latin-1"), False


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def detect_format(content: bytes, file_name: str | None = None) -> Format | Diagnostic:
    """The format of ``content``, or a file-level error diagnostic saying why none applies."""
    too_large = file_too_large(len(content))
    if too_large:
        return too_large
    named = f"{file_name}: " if file_name else ""
    text, utf16 = _text_start(content)
    start = text.lstrip(_BLANK)
    if not start:
        return file_error(DiagnosticCode.EMPTY_FILE, f"{named}the file is empty.")
    if start.startswith("ISA") and len(start) > 3 and _is_delimiter(start[3]):
        return Format.X12
    if start.startswith("UNA") or (
        start.startswith("UNB") and len(start) > 3 and _is_delimiter(start[3])
    ):
        return Format.EDIFACT
    if not utf16 and content.startswith(ZIP_MAGIC):
        return _detect_zip(content, named)
    if not utf16 and content.startswith(OLE2_MAGIC):
        return file_error(
            DiagnosticCode.LEGACY_XLS,
            f"{named}this is an Excel 97-2003 (.xls) or other Office binary file, which is "
            "not supported: save it as .xlsx or as CSV.",
        )
    if not utf16:
        nul = content.find(b"\x00")
        if nul >= 0:
            return file_error(
                DiagnosticCode.BINARY_CONTENT,
                f"{named}a NUL byte at line {_line_of(content, nul)} (byte {nul + 1}): this is "
                "not a text file. Expected CSV, TSV, XLSX, X12, EDIFACT or JSON.",
            )
        sample = content[:SAMPLE_BYTES]
        controls = len(_CONTROL.findall(sample))
        if controls and controls > _MAX_CONTROL_SHARE * len(sample):
            return file_error(
                DiagnosticCode.BINARY_CONTENT,
                f"{named}{controls} control characters in the first {len(sample):,} bytes: "
                "this is not a text file. Expected CSV, TSV, XLSX, X12, EDIFACT or JSON.",
            )
    if start[0] in "[{":
        return Format.JSON
    if _MARKUP.match(start):
        return file_error(
            DiagnosticCode.UNSUPPORTED_MARKUP,
            f"{named}this is an XML or HTML document (some systems save HTML tables as .xls), "
            "which is not supported: save it as .xlsx or as CSV.",
        )
    return Format.CSV


def _is_delimiter(character: str) -> bool:
    """A data element separator: neither a letter, a digit nor white space."""
    return not character.isalnum() and not character.isspace()


def _detect_zip(content: bytes, named: str) -> Format | Diagnostic:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        return file_error(
            DiagnosticCode.UNSUPPORTED_ZIP,
            f"{named}a ZIP archive that cannot be read ({error}); an XLSX file may be truncated.",
        )
    if "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names):
        return Format.XLSX
    if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
        kind = "a Word document"
    elif "mimetype" in names:
        kind = "an OpenDocument file"
    else:
        kind = "a ZIP archive"
    return file_error(
        DiagnosticCode.UNSUPPORTED_ZIP,
        f"{named}this is {kind}, not an Excel workbook: upload the report itself (XLSX, CSV, "
        "X12, EDIFACT or JSON), not an archive.",
    )


# Records are Python objects (a dict per row: about 0.5 KB for one short column, 1.7 KB for
# twelve), so a file of tiny lines would need far more memory than its size suggests. Beyond
# this many records a CSV or JSON file is refused; XLSX stops at Excel's 1,048,576 rows.
MAX_RECORDS = 2_000_000


def too_many_records() -> Diagnostic:
    return file_error(
        DiagnosticCode.TOO_MANY_RECORDS,
        f"the file has more than {MAX_RECORDS:,} records; split it by period.",
    )


# A broken file must not produce millions of diagnostics: the first ones of each code say
# what is wrong; a summary counts the rest.
MAX_DIAGNOSTICS_PER_CODE = 1000


class DiagnosticLog:
    """Diagnostics of one file, at most ``MAX_DIAGNOSTICS_PER_CODE`` of each code kept."""

    def __init__(self, limit: int = MAX_DIAGNOSTICS_PER_CODE) -> None:
        self.limit = limit
        self.kept: list[Diagnostic] = []
        self._counts: dict[str, int] = {}

    def add(
        self,
        location: int | None,
        field: str | None,
        code: DiagnosticCode,
        severity: Severity,
        message: str,
    ) -> None:
        count = self._counts.get(code, 0) + 1
        self._counts[code] = count
        if count <= self.limit:
            self.kept.append(Diagnostic(location, field, str(code), severity, message))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(
                diagnostic.location,
                diagnostic.field,
                DiagnosticCode(diagnostic.code),
                diagnostic.severity,
                diagnostic.message,
            )

    def has_file_error(self) -> bool:
        return any(d.severity is Severity.ERROR and d.location is None for d in self.kept)

    def finish(self) -> list[Diagnostic]:
        """The kept diagnostics, then one ``too_many_diagnostics`` warning per overflowing code."""
        summary = [
            Diagnostic(
                None,
                None,
                str(DiagnosticCode.TOO_MANY_DIAGNOSTICS),
                Severity.WARNING,
                f"{count - self.limit:,} more {code} diagnostics are not listed "
                f"({count:,} in all).",
            )
            for code, count in self._counts.items()
            if count > self.limit
        ]
        return [*self.kept, *summary]
