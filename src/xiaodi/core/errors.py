"""One error hierarchy: every failure a user can cause is an ``XiaodiError`` with a Chinese message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any


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


class ConfigurationError(XiaodiError):
    """A deployment setting (an ``XIAODI_*`` environment variable) has a value the platform cannot use (配置错误)."""

    status = 500
    code = "configuration"


# pydantic's error types in Chinese; ``{…}`` are filled from the error's context (the limit that was crossed).
PYDANTIC_MESSAGES = {
    "missing": "必填", "extra_forbidden": "不认识这个字段",
    "int_parsing": "须为整数", "int_type": "须为整数", "int_from_float": "须为整数",
    "float_parsing": "须为数字", "float_type": "须为数字", "decimal_parsing": "须为数字", "decimal_type": "须为数字",
    "bool_parsing": "须为 true 或 false", "bool_type": "须为 true 或 false",
    "string_type": "须为文字", "list_type": "须为列表", "dict_type": "须为对象", "model_type": "须为对象",
    "json_invalid": "不是有效的 JSON", "model_attributes_type": "须为对象",
    "date_parsing": "不是有效日期（如 2025-01-01）", "date_from_datetime_parsing": "不是有效日期（如 2025-01-01）",
    "date_from_datetime_inexact": "不是有效日期（如 2025-01-01）", "date_type": "不是有效日期（如 2025-01-01）",
    "datetime_parsing": "不是有效时间", "datetime_type": "不是有效时间",
    "greater_than": "须大于 {gt}", "greater_than_equal": "不能小于 {ge}",
    "less_than": "须小于 {lt}", "less_than_equal": "不能大于 {le}",
    "string_too_short": "至少 {min_length} 个字", "string_too_long": "最多 {max_length} 个字",
    "too_short": "至少 {min_length} 项", "too_long": "最多 {max_length} 项",
    "enum": "可选：{expected}", "literal_error": "可选：{expected}",
    "decimal_max_digits": "位数过多", "decimal_max_places": "小数位数过多", "decimal_whole_digits": "整数位数过多",
    "finite_number": "须为有限的数字", "uuid_parsing": "格式无效", "string_pattern_mismatch": "格式无效",
}


def pydantic_message(err: Mapping[str, Any]) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a Chinese phrase: 须为整数, 至少 16 个字 …"""
    kind = str(err.get("type", ""))
    if kind in ("value_error", "assertion_error"):  # our own validators already speak Chinese
        return str(err.get("msg", "无效")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    template = PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return "无效"
    ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
    if "expected" in ctx:  # pydantic lists choices in English: "'fund' or 'other'" → fund、other
        ctx["expected"] = "、".join(c.strip().strip("'\"") for c in re.split(r",|\bor\b", ctx["expected"]) if c.strip())
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{", 1)[0].rstrip("：") or "无效"
