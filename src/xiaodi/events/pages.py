"""Event pages (活动): 对接会, 招聘会, 实习实训, 培训 … — list specs for the web."""

from __future__ import annotations

from xiaodi.events.models import Event, EventKind, EventState
from xiaodi.web.listing import Column, Filter, ResourceSpec


def specs() -> list[ResourceSpec]:
    kind_labels = EventKind.labels()
    state_labels = EventState.labels()
    events = ResourceSpec(
        name="events", label="活动", noun="活动", model=Event, area="events",
        columns=[
            Column("name", "活动名称", sort=Event.name, link=True),
            Column("kind", "类别", labels=kind_labels, sort=Event.kind),
            Column("starts_on", "开始日期", sort=Event.starts_on),
            Column("venue", "地点"),
            Column("organiser.name", "主办单位"),
            Column("state", "状态", labels=state_labels),
        ],
        detail=[
            Column("name", "活动名称"), Column("kind", "类别", labels=kind_labels), Column("starts_on", "开始日期"),
            Column("ends_on", "结束日期"), Column("venue", "地点"), Column("organiser.name", "主办单位"),
            Column("state", "状态", labels=state_labels), Column("description", "内容"), Column("source", "来源"),
        ],
        search=[Event.name, Event.venue, Event.description],
        filters=[
            Filter("kind", "类别", Event.kind, list(kind_labels.items())),
            Filter("year", "年份", Event.starts_on, op="year"),
        ],
        default_sort="-starts_on",
        personal_owner=lambda e: (e.organiser_id,),
        table="events",
    )
    return [events]
