"""专项考核 and the briefing from the console: the city office (``--user yco``) defines, scores and publishes; 稷山县's
office (``--user jso``) sees its own rank and appeals; 河津市's office may not score, nor appeal for 稷山县; the
briefing is written as Word and Excel. Every mistake is answered in Chinese with exit code 2."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.assessment.world import build_world
from xiaodi.accounts.models import Role
from xiaodi.accounts.service import create_user
from xiaodi.assessment.models import Appeal, IndicatorSet
from xiaodi.cli import app
from xiaodi.core.audit import Actor
from xiaodi.core.db import make_engine, transaction
from xiaodi.core.errors import XiaodiError
from xiaodi.core.migrate import upgrade
from xiaodi.core.settings import local_today

runner = CliRunner()
PASSWORD = "Yuncheng-2025-kaohe"
INDICATORS = ["--indicator", "XY:签约协议:40:4:agreements", "--indicator", "JD:挂牌基地:30:2:bases",
              "--indicator", "XC:宣传工作:30:10"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('assess-cli')) / 'assess.db'}"
    eng = make_engine(url)
    upgrade(eng)
    actor = Actor(name="测试")
    with transaction(eng) as session:
        w = build_world(session)
        for username, role, region in (("yco", Role.CITY_OFFICE, w.city), ("jso", Role.COUNTY_OFFICE, w.jishan),
                                       ("hjo", Role.COUNTY_OFFICE, w.hejin)):
            create_user(session, actor=actor, username=username, display_name=f"{region.name}办公室",
                        password=PASSWORD, role=role, region_id=region.id)
    yield eng, url
    eng.dispose()


def run(url: str, *args: str) -> tuple[int, str]:
    """(exit code, output) as ``xiaodi`` gives them: a refused command prints its Chinese message, exit code 2."""
    result = runner.invoke(app, [*args, "--db", url])
    if isinstance(result.exception, XiaodiError):
        return 2, result.exception.message
    return result.exit_code, result.output


def test_the_story_from_the_console(ledger: tuple[Engine, str], tmp_path: Path) -> None:
    eng, url = ledger
    code, out = run(url, "assessment", "define", "--name", "运城市专项考核", "--year", "2025", "--region", "运城市",
                    *INDICATORS, "--user", "yco")
    assert code == 0, out
    with transaction(eng) as session:
        set_id = session.scalar(select(IndicatorSet.id).where(IndicatorSet.name == "运城市专项考核"))
    code, out = run(url, "assessment", "period-add", str(set_id), "--name", "2025年度", "--from", "2025-01-01",
                    "--to", "2025-12-31", "--user", "yco")
    assert code == 0 and "已新增考核周期“2025年度”" in out, out
    period = out.split("编号 ")[1].split("）")[0]

    code, out = run(url, "assessment", "score", period, "--user", "hjo")
    assert code == 2 and "只有制定该考核的办公室可以进行此操作" in out
    code, out = run(url, "assessment", "publish", period, "--user", "yco")
    assert code == 2 and "尚未评分，不能发布排名" in out
    assert run(url, "assessment", "score", period, "--user", "yco")[0] == 0
    code, out = run(url, "assessment", "show", period, "--json", "--user", "jso")
    mine = json.loads(out)
    assert [r["name"] for r in mine["rows"]] == ["山西省运城市稷山县"] and mine["rows"][0]["rank"] == 1
    assert mine["rows"][0]["working"][0] == {"code": "XY", "indicator": "签约协议", "measured": "台账：签约协议",
                                             "rule": "按完成比例", "value": 5.0, "target": 4.0, "ratio": 1.0,
                                             "weight": 40.0, "points": 40.0, "note": None}
    deadline = (local_today() + dt.timedelta(days=5)).isoformat()
    assert run(url, "assessment", "publish", period, "--appeal-deadline", deadline, "--user", "yco")[0] == 0

    code, out = run(url, "assessment", "appeal", period, "--reason", "有误", "--region", "稷山县", "--user", "hjo")
    assert code == 2 and "只有被考核单位“山西省运城市稷山县”本身可以对其结果提出申诉" in out
    code, out = run(url, "assessment", "appeal", period, "--indicator", "JD", "--reason", "基地挂牌漏录",
                    "--user", "jso")
    assert code == 0, out
    with transaction(eng) as session:
        appeal_id = session.scalar(select(Appeal.id))
    code, out = run(url, "assessment", "answer", str(appeal_id), "--answer", "核实后更正", "--value", "1",
                    "--user", "yco")
    assert code == 0, out
    code, out = run(url, "assessment", "show", period, "--working", "--user", "yco")
    assert "55.00" in out and "申诉更正" in out
    xlsx = tmp_path / "排名.xlsx"
    assert run(url, "assessment", "export", period, "--out", str(xlsx), "--user", "jso")[0] == 0
    assert xlsx.stat().st_size > 0

    docx, table = tmp_path / "简报.docx", tmp_path / "简报.xlsx"
    code, out = run(url, "briefing", "--region", "运城市", "--from", "2025-01-01", "--to", "2025-12-31",
                    "--out", str(docx), "--xlsx", str(table), "--user", "yco")
    assert code == 0, out
    doc = Document(io.BytesIO(docx.read_bytes()))
    assert doc.paragraphs[0].text == "山西省运城市省校合作工作简报" and len(doc.inline_shapes) == 2
    code, out = run(url, "briefing", "--region", "运城市", "--out", str(docx), "--user", "hjo")
    assert code == 2 and "不在您的管辖范围内" in out


def test_a_bad_indicator_set_is_refused_with_nothing_written(ledger: tuple[Engine, str]) -> None:
    eng, url = ledger
    code, out = run(url, "assessment", "define", "--name", "错误的考核", "--year", "2025", "--region", "运城市",
                    "--indicator", "XY:签约协议:40:4:agreements", "--indicator", "JD:挂牌基地:50:0:bases",
                    "--user", "yco")
    assert code == 2 and "目标值必须大于0" in out
    code, out = run(url, "assessment", "define", "--name", "错误的考核", "--year", "2025", "--region", "运城市",
                    "--indicator", "XY:签约协议:40:4:agreements", "--user", "yco")
    assert code == 2 and "各项指标分值合计应为100分（100%），现为40分" in out
    with transaction(eng) as session:
        assert session.scalar(select(func.count()).select_from(IndicatorSet).where(
            IndicatorSet.name == "错误的考核")) == 0


def test_a_ranked_indicator_from_the_console_shows_its_working(ledger: tuple[Engine, str]) -> None:
    """按排名 offered on the console: defined without a target, scored, and the working says which place and how."""
    eng, url = ledger
    code, out = run(url, "assessment", "define", "--name", "运城市排名考核", "--year", "2025", "--region", "运城市",
                    "--indicator", "XY:签约协议:60::agreements:按排名", "--indicator", "XC:宣传工作:40:10",
                    "--user", "yco")
    assert code == 0, out
    with transaction(eng) as session:
        set_id = session.scalar(select(IndicatorSet.id).where(IndicatorSet.name == "运城市排名考核"))
    code, out = run(url, "assessment", "period-add", str(set_id), "--name", "2025年度", "--from", "2025-01-01",
                    "--to", "2025-12-31", "--user", "yco")
    period = out.split("编号 ")[1].split("）")[0]
    assert run(url, "assessment", "score", period, "--user", "yco")[0] == 0
    code, out = run(url, "assessment", "show", period, "--json", "--user", "yco")
    rows = {r["name"]: r for r in json.loads(out)["rows"]}  # this ledger has two counties: 5 and 2 agreements
    jishan, hejin = rows["山西省运城市稷山县"]["working"][0], rows["山西省运城市河津市"]["working"][0]
    assert (jishan["rule"], jishan["value"], jishan["target"], jishan["points"]) == ("按排名", 5.0, None, 60.0)
    assert jishan["note"] == "第1名（共2个单位）：得分 = 分值60 × (2−1)÷(2−1) = 60"
    assert (hejin["value"], hejin["points"]) == (2.0, 0.0)  # linearly down to the last place
    assert hejin["note"] == "第2名（共2个单位）：得分 = 分值60 × (2−2)÷(2−1) = 0"
    code, out = run(url, "assessment", "show", period, "--working", "--user", "yco")
    assert code == 0 and "计分过程" in out and "按排名" in out and "第1名" in out
