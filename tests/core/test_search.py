"""The keyword search index: a search finds exactly what reading every row finds, before and after the index has
read a change, for every kind of write; and the index really narrows the rows a search reads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import Achievement
from xiaodi.core import search
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.demands import service as demands
from xiaodi.demands.models import Demand
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.directory.service import create_organisation
from xiaodi.web.listing import ListQuery, fetch_page, parse_query
from xiaodi.web.resources import load_specs

ACTOR = Actor.system("test")
ADMIN = Viewer(user_id=1, name="管理员", roles=frozenset({Role.ADMIN}))


def found(session: Session, q: str, name: str = "demands") -> list[int]:
    """The ids a list search shows (the administrator sees every record), the query read as the web reads it."""
    lq = parse_query(load_specs()[name], {"q": q, "sort": "-id", "size": "200"})
    return [r.id for r in fetch_page(session, load_specs()[name], ADMIN, lq).items]


def pending(session: Session) -> int:
    return search.pending_count(session)


def fold(session: Session) -> None:
    while search.fold_pending(session):
        pass
    assert pending(session) == 0


def candidates(session: Session, table: str, term: str) -> set[int]:
    stmt = search.candidates(session, table, term)
    assert stmt is not None
    return set(session.scalars(stmt))


@pytest.fixture
def enterprise(session: Session) -> Organisation:
    return create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="河津检索测试机械有限公司")


def publish(session: Session, owner: Organisation, title: str, description: str | None = None) -> int:
    demand = demands.create_demand(session, actor=ACTOR, owner_id=owner.id, title=title, kind="technology",
                                   description=description)
    session.flush()
    return demand.id


def test_a_new_demand_is_found_before_and_after_the_index_reads_it(session: Session, enterprise: Organisation) -> None:
    fold(session)
    lathe = publish(session, enterprise, "五轴数控机床", "主轴热变形补偿，提高 Steel 零件的加工精度")
    assert pending(session) == 1
    for q in ("机床", "数控机床", "热变形补偿", "steel", "STEEL", "零件的加工"):
        assert lathe in found(session, q), q  # read from the pending note
    fold(session)
    for q in ("机床", "数控机床", "热变形补偿", "steel", "STEEL", "零件的加工"):
        assert lathe in found(session, q), q
        assert lathe in candidates(session, "demand", q), q  # now from the index itself
    assert lathe not in found(session, "机床厂") and lathe not in candidates(session, "demand", "机床厂")


def test_a_two_character_term_at_the_end_of_a_column_is_found(session: Session, enterprise: Organisation) -> None:
    ends = publish(session, enterprise, "新型钢渣", "用于建材")
    fold(session)
    assert ends in candidates(session, "demand", "钢渣")  # the last two characters of the title
    assert ends in candidates(session, "demand", "建材")  # … and of the description
    assert ends in found(session, "钢渣") and ends in found(session, "建材")


def test_changed_text_is_found_by_its_new_words_only(session: Session, enterprise: Organisation) -> None:
    demand_id = publish(session, enterprise, "光伏玻璃减反射镀膜", "需要镀膜工艺")
    fold(session)
    demands.update_demand(session, actor=ACTOR, demand_id=demand_id, title="深紫外LED外延", description="外延片良率")
    session.flush()
    assert pending(session) == 1
    for when in ("before the fold", "after the fold"):
        assert demand_id not in found(session, "光伏玻璃"), when
        assert demand_id in found(session, "深紫外") and demand_id in found(session, "led外延"), when
        fold(session)
    assert demand_id not in candidates(session, "demand", "镀膜")  # the old text left the index


def test_a_change_while_still_pending_is_indexed_as_changed(session: Session, enterprise: Organisation) -> None:
    demand_id = publish(session, enterprise, "煤层气抽采", "抽采效率")
    demands.update_demand(session, actor=ACTOR, demand_id=demand_id, title="中药材种植")  # not yet indexed
    session.flush()
    fold(session)
    assert demand_id in candidates(session, "demand", "中药材")
    assert demand_id not in candidates(session, "demand", "煤层气")


def add_achievement(session: Session, owner: Organisation, title: str, summary: str) -> int:
    """An achievement written with a plain INSERT, as bulk loads do (no ORM events)."""
    session.execute(insert(Achievement).values(title=title, owner_id=owner.id, summary=summary, keywords=[],
                                               version=1))
    return int(session.scalar(select(Achievement.id).where(Achievement.title == title)) or 0)


@pytest.mark.parametrize("folded_first", [True, False])
def test_a_removed_record_leaves_the_index(session: Session, enterprise: Organisation, folded_first: bool) -> None:
    achievement_id = add_achievement(session, enterprise, "尾矿综合利用", "尾矿制备建材")
    if folded_first:
        fold(session)
    session.execute(delete(Achievement).where(Achievement.id == achievement_id))
    assert achievement_id not in found(session, "尾矿", "achievements")
    fold(session)
    assert achievement_id not in candidates(session, "achievement", "尾矿")
    assert achievement_id not in found(session, "尾矿", "achievements")


def test_rows_written_without_the_orm_are_noted_too(session: Session, enterprise: Organisation) -> None:
    fold(session)
    new_id = add_achievement(session, enterprise, "炭微球负极材料制备", "锂离子电池")
    assert pending(session) == 1
    assert new_id in found(session, "炭微球", "achievements")
    fold(session)
    assert new_id in candidates(session, "achievement", "炭微球")
    assert new_id in found(session, "锂离子", "achievements")


def test_an_unchanged_text_is_not_noted_again(session: Session, enterprise: Organisation) -> None:
    demand_id = publish(session, enterprise, "稀土永磁材料", "晶界扩散")
    fold(session)
    session.execute(text("UPDATE demand SET title = title, budget = 1000 WHERE id = :id"), {"id": demand_id})
    assert pending(session) == 0


def test_terms_the_index_cannot_answer_read_every_row(session: Session, enterprise: Organisation) -> None:
    demand_id = publish(session, enterprise, "铝合金Ä型材挤压", "模具")
    fold(session)
    for q in ("铝", "Ä型材", "Ä"):  # one character; a letter cased outside ASCII
        assert search.candidates(session, "demand", q) is None
        assert demand_id in found(session, q), q
    assert search.candidates(session, "organisation", "大学") is None  # not indexed


@pytest.mark.parametrize("q", ["a\x00b", '"', '""x', "ab*", "AND 机床", "NEAR(ab", "^ab", "ab:cd", "{ab}", "- ab",
                               "😀😀", "\U0010ffff\U0010ffff", "x" * 100, '机床"'])
def test_odd_terms_are_searched_without_error(session: Session, enterprise: Organisation, q: str) -> None:
    odd = publish(session, enterprise, f"特殊{q}字符".replace("\x00", ""), "说明")  # PostgreSQL text has no NUL
    fold(session)
    # never an error, whatever FTS5 makes of quotes, operators and odd code points; a NUL is dropped from a query
    assert odd in found(session, q)


def test_a_term_in_most_records_is_searched_by_reading_the_table(
    session: Session, enterprise: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    common = [publish(session, enterprise, f"智能制造技术{i}", "产线") for i in range(3)]
    rare = publish(session, enterprise, "钒钛磁铁矿选冶", "产线")
    fold(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE demand_search"))  # the planner's estimate is what decides there
    monkeypatch.setattr(search, "COMMON_SHARE", 0)  # the test ledger is small: judge by a count of records
    monkeypatch.setattr(search, "COMMON_FLOOR", 2)
    assert search.candidates(session, "demand", "产线") is None  # in every new demand: over the share
    assert search.candidates(session, "demand", "钒钛磁铁矿") is not None
    assert {*common, rare} <= set(found(session, "产线"))
    assert found(session, "钒钛磁铁矿") == [rare]


def test_a_search_reads_only_the_candidate_rows(session: Session, enterprise: Organisation) -> None:
    """On SQLite the plan looks up the candidates by id instead of scanning the demand table."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    publish(session, enterprise, "污染溯源监测", "水体")
    from xiaodi.web.listing import order_by, scoped_rows

    spec = load_specs()["demands"]
    stmt = order_by(spec, scoped_rows(session, spec, ADMIN, ListQuery(q="溯源", sort="-id")), "-id")
    plan = " | ".join(row[-1] for row in session.execute(text("EXPLAIN QUERY PLAN " + str(
        stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})))))
    assert "SEARCH demand USING INTEGER PRIMARY KEY" in plan and "SCAN demand " not in plan + " ", plan


def test_the_searched_columns_are_the_lists_search_columns() -> None:
    specs = {spec.model.__tablename__: spec for spec in load_specs().values()}
    for table, searched in search.SEARCHED.items():
        assert tuple(c.key for c in specs[table].search) == searched.columns


def test_rebuild_empties_the_index_and_reads_every_record_again(session: Session, enterprise: Organisation) -> None:
    demand_id = publish(session, enterprise, "智能网联汽车", "车路协同")
    fold(session)
    search.reindex_everything(session)
    assert pending(session) == session.scalar(select(text("count(*)")).select_from(Demand)) + session.scalar(
        select(text("count(*)")).select_from(Achievement))
    fold(session)
    assert demand_id in candidates(session, "demand", "车路协同")


# ---- the web server's folder, on a database of its own (it commits) ----------------------------------------


@pytest.fixture
def own_engine(engine: Engine, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    if engine.dialect.name == "postgresql":
        eng = make_engine(request.getfixturevalue("pg_url"))
    else:
        eng = make_engine(f"sqlite:///{tmp_path / 'search.db'}")
        upgrade(eng)
    yield eng
    eng.dispose()


def test_the_web_servers_folder_reads_new_records_in_the_background(own_engine: Engine) -> None:
    with Session(own_engine) as session:
        owner = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="后台检索测试有限公司")
        demand_id = publish(session, owner, "高纯石英砂提纯", "酸浸工艺")
        session.commit()
    folder = search.SearchFolder(own_engine, seconds=0.1)
    folder.start()
    try:
        deadline = time.monotonic() + 20
        with Session(own_engine) as session:
            while pending(session) and time.monotonic() < deadline:
                session.rollback()
                time.sleep(0.1)
            assert pending(session) == 0
            assert demand_id in candidates(session, "demand", "石英砂")
    finally:
        folder.stop()
    assert not folder._thread.is_alive()


def test_a_full_fold_gathers_the_planners_statistics(own_engine: Engine) -> None:
    """PostgreSQL plans a search by its statistics: a rebuild leaves them gathered, and the folded notes gone
    from them (else the planner expects every folded note as a candidate and reads the whole table)."""
    with Session(own_engine) as session:
        owner = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="统计检索测试有限公司")
        demand_id = publish(session, owner, "盐湖提锂吸附剂", "卤水")
        session.commit()
    assert search.fold_everything(own_engine) >= 1
    with Session(own_engine) as session:
        assert demand_id in candidates(session, "demand", "提锂")
        if own_engine.dialect.name == "postgresql":
            gathered = session.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'demand_search'"))
            assert gathered
            planned_notes = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'search_pending'"))
            assert planned_notes == 0
