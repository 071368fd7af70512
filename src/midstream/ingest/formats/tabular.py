"""CSV, TSV and XLSX reports: a header row in the distributor's own words, then one row per line.

``parse_csv`` decodes the text (UTF-8 with or without a byte-order mark; UTF-16, which is
Excel's "Unicode text" export; otherwise Windows-1252, falling back to Latin-1), sniffs the
delimiter among comma, semicolon, tab and vertical bar, and reads quoted fields with embedded
delimiters and line breaks. ``parse_xlsx`` reads the first sheet (or a named one) with
python-calamine after checking the archive for zip bombs and XML entity declarations.

Both yield one ``Document`` whose records keep the header's names in ``SourceRecord.columns``
and the cell text as read; the mapping stage (the distributor's mapping profile) decides which
column feeds which canonical field. Locations are file line numbers (the header is line 1; a
record whose quoted field spans lines has the line it starts on) or, for XLSX, sheet row
numbers.

Why Python's ``csv`` module and not Polars here: the result is one Python object per row, and
turning a Polars frame into row objects costs as much as the ``csv`` module's whole read (both
about 2 µs per row of 12 fields, measured), while the ``csv`` module gives exact line numbers
for quoted line breaks and reads ragged rows without losing them. Polars stays the tool of the
later, column-wise stages.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from midstream.ingest import records
from midstream.ingest.formats import detect
from midstream.ingest.formats.detect import (
    DiagnosticCode,
    DiagnosticLog,
    file_error,
    file_too_large,
    plural,
    text_encoding,
    too_many_records,
)
from midstream.ingest.headers import guess_kind
from midstream.ingest.records import (
    Diagnostic,
    Document,
    Format,
    ParsedFile,
    ReportKind,
    Severity,
    SourceRecord,
)

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# How much of the file the delimiter sniffing reads, and how many records.
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 20
# A quoted part of a line, for counting delimiters outside quotes without parsing the line.
_QUOTED = re.compile(r'"[^"]*(?:"|$)')

# XLSX guards, checked on the archive's directory and contents before calamine reads it.
XLSX_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_MEMBERS = 10_000
# Parts smaller than this cannot hurt, whatever their compression ratio (tiny XML compresses
# very well).
_RATIO_FLOOR_BYTES = 1024 * 1024
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
# The declarations looked for, in UTF-8 and in UTF-16 (XML allows both), lower case.
_ENTITY_MARKERS = {
    name: tuple(text.encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
    for name, text in (
        ("a <!DOCTYPE declaration", "<!doctype"),
        ("an <!ENTITY declaration", "<!entity"),
    )
}


# ─── text ────────────────────────────────────────────────────────────────────────────────


def decode_text(content: bytes) -> tuple[str, str, list[Diagnostic]]:
    """The file as text, the encoding used, and a warning if UTF-16 had broken characters.

    A byte-order mark decides (UTF-8, UTF-16 LE/BE); without one the text is read as UTF-8
    when it is valid UTF-8, else as Windows-1252 (what Excel and most European ERPs write;
    Latin-1 differs only in characters nobody uses in reports), else as Latin-1 (the five
    bytes Windows-1252 leaves undefined).
    """
    encoding, skip = text_encoding(content)
    body = content[skip:]
    if encoding in ("utf-16-le", "utf-16-be"):
        try:
            return body.decode(encoding), encoding, []
        except UnicodeDecodeError as error:
            prefix = body[: error.start].decode(encoding, errors="replace")
            warning = Diagnostic(
                prefix.count("\n") + 1,
                None,
                DiagnosticCode.INVALID_UTF16,
                Severity.WARNING,
                "the text is UTF-16 but has an invalid character here (shown as �); "
                "the file may be truncated or damaged.",
            )
            return body.decode(encoding, errors="replace"), encoding, [warning]
    try:
        return body.decode("utf-8"), encoding or "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("windows-1252"), "windows-1252", []
    except UnicodeDecodeError:
        return body.decode("latin-1"), "iso-8859-1", []


def _unquoted(line: str) -> str:
    return _QUOTED.sub("", line) if '"' in line else line


def _field_count(line: str, delimiter: str) -> int:
    """Fields of one physical line, counted outside quotes without building them."""
    return _unquoted(line).count(delimiter) + 1


class _Lines:
    """The physical lines of the text, fed to ``csv.reader``, with the lines of the current
    record kept for ``SourceRecord.raw`` and lines with absurd field counts blanked out.

    A line with more than ``MAX_COLUMNS`` fields is never handed to the ``csv`` module (ten
    million columns would be ten million string objects): it is replaced by an empty line and
    remembered in ``oversized`` (line number → field count).
    """

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.delimiter = delimiter
        self.number = 0
        self.pending: list[str] = []
        self.oversized: dict[int, int] = {}

    def __iter__(self) -> Iterator[str]:
        text, delimiter, limit = self.text, self.delimiter, records.MAX_COLUMNS
        position, end = 0, len(text)
        while position < end:
            newline = text.find("\n", position)
            stop = end if newline < 0 else newline + 1
            line = text[position:stop]
            position = stop
            self.number += 1
            if len(line) > limit and line.count(delimiter) >= limit:
                count = _field_count(line, delimiter)
                if count > limit:
                    self.oversized[self.number] = count
                    line = "\n"
            self.pending.append(line)
            yield line

    def take_raw(self) -> str:
        raw = "".join(self.pending).rstrip("\n")
        self.pending.clear()
        return raw


def _sniff_delimiter(sample: str, complete: bool) -> str:
    """The delimiter that splits the first records of ``sample`` most consistently.

    For each candidate giving the header more than one field: the share of the following
    records with as many fields as the header, then the header's field count, then the order
    comma, semicolon, tab, bar. When no candidate splits the header (a one-column file), the
    candidate least used in the sample, so that values like "1,5" stay whole.
    """
    best: tuple[float, int, int] | None = None
    chosen = ""
    for preference, delimiter in enumerate(DELIMITERS):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        rows: list[list[str]] = []
        try:
            for row in reader:
                if any(value.strip() for value in row):
                    rows.append(row)
                if len(rows) > _SNIFF_RECORDS:
                    break
        except csv.Error:
            pass
        if not complete and len(rows) > 1:
            rows.pop()  # possibly cut short by the end of the sample
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        data = rows[1:]
        consistency = sum(len(row) == width for row in data) / len(data) if data else 1.0
        key = (consistency, width, -preference)
        if best is None or key > best:
            best, chosen = key, delimiter
    if chosen:
        return chosen
    return min(DELIMITERS, key=lambda delimiter: (sample.count(delimiter), 0))


def _delimiter_name(delimiter: str) -> str:
    return f"{_DELIMITER_NAMES.get(delimiter, delimiter)} ({delimiter!r})"


# ─── the header ──────────────────────────────────────────────────────────────────────────


def _column_names(
    header: list[str], line: int, log: DiagnosticLog
) -> tuple[list[str], dict[str, int]]:
    """The header's names, stripped and made unique, and the synthetic names of blank ones.

    A blank name becomes "(column N)"; a repeated name gets " (2)", " (3)"… so that no value
    is lost. Repeats are reported at once; blank names only once the data shows the column
    is used (a trailing delimiter after the last name is common and harmless).
    """
    names: list[str] = []
    blank: dict[str, int] = {}
    seen: set[str] = set()
    for index, value in enumerate(header, start=1):
        name = value.strip().lstrip("\ufeff").strip()
        if not name:
            name = f"(column {index})"
            blank[name] = index
        elif name in seen:
            repeat = 2
            while f"{name} ({repeat})" in seen:
                repeat += 1
            log.add(
                line,
                name,
                DiagnosticCode.DUPLICATE_COLUMN_NAME,
                Severity.WARNING,
                f'the header names column {index} "{name}" again; its values are kept '
                f'under "{name} ({repeat})".',
            )
            name = f"{name} ({repeat})"
        seen.add(name)
        names.append(name)
    return names, blank


def _drop_unused_blank_columns(
    columns: list[str],
    blank: dict[str, int],
    rows: list[SourceRecord],
    line: int,
    log: DiagnosticLog,
) -> list[str]:
    """Remove blank-named columns without any value; report the ones that hold data."""
    unused = set()
    for name, index in blank.items():
        if any(row.columns.get(name, "").strip() for row in rows):
            log.add(
                line,
                name,
                DiagnosticCode.BLANK_COLUMN_NAME,
                Severity.WARNING,
                f"column {index} has values but no name in the header; they are kept under "
                f'"{name}".',
            )
        else:
            unused.add(name)
    if not unused:
        return columns
    for row in rows:
        for name in unused:
            row.columns.pop(name, None)
    return [name for name in columns if name not in unused]


def _too_many_columns(count: int, line: int, delimiter: str) -> Diagnostic:
    return file_error(
        DiagnosticCode.TOO_MANY_COLUMNS,
        f"the header (line {line}) has {count:,} columns separated by "
        f"{_delimiter_name(delimiter)}; the limit is {records.MAX_COLUMNS:,}.",
    )


# ─── CSV ─────────────────────────────────────────────────────────────────────────────────


def parse_csv(content: bytes, *, kind: ReportKind | None = None) -> ParsedFile:
    """Read a delimited text report; never raises, every problem is a diagnostic."""
    parsed = ParsedFile(format=Format.CSV)
    too_large = file_too_large(len(content))
    if too_large:
        parsed.diagnostics.append(too_large)
        return parsed
    text, encoding, warnings = decode_text(content)
    parsed.encoding = encoding
    log = DiagnosticLog()
    log.extend(warnings)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        log.kept.append(
            file_error(
                DiagnosticCode.BINARY_CONTENT,
                f"a NUL character at line {line}: this is not a text file.",
            )
        )
        parsed.diagnostics = log.finish()
        return parsed
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_start = re.match(r"(?:[ \t\f\v]*\n)*", text).end()
    if not text[header_start:].strip():
        log.kept.append(file_error(DiagnosticCode.EMPTY_FILE, "the file is empty."))
        parsed.diagnostics = log.finish()
        return parsed
    header_line = text.count("\n", 0, header_start) + 1
    first_end = text.find("\n", header_start)
    first_line = text[header_start : first_end if first_end >= 0 else len(text)]
    counts = {delimiter: _field_count(first_line, delimiter) for delimiter in DELIMITERS}
    widest = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    if counts[widest] > records.MAX_COLUMNS:
        log.kept.append(_too_many_columns(counts[widest], header_line, widest))
        parsed.diagnostics = log.finish()
        return parsed
    sample = text[header_start : header_start + _SNIFF_CHARS]
    complete = header_start + _SNIFF_CHARS >= len(text)
    if not complete and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    delimiter = _sniff_delimiter(sample, complete)
    parsed.delimiter = delimiter
    document = _read_rows(text, delimiter, kind, log, parsed)
    if document is not None:
        parsed.documents.append(document)
    parsed.diagnostics = log.finish()
    return parsed


def _read_rows(
    text: str,
    delimiter: str,
    kind: ReportKind | None,
    log: DiagnosticLog,
    parsed: ParsedFile,
) -> Document | None:
    lines = _Lines(text, delimiter)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    max_chars = records.MAX_FIELD_CHARS
    columns: list[str] | None = None
    blank: dict[str, int] = {}
    header_line = 0
    width = 0
    rows: list[SourceRecord] = []
    record_kind = kind
    previous_end = 0
    last: tuple[int, str, list[str]] | None = None  # the last record read: line, raw, values
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            start = previous_end + 1
            previous_end = reader.line_num
            lines.take_raw()
            if "field limit" in str(error):
                log.add(
                    start,
                    None,
                    DiagnosticCode.FIELD_TOO_LONG,
                    Severity.ERROR,
                    f"a field is longer than {csv.field_size_limit():,} characters (the limit "
                    f"is {max_chars:,}); a quote that is never closed makes a field run on.",
                )
            else:
                log.add(start, None, DiagnosticCode.MALFORMED_CSV, Severity.ERROR, f"{error}.")
            if columns is None:
                log.kept.append(
                    file_error(
                        DiagnosticCode.MALFORMED_CSV, "the header row cannot be read (see above)."
                    )
                )
                return None
            continue
        start = previous_end + 1
        previous_end = reader.line_num
        raw = lines.take_raw()
        # Rejected and blank lines cost time too: a file of millions of them stops here.
        if previous_end > 2 * detect.MAX_RECORDS:
            log.kept.append(
                file_error(
                    DiagnosticCode.TOO_MANY_RECORDS,
                    f"the file has more than {2 * detect.MAX_RECORDS:,} lines; split it by period.",
                )
            )
            return None
        if lines.oversized:
            # Lines blanked out for their field count, reported where they are.
            for number, count in lines.oversized.items():
                if columns is None:
                    log.kept.append(_too_many_columns(count, number, delimiter))
                    return None
                log.add(
                    number,
                    None,
                    DiagnosticCode.WRONG_COLUMN_COUNT,
                    Severity.ERROR,
                    f"the line has {plural(count, 'field')}; the header has {width} (the limit is "
                    f"{records.MAX_COLUMNS:,}).",
                )
            lines.oversized.clear()
            continue
        if not any(value.strip() for value in values):
            continue
        if columns is None:
            header_line = start
            if len(values) > records.MAX_COLUMNS:
                log.kept.append(_too_many_columns(len(values), start, delimiter))
                return None
            longest = max(values, key=len)
            if len(longest) > max_chars:
                log.kept.append(
                    file_error(
                        DiagnosticCode.FIELD_TOO_LONG,
                        f"column {values.index(longest) + 1} of the header (line {start}) has "
                        f"{len(longest):,} characters; the limit is {max_chars:,}.",
                    )
                )
                return None
            columns, blank = _column_names(values, start, log)
            width = len(columns)
            parsed.columns = columns
            if record_kind is None:
                record_kind = guess_kind(columns)
            continue
        last = (start, raw, values)
        if len(values) != width:
            log.add(
                start,
                None,
                DiagnosticCode.WRONG_COLUMN_COUNT,
                Severity.ERROR,
                f"the line has {plural(len(values), 'field')}; the header has {width}.",
            )
            continue
        if max(map(len, values)) > max_chars:
            _report_long_fields(values, columns, start, log)
            continue
        if len(rows) >= detect.MAX_RECORDS:
            log.kept.append(too_many_records())
            return None
        rows.append(
            SourceRecord(
                kind=record_kind,
                location=start,
                columns=dict(zip(columns, values, strict=True)),
                raw=raw,
            )
        )
    if columns is None:
        log.kept.append(file_error(DiagnosticCode.EMPTY_FILE, "the file has no header row."))
        return None
    if last is not None and _ends_inside_quotes(last[1], delimiter):
        start = last[0]
        log.add(
            start,
            None,
            DiagnosticCode.UNTERMINATED_QUOTE,
            Severity.ERROR,
            "a quoted field opened on this line is never closed: the file ends inside it (is "
            "the file truncated?).",
        )
        if rows and rows[-1].location == start:
            rows.pop()
    columns = _drop_unused_blank_columns(columns, blank, rows, header_line, log)
    parsed.columns = columns
    if not rows:
        log.add(
            None,
            None,
            DiagnosticCode.NO_RECORDS,
            Severity.WARNING,
            "the file has a header but no data rows.",
        )
    assert record_kind is not None
    return Document(kind=record_kind, transaction="csv", location=header_line, records=rows)


def _report_long_fields(
    values: list[str], columns: list[str], line: int, log: DiagnosticLog
) -> None:
    limit = records.MAX_FIELD_CHARS
    for name, value in zip(columns, values, strict=True):
        if len(value) > limit:
            hint = (
                "; a quote that is never closed makes a field run on over several lines"
                if "\n" in value
                else ""
            )
            log.add(
                line,
                name,
                DiagnosticCode.FIELD_TOO_LONG,
                Severity.ERROR,
                f"the value has {len(value):,} characters; the limit is {limit:,}{hint}.",
            )


def _ends_inside_quotes(raw: str, delimiter: str) -> bool:
    """Whether the record's text ends inside a quoted field (the file is cut off there)."""
    if '"' not in raw:
        return False
    try:
        for _row in csv.reader(
            io.StringIO(raw + "\n", newline=""), delimiter=delimiter, strict=True
        ):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


# ─── XLSX ────────────────────────────────────────────────────────────────────────────────


def parse_xlsx(
    content: bytes, *, sheet: str | None = None, kind: ReportKind | None = None
) -> ParsedFile:
    """Read the first visible worksheet (or the one named ``sheet``) of an XLSX workbook."""
    parsed = ParsedFile(format=Format.XLSX)
    too_large = file_too_large(len(content))
    if too_large:
        parsed.diagnostics.append(too_large)
        return parsed
    problem = check_xlsx_archive(content)
    if problem is not None:
        parsed.diagnostics.append(problem)
        return parsed
    log = DiagnosticLog()
    rows = _read_sheet(content, sheet, log)
    if rows is not None:
        sheet_name, first_row, values = rows
        document = _sheet_document(sheet_name, first_row, values, kind, log, parsed)
        if document is not None:
            parsed.documents.append(document)
    parsed.diagnostics = log.finish()
    return parsed


def check_xlsx_archive(content: bytes) -> Diagnostic | None:
    """Refuse zip bombs and XML entity declarations before any XML parser sees the parts.

    The archive's directory gives each part's declared size; each part is then decompressed
    in chunks (never more than its declared size: the ``zipfile`` module stops there and
    checks the CRC), counting bytes and looking for ``<!DOCTYPE`` / ``<!ENTITY`` (Office
    never writes them; they are how "billion laughs" and external-entity attacks start).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                return file_error(
                    DiagnosticCode.XLSX_ZIP_BOMB,
                    f"the workbook archive has {len(members):,} parts; the limit is "
                    f"{XLSX_MAX_MEMBERS:,}.",
                )
            total = sum(member.file_size for member in members)
            if total > XLSX_MAX_UNCOMPRESSED_BYTES:
                return file_error(
                    DiagnosticCode.XLSX_ZIP_BOMB,
                    f"the workbook would expand to {total:,} bytes; the limit is "
                    f"{XLSX_MAX_UNCOMPRESSED_BYTES:,} bytes.",
                )
            for member in members:
                if member.flag_bits & 0x1:
                    return file_error(
                        DiagnosticCode.XLSX_ENCRYPTED,
                        "the workbook is password-protected: remove the password and upload "
                        "it again.",
                    )
                ratio_problem = _ratio_problem(member)
                if ratio_problem:
                    return ratio_problem
            for member in members:
                if _XML_PART.search(member.filename):
                    problem = _scan_part(archive, member)
                    if problem:
                        return problem
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        return file_error(
            DiagnosticCode.CORRUPT_XLSX,
            f"the workbook cannot be read ({error}); the file may be truncated or damaged.",
        )
    except NotImplementedError as error:
        return file_error(
            DiagnosticCode.CORRUPT_XLSX,
            f"the workbook uses a compression method that is not supported ({error}).",
        )
    return None


def _ratio_problem(member: zipfile.ZipInfo) -> Diagnostic | None:
    if member.file_size <= _RATIO_FLOOR_BYTES:
        return None
    if member.compress_size == 0 or member.file_size > XLSX_MAX_RATIO * member.compress_size:
        return file_error(
            DiagnosticCode.XLSX_ZIP_BOMB,
            f'the part "{member.filename}" would expand {member.file_size:,} bytes from '
            f"{member.compress_size:,} (more than {XLSX_MAX_RATIO}:1).",
        )
    return None


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Diagnostic | None:
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            # Lower case (ASCII bytes only, so UTF-16 text stays comparable), with the end of
            # the previous chunk in front in case a marker straddles the two.
            window = (tail + chunk).lower()
            for name, markers in _ENTITY_MARKERS.items():
                if any(marker in window for marker in markers):
                    return file_error(
                        DiagnosticCode.XLSX_XML_ENTITIES,
                        f'the part "{member.filename}" has {name}: Excel never writes document '
                        "type or entity declarations, and they can make an XML reader expand "
                        "or fetch data. The workbook is refused.",
                    )
            tail = chunk[-32:]
    return None


def _read_sheet(
    content: bytes, sheet: str | None, log: DiagnosticLog
) -> tuple[str, int, list[list[object]]] | None:
    # Imported here: calamine is a compiled extension only the XLSX path needs.
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = list(workbook.sheet_names)
        if sheet is None:
            visible = [
                meta.name
                for meta in workbook.sheets_metadata
                if meta.visible == python_calamine.SheetVisibleEnum.Visible
                and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if not visible and not names:
                log.kept.append(
                    file_error(DiagnosticCode.EMPTY_SHEET, "the workbook has no worksheet.")
                )
                return None
            name = (visible or names)[0]
        elif sheet in names:
            name = sheet
        else:
            listed = ", ".join(f'"{each}"' for each in names) or "none"
            log.kept.append(
                file_error(
                    DiagnosticCode.UNKNOWN_SHEET,
                    f'the workbook has no sheet named "{sheet}"; its sheets are: {listed}.',
                )
            )
            return None
        worksheet = workbook.get_sheet_by_name(name)
        if worksheet.width > records.MAX_COLUMNS:
            log.kept.append(
                file_error(
                    DiagnosticCode.TOO_MANY_COLUMNS,
                    f'the sheet "{name}" has {worksheet.width:,} columns; the limit is '
                    f"{records.MAX_COLUMNS:,}.",
                )
            )
            return None
        start = worksheet.start
        first_row = (start[0] if start else 0) + 1
        values = worksheet.to_python(skip_empty_area=True)
    except python_calamine.PasswordError:
        log.kept.append(
            file_error(
                DiagnosticCode.XLSX_ENCRYPTED,
                "the workbook is password-protected: remove the password and upload it again.",
            )
        )
        return None
    except BaseException as error:
        # calamine reports broken workbooks with several error types, and a bug in its Rust
        # code surfaces as a PanicException, which derives from BaseException.
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        log.kept.append(
            file_error(
                DiagnosticCode.CORRUPT_XLSX,
                f"the workbook cannot be read: {error or type(error).__name__}.",
            )
        )
        return None
    return name, first_row, values


def _sheet_document(
    sheet_name: str,
    first_row: int,
    values: list[list[object]],
    kind: ReportKind | None,
    log: DiagnosticLog,
    parsed: ParsedFile,
) -> Document | None:
    max_chars = records.MAX_FIELD_CHARS
    header_index = next(
        (index for index, row in enumerate(values) if any(_cell_text(cell) for cell in row)),
        None,
    )
    if header_index is None:
        log.kept.append(
            file_error(DiagnosticCode.EMPTY_SHEET, f'the sheet "{sheet_name}" is empty.')
        )
        return None
    header_line = first_row + header_index
    header = [_cell_text(cell) for cell in values[header_index]]
    longest = max(header, key=len)
    if len(longest) > max_chars:
        log.kept.append(
            file_error(
                DiagnosticCode.FIELD_TOO_LONG,
                f"column {header.index(longest) + 1} of the header (row {header_line}) has "
                f"{len(longest):,} characters; the limit is {max_chars:,}.",
            )
        )
        return None
    columns, blank = _column_names(header, header_line, log)
    record_kind = kind or guess_kind(columns)
    rows: list[SourceRecord] = []
    for offset, row in enumerate(values[header_index + 1 :], start=1):
        cells = [_cell_text(cell) for cell in row]
        if not any(cell.strip() for cell in cells):
            continue
        line = header_line + offset
        if max(map(len, cells)) > max_chars:
            _report_long_fields(cells, columns, line, log)
            continue
        rows.append(
            SourceRecord(
                kind=record_kind,
                location=line,
                columns=dict(zip(columns, cells, strict=True)),
                raw="\t".join(cells),
            )
        )
    columns = _drop_unused_blank_columns(columns, blank, rows, header_line, log)
    parsed.columns = columns
    if not rows:
        log.add(
            None,
            None,
            DiagnosticCode.NO_RECORDS,
            Severity.WARNING,
            f'the sheet "{sheet_name}" has a header but no data rows.',
        )
    return Document(
        kind=record_kind,
        transaction="xlsx",
        location=header_line,
        header={"sheet": sheet_name},
        records=rows,
    )


def _cell_text(value: object) -> str:
    """A cell as text: numbers as Excel shows them at full precision, dates as ISO 8601.

    Excel keeps 15 significant digits, and a double holding 0.1 + 0.2 reads back as
    0.30000000000000004: numbers are rounded to 15 significant digits, then written in plain
    decimal notation without exponent or trailing zeros (5.0 → "5", 1e-05 → "0.00001").
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)


def number_text(value: float) -> str:
    """A spreadsheet number as decimal text with at most 15 significant digits."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    try:
        number = Decimal(f"{value:.15g}")
    except InvalidOperation:
        return ""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
