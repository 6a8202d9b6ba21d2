"""All information tables, by CLI name. Built on first use (models are imported then, not at import time)."""

from __future__ import annotations

import dataclasses
from functools import cache

from sqlalchemy import String

from xiaodi.core.errors import NotFound
from xiaodi.tables.spec import ColType, TableSpec


@cache
def all_tables() -> dict[str, TableSpec]:
    from xiaodi.tables.base_tables import BASE_ACTIVITIES
    from xiaodi.tables.catalog_tables import ACHIEVEMENTS, PLATFORMS
    from xiaodi.tables.directory_tables import DEPARTMENTS, ENTERPRISES, EXPERTS, UNIVERSITIES
    from xiaodi.tables.event_tables import EVENTS
    from xiaodi.tables.ledger_tables import AGREEMENTS, BASES, DEMANDS, PROJECTS
    from xiaodi.tables.programme_tables import BUDGET_LINES, INTENTS
    from xiaodi.tables.talent_tables import INTERNSHIPS, TALENTS

    specs = [UNIVERSITIES, EXPERTS, ACHIEVEMENTS, PLATFORMS, ENTERPRISES, DEPARTMENTS, DEMANDS, INTENTS, AGREEMENTS,
             PROJECTS, BASES, BASE_ACTIVITIES, EVENTS, TALENTS, INTERNSHIPS, BUDGET_LINES]
    return {s.name: _with_lengths(s) for s in specs}


def _with_lengths(spec: TableSpec) -> TableSpec:
    """Take each text column's maximum length from the model, so that the two never drift apart: a VARCHAR's
    length, or for unbounded text the ``max_length`` its column declares for the API and the pages too."""
    table = spec.model.__table__
    cols = []
    for c in spec.columns:
        if c.type is ColType.TEXT and c.max_length is None and not c.virtual:
            sql_type = table.c[c.key].type
            declared = table.c[c.key].info.get("max_length")
            if isinstance(sql_type, String) and (sql_type.length or declared):
                c = dataclasses.replace(c, max_length=sql_type.length or declared)
        cols.append(c)
    spec.columns = cols
    return spec


def get_table(name: str) -> TableSpec:
    """The table called ``name`` (CLI name or Chinese title); a clear error with the list otherwise."""
    tables = all_tables()
    if name in tables:
        return tables[name]
    for spec in tables.values():
        if name in (spec.title, spec.title.removesuffix("表")):
            return spec
    options = "、".join(f"{s.name}（{s.title}）" for s in tables.values())
    raise NotFound(f"没有名为“{name}”的信息表；可用：{options}")


def field_labels() -> dict[str, str]:
    """Model attribute → its Chinese name (the column header without its unit: pledged_amount → 签约金额), for the
    attributes every table that has them names alike; a name tables disagree on (name: 高校名称/企业名称…) is left
    out, so that an error message never names a field wrongly."""
    seen: dict[str, set[str]] = {}
    for spec in all_tables().values():
        for column in spec.columns:
            if not column.virtual:
                seen.setdefault(column.key, set()).add(column.base_header)
    return {key: next(iter(headers)) for key, headers in seen.items() if len(headers) == 1}
