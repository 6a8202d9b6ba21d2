"""`xiaodi index rebuild` and `xiaodi match` on the tiny ledger: a table, JSON, and a JSON Lines batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.matching.test_service_ledger import SLAG_DEMAND, build_ledger
from xiaodi.cli_options import fixed_engine
from xiaodi.core import search
from xiaodi.core.db import make_engine
from xiaodi.matching import cli as match_cli
from xiaodi.matching import service


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-ledger") / "template.db"
    build_ledger(path)
    return path


@pytest.fixture
def run(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
    shutil.copy(template, tmp_path / "xiaodi.db")
    url = f"sqlite:///{tmp_path / 'xiaodi.db'}"
    app = typer.Typer()

    @app.callback()
    def use_this_ledger(ctx: typer.Context) -> None:  # the module-level commands open this ledger
        ctx.with_resource(fixed_engine(make_engine(url)))

    app.add_typer(match_cli.app)
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args), catch_exceptions=False)
    service.reset_services()


def test_rebuild_then_match_names_the_university_and_the_shared_terms(run, tmp_path: Path) -> None:
    result = run("index", "rebuild")
    assert result.exit_code == 0, result.output
    assert "索引已重建" in result.output and "科技成果 3 条" in result.output
    assert (tmp_path / "xiaodi-index" / "achievement" / "records.jsonl").exists()
    assert "关键词检索索引已重建" in result.output  # the list searches' index is read again too
    with Session(make_engine(f"sqlite:///{tmp_path / 'xiaodi.db'}")) as session:
        assert search.pending_count(session) == 0
        assert len(list(session.scalars(search.candidates(session, "achievement", "钢渣")))) == 1

    table = run("match", SLAG_DEMAND, "--target", "university", "--top", "3")
    assert table.exit_code == 0 and "江西理工大学" in table.output and "钢渣" in table.output

    data = json.loads(run("match", SLAG_DEMAND, "--target", "achievement", "--top", "2", "--json").output)
    assert data["items"][0]["name"] == "钢渣绿色处理与资源化利用技术"
    assert any("钢渣" in r for r in data["items"][0]["reasons"])
    assert 0 <= data["items"][0]["score"] <= 100 and data["items"][0]["label"] in {"强", "中", "弱"}
    assert data["disciplines"], "the demand's disciplines are part of the answer"


def test_a_batch_writes_one_line_per_row_and_a_bad_row_gets_an_error(run, tmp_path: Path) -> None:
    source = tmp_path / "demands.csv"
    source.write_text(f"id,text\nD1,{SLAG_DEMAND}\nD2,\nD3,炭微球 负极材料\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("match", "--batch", str(source), "--target", "achievement", "--top", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "成功 2 条，失败 1 条" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["D1", "D2", "D3"]
    assert lines[0]["results"][0]["name"] == "钢渣绿色处理与资源化利用技术"
    assert set(lines[0]["results"][0]) >= {"id", "name", "kind", "score", "reasons"}
    assert "error" in lines[1] and "查询内容为空" in lines[1]["error"]
    assert lines[2]["results"][0]["name"].startswith("炭微球")


def test_an_office_asks_where_an_achievement_may_go(run, tmp_path: Path) -> None:
    """成果推介 from the command line: the enterprises and open demands an achievement may serve, with reasons."""
    from sqlalchemy import select

    from xiaodi.catalog.models import Achievement

    with Session(make_engine(f"sqlite:///{tmp_path / 'xiaodi.db'}")) as session:
        glass = session.scalars(select(Achievement.id).where(Achievement.title.like("超薄光伏玻璃%"))).one()
    table = run("match", "--achievement", str(glass), "--top", "3")
    assert table.exit_code == 0, table.output
    assert "成果推介" in table.output and "山西日盛达太阳能" in table.output
    data = json.loads(run("match", "--achievement", str(glass), "--json").output)
    assert {i["target"] for i in data["items"]} <= {"enterprise", "demand"} and data["items"][0]["reasons"]


def test_two_databases_in_one_folder_keep_their_own_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh database made beside the demo's (or a restored copy beside the live one) answered from the other's
    index: its matches cited past projects it does not hold. Each database has its own index folder; the default
    one keeps the folder name the documentation gives."""
    from sqlalchemy import create_engine

    from xiaodi.core.settings import get_settings

    monkeypatch.delenv("XIAODI_MATCH_INDEX_DIR", raising=False)
    data = Path(get_settings().data_dir)

    def root(url: str) -> Path:
        with Session(create_engine(url)) as session:  # no connection is made: the URL decides
            return service.index_root(session)

    assert root(f"sqlite:///{tmp_path / 'xiaodi.db'}") == tmp_path / "xiaodi-index"
    assert root(f"sqlite:///{tmp_path / 'fresh.db'}") == tmp_path / "xiaodi-index-fresh"
    assert root("postgresql+psycopg://xiaodi@db.example/xiaodi") == data / "xiaodi-index"
    assert root("postgresql+psycopg://xiaodi@db.example/xiaodi_test") == data / "xiaodi-index-xiaodi_test"


def test_an_office_batch_saved_as_gbk_by_chinese_excel_is_read_like_an_import(run, tmp_path: Path) -> None:
    """The office keeps its demands in Excel and saves them as CSV: Chinese Excel writes GBK. The batch read it as
    UTF-8 and stopped with 内部错误：UnicodeDecodeError; it is read the way ``xiaodi import`` reads a CSV."""
    source = tmp_path / "batch_gbk.csv"
    source.write_bytes(f"id,text\nD1,{SLAG_DEMAND}\n".encode("gbk"))
    out = tmp_path / "out.jsonl"
    result = run("match", "--batch", str(source), "--target", "achievement", "--top", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "成功 1 条，失败 0 条" in result.output
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["results"][0]["name"] == "钢渣绿色处理与资源化利用技术"


def test_a_batch_file_that_is_no_text_is_refused_in_words(run, tmp_path: Path) -> None:
    source = tmp_path / "demands.csv"
    source.write_bytes(b"id,text\n\x00\x01\x02\xff\xfe\x00binary")
    with pytest.raises(Exception) as refused:
        run("match", "--batch", str(source), "--out", str(tmp_path / "out.jsonl"))
    assert "批量文件不是可读的 CSV 文本" in str(refused.value) and "NUL" in str(refused.value)


def test_a_batch_row_in_no_known_place_and_a_repeated_id_are_each_said_with_their_rows(run, tmp_path: Path) -> None:
    """The tester's batch: 火星县 names no region and D1 is given twice. Both rows were answered as if all were
    well; each gets an error naming its row, the other rows are still answered (as an empty text's row is)."""
    source = tmp_path / "demands.csv"
    source.write_text(f"id,text,region\nD1,{SLAG_DEMAND},河津市\nD4,铝灰渣无害化处置,火星县\nD1,钢渣 固废,河津市\n",
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("match", "--batch", str(source), "--target", "achievement", "--top", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "成功 1 条，失败 2 条" in result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["D1", "D4", "D1"]
    assert "results" in lines[0]
    assert lines[1]["error"].startswith("第 3 行（编号 D4）：未找到地区“火星县”")
    assert lines[2]["error"] == "第 4 行（编号 D1）：编号与第 2 行重复"


def test_a_single_query_in_no_known_place_is_refused(run) -> None:
    with pytest.raises(Exception) as refused:
        run("match", "钢渣", "--place", "火星")
    assert "未找到地区“火星”" in str(refused.value)
    assert run("match", SLAG_DEMAND, "--place", "山西运城", "--target", "achievement").exit_code == 0


def test_an_answer_with_no_candidate_says_so_once(capsys: pytest.CaptureFixture[str]) -> None:
    """The note travels with the answer's warnings too; the console printed it twice (as 提示 and as the result)."""
    from xiaodi.matching.cli import print_answer
    from xiaodi.matching.engine import NO_RESULTS

    print_answer({"warnings": [NO_RESULTS], "disciplines": [], "items": []}, "platform")
    said = capsys.readouterr()
    assert (said.out + said.err).count(NO_RESULTS) == 1
