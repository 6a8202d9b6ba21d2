"""Base pages (12大基地): bases and their partners — list specs for the web."""

from __future__ import annotations

from xiaodi.bases.models import BaseState, ProgrammeBase
from xiaodi.web.listing import Column, Filter, ResourceSpec


def specs() -> list[ResourceSpec]:
    state_labels = BaseState.labels()
    bases = ResourceSpec(
        name="bases", label="基地清单", noun="基地", model=ProgrammeBase, area="bases",
        columns=[
            Column("name", "基地名称", sort=ProgrammeBase.name, link=True),
            Column("base_type.name", "基地类型"),
            Column("host.name", "承建单位"),
            Column("partner.name", "合作高校"),
            Column("plaque_on", "挂牌日期", sort=ProgrammeBase.plaque_on),
            Column("state", "状态", labels=state_labels, sort=ProgrammeBase.state),
        ],
        detail=[
            Column("name", "基地名称"), Column("base_type.name", "基地类型"), Column("host.name", "承建单位"),
            Column("partner.name", "合作高校"), Column("plaque_on", "挂牌日期"),
            Column("state", "状态", labels=state_labels), Column("address", "地址"),
            Column("capacity", "年承载人次", kind="number"), Column("note", "备注"),
        ],
        search=[ProgrammeBase.name, ProgrammeBase.address],
        filters=[
            Filter("state", "状态", ProgrammeBase.state, list(state_labels.items())),
            Filter("year", "挂牌年份", ProgrammeBase.plaque_on, op="year"),
        ],
        default_sort="-plaque_on",
        personal_owner=lambda b: (b.host_org_id, b.partner_org_id),
        table="bases",
    )
    return [bases]
