"""Format readers: bytes in, ``ParsedFile`` out (no Django, no database, no clock).

``parse_file`` detects the format from the content (``detect.detect_format``) and hands the
bytes to the reader for it: ``tabular.parse_csv`` / ``tabular.parse_xlsx``,
``jsonrecords.parse_json``, ``x12.parse_x12``, ``edifact.parse_edifact``. Readers are
imported when first needed, so a file only loads the code its format needs.
"""

from __future__ import annotations

import importlib
from pathlib import PurePath

from midstream.ingest.formats.detect import DiagnosticCode, detect_format
from midstream.ingest.records import Diagnostic, Format, ParsedFile, ReportKind, Severity

# Where each EDI reader lives, and its function.
_EDI_READERS = {
    Format.X12: ("midstream.ingest.formats.x12", "parse_x12"),
    Format.EDIFACT: ("midstream.ingest.formats.edifact", "parse_edifact"),
}
_EXTENSIONS = {
    ".csv": Format.CSV,
    ".tsv": Format.CSV,
    ".txt": Format.CSV,
    ".xlsx": Format.XLSX,
    ".xlsm": Format.XLSX,
    ".xls": Format.XLSX,
    ".zip": Format.XLSX,
    ".json": Format.JSON,
    ".x12": Format.X12,
    ".edi": Format.X12,
    ".edifact": Format.EDIFACT,
}


def parse_file(
    content: bytes,
    *,
    file_name: str | None = None,
    sheet: str | None = None,
    kind: ReportKind | None = None,
) -> ParsedFile:
    """Detect the format of ``content`` and read it; never raises on bad input.

    ``sheet`` names the worksheet of an XLSX file (default: the first visible one); ``kind``
    is the report kind expected from a CSV, XLSX or JSON file (EDI says its own). When the
    format cannot be detected, the result has that file-level error and no documents; its
    ``format`` is then only a guess from the file name (CSV when the name says nothing).
    """
    detected = detect_format(content, file_name)
    if isinstance(detected, Diagnostic):
        return ParsedFile(format=_format_from_name(file_name), diagnostics=[detected])
    if detected is Format.CSV:
        from midstream.ingest.formats.tabular import parse_csv

        parsed = parse_csv(content, kind=kind)
    elif detected is Format.XLSX:
        from midstream.ingest.formats.tabular import parse_xlsx

        return parse_xlsx(content, sheet=sheet, kind=kind)
    elif detected is Format.JSON:
        from midstream.ingest.formats.jsonrecords import parse_json

        parsed = parse_json(content, kind=kind)
    else:
        parsed = _parse_edi(detected, content)
    if sheet is not None:
        parsed.diagnostics.append(
            Diagnostic(
                None,
                None,
                str(DiagnosticCode.SHEET_IGNORED),
                Severity.WARNING,
                f'a sheet ("{sheet}") was named, but this is a {detected.value.upper()} file, '
                "not a workbook; the sheet name is ignored.",
            )
        )
    return parsed


def _parse_edi(detected: Format, content: bytes) -> ParsedFile:
    module_name, function_name = _EDI_READERS[detected]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return ParsedFile(
            format=detected,
            diagnostics=[
                Diagnostic(
                    None,
                    None,
                    str(DiagnosticCode.FORMAT_NOT_AVAILABLE),
                    Severity.ERROR,
                    f"this is an {detected.value.upper()} file, and this installation has no "
                    f"{detected.value.upper()} reader.",
                )
            ],
        )
    return getattr(module, function_name)(content)


def _format_from_name(file_name: str | None) -> Format:
    if not file_name:
        return Format.CSV
    return _EXTENSIONS.get(PurePath(file_name).suffix.lower(), Format.CSV)
