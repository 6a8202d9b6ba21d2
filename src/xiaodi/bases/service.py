"""Bases service (12大基地): the base types, a base's life (申报 → 审核 → 认定 → 挂牌 → 运行 → 年度评估 → 撤销) and its
activities, 1+1+N pairings (结对) with member units, duties (职责任务) with work plans and progress reports, and
领导包联. Every function takes the session and the acting ``Viewer``, asks ``bases.access`` whether the viewer may
act, checks every input before it writes anything, and audits each write with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer, regions_under
from xiaodi.bases import access
from xiaodi.bases.models import (
    DEFAULT_BASE_TYPES,
    ActivityKind,
    BaseActivity,
    BaseReview,
    BaseState,
    BaseType,
    Duty,
    DutyMilestone,
    DutyReport,
    DutyState,
    LeaderAssignment,
    Pairing,
    PairingBase,
    PairingMember,
    ProgrammeBase,
    ReviewResult,
)
from xiaodi.core import audit
from xiaodi.core.audit import Actor
from xiaodi.core.errors import Conflict, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot
from xiaodi.core.records import check_version, create, flush_or_conflict, update_fields
from xiaodi.core.settings import local_today, not_after_today
from xiaodi.directory.models import Organisation, OrgKind, Region
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.projects.models import DispatchItem

MAX_MILESTONES = 20
MAX_PEOPLE = 1_000_000
MAX_DAYS = 366


# ── base types (基地类型) ─────────────────────────────────────────────────────────────────────────────────────


def seed_base_types(session: Session, *, actor: Actor) -> int:
    """Add the programme's 12 types a ledger does not have yet (by code); returns how many were added."""
    existing = set(session.scalars(select(BaseType.code)))
    names = set(session.scalars(select(BaseType.name)))
    added = 0
    for order, (code, name, description) in enumerate(DEFAULT_BASE_TYPES, start=1):
        if code not in existing and name not in names:
            create(session, BaseType(code=code, name=name, description=description, sort_order=order), actor=actor,
                   label=f"基地类型“{name}”")
            added += 1
    return added


def base_types(session: Session, *, active_only: bool = False) -> list[BaseType]:
    stmt = select(BaseType).order_by(BaseType.sort_order, BaseType.id)
    if active_only:
        stmt = stmt.where(BaseType.is_active.is_(True))
    return list(session.scalars(stmt))


def _type_name_free(session: Session, name: str, except_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed("基地类型名称不能为空")
    if len(name) > 60:
        raise ValidationFailed("基地类型名称最多 60 个字")
    other = session.scalar(select(BaseType.id).where(BaseType.name == name))
    if other is not None and other != except_id:
        raise Conflict(f"已有名为“{name}”的基地类型")
    return name


def add_base_type(session: Session, viewer: Viewer, *, name: str, code: str | None = None,
                  description: str | None = None) -> BaseType:
    """新增基地类型 (province office)."""
    access.require(access.can_manage_types(viewer), "维护基地类型", "省级校地合作办公室")
    name = _type_name_free(session, name)
    code = (code or "").strip() or f"type{(session.scalar(select(func.max(BaseType.id))) or 0) + 1}"
    if len(code) > 24 or not code.replace("_", "").isalnum():
        raise ValidationFailed("基地类型代码最多 24 个字母、数字或下划线")
    if session.scalar(select(BaseType.id).where(BaseType.code == code)) is not None:
        raise Conflict(f"基地类型代码“{code}”已被使用")
    order = (session.scalar(select(func.max(BaseType.sort_order))) or 0) + 1
    return create(session, BaseType(code=code, name=name, description=description or None, sort_order=order),
                  actor=viewer.actor, label=f"基地类型“{name}”")


def _type(session: Session, type_id: int) -> BaseType:
    row = session.get(BaseType, type_id)
    if row is None:
        raise NotFound(f"基地类型（编号 {type_id}）不存在")
    return row


def rename_base_type(session: Session, viewer: Viewer, type_id: int, *, name: str,
                     description: str | None = None, reason: str | None = None) -> BaseType:
    """基地类型更名 (the bases keep their type; their table shows the new name)."""
    access.require(access.can_manage_types(viewer), "维护基地类型", "省级校地合作办公室")
    row = _type(session, type_id)
    changes: dict[str, Any] = {"name": _type_name_free(session, name, except_id=row.id)}
    if description is not None:
        changes["description"] = description.strip() or None
    update_fields(session, row, changes, actor=viewer.actor, allowed=("name", "description"), label="基地类型",
                  reason=reason)
    return row


def set_base_type_active(session: Session, viewer: Viewer, type_id: int, *, active: bool,
                         reason: str | None = None) -> BaseType:
    """停用/启用基地类型: a deactivated type takes no new bases; its bases keep it."""
    access.require(access.can_manage_types(viewer), "维护基地类型", "省级校地合作办公室")
    row = _type(session, type_id)
    update_fields(session, row, {"is_active": active}, actor=viewer.actor, allowed=("is_active",), label="基地类型",
                  reason=reason)
    return row


def type_by_name(session: Session, text: str) -> BaseType:
    """A type by its name or code (CLI, pages)."""
    key = text.strip()
    row = session.scalars(select(BaseType).where((BaseType.name == key) | (BaseType.code == key))).first()
    if row is None:
        options = "、".join(t.name for t in base_types(session, active_only=True))
        if not options:  # a fresh ledger: say how the types come, not an empty list
            raise ValidationFailed(f"没有名为“{key}”的基地类型：尚未登记任何基地类型，省级办公室可用 "
                                   "xiaodi base seed-types 载入实施方案的12类基地，或 xiaodi base type-add 登记")
        raise ValidationFailed(f"没有名为“{key}”的基地类型，可选：{options}")
    return row


# ── bases: the life of a base ────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Step:
    """One step of a base's life: from which states, to which state, what it is called, what it needs."""

    name: str
    label: str
    sources: tuple[BaseState, ...]
    target: BaseState | None  # None: the state stays (年度评估)
    needs_reason: bool = False


STEPS: dict[str, Step] = {s.name: s for s in (
    Step("review", "审核", (BaseState.PROPOSED,), BaseState.REVIEWED),
    Step("recognise", "认定", (BaseState.REVIEWED,), BaseState.RECOGNISED),
    Step("plaque", "挂牌", (BaseState.RECOGNISED,), BaseState.PLAQUED),
    Step("operate", "投入运行", (BaseState.PLAQUED,), BaseState.OPERATING),
    Step("yearly_review", "年度评估", (BaseState.PLAQUED, BaseState.OPERATING), None),
    Step("revoke", "撤销", (BaseState.PROPOSED, BaseState.REVIEWED, BaseState.RECOGNISED, BaseState.PLAQUED,
                          BaseState.OPERATING), BaseState.REVOKED, needs_reason=True),
)}


def next_steps(base: ProgrammeBase) -> list[Step]:
    """The steps open to a base in its state, in the order of its life."""
    return [s for s in STEPS.values() if BaseState(base.state) in s.sources]


@dataclass
class BaseInput:
    """What a base is: filled by the 申报 form, the API, the CLI."""

    name: str
    base_type_id: int
    region_id: int | None
    host_org_id: int | None = None
    partner_org_id: int | None = None
    lead_unit_id: int | None = None
    capacity: int | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    note: str | None = None

    def fields(self) -> dict[str, Any]:
        return dict(self.__dict__)


EDITABLE = frozenset({"name", "base_type_id", "region_id", "host_org_id", "partner_org_id", "lead_unit_id",
                      "capacity", "address", "contact_name", "contact_phone", "note"})


def _check_base_fields(session: Session, data: dict[str, Any], *, except_id: int | None = None) -> dict[str, Any]:
    """Clean and check a base's fields; every refusal is a Chinese message before anything is written."""
    out = dict(data)
    if "name" in out:
        name = (out["name"] or "").strip()
        if not name:
            raise ValidationFailed("请填写基地名称")
        if len(name) > 200:
            raise ValidationFailed("基地名称最多 200 个字")
        other = session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == name))
        if other is not None and other != except_id:
            raise Conflict(f"已有名为“{name}”的基地")
        out["name"] = name
    if "base_type_id" in out:
        kind = session.get(BaseType, out["base_type_id"]) if out["base_type_id"] else None
        if kind is None:
            raise ValidationFailed("请选择基地类型")
        if not kind.is_active:
            raise ValidationFailed(f"基地类型“{kind.name}”已停用，不能用于新的基地")
    if out.get("region_id") is not None and session.get(Region, out["region_id"]) is None:
        raise ValidationFailed("所在地区不存在")
    checks = (("host_org_id", "依托单位", None, ""),
              ("partner_org_id", "合作高校", (OrgKind.UNIVERSITY, OrgKind.INSTITUTE), "高校或科研院所"),
              ("lead_unit_id", "牵头单位", (OrgKind.GOVERNMENT,), "牵头单位（政府部门）"))
    for key, label, kinds, what in checks:
        if out.get(key) is None:
            continue
        org = session.get(Organisation, out[key])
        if org is None or org.retired_at is not None:
            raise ValidationFailed(f"{label}（编号 {out[key]}）不存在")
        if kinds and org.kind not in kinds:
            raise ValidationFailed(f"“{org.name}”不是{what}，不能作为基地的{label}")
    if out.get("capacity") is not None and not 0 <= int(out["capacity"]) <= MAX_PEOPLE:
        raise ValidationFailed(f"年承载人次应为非负整数，最多 {MAX_PEOPLE}")
    texts = (("address", 300, "地址"), ("contact_name", 60, "联系人"), ("contact_phone", 40, "联系电话"),
             ("note", 2000, "备注"))
    for key, limit, label in texts:
        if key in out:
            text = (out[key] or "").strip()
            if len(text) > limit:
                raise ValidationFailed(f"{label}最多 {limit} 个字")
            out[key] = text or None
    return out


def propose_base(session: Session, viewer: Viewer, data: BaseInput, *, reason: str | None = None) -> ProgrammeBase:
    """申报基地: by its host unit, partner university, lead unit, or the office of its region. A base proposed
    without its region takes its host's (河津's office leaving 所在地区 empty for a 河津 enterprise was told only
    offices of the base's region may propose)."""
    fields = _check_base_fields(session, data.fields())
    if fields.get("region_id") is None and fields.get("host_org_id") is not None:
        host = session.get(Organisation, fields["host_org_id"])
        fields["region_id"] = host.region_id if host is not None else None
    allowed = access.can_propose(viewer, region_id=fields["region_id"],
                                 unit_ids=(fields["host_org_id"], fields["partner_org_id"], fields["lead_unit_id"]))
    access.require(allowed, "申报基地", "基地的依托单位、合作高校、牵头单位或所在地区的校地合作办公室")
    return create(session, ProgrammeBase(state=BaseState.PROPOSED, **fields), actor=viewer.actor,
                  reason=reason or "申报", label=f"基地“{fields['name']}”")


def update_base(session: Session, viewer: Viewer, base_id: int, changes: dict[str, Any], *,
                expected_version: int | None = None, reason: str | None = None) -> ProgrammeBase:
    """修改基地信息 (the office of its region)."""
    base = access.visible_base(session, viewer, base_id)
    access.require(access.can_decide(viewer, base), "修改基地信息")
    unknown = sorted(set(changes) - EDITABLE)
    if unknown:
        raise ValidationFailed(f"基地没有可修改的字段：{'、'.join(unknown)}")
    if "base_type_id" in changes and changes["base_type_id"] == base.base_type_id:
        changes = {k: v for k, v in changes.items() if k != "base_type_id"}  # an old type may stay
    fields = _check_base_fields(session, changes, except_id=base.id)
    if "region_id" in fields:
        access.require(access.manages(viewer, fields["region_id"]), "把基地移到该地区")
    update_fields(session, base, fields, actor=viewer.actor, allowed=EDITABLE, label=f"基地“{base.name}”",
                  expected_version=expected_version, reason=reason)
    return base


def take_step(
    session: Session, viewer: Viewer, base_id: int, step: str, *, reason: str | None = None,
    on: dt.date | None = None, ceremony: str | None = None, expected_version: int | None = None,
    review_year: int | None = None, review_result: ReviewResult | None = None,
) -> ProgrammeBase:
    """One step of a base's life, by an office of its region or above; out of order it is refused (办理顺序)."""
    base = access.visible_base(session, viewer, base_id)
    known = STEPS.get(step.strip()) or next((s for s in STEPS.values() if s.label == step.strip()), None)
    if known is None:  # the step by its name (plaque) or by the word the error lists (挂牌)
        raise ValidationFailed(f"未知的办理事项“{step}”，可选：{'、'.join(s.label for s in STEPS.values())}")
    step = known.name
    access.require(access.can_decide(viewer, base), f"办理基地{known.label}")
    check_version(base, expected_version, f"基地“{base.name}”")
    here = BaseState(base.state)
    if here not in known.sources:
        allowed = "、".join(s.label for s in next_steps(base)) or "无"
        raise ValidationFailed(f"基地“{base.name}”目前{here.label}，不能办理{known.label}（当前可办理：{allowed}）")
    reason = (reason or "").strip() or None
    if known.needs_reason and not reason:
        raise ValidationFailed(f"{known.label}基地须说明原因")
    if reason and len(reason) > 2000:
        raise ValidationFailed("原因最多 2000 个字")
    day = _step_day(base, known, on)
    if step == "yearly_review":
        _yearly_review(session, viewer, base, year=review_year or day.year, result=review_result, on=day,
                       note=reason)
        return base
    before = model_snapshot(base)
    if step == "recognise":
        base.recognised_on = day
    if step == "plaque":
        ceremony = (ceremony or "").strip()
        if not ceremony:
            raise ValidationFailed("请填写挂牌仪式（时间、地点、出席领导等）")
        if len(ceremony) > 2000:
            raise ValidationFailed("挂牌仪式最多 2000 个字")
        base.plaque_on, base.ceremony = day, ceremony
    assert known.target is not None
    base.state = known.target
    flush_or_conflict(session, f"基地“{base.name}”")
    audit.record(session, actor=viewer.actor, action=f"base_{step}", obj=base, before=before,
                 reason=reason or known.label)
    return base


def _step_day(base: ProgrammeBase, step: Step, on: dt.date | None) -> dt.date:
    """The day a step is dated (办理日期): not after today — a base is not 已挂牌 on a future day — and not before
    the base's previous dated step (认定日期, 挂牌日期), so its life reads in order."""
    day = on or local_today()
    not_after_today(day, f"{step.label}日期", f"尚未发生的{step.label}")
    dated = [(d, label) for d, label in ((base.recognised_on, "认定"), (base.plaque_on, "挂牌")) if d is not None]
    if dated:
        last, label = max(dated)
        if day < last:
            raise ValidationFailed(f"{step.label}日期 {day} 早于基地“{base.name}”的{label}日期 {last}，"
                                   "请按办理顺序填写日期")
    return day


def _yearly_review(session: Session, viewer: Viewer, base: ProgrammeBase, *, year: int,
                   result: ReviewResult | None, on: dt.date, note: str | None) -> BaseReview:
    if result is None:
        raise ValidationFailed("请选择年度评估结果：" + "、".join(ReviewResult.labels().values()))
    if not 2000 <= year <= on.year + 1:
        raise ValidationFailed(f"评估年度 {year} 无效")
    taken = session.scalar(select(BaseReview.id).where(BaseReview.base_id == base.id, BaseReview.year == year))
    if taken is not None:
        raise Conflict(f"基地“{base.name}”{year} 年度已评估")
    return create(session, BaseReview(base_id=base.id, year=year, result=result, reviewed_on=on, note=note),
                  actor=viewer.actor, reason=note or f"{year} 年度评估：{result.label}", label="年度评估")


def reviews(session: Session, base_id: int) -> list[BaseReview]:
    return list(session.scalars(select(BaseReview).where(BaseReview.base_id == base_id).order_by(BaseReview.year)))


def record_activity(
    session: Session, viewer: Viewer, base_id: int, *, kind: ActivityKind, held_on: dt.date,
    participants: int | None = None, days: int | None = None, summary: str | None = None,
) -> BaseActivity:
    """记录基地活动 (an internship batch of N 人次 over D days, a training, a service, an event)."""
    base = access.visible_base(session, viewer, base_id)
    access.require(access.can_record_activity(viewer, base), "记录基地活动",
                   "基地的依托单位、合作高校、牵头单位或所在地区的校地合作办公室")
    if BaseState(base.state) not in (BaseState.PLAQUED, BaseState.OPERATING):
        raise ValidationFailed(f"基地“{base.name}”目前{BaseState(base.state).label}，挂牌后才能记录活动")
    not_after_today(held_on, "活动日期", "尚未举行的活动")
    if participants is not None and not 0 <= participants <= MAX_PEOPLE:
        raise ValidationFailed(f"参加人次应为非负整数，最多 {MAX_PEOPLE}")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"天数应为正整数，最多 {MAX_DAYS}")
    if kind in (ActivityKind.INTERNSHIP, ActivityKind.TRAINING) and not participants:
        raise ValidationFailed(f"{kind.label}须填写参加人次")
    summary = (summary or "").strip() or None
    if summary and len(summary) > 2000:
        raise ValidationFailed("活动内容最多 2000 个字")
    return create(session, BaseActivity(base_id=base.id, kind=kind, held_on=held_on, participants=participants,
                                        days=days, summary=summary), actor=viewer.actor, label="基地活动")


def activities(session: Session, base_id: int) -> list[BaseActivity]:
    return list(session.scalars(select(BaseActivity).where(BaseActivity.base_id == base_id)
                                .order_by(BaseActivity.held_on.desc(), BaseActivity.id.desc())))


def history(session: Session, base_id: int) -> list[audit.AuditEntry]:
    """The base's steps with who took them and why (from the audit trail)."""
    return [e for e in audit.history(session, "programme_base", base_id) if e.action.startswith("base_")
            or e.action == "create"]


# ── 1+1+N pairings, duties, 领导包联 ────────────────────────────────────────────────────────────────────────────


def _org_of_kind(session: Session, org_id: int, kinds: Sequence[OrgKind], label: str, what: str) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None or org.retired_at is not None:
        raise ValidationFailed(f"{label}（编号 {org_id}）不存在")
    if org.kind not in kinds:
        raise ValidationFailed(f"“{org.name}”不是{what}，不能作为结对的{label}")
    return org


def create_pairing(
    session: Session, viewer: Viewer, *, university_id: int, lead_unit_id: int, region_id: int,
    started_on: dt.date | None = None, note: str | None = None, base_ids: Sequence[int] = (),
    member_ids: Sequence[int] = (),
) -> Pairing:
    """新建1+1+N结对: one university (高校), one lead unit (牵头单位, a government unit), N bases of the region."""
    access.require(access.manages(viewer, region_id), "建立1+1+N结对")
    if session.get(Region, region_id) is None:
        raise ValidationFailed("结对地区不存在")
    _org_of_kind(session, university_id, (OrgKind.UNIVERSITY,), "高校", "高校")
    lead = _org_of_kind(session, lead_unit_id, (OrgKind.GOVERNMENT,), "牵头单位", "牵头单位（政府部门）")
    _in_pairing_region(session, lead, region_id, "牵头单位")
    taken = session.scalar(select(Pairing.id).where(Pairing.university_id == university_id,
                                                    Pairing.lead_unit_id == lead_unit_id,
                                                    Pairing.region_id == region_id))
    if taken is not None:
        raise Conflict("该高校与牵头单位在此地区已结对")
    bases = _pairing_bases(session, viewer, base_ids)
    members = _members(session, member_ids, lead_unit_id, region_id)
    if note and len(note) > 2000:
        raise ValidationFailed("备注最多 2000 个字")
    if started_on is not None:
        not_after_today(started_on, "结对日期", "尚未建立的结对")
    pairing = create(session, Pairing(university_id=university_id, lead_unit_id=lead_unit_id, region_id=region_id,
                                      started_on=started_on, note=(note or "").strip() or None),
                     actor=viewer.actor, label="结对")
    for b in bases:
        create(session, PairingBase(pairing_id=pairing.id, base_id=b), actor=viewer.actor)
    for m in members:
        create(session, PairingMember(pairing_id=pairing.id, organisation_id=m), actor=viewer.actor)
    return pairing


def _pairing_bases(session: Session, viewer: Viewer, base_ids: Sequence[int]) -> list[int]:
    out = []
    for base_id in dict.fromkeys(base_ids):
        access.visible_base(session, viewer, base_id)
        out.append(base_id)
    return out


def _members(session: Session, member_ids: Sequence[int], lead_unit_id: int, region_id: int) -> list[int]:
    out = []
    for org_id in dict.fromkeys(member_ids):
        if org_id == lead_unit_id:
            raise ValidationFailed("牵头单位不必再列为成员单位")
        org = _org_of_kind(session, org_id, (OrgKind.GOVERNMENT, OrgKind.ENTERPRISE, OrgKind.OTHER, OrgKind.INSTITUTE),
                           "成员单位", "可作为成员单位的单位（政府部门、企业或其他单位）")
        _in_pairing_region(session, org, region_id, "成员单位")
        out.append(org_id)
    return out


def _in_pairing_region(session: Session, org: Organisation, region_id: int, label: str) -> None:
    """A pairing's lead and member units are units of its region (or of a region below it): duties are given to
    them, so a county office that named 芮城's 人社局 would be tasking another county's department. A unit whose
    region is not recorded is taken as the office registered it."""
    if org.region_id is None:
        return
    region = session.get(Region, region_id)
    assert region is not None  # checked by the caller
    inside = session.scalar(select(Region.id).where(Region.id == org.region_id,
                                                    Region.id.in_(regions_under(region.code))))
    if inside is None:
        where = session.get(Region, org.region_id)
        raise ValidationFailed(f"“{org.name}”属于{where.full_name if where else '其他地区'}，不在结对地区"
                               f"{region.full_name}内，不能作为结对的{label}")


def update_pairing(
    session: Session, viewer: Viewer, pairing_id: int, *, started_on: dt.date | None = None,
    ended_on: dt.date | None = None, note: str | None = None, add_base_ids: Sequence[int] = (),
    add_member_ids: Sequence[int] = (), reason: str | None = None,
) -> Pairing:
    """修改结对: dates, note, bases and member units added (the university and lead unit define it: a new pair is a
    new pairing)."""
    pairing = access.visible_pairing(session, viewer, pairing_id)
    access.require(access.can_manage_pairing(viewer, pairing), "修改结对")
    bases = _pairing_bases(session, viewer, add_base_ids)
    members = _members(session, add_member_ids, pairing.lead_unit_id, pairing.region_id)
    changes: dict[str, Any] = {}
    if started_on is not None:
        not_after_today(started_on, "结对日期", "尚未建立的结对")
        changes["started_on"] = started_on
    if ended_on is not None:
        changes["ended_on"] = ended_on
    if note is not None:
        changes["note"] = note.strip() or None
    update_fields(session, pairing, changes, actor=viewer.actor, allowed=("started_on", "ended_on", "note"),
                  label="结对", reason=reason)
    have_b = set(session.scalars(select(PairingBase.base_id).where(PairingBase.pairing_id == pairing.id)))
    have_m = set(session.scalars(select(PairingMember.organisation_id).where(PairingMember.pairing_id == pairing.id)))
    for b in bases:
        if b not in have_b:
            create(session, PairingBase(pairing_id=pairing.id, base_id=b), actor=viewer.actor, reason=reason)
    for m in members:
        if m not in have_m:
            create(session, PairingMember(pairing_id=pairing.id, organisation_id=m), actor=viewer.actor, reason=reason)
    return pairing


def pairing_members(session: Session, pairing_id: int) -> list[PairingMember]:
    return list(session.scalars(select(PairingMember).where(PairingMember.pairing_id == pairing_id)
                                .order_by(PairingMember.id)))


def pairing_bases(session: Session, viewer: Viewer, pairing_id: int) -> list[ProgrammeBase]:
    return list(session.scalars(select(ProgrammeBase).join(PairingBase, PairingBase.base_id == ProgrammeBase.id)
                                .where(PairingBase.pairing_id == pairing_id, access.readable_bases(viewer))
                                .order_by(ProgrammeBase.name)).unique())


@dataclass
class MilestoneIn:
    title: str
    due_on: dt.date


@dataclass
class DutyInput:
    unit_id: int
    title: str
    due_on: dt.date
    description: str | None = None
    starts_on: dt.date | None = None
    milestones: list[MilestoneIn] = field(default_factory=list)


def add_duty(session: Session, viewer: Viewer, pairing_id: int, data: DutyInput) -> Duty:
    """下达职责任务 with its work plan (时间表: milestones and deadline) to the lead unit or a member unit."""
    pairing = access.visible_pairing(session, viewer, pairing_id)
    access.require(access.can_manage_pairing(viewer, pairing), "下达职责任务")
    units = {pairing.lead_unit_id, *session.scalars(select(PairingMember.organisation_id)
                                                    .where(PairingMember.pairing_id == pairing.id))}
    if data.unit_id not in units:
        raise ValidationFailed("职责任务只能下达给本结对的牵头单位或成员单位")
    title = data.title.strip()
    if not title or len(title) > 300:
        raise ValidationFailed("请填写职责任务（最多 300 个字）")
    if data.starts_on and data.starts_on > data.due_on:
        raise ValidationFailed("开始日期不能晚于完成时限")
    if len(data.milestones) > MAX_MILESTONES:
        raise ValidationFailed(f"工作计划最多 {MAX_MILESTONES} 个节点")
    for m in data.milestones:
        if not m.title.strip() or len(m.title.strip()) > 300:
            raise ValidationFailed("请填写节点名称（最多 300 个字）")
        if m.due_on > data.due_on:
            raise ValidationFailed(f"节点“{m.title.strip()}”的时限晚于任务的完成时限 {data.due_on}")
        if data.starts_on and m.due_on < data.starts_on:
            raise ValidationFailed(f"节点“{m.title.strip()}”的时限 {m.due_on} 早于任务的开始日期 {data.starts_on}")
    duty = create(session, Duty(pairing_id=pairing.id, unit_id=data.unit_id, title=title,
                                description=(data.description or "").strip() or None, starts_on=data.starts_on,
                                due_on=data.due_on, state=DutyState.OPEN), actor=viewer.actor, label="职责任务")
    for m in data.milestones:
        create(session, DutyMilestone(duty_id=duty.id, title=m.title.strip(), due_on=m.due_on), actor=viewer.actor)
    session.refresh(duty)
    return duty


def report_duty(
    session: Session, viewer: Viewer, duty_id: int, *, note: str, evidence: str | None = None, done: bool = False,
    milestone_ids: Sequence[int] = (), reported_on: dt.date | None = None, expected_version: int | None = None,
) -> DutyReport:
    """报告进展: a note, evidence (佐证), milestones reached, and — with evidence — the duty done."""
    duty, pairing = access.visible_duty(session, viewer, duty_id)
    access.require(access.can_report_duty(viewer, duty, pairing), "报告该职责任务的进展",
                   "承担该任务的单位或结对所在地区的校地合作办公室")
    check_version(duty, expected_version, f"职责任务“{duty.title}”")
    note = note.strip()
    evidence = (evidence or "").strip() or None
    if not note:
        raise ValidationFailed("请填写进展情况")
    if len(note) > 2000 or (evidence and len(evidence) > 2000):
        raise ValidationFailed("进展情况和佐证材料各最多 2000 个字")
    if duty.state == DutyState.DONE:
        raise ValidationFailed(f"职责任务“{duty.title}”已完成")
    if done and not evidence:
        raise ValidationFailed("报告完成须附佐证材料（文件名、链接或说明）")
    day = reported_on or local_today()
    own = {m.id: m for m in duty.milestones}
    for mid in milestone_ids:
        if mid not in own:
            raise ValidationFailed(f"节点（编号 {mid}）不属于该职责任务")
    reached = [mid for mid in (milestone_ids if not done else own) if own[mid].done_on is None]
    for mid in reached:
        own[mid].done_on = day
    if reached:  # 调度事项销号: the 调度会 items about a milestone close when it is reached
        session.execute(update(DispatchItem).where(DispatchItem.duty_milestone_id.in_(reached),
                                                   DispatchItem.resolved_on.is_(None)).values(resolved_on=day))
    report = create(session, DutyReport(duty_id=duty.id, reported_on=day, note=note, evidence=evidence, done=done,
                                        reporter=viewer.actor.name), actor=viewer.actor, label="进展报告")
    if done:
        before = model_snapshot(duty)
        duty.state, duty.done_on, duty.evidence = DutyState.DONE, day, evidence
        flush_or_conflict(session, f"职责任务“{duty.title}”")
        audit.record(session, actor=viewer.actor, action="duty_done", obj=duty, before=before, reason=note)
    return report


def duty_reports(session: Session, duty_id: int) -> list[DutyReport]:
    return list(session.scalars(select(DutyReport).where(DutyReport.duty_id == duty_id)
                                .order_by(DutyReport.reported_on.desc(), DutyReport.id.desc())))


def duties(session: Session, viewer: Viewer, *, pairing_id: int | None = None,
           unit_id: int | None = None) -> list[Duty]:
    stmt = select(Duty).where(access.readable_duties(viewer)).order_by(Duty.due_on, Duty.id)
    if pairing_id is not None:
        stmt = stmt.where(Duty.pairing_id == pairing_id)
    if unit_id is not None:
        stmt = stmt.where(Duty.unit_id == unit_id)
    return list(session.scalars(stmt).unique())


def is_overdue(duty: Duty, today: dt.date) -> bool:
    return duty.state != DutyState.DONE and (duty.due_on < today or any(
        m.done_on is None and m.due_on < today for m in duty.milestones))


def assign_leader(session: Session, viewer: Viewer, *, university_id: int, region_id: int, leader: str,
                  post: str | None = None, started_on: dt.date | None = None,
                  note: str | None = None) -> LeaderAssignment:
    """领导包联: a leader of the region follows the cooperation with a university."""
    access.require(access.manages(viewer, region_id), "登记领导包联")
    _org_of_kind(session, university_id, (OrgKind.UNIVERSITY, OrgKind.INSTITUTE), "包联高校", "高校或科研院所")
    leader = leader.strip()
    if not leader or len(leader) > 60:
        raise ValidationFailed("请填写包联领导姓名（最多 60 个字）")
    if post and len(post) > 100:
        raise ValidationFailed("职务最多 100 个字")
    return create(session, LeaderAssignment(university_id=university_id, region_id=region_id, leader=leader,
                                            post=(post or "").strip() or None, started_on=started_on,
                                            note=(note or "").strip() or None), actor=viewer.actor, label="领导包联")


def leaders(session: Session, viewer: Viewer) -> list[LeaderAssignment]:
    stmt = select(LeaderAssignment).order_by(LeaderAssignment.region_id, LeaderAssignment.id)
    if not viewer.is_admin:
        ids = sorted(viewer.region_ids) if viewer.is_office else []
        orgs = sorted(viewer.organisation_ids)
        stmt = stmt.where(LeaderAssignment.region_id.in_(ids) | LeaderAssignment.university_id.in_(orgs))
    return list(session.scalars(stmt).unique())


# ── names → ids (pages, CLI) ─────────────────────────────────────────────────────────────────────────────────


def org_id_by_name(session: Session, name: str | None, kind: OrgKind | None = None) -> int | None:
    name = (name or "").strip()
    return resolve_organisation(session, name, kind=kind).id if name else None


def region_id_by_name(session: Session, name: str | None) -> int | None:
    name = (name or "").strip()
    return resolve_region(session, name).id if name else None
