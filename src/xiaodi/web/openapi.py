"""The API's OpenAPI schema as the API really behaves, so that generated clients and fuzzers can trust it.

FastAPI documents its own validation error (``{"detail": [...]}``) and only the statuses a route names. Every
error of this API is ``{"error": code, "detail": Chinese text}`` (``web.errors``), any operation may answer with
the statuses below (not logged in, another's scope, a stale version, throttling …), every operation takes a
bearer token or the login session, and no query parameter may hold a NUL character (``web.security`` refuses it
at the door). Two routes of one path (``GET /api/demands/{record_id}``, ``PATCH /api/demands/{demand_id}``) are
one path of the schema, as OpenAPI requires.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "ErrorOut",
    "type": "object",
    "description": "出错时的统一返回：错误代码与中文说明",
    "properties": {
        "error": {"type": "string", "title": "Error", "description": "稳定的错误代码，如 not_found"},
        "detail": {"type": "string", "title": "Detail", "description": "中文说明"},
    },
    "required": ["error", "detail"],
}
ERROR_STATUSES = {
    "400": "请求有误",
    "401": "未登录或令牌无效",
    "403": "角色无权操作",
    "404": "记录不存在或不在您的数据范围内",
    "409": "记录已被他人修改，或与已有记录冲突",
    "413": "上传内容过大",
    "422": "参数校验失败（中文说明哪个参数、为什么）",
    "429": "请求过于频繁或账号暂时锁定",
}
NO_NUL = "^[^\\u0000]*$"  # NUL is refused in every query (PostgreSQL cannot store it)
_FASTAPI_ERRORS = ("HTTPValidationError", "ValidationError")


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with the corrected schema (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            app.openapi_schema = corrected(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def corrected(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _FASTAPI_ERRORS:
        schemas.pop(name, None)
    schemas["ErrorOut"] = ERROR_SCHEMA
    components["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "在“我的账号”页面生成的接口令牌"},
        "session": {"type": "apiKey", "in": "cookie", "name": "xiaodi_session",
                    "description": "网页登录后的会话（修改数据的请求须带 X-CSRF-Token 请求头）"},
    }
    schema["paths"] = _merged_paths(schema.get("paths", {}))
    for item in schema["paths"].values():
        for operation in item.values():
            _correct_operation(operation)
    return schema


def _merged_paths(paths: dict[str, Any]) -> dict[str, Any]:
    """Paths that differ only in their parameters' names, as one path named as the first one seen."""
    merged: dict[str, Any] = {}
    first: dict[str, str] = {}  # the path's shape ({} for each parameter) → the name it is listed under
    for path, item in paths.items():
        shape = re.sub(r"\{[^}]+\}", "{}", path)
        if shape not in first:
            first[shape] = path
            merged[path] = item
            continue
        renames = dict(zip(re.findall(r"\{([^}]+)\}", path), re.findall(r"\{([^}]+)\}", first[shape]), strict=True))
        for method, operation in item.items():
            for param in operation.get("parameters", []):
                if param.get("in") == "path":
                    param["name"] = renames.get(param["name"], param["name"])
            merged[first[shape]][method] = operation
    return merged


def _correct_operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in ERROR_STATUSES.items():
        declared = responses.get(status) or {}
        responses[status] = {
            "description": declared.get("description") or description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
    operation["security"] = [{"bearer": []}, {"session": []}]  # either one
    for param in operation.get("parameters", []):
        if param.get("in") == "query":
            _no_nul(param.get("schema") or {})


def _no_nul(schema: dict[str, Any]) -> None:
    """Strings of a query parameter (possibly inside ``anyOf``) may not hold NUL."""
    for option in schema.get("anyOf", []):
        _no_nul(option)
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_NUL)
