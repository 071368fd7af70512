"""Sell-in file stages: read ▶ syntax ▶ semantics ▶ pragmatics (commit is in ``services``).

Issue 2, point 6. Every stage is a function over a Polars ``DataFrame`` that works
column-wise and returns problems as data (``core.errors.Problem``: file line, field, code,
message), collected rather than raised at the first bad row, so one pass over a file tells
the user everything that is wrong with it.

* ``read_sellin_file``: bytes → one string column per known field plus ``_line`` (the line
  of the file each row starts on; the header is line 1). Raises ``InputRejected`` when the
  file cannot be read at all (encoding, header, ragged rows).
* ``check_syntax``: required values, dates, line numbers, decimals (never through float:
  regular expressions on the text, then ``Decimal`` once per distinct value), currencies,
  lengths; adds the parsed columns and the net amount.
* ``check_semantics``: distributor codes and SKUs exist (looked up in dicts loaded once),
  no invoice line twice in the file.
* ``check_pragmatics``: against the lines already stored, which lines are new, which are
  already present with the same values, and which conflict.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from midstream.core.errors import InputRejected, Problem
from midstream.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, CURRENCY_MINOR_UNITS
from midstream.core.money import quantize as quantize_amount
from midstream.sales.errors import ErrorCode

LINE = "_line"
VALID = "_valid"

# The file's columns, in the order problems are reported within a line.
FIELDS = (
    "invoice_number",
    "line",
    "invoice_date",
    "distributor_code",
    "sku",
    "quantity",
    "unit_net_price",
    "currency",
    "ship_to_warehouse",
)
REQUIRED_FIELDS = FIELDS[:-1]
_FIELD_ORDER = {name: index for index, name in enumerate((*FIELDS, "net_amount"))}

# Header names accepted for each field, compared after lower-casing and turning spaces and
# dashes into underscores ("Invoice Number" → "invoice_number").
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "invoice_number": ("invoice_number", "invoice", "invoice_no", "invoice_id"),
    "line": ("line", "line_number", "line_no", "invoice_line"),
    "invoice_date": ("invoice_date", "date"),
    "distributor_code": ("distributor_code", "distributor"),
    "sku": ("sku", "product_sku", "product"),
    "quantity": ("quantity", "qty"),
    "unit_net_price": ("unit_net_price", "net_unit_price", "unit_price", "net_price", "price"),
    "currency": ("currency", "currency_code"),
    "ship_to_warehouse": ("ship_to_warehouse", "warehouse", "ship_to"),
}
_HEADER_LOOKUP = {alias: field for field, aliases in HEADER_SYNONYMS.items() for alias in aliases}

MAX_LENGTHS = {"invoice_number": 40, "distributor_code": 32, "sku": 40, "ship_to_warehouse": 60}
MAX_LINE_NUMBER = 2_147_483_647
# (max_digits, decimal_places, negative allowed) as in SellInLine: a negative quantity is a
# credit (returned goods); a price is never negative.
QUANTITY_FORMAT = (14, 3, True)
PRICE_FORMAT = (18, 4, False)
_AMOUNT_LIMIT = Decimal(10) ** (AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES)

_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_EXPONENT = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$"
_NOT_FINITE = r"^[+-]?(nan|snan|qnan|inf|infinity)$"
_NON_ASCII = r"[^\x00-\x7F]"
_BOM = b"\xef\xbb\xbf"


def normalize_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def canonical_decimal(value: Decimal) -> str:
    """One spelling per number ("1.50", "+1.5" and "1.500" → "1.5"), for comparisons."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


# ─── read ────────────────────────────────────────────────────────────────────────────────


def read_sellin_file(content: bytes) -> pl.DataFrame:
    """The file's rows as strings: ``_line`` plus one column per field in ``FIELDS``.

    UTF-8 with or without a byte-order mark. Values are stripped; empty values are null;
    blank lines are skipped. Columns the importer does not know are ignored.
    """
    if content.startswith(_BOM):
        content = content[len(_BOM) :]
    if not content.strip():
        raise InputRejected([Problem(1, None, ErrorCode.EMPTY_FILE, "The file is empty.")])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise InputRejected(
            [
                Problem(
                    line,
                    None,
                    ErrorCode.NOT_UTF8,
                    f"byte 0x{content[error.start]:02x} is not UTF-8; save the file as UTF-8.",
                )
            ]
        ) from None
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    columns = _map_header(header)
    raw = _read_fast(content, text, len(header))
    if raw is None:
        raw = _read_slow(text, len(header))
    positions = {field: index for index, field in columns.items()}
    raw_names = [name for name in raw.columns if name != LINE]
    # A row is blank when every one of its cells is empty or whitespace.
    blank = pl.all_horizontal(
        [pl.col(name).str.strip_chars().fill_null("") == "" for name in raw_names]
    )
    selected = [pl.col(LINE).cast(pl.Int64)]
    for field in FIELDS:
        if field in positions:
            value = pl.col(raw_names[positions[field]]).str.strip_chars()
            selected.append(pl.when(value == "").then(None).otherwise(value).alias(field))
        else:
            selected.append(pl.lit(None, dtype=pl.String).alias(field))
    frame = raw.filter(~blank).select(selected)
    if frame.height == 0:
        raise InputRejected(
            [Problem(2, None, ErrorCode.NO_DATA, "The file has a header but no invoice lines.")]
        )
    return frame


def _map_header(header: list[str]) -> dict[int, str]:
    """Column position → field. Raises ``InputRejected`` for missing or doubled fields."""
    problems = []
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, name in enumerate(header):
        field = _HEADER_LOOKUP.get(normalize_header(name))
        if field is None:
            continue
        if field in seen:
            problems.append(
                Problem(
                    1,
                    field,
                    ErrorCode.DUPLICATE_COLUMN,
                    f'columns "{seen[field]}" and "{name.strip()}" both mean {field}.',
                )
            )
            continue
        seen[field] = name.strip()
        columns[index] = field
    for field in REQUIRED_FIELDS:
        if field not in seen:
            accepted = ", ".join(HEADER_SYNONYMS[field])
            problems.append(
                Problem(
                    1,
                    field,
                    ErrorCode.MISSING_COLUMN,
                    f"the header has no {field} column (accepted names: {accepted}).",
                )
            )
    if problems:
        raise InputRejected(problems)
    return columns


def _column_names(width: int) -> list[str]:
    return [f"column_{index}" for index in range(width)]


def _read_fast(content: bytes, text: str, width: int) -> pl.DataFrame | None:
    """Polars' reader, when each row is one physical line (no quoted line breaks)."""
    try:
        raw = pl.read_csv(
            io.BytesIO(content),
            infer_schema=False,
            has_header=True,
            new_columns=_column_names(width),
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.ShapeError):
        return None
    physical_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if raw.width != width or raw.height + 1 != physical_lines:
        return None
    return raw.with_row_index(LINE, offset=2)


def _read_slow(text: str, width: int) -> pl.DataFrame:
    """Python's csv reader: exact line numbers with quoted line breaks, and ragged rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    rows: list[list[str | None]] = []
    lines: list[int] = []
    try:
        next(reader)
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record:
                continue
            if len(record) > width:
                problems.append(
                    Problem(
                        start,
                        None,
                        ErrorCode.TOO_MANY_FIELDS,
                        f"the line has {len(record)} fields; the header has {width}.",
                    )
                )
                continue
            rows.append(record + [None] * (width - len(record)))
            lines.append(start)
    except csv.Error as error:
        problems.append(Problem(reader.line_num, None, ErrorCode.MALFORMED_CSV, f"{error}."))
    if problems:
        raise InputRejected(problems)
    names = _column_names(width)
    columns = {name: [row[index] for row in rows] for index, name in enumerate(names)}
    columns[LINE] = lines
    schema = dict.fromkeys(names, pl.String) | {LINE: pl.Int64}
    return pl.DataFrame(columns, schema=schema)


# ─── syntax ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Rule:
    condition: pl.Expr
    code: str
    message: pl.Expr


def _quoted(field: str) -> pl.Expr:
    return pl.col(field).str.slice(0, 40)


def _text_rules(field: str) -> list[_Rule]:
    rules = []
    if field in REQUIRED_FIELDS:
        rules.append(_Rule(pl.col(field).is_null(), ErrorCode.REQUIRED, pl.lit("is required.")))
    if field in MAX_LENGTHS:
        limit = MAX_LENGTHS[field]
        rules.append(
            _Rule(
                pl.col(field).str.len_chars() > limit,
                ErrorCode.TOO_LONG,
                pl.format(f'"{{}}…" is longer than {limit} characters.', _quoted(field)),
            )
        )
    return rules


def _decimal_rules(field: str, number_format: tuple[int, int, bool]) -> list[_Rule]:
    max_digits, places, allow_negative = number_format
    value = pl.col(field)
    decimals = value.str.extract(r"\.([0-9]*?)0*$", 1).str.len_chars().fill_null(0)
    integer_digits = value.str.extract(r"^[+-]?0*([0-9]*)", 1).str.len_chars()
    rules = [
        _Rule(value.is_null(), ErrorCode.REQUIRED, pl.lit("is required.")),
        _Rule(
            value.str.contains(_NON_ASCII),
            ErrorCode.NON_ASCII,
            pl.format('"{}" must be written with the ASCII digits 0-9.', _quoted(field)),
        ),
        _Rule(
            value.str.to_lowercase().str.contains(_NOT_FINITE),
            ErrorCode.NOT_FINITE,
            pl.format('"{}" is not a finite number.', _quoted(field)),
        ),
        _Rule(
            value.str.contains(_EXPONENT),
            ErrorCode.EXPONENT,
            pl.format('"{}" uses an exponent; write the number out in full.', _quoted(field)),
        ),
        _Rule(
            ~value.str.contains(_NUMBER),
            ErrorCode.NOT_A_NUMBER,
            pl.format(
                '"{}" is not a number (digits, an optional sign and a decimal point).',
                _quoted(field),
            ),
        ),
        _Rule(
            decimals > places,
            ErrorCode.TOO_MANY_DECIMALS,
            pl.format(f'"{{}}" has more than {places} decimal places.', _quoted(field)),
        ),
        _Rule(
            integer_digits > max_digits - places,
            ErrorCode.TOO_LARGE,
            pl.format(
                f'"{{}}" is too large (at most {max_digits - places} digits before the point).',
                _quoted(field),
            ),
        ),
    ]
    if not allow_negative:
        rules.append(
            _Rule(
                value.str.starts_with("-") & value.str.contains(r"[1-9]"),
                ErrorCode.NEGATIVE,
                pl.format('"{}" must not be negative.', _quoted(field)),
            )
        )
    return rules


def _line_rules() -> list[_Rule]:
    value = pl.col("line")
    return [
        _Rule(value.is_null(), ErrorCode.REQUIRED, pl.lit("is required.")),
        _Rule(
            value.str.contains(_NON_ASCII),
            ErrorCode.NON_ASCII,
            pl.format('"{}" must be written with the ASCII digits 0-9.', _quoted("line")),
        ),
        _Rule(
            ~value.str.contains(r"^[0-9]+$"),
            ErrorCode.NOT_AN_INTEGER,
            pl.format('"{}" is not a whole number.', _quoted("line")),
        ),
        _Rule(
            (value.str.len_chars() > 10)
            | (value.cast(pl.Int64, strict=False) > MAX_LINE_NUMBER)
            | (value.cast(pl.Int64, strict=False) < 1),
            ErrorCode.OUT_OF_RANGE,
            pl.format(f'"{{}}" is not between 1 and {MAX_LINE_NUMBER}.', _quoted("line")),
        ),
    ]


def _date_rules() -> list[_Rule]:
    value = pl.col("invoice_date")
    parsed = value.str.to_date("%Y-%m-%d", strict=False)
    return [
        _Rule(value.is_null(), ErrorCode.REQUIRED, pl.lit("is required.")),
        _Rule(
            ~value.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$") | parsed.is_null(),
            ErrorCode.INVALID_DATE,
            pl.format('"{}" is not a date written YYYY-MM-DD.', _quoted("invoice_date")),
        ),
    ]


def _currency_rules() -> list[_Rule]:
    value = pl.col("currency")
    return [
        _Rule(value.is_null(), ErrorCode.REQUIRED, pl.lit("is required.")),
        _Rule(
            ~value.str.to_uppercase().is_in(sorted(CURRENCY_MINOR_UNITS)),
            ErrorCode.UNKNOWN_CURRENCY,
            pl.format('"{}" is not a known ISO 4217 currency code.', _quoted("currency")),
        ),
    ]


def _syntax_rules() -> dict[str, list[_Rule]]:
    return {
        "invoice_number": _text_rules("invoice_number"),
        "line": _line_rules(),
        "invoice_date": _date_rules(),
        "distributor_code": _text_rules("distributor_code"),
        "sku": _text_rules("sku"),
        "quantity": _decimal_rules("quantity", QUANTITY_FORMAT),
        "unit_net_price": _decimal_rules("unit_net_price", PRICE_FORMAT),
        "currency": _currency_rules(),
        "ship_to_warehouse": _text_rules("ship_to_warehouse"),
    }


def _failure_code(rules: list[_Rule]) -> pl.Expr:
    """The code of the first rule a value breaks (null when it breaks none)."""
    code = pl.when(rules[0].condition).then(pl.lit(str(rules[0].code)))
    for rule in rules[1:]:
        code = code.when(rule.condition).then(pl.lit(str(rule.code)))
    return code.otherwise(pl.lit(None, dtype=pl.String))


def _failure_message(code: pl.Expr, rules: list[_Rule]) -> pl.Expr:
    """The message for ``code``: evaluated on the failing rows only, so it costs little."""
    message = pl.when(code == str(rules[0].code)).then(rules[0].message)
    for rule in rules[1:]:
        message = message.when(code == str(rule.code)).then(rule.message)
    return message.otherwise(pl.lit(None, dtype=pl.String))


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.line or 0, _FIELD_ORDER.get(p.field or "", -1), p.code, p.message),
    )


def check_syntax(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Check every value's form; return the parsed frame and the problems.

    Parsed columns replace the text ones: ``line_number`` (Int64), ``invoice_date`` (Date),
    ``quantity`` / ``unit_net_price`` / ``net_amount`` (canonical decimal text),
    ``currency`` and ``distributor_code`` upper-cased. A value that failed its check is null
    in the parsed frame; ``_valid`` is true for rows without any problem.
    """
    rules = _syntax_rules()
    checked = frame.with_columns(
        [_failure_code(field_rules).alias(f"{field}__code") for field, field_rules in rules.items()]
    )
    failing = checked.filter(
        pl.any_horizontal([pl.col(f"{field}__code").is_not_null() for field in rules])
    )
    problems: list[Problem] = []
    for field, field_rules in rules.items():
        code = pl.col(f"{field}__code")
        found = failing.filter(code.is_not_null()).select(
            LINE, code, _failure_message(code, field_rules).alias("message")
        )
        problems += [Problem(line, field, code_, text) for line, code_, text in found.iter_rows()]

    def valid(field: str) -> pl.Expr:
        return pl.col(f"{field}__code").is_null()

    parsed = checked.select(
        LINE,
        pl.when(valid("invoice_number")).then(pl.col("invoice_number")).alias("invoice_number"),
        pl.when(valid("line"))
        .then(pl.col("line").cast(pl.Int64, strict=False))
        .alias("line_number"),
        pl.when(valid("invoice_date"))
        .then(pl.col("invoice_date").str.to_date("%Y-%m-%d", strict=False))
        .alias("invoice_date"),
        pl.when(valid("distributor_code"))
        .then(pl.col("distributor_code").str.to_uppercase())
        .alias("distributor_code"),
        pl.when(valid("sku")).then(pl.col("sku")).alias("sku"),
        pl.when(valid("quantity")).then(pl.col("quantity")).alias("quantity"),
        pl.when(valid("unit_net_price")).then(pl.col("unit_net_price")).alias("unit_net_price"),
        pl.when(valid("currency")).then(pl.col("currency").str.to_uppercase()).alias("currency"),
        pl.when(valid("ship_to_warehouse"))
        .then(pl.col("ship_to_warehouse").fill_null(""))
        .alias("ship_to_warehouse"),
        pl.all_horizontal([valid(field) for field in rules]).alias(VALID),
    )
    parsed = _canonical_decimals(parsed, ["quantity", "unit_net_price"])
    parsed, amount_problems = _net_amounts(parsed)
    return parsed, sort_problems(problems + amount_problems)


def _canonical_decimals(frame: pl.DataFrame, fields: list[str]) -> pl.DataFrame:
    """Replace each checked decimal text by its canonical spelling, one Decimal per value."""
    replaced = []
    for field in fields:
        distinct = frame.get_column(field).drop_nulls().unique().to_list()
        mapping = {text: canonical_decimal(Decimal(text)) for text in distinct}
        if mapping:
            expression = pl.col(field).replace_strict(mapping, return_dtype=pl.String)
        else:
            expression = pl.col(field)
        replaced.append(expression.alias(field))
    return frame.with_columns(replaced)


def _net_amounts(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """net_amount = quantity times unit_net_price, half-up to the currency's minor unit.

    Computed with ``Decimal`` once per distinct (quantity, price, currency).
    """
    keys = ["quantity", "unit_net_price", "currency"]
    distinct = frame.select(keys).drop_nulls().unique()
    amounts: list[str | None] = []
    for quantity, price, currency in distinct.iter_rows():
        amount = quantize_amount(Decimal(quantity) * Decimal(price), currency)
        amounts.append(None if abs(amount) >= _AMOUNT_LIMIT else format(amount, "f"))
    table = distinct.with_columns(pl.Series("net_amount", amounts, dtype=pl.String))
    joined = frame.join(table, on=keys, how="left", nulls_equal=False)
    too_large = (
        pl.all_horizontal([pl.col(key).is_not_null() for key in keys])
        & pl.col("net_amount").is_null()
    )
    problems = [
        Problem(
            line,
            "net_amount",
            ErrorCode.AMOUNT_TOO_LARGE,
            f"quantity {quantity} times unit_net_price {price} is too large for an amount "
            f"(at most {AMOUNT_MAX_DIGITS - AMOUNT_DECIMAL_PLACES} digits before the point).",
        )
        for line, quantity, price in joined.filter(too_large)
        .select(LINE, "quantity", "unit_net_price")
        .iter_rows()
    ]
    return joined.with_columns((pl.col(VALID) & ~too_large).alias(VALID)), problems


# ─── semantics ───────────────────────────────────────────────────────────────────────────

KEY = ["distributor_code", "invoice_number", "line_number"]


def check_semantics(
    frame: pl.DataFrame, *, distributor_ids: Mapping[str, int], product_ids: Mapping[str, int]
) -> tuple[pl.DataFrame, list[Problem]]:
    """Resolve distributor codes and SKUs; refuse unknown ones and lines given twice.

    ``distributor_ids`` maps upper-case distributor codes to ids, ``product_ids`` SKUs to
    ids: the reference data, loaded once by the caller. Adds ``distributor_id`` and
    ``product_id``.
    """

    def resolve(field: str, mapping: Mapping[str, int]) -> pl.Expr:
        if not mapping:
            return pl.lit(None, dtype=pl.Int64)
        return pl.col(field).replace_strict(dict(mapping), default=None, return_dtype=pl.Int64)

    first_line = pl.col(LINE).min().over(KEY)
    complete_key = pl.all_horizontal([pl.col(name).is_not_null() for name in KEY])
    resolved = frame.with_columns(
        resolve("distributor_code", distributor_ids).alias("distributor_id"),
        resolve("sku", product_ids).alias("product_id"),
        pl.when(complete_key).then(first_line).alias("_first_line"),
    )
    unknown_distributor = (
        pl.col("distributor_code").is_not_null() & pl.col("distributor_id").is_null()
    )
    unknown_sku = pl.col("sku").is_not_null() & pl.col("product_id").is_null()
    duplicate = pl.col("_first_line").is_not_null() & (pl.col(LINE) != pl.col("_first_line"))
    problems = [
        Problem(
            line,
            "distributor_code",
            ErrorCode.UNKNOWN_DISTRIBUTOR,
            f'"{code}" is not a known distributor code.',
        )
        for line, code in resolved.filter(unknown_distributor)
        .select(LINE, "distributor_code")
        .iter_rows()
    ]
    problems += [
        Problem(line, "sku", ErrorCode.UNKNOWN_SKU, f'"{sku}" is not a known SKU.')
        for line, sku in resolved.filter(unknown_sku).select(LINE, "sku").iter_rows()
    ]
    problems += [
        Problem(
            line,
            "line",
            ErrorCode.DUPLICATE_IN_FILE,
            f'invoice "{invoice}" line {number} of {code} is already on line {first}.',
        )
        for line, code, invoice, number, first in resolved.filter(duplicate)
        .select(LINE, *KEY, "_first_line")
        .iter_rows()
    ]
    resolved = resolved.with_columns(
        (pl.col(VALID) & ~unknown_distributor & ~unknown_sku & ~duplicate).alias(VALID)
    ).drop("_first_line")
    return resolved, sort_problems(problems)


# ─── pragmatics ──────────────────────────────────────────────────────────────────────────

STORED_KEY = ["distributor_id", "invoice_number", "line_number"]
# Compared columns → the file field a difference is reported on.
COMPARED = {
    "invoice_date": "invoice_date",
    "product_id": "sku",
    "quantity": "quantity",
    "unit_net_price": "unit_net_price",
    "currency": "currency",
    "ship_to_warehouse": "ship_to_warehouse",
}
EXISTING_SCHEMA = {
    "distributor_id": pl.Int64,
    "invoice_number": pl.String,
    "line_number": pl.Int64,
    "invoice_date": pl.Date,
    "product_id": pl.Int64,
    "sku": pl.String,
    "quantity": pl.String,
    "unit_net_price": pl.String,
    "currency": pl.String,
    "ship_to_warehouse": pl.String,
}


def empty_existing() -> pl.DataFrame:
    return pl.DataFrame(schema=EXISTING_SCHEMA)


@dataclass(frozen=True)
class PragmaticsResult:
    new_rows: pl.DataFrame  # valid rows not stored yet: what the commit inserts
    already_present: int  # valid rows stored before with the same values
    problems: list[Problem]


def check_pragmatics(frame: pl.DataFrame, existing: pl.DataFrame) -> PragmaticsResult:
    """Compare the file with the stored lines of the same (distributor, invoice, line).

    ``existing`` has the columns of ``EXISTING_SCHEMA`` (decimals in canonical text), at
    most one row per key. Same values: already present (re-importing changes nothing).
    Different values: ``conflicts_with_existing``, because stored facts are never edited.
    """
    joined = frame.join(
        existing.rename({"sku": "sku_existing"}),
        on=STORED_KEY,
        how="left",
        suffix="_existing",
        nulls_equal=False,
    )
    stored = pl.col("invoice_date_existing").is_not_null()
    differences = pl.concat_list(
        [
            pl.when(pl.col(column) != pl.col(f"{column}_existing")).then(pl.lit(column))
            for column in COMPARED
        ]
    ).list.drop_nulls()
    joined = joined.with_columns(
        pl.when(stored)
        .then(differences)
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("_differences")
    )
    conflicting = stored & (pl.col("_differences").list.len() > 0)
    problems = []
    for row in joined.filter(conflicting).iter_rows(named=True):
        problems.append(_conflict_problem(row))
    valid = pl.col(VALID) & ~conflicting
    already_present = joined.filter(valid & stored).height
    new_rows = joined.filter(valid & ~stored).select(frame.columns)
    return PragmaticsResult(new_rows, already_present, sort_problems(problems))


def _conflict_problem(row: dict) -> Problem:
    changes = []
    for column in row["_differences"]:
        field = COMPARED[column]
        if column == "product_id":
            before, after = row["sku_existing"], row["sku"]
        else:
            before, after = row[f"{column}_existing"], row[column]
        changes.append(f"{field} {_shown(before)} in the stored line, {_shown(after)} here")
    return Problem(
        row[LINE],
        COMPARED[row["_differences"][0]],
        ErrorCode.CONFLICTS_WITH_EXISTING,
        f'invoice "{row["invoice_number"]}" line {row["line_number"]} of '
        f"{row['distributor_code']} was imported before with other values ("
        + "; ".join(changes)
        + "). Imported lines are never changed.",
    )


def _shown(value) -> str:
    return '""' if value in ("", None) else str(value)
