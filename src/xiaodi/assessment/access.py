"""Who may see and do what in 专项考核 — the one place these rules live; services, pages, API and CLI ask here.

* An office defines indicator sets for its own region (or a region below it), adds periods, checks evidence,
  scores, publishes and answers appeals for the sets of its region (``can_manage``). Administrators may do all.
* An assessment is read by those it concerns (``Reach``): the offices of its region, of the regions below it
  (they are assessed, and submit evidence while a period is open) and above it (they oversee it), and the lead
  units it assesses. Another city's or another county's assessment is not found (it was readable by every office
  and lead unit of the province). Of a period that is not yet published one sees only one's own unit's result
  (``sees_all_results``/``can_see_result``).
* A scored unit — the county office of the county assessed, or a person acting for the lead unit assessed —
  submits evidence for itself and appeals its own result (``is_own``).
* Enterprises, universities, experts and talents have no part in the assessment (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.assessment.models import AssessmentPeriod, IndicatorSet, PeriodState
from xiaodi.core.errors import Forbidden, NotFound

PARTIES = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.LEAD_UNIT)


def may_use(viewer: Viewer) -> bool:
    """Offices, lead units and administrators take part in the assessment."""
    return viewer.has_role(*PARTIES)


def require_use(viewer: Viewer) -> None:
    if not may_use(viewer):
        raise Forbidden("专项考核仅向校地合作办公室和牵头单位开放")


def defines_sets(viewer: Viewer) -> bool:
    """Whether the viewer's role defines indicator sets at all (the 制定指标体系 link): offices and administrators."""
    return viewer.is_office or viewer.is_admin


def can_define(viewer: Viewer, region_id: int | None) -> bool:
    """An office may define an indicator set for its own region or one below it; no region: administrators."""
    return viewer.manages_region(region_id)


def require_define(viewer: Viewer, region_id: int | None) -> None:
    require_use(viewer)
    if not can_define(viewer, region_id):
        raise Forbidden("只能为本辖区制定考核指标体系")


def can_manage(viewer: Viewer, indicator_set: IndicatorSet) -> bool:
    """Scoring, publishing, checking evidence and answering appeals: the office of the set's region."""
    return viewer.manages_region(indicator_set.region_id)


@dataclass(frozen=True)
class Reach:
    """What the viewer's own regions do not tell about which assessments concern it (考核与谁相关), found by the
    service: the regions above an office's own (their assessments cover it) and the indicator sets that assess a
    lead unit the viewer acts for."""

    above: frozenset[int] = frozenset()
    assessed_in: frozenset[int] = frozenset()


def readable(viewer: Viewer, reach: Reach) -> ColumnElement[bool]:
    """The periods a viewer may open (a condition over ``AssessmentPeriod`` joined to ``IndicatorSet``)."""
    if viewer.is_admin:
        return true()
    if not may_use(viewer):
        return false()
    assessed = IndicatorSet.id.in_(reach.assessed_in)
    if not viewer.is_office:
        return assessed
    return or_(assessed, IndicatorSet.region_id.is_(None),
               IndicatorSet.region_id.in_(viewer.region_ids | reach.above))


def can_read(viewer: Viewer, period: AssessmentPeriod, reach: Reach) -> bool:
    """The rule of ``readable`` for one period."""
    if viewer.is_admin:
        return True
    if not may_use(viewer):
        return False
    indicator_set = period.indicator_set
    if indicator_set.id in reach.assessed_in:
        return True
    return viewer.is_office and (indicator_set.region_id is None
                                 or indicator_set.region_id in viewer.region_ids | reach.above)


def require_read(viewer: Viewer, period: AssessmentPeriod, reach: Reach) -> None:
    require_use(viewer)
    if not can_read(viewer, period, reach):
        raise NotFound("考核周期不存在或不在您的查看范围内")


def require_manage(viewer: Viewer, period_or_set: AssessmentPeriod | IndicatorSet) -> None:
    """The office of the set (the service has already found the period or set readable, else 404)."""
    indicator_set = period_or_set.indicator_set if isinstance(period_or_set, AssessmentPeriod) else period_or_set
    if can_manage(viewer, indicator_set):
        return
    require_use(viewer)
    raise Forbidden("只有制定该考核的办公室可以进行此操作")


def sees_all_results(viewer: Viewer, period: AssessmentPeriod) -> bool:
    """The whole ranking: the managing office always; once it is published, everyone who may read the period
    (the service has checked that)."""
    return can_manage(viewer, period.indicator_set) or (
        may_use(viewer) and period.state == PeriodState.PUBLISHED)


def is_own(viewer: Viewer, *, region_id: int | None, unit_id: int | None) -> bool:
    """The unit assessed itself: its county office (the office of exactly that region) or its own people."""
    if region_id is not None and region_id in viewer.office_region_ids:
        return True
    return unit_id is not None and viewer.acts_for(unit_id)


def can_see_result(viewer: Viewer, period: AssessmentPeriod, *, region_id: int | None, unit_id: int | None) -> bool:
    if sees_all_results(viewer, period):
        return True
    if period.state == PeriodState.OPEN:
        return False
    return is_own(viewer, region_id=region_id, unit_id=unit_id) or (region_id is not None and viewer.is_office
                                                                     and viewer.in_region(region_id))


def require_evidence(viewer: Viewer, period: AssessmentPeriod, *, region_id: int | None, unit_id: int | None,
                     name: str) -> None:
    """Evidence for a unit: its managing office, or the unit itself; anyone else names a unit outside their scope."""
    require_use(viewer)
    if can_manage(viewer, period.indicator_set) or is_own(viewer, region_id=region_id, unit_id=unit_id):
        return
    raise Forbidden(f"“{name}”不在您的管辖范围内，不能为其提交佐证材料")


def require_appeal(viewer: Viewer, period: AssessmentPeriod, *, region_id: int | None, unit_id: int | None,
                   name: str) -> None:
    require_use(viewer)
    if not is_own(viewer, region_id=region_id, unit_id=unit_id):
        raise Forbidden(f"只有被考核单位“{name}”本身可以对其结果提出申诉")


def can_brief(viewer: Viewer) -> bool:
    """The work briefing (工作简报) is an office's document to send upward: offices and administrators."""
    return viewer.is_admin or viewer.is_office


def require_brief(viewer: Viewer) -> None:
    if not can_brief(viewer):
        raise Forbidden("工作简报仅向校地合作办公室和管理员开放")


def require_brief_region(viewer: Viewer, region_id: int | None, *, region_name: str | None = None) -> None:
    """A briefing covers the office's own region or one below it; the whole ledger (no region) is the
    administrator's. A region outside answers 404 like a record on the pages, which find it by the viewer's own
    regions; the API names a region by its public code (``region_name`` given), so it is refused with 403."""
    require_brief(viewer)
    if region_id is None and not viewer.is_admin:
        raise Forbidden("请选择本辖区内的地区")
    if region_id is not None and not viewer.in_region(region_id):
        if region_name is not None:
            raise Forbidden(f"“{region_name}”不在您的管辖范围内，不能生成该地区的工作简报")
        raise NotFound("地区不存在或不在您的管辖范围内")
