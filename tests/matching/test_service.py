"""The matching service on a tiny ledger: profiles, incremental updates, filters, demand candidates, the API."""

from __future__ import annotations

import datetime as dt
import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.matching.test_service_ledger import SLAG_DEMAND, build_ledger
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.catalog.models import Achievement
from xiaodi.core.db import make_engine
from xiaodi.core.errors import ValidationFailed
from xiaodi.matching import service
from xiaodi.matching.profiles import build_documents
from xiaodi.matching.service import Candidate, candidates_for_demand, match_text, rebuild_index


def _open(template: Path, folder: Path) -> tuple[Session, Engine]:
    db = folder / "xiaodi.db"
    shutil.copy(template, db)
    engine = make_engine(f"sqlite:///{db}")
    return Session(engine, expire_on_commit=False), engine


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("ledger") / "template.db"
    return path, build_ledger(path)


@pytest.fixture(scope="module")
def ledger(template: tuple[Path, dict[str, int]],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, dict[str, int], Path]]:
    """A copy of the tiny ledger shared by the read-only tests; its index goes beside it (…/xiaodi-index)."""
    folder = tmp_path_factory.mktemp("shared")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XIAODI_MATCH_ENCODER", "none")
        mp.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
        session, engine = _open(template[0], folder)
        yield session, template[1], folder
        session.close()
        engine.dispose()
        service.reset_services()


@pytest.fixture
def own_ledger(template: tuple[Path, dict[str, int]], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, dict[str, int], Path]]:
    """A private copy for a test that changes the ledger and its index."""
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
    session, engine = _open(template[0], tmp_path)
    yield session, template[1], tmp_path
    session.close()
    engine.dispose()
    service.reset_services()


def test_university_profile_aggregates_labs_disciplines_achievements_and_partners(ledger) -> None:
    session, ids, _ = ledger
    docs = {d.id: d for d in build_documents(session, "university")}
    whut, jxust = docs[str(ids["whut"])], docs[str(ids["jxust"])]
    assert "硅酸盐建筑材料国家重点实验室" in whut.text and "双一流建设学科材料科学与工程" in whut.text
    assert whut.meta["labs"] == ["硅酸盐建筑材料国家重点实验室"]
    assert "钢渣绿色处理与资源化利用技术" in jxust.text and "冶金渣综合利用" in jxust.text
    assert jxust.meta["partners"] == ["山西华鑫源钢铁集团有限公司"]
    assert docs[str(ids["semi"])].meta["kind"] == "institute"


def test_a_steel_slag_demand_finds_the_jiangxi_university_and_its_achievement(ledger) -> None:
    session, ids, tmp = ledger
    universities = match_text(session, SLAG_DEMAND, "university", 3)
    assert universities[0]["name"] == "江西理工大学"
    assert set(universities[0]) >= {"id", "name", "kind", "score", "reasons"}
    assert any("钢渣" in r for r in universities[0]["reasons"])
    achievements = match_text(session, SLAG_DEMAND, "achievement", 3)
    assert achievements[0]["id"] == ids["slag"] and achievements[0]["kind"] == "achievement"
    assert achievements[0]["reasons"][0].startswith("共同关键词：") and "钢渣" in achievements[0]["reasons"][0]
    assert (tmp / "xiaodi-index" / "university" / "records.jsonl").exists()  # cold start built it beside the db


def test_incremental_add_change_and_remove_are_visible_in_the_next_query(own_ledger) -> None:
    session, ids, _ = own_ledger
    rebuild_index(session, "achievement")
    query = "赤泥脱碱 建材化利用"
    with pytest.raises(ValidationFailed):  # nothing shares a word yet
        match_text(session, query, "achievement", 5)

    new = Achievement(title="赤泥脱碱与建材化利用技术", owner_id=ids["whut"], keywords=["赤泥", "脱碱"])
    session.add(new)
    session.commit()
    service.update_record(session, "achievement", new.id)
    assert match_text(session, query, "achievement", 5)[0]["id"] == new.id

    new.title = "高炉渣微粉制备技术"
    new.keywords = ["高炉渣", "微粉"]
    session.commit()
    service.update_record(session, "achievement", new.id)
    assert match_text(session, "高炉渣 微粉", "achievement", 5)[0]["name"] == "高炉渣微粉制备技术"
    assert all(r["id"] != new.id for r in match_text(session, "钢渣", "achievement", 5))

    new.retired_at = dt.datetime.now(dt.UTC)  # the record leaves the ledger, then the index
    session.commit()
    service.remove_record(session, "achievement", new.id)
    assert all(r["id"] != new.id for r in match_text(session, "高炉渣 微粉 钢渣", "achievement", 5))
    # The change was written to disk: a fresh process (a new service) sees the same index.
    service.reset_services()
    assert all(r["id"] != new.id for r in match_text(session, "高炉渣 微粉 钢渣", "achievement", 5))


def test_unknown_target_or_filter_is_refused_in_chinese(ledger) -> None:
    session, _, _ = ledger
    with pytest.raises(ValidationFailed, match="未知的匹配对象"):
        match_text(session, "钢渣", "student", 5)
    with pytest.raises(ValidationFailed, match="未知的筛选条件"):
        match_text(session, "钢渣", "university", 5, {"colour": "红"})
    with pytest.raises(ValidationFailed, match="没有类别"):
        match_text(session, "钢渣", "university", 5, {"kind": "enterprise"})


def test_filters_restrict_region_kind_and_discipline(ledger) -> None:
    session, _, _ = ledger
    text = "钢渣 光伏玻璃 煤层气 半导体 材料"
    assert {r["name"] for r in match_text(session, text, "university", 10, {"region": "北京"})} <= {
        "中国石油大学(北京)", "中国科学院半导体研究所"}
    assert [r["kind"] for r in match_text(session, text, "university", 10, {"kind": "institute"})] == ["institute"]
    assert [r["name"] for r in match_text(session, text, "university", 10,
                                          {"discipline": "材料科学与工程"})] == ["武汉理工大学"]
    assert match_text(session, "钢渣", "enterprise", 5, {"industry": "C"})[0]["name"] == "山西华鑫源钢铁集团有限公司"


def test_candidates_for_a_technology_demand_mix_targets_with_reasons(ledger) -> None:
    session, ids, _ = ledger
    found = candidates_for_demand(session, demand_id=ids["demand"], limit=6)
    assert found and all(isinstance(c, Candidate) and c.reasons for c in found)
    assert {c.target for c in found} >= {"university", "achievement", "expert"}
    top_university = next(c for c in found if c.target == "university")
    assert top_university.record_id == ids["jxust"]
    assert "既往合作：曾与山西华鑫源钢铁集团有限公司合作" in top_university.reasons
    assert set(found[0].as_dict()) == {"id", "name", "kind", "kind_label", "target", "score", "label", "url",
                                       "verdict", "reasons"}


def test_a_talent_demand_looks_for_experts_and_universities_and_an_achievement_for_enterprises(ledger) -> None:
    session, ids, _ = ledger
    talent = candidates_for_demand(session, demand_id=ids["talent"], limit=5)
    assert {c.target for c in talent} <= {"expert", "university"}
    assert talent[0].name == "武汉理工大学"
    pushed = service.recommend_achievement(session, achievement_id=ids["glass_ach"], limit=5)
    assert {c.target for c in pushed} <= {"enterprise", "demand"}
    assert pushed[0].name in {"山西日盛达太阳能股份有限公司", "招聘光伏玻璃镀膜工艺工程师"}



def test_an_achievement_is_not_pushed_to_a_candidate_that_scores_nothing(ledger, monkeypatch) -> None:
    """The demo pushed an achievement to a firm at "0 弱": a candidate that shows 0 of 100 is left out."""
    import dataclasses

    session, ids, _ = ledger
    found = service._search_many
    weak = {"score": 0.4, "name": "只沾一点边的企业"}

    def with_a_weak_one(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = found(*args, **kwargs)
        return [*out, dataclasses.replace(out[0], **weak)]

    monkeypatch.setattr(service, "_search_many", with_a_weak_one)
    pushed = service.recommend_achievement(session, achievement_id=ids["glass_ach"], limit=50)
    assert pushed and weak["name"] not in {c.name for c in pushed}
    assert min(c.score for c in pushed) >= 0.5


def test_the_api_route_answers_with_items(ledger) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from xiaodi.matching.api import router
    from xiaodi.web.deps import get_session, member_viewer

    session, _, _ = ledger
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[member_viewer] = lambda: Viewer(user_id=1, name="高校", roles=frozenset({Role.UNIVERSITY}))
    client = TestClient(app)
    body = client.get("/api/match", params={"text": SLAG_DEMAND, "target": "achievement", "top": 2}).json()
    assert body["items"][0]["name"] == "钢渣绿色处理与资源化利用技术"


def test_the_api_route_shows_enterprises_only_to_those_who_may_see_them(ledger) -> None:
    """Achievements are a public resource list; an enterprise is seen by its region's office and by itself, not by
    a university — so /api/match drops it for the university and keeps it for the enterprise's own account."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from xiaodi.directory.models import Organisation
    from xiaodi.matching.api import router
    from xiaodi.web.deps import get_session, member_viewer

    session, _, _ = ledger
    glass = session.scalars(select(Organisation).where(Organisation.name == "山西日盛达太阳能股份有限公司")).one()
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[get_session] = lambda: session
    client = TestClient(app)
    query = {"text": "光伏玻璃 镀膜", "target": "enterprise", "top": 3}

    app.dependency_overrides[member_viewer] = lambda: Viewer(user_id=1, name="高校", roles=frozenset({Role.UNIVERSITY}))
    assert client.get("/api/match", params=query).json()["items"] == []
    own = Viewer(user_id=2, name="企业", roles=frozenset({Role.ENTERPRISE}), organisation_ids=frozenset({glass.id}))
    app.dependency_overrides[member_viewer] = lambda: own
    names = [item["name"] for item in client.get("/api/match", params=query).json()["items"]]
    assert names[0] == "山西日盛达太阳能股份有限公司"


@pytest.fixture
def synced(own_ledger) -> Iterator[tuple[Session, dict[str, int], Path]]:  # type: ignore[no-untyped-def]
    from xiaodi.matching import sync

    sync.install()
    yield own_ledger
    sync.uninstall()


def test_a_committed_change_reaches_the_indexes_without_anyone_asking(synced) -> None:
    """An office adds an achievement through any path that commits; the next query finds it — and finds its
    university through the university's profile — with no explicit update call. Retiring it takes it out."""
    import datetime as dt

    session, ids, _ = synced
    rebuild_index(session, "achievement")
    rebuild_index(session, "university")
    new = Achievement(title="赤泥脱碱与建材化利用技术", owner_id=ids["whut"], keywords=["赤泥", "脱碱"])
    session.add(new)
    session.commit()
    assert match_text(session, "赤泥脱碱", "achievement", 3)[0]["id"] == new.id
    assert match_text(session, "赤泥脱碱", "university", 3)[0]["id"] == ids["whut"]

    new.retired_at = dt.datetime.now(dt.UTC)
    session.commit()
    assert all(r["id"] != new.id for r in match_text(session, "赤泥脱碱 钢渣", "achievement", 5))


def test_an_index_nobody_uses_is_not_built_by_a_commit_and_a_bulk_change_rebuilds(synced) -> None:
    session, ids, folder = synced
    session.add(Achievement(title="锂渣综合利用技术", owner_id=ids["whut"], keywords=["锂渣"]))
    session.commit()
    assert not (folder / "xiaodi-index" / "achievement" / "records.jsonl").exists()  # still unbuilt
    rebuild_index(session, "achievement")
    session.add_all([Achievement(title=f"镁渣资源化技术{i}", owner_id=ids["whut"], keywords=["镁渣"])
                     for i in range(250)])
    session.commit()  # more than sync.BULK: the index is dropped, then rebuilt from the ledger on next use
    assert not (folder / "xiaodi-index" / "achievement" / "records.jsonl").exists()
    assert len(match_text(session, "镁渣 资源化", "achievement", 200)) == 200
    assert match_text(session, "锂渣", "achievement", 3)[0]["name"] == "锂渣综合利用技术"


def test_a_large_loaded_index_is_kept_out_of_the_garbage_collectors_walks(own_ledger, monkeypatch) -> None:
    # A province's index is ~0.5M objects; walking them in every full collection stalled web workers.
    session, _, _ = own_ledger
    rebuild_index(session, "achievement")
    service.reset_services()
    monkeypatch.setattr(service, "FREEZE_FROM", 1)
    gc.unfreeze()
    try:
        assert match_text(session, "钢渣", "achievement", 5)  # loads the index from disk
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_small_index_is_left_to_the_collector(own_ledger) -> None:
    session, _, _ = own_ledger
    rebuild_index(session, "achievement")
    service.reset_services()
    gc.unfreeze()
    assert match_text(session, "钢渣", "achievement", 5)
    assert gc.get_freeze_count() == 0


def test_a_starting_server_loads_the_matching_indexes_before_anyone_asks(own_ledger) -> None:
    """索引预热: the first person to open a demand's candidates does not wait for the indexes to load or build."""
    from fastapi.testclient import TestClient

    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app

    session, _, folder = own_ledger
    engine = session.get_bind()
    rebuild_index(session, "university")  # on disk, as `xiaodi index rebuild` or the demo leave it
    service.reset_services()  # a new server process: nothing in memory
    settings = Settings(data_dir=folder, secret_key="warm-up-secret-key-0123456789", search_fold_seconds=0)
    with TestClient(create_app(engine, settings=settings)) as client:
        client.app.state.warm_up.join(120)  # type: ignore[attr-defined]
    loaded = service.service_for(session)._indexes
    assert "university" in loaded
    # an index never built is left to the first question: a server does not start building a province's on its own
    assert "achievement" not in loaded
    assert not (folder / "xiaodi-index" / "achievement" / "records.jsonl").exists()

    service.reset_services()
    quiet = Settings(data_dir=folder, secret_key="warm-up-secret-key-0123456789", search_fold_seconds=0,
                     match_warm_up=False)
    with TestClient(create_app(engine, settings=quiet)) as client:
        assert not hasattr(client.app.state, "warm_up")  # type: ignore[attr-defined]
    assert service.service_for(session)._indexes == {}
