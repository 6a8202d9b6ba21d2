"""Catalog pages (资源清单): technology achievements (科技成果) and research platforms (科研平台) — list specs; an
achievement's page shows where it may go (成果推介) to those who take it there."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import Achievement, Maturity, Platform, PlatformKind, TransferMode
from xiaodi.core.errors import XiaodiError
from xiaodi.web.listing import Column, Filter, ResourceSpec

RECOMMENDED = 8  # 推介对象 on the page


def achievement_extras(session: Session, viewer: Viewer, achievement: Achievement) -> dict[str, Any]:
    """The enterprises and open demands the achievement may serve (成果推介), for its unit and the offices."""
    from xiaodi.matching import service
    from xiaodi.matching.access import may_see_recommendations

    if not may_see_recommendations(viewer, achievement.owner_id):
        return {}
    try:
        found = service.recommendations_for(session, viewer, achievement_id=achievement.id, limit=RECOMMENDED)
    except XiaodiError as exc:  # no enterprise or demand indexed yet: say so, the page still shows the achievement
        return {"recommendations": [], "recommendations_note": exc.message}
    return {"recommendations": found, "recommendations_note": None}


def specs() -> list[ResourceSpec]:
    achievements = ResourceSpec(
        name="achievements", label="科技成果", noun="科技成果", model=Achievement, area="catalog",
        columns=[
            Column("title", "成果名称", sort=Achievement.title, link=True),
            Column("owner.name", "所属单位"),
            Column("leader.name", "负责人"),
            Column("field", "应用领域"),
            Column("maturity", "成熟度", sort=Achievement.maturity),
            Column("transfer_mode", "转化方式"),
            Column("price", "参考价格", kind="money", sort=Achievement.price),
        ],
        detail=[
            Column("title", "成果名称"), Column("owner.name", "所属单位"), Column("leader.name", "负责人"),
            Column("team", "团队"), Column("field", "应用领域"), Column("keywords", "关键词"),
            Column("summary", "成果简介"), Column("maturity", "成熟度"), Column("ip_kind", "知识产权类型"),
            Column("ip_numbers", "专利号"), Column("transfer_mode", "转化方式"),
            Column("price", "参考价格", kind="money"), Column("published_on", "发布日期"),
        ],
        search=[Achievement.title, Achievement.field, Achievement.summary],
        filters=[
            Filter("maturity", "成熟度", Achievement.maturity, [(m.value, m.value) for m in Maturity]),
            Filter("transfer_mode", "转化方式", Achievement.transfer_mode, [(m.value, m.value) for m in TransferMode]),
        ],
        default_sort="-id",
        personal_owner=lambda a: (a.owner_id,),
        table="achievements",
        extras=achievement_extras,
        detail_partial="achievement_detail.html",
    )
    platforms = ResourceSpec(
        name="platforms", label="科研平台", noun="科研平台", model=Platform, area="catalog",
        columns=[
            Column("name", "平台名称", sort=Platform.name, link=True),
            Column("kind", "类别", sort=Platform.kind),
            Column("level", "级别", sort=Platform.level),
            Column("host_name", "依托单位"),
            Column("field", "研究方向"),
            Column("city", "所在城市"),
        ],
        detail=[
            Column("name", "平台名称"), Column("kind", "类别"), Column("level", "级别"),
            Column("host_name", "依托单位"), Column("field", "学科领域"), Column("directions", "研究方向"),
            Column("approved_by", "批准部门"), Column("established_year", "建立年份", kind="number"),
            Column("city", "所在城市"), Column("equipment", "主要仪器设备"), Column("source", "来源"),
        ],
        search=[Platform.name, Platform.host_name, Platform.field],
        filters=[
            Filter("kind", "类别", Platform.kind, [(k.value, k.value) for k in PlatformKind]),
            Filter("level", "级别", Platform.level, [("国家级", "国家级"), ("省级", "省级"), ("市级", "市级")]),
        ],
        default_sort="name",
        table="platforms",
    )
    return [achievements, platforms]
