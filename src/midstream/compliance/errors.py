"""Error codes of the compliance app; the API answers them as JSON, pages as form errors."""

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_VALUE = "invalid_value"
    INVALID_DATE = "invalid_date"
    INVALID_CHANNEL_MANAGER = "invalid_channel_manager"
    UNKNOWN_DISTRIBUTOR = "unknown_distributor"
