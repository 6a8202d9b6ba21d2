"""Load the public reference data (公开参考数据) into the directory and catalog: one call, re-runnable.

Each kind is upserted on its natural key (region code, industry code, scheme + discipline code, MOE school code or
kind + name, alias, platform name), so a second run inserts and updates nothing. The audit trail gets one summary
entry per kind that changed (action ``reference_load``) rather than one per row: the rows come from published
lists named in ``data/reference/SOURCES.md``, and thousands of per-row entries would bury the users' own edits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.reference.bulk import Written
from xiaodi.reference.catalogues import load_disciplines, load_industries
from xiaodi.reference.curated import load_institutes, load_name_directions
from xiaodi.reference.evaluation import SOURCE as EVALUATION_SOURCE
from xiaodi.reference.evaluation import load_discipline_evaluation, renamed_schools
from xiaodi.reference.organisations import (
    load_aliases,
    load_double_first_class,
    load_state_key_labs,
    load_universities,
    read_curated,
)
from xiaodi.reference.paths import reference_data_dir
from xiaodi.reference.regions import load_regions

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
ACTOR = Actor.system("reference_load")
STEPS = ("行政区划", "行业分类", "学科目录", "高校名单", "单位别名", "双一流", "国家重点实验室", "科研院所", "办学方向",
         "学科评估")


def load_reference_data(
    session: Session, *, data_dir: Path | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Load regions, industries, disciplines, universities, 双一流, state key labs, curated institutes, the
    directions names state (办学方向) and the 4th-round discipline evaluation (学科评估); return counts per kind.

    The counts are the reference records of each kind (the same on every run); ``inserted`` and ``updated``
    total what this run wrote. The caller owns the transaction: nothing is committed here.
    """
    folder = data_dir or reference_data_dir()
    session.flush()
    counts: dict[str, int] = {}
    written = Written()

    def step(index: int) -> None:
        if progress is not None:
            progress(STEPS[index], index + 1, len(STEPS))

    def done(kind: str, entity: str, result: Written, total: int, source: str) -> None:
        counts[kind] = total
        written.add(Written(inserted=result.inserted, updated=result.updated, unchanged=result.unchanged))
        if result.changed:
            session.add(
                AuditEntry(
                    actor=ACTOR.name,
                    action="reference_load",
                    entity=entity,
                    entity_id=None,
                    after={
                        "kind": kind,
                        "inserted": result.inserted,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "source": source,
                    },
                    reason="导入公开参考数据",
                )
            )
        log.info(
            "reference %s: %d inserted, %d updated, %d unchanged",
            kind,
            result.inserted,
            result.updated,
            result.unchanged,
        )

    step(0)
    regions_written, regions = load_regions(session, folder)
    done(
        "regions",
        "region",
        regions_written,
        _total(regions_written),
        "china-division 2.7.0 (国家统计局2023年统计用区划代码) + cpca 0.5.5 坐标",
    )

    step(1)
    industries = load_industries(session, folder)
    done("industries", "industry", industries, _total(industries), "GB/T 4754-2017 国民经济行业分类")

    step(2)
    disciplines = load_disciplines(session, folder)
    done(
        "disciplines",
        "discipline",
        disciplines,
        _total(disciplines),
        "研究生教育学科专业目录(2022) + 国家自然科学基金申请代码",
    )

    step(3)
    curated = read_curated(folder)
    universities = load_universities(session, folder, regions, curated)
    done(
        "universities",
        "organisation",
        universities,
        _total(universities),
        "教育部全国高等学校名单(2025-06-20) + xiaodi-curated",
    )

    step(4)
    aliases, alias_total = load_aliases(session, folder, curated, renamed_schools(folder))
    done("organisation_aliases", "organisation_alias", aliases, alias_total,
         "xiaodi-curated + 名称异写 + 第四轮学科评估后更名的学校")

    step(5)
    dfc, missing = load_double_first_class(session, folder)
    if missing:
        log.warning("双一流 schools without an organisation: %s", "、".join(missing))
    done("double_first_class", "organisation_discipline", dfc, _total(dfc), "第二轮双一流建设高校及建设学科名单(2022)")

    step(6)
    hosts, labs = load_state_key_labs(session, folder, regions)
    done("lab_hosts", "organisation", hosts, _total(hosts), "国家重点实验室列表 依托单位")
    done("state_key_labs", "platform", labs, _total(labs), "维基百科 中华人民共和国国家重点实验室列表 (CC BY-SA 4.0)")

    step(7)
    institutes, fields = load_institutes(session, folder, regions)
    done("institutes", "organisation", institutes, _total(institutes), "xiaodi-curated 科研院所名单")
    done("institute_fields", "organisation_discipline", fields, _total(fields), "xiaodi-curated 研究所主要学科领域")

    step(8)
    directions = load_name_directions(session, folder)
    done("name_directions", "organisation_discipline", directions, _total(directions),
         "xiaodi-curated 校名与曾用名所示办学方向")

    step(9)
    grades, ungraded = load_discipline_evaluation(session, folder)
    if ungraded:
        log.info("学科评估 schools without an organisation (军队院校 and the like): %s", "、".join(ungraded))
    done("discipline_evaluation", "organisation_discipline", grades, _total(grades), EVALUATION_SOURCE)

    session.flush()
    counts["inserted"] = written.inserted
    counts["updated"] = written.updated
    return counts


def _total(result: Written) -> int:
    return result.inserted + result.updated + result.unchanged
