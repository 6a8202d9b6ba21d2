"""The 2026-12-06 bases migration on a ledger of the previous head: existing bases are kept, each base of a type
the programme does not have moves to its closest type (which is deactivated, not deleted), same-code types take
the programme's names, base states and activity kinds map to the new ones — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tests.conftest import PG_ADMIN_URL, postgres_reachable
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade

PREVIOUS = "5e1f0c2a7b90"
OLD_TYPES = (
    ("internship", "实习实训基地"), ("employment", "就业创业基地"), ("research_extension", "科研平台延伸基地"),
    ("tech_transfer", "技术转移转化基地"), ("think_tank", "智库基地"), ("cadre_training", "干部培训基地"),
    ("talent", "人才引育基地"), ("study_tour", "继续教育与研学基地"), ("culture_tourism", "文化旅游与康养基地"),
    ("agriculture", "现代农业基地"), ("health", "医疗卫生合作基地"), ("alumni", "校友经济与招商基地"),
)
BASES = (("河津医联体合作基地", "health", "active"), ("平顺现代农业基地", "agriculture", "built"),
         ("芮城实习实训基地", "internship", "plaqued"), ("芮城研学基地", "study_tour", "planned"),
         ("旧基地", "talent", "retired"))


@pytest.fixture(params=["sqlite", "postgresql"])
def old_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    if not postgres_reachable():
        pytest.skip("no PostgreSQL server reachable on 127.0.0.1:5432")
    name = f"xiaodi_bases_migration_{os.getpid()}"  # its own: CI runs the SQLite and PostgreSQL suites side by side
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine = make_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_keeps_bases_and_moves_them_to_the_programmes_types(old_ledger: Engine) -> None:
    upgrade(old_ledger, PREVIOUS)
    with old_ledger.begin() as conn:
        for order, (code, name) in enumerate(OLD_TYPES, start=1):
            conn.execute(text("INSERT INTO base_type (code, name, sort_order, is_active) VALUES (:c, :n, :o, :a)"),
                         {"c": code, "n": name, "o": order, "a": True})
        for name, code, state in BASES:
            conn.execute(text("INSERT INTO programme_base (name, base_type_id, state, version, created_at, updated_at)"
                              " SELECT :n, id, :s, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM base_type"
                              " WHERE code = :c"), {"n": name, "s": state, "c": code})
        conn.execute(text("INSERT INTO base_activity (base_id, held_on, kind, participants, created_at, updated_at)"
                          " SELECT id, '2022-04-12', '技术服务', 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP"
                          " FROM programme_base WHERE name = '平顺现代农业基地'"))
    upgrade(old_ledger)
    with old_ledger.connect() as conn:
        bases = dict(conn.execute(text("SELECT b.name, t.name || '/' || b.state FROM programme_base b"
                                       " JOIN base_type t ON t.id = b.base_type_id")).all())
        types = {code: (name, bool(active)) for code, name, active in conn.execute(
            text("SELECT code, name, is_active FROM base_type"))}
        kind = conn.execute(text("SELECT kind FROM base_activity")).scalar_one()
    assert bases == {
        "河津医联体合作基地": "技能服务人才培养基地/operating",
        "平顺现代农业基地": "高校农产品供应基地/recognised",
        "芮城实习实训基地": "大学生实习实训基地/plaqued",
        "芮城研学基地": "红色教育和国情教育基地/proposed",
        "旧基地": "校友招商引才基地/revoked",
    }
    from xiaodi.bases.models import DEFAULT_BASE_TYPES

    assert {n for n, active in types.values() if active} == {n for _c, n, _d in DEFAULT_BASE_TYPES}
    assert sum(active for _n, active in types.values()) == 12
    assert types["health"] == ("医疗卫生合作基地", False)  # kept, deactivated
    assert kind == "service"


def test_an_empty_type_list_stays_empty(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM base_type")).scalar_one() == 0
    engine.dispose()
