"""Error codes of the sales app: every problem a sell-in import can report (docs/sell-in.md)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    # The file as a whole (read stage).
    EMPTY_FILE = "empty_file"
    NOT_UTF8 = "not_utf8"
    MALFORMED_CSV = "malformed_csv"
    TOO_MANY_FIELDS = "too_many_fields"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NO_DATA = "no_data"
    # One value (syntax stage).
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_DATE = "invalid_date"
    NOT_AN_INTEGER = "not_an_integer"
    OUT_OF_RANGE = "out_of_range"
    NOT_A_NUMBER = "not_a_number"
    NOT_FINITE = "not_finite"
    EXPONENT = "exponent"
    NON_ASCII = "non_ascii"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"
    NEGATIVE = "negative"
    UNKNOWN_CURRENCY = "unknown_currency"
    AMOUNT_TOO_LARGE = "amount_too_large"
    # Meaning (semantics stage).
    UNKNOWN_DISTRIBUTOR = "unknown_distributor"
    UNKNOWN_SKU = "unknown_sku"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    # Against what is already stored (pragmatics stage).
    CONFLICTS_WITH_EXISTING = "conflicts_with_existing"
    # Whole request.
    FILE_REQUIRED = "file_required"
    INVALID_SOURCE = "invalid_source"
    CONCURRENT_IMPORT = "concurrent_import"
    INVALID_GRAIN = "invalid_grain"
