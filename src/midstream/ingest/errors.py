"""Error codes of the ingest app; the API answers them as JSON, pages as form errors."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_SPEC = "invalid_spec"
    INVALID_VALUE = "invalid_value"
    REASON_REQUIRED = "reason_required"
    STALE_VERSION = "stale_version"
    UNREADABLE_FILE = "unreadable_file"
    NO_COLUMNS = "no_columns"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    INVALID_PERIOD = "invalid_period"
    NOT_RETRYABLE = "not_retryable"
