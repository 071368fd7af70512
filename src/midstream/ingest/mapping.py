"""A distributor's mapping profile, and applying it to a parsed file (pure: no Django, no clock).

A ``MappingSpec`` says which of a distributor's columns (tabular, JSON) or which EDI qualifiers
feed which canonical field, how its dates and numbers are written, what its units mean and how
it signs returns. ``apply_mapping`` turns the raw text of ``SourceRecord`` values into typed
``MappedRecord`` values (``date``, ``Decimal``; never ``float``) plus ``Diagnostic`` values with
stable codes (``MappingCode``). An error rejects the line; a warning keeps it.

Number rules (``parse_number``), with the spec's decimal and thousands separators:

- surrounding spaces are ignored; a sign may lead (``-12``, ``+12``) or trail (``12-``), and
  parentheses mean negative (``(12.50)``);
- digits are ASCII only: any other Unicode digit (Arabic-Indic, full-width…) is
  ``non_ascii_digits``, never converted silently;
- ``NaN``, ``Infinity``, ``inf`` are ``not_finite``; exponents (``1E+30``) are
  ``invalid_number``;
- with no thousands separator the text is ``digits[<decimal>digits]``: with decimal ``,``
  the text ``1,234`` is 1.234, and ``1.234`` is rejected (never guessed);
- with a thousands separator, groups after the first are exactly three digits
  (``1,234,567.5``); ``1,23,456`` is rejected; a thousands separator after the decimal one is
  rejected;
- more than 14 integer digits is ``numeric_overflow``; more decimals than the field allows (4 for
  prices and amounts, 3 for quantities) is ``too_many_decimals``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from midstream.ingest.headers import PRODUCT_ID_FIELDS, RESELLER_FIELDS, suggest_mapping
from midstream.ingest.records import (
    INVENTORY_FIELDS,
    SELL_THROUGH_FIELDS,
    Diagnostic,
    Document,
    ParsedFile,
    Party,
    ReportKind,
    Severity,
    SourceRecord,
)


class FormatFamily(StrEnum):
    TABULAR = "tabular"
    X12 = "x12"
    EDIFACT = "edifact"
    JSON = "json"


class ReturnsConvention(StrEnum):
    NEGATIVE_QUANTITY = "negative_quantity"  # a return is a line with a negative quantity
    TRANSACTION_TYPE = "transaction_type"  # a return is a line whose type is a return code
    SEPARATE_COLUMN = "separate_column"  # returned units are in their own column


class MappingCode(StrEnum):
    REQUIRED_FIELD_MISSING = "required_field_missing"
    INVALID_DATE = "invalid_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    INVALID_NUMBER = "invalid_number"
    NOT_FINITE = "not_finite"
    NUMERIC_OVERFLOW = "numeric_overflow"
    TOO_MANY_DECIMALS = "too_many_decimals"
    NON_ASCII_DIGITS = "non_ascii_digits"
    UNKNOWN_UNIT = "unknown_unit"
    NEGATIVE_PRICE = "negative_price"
    NEGATIVE_STOCK = "negative_stock"
    NO_PRODUCT_ID = "no_product_id"


# Code → (severity, meaning). The docs table (docs/mapping.md) lists the same rows.
RULES: dict[MappingCode, tuple[Severity, str]] = {
    MappingCode.REQUIRED_FIELD_MISSING: (Severity.ERROR, "a required field is empty or absent"),
    MappingCode.INVALID_DATE: (Severity.ERROR, "the date does not match the date format"),
    MappingCode.DATE_OUT_OF_RANGE: (
        Severity.ERROR,
        "the date is before 2000-01-01 or more than a year after today",
    ),
    MappingCode.INVALID_NUMBER: (Severity.ERROR, "the text is not a number under the rules"),
    MappingCode.NOT_FINITE: (Severity.ERROR, "NaN or Infinity"),
    MappingCode.NUMERIC_OVERFLOW: (Severity.ERROR, "more than 14 integer digits"),
    MappingCode.TOO_MANY_DECIMALS: (
        Severity.ERROR,
        "more than 4 decimals for a price or amount, 3 for a quantity",
    ),
    MappingCode.NON_ASCII_DIGITS: (Severity.ERROR, "digits other than ASCII 0-9"),
    MappingCode.UNKNOWN_UNIT: (Severity.WARNING, "the unit is not in the unit map"),
    MappingCode.NEGATIVE_PRICE: (Severity.ERROR, "a unit price below zero"),
    MappingCode.NEGATIVE_STOCK: (Severity.WARNING, "an inventory quantity below zero"),
    MappingCode.NO_PRODUCT_ID: (Severity.ERROR, "no product identifier the spec recognises"),
}

PRODUCT_KINDS = ("sku", "gtin", "part_number")
_PRODUCT_FIELD_KIND = {"sku": "sku", "gtin": "gtin", "distributor_part_number": "part_number"}
EXTRA_FIELDS = ("returned_quantity", "reseller_account_number")

MAX_INTEGER_DIGITS = 14
PRICE_DECIMALS = 4
QUANTITY_DECIMALS = 3
EARLIEST_DATE = date(2000, 1, 1)
DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ",", ".", " ")
DEFAULT_UNIT_CODES = frozenset({"EA", "BX", "CS", "PK", "PL"})


def canonical_fields(kind: ReportKind | str) -> tuple[str, ...]:
    """Every canonical field a column may feed for ``kind``."""
    if ReportKind(kind) is ReportKind.INVENTORY:
        return (*INVENTORY_FIELDS, *PRODUCT_ID_FIELDS)
    return (*SELL_THROUGH_FIELDS, *PRODUCT_ID_FIELDS, *RESELLER_FIELDS, *EXTRA_FIELDS)


@dataclass(frozen=True)
class MappingSpec:
    format_family: FormatFamily = FormatFamily.TABULAR
    kind: ReportKind = ReportKind.SELL_THROUGH
    columns: Mapping[str, str] = field(default_factory=dict)  # canonical field -> source column
    product_qualifiers: Mapping[str, str] = field(default_factory=dict)  # EDI qualifier -> kind
    invoice_qualifiers: tuple[str, ...] = ("IV", "DI")
    reseller_roles: tuple[str, ...] = ("BY", "ST")
    end_customer_role: str = "EN"
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    unit_map: Mapping[str, str] = field(default_factory=dict)  # their code -> our code
    default_unit: str = "EA"
    returns_convention: ReturnsConvention = ReturnsConvention.NEGATIVE_QUANTITY
    return_codes: tuple[str, ...] = ("RV", "RB")
    default_currency: str = ""
    required_fields: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "format_family": str(self.format_family),
            "kind": str(self.kind),
            "columns": dict(self.columns),
            "product_qualifiers": dict(self.product_qualifiers),
            "invoice_qualifiers": list(self.invoice_qualifiers),
            "reseller_roles": list(self.reseller_roles),
            "end_customer_role": self.end_customer_role,
            "date_format": self.date_format,
            "decimal_separator": self.decimal_separator,
            "thousands_separator": self.thousands_separator,
            "unit_map": dict(self.unit_map),
            "default_unit": self.default_unit,
            "returns_convention": str(self.returns_convention),
            "return_codes": list(self.return_codes),
            "default_currency": self.default_currency,
            "required_fields": list(self.required_fields),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> MappingSpec:
        """A spec from its JSON form; missing keys take the defaults of its format and kind.

        Raises ``SpecError`` (with field names) for values of the wrong type or choice.
        """
        problems: dict[str, str] = {}
        try:
            family = FormatFamily(data.get("format_family", FormatFamily.TABULAR))
        except ValueError:
            problems["format_family"] = "unknown format family"
            family = FormatFamily.TABULAR
        try:
            kind = ReportKind(data.get("kind", ReportKind.SELL_THROUGH))
        except ValueError:
            problems["kind"] = "unknown report kind"
            kind = ReportKind.SELL_THROUGH
        base = default_spec(family, kind)
        values: dict = {}
        for name in ("columns", "product_qualifiers", "unit_map"):
            if name in data:
                value = data[name]
                if not isinstance(value, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()
                ):
                    problems[name] = "must be an object of text to text"
                else:
                    values[name] = dict(value)
        for name in ("invoice_qualifiers", "reseller_roles", "return_codes", "required_fields"):
            if name in data:
                value = data[name]
                if not isinstance(value, list | tuple) or not all(
                    isinstance(v, str) for v in value
                ):
                    problems[name] = "must be a list of text"
                else:
                    values[name] = tuple(value)
        for name in (
            "end_customer_role",
            "date_format",
            "decimal_separator",
            "thousands_separator",
            "default_unit",
            "default_currency",
        ):
            if name in data:
                if not isinstance(data[name], str):
                    problems[name] = "must be text"
                else:
                    values[name] = data[name]
        if "returns_convention" in data:
            try:
                values["returns_convention"] = ReturnsConvention(data["returns_convention"])
            except ValueError:
                problems["returns_convention"] = "unknown returns convention"
        unknown = set(data) - set(base.to_dict())
        for name in sorted(unknown):
            problems[name] = "unknown setting"
        if problems:
            raise SpecError(problems)
        return replace(base, **values)


class SpecError(ValueError):
    """A spec that cannot be used; ``problems`` maps field names to what is wrong."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


EDI_PRODUCT_QUALIFIERS = {
    "VP": "sku",
    "MG": "sku",
    "SA": "sku",
    "UK": "gtin",
    "UP": "gtin",
    "EN": "gtin",
    "UI": "gtin",
    "SRV": "gtin",
    "BP": "part_number",
    "IN": "part_number",
}
EDI_UNIT_MAP = {"EA": "EA", "PCE": "EA", "PC": "EA", "BX": "BX", "CS": "CS", "CT": "CS"}


def default_spec(format_family: FormatFamily | str, kind: ReportKind | str) -> MappingSpec:
    """The starting spec of a format family and report kind."""
    family = FormatFamily(format_family)
    kind = ReportKind(kind)
    required: tuple[str, ...]
    if kind is ReportKind.INVENTORY:
        required = ("as_of_date",)
    elif family is FormatFamily.EDIFACT:
        required = ("invoice_date", "quantity")  # SLSRPT reports periods, not invoices
    else:
        required = ("invoice_number", "invoice_date", "quantity")
    if family in (FormatFamily.X12, FormatFamily.EDIFACT):
        return MappingSpec(
            format_family=family,
            kind=kind,
            product_qualifiers=dict(EDI_PRODUCT_QUALIFIERS),
            date_format="%Y%m%d",
            unit_map=dict(EDI_UNIT_MAP),
            returns_convention=(
                ReturnsConvention.TRANSACTION_TYPE
                if family is FormatFamily.X12
                else ReturnsConvention.NEGATIVE_QUANTITY
            ),
            required_fields=required,
        )
    if family is FormatFamily.JSON:
        # JSON records use canonical keys, with identifiers and parties as EDI carries them.
        return MappingSpec(
            format_family=family,
            kind=kind,
            product_qualifiers=dict(EDI_PRODUCT_QUALIFIERS),
            unit_map=dict(EDI_UNIT_MAP),
            required_fields=required,
        )
    return MappingSpec(
        format_family=family,
        kind=kind,
        unit_map={"EA": "EA", "PCE": "EA", "BX": "BX"},
        required_fields=required,
    )


def spec_from_suggestion(
    columns: list[str], kind: ReportKind | str, format_family: FormatFamily | str = "tabular"
) -> MappingSpec:
    """The default spec of a tabular (or JSON) file with the columns its header suggests."""
    kind = ReportKind(kind)
    return replace(default_spec(format_family, kind), columns=suggest_mapping(columns, kind))


_STRFTIME_DIRECTIVE = re.compile(r"%(.)")
_ALLOWED_DIRECTIVES = frozenset("dmyYbBHMSjI%pf")


def validate_spec(spec: MappingSpec, *, unit_codes: Iterable[str] = DEFAULT_UNIT_CODES) -> dict:
    """Problems of a spec, by field name (empty when the spec can be used)."""
    problems: dict[str, str] = {}
    allowed = set(canonical_fields(spec.kind))
    for canonical in spec.columns:
        if canonical not in allowed:
            problems[f"columns.{canonical}"] = f"unknown field {canonical!r} for {spec.kind}"
    seen: dict[str, str] = {}
    for canonical, column in spec.columns.items():
        if not column.strip():
            problems[f"columns.{canonical}"] = "empty column name"
        elif column in seen:
            problems[f"columns.{canonical}"] = f"column {column!r} already feeds {seen[column]!r}"
        else:
            seen[column] = canonical
    for required in spec.required_fields:
        if required not in allowed:
            problems["required_fields"] = f"unknown field {required!r}"
    directives = _STRFTIME_DIRECTIVE.findall(spec.date_format)
    if (
        not directives
        or any(d not in _ALLOWED_DIRECTIVES for d in directives)
        or not {"d", "j"} & set(directives)
        or not {"y", "Y"} & set(directives)
    ):
        problems["date_format"] = "a strftime pattern with a day and a year, e.g. %d.%m.%Y"
    if spec.decimal_separator not in DECIMAL_SEPARATORS:
        problems["decimal_separator"] = "'.' or ','"
    if spec.thousands_separator not in THOUSANDS_SEPARATORS:
        problems["thousands_separator"] = "none, ',', '.' or a space"
    elif spec.thousands_separator and spec.thousands_separator == spec.decimal_separator:
        problems["thousands_separator"] = "must differ from the decimal separator"
    codes = set(unit_codes)
    for theirs, ours in spec.unit_map.items():
        if ours not in codes:
            problems[f"unit_map.{theirs}"] = f"unknown unit {ours!r}; one of {sorted(codes)}"
    if spec.default_unit not in codes:
        problems["default_unit"] = f"unknown unit {spec.default_unit!r}"
    for qualifier, kind in spec.product_qualifiers.items():
        if kind not in PRODUCT_KINDS:
            problems[f"product_qualifiers.{qualifier}"] = f"one of {', '.join(PRODUCT_KINDS)}"
    if (
        spec.returns_convention is ReturnsConvention.SEPARATE_COLUMN
        and spec.format_family is FormatFamily.TABULAR
        and "returned_quantity" not in spec.columns
    ):
        problems["returns_convention"] = "name the returned_quantity column"
    if spec.default_currency and not re.fullmatch(r"[A-Z]{3}", spec.default_currency):
        problems["default_currency"] = "an ISO 4217 code such as EUR"
    return problems


# ─── numbers ─────────────────────────────────────────────────────────────────────────────


class NumberError(ValueError):
    def __init__(self, code: MappingCode, message: str):
        super().__init__(message)
        self.code = code


_NOT_FINITE = frozenset({"nan", "snan", "inf", "infinity"})
_SPACES = frozenset(" \u00a0\u202f")


def _has_non_ascii_digit(text: str) -> bool:
    return any(not ("0" <= char <= "9") and unicodedata.category(char) == "Nd" for char in text)


def parse_number(
    text: str,
    *,
    decimal_separator: str = ".",
    thousands_separator: str = "",
    max_decimals: int = PRICE_DECIMALS,
) -> Decimal:
    """A Decimal from text under the module's number rules; ``NumberError`` otherwise."""
    value = text.strip()
    if _has_non_ascii_digit(value):
        raise NumberError(MappingCode.NON_ASCII_DIGITS, f"{text!r} has non-ASCII digits")
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1].strip()
    if value[:1] in "+-" and value:
        negative, value = value[0] == "-" or negative, value[1:].strip()
    elif value.endswith("-") or value.endswith("+"):
        negative, value = value[-1] == "-" or negative, value[:-1].strip()
    if value.lower() in _NOT_FINITE:
        raise NumberError(MappingCode.NOT_FINITE, f"{text!r} is not a finite number")
    if thousands_separator == " ":
        value_parts = value.split(decimal_separator)
        value_parts[0] = "".join(" " if c in _SPACES else c for c in value_parts[0])
        value = decimal_separator.join(value_parts)
    integer, _sep, fraction = value.partition(decimal_separator)
    if _sep and not fraction.isascii():
        raise NumberError(MappingCode.INVALID_NUMBER, f"{text!r} is not a number")
    if _sep and not (fraction.isdigit() and fraction.isascii()):
        raise NumberError(MappingCode.INVALID_NUMBER, f"{text!r} is not a number")
    if thousands_separator and thousands_separator in integer:
        groups = integer.split(thousands_separator)
        if not (
            1 <= len(groups[0]) <= 3
            and all(g.isdigit() and g.isascii() for g in groups)
            and all(len(g) == 3 for g in groups[1:])
        ):
            raise NumberError(
                MappingCode.INVALID_NUMBER,
                f"{text!r}: groups after {thousands_separator!r} must have three digits",
            )
        integer = "".join(groups)
    if not (integer.isdigit() and integer.isascii()):
        raise NumberError(MappingCode.INVALID_NUMBER, f"{text!r} is not a number")
    significant = integer.lstrip("0")
    if len(significant) > MAX_INTEGER_DIGITS:
        raise NumberError(
            MappingCode.NUMERIC_OVERFLOW, f"{text!r} has more than {MAX_INTEGER_DIGITS} digits"
        )
    if len(fraction) > max_decimals:
        raise NumberError(
            MappingCode.TOO_MANY_DECIMALS, f"{text!r} has more than {max_decimals} decimals"
        )
    number = Decimal(f"{integer}.{fraction}" if fraction else integer)
    return -number if negative and number else number


def format_number(number: Decimal, *, decimal_separator: str, thousands_separator: str) -> str:
    """The text a distributor using these separators would write for ``number``."""
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    integer, _sep, fraction = text.partition(".")
    if thousands_separator:
        groups = []
        while len(integer) > 3:
            groups.insert(0, integer[-3:])
            integer = integer[:-3]
        integer = thousands_separator.join([integer, *groups])
    return f"{sign}{integer}{decimal_separator + fraction if fraction else ''}"


def parse_date(text: str, date_format: str) -> date:
    """A date from text with a strftime pattern; ``NumberError`` (date codes) otherwise."""
    value = text.strip()
    if _has_non_ascii_digit(value):
        raise NumberError(MappingCode.NON_ASCII_DIGITS, f"{text!r} has non-ASCII digits")
    try:
        return datetime.strptime(value, date_format).date()
    except ValueError:
        raise NumberError(
            MappingCode.INVALID_DATE, f"{text!r} does not match {date_format!r}"
        ) from None


# ─── applying a spec ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class MappedRecord:
    location: int
    kind: ReportKind
    invoice_number: str = ""
    invoice_line: str = ""
    invoice_date: date | None = None
    transaction_type: str = ""
    is_return: bool = False
    quantity: Decimal | None = None
    unit: str = ""
    # False when the line named no unit and ``unit`` is the spec's default: the resolver then
    # uses the distributor part number's own unit (a part sold by the box of 10), if any.
    unit_reported: bool = False
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    currency: str = ""
    product_candidates: tuple[tuple[str, str], ...] = ()
    product_description: str = ""
    reseller_name: str = ""
    reseller_partner_id: str = ""
    reseller_tax_id: str = ""
    reseller_account_number: str = ""
    reseller_address: str = ""
    reseller_city: str = ""
    reseller_postal_code: str = ""
    reseller_country: str = ""
    end_customer_name: str = ""
    contract_reference: str = ""
    as_of_date: date | None = None
    stock_location: str = ""
    on_hand: Decimal | None = None
    available: Decimal | None = None
    on_order: Decimal | None = None
    in_transit: Decimal | None = None
    committed: Decimal | None = None


@dataclass(frozen=True)
class MappedResult:
    records: tuple[MappedRecord, ...]
    diagnostics: tuple[Diagnostic, ...]
    rejected: tuple[int, ...]  # locations of lines rejected by an error

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)


_STOCK_FIELDS = ("on_hand", "available", "on_order", "in_transit", "committed")


class _Line:
    """One record being mapped: reads raw values, collects diagnostics."""

    def __init__(self, record: SourceRecord, document: Document, spec: MappingSpec, today: date):
        self.record = record
        self.document = document
        self.spec = spec
        self.today = today
        self.diagnostics: list[Diagnostic] = []
        # Spreadsheets name products and resellers in columns; EDI and JSON records carry
        # qualified identifiers and parties.
        self.tabular = spec.format_family is FormatFamily.TABULAR

    def problem(self, name: str, code: MappingCode, message: str) -> None:
        severity = RULES[code][0]
        self.diagnostics.append(Diagnostic(self.record.location, name, code, severity, message))

    def raw(self, name: str) -> str:
        column = self.spec.columns.get(name)
        if column is not None and column in self.record.columns:
            value = self.record.columns[column]
        else:
            value = self.record.fields.get(name, "")
            if not value and not self.tabular:
                value = self.document.header.get(name, "")
        return value.strip()

    def text(self, name: str) -> str:
        value = self.raw(name)
        if not value and name in self.spec.required_fields:
            self.problem(name, MappingCode.REQUIRED_FIELD_MISSING, f"{name} is required")
        return value

    def number(self, name: str, max_decimals: int, *, raw: str | None = None) -> Decimal | None:
        value = self.raw(name) if raw is None else raw
        if not value:
            if name in self.spec.required_fields:
                self.problem(name, MappingCode.REQUIRED_FIELD_MISSING, f"{name} is required")
            return None
        try:
            return parse_number(
                value,
                decimal_separator=self.spec.decimal_separator,
                thousands_separator=self.spec.thousands_separator,
                max_decimals=max_decimals,
            )
        except NumberError as error:
            self.problem(name, error.code, str(error))
            return None

    def date(self, name: str) -> date | None:
        value = self.raw(name)
        if not value:
            if name in self.spec.required_fields:
                self.problem(name, MappingCode.REQUIRED_FIELD_MISSING, f"{name} is required")
            return None
        try:
            parsed = parse_date(value, self.spec.date_format)
        except NumberError as error:
            self.problem(name, error.code, str(error))
            return None
        latest = self.today + timedelta(days=365)
        if not EARLIEST_DATE <= parsed <= latest:
            self.problem(
                name,
                MappingCode.DATE_OUT_OF_RANGE,
                f"{parsed.isoformat()} is outside {EARLIEST_DATE.isoformat()} to "
                f"{latest.isoformat()}",
            )
            return None
        return parsed

    def unit(self) -> str:
        raw = self.raw("unit_of_measure").upper()
        if not raw:
            return self.spec.default_unit
        mapped = self.spec.unit_map.get(raw)
        if mapped is None:
            self.problem(
                "unit_of_measure", MappingCode.UNKNOWN_UNIT, f"unit {raw!r} is not in the unit map"
            )
            return raw
        return mapped

    def products(self) -> tuple[tuple[str, str], ...]:
        candidates: list[tuple[str, str]] = []
        if self.tabular:
            for name in PRODUCT_ID_FIELDS:
                value = self.raw(name)
                if value:
                    candidates.append((_PRODUCT_FIELD_KIND[name], value))
        for qualifier, value in self.record.identifiers.items():
            kind = self.spec.product_qualifiers.get(qualifier)
            if kind and value.strip() and (kind, value.strip()) not in candidates:
                candidates.append((kind, value.strip()))
        if not candidates:
            self.problem("product", MappingCode.NO_PRODUCT_ID, "no recognised product id")
        return tuple(candidates)

    def party(self, roles: Iterable[str]) -> Party | None:
        for role in roles:
            party = self.record.parties.get(role) or self.document.parties.get(role)
            if party is not None:
                return party
        return None


def _reseller(line: _Line) -> dict[str, str]:
    if line.tabular:
        return {
            "reseller_name": line.raw("reseller_name"),
            "reseller_partner_id": line.raw("reseller_id"),
            "reseller_tax_id": line.raw("reseller_tax_id"),
            "reseller_account_number": line.raw("reseller_account_number"),
            "reseller_address": line.raw("reseller_address"),
            "reseller_city": line.raw("reseller_city"),
            "reseller_postal_code": line.raw("reseller_postal_code"),
            "reseller_country": line.raw("reseller_country"),
            "end_customer_name": line.raw("end_customer_name"),
        }
    party = line.party(line.spec.reseller_roles)
    end = line.party((line.spec.end_customer_role,))
    values = {"end_customer_name": end.name if end else ""}
    if party is not None:
        refs = party.references
        values |= {
            "reseller_name": party.name,
            "reseller_partner_id": party.id,
            "reseller_tax_id": refs.get("TX") or refs.get("VA") or "",
            "reseller_account_number": refs.get("IA") or refs.get("IT") or "",
            "reseller_address": party.address,
            "reseller_city": party.city,
            "reseller_postal_code": party.postal_code,
            "reseller_country": party.country,
        }
    return values


def _sale(line: _Line) -> MappedRecord:
    spec = line.spec
    invoice = ""
    if not line.tabular:
        for qualifier in spec.invoice_qualifiers:
            invoice = line.record.fields.get(f"ref_{qualifier}", "").strip()
            if invoice:
                break
    invoice = invoice or line.text("invoice_number")
    transaction_type = line.raw("transaction_type").upper()
    quantity = line.number("quantity", QUANTITY_DECIMALS)
    is_return = False
    if quantity is not None:
        if spec.returns_convention is ReturnsConvention.TRANSACTION_TYPE:
            is_return = transaction_type in spec.return_codes
            quantity = -abs(quantity) if is_return else quantity
        elif spec.returns_convention is ReturnsConvention.SEPARATE_COLUMN:
            returned = line.number("returned_quantity", QUANTITY_DECIMALS)
            if returned is not None:
                quantity -= abs(returned)
        is_return = is_return or quantity < 0
    unit_price = line.number("unit_price", PRICE_DECIMALS)
    if unit_price is not None and unit_price < 0:
        line.problem("unit_price", MappingCode.NEGATIVE_PRICE, f"unit price {unit_price} < 0")
    return MappedRecord(
        location=line.record.location,
        kind=ReportKind.SELL_THROUGH,
        invoice_number=invoice,
        invoice_line=line.raw("line_number"),
        invoice_date=line.date("invoice_date"),
        transaction_type=transaction_type,
        is_return=is_return,
        quantity=quantity,
        unit=line.unit(),
        unit_reported=bool(line.raw("unit_of_measure").strip()),
        unit_price=unit_price,
        amount=line.number("amount", PRICE_DECIMALS),
        currency=(line.raw("currency") or spec.default_currency).upper(),
        product_candidates=line.products(),
        product_description=line.raw("product_description"),
        contract_reference=line.raw("contract_reference"),
        **_reseller(line),
    )


def _inventory(line: _Line) -> MappedRecord:
    stock = {name: line.number(name, QUANTITY_DECIMALS) for name in _STOCK_FIELDS}
    if stock["on_hand"] is None and stock["available"] is None:
        line.problem(
            "on_hand", MappingCode.REQUIRED_FIELD_MISSING, "on_hand or available is required"
        )
    for name, value in stock.items():
        if value is not None and value < 0:
            line.problem(name, MappingCode.NEGATIVE_STOCK, f"{name} {value} < 0")
    return MappedRecord(
        location=line.record.location,
        kind=ReportKind.INVENTORY,
        as_of_date=line.date("as_of_date"),
        stock_location=line.raw("location"),
        unit=line.unit(),
        unit_reported=bool(line.raw("unit_of_measure").strip()),
        product_candidates=line.products(),
        product_description=line.raw("product_description"),
        **stock,
    )


def apply_mapping(parsed: ParsedFile, spec: MappingSpec, *, today: date) -> MappedResult:
    """Typed records of ``parsed`` under ``spec``; a line with an error is left out.

    ``today`` bounds dates (no clock here). Only records of the spec's kind are mapped.
    """
    records: list[MappedRecord] = []
    diagnostics: list[Diagnostic] = []
    rejected: list[int] = []
    for document in parsed.documents:
        for record in document.records:
            if record.kind is not spec.kind:
                continue
            line = _Line(record, document, spec, today)
            mapped = _sale(line) if spec.kind is ReportKind.SELL_THROUGH else _inventory(line)
            diagnostics.extend(line.diagnostics)
            if any(d.severity is Severity.ERROR for d in line.diagnostics):
                rejected.append(record.location)
            else:
                records.append(mapped)
    return MappedResult(tuple(records), tuple(diagnostics), tuple(rejected))
