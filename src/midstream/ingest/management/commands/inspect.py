"""``midstream inspect FILE``: read a report file and show what Midstream makes of it.

Parse only: nothing is written and the database is never opened. Records go to standard
output (JSON lines or CSV) so they can be redirected to a file; the summary (format,
encoding, documents, suggested column mapping) and the diagnostics go to standard error.
"""

from __future__ import annotations

import csv
import json
import re
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from midstream.ingest.formats import parse_file
from midstream.ingest.formats.detect import plural
from midstream.ingest.headers import PRODUCT_ID_FIELDS, RESELLER_FIELDS, suggest_mapping
from midstream.ingest.records import (
    INVENTORY_FIELDS,
    SELL_THROUGH_FIELDS,
    Diagnostic,
    Document,
    Format,
    ParsedFile,
    Party,
    ReportKind,
    Severity,
    SourceRecord,
)

_TABULAR = (Format.CSV, Format.XLSX)
_FIELD_ORDER = {
    name: index
    for index, name in enumerate(
        dict.fromkeys(
            (*SELL_THROUGH_FIELDS, *INVENTORY_FIELDS, *PRODUCT_ID_FIELDS, *RESELLER_FIELDS)
        )
    )
}
_PARTY_ATTRIBUTES = ("name", "id_qualifier", "id", "address", "city", "region")
_PARTY_ATTRIBUTES += ("postal_code", "country")
# Text a spreadsheet would evaluate as a formula, unless it is a plain signed number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

HELP = """\
Read a sell-through or inventory report and show what Midstream reads in it, without
importing anything (the database is not used).

Formats are detected from the content, whatever the file name says: CSV/TSV (comma,
semicolon, tab or bar; UTF-8, UTF-16 or Windows-1252), XLSX, X12 867/852/846, EDIFACT
SLSRPT/INVRPT, JSON records. See docs/formats.md.

Standard error gets the summary: format, encoding and delimiter, the documents (type,
sender, receiver, period), for CSV and XLSX the suggested column mapping (canonical field
<- column, guessed from the header names), and every diagnostic as
  FILE:LOCATION: FIELD: CODE: SEVERITY: MESSAGE
(LOCATION is the line, the record number of a JSON list, the EDI segment number, or "-"
for the file as a whole). Standard output gets the records, one per line (JSON) or one
per row (CSV): canonical fields (for CSV and XLSX after applying the suggested mapping),
product identifiers and parties.

Exit status: 0 when the file can be read (line-level problems may remain: see the
diagnostics), 1 when the file as a whole is rejected, 2 when it cannot be opened."""


class Command(BaseCommand):
    help = HELP
    # Parsing needs neither the system checks nor the database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the report file to read")
        parser.add_argument(
            "--distributor",
            metavar="CODE",
            help="the distributor the file comes from: its current mapping profile for the "
            "file's format and kind (or the defaults, for CSV and XLSX the suggestion from the "
            "header names) types the records, and they are printed typed, with the mapping's "
            "diagnostics. Reads the database (migrations applied), writes nothing",
        )
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=("json", "csv"),
            default="json",
            help="how to print the records: JSON lines (default) or CSV",
        )
        parser.add_argument("--sheet", metavar="NAME", help="XLSX: the sheet to read")
        parser.add_argument(
            "--kind",
            choices=[kind.value for kind in ReportKind],
            help="CSV, XLSX and JSON: the kind of report (default: guessed from the header "
            "or the keys; EDI files say their own kind)",
        )

    def handle(self, *args, file, distributor, output_format, sheet, kind, **options):
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read: {error.strerror}", returncode=2) from None
        report_kind = ReportKind(kind) if kind else None
        parsed = parse_file(content, file_name=path.name, sheet=sheet, kind=report_kind)
        mappings = [_mapping(parsed, document) for document in parsed.documents]
        self._summary(file, len(content), parsed, report_kind, mappings)
        if distributor:
            results = self._map_for(distributor, parsed, mappings)
            self._write_mapped(results, output_format)
            self._diagnostics(file, parsed)
            for _label, result in results:
                for diagnostic in result.diagnostics:
                    self.stderr.write(_diagnostic_line(file, diagnostic))
        else:
            if output_format == "csv":
                self._write_csv(parsed, mappings)
            else:
                self._write_json(parsed, mappings)
            self._diagnostics(file, parsed)
        if parsed.has_errors:
            first = next(
                d for d in parsed.diagnostics if d.location is None and d.severity is Severity.ERROR
            )
            raise CommandError(f"{file}: {first.code}: {first.message}", returncode=1)

    # ─── a distributor's mapping profile ─────────────────────────────────────────────────

    def _map_for(self, code: str, parsed: ParsedFile, mappings: list[dict[str, str]]):
        """Typed records under the distributor's current profiles: one result per kind."""
        from django.utils import timezone

        from midstream.ingest.mapping import (
            MappingSpec,
            apply_mapping,
            default_spec,
            spec_from_suggestion,
        )
        from midstream.ingest.selectors import current_profile
        from midstream.partners.models import Distributor

        distributor = Distributor.objects.unscoped().filter(code__iexact=code).first()
        if distributor is None:
            raise CommandError(f"no distributor with code {code!r}", returncode=2)
        family = _FAMILIES[parsed.format]
        kinds = list(
            dict.fromkeys(record.kind for record in parsed.records)
        )  # 852 files hold both kinds
        results = []
        for kind in kinds:
            profile = current_profile(distributor.pk, str(kind), family)
            if profile is not None:
                spec = MappingSpec.from_dict(profile.spec)
                label = f"profile v{profile.version}"
            elif family == "tabular":
                spec = spec_from_suggestion(parsed.columns, kind)
                label = "no profile: suggested from the header names"
            else:
                spec = default_spec(family, kind)
                label = f"no profile: {family} defaults"
            self.stderr.write(f"distributor: {distributor.code}, {kind}: {label}")
            results.append((label, apply_mapping(parsed, spec, today=timezone.localdate())))
        return results

    def _write_mapped(self, results, output_format: str) -> None:
        rows = [_typed(record) for _label, result in results for record in result.records]
        if output_format == "csv":
            columns = list(dict.fromkeys(key for row in rows for key in row))
            writer = csv.DictWriter(self.stdout, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _safe(value) for key, value in row.items()})
        else:
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))

    # ─── summary ─────────────────────────────────────────────────────────────────────────

    def _summary(
        self,
        file: str,
        size: int,
        parsed: ParsedFile,
        kind: ReportKind | None,
        mappings: list[dict[str, str]],
    ) -> None:
        say = self.stderr.write
        say(f"file: {file} ({size:,} bytes)")
        say(f"format: {parsed.format}")
        if parsed.encoding:
            say(f"encoding: {parsed.encoding}")
        if parsed.delimiter:
            say(f"delimiter: {_delimiter(parsed.delimiter)}")
        if parsed.segment_count:
            say(f"segments: {parsed.segment_count:,}")
        if parsed.columns:
            say(f"columns ({len(parsed.columns)}): {', '.join(parsed.columns)}")
        say(f"documents: {len(parsed.documents)}")
        for number, (document, mapping) in enumerate(
            zip(parsed.documents, mappings, strict=True), start=1
        ):
            self._document(number, document, parsed.format, kind, mapping, parsed.columns)

    def _document(
        self,
        number: int,
        document: Document,
        file_format: Format,
        kind: ReportKind | None,
        mapping: dict[str, str],
        columns: list[str],
    ) -> None:
        say = self.stderr.write
        kind_text = str(document.kind) if document.kind else "-"
        if document.kind and kind is None and file_format in _TABULAR:
            kind_text += " (guessed from the header; --kind to choose)"
        unit = "segment" if file_format in (Format.X12, Format.EDIFACT) else "line"
        if file_format is Format.JSON:
            unit = "record"
        say(
            f"  {number}. {document.transaction}: {kind_text}, at {unit} {document.location}, "
            f"{plural(len(document.records), 'record')}"
        )
        details = []
        for label, value in (
            ("sender", document.sender),
            ("receiver", document.receiver),
            ("control number", document.control_number),
            ("version", document.version),
        ):
            if value:
                details.append(f"{label} {value}")
        start, end = document.header.get("period_start"), document.header.get("period_end")
        if start or end:
            details.append(f"period {start or '?'} to {end or '?'}")
        if details:
            say(f"     {', '.join(details)}")
        other = {
            key: value
            for key, value in document.header.items()
            if key not in ("period_start", "period_end")
        }
        if other:
            say(f"     header: {', '.join(f'{key}={value}' for key, value in other.items())}")
        for party in document.parties.values():
            say(f"     party {_party_text(party)}")
        if file_format in _TABULAR:
            say(f"     suggested mapping ({document.kind}):")
            width = max((len(field) for field in mapping), default=0)
            for field, column in mapping.items():
                say(f"       {field.ljust(width)} <- {column}")
            if not mapping:
                say("       (no column name was recognised)")
            unmapped = [column for column in columns if column not in mapping.values()]
            if unmapped:
                say(f"       not mapped: {', '.join(unmapped)}")

    def _diagnostics(self, file: str, parsed: ParsedFile) -> None:
        say = self.stderr.write
        say(f"diagnostics: {len(parsed.diagnostics)}")
        for diagnostic in parsed.diagnostics:
            say(_diagnostic_line(file, diagnostic))

    # ─── records ─────────────────────────────────────────────────────────────────────────

    def _write_json(self, parsed: ParsedFile, mappings: list[dict[str, str]]) -> None:
        for number, record in _records(parsed, mappings):
            self.stdout.write(json.dumps({"document": number, **record}, ensure_ascii=False))

    def _write_csv(self, parsed: ParsedFile, mappings: list[dict[str, str]]) -> None:
        rows = [_flat(number, record) for number, record in _records(parsed, mappings)]
        header = ["document", "source_location", "kind"]
        extra: dict[str, None] = {}
        for row in rows:
            extra.update(dict.fromkeys(key for key in row if key not in header))
        header += sorted(extra, key=_column_sort_key)
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_safe(row.get(column, "")) for column in header])


def _mapping(parsed: ParsedFile, document: Document) -> dict[str, str]:
    if parsed.format not in _TABULAR:
        return {}
    kind = document.kind or ReportKind.SELL_THROUGH
    return suggest_mapping(parsed.columns, kind)


def _records(parsed: ParsedFile, mappings: list[dict[str, str]]):
    for number, (document, mapping) in enumerate(
        zip(parsed.documents, mappings, strict=True), start=1
    ):
        for record in document.records:
            yield number, _normalised(record, mapping)


def _normalised(record: SourceRecord, mapping: dict[str, str]) -> dict:
    fields = dict(record.fields)
    for field, column in mapping.items():
        value = record.columns.get(column, "")
        if value.strip():
            fields[field] = value
    fields = dict(sorted(fields.items(), key=lambda item: _FIELD_ORDER.get(item[0], 999)))
    return {
        "location": record.location,
        "kind": str(record.kind),
        "fields": fields,
        "identifiers": dict(record.identifiers),
        "parties": {role: _party_dict(party) for role, party in record.parties.items()},
    }


def _party_dict(party: Party) -> dict:
    values = {name: getattr(party, name) for name in _PARTY_ATTRIBUTES if getattr(party, name)}
    if party.references:
        values["references"] = dict(party.references)
    return values


def _party_text(party: Party) -> str:
    values = _party_dict(party)
    references = values.pop("references", {})
    text = ", ".join(f"{key} {value}" for key, value in values.items())
    if references:
        text += ", references " + ", ".join(f"{k}={v}" for k, v in references.items())
    return f"{party.role}: {text}"


def _flat(number: int, record: dict) -> dict[str, object]:
    # "source_location", not "location": inventory records have a "location" field.
    row: dict[str, object] = {
        "document": number,
        "source_location": record["location"],
        "kind": record["kind"],
    }
    row.update(record["fields"])
    for qualifier, value in record["identifiers"].items():
        row[f"identifier.{qualifier}"] = value
    for role, values in record["parties"].items():
        for name, value in values.items():
            if name == "references":
                for qualifier, reference in value.items():
                    row[f"party.{role}.reference.{qualifier}"] = reference
            else:
                row[f"party.{role}.{name}"] = value
    return row


def _column_sort_key(column: str) -> tuple[int, int, str]:
    if column.startswith("identifier."):
        return (2, 0, column)
    if column.startswith("party."):
        return (3, 0, column)
    return (1, _FIELD_ORDER.get(column, 999), column)


def _safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (not numbers)."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _SIGNED_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def _delimiter(delimiter: str) -> str:
    names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
    return f"{names[delimiter]} ({delimiter!r})" if delimiter in names else repr(delimiter)


def _diagnostic_line(file: str, diagnostic: Diagnostic) -> str:
    location = diagnostic.location if diagnostic.location is not None else "-"
    return (
        f"{file}:{location}: {diagnostic.field or '-'}: {diagnostic.code}: "
        f"{diagnostic.severity}: {diagnostic.message}"
    )


_FAMILIES = {
    "csv": "tabular",
    "xlsx": "tabular",
    "x12": "x12",
    "edifact": "edifact",
    "json": "json",
}


def _typed(record) -> dict[str, object]:
    """A mapped record as JSON-safe values: Decimals and dates as their exact text."""
    row: dict[str, object] = {}
    for name in record.__dataclass_fields__:
        value = getattr(record, name)
        if value in (None, "", ()):
            continue
        if name == "product_candidates":
            value = [f"{kind}:{text}" for kind, text in value]
        elif not isinstance(value, bool | int | list):
            value = str(value)
        row[name] = value
    return row
