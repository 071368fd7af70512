"""Typed report lines as Polars frames: the column-wise form of ``mapping.apply_mapping``.

The pipeline works on frames, not on one object per line, so a million-line file is mapped,
resolved and validated in seconds. Two ways in, one shape out (``SALE_SCHEMA`` or
``STOCK_SCHEMA``, plus an issues frame in ``ISSUE_SCHEMA``):

- ``map_tabular``: the raw text columns of a CSV or XLSX file (one string column per source
  column, plus ``_line``) under a tabular ``MappingSpec``. It applies the very same rules as
  ``mapping.apply_mapping`` (the same messages, codes and severities; a test checks the two
  agree line for line): numbers and dates are parsed once per *distinct* text with
  ``mapping.parse_number`` / ``mapping.parse_date``, and plain numbers (``-12.50``) are cast
  by Polars directly, which is where the speed comes from.
- ``records_frame``: the ``MappedRecord`` values ``apply_mapping`` made from an EDI or JSON
  file, whose parties and qualified identifiers are mapped line by line.

Product identifiers travel as one ``candidates`` text: ``kind=value`` pairs joined by
``CANDIDATE_SEP`` in the spec's order, so the resolver sees each distinct list once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import polars as pl

from midstream.ingest.headers import PRODUCT_ID_FIELDS
from midstream.ingest.mapping import (
    _PRODUCT_FIELD_KIND,
    _STOCK_FIELDS,
    EARLIEST_DATE,
    MAX_INTEGER_DIGITS,
    PRICE_DECIMALS,
    QUANTITY_DECIMALS,
    RULES,
    MappedRecord,
    MappingCode,
    MappingSpec,
    NumberError,
    ReturnsConvention,
    parse_date,
    parse_number,
)
from midstream.ingest.records import ReportKind, Severity

LINE = "_line"
CANDIDATE_SEP = "\x1e"
PAIR_SEP = "="

QUANTITY_TYPE = pl.Decimal(38, QUANTITY_DECIMALS)
PRICE_TYPE = pl.Decimal(38, PRICE_DECIMALS)

SALE_SCHEMA: dict[str, pl.DataType] = {
    LINE: pl.Int64,
    "invoice_number": pl.Utf8,
    "invoice_line": pl.Utf8,
    "invoice_date": pl.Date,
    "transaction_type": pl.Utf8,
    "is_return": pl.Boolean,
    "quantity": QUANTITY_TYPE,
    "unit": pl.Utf8,
    "unit_reported": pl.Boolean,
    "unit_price": PRICE_TYPE,
    "amount": PRICE_TYPE,
    "currency": pl.Utf8,
    "candidates": pl.Utf8,
    "product_description": pl.Utf8,
    "contract_reference": pl.Utf8,
    "reseller_name": pl.Utf8,
    "reseller_partner_id": pl.Utf8,
    "reseller_tax_id": pl.Utf8,
    "reseller_account_number": pl.Utf8,
    "reseller_address": pl.Utf8,
    "reseller_city": pl.Utf8,
    "reseller_postal_code": pl.Utf8,
    "reseller_country": pl.Utf8,
    "end_customer_name": pl.Utf8,
}

STOCK_SCHEMA: dict[str, pl.DataType] = {
    LINE: pl.Int64,
    "as_of_date": pl.Date,
    "stock_location": pl.Utf8,
    "unit": pl.Utf8,
    "unit_reported": pl.Boolean,
    "candidates": pl.Utf8,
    "product_description": pl.Utf8,
    **{name: QUANTITY_TYPE for name in _STOCK_FIELDS},
}

ISSUE_SCHEMA: dict[str, pl.DataType] = {
    LINE: pl.Int64,
    "field": pl.Utf8,
    "code": pl.Utf8,
    "severity": pl.Utf8,
    "message": pl.Utf8,
    "value": pl.Utf8,
    "line_count": pl.Int64,
}

# Reseller fields of the typed frame ← the tabular canonical field feeding them.
_RESELLER_SOURCES = {
    "reseller_name": "reseller_name",
    "reseller_partner_id": "reseller_id",
    "reseller_tax_id": "reseller_tax_id",
    "reseller_account_number": "reseller_account_number",
    "reseller_address": "reseller_address",
    "reseller_city": "reseller_city",
    "reseller_postal_code": "reseller_postal_code",
    "reseller_country": "reseller_country",
    "end_customer_name": "end_customer_name",
}


def schema_for(kind: ReportKind) -> dict[str, pl.DataType]:
    return STOCK_SCHEMA if kind is ReportKind.INVENTORY else SALE_SCHEMA


def empty_issues() -> pl.DataFrame:
    return pl.DataFrame(schema=ISSUE_SCHEMA)


def encode_candidates(candidates: Iterable[tuple[str, str]]) -> str:
    return CANDIDATE_SEP.join(f"{kind}{PAIR_SEP}{value}" for kind, value in candidates)


def decode_candidates(text: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    return tuple(tuple(pair.split(PAIR_SEP, 1)) for pair in text.split(CANDIDATE_SEP))


# ─── EDI and JSON: from mapped records ───────────────────────────────────────────────────


def records_frame(records: Sequence[MappedRecord], kind: ReportKind) -> pl.DataFrame:
    """The typed frame of records ``apply_mapping`` produced (EDI, JSON)."""
    schema = schema_for(kind)
    columns: dict[str, list] = {name: [] for name in schema}
    for record in records:
        for name in schema:
            if name == LINE:
                value = record.location
            elif name == "candidates":
                value = encode_candidates(record.product_candidates)
            else:
                value = getattr(record, name)
            columns[name].append(value)
    return pl.DataFrame(
        {
            name: pl.Series(name, values, dtype=_load_type(schema[name]))
            for name, values in columns.items()
        }
    ).with_columns(
        [
            pl.col(name).cast(dtype)
            for name, dtype in schema.items()
            if isinstance(dtype, pl.Decimal)
        ]
    )


def _load_type(dtype: pl.DataType) -> pl.DataType:
    # Python Decimal values load into any decimal type; cast to the exact scale afterwards.
    return pl.Decimal(38, dtype.scale) if isinstance(dtype, pl.Decimal) else dtype


# ─── tabular: column-wise mapping ────────────────────────────────────────────────────────


class _Issues:
    def __init__(self):
        self.frames: list[pl.DataFrame] = []

    def add(
        self, frame: pl.DataFrame, mask: pl.Series, field: str, code: MappingCode, messages
    ) -> None:
        """One issue per line where ``mask`` is true; ``messages`` a Series or a text."""
        if not mask.any():
            return
        severity = str(RULES[code][0])
        rows = frame.select(LINE).filter(mask)
        if isinstance(messages, pl.Series):
            message = messages.filter(mask)
        else:
            message = _filled(None, messages, rows.height, pl.Utf8)
        self.frames.append(
            rows.with_columns(
                pl.lit(field).alias("field"),
                pl.lit(str(code)).alias("code"),
                pl.lit(severity).alias("severity"),
                message.alias("message"),
                pl.lit(None, dtype=pl.Utf8).alias("value"),
                pl.lit(1, dtype=pl.Int64).alias("line_count"),
            )
        )

    def frame(self) -> pl.DataFrame:
        if not self.frames:
            return empty_issues()
        return pl.concat(self.frames, how="vertical").cast(ISSUE_SCHEMA)


def _filled(name: str | None, value, length: int, dtype: pl.DataType) -> pl.Series:
    """A column of one value (built by Polars, not from a Python list)."""
    return pl.repeat(value, length, dtype=dtype, eager=True).alias(name or "")


def _raw(frame: pl.DataFrame, spec: MappingSpec, name: str) -> pl.Series:
    """The stripped text feeding canonical field ``name`` ("" when no column feeds it)."""
    column = spec.columns.get(name)
    if column is not None and column in frame.columns:
        return frame.get_column(column).fill_null("").str.strip_chars().alias(name)
    return _filled(name, "", frame.height, pl.Utf8)


def _plain_number_pattern(spec: MappingSpec, max_decimals: int) -> str:
    separator = "\\." if spec.decimal_separator == "." else ","
    return f"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:{separator}[0-9]{{1,{max_decimals}}})?$"


def _numbers(
    raw: pl.Series,
    spec: MappingSpec,
    max_decimals: int,
    dtype: pl.Decimal,
) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """(value, error code, error message, canonical text) per line; nulls where empty or bad.

    Plain numbers are cast by Polars; every other distinct text goes through
    ``mapping.parse_number`` once, so the rules are exactly the row-wise ones.
    """
    plain = raw.str.contains(_plain_number_pattern(spec, max_decimals))
    plain_text = raw.str.replace(",", ".", literal=True) if spec.decimal_separator == "," else raw
    canonical = _filled(raw.name, None, raw.len(), pl.Utf8)
    canonical = plain_text.zip_with(plain, canonical)
    codes = _filled("code", None, raw.len(), pl.Utf8)
    messages = _filled("message", None, raw.len(), pl.Utf8)
    other = (~plain) & (raw != "")
    if other.any():
        texts: dict[str, str | None] = {}
        errors: dict[str, tuple[str, str]] = {}
        for text in raw.filter(other).unique().to_list():
            try:
                number = parse_number(
                    text,
                    decimal_separator=spec.decimal_separator,
                    thousands_separator=spec.thousands_separator,
                    max_decimals=max_decimals,
                )
            except NumberError as error:
                errors[text] = (str(error.code), str(error))
                texts[text] = None
            else:
                texts[text] = format(number, "f")
        converted = raw.replace_strict(texts, default=None, return_dtype=pl.Utf8)
        canonical = converted.zip_with(other, canonical)
        if errors:
            code_map = {text: code for text, (code, _m) in errors.items()}
            message_map = {text: message for text, (_c, message) in errors.items()}
            codes = raw.replace_strict(code_map, default=None, return_dtype=pl.Utf8)
            messages = raw.replace_strict(message_map, default=None, return_dtype=pl.Utf8)
    values = canonical.cast(dtype)
    return values, codes, messages, canonical


def _dates(
    raw: pl.Series, spec: MappingSpec, today: date
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(date, error code, error message) per line, each distinct text parsed once."""
    latest = today + timedelta(days=365)
    parsed: dict[str, date | None] = {}
    codes: dict[str, str] = {}
    messages: dict[str, str] = {}
    for text in raw.filter(raw != "").unique().to_list():
        try:
            value = parse_date(text, spec.date_format)
        except NumberError as error:
            parsed[text] = None
            codes[text], messages[text] = str(error.code), str(error)
            continue
        if not EARLIEST_DATE <= value <= latest:
            parsed[text] = None
            codes[text] = str(MappingCode.DATE_OUT_OF_RANGE)
            messages[text] = (
                f"{value.isoformat()} is outside {EARLIEST_DATE.isoformat()} to "
                f"{latest.isoformat()}"
            )
        else:
            parsed[text] = value
    return (
        raw.replace_strict(parsed, default=None, return_dtype=pl.Date),
        raw.replace_strict(codes, default=None, return_dtype=pl.Utf8),
        raw.replace_strict(messages, default=None, return_dtype=pl.Utf8),
    )


class _Mapper:
    def __init__(self, frame: pl.DataFrame, spec: MappingSpec, today: date):
        self.frame = frame
        self.spec = spec
        self.today = today
        self.issues = _Issues()
        self.columns: dict[str, pl.Series] = {LINE: frame.get_column(LINE)}

    def raw(self, name: str) -> pl.Series:
        return _raw(self.frame, self.spec, name)

    def required(self, name: str, raw: pl.Series, where: pl.Series | None = None) -> None:
        if name in self.spec.required_fields:
            self.issues.add(
                self.frame,
                raw == "" if where is None else (raw == "") & where,
                name,
                MappingCode.REQUIRED_FIELD_MISSING,
                f"{name} is required",
            )

    def number(
        self, name: str, max_decimals: int, *, where: pl.Series | None = None
    ) -> tuple[pl.Series, pl.Series]:
        """Parsed values; with ``where``, only those lines are read (the others are empty)."""
        raw = self.raw(name)
        self.required(name, raw, where)
        if where is not None:
            raw = raw.zip_with(where, _filled(None, "", raw.len(), pl.Utf8))
        dtype = QUANTITY_TYPE if max_decimals == QUANTITY_DECIMALS else PRICE_TYPE
        values, codes, messages, canonical = _numbers(raw, self.spec, max_decimals, dtype)
        self._coded(name, codes, messages)
        return values.alias(name), canonical

    def date(self, name: str) -> pl.Series:
        raw = self.raw(name)
        self.required(name, raw)
        values, codes, messages = _dates(raw, self.spec, self.today)
        self._coded(name, codes, messages)
        return values.alias(name)

    def _coded(self, name: str, codes: pl.Series, messages: pl.Series) -> None:
        if codes.null_count() == codes.len():
            return
        for code in codes.drop_nulls().unique().to_list():
            mask = (codes == code).fill_null(False)
            self.issues.add(self.frame, mask, name, MappingCode(code), messages)

    def unit(self) -> tuple[pl.Series, pl.Series]:
        raw = self.raw("unit_of_measure").str.to_uppercase()
        reported = raw != ""
        unknown = reported & ~raw.is_in(list(self.spec.unit_map))
        if unknown.any():
            messages = raw.map_elements(
                lambda text: f"unit {text!r} is not in the unit map", return_dtype=pl.Utf8
            )
            self.issues.add(
                self.frame, unknown, "unit_of_measure", MappingCode.UNKNOWN_UNIT, messages
            )
        mapped = raw.replace_strict(dict(self.spec.unit_map), default=raw, return_dtype=pl.Utf8)
        default = _filled("unit", self.spec.default_unit, raw.len(), pl.Utf8)
        return mapped.zip_with(reported, default).alias("unit"), reported.alias("unit_reported")

    def candidates(self) -> pl.Series:
        raw = pl.DataFrame([self.raw(name) for name in PRODUCT_ID_FIELDS])
        pairs = [
            pl.when(pl.col(name) != "")
            .then(pl.lit(_PRODUCT_FIELD_KIND[name] + PAIR_SEP) + pl.col(name))
            .otherwise(None)
            for name in PRODUCT_ID_FIELDS
        ]
        candidates = (
            raw.select(pl.concat_str(pairs, separator=CANDIDATE_SEP, ignore_nulls=True))
            .to_series()
            .fill_null("")
            .alias("candidates")
        )
        self.issues.add(
            self.frame,
            candidates == "",
            "product",
            MappingCode.NO_PRODUCT_ID,
            "no recognised product id",
        )
        return candidates


def map_tabular(
    frame: pl.DataFrame, spec: MappingSpec, *, today: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(typed lines without errors, issues) for raw tabular columns under ``spec``.

    ``frame`` has ``_line`` and one string column per source column (names as in the file).
    """
    mapper = _Mapper(frame, spec, today)
    typed = _map_stock(mapper) if spec.kind is ReportKind.INVENTORY else _map_sales(mapper)
    issues = mapper.issues.frame()
    rejected = issues.filter(pl.col("severity") == str(Severity.ERROR)).get_column(LINE).unique()
    typed = typed.filter(~pl.col(LINE).is_in(rejected.implode()))
    return typed, issues.sort(LINE, maintain_order=True)


def _map_sales(m: _Mapper) -> pl.DataFrame:
    spec = m.spec
    invoice = m.raw("invoice_number")
    m.required("invoice_number", invoice)
    transaction_type = m.raw("transaction_type").str.to_uppercase()
    quantity, _text = m.number("quantity", QUANTITY_DECIMALS)
    is_return = _filled("is_return", False, quantity.len(), pl.Boolean)
    if spec.returns_convention is ReturnsConvention.TRANSACTION_TYPE:
        coded = transaction_type.is_in(list(spec.return_codes)) & quantity.is_not_null()
        quantity = (-quantity.abs()).zip_with(coded, quantity)
        is_return = coded
    elif spec.returns_convention is ReturnsConvention.SEPARATE_COLUMN:
        # Read only where the quantity is (as the line-by-line mapping does).
        returned, _text = m.number(
            "returned_quantity", QUANTITY_DECIMALS, where=quantity.is_not_null()
        )
        has = returned.is_not_null() & quantity.is_not_null()
        quantity = (quantity - returned.abs()).cast(QUANTITY_TYPE).zip_with(has, quantity)
    is_return = (is_return | (quantity < 0)).fill_null(False)
    unit_price, price_text = m.number("unit_price", PRICE_DECIMALS)
    negative = (unit_price < 0).fill_null(False)
    if negative.any():
        m.issues.add(
            m.frame,
            negative,
            "unit_price",
            MappingCode.NEGATIVE_PRICE,
            price_text.map_elements(lambda t: f"unit price {t} < 0", return_dtype=pl.Utf8),
        )
    amount, _text = m.number("amount", PRICE_DECIMALS)
    invoice_date = m.date("invoice_date")
    unit, unit_reported = m.unit()
    currency = m.raw("currency")
    if spec.default_currency:
        currency = currency.replace("", spec.default_currency)
    columns = [
        m.columns[LINE],
        invoice.alias("invoice_number"),
        m.raw("line_number").alias("invoice_line"),
        invoice_date,
        transaction_type.alias("transaction_type"),
        is_return.alias("is_return"),
        quantity.cast(QUANTITY_TYPE).alias("quantity"),
        unit,
        unit_reported,
        unit_price.alias("unit_price"),
        amount.alias("amount"),
        currency.str.to_uppercase().alias("currency"),
        m.candidates(),
        m.raw("product_description").alias("product_description"),
        m.raw("contract_reference").alias("contract_reference"),
        *(m.raw(source).alias(target) for target, source in _RESELLER_SOURCES.items()),
    ]
    return pl.DataFrame(columns).select(list(SALE_SCHEMA)).cast(SALE_SCHEMA)


def _map_stock(m: _Mapper) -> pl.DataFrame:
    stock = {}
    texts = {}
    for name in _STOCK_FIELDS:
        stock[name], texts[name] = m.number(name, QUANTITY_DECIMALS)
    neither = stock["on_hand"].is_null() & stock["available"].is_null()
    m.issues.add(
        m.frame,
        neither,
        "on_hand",
        MappingCode.REQUIRED_FIELD_MISSING,
        "on_hand or available is required",
    )
    for name, values in stock.items():
        negative = (values < 0).fill_null(False)
        if negative.any():
            m.issues.add(
                m.frame,
                negative,
                name,
                MappingCode.NEGATIVE_STOCK,
                texts[name].map_elements(lambda t, n=name: f"{n} {t} < 0", return_dtype=pl.Utf8),
            )
    as_of_date = m.date("as_of_date")
    unit, unit_reported = m.unit()
    columns = [
        m.columns[LINE],
        as_of_date,
        m.raw("location").alias("stock_location"),
        unit,
        unit_reported,
        m.candidates(),
        m.raw("product_description").alias("product_description"),
        *(values.cast(QUANTITY_TYPE).alias(name) for name, values in stock.items()),
    ]
    return pl.DataFrame(columns).select(list(STOCK_SCHEMA)).cast(STOCK_SCHEMA)
