"""Error codes of reseller matching (issue 4): settings and the ``match-resellers`` files."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_THRESHOLD = "invalid_threshold"
    THRESHOLDS_ORDER = "thresholds_order"
    NOT_UTF8 = "not_utf8"
    BAD_ENCODING = "bad_encoding"
    UNREADABLE = "unreadable"
    EMPTY_FILE = "empty_file"
    NO_DATA = "no_data"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    TOO_MANY_FIELDS = "too_many_fields"
    BAD_CSV = "bad_csv"
    REQUIRED = "required"
    INVALID_COUNTRY = "invalid_country"
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_DISTRIBUTOR = "unknown_distributor"
    # the review queue
    INVALID_DECISION = "invalid_decision"
    ALREADY_DECIDED = "already_decided"
    NOT_A_CANDIDATE = "not_a_candidate"
    NOT_UNDOABLE = "not_undoable"
    UNKNOWN_RESELLER = "unknown_reseller"
