"""Demand drafting (需求填报): an enterprise (or an office, for a unit of its region) writes a demand as a draft
and edits it until it is published — as a page form and as JSON.

The rules are the demands service's (``create_demand``, ``update_demand``: who owns, what may still change);
this module parses what a person typed ("80万元", "2025-12-31", "钢渣；微粉") and hands it over.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core.days import parse_day
from xiaodi.core.errors import Forbidden, ValidationFailed
from xiaodi.core.numbers import parse_amount_yuan, parse_count
from xiaodi.demands import access, service
from xiaodi.demands.models import Demand, DemandKind, Visibility
from xiaodi.directory.models import Organisation
from xiaodi.web.access import get_visible
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.listing import jsonable
from xiaodi.web.params import CalendarDate, JsonInt, plain_int
from xiaodi.web.templating import flash, render

VISIBILITY_CHOICES = Visibility.labels()
TEXT_LIMITS = {"title": 300, "description": 20000, "qualifications": 4000, "contact_name": 60, "contact_phone": 40}


class DemandIn(BaseModel):
    """A demand as an integration sends it (需求填报). Money in yuan; keywords as a list."""

    title: str = Field(min_length=1, max_length=300)
    kind: DemandKind = DemandKind.TECHNOLOGY
    owner_id: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1, description="需求单位（办公室代填时必填）")
    description: str | None = Field(default=None, max_length=20000)
    keywords: list[str] = Field(default_factory=list, max_length=30)
    headcount: JsonInt | None = Field(default=None, ge=0, le=1_000_000)
    qualifications: str | None = Field(default=None, max_length=4000)
    budget: Decimal | None = Field(default=None, ge=0, le=Decimal("1e14"))
    deadline: CalendarDate | None = None
    visibility: Visibility = Visibility.PUBLIC
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=40)


class DemandPatch(BaseModel):
    """Changes to a draft (修改需求): only the fields sent are changed."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    keywords: list[str] | None = Field(default=None, max_length=30)
    headcount: JsonInt | None = Field(default=None, ge=0, le=1_000_000)
    qualifications: str | None = Field(default=None, max_length=4000)
    budget: Decimal | None = Field(default=None, ge=0, le=Decimal("1e14"))
    deadline: CalendarDate | None = None
    visibility: Visibility | None = None
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=40)
    expected_version: JsonInt | None = Field(default=None, ge=1, le=2**31 - 1)
    reason: str | None = Field(default=None, max_length=2000)


def owner_for(session: Session, viewer: Viewer, owner_id: int | None) -> int:
    """Whose demand it is: the user's own organisation, or — for an office — a unit of its region it names."""
    if owner_id is None:
        if not viewer.organisation_ids:
            raise ValidationFailed("请指定需求单位（办公室代企业填报时须选择企业）")
        return min(viewer.organisation_ids)
    org = session.get(Organisation, owner_id)
    if access.may_draft_for(viewer, owner_id, org.region_id if org is not None else None):
        return owner_id
    raise Forbidden("只能以本单位名义，或为本辖区单位代填需求")


def _keywords(text: str) -> list[str]:
    for sep in ("；", ";", "，", ",", "、", "\n"):
        text = text.replace(sep, " ")
    return [w for w in dict.fromkeys(text.split()) if w][:30]


def parse_form(form: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the service takes them; every bad value is named in Chinese."""
    out: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        value = (form.get(key) or "").strip()
        if len(value) > limit:
            raise ValidationFailed(f"“{key}”超过 {limit} 字")
        out[key] = value or None
    out["keywords"] = _keywords(form.get("keywords") or "")
    try:
        out["budget"] = parse_amount_yuan(form["budget"]) if (form.get("budget") or "").strip() else None
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(f"预算“{form.get('budget')}”不是有效金额（如 80万元）") from exc
    try:
        out["headcount"] = parse_count(form["headcount"]) if (form.get("headcount") or "").strip() else None
    except ValueError as exc:
        raise ValidationFailed(f"需求人数“{form.get('headcount')}”不是有效人数") from exc
    out["deadline"] = parse_day(form.get("deadline"), "揭榜截止日期")
    visibility = form.get("visibility") or Visibility.PUBLIC.value
    if visibility not in VISIBILITY_CHOICES:
        raise ValidationFailed("发榜方式无效")
    out["visibility"] = visibility
    return out


def demand_json(demand: Demand) -> dict[str, Any]:
    return {"id": demand.id, "code": demand.code, "title": demand.title, "kind": str(demand.kind),
            "state": str(demand.state), "owner_id": demand.owner_id, "version": demand.version,
            "budget": jsonable(demand.budget), "deadline": jsonable(demand.deadline),
            "visibility": str(demand.visibility), "keywords": list(demand.keywords or [])}


api_router = APIRouter(prefix="/api/demands", tags=["需求清单"])


@api_router.post("", status_code=201, summary="填报需求（草稿）")
def create(body: DemandIn, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    if not access.may_draft(viewer):
        raise Forbidden("您的账号不能填报需求")
    fields = body.model_dump(exclude={"title", "kind", "owner_id"}, exclude_none=True)
    demand = service.create_demand(session, actor=viewer.actor, owner_id=owner_for(session, viewer, body.owner_id),
                                   title=body.title, kind=body.kind, viewer=viewer, **fields)
    return demand_json(demand)


@api_router.patch("/{demand_id}", summary="修改未发榜的需求")
def patch(demand_id: RecordId, body: DemandPatch, session: SessionDep, viewer: MemberUser) -> dict[str, Any]:
    get_visible(session, Demand, demand_id, viewer, "需求")
    changes = body.model_dump(exclude={"expected_version", "reason"}, exclude_unset=True)
    emptied = [key for key in ("title", "keywords", "visibility") if key in changes and changes[key] is None]
    if emptied:  # null means "no value", which a demand must have: refused, not left to the database
        raise ValidationFailed(f"{'、'.join(emptied)} 不能为 null：不修改时请省略该字段")
    demand = service.update_demand(session, actor=viewer.actor, demand_id=demand_id,
                                   expected_version=body.expected_version, viewer=viewer,
                                   reason=body.reason, **changes)
    return demand_json(demand)


def _owners(session: Session, viewer: Viewer) -> list[Organisation]:
    """The units an office may write for: those of its region (enterprises first), at most a few hundred."""
    from sqlalchemy import select

    from xiaodi.directory.models import OrgKind

    if not (viewer.is_office or viewer.is_admin):
        return []
    stmt = select(Organisation).where(Organisation.retired_at.is_(None),
                                      Organisation.kind.in_([OrgKind.ENTERPRISE, OrgKind.GOVERNMENT]))
    if not viewer.is_admin:
        stmt = stmt.where(Organisation.region_id.in_(sorted(viewer.region_ids)))
    return list(session.scalars(stmt.order_by(Organisation.kind, Organisation.name).limit(500)))


pages_router = APIRouter(include_in_schema=False)


def form_page(request: Request, session: Session, viewer: Viewer, demand: Demand | None,
              values: dict[str, Any] | None = None) -> Response:
    return render(request, "demand_form.html", {
        "page_title": "修改需求" if demand else "填报需求", "demand": demand, "values": values or {},
        "kinds": DemandKind.labels(), "visibilities": VISIBILITY_CHOICES,
        "owners": _owners(session, viewer) if demand is None else [],
    })


@pages_router.get("/demands/new")
def new_form(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    if not access.may_draft(viewer):
        raise Forbidden("您的账号不能填报需求")
    return form_page(request, session, viewer, None)


@pages_router.post("/demands/new")
async def new(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    if not access.may_draft(viewer):
        raise Forbidden("您的账号不能填报需求")
    form = {k: str(v) for k, v in (await request.form()).items()}
    fields = parse_form(form)
    kind = form.get("kind") or DemandKind.TECHNOLOGY.value
    if kind not in {k.value for k in DemandKind}:
        raise ValidationFailed("需求类别无效")
    owner = plain_int(form.get("owner_id"))
    title = fields.pop("title") or ""
    demand = service.create_demand(session, actor=viewer.actor, owner_id=owner_for(session, viewer, owner),
                                   title=title, kind=kind, viewer=viewer,
                                   **{k: v for k, v in fields.items() if v not in (None, [])})
    flash(request, f"需求“{demand.title}”已保存为草稿，确认无误后请提交审核")
    return RedirectResponse(f"/demands/{demand.id}", status_code=303)


@pages_router.get("/demands/{demand_id}/edit")
def edit_form(request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    return form_page(request, session, viewer, _editable(session, demand_id, viewer))


def _editable(session: Session, demand_id: int, viewer: Viewer) -> Demand:
    """The demand if ``viewer`` may still change it. Asked before the typed values are read: a draft withdrawn
    while its form was open answers "已撤回，不能再修改内容", not a complaint about a date that no longer matters."""
    demand = get_visible(session, Demand, demand_id, viewer, "需求")
    service.check_editable(demand, viewer)
    return demand


@pages_router.post("/demands/{demand_id}/edit")
def edit(
    request: Request, demand_id: RecordId, session: SessionDep, viewer: MemberUser,
    title: Annotated[str, Form(max_length=300)], version: Annotated[int | None, Form()] = None,
    description: Annotated[str, Form(max_length=20000)] = "", keywords: Annotated[str, Form(max_length=2000)] = "",
    headcount: Annotated[str, Form(max_length=20)] = "", qualifications: Annotated[str, Form(max_length=4000)] = "",
    budget: Annotated[str, Form(max_length=40)] = "", deadline: Annotated[str, Form(max_length=20)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "", contact_name: Annotated[str, Form(max_length=60)] = "",
    contact_phone: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _editable(session, demand_id, viewer)
    fields = parse_form({"title": title, "description": description, "keywords": keywords,
                         "headcount": headcount, "qualifications": qualifications, "budget": budget,
                         "deadline": deadline, "visibility": visibility, "contact_name": contact_name,
                         "contact_phone": contact_phone})
    if not fields["title"]:
        raise ValidationFailed("需求名称不能为空")
    demand = service.update_demand(session, actor=viewer.actor, demand_id=demand_id, expected_version=version,
                                   viewer=viewer, **fields)
    flash(request, f"需求“{demand.title}”已修改")
    return RedirectResponse(f"/demands/{demand.id}", status_code=303)
