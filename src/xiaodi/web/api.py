"""JSON API (/api/): the same lists and records as the pages, with token or session authentication.

Lists answer ``{"items": [...], "total": n, "page": p, "size": s}``; errors answer
``{"error": code, "detail": message}`` (see ``web.errors``). Filters are the list's own (``?state=published``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import local_today
from xiaodi.web.deps import CurrentUser, MemberUser, RecordId, SessionDep
from xiaodi.web.listing import MAX_PAGE, MAX_PAGE_SIZE, Filter, ResourceSpec, fetch_page, parse_query
from xiaodi.web.params import FIRST_YEAR, LAST_YEAR, MAX_ID


class ErrorOut(BaseModel):
    error: str
    detail: str


class ListOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    page: int
    size: int
    total_exact: bool = Field(
        default=True, description="false 表示记录超过 total 条：清单只计数到上限（翻到不足一页即为末页），"
                                  "关键词搜索（q）亦然，可缩小范围")


class MeOut(BaseModel):
    id: int
    name: str
    roles: list[str]
    scopes: list[str]
    organisation_ids: list[int]


class AuditOut(BaseModel):
    at: str
    actor: str
    action: str
    reason: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "未登录或令牌无效"},
    403: {"model": ErrorOut, "description": "角色无权操作"},
    404: {"model": ErrorOut, "description": "记录不存在或不在您的数据范围内"},
    422: {"model": ErrorOut, "description": "参数校验失败"},
}

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="页码，从 1 开始")]
Size = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数")]
Q = Annotated[str, Query(max_length=100, description="关键词搜索")]


def _filter_schema(f: Filter) -> dict[str, Any]:
    """A filter's values as ``parse_query`` and ``build_select`` accept them."""
    if f.choices:
        return {"type": "string", "enum": [c for c, _ in f.choices]}
    if f.op == "year":
        return {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
    if f.op == "int":
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    if f.op == "bool":
        return {"type": "string", "enum": ["1", "0"]}
    return {"type": "string", "maxLength": 100}


def _list_params(spec: ResourceSpec) -> list[dict[str, Any]]:
    """The list's own query parameters: its filters, and the columns it may be sorted by (``-`` for descending)."""
    keys = list(spec.sort_columns())
    sort = {"name": "sort", "in": "query", "required": False, "description": "排序字段，前加 - 为倒序，如 -id",
            "schema": {"type": "string", "enum": keys + [f"-{k}" for k in keys]}}
    return [sort, *({"name": f.name, "in": "query", "required": False, "description": f.label,
                     "schema": _filter_schema(f)} for f in spec.filters)]


def _resource_routes(r: APIRouter, spec: ResourceSpec) -> None:
    def list_items(request: Request, session: SessionDep, viewer: MemberUser, page: Page = 1, size: Size = 20,
                   q: Q = "") -> ListOut:
        params = dict(request.query_params)
        blank = [name for name in ("sort", *(f.name for f in spec.filters)) if params.get(name) == ""]
        if blank:  # a page's form sends "" for "all"; an API client leaves the parameter out (as the schema says)
            raise ValidationFailed(f"参数 {'、'.join(blank)} 不能为空：不筛选或默认排序时请省略")
        sort = params.get("sort") or spec.default_sort  # declared with the list's sort columns (``_list_params``)
        params.update({"page": str(page), "size": str(size), "q": q, "sort": sort[:40]})
        lq = parse_query(spec, params)
        result = fetch_page(session, spec, viewer, lq)
        spec.note_id_reads(session, viewer, result.items, "接口列表", columns=spec.columns)
        return ListOut(items=[spec.row_json(obj, viewer, spec.columns) for obj in result.items], total=result.total,
                       page=result.page, size=result.size, total_exact=result.total_exact)

    def get_item(record_id: RecordId, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
        obj = spec.get(session, record_id, viewer)
        spec.note_id_reads(session, viewer, [obj], "接口")
        out = spec.row_json(obj, viewer)
        if getattr(obj, "version", None) is not None:  # sent back as expected_version, a stale write is refused
            out["version"] = obj.version
        return out

    def item_history(record_id: RecordId, session: SessionDep, viewer: MemberUser) -> list[AuditOut]:
        from xiaodi.web.pages import trail_of

        obj = spec.get(session, record_id, viewer)
        trail, shows_id = trail_of(session, spec, obj, viewer)
        if shows_id:
            spec.note_id_reads(session, viewer, [obj], "操作留痕", shown=True)
        return [AuditOut(at=e["at"].isoformat(), actor=e["actor"], action=e["action"], reason=e["reason"],
                         before={k: b for k, b, _ in e["changes"]}, after={k: a for k, _, a in e["changes"]})
                for e in trail]

    tag = spec.label
    r.add_api_route(f"/{spec.name}", list_items, methods=["GET"], response_model=ListOut, tags=[tag],
                    summary=f"{spec.label}列表", name=f"api_{spec.name}_list",
                    openapi_extra={"parameters": _list_params(spec)})
    if spec.api_detail:
        r.add_api_route(f"/{spec.name}/{{record_id}}", get_item, methods=["GET"], tags=[tag],
                        summary=f"{spec.noun}详情", name=f"api_{spec.name}_detail")
    r.add_api_route(f"/{spec.name}/{{record_id}}/history", item_history, methods=["GET"],
                    response_model=list[AuditOut], tags=[tag], summary=f"{spec.noun}操作留痕",
                    name=f"api_{spec.name}_history")


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(prefix="/api", responses=ERRORS)


@router.get("/me", response_model=MeOut, tags=["账号"], summary="当前用户")
def me(viewer: CurrentUser) -> MeOut:
    return MeOut(id=viewer.user_id or 0, name=viewer.name, roles=[str(x) for x in sorted(viewer.roles)],
                 scopes=list(viewer.scope_labels), organisation_ids=sorted(viewer.organisation_ids))


@router.get("/figures", tags=["工作台"], summary="工作数据：本辖区/本单位，可选地区与统计期间，含分年度与分地区")
def figures(
    session: SessionDep, viewer: MemberUser,
    region: Annotated[str | None, Query(max_length=60,
                                        description="地区代码（如 140800）或全称；办公室限本辖区")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="统计年度")] = None,
    date_from: Annotated[dt.date | None, Query(alias="from", description="起始日期（含），与 year 二选一")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="截止日期（含）")] = None,
) -> dict[str, Any]:
    from xiaodi.figures.report import build_report, parse_period
    from xiaodi.web.dashboard import duties_overdue, work_counts

    report = build_report(session, viewer, region=region, period=parse_period(year, date_from, date_to))
    today = local_today()
    desk = work_counts(session, viewer, today, report.scope.region,  # the scope shown, as the page
                       own_unit=report.scope.unit_id is not None)
    return {**report.as_json(), "demands_by_state": desk.demand_counts, "projects_by_stage": desk.project_counts,
            "overdue_milestones": desk.overdue_count,
            "overdue_duty_nodes": duties_overdue(session, report.scope, today)}


def resource_router(specs: dict[str, ResourceSpec]) -> APIRouter:
    """The routes of every list (``specs``, known when the app is built), after the fixed routes above."""
    r = APIRouter(prefix="/api", responses=ERRORS)
    for spec in specs.values():
        _resource_routes(r, spec)
    return r
