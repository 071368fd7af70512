"""What every format parser produces: source records and diagnostics, before any mapping.

Parsers (``ingest/formats/``) are pure: bytes in, ``ParsedFile`` out, no Django, no database.
They keep values as the text the file holds (the mapping stage turns text into dates,
Decimals and product/reseller ids, with the distributor's mapping profile), and they never
raise on bad input: problems are ``Diagnostic`` values with a location, so a file with a broken
segment still yields its good records.

Canonical field names (the keys of ``SourceRecord.fields``) are listed in ``SELL_THROUGH_FIELDS``
and ``INVENTORY_FIELDS``. Tabular formats (CSV, TSV, XLSX) yield records whose ``columns``
hold the distributor's own column names; the mapping profile names which column feeds which
canonical field. EDI formats yield canonical fields directly, plus ``identifiers`` (every
product id with its qualifier) and ``parties`` (every N1/NAD party by role), because which
qualifier means "vendor part number" or "reseller" is the mapping profile's choice too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    X12 = "x12"
    EDIFACT = "edifact"
    JSON = "json"


class ReportKind(StrEnum):
    SELL_THROUGH = "sell_through"
    INVENTORY = "inventory"


class Severity(StrEnum):
    ERROR = "error"  # the record (or the file, when location is None) is rejected
    WARNING = "warning"  # kept, but worth a look (envelope counts, odd values)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found while reading: where, which field, a stable code, and why.

    ``location`` is the 1-based line number (tabular files; the header is line 1) or segment
    number within the file (EDI, counting every segment of every interchange from 1), or
    ``None`` for the file as a whole.
    """

    location: int | None
    field: str | None
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict:
        return {
            "location": self.location,
            "field": self.field,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }


@dataclass(slots=True)
class Party:
    """A party named in a report (N1 loop in X12, NAD in EDIFACT), by its role code."""

    role: str  # the qualifier as sent: ST, BY, BT, EN, DB, MF… / SU, BY, DP…
    name: str = ""
    id_qualifier: str = ""
    id: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    references: dict[str, str] = field(default_factory=dict)  # REF/RFF qualifier -> value


@dataclass(slots=True)
class SourceRecord:
    """One line of a report as read: a sale (or return, adjustment) or an inventory position."""

    kind: ReportKind
    location: int  # line (tabular) or segment number (EDI) where the record starts
    fields: dict[str, str] = field(default_factory=dict)  # canonical name -> raw text
    columns: dict[str, str] = field(default_factory=dict)  # tabular: header -> raw text
    identifiers: dict[str, str] = field(default_factory=dict)  # product id qualifier -> value
    parties: dict[str, Party] = field(default_factory=dict)  # role -> party
    raw: str = ""  # the source text of the record (segments or the line), for corrections


@dataclass(slots=True)
class Document:
    """One report inside a file: an X12 transaction set, an EDIFACT message, a sheet.

    ``header`` holds document-level values by canonical name (``period_start``,
    ``period_end``, ``report_date``, ``currency``, ``document_number``, ``as_of_date``…).
    """

    kind: ReportKind | None
    transaction: str  # 867, 852, 846, SLSRPT, INVRPT, csv, xlsx, json
    location: int
    sender: str = ""
    receiver: str = ""
    control_number: str = ""
    version: str = ""
    header: dict[str, str] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)
    records: list[SourceRecord] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFile:
    format: Format
    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    columns: list[str] = field(default_factory=list)  # tabular: the header as read
    segment_count: int = 0  # EDI: segments tokenized

    @property
    def records(self) -> list[SourceRecord]:
        return [record for document in self.documents for record in document.records]

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR and d.location is None for d in self.diagnostics)


# Canonical fields of a sell-through record (raw text; the mapping stage types them).
SELL_THROUGH_FIELDS = (
    "transaction_type",  # X12 PTD01 (SS, DS, SD, RV, RB, PA…); EDIFACT: derived from the sign
    "invoice_number",
    "invoice_date",
    "line_number",
    "quantity",
    "unit_of_measure",
    "unit_price",
    "price_basis",  # X12 UIT03 (CT contract, CA catalog, RS resale…); EDIFACT PRI qualifier
    "amount",
    "currency",
    "product_description",
    "contract_reference",  # SPA / contract number
    "report_location",  # EDIFACT LOC (sales location), X12 852 location
    "period_start",
    "period_end",
)

# Canonical fields of an inventory record.
INVENTORY_FIELDS = (
    "as_of_date",
    "location",
    "unit_of_measure",
    "on_hand",
    "available",
    "on_order",
    "in_transit",
    "committed",
    "product_description",
)

# Sizes a parser must refuse rather than try (bad input stays bounded in time and memory).
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 500
MAX_FIELD_CHARS = 10_000
