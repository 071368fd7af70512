"""Domain errors shared by every app.

Each app has its own ``ErrorCode`` enum (a ``StrEnum``); services raise ``DomainError`` with
one of those codes. The API maps a ``DomainError`` to a 4xx JSON body and views map it to a
form error, so a rule is written once and reported the same way everywhere.
"""

from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CURRENCY = "invalid_currency"
    INVALID_VALUE = "invalid_value"
    NO_EXCHANGE_RATE = "no_exchange_rate"
    SCOPE_REQUIRED = "scope_required"


class DomainError(Exception):
    """A business rule refused the request. ``status`` is the HTTP status the API answers."""

    status = 400

    def __init__(self, code: StrEnum | str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


class ConflictError(DomainError):
    """The request contradicts the current state (illegal transition, duplicate key…)."""

    status = 409


class NotFoundError(DomainError):
    status = 404

    def __init__(self, message: str = "Not found."):
        super().__init__(ErrorCode.NOT_FOUND, message)


class PermissionDeniedError(DomainError):
    status = 403

    def __init__(self, message: str = "Your role does not allow this."):
        super().__init__(ErrorCode.PERMISSION_DENIED, message)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in user input: where (line, field), what (code), and why (message).

    ``line`` is the 1-based line of the source file (the header is line 1), or ``None`` for a
    problem with the file as a whole.
    """

    line: int | None
    field: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}


class InputRejected(DomainError):
    """Input held problems; nothing was written. ``problems`` lists every one of them."""

    status = 422

    def __init__(self, problems: list[Problem], *, source: str | None = None):
        self.problems = problems
        self.source = source
        count = len(problems)
        where = f"{source}: " if source else ""
        super().__init__(
            "input_rejected",
            f"{where}{count} problem{'s' if count != 1 else ''} found; nothing was imported.",
        )

    def as_dict(self) -> dict:
        body = super().as_dict()
        body["source"] = self.source
        body["problems"] = [problem.as_dict() for problem in self.problems]
        return body
