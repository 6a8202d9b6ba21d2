"""Talent services (人才服务): the register, talent cards (人才卡), the benefits catalogue (优惠条件), one-stop
applications routed to departments (一件事), talent apartments (人才公寓) and subsidies (人才补贴).

Every function takes the acting ``Viewer``, asks ``talent.access`` whether it may act, checks every rule before
writing anything (so a refusal leaves nothing half-written) and audits each write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.core import audit
from xiaodi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from xiaodi.core.models import model_snapshot, utcnow
from xiaodi.core.records import create, flush_or_conflict, get_live
from xiaodi.core.settings import local_minute, local_today, not_after_today
from xiaodi.directory.models import Organisation, OrgKind, Person, PersonKind, Region
from xiaodi.notifications.models import NoticeKind
from xiaodi.notifications.service import notify
from xiaodi.talent import access
from xiaodi.talent.identity import validate_id_number
from xiaodi.talent.models import (
    Apartment,
    ApartmentAllocation,
    ApartmentUnit,
    ApplicationKind,
    ApplicationState,
    ApplicationStep,
    Benefit,
    CardState,
    ServiceApplication,
    StayState,
    StepState,
    Subsidy,
    SubsidyGrant,
    SubsidyKind,
    Talent,
    TalentCard,
    TalentMode,
    TalentTier,
)

CARD_YEARS = 3  # a card is valid three years from issue (or renewal)
CARD_NAME = "人才卡"


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _evidence(items: Sequence[str] | None) -> list[str]:
    return [s for s in (_clean(i) for i in (items or ())) if s]


def _tier(session: Session, code_or_id: str | int | None) -> TalentTier | None:
    if code_or_id is None or code_or_id == "":
        return None
    if isinstance(code_or_id, int):
        found = session.get(TalentTier, code_or_id)
    else:
        found = session.scalar(select(TalentTier).where(
            or_(TalentTier.code == code_or_id.strip(), TalentTier.name == code_or_id.strip())))
    if found is None:
        known = "、".join(f"{t.code} {t.name}" for t in tiers(session)) or "尚未登记任何人才层次"
        raise ValidationFailed(f"没有人才层次“{code_or_id}”（现有：{known}；省级办公室用 xiaodi talent tier-add 登记）")
    return found


def tiers(session: Session) -> list[TalentTier]:
    """The talent tiers (人才层次), highest first."""
    return list(session.scalars(select(TalentTier).order_by(TalentTier.rank, TalentTier.code)))


def add_tier(session: Session, viewer: Viewer, *, code: str, name: str, rank: int,
             criteria: str | None = None) -> TalentTier:
    """Publish a talent tier (人才层次: A类 顶尖人才 …, rank 1 the highest): the province's classification that
    cards, benefits and subsidies refer to. A fresh ledger has none, so nothing of the talent services worked until
    the demo's were loaded; the province office (or the administrator) publishes them, each code once."""
    access.require(access.can_keep_tiers(viewer), "登记人才层次（由省级办公室发布）")
    code, name = _clean(code), _clean(name)
    if not code or not name or len(code) > 8 or len(name) > 60:
        raise ValidationFailed("人才层次须有代码（不超过 8 个字符，如 A）和名称（不超过 60 个字，如 顶尖人才）")
    if not 1 <= rank <= 20:
        raise ValidationFailed("人才层次的等级应为 1–20 的整数（1 为最高）")
    if session.scalar(select(TalentTier.id).where(or_(TalentTier.code == code, TalentTier.name == name))):
        raise Conflict(f"人才层次“{code} {name}”的代码或名称已登记")
    return create(session, TalentTier(code=code, name=name, rank=rank, criteria=_clean(criteria) or None),
                  actor=viewer.actor, label=f"人才层次“{code} {name}”")


def region_chain(session: Session, region_id: int | None) -> list[int]:
    """The region and every region above it (a county's card holds the benefits its city and province publish)."""
    out: list[int] = []
    while region_id is not None and region_id not in out:
        out.append(region_id)
        region = session.get(Region, region_id)
        region_id = region.parent_id if region is not None else None
    return out


# ---- the register (人才登记) ---------------------------------------------------------------------------------


def check_introduced_on(day: dt.date | None) -> None:
    """A talent is registered once brought in: 引进日期 not after today. The register's pages and API
    (``register_talent``) and the 引进人才登记表 import (``tables.talent_tables``) apply the same rule."""
    not_after_today(day, "引进日期", "尚未引进的人才")


def register_talent(
    session: Session, viewer: Viewer, *, name: str, region_id: int, id_number: str | None = None,
    phone: str | None = None, tier: str | int | None = None, category: str | None = None,
    employer_id: int | None = None, university_id: int | None = None, introduced_on: dt.date | None = None,
    mode: TalentMode | str = TalentMode.FULL_TIME, evidence: Sequence[str] | None = None,
    person_id: int | None = None,
) -> Talent:
    """Register a talent brought in or served (引进人才登记), with a person record of kind 引进人才."""
    access.require(access.can_register(viewer, region_id), "登记该地区的人才")
    get_live(session, Region, region_id, "行政区")
    name = _clean(name)
    if not name and person_id is None:
        raise ValidationFailed("姓名不能为空")
    check_introduced_on(introduced_on)
    number = validate_id_number(id_number) if id_number else None
    tier_row = _tier(session, tier)
    try:
        mode = TalentMode(mode) if not isinstance(mode, TalentMode) else mode
    except ValueError:
        mode = TalentMode.from_label(str(mode))
    for oid, label in ((employer_id, "用人单位"), (university_id, "来源高校")):
        if oid is not None:
            get_live(session, Organisation, oid, label)
    if number is not None:
        holder = session.scalar(select(Person.id).where(Person.id_number == number, Person.retired_at.is_(None)))
        if holder is not None and holder != person_id:
            raise Conflict("该身份证号码已登记在另一人员名下，请核对")
    if person_id is not None:
        person = get_live(session, Person, person_id, "人员")
        if session.scalar(select(Talent.id).where(Talent.person_id == person_id)) is not None:
            raise Conflict(f"“{person.name}”已在人才登记中")
        if number is None and person.id_number:
            try:  # a person of the directory brings the number it holds: it must pass the same check
                validate_id_number(person.id_number)
            except ValidationFailed as exc:
                raise ValidationFailed(f"人员“{person.name}”的身份证号码有误，请先更正：{exc}") from None
    else:
        person = create(session, Person(kind=PersonKind.TALENT, name=name, organisation_id=employer_id,
                                        id_number=number, phone=_clean(phone) or None, region_id=region_id),
                        actor=viewer.actor, label=f"人员“{name}”")
    talent = Talent(code=next_talent_code(session, region_id), person_id=person.id,
                    tier_id=tier_row.id if tier_row else None, category=_clean(category) or None,
                    employer_id=employer_id, region_id=region_id, university_id=university_id,
                    introduced_on=introduced_on, mode=mode, evidence=_evidence(evidence))
    return create(session, talent, actor=viewer.actor, label=f"人才“{person.name}”")


def next_talent_code(session: Session, region_id: int | None) -> str:
    """The next registration number of a region: RC140882-000001 …"""
    region = session.get(Region, region_id) if region_id is not None else None
    stem = f"RC{region.code if region else '000000'}-"
    last = session.scalar(select(func.max(Talent.code)).where(Talent.code.like(stem + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{stem}{seq:06d}"


def talent_of(session: Session, viewer: Viewer) -> Talent | None:
    """The viewer's own register entry (a talent account), if any."""
    if viewer.person_id is None:
        return None
    return session.scalar(select(Talent).where(Talent.person_id == viewer.person_id, Talent.retired_at.is_(None)))


# ---- talent cards (人才卡) -----------------------------------------------------------------------------------


def apply_for_card(
    session: Session, viewer: Viewer, *, talent_id: int, tier: str | int | None = None,
    evidence: Sequence[str] | None = None, card_name: str | None = None,
) -> TalentCard:
    """Apply for a talent card with evidence (申领人才卡). Without evidence the application is refused."""
    talent = access.get_visible(session, Talent, talent_id, viewer, "人才")
    access.require(access.can_apply_card(viewer, talent), "为该人才申领人才卡")
    items = _evidence(evidence) or list(talent.evidence)
    if not items:
        raise ValidationFailed("申领人才卡须提交证明材料（如学历学位证书、劳动合同、职称证书），当前没有任何材料")
    tier_row = _tier(session, tier) or talent.tier
    if tier_row is None:
        raise ValidationFailed("请选择申领的人才层次")
    open_card = session.scalar(select(TalentCard.id).where(
        TalentCard.person_id == talent.person_id, TalentCard.retired_at.is_(None),
        TalentCard.state.in_((CardState.APPLIED, CardState.ACTIVE))))
    if open_card is not None:
        raise Conflict("该人才已有待审核或有效的人才卡，不能重复申领")
    card = TalentCard(person_id=talent.person_id, talent_id=talent.id, tier_id=tier_row.id, region_id=talent.region_id,
                      employer_id=talent.employer_id, state=CardState.APPLIED, evidence=items,
                      card_name=_clean(card_name) or CARD_NAME, applied_at=utcnow())
    return create(session, card, actor=viewer.actor, label="人才卡申请")


def _card_for_decision(session: Session, viewer: Viewer, card_id: int, expected_version: int | None) -> TalentCard:
    card = access.get_visible(session, TalentCard, card_id, viewer, "人才卡")
    access.require(access.can_decide_card(viewer, card), "审核该地区的人才卡")
    if expected_version is not None and card.version != expected_version:
        raise Conflict("人才卡已被他人修改，请刷新后重试")
    return card


def _change(session: Session, viewer: Viewer, card: TalentCard, action: str, why: str | None,
            **values: Any) -> TalentCard:
    before = model_snapshot(card)
    for key, value in values.items():
        setattr(card, key, value)
    card.decided_by = viewer.name
    flush_or_conflict(session, "人才卡")
    audit.record(session, actor=viewer.actor, action=action, obj=card, before=before, reason=why)
    _tell_holder(session, viewer, card.person_id, f"{card.card_name or '人才卡'}{_CARD_NEWS[action](card)}",
                 f"/talent-cards/{card.id}")
    return card


# What the holder reads in the inbox after each decision on their card (办理进展).
_CARD_NEWS: dict[str, Any] = {
    "issue": lambda c: f"审核通过，已发卡（卡号 {c.card_no}，有效期至 {c.expires_on}）",
    "refuse": lambda c: f"申请未通过审核：{c.reason}",
    "renew": lambda c: f"已续期，有效期至 {c.expires_on}",
    "revoke": lambda c: f"已撤销：{c.reason}",
}


def _tell_holder(session: Session, viewer: Viewer, person_id: int | None, title: str, link: str) -> None:
    """办理进展: the talent's own accounts learn of a decision on their card or an answer to their step in the
    inbox (and by e-mail when configured) — the talent need not keep checking their page."""
    if person_id is None:
        return
    from xiaodi.accounts.models import User

    users = session.scalars(select(User.id).where(User.person_id == person_id, User.is_active.is_(True))).all()
    notify(session, kind=NoticeKind.APPLICATION_ANSWERED, title=title, link=link, user_ids=users,
           exclude_user_id=viewer.user_id)


def next_card_no(session: Session, year: int, prefix: str = "RC") -> str:
    """The next card number of a year: RC2026-00001 …"""
    stem = f"{prefix}{year}-"
    last = session.scalar(select(func.max(TalentCard.card_no)).where(TalentCard.card_no.like(stem + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{stem}{seq:05d}"


def issue_card(
    session: Session, viewer: Viewer, *, card_id: int, issued_on: dt.date | None = None, tier: str | int | None = None,
    years: int = CARD_YEARS, expected_version: int | None = None,
) -> TalentCard:
    """Approve an application and issue the card (审核通过、发卡): a number, the level granted and a validity."""
    card = _card_for_decision(session, viewer, card_id, expected_version)
    if card.state != CardState.APPLIED:
        raise Conflict(f"人才卡当前为“{CardState(card.state).label}”，只能审核待审核的申请")
    if not card.evidence:
        raise ValidationFailed("申请缺少证明材料，不能发卡")
    if not 1 <= years <= 10:
        raise ValidationFailed("有效期应为1–10年")
    day = issued_on or local_today()
    tier_row = _tier(session, tier)
    return _change(session, viewer, card, "issue", None, state=CardState.ACTIVE,
                   card_no=next_card_no(session, day.year), issued_on=day, expires_on=_add_years(day, years),
                   tier_id=tier_row.id if tier_row else card.tier_id, reason=None)


def refuse_card(session: Session, viewer: Viewer, *, card_id: int, reason: str,
                expected_version: int | None = None) -> TalentCard:
    """Refuse an application (审核不通过); the reason is required and shown to the talent."""
    card = _card_for_decision(session, viewer, card_id, expected_version)
    if card.state != CardState.APPLIED:
        raise Conflict(f"人才卡当前为“{CardState(card.state).label}”，只能审核待审核的申请")
    if not _clean(reason):
        raise ValidationFailed("不予通过须说明理由")
    return _change(session, viewer, card, "refuse", reason, state=CardState.REFUSED, reason=_clean(reason))


def renew_card(session: Session, viewer: Viewer, *, card_id: int, years: int = CARD_YEARS,
               expected_version: int | None = None) -> TalentCard:
    """Renew a card (续期): a valid or expired card gets ``years`` more from its expiry (or today when later)."""
    card = _card_for_decision(session, viewer, card_id, expected_version)
    if card.state not in (CardState.ACTIVE, CardState.EXPIRED):
        raise Conflict(f"人才卡当前为“{CardState(card.state).label}”，不能续期")
    if not 1 <= years <= 10:
        raise ValidationFailed("续期年限应为1–10年")
    today = local_today()
    start = max(card.expires_on or today, today)
    expires = _add_years(start, years)
    if expires > _add_years(today, 10):
        raise ValidationFailed(f"续期后有效期至 {expires}，超过自今天起 10 年（{_add_years(today, 10)}）；"
                               f"该卡现有效期至 {card.expires_on}，可在临近到期时再续期")
    return _change(session, viewer, card, "renew", None, state=CardState.ACTIVE, expires_on=expires)


def revoke_card(session: Session, viewer: Viewer, *, card_id: int, reason: str,
                expected_version: int | None = None) -> TalentCard:
    """Revoke a card (撤销); its holder can no longer apply with it."""
    card = _card_for_decision(session, viewer, card_id, expected_version)
    if card.state not in (CardState.ACTIVE, CardState.SUSPENDED, CardState.EXPIRED):
        raise Conflict(f"人才卡当前为“{CardState(card.state).label}”，不能撤销")
    if not _clean(reason):
        raise ValidationFailed("撤销人才卡须说明理由")
    return _change(session, viewer, card, "revoke", reason, state=CardState.REVOKED, reason=_clean(reason))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def card_is_valid(card: TalentCard, on: dt.date | None = None) -> bool:
    on = on or local_today()
    return card.state == CardState.ACTIVE and (card.expires_on is None or card.expires_on >= on)


def card_benefits(session: Session, card: TalentCard) -> list[Benefit]:
    """The benefits the card's level grants (享受的优惠条件): those of its region and the regions above, whose
    lowest tier is the card's or below it (tier rank 1 is the highest)."""
    stmt = select(Benefit).where(Benefit.retired_at.is_(None),
                                 or_(Benefit.region_id.is_(None),
                                     Benefit.region_id.in_(region_chain(session, card.region_id))))
    rank = card.tier.rank
    return [b for b in session.scalars(stmt.order_by(Benefit.id)) if b.min_tier is None or rank <= b.min_tier.rank]


# ---- the benefits catalogue (优惠条件) -------------------------------------------------------------------------


def add_benefit(
    session: Session, viewer: Viewer, *, code: str, name: str, department_id: int, region_id: int,
    kind: ApplicationKind | str = ApplicationKind.BENEFIT, min_tier: str | int | None = None,
    time_limit_days: int = 15, amount: Decimal | None = None, description: str | None = None,
) -> Benefit:
    """Add a benefit to a region's catalogue: its level, the granting department and the time limit (办理时限)."""
    access.require(access.can_keep_catalogue(viewer, region_id), "维护该地区的优惠条件")
    get_live(session, Region, region_id, "行政区")
    if not _clean(code) or not _clean(name):
        raise ValidationFailed("优惠条件须有编号和名称")
    if not 1 <= time_limit_days <= 365:
        raise ValidationFailed("办理时限应为1–365天")
    dept = _department(session, department_id)
    tier_row = _tier(session, min_tier)
    benefit = Benefit(code=_clean(code), name=_clean(name), kind=ApplicationKind(kind), region_id=region_id,
                      min_tier_id=tier_row.id if tier_row else None, provider_unit_id=dept.id,
                      provider_name=dept.name, time_limit_days=time_limit_days, amount=amount,
                      description=_clean(description) or None)
    return create(session, benefit, actor=viewer.actor, label=f"优惠条件“{name}”")


def _department(session: Session, department_id: int) -> Organisation:
    dept = get_live(session, Organisation, department_id, "部门")
    if dept.kind != OrgKind.GOVERNMENT:
        raise ValidationFailed(f"“{dept.name}”不是政府职能部门，不能办理人才待遇")
    return dept


# ---- one-stop applications (一件事) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One benefit asked for in a one-stop application, and (optionally) the department the talent addressed."""

    benefit_id: int
    department_id: int | None = None


def apply_one_stop(
    session: Session, viewer: Viewer, *, card_id: int, items: Sequence[Item], details: dict[str, Any] | None = None,
    on: dt.date | None = None,
) -> ServiceApplication:
    """Apply once (一次申请) for several benefits; the application is routed to each granting department with its
    time limit. Every item is checked before anything is written. ``on``: the day it was applied, when an office
    records a paper application late — its 申请时间 and the steps' time limits count from that day."""
    card = access.get_visible(session, TalentCard, card_id, viewer, "人才卡")
    access.require(access.can_apply_service(viewer, card), "用这张人才卡申请")
    today = local_today()
    day = on or today
    not_after_today(day, "申请日期", "尚未提出的申请")
    if not card_is_valid(card, day):
        raise ValidationFailed(f"人才卡当前为“{CardState(card.state).label}”或已过有效期，不能申请")
    if not items:
        raise ValidationFailed("请至少选择一项待遇")
    details = _details(details)
    granted = {b.id: b for b in card_benefits(session, card)}
    seen: set[int] = set()
    routes: list[tuple[Benefit, int]] = []
    for item in items:
        benefit = session.get(Benefit, item.benefit_id)
        if benefit is None or benefit.retired_at is not None:
            raise NotFound(f"优惠条件（编号 {item.benefit_id}）不存在")
        if benefit.id in seen:
            raise ValidationFailed(f"“{benefit.name}”重复申请")
        seen.add(benefit.id)
        if benefit.id not in granted:
            raise ValidationFailed(f"“{benefit.name}”不在您人才卡等级（{card.tier.name}）可享受的范围内")
        if benefit.provider_unit_id is None:
            raise ValidationFailed(f"“{benefit.name}”尚未指定办理部门，请联系办公室")
        if item.department_id is not None and item.department_id != benefit.provider_unit_id:
            dept = session.get(Organisation, item.department_id)
            raise ValidationFailed(f"“{dept.name if dept else item.department_id}”不办理“{benefit.name}”，"
                                   f"该事项由“{benefit.provider_name}”办理")
        routes.append((benefit, benefit.provider_unit_id))
    _no_open_application(session, card, [b for b, _ in routes])
    _not_done_once_already(session, card, [b for b, _ in routes])
    app = ServiceApplication(card_id=card.id, region_id=card.region_id, kind=ApplicationKind.ONE_STOP,
                             state=ApplicationState.ACCEPTED,
                             details=details, submitted_at=utcnow() - dt.timedelta(days=(today - day).days))
    create(session, app, actor=viewer.actor, label="一件事申请")
    for benefit, dept_id in routes:
        step = ApplicationStep(application_id=app.id, benefit_id=benefit.id, department_id=dept_id,
                               due_on=day + dt.timedelta(days=benefit.time_limit_days))
        create(session, step, actor=viewer.actor, label="办理事项")
        _tell_department(session, viewer, card, step, benefit)
    session.refresh(app)
    return app


OPEN_APPLICATION = (ApplicationState.SUBMITTED, ApplicationState.ACCEPTED)  # not 办结, 未批准 or withdrawn


MAX_DETAIL = 2000  # the 说明 box of the 一件事 form (maxlength=2000)


def _details(details: dict[str, Any] | None) -> dict[str, Any]:
    """The application's free text (说明 …): each text at most 2000 characters, as the form allows."""
    out = dict(details or {})
    for key, value in out.items():
        if isinstance(value, str) and len(value) > MAX_DETAIL:
            raise ValidationFailed(f"{key}最多 {MAX_DETAIL} 个字（现为 {len(value)} 个字）")
    return out


def _no_open_application(session: Session, card: TalentCard, benefits: Sequence[Benefit]) -> None:
    """One open request per benefit and person (重复申请): a benefit still waiting for its department's answer in
    an earlier application of the same talent (any of their cards) is refused, so the department does not get the
    same to-do twice. A refused or answered step may be applied for again."""
    open_step = session.execute(
        select(ServiceApplication.id, Benefit.name)
        .join(ApplicationStep, ApplicationStep.application_id == ServiceApplication.id)
        .join(Benefit, Benefit.id == ApplicationStep.benefit_id)
        .join(TalentCard, TalentCard.id == ServiceApplication.card_id)
        .where(TalentCard.person_id == card.person_id, ServiceApplication.retired_at.is_(None),
               ServiceApplication.state.in_([s.value for s in OPEN_APPLICATION]),
               ApplicationStep.state == StepState.PENDING.value,
               ApplicationStep.benefit_id.in_([b.id for b in benefits]))
        .order_by(ServiceApplication.id)).first()
    if open_step is not None:
        app_id, name = open_step
        raise ValidationFailed(f"“{name}”已在一件事申请（编号 {app_id}）中办理，尚未办结，不能重复申请；"
                               "请等待部门答复")


ONCE_ONLY = (ApplicationKind.SETTLEMENT,)  # a person settles (落户) in a place once; a second 办结 would count twice


def _not_done_once_already(session: Session, card: TalentCard, benefits: Sequence[Benefit]) -> None:
    """A once-only benefit (落户) that a department has already granted this talent in the same region (已办结) is
    refused, with the application that did it; a refused one (不予办理) may be applied for again."""
    once = [b for b in benefits if b.kind in ONCE_ONLY]
    if not once:
        return
    done = session.execute(
        select(ServiceApplication.id, Benefit.name, ApplicationStep.answered_at)
        .join(ApplicationStep, ApplicationStep.application_id == ServiceApplication.id)
        .join(Benefit, Benefit.id == ApplicationStep.benefit_id)
        .join(TalentCard, TalentCard.id == ServiceApplication.card_id)
        .where(TalentCard.person_id == card.person_id, ServiceApplication.retired_at.is_(None),
               ApplicationStep.state == StepState.APPROVED.value,
               Benefit.kind.in_([b.kind for b in once]),
               Benefit.region_id.in_([b.region_id for b in once]))
        .order_by(ServiceApplication.id)).first()
    if done is not None:
        app_id, name, answered_at = done
        when = f"于 {local_minute(answered_at)[:10]} " if answered_at else ""
        raise ValidationFailed(f"“{name}”已{when}办结（一件事申请编号 {app_id}），同一地区只办理一次，不能再次申请")


def _tell_department(session: Session, viewer: Viewer, card: TalentCard, step: ApplicationStep,
                     benefit: Benefit) -> None:
    """待办申请: the accounts of the department a step is routed to find it in their inbox (once per step)."""
    notify(session, kind=NoticeKind.APPLICATION_WAITING,
           title=f"一件事申请待办理：{card.person.name}申请“{benefit.name}”，请于 {step.due_on} 前答复",
           link=f"/talent-applications/{step.application_id}", organisation_ids=[step.department_id],
           key=f"step:{step.id}", exclude_user_id=viewer.user_id)


def answer_step(session: Session, viewer: Viewer, *, step_id: int, approve: bool, answer: str | None = None
                ) -> ApplicationStep:
    """A department answers its step (办结 or 不予办理, with the reason); when every step is answered the
    application is finished (已办结, or 未批准 when every step was refused)."""
    step = session.get(ApplicationStep, step_id)
    missing = NotFound(f"办理事项（编号 {step_id}）不存在或您无权查看")
    if step is None:
        raise missing
    try:
        access.get_visible(session, ServiceApplication, step.application_id, viewer, "一件事申请")
    except NotFound:
        raise missing from None  # name the step asked for, not its application's number
    if not access.can_answer_step(viewer, step):
        raise Forbidden(f"“{step.benefit.name}”只能由办理该事项的部门（{step.department.name}）答复")
    if step.state != StepState.PENDING:
        raise Conflict("该事项已答复，不能重复答复")
    if not approve and not _clean(answer):
        raise ValidationFailed("不予办理须说明理由")
    before = model_snapshot(step)
    step.state = StepState.APPROVED if approve else StepState.REJECTED
    step.answer = _clean(answer) or None
    step.answered_at = utcnow()
    step.answered_by = viewer.name
    flush_or_conflict(session, "办理事项")
    audit.record(session, actor=viewer.actor, action="answer", obj=step, before=before, reason=step.answer)
    app = step.application
    verdict = "已办结" if approve else f"不予办理：{step.answer}"
    _tell_holder(session, viewer, app.card.person_id,
                 f"一件事申请 {app.id}：{step.department.name}答复“{step.benefit.name}”——{verdict}",
                 "/talent/me")
    if all(s.state != StepState.PENDING for s in app.steps):
        before_app = model_snapshot(app)
        done = any(s.state == StepState.APPROVED for s in app.steps)
        app.state = ApplicationState.FULFILLED if done else ApplicationState.REJECTED
        app.decided_at = utcnow()
        app.decided_by = viewer.name
        flush_or_conflict(session, "一件事申请")
        audit.record(session, actor=viewer.actor, action="finish", obj=app, before=before_app)
    return step


@dataclass(frozen=True)
class OverdueStep:
    step_id: int
    application_id: int
    talent: str
    benefit: str
    department: str
    due_on: dt.date
    days_overdue: int
    region_id: int | None = None  # the issuing region of the talent's card: its office follows the step up


def overdue_steps(session: Session, *, as_of: dt.date, regions: Sequence[int] | None = None) -> list[OverdueStep]:
    """Steps past their time limit and still unanswered (逾期未办结), most late first — for the dispatch list."""
    stmt = (select(ApplicationStep.id, ApplicationStep.application_id, Person.name, Benefit.name, Organisation.name,
                   ApplicationStep.due_on, TalentCard.region_id)
            .join(ServiceApplication, ServiceApplication.id == ApplicationStep.application_id)
            .join(TalentCard, TalentCard.id == ServiceApplication.card_id)
            .join(Person, Person.id == TalentCard.person_id)
            .join(Benefit, Benefit.id == ApplicationStep.benefit_id)
            .join(Organisation, Organisation.id == ApplicationStep.department_id)
            .where(ApplicationStep.state == StepState.PENDING, ApplicationStep.due_on < as_of)
            .order_by(ApplicationStep.due_on, ApplicationStep.id))
    if regions is not None:
        stmt = stmt.where(TalentCard.region_id.in_(list(regions)))
    return [OverdueStep(sid, aid, who, what, dept, due, (as_of - due).days, region)
            for sid, aid, who, what, dept, due, region in session.execute(stmt).all()]


def waiting_steps(session: Session, viewer: Viewer, *, today: dt.date) -> tuple[int, int]:
    """(pending, of which overdue) one-stop steps routed to the departments the viewer acts for (本部门待办理),
    for the department's dashboard; (0, 0) for a viewer who acts for no organisation."""
    if not viewer.organisation_ids:
        return 0, 0
    pending, late = session.execute(select(func.count(), func.count().filter(ApplicationStep.due_on < today)).where(
        ApplicationStep.state == StepState.PENDING,
        ApplicationStep.department_id.in_(sorted(viewer.organisation_ids)))).one()
    return int(pending), int(late)


def notify_overdue_steps(session: Session, *, today: dt.date) -> int:
    """逾期提醒: a step still unanswered past its time limit tells the office of the card's region (its dispatch
    list shows it too), once per step. Run daily by ``xiaodi notify due``; returns the messages written."""
    count = 0
    for late in overdue_steps(session, as_of=today):
        made = notify(session, kind=NoticeKind.APPLICATION_WAITING,
                      title=f"一件事申请逾期：{late.department}办理{late.talent}的“{late.benefit}”已超时限"
                            f"（{late.due_on} 到期，逾期 {late.days_overdue} 天）",
                      link=f"/talent-applications/{late.application_id}", region_ids=[late.region_id],
                      key=f"step-overdue:{late.step_id}")
        count += len(made)
    return count


# ---- apartments (人才公寓) ----------------------------------------------------------------------------------


def add_apartment(session: Session, viewer: Viewer, *, name: str, region_id: int, address: str | None = None,
                  operator_id: int | None = None) -> Apartment:
    """登记人才公寓 (a building the region offers talents), by an office of its region; its rooms are added next
    (``add_unit``). Before, only the demo made apartments: a real deployment had none to allocate."""
    access.require(access.can_manage_apartments(viewer, region_id), "登记该地区的人才公寓")
    get_live(session, Region, region_id, "行政区")
    name_ = _clean(name)
    if not name_ or len(name_) > 200:
        raise ValidationFailed("请填写公寓名称（最多 200 个字）")
    if session.scalar(select(Apartment.id).where(Apartment.name == name_)) is not None:
        raise Conflict(f"人才公寓“{name_}”已登记")
    if operator_id is not None:
        get_live(session, Organisation, operator_id, "运营单位")
    address_ = _clean(address) or None
    if address_ and len(address_) > 300:
        raise ValidationFailed("地址最多 300 个字")
    return create(session, Apartment(name=name_, region_id=region_id, address=address_, operator_id=operator_id),
                  actor=viewer.actor, label=f"人才公寓“{name_}”")


def add_unit(session: Session, viewer: Viewer, *, apartment_id: int, unit_no: str, layout: str | None = None,
             area_m2: Decimal | None = None) -> ApartmentUnit:
    apartment = get_live(session, Apartment, apartment_id, "人才公寓")
    access.require(access.can_manage_apartments(viewer, apartment.region_id), "管理该地区的人才公寓")
    if not _clean(unit_no):
        raise ValidationFailed("房号不能为空")
    unit = ApartmentUnit(apartment_id=apartment.id, unit_no=_clean(unit_no), layout=_clean(layout) or None,
                         area_m2=area_m2)
    return create(session, unit, actor=viewer.actor, label=f"房间“{unit_no}”")


def _stay_end(a: ApartmentAllocation) -> dt.date | None:
    return a.vacated_on or a.to_on


def allocate(
    session: Session, viewer: Viewer, *, apartment_id: int, unit_no: str, talent_id: int, from_on: dt.date,
    to_on: dt.date | None = None, application_id: int | None = None,
) -> ApartmentAllocation:
    """Allocate a unit to a talent for a stay (分配入住). A stay overlapping another of the same unit is refused
    here on every database; on PostgreSQL the exclusion constraint refuses it even for two writers at once."""
    apartment = get_live(session, Apartment, apartment_id, "人才公寓")
    access.require(access.can_manage_apartments(viewer, apartment.region_id), "分配该地区的人才公寓")
    talent = access.get_visible(session, Talent, talent_id, viewer, "人才")
    unit_no = _clean(unit_no)
    if to_on is not None and to_on <= from_on:
        raise ValidationFailed("退房日期应晚于入住日期")
    units = set(session.scalars(select(ApartmentUnit.unit_no).where(ApartmentUnit.apartment_id == apartment.id)))
    if units and unit_no not in units:
        raise ValidationFailed(f"“{apartment.name}”没有房间“{unit_no}”")
    others = session.scalars(select(ApartmentAllocation).where(
        ApartmentAllocation.apartment_id == apartment.id, ApartmentAllocation.unit_no == unit_no))
    for other in others:
        end = _stay_end(other)
        if (end is None or end > from_on) and (to_on is None or to_on > other.from_on):
            raise Conflict(f"“{apartment.name}”{unit_no} 在 {other.from_on} 至 {end or '长期'} 已有人入住，"
                           "分配时间重叠")
    _no_second_home(session, talent, from_on, to_on)
    allocation = ApartmentAllocation(apartment_id=apartment.id, unit_no=unit_no, talent_id=talent.id,
                                     application_id=application_id, from_on=from_on, to_on=to_on)
    session.add(allocation)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == "23P01":  # exclusion_violation: a concurrent overlapping stay
            raise Conflict(f"“{apartment.name}”{unit_no} 同一时间已有人入住，分配时间重叠") from exc
        raise
    audit.record(session, actor=viewer.actor, action="create", obj=allocation)
    return allocation


def _no_second_home(session: Session, talent: Talent, from_on: dt.date, to_on: dt.date | None) -> None:
    """One talent, one apartment at a time (一人一套): a stay overlapping the person's own stay elsewhere is refused,
    naming the room they already hold."""
    stays = session.scalars(select(ApartmentAllocation).where(ApartmentAllocation.talent_id == talent.id)
                            .order_by(ApartmentAllocation.from_on))
    for stay in stays:
        end = _stay_end(stay)
        if (end is None or end > from_on) and (to_on is None or to_on > stay.from_on):
            raise Conflict(f"“{talent.person.name}”在 {stay.from_on} 至 {end or '长期'} 已入住"
                           f"“{stay.apartment.name}”{stay.unit_no}，同一时间不能再分配一套公寓")


def check_out(session: Session, viewer: Viewer, *, allocation_id: int, on: dt.date) -> ApartmentAllocation:
    """Record the move-out (退房); the unit is free from that day."""
    allocation: ApartmentAllocation = access.get_visible(session, ApartmentAllocation, allocation_id, viewer,
                                                         "入住记录")
    access.require(access.can_manage_apartments(viewer, allocation.apartment.region_id), "办理该公寓的退房")
    if allocation.vacated_on is not None:
        raise Conflict("已办理退房")
    if on < allocation.from_on:
        raise ValidationFailed("退房日期不能早于入住日期")
    not_after_today(on, "退房日期", "尚未发生的退房（到期日在分配时登记）")
    before = model_snapshot(allocation)
    allocation.vacated_on = on
    flush_or_conflict(session, "入住记录")
    audit.record(session, actor=viewer.actor, action="check_out", obj=allocation, before=before)
    return allocation


@dataclass(frozen=True)
class UnitView:
    """One unit of an apartment and who lives there on the day (房间与当前入住)."""

    apartment: Apartment
    unit_no: str
    layout: str | None
    occupant: ApartmentAllocation | None


@dataclass(frozen=True)
class ApartmentView:
    """An apartment the viewer manages, its units and how many are occupied on the day."""

    apartment: Apartment
    region: str
    units: list[UnitView]

    @property
    def occupied(self) -> int:
        return sum(1 for u in self.units if u.occupant is not None)


def region_names(session: Session, region_ids: set[int | None]) -> dict[int, str]:
    ids = sorted(r for r in region_ids if r is not None)
    if not ids:
        return {}
    return {rid: name for rid, name in session.execute(select(Region.id, Region.name).where(Region.id.in_(ids)))}


def apartments_of(session: Session, viewer: Viewer, *, on: dt.date, region_id: int | None = None
                  ) -> list[ApartmentView]:
    """The apartments of the viewer's regions (人才公寓台账) with their units and each unit's present occupant."""
    stmt = select(Apartment).where(Apartment.retired_at.is_(None), access.apartment_scope(viewer))
    if region_id is not None:
        stmt = stmt.where(Apartment.region_id == region_id)
    apartments = list(session.scalars(stmt.order_by(Apartment.region_id, Apartment.name)))
    ids = [a.id for a in apartments]
    if not ids:
        return []
    names = region_names(session, {a.region_id for a in apartments})
    units: dict[int, list[ApartmentUnit]] = {i: [] for i in ids}
    for unit in session.scalars(select(ApartmentUnit).where(ApartmentUnit.apartment_id.in_(ids))
                                .order_by(ApartmentUnit.unit_no)):
        units[unit.apartment_id].append(unit)
    staying: dict[tuple[int, str], ApartmentAllocation] = {}
    for stay in session.scalars(select(ApartmentAllocation).where(
            ApartmentAllocation.apartment_id.in_(ids), ApartmentAllocation.vacated_on.is_(None),
            ApartmentAllocation.from_on <= on,
            or_(ApartmentAllocation.to_on.is_(None), ApartmentAllocation.to_on >= on))):
        staying[(stay.apartment_id, stay.unit_no)] = stay
    return [ApartmentView(a, names.get(a.region_id or 0, ""), [
        UnitView(a, u.unit_no, u.layout, staying.get((a.id, u.unit_no))) for u in units[a.id]])
        for a in apartments]


def allocations_of(session: Session, viewer: Viewer, *, on: dt.date, state: StayState | None = None,
                   region_id: int | None = None, limit: int = 500) -> list[ApartmentAllocation]:
    """The stays the viewer may see (入住记录), newest first, optionally of one state on the day or one region."""
    stmt = (select(ApartmentAllocation).join(Apartment, Apartment.id == ApartmentAllocation.apartment_id)
            .where(access.allocation_scope(viewer)))
    if region_id is not None:
        stmt = stmt.where(Apartment.region_id == region_id)
    open_ = ApartmentAllocation.vacated_on.is_(None)
    if state == StayState.VACATED:
        stmt = stmt.where(ApartmentAllocation.vacated_on.is_not(None))
    elif state == StayState.COMING:
        stmt = stmt.where(open_, ApartmentAllocation.from_on > on)
    elif state == StayState.ENDED:
        stmt = stmt.where(open_, ApartmentAllocation.to_on < on)
    elif state == StayState.STAYING:
        stmt = stmt.where(open_, ApartmentAllocation.from_on <= on,
                          or_(ApartmentAllocation.to_on.is_(None), ApartmentAllocation.to_on >= on))
    return list(session.scalars(stmt.order_by(ApartmentAllocation.from_on.desc(), ApartmentAllocation.id.desc())
                                .limit(limit)))


def find_talent(session: Session, viewer: Viewer, text: str) -> Talent:
    """The talent a form names by registration number (登记编号) or by name, among those the viewer may see; a
    name shared by several asks for the number."""
    text = _clean(text)
    if not text:
        raise ValidationFailed("请填写人才的登记编号或姓名")
    visible = select(Talent).join(Person, Person.id == Talent.person_id).where(
        Talent.retired_at.is_(None), access.talent_scope(viewer))
    found = session.scalar(visible.where(Talent.code == text))
    if found is not None:
        return found
    named = list(session.scalars(visible.where(Person.name == text).limit(5)))
    if len(named) == 1:
        return named[0]
    if named:
        codes = "、".join(t.code for t in named)
        raise ValidationFailed(f"有多位名为“{text}”的人才（{codes}），请填写登记编号")
    raise ValidationFailed(f"没有找到人才“{text}”（请填写登记编号或姓名，且须为您所辖地区的人才）")


# ---- subsidies (人才补贴) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubsidyRule:
    """A published rule (补贴政策): what each instalment pays, how many, and who qualifies."""

    code: str
    kind: SubsidyKind
    name: str
    instalment_amount: Decimal
    instalments: int
    max_rank: int | None = None  # the lowest tier that qualifies (rank; None: any registered talent)
    full_time_only: bool = False


SUBSIDY_RULES: dict[str, SubsidyRule] = {r.code: r for r in (
    SubsidyRule("living_top", SubsidyKind.LIVING, "高层次人才生活补贴（A、B类）", Decimal("5000"), 36, max_rank=2),
    SubsidyRule("living", SubsidyKind.LIVING, "引进人才生活补贴", Decimal("1000"), 24, max_rank=4),
    SubsidyRule("employment", SubsidyKind.EMPLOYMENT, "全职引进就业奖励", Decimal("30000"), 1, full_time_only=True),
    SubsidyRule("social_security", SubsidyKind.SOCIAL_SECURITY, "社保补贴", Decimal("800"), 12),
    SubsidyRule("internship", SubsidyKind.INTERNSHIP, "实习补贴", Decimal("1500"), 3),
)}


def decide_subsidy(session: Session, viewer: Viewer, *, talent_id: int, rule: str, decided_on: dt.date | None = None
                   ) -> SubsidyGrant:
    """Decide a subsidy by a rule (补贴认定): the rule fixes the amount and instalments; who qualifies is checked."""
    talent = access.get_visible(session, Talent, talent_id, viewer, "人才")
    access.require(access.can_decide_subsidy(viewer, talent.region_id), "认定该地区的人才补贴")
    r = SUBSIDY_RULES.get(rule.strip()) or next((x for x in SUBSIDY_RULES.values() if x.name == rule.strip()), None)
    if r is None:  # the rule by its code (social_security) or by the name the error lists (社保补贴)
        raise ValidationFailed(f"没有补贴政策“{rule}”，可选：{'、'.join(x.name for x in SUBSIDY_RULES.values())}")
    if r.max_rank is not None and (talent.tier is None or talent.tier.rank > r.max_rank):
        raise ValidationFailed(f"“{talent.person.name}”的人才层次不符合“{r.name}”的条件")
    if r.full_time_only and talent.mode != TalentMode.FULL_TIME:
        raise ValidationFailed(f"“{r.name}”只适用于全职引进人才")
    dup = session.scalar(select(SubsidyGrant.id).where(SubsidyGrant.talent_id == talent.id, SubsidyGrant.rule == r.code,
                                                       SubsidyGrant.retired_at.is_(None)))
    if dup is not None:
        raise Conflict(f"“{talent.person.name}”的“{r.name}”此前已经认定，本次未作任何更改；"
                       "如需按期发放，请在已有的认定上登记")
    decided_on = decided_on or local_today()
    not_after_today(decided_on, "认定日期", "尚未作出的认定")
    grant = SubsidyGrant(talent_id=talent.id, kind=r.kind, rule=r.code, instalment_amount=r.instalment_amount,
                         instalments=r.instalments, region_id=talent.region_id,
                         decided_on=decided_on, decided_by=viewer.name)
    return create(session, grant, actor=viewer.actor, label="补贴认定")


def _period(text: str | None) -> str:
    """发放期次: a real month written YYYY-MM (2026-03); the totals group payments by it, so "abc" or "2026-13"
    would be a period nobody can find."""
    period = _clean(text)
    if not period:
        raise ValidationFailed("请填写发放期次，格式为 YYYY-MM，如 2026-03")
    match = re.fullmatch(r"(\d{4})-(\d{2})", period)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationFailed(f"发放期次“{period[:20]}”无效，应为年月 YYYY-MM（月份 01—12），如 2026-03")
    return period


def pay_instalment(session: Session, viewer: Viewer, *, grant_id: int, period: str, paid_on: dt.date
                   ) -> Subsidy:
    """Pay one instalment (按期发放) for a period (2026-03); never more instalments than decided, one per period."""
    grant = access.get_visible(session, SubsidyGrant, grant_id, viewer, "补贴认定")
    access.require(access.can_decide_subsidy(viewer, grant.region_id), "发放该地区的人才补贴")
    period = _period(period)
    not_after_today(paid_on, "发放日期", "尚未发放的补贴")
    today = local_today()
    if paid_on < grant.decided_on:
        raise ValidationFailed(f"发放日期 {paid_on} 早于该补贴的认定日期 {grant.decided_on}，补贴须认定后才能发放")
    if period > f"{today:%Y-%m}":
        raise ValidationFailed(f"发放期次“{period}”晚于本月（{today:%Y-%m}），不能登记尚未到期的发放")
    if len(grant.payments) >= grant.instalments:
        raise Conflict(f"该补贴共 {grant.instalments} 期，已全部发放")
    if any(p.period == period for p in grant.payments):
        raise Conflict(f"期次“{period}”已发放")
    payment = Subsidy(grant_id=grant.id, amount=grant.instalment_amount, paid_on=paid_on, period=period,
                      paid_by=viewer.name)
    create(session, payment, actor=viewer.actor, label="补贴发放")
    session.refresh(grant)
    return payment


def grants_of(session: Session, viewer: Viewer, *, region_id: int | None = None, limit: int = 500
              ) -> list[SubsidyGrant]:
    """The subsidies the viewer may see (补贴认定), newest first, with their payments."""
    stmt = select(SubsidyGrant).where(SubsidyGrant.retired_at.is_(None), access.grant_scope(viewer))
    if region_id is not None:
        stmt = stmt.where(SubsidyGrant.region_id == region_id)
    return list(session.scalars(stmt.order_by(SubsidyGrant.decided_on.desc(), SubsidyGrant.id.desc()).limit(limit)))


@dataclass(frozen=True)
class SubsidyTotal:
    period: str
    kind: SubsidyKind
    payments: int
    amount: Decimal


def subsidy_totals(session: Session, viewer: Viewer, *, period_prefix: str | None = None) -> list[SubsidyTotal]:
    """Totals paid per period and kind (按期统计) within what the viewer may see; ``2026`` matches 2026-01 …"""
    stmt = (select(Subsidy.period, SubsidyGrant.kind, func.count(), func.sum(Subsidy.amount))
            .join(SubsidyGrant, SubsidyGrant.id == Subsidy.grant_id)
            .where(access.grant_scope(viewer))
            .group_by(Subsidy.period, SubsidyGrant.kind).order_by(Subsidy.period, SubsidyGrant.kind))
    if period_prefix:
        stmt = stmt.where(Subsidy.period.like(f"{_clean(period_prefix)}%"))
    return [SubsidyTotal(p, SubsidyKind(k), int(n), Decimal(a or 0).quantize(Decimal("0.01")))
            for p, k, n, a in session.execute(stmt).all()]
