from enum import StrEnum


class ErrorCode(StrEnum):
    DATABASE_NOT_EMPTY = "database_not_empty"
