"""One error hierarchy: every failure a user can cause is an ``XiaodiError`` with a Chinese message."""

from __future__ import annotations


class XiaodiError(Exception):
    """Base error: ``message`` is shown to the user (in Chinese); ``status`` is the HTTP status; ``code`` is stable."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ValidationFailed(XiaodiError):
    """Input does not satisfy a rule (数据校验失败)."""

    status = 422
    code = "validation_failed"


class NotFound(XiaodiError):
    """The record does not exist or lies outside the user's scope."""

    status = 404
    code = "not_found"


class Conflict(XiaodiError):
    """The record was changed by someone else, or a unique key is already taken."""

    status = 409
    code = "conflict"


class Forbidden(XiaodiError):
    """The user's role does not allow this action."""

    status = 403
    code = "forbidden"


class Ambiguous(XiaodiError):
    """A name resolves to no single record; ``suggestions`` lists close matches for a person to choose."""

    status = 409
    code = "ambiguous"

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []
