"""The import-scope matrix (导入的数据权限): role × table × own/other region × create/update/state change.

An office uploading an information table on ``/import`` may create or change only what it may create or change
through the pages — records of its own region (and the regions below it) — and a state column only moves along
the steps the record's state machine allows that office. Anything else is refused row by row with "无权修改",
worded the same whether the row names a hidden record or a new one elsewhere, so the report reveals nothing
about other jurisdictions. The command line (``xiaodi import``) stays the operator's trusted console.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.bases.models import DEFAULT_BASE_TYPES, BaseType, ProgrammeBase
from xiaodi.demands.models import Demand, DemandTransition
from xiaodi.directory.models import Organisation, OrgKind, Person, Region
from xiaodi.directory.service import create_organisation
from xiaodi.projects.models import Agreement, Project, ProjectStageChange
from xiaodi.tables import get_table, import_table

from .conftest import ACTOR, World, csrf_for

PLACES = {"hejin": "140882", "taiyuan": "140100", "beijing": "110108"}  # 河津市, 太原市, 北京市海淀区
# Which places each importing persona manages: a county office its county, the province office its province.
MANAGES = {"hejin": {"hejin"}, "province": {"hejin", "taiyuan"}, "admin": set(PLACES)}
REFUSED = "无权修改"


@dataclass
class Places:
    university: dict[str, str]  # place → name of a university there
    enterprise: dict[str, str]  # place → name of an enterprise there


def _region_id(session: Session, code: str) -> int:
    return session.scalars(select(Region.id).where(Region.code == code)).one()


def _csv(table: str, rows: list[dict[str, str]]) -> bytes:
    """A CSV file of ``table`` with the spec's headers (the columns the rows use)."""
    spec = get_table(table)
    headers = [c.header for c in spec.columns if any(c.header in r for r in rows)]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=headers)
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return buf.getvalue().encode("utf-8-sig")


def _trusted_import(session: Session, tmp_path, table: str, rows: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """What the operator loads from the console (no viewer: trusted)."""
    path = tmp_path / f"seed-{table}.csv"
    path.write_bytes(_csv(table, rows))
    import_table(session, get_table(table), path, actor=ACTOR)
    session.flush()


# ── one table's rows: for each place a record to edit, a record to move, a record to move illegally, a new one ──

# (column header of the natural key, a function of (place, tag) giving the row's identifying cells)
def _key(table: str, place: str, tag: str, p: Places) -> dict[str, str]:
    name = f"{place}{tag}"
    return {
        "universities": lambda: {"学校名称": f"{name}测试学院"} if tag != "甲" else {"学校名称": p.university[place]},
        "enterprises": lambda: {"企业名称": f"{name}测试有限公司", "所在地区": PLACES[place]}
        if tag != "甲" else {"企业名称": p.enterprise[place], "所在地区": PLACES[place]},
        "departments": lambda: {"单位名称": f"{name}测试局", "所在地区": PLACES[place]},
        "experts": lambda: {"姓名": f"专家{name}", "所在单位": p.university[place]},
        "achievements": lambda: {"成果名称": f"成果{name}", "所属单位": p.university[place]},
        "platforms": lambda: {"平台名称": f"平台{name}", "平台类型": "重点实验室", "依托单位": p.university[place]},
        "demands": lambda: {"需求编号": f"XQ-T-{name}", "需求名称": f"需求{name}", "需求类型": "技术需求",
                            "发布单位": p.university[place], "所在地区": PLACES[place]},
        "agreements": lambda: {"协议编号": f"XY-T-{name}", "协议名称": f"协议{name}", "协议类型": "战略合作框架协议",
                               "所在地区": PLACES[place]},
        "projects": lambda: {"项目编号": f"XM-T-{name}", "项目名称": f"项目{name}", "所在地区": PLACES[place]},
        "bases": lambda: {"基地名称": f"基地{name}", "基地类型": "大学生实习实训基地", "所在地区": PLACES[place]},
        # an activity is the base's: the base of the place (plaqued), a day per tag
        "base_activities": lambda: {"基地名称": f"活动基地{place}", "活动类别": "实习实训", "参加人次": "10",
                                    "活动日期": {"甲": "2025-07-01", "新": "2025-08-01"}.get(tag, "2025-09-01")},
    }[table]()


STATE = {"demands": "状态", "agreements": "协议状态", "projects": "项目阶段", "bases": "状态"}
# Seeded state of the records to move, the legal move, and the seeded state + move the state machine refuses.
MOVES = {
    "demands": ("草稿", "已发榜", "草稿", "已揭榜"),  # 揭榜 happens when a claim arrives, never by hand
    "projects": ("已签约", "已验收", "已开工", "已签约"),  # stages only move forward
    "agreements": (None, None, "已签约", "履行完毕"),  # agreements have no state workflow on the pages
    "bases": (None, None, "已申报", "已挂牌"),  # nor do bases (their life is the office's, on the base page)
}
EDIT = {"universities": "联系人", "enterprises": "联系人", "departments": "联系人", "experts": "职称",
        "achievements": "团队", "platforms": "研究方向", "demands": "需求名称", "agreements": "协议名称",
        "projects": "项目名称", "bases": "地址", "base_activities": "活动内容"}


@pytest.fixture
def places(session: Session, world: World, tmp_path) -> Places:  # type: ignore[no-untyped-def]
    """A university and an enterprise in each place, and every table's records there (loaded by the operator)."""
    if session.scalar(select(BaseType.id).limit(1)) is None:
        session.add_all([BaseType(code=c, name=n, description=d) for c, n, d in DEFAULT_BASE_TYPES])
    unis = {place: f"{place}测试大学" for place in PLACES}
    for place, name in unis.items():
        create_organisation(session, actor=ACTOR, kind=OrgKind.UNIVERSITY, name=name,
                            region_id=_region_id(session, PLACES[place]))
    beijing = create_organisation(session, actor=ACTOR, kind=OrgKind.ENTERPRISE, name="北京测试科技有限公司",
                                  region_id=_region_id(session, PLACES["beijing"]))
    p = Places(university=unis, enterprise={"hejin": world.enterprise.name, "taiyuan": world.other_enterprise.name,
                                            "beijing": beijing.name})
    session.flush()
    for table in ("departments", "experts", "achievements", "platforms", "demands", "agreements", "projects",
                  "bases"):
        rows = []
        for place in PLACES:
            rows.append(_key(table, place, "甲", p))
            if table in STATE:
                legal_from, _to, illegal_from, _bad = MOVES[table]
                if legal_from is not None:
                    rows.append(_key(table, place, "乙", p) | {STATE[table]: legal_from})
                rows.append(_key(table, place, "丙", p) | {STATE[table]: illegal_from})
        if table == "demands":
            rows = [r | {STATE[table]: r.get(STATE[table], "草稿")} for r in rows]
        _trusted_import(session, tmp_path, table, rows)
    _trusted_import(session, tmp_path, "bases", [
        {"基地名称": f"活动基地{place}", "基地类型": "大学生实习实训基地", "所在地区": PLACES[place], "状态": "已挂牌"}
        for place in PLACES])
    _trusted_import(session, tmp_path, "base_activities", [_key("base_activities", place, "甲", p) for place in PLACES])
    return p


def _rows(table: str, p: Places) -> list[tuple[str, str, bool, dict[str, str]]]:
    """(place, what, legal when managed, row) for every place: edit, create, move, illegal move."""
    out = []
    for place in PLACES:
        out.append((place, "edit", True, _key(table, place, "甲", p) | {EDIT[table]: f"{place}改过"}))
        out.append((place, "create", True, _key(table, place, "新", p)))
        if table in STATE:
            _legal_from, legal_to, _illegal_from, illegal_to = MOVES[table]
            if legal_to is not None:
                out.append((place, "move", True, _key(table, place, "乙", p) | {STATE[table]: legal_to}))
            out.append((place, "bad move", False, _key(table, place, "丙", p) | {STATE[table]: illegal_to}))
    if table == "demands":  # a demand's state column defaults to 已发榜: name the states the rows keep
        out = [(pl, w, ok, r if STATE["demands"] in r else r | {"状态": "草稿"}) for pl, w, ok, r in out]
    return out


_ERROR_ROW = re.compile(r'<td data-label="行">(\d*)</td>.*?<td data-label="问题">([^<]*)</td>', re.S)


def _check(c: TestClient, table: str, content: bytes) -> tuple[int, str, dict[int, str]]:
    """Upload on /import: status, page text, and the reason reported per row."""
    r = c.post("/import", data={"table": table, "csrf_token": csrf_for(c)},
               files={"file": (f"{table}.csv", content, "text/csv")})
    errors: dict[int, str] = {}
    for row, reason in _ERROR_ROW.findall(r.text):
        if row:
            errors.setdefault(int(row), reason)
    return r.status_code, r.text, errors


TABLES = ("universities", "experts", "achievements", "platforms", "enterprises", "departments", "demands",
          "agreements", "projects", "bases", "base_activities")


@pytest.mark.parametrize("persona", sorted(MANAGES))
@pytest.mark.parametrize("table", TABLES)
def test_an_import_row_may_only_do_what_the_importer_may_do_on_the_pages(
    persona: str, table: str, places: Places, login: Callable[[str], TestClient]
) -> None:
    rows = _rows(table, places)
    status, page, errors = _check(login(persona), table, _csv(table, [r for *_, r in rows]))
    for number, (place, what, legal, _row) in enumerate(rows, start=2):  # row 1 is the header
        managed = persona == "admin" if table == "universities" and what == "create" else place in MANAGES[persona]
        reason = errors.get(number, "")
        where = f"{persona} {table} row {number} ({what} in {place})"
        if not managed:
            assert REFUSED in reason, f"{where} should be refused, got {reason!r}"
        elif not legal:
            assert reason and REFUSED not in reason, f"{where}: the state machine refuses it, got {reason!r}"
        else:
            assert not reason, f"{where} should pass, got {reason!r}"
    assert status == (422 if errors else 200)
    assert ("将更新" in page) == (not errors)  # with a refusal nothing is counted, nothing may be confirmed


def test_a_hidden_record_reads_like_a_new_one_elsewhere(
    places: Places, login: Callable[[str], TestClient], world: World
) -> None:
    """河津's office names 太原's draft demand, and a code no one uses with 太原 as its place: the same words."""
    hidden = _key("demands", "taiyuan", "甲", places) | {"状态": "草稿", "需求名称": "改个名字"}
    nowhere = _key("demands", "taiyuan", "无此记录", places) | {"状态": "草稿", "需求名称": "改个名字"}
    _status, page, errors = _check(login("hejin"), "demands", _csv("demands", [hidden, nowhere]))
    assert REFUSED in errors[2] and errors[2] == errors[3]
    row_two, row_three = (re.search(rf'<tr><td data-label="行">{n}</td>.*?</tr>', page, re.S) for n in (2, 3))
    assert row_two and row_three
    assert row_two.group(0).replace(">2<", ">N<") == row_three.group(0).replace(">3<", ">N<")
    # Unchanged rows of a hidden record are refused too: "无变化" would say it exists.
    same = _key("demands", "taiyuan", "甲", places) | {"状态": "草稿"}
    _status, page, errors = _check(login("hejin"), "demands", _csv("demands", [same]))
    assert REFUSED in errors[2] and "无变化 1" not in page


def test_the_attacks_of_issue_16_leave_the_ledger_unchanged(
    session: Session, places: Places, login: Callable[[str], TestClient], world: World
) -> None:
    """Retitle another city's demand as 保密, publish another province's draft, move another city's project to
    已验收: the county office's check lists each refusal, and confirming is impossible."""
    c = login("hejin")
    demands = [
        _key("demands", "taiyuan", "甲", places) | {"需求名称": "已被改名", "公开方式": "保密", "状态": "草稿"},
        _key("demands", "beijing", "乙", places) | {"状态": "已发榜"},
    ]
    status, _page, errors = _check(c, "demands", _csv("demands", demands))
    assert status == 422 and set(errors) == {2, 3} and all(REFUSED in e for e in errors.values())
    r = c.post("/import/confirm", data={"upload_id": "x" * 20, "csrf_token": csrf_for(c)})
    assert r.status_code == 422
    project = _key("projects", "taiyuan", "乙", places) | {"项目阶段": "已验收"}
    status, _page, errors = _check(c, "projects", _csv("projects", [project]))
    assert status == 422 and REFUSED in errors[2]
    session.expire_all()
    taiyuan = session.scalars(select(Demand).where(Demand.code == "XQ-T-taiyuan甲")).one()
    assert (taiyuan.title, str(taiyuan.visibility), str(taiyuan.state)) == ("需求taiyuan甲", "public", "draft")
    assert str(session.scalars(select(Demand.state).where(Demand.code == "XQ-T-beijing乙")).one()) == "draft"
    assert str(session.scalars(select(Project.stage).where(Project.code == "XM-T-taiyuan乙")).one()) == "signed"


def _confirm(c: TestClient, table: str, content: bytes) -> None:
    r = c.post("/import", data={"table": table, "csrf_token": csrf_for(c)},
               files={"file": (f"{table}.csv", content, "text/csv")})
    assert r.status_code == 200, r.text
    found = re.search(r'name="upload_id" value="([^"]+)"', r.text)
    assert found
    r = c.post("/import/confirm", data={"upload_id": found.group(1), "csrf_token": csrf_for(c)},
               follow_redirects=False)
    assert r.status_code == 303


def test_an_allowed_import_is_confirmed_and_written(
    session: Session, places: Places, login: Callable[[str], TestClient]
) -> None:
    """河津's office publishes its own draft and moves its own project forward: both land, as the pages would."""
    c = login("hejin")
    _confirm(c, "demands", _csv("demands", [_key("demands", "hejin", "乙", places) | {"状态": "已发榜"}]))
    _confirm(c, "projects", _csv("projects", [_key("projects", "hejin", "乙", places) | {"项目阶段": "已开工"}]))
    session.expire_all()
    demand = session.scalars(select(Demand).where(Demand.code == "XQ-T-hejin乙")).one()
    assert str(demand.state) == "published" and demand.published_at is not None  # counted from today on
    steps = session.scalars(select(DemandTransition).where(DemandTransition.demand_id == demand.id)
                            .order_by(DemandTransition.id)).all()
    assert [(str(t.from_state), str(t.to_state)) for t in steps] == [
        ("draft", "submitted"), ("submitted", "reviewed"), ("reviewed", "published")]
    assert {t.actor for t in steps} == {"测试·hejin"} and "第 2 行" in (steps[0].reason or "")
    project = session.scalars(select(Project).where(Project.code == "XM-T-hejin乙")).one()
    assert str(project.stage) == "started" and project.started_on is not None
    changes = session.scalars(select(ProjectStageChange).where(ProjectStageChange.project_id == project.id)).all()
    assert [(str(c.from_stage), str(c.to_stage)) for c in changes] == [("signed", "started")]


def test_a_demand_published_by_import_with_its_deadline_past_is_refused_at_the_date(
    session: Session, places: Places, login: Callable[[str], TestClient]
) -> None:
    """河津's office publishes its own draft from the 需求清单 with 截止日期 last week: as on the pages, nobody
    could 揭榜 it; the report names row 2 and the 截止日期 column, and the demand stays a draft."""
    import datetime as dt

    from xiaodi.core.settings import local_today
    last_week = local_today() - dt.timedelta(days=7)
    c = login("hejin")
    row = _key("demands", "hejin", "乙", places) | {"状态": "已发榜", "截止日期": last_week.isoformat()}
    status, page, errors = _check(c, "demands", _csv("demands", [row]))
    assert status == 422 and f"揭榜截止 {last_week:%Y-%m-%d} 早于今天" in errors[2]
    assert re.search(r'<td data-label="行">2</td><td data-label="列">\w+ 截止日期</td>', page)
    session.expire_all()
    assert str(session.scalars(select(Demand.state).where(Demand.code == "XQ-T-hejin乙")).one()) == "draft"


def test_the_office_enters_its_bases_batches_on_the_import_page(
    session: Session, places: Places, login: Callable[[str], TestClient]
) -> None:
    """基地活动信息表 on /import: 河津's office downloads the template, fills in a batch at its plaqued base and
    confirms; the batch is on the base page."""
    from openpyxl import load_workbook

    from xiaodi.bases.models import BaseActivity

    c = login("hejin")
    assert ("base_activities", "基地活动信息表") in [
        (m.group(1), m.group(2)) for m in re.finditer(r'<option value="(\w+)"[^>]*>([^<]+)</option>',
                                                      c.get("/import").text)]
    template = c.get("/import/template/base_activities.xlsx")
    assert template.status_code == 200
    headers = [cell.value for cell in next(load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert headers[:3] == ["基地名称", "活动日期", "活动类别"]
    batch = _key("base_activities", "hejin", "新", places) | {"参加人次": "25", "天数": "30", "活动内容": "暑期实训"}
    _confirm(c, "base_activities", _csv("base_activities", [batch]))
    session.expire_all()
    base = session.scalars(select(ProgrammeBase).where(ProgrammeBase.name == "活动基地hejin")).one()
    row = session.scalars(select(BaseActivity).where(BaseActivity.base_id == base.id,
                                                     BaseActivity.summary == "暑期实训")).one()
    assert (row.participants, row.days, str(row.kind)) == (25, 30, "internship")
    assert "暑期实训" in c.get(f"/bases/{base.id}").text


def test_unit_accounts_may_not_import_at_all(login: Callable[[str], TestClient]) -> None:
    for persona in ("enterprise", "university"):
        c = login(persona)
        r = c.post("/import", data={"table": "demands", "csrf_token": csrf_for(c)},
                   files={"file": ("d.csv", b"x", "text/csv")})
        assert r.status_code == 403


def test_the_command_line_says_it_is_the_operators_trusted_console() -> None:
    from typer.testing import CliRunner

    from xiaodi.cli import app

    out = CliRunner().invoke(app, ["import", "--help"]).output
    assert "控制台" in out and "数据库" in out


def test_unused_names_are_not_imported(session: Session, places: Places) -> None:
    """(Guard of the fixture: every place has its records, so a refusal is about scope, not a missing row.)"""
    for place in PLACES:
        assert session.scalar(select(Person.id).where(Person.name == f"专家{place}甲")) is not None
        assert session.scalar(select(ProgrammeBase.id).where(ProgrammeBase.name == f"基地{place}甲")) is not None
        assert session.scalar(select(Organisation.id).where(Organisation.name == places.university[place]))


def test_a_hidden_unit_reads_like_an_unknown_one(places: Places, login: Callable[[str], TestClient],
                                                 world: World) -> None:
    """A unit of another region is not found for 河津's office, and never suggested by name."""
    hidden = world.other_enterprise.name  # 太原测试重工有限公司
    rows = [_key("demands", "hejin", "新一", places) | {"发布单位": hidden, "状态": "草稿"},
            _key("demands", "hejin", "新二", places) | {"发布单位": "太原测试重工集团有限公司", "状态": "草稿"}]
    _status, page, errors = _check(login("hejin"), "demands", _csv("demands", rows))
    assert errors[2] == f"未找到单位“{hidden}”"
    assert errors[3] == "未找到单位“太原测试重工集团有限公司”"
    assert page.count(hidden) == 1  # in row 2's own words only: no suggestion names it



# ── a large import as a background job (后台任务), also on SQLite ────────────────────────────────────────────────

def test_a_large_import_runs_as_a_job_with_its_progress_and_its_row_errors_on_the_progress_page(
    session: Session, places: Places, login: Callable[[str], TestClient], app,  # type: ignore[no-untyped-def]
    engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above XIAODI_IMPORT_JOB_ROWS the confirmed import leaves the request: the office is sent to the job's page,
    the job imports with the office's rules, all or nothing, moving the bar; a refused row fails the job with the
    same Chinese row error, shown on the progress page."""
    from xiaodi.catalog.models import Achievement
    from xiaodi.core import jobs
    from xiaodi.web.imports import _import_job

    started: list[int] = []  # the thread (SQLite) or the queue (PostgreSQL) it would go to
    monkeypatch.setattr(jobs, "start", lambda _engine, run_id, **_: started.append(run_id))
    app.state.settings.import_job_rows = 2
    rows = [{"成果名称": f"大批成果{i}", "所属单位": places.university["hejin"]} for i in range(3)]
    c = login("hejin")
    r = c.post("/import", data={"table": "achievements", "csrf_token": csrf_for(c)},
               files={"file": ("成果.csv", _csv("achievements", rows), "text/csv")})
    upload = re.search(r'name="upload_id" value="([^"]+)"', r.text)
    assert r.status_code == 200 and upload
    r = c.post("/import/confirm", data={"upload_id": upload.group(1), "csrf_token": csrf_for(c)},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/jobs/{started[0]}"
    run = session.get(jobs.JobRun, started[0])
    assert run is not None and (run.kind, run.label, run.state) == (
        "tables.import", "导入新科技成果信息表（成果.csv）", jobs.JobState.QUEUED)
    assert session.scalar(select(Achievement.id).where(Achievement.title == "大批成果0")) is None  # not yet
    # what the thread (or the worker) does, here in the test's transaction
    moves: list[tuple[int, int | None]] = []
    ctx = jobs.JobContext(engine, run.id, run.args, run.user_id, run.input_name, run.input_data)
    ctx.progress = lambda done, total=None: moves.append((done, total))  # type: ignore[method-assign]
    assert "新增 3" in _import_job(session, ctx)
    assert moves[-1] == (3, 3)
    assert len(session.scalars(select(Achievement.id).where(Achievement.title.like("大批成果%"))).all()) == 3
    # the same file naming 太原's university in its second row: refused as on the page, nothing written
    bad = [rows[0] | {"成果名称": "大批成果甲"}, {"成果名称": "大批成果乙", "所属单位": places.university["taiyuan"]}]
    ctx = jobs.JobContext(engine, run.id, {"table": "achievements"}, run.user_id, "成果.csv",
                          _csv("achievements", bad))
    ctx.progress = lambda done, total=None: None  # type: ignore[method-assign]
    with pytest.raises(Exception) as failed:
        _import_job(session, ctx)
    assert "第 3 行" in str(failed.value) and REFUSED in str(failed.value)
    assert session.scalar(select(Achievement.id).where(Achievement.title == "大批成果甲")) is None
    failed_run = jobs.JobRun(kind="tables.import", label="导入新科技成果信息表（成果.csv）", user_id=run.user_id,
                             state=jobs.JobState.FAILED, error=str(failed.value))
    session.add(failed_run)
    session.flush()
    page = c.get(f"/jobs/{failed_run.id}").text
    assert "失败" in page and "第 3 行" in page and REFUSED in page and "数据库未作任何修改" in page


def test_a_file_with_only_its_header_row_says_so_on_the_import_page(login: Callable[[str], TestClient],
                                                                       session: Session) -> None:
    """The 协议清单 of a tester held its header and no rows: the page says there are no data rows, as the command
    line does, and nothing is written."""
    c = login("admin")
    before = session.scalar(select(func.count()).select_from(Agreement))
    header_only = "协议编号,协议名称,协议类型,签约日期,签约各方\n".encode("utf-8-sig")
    status, text, _errors = _check(c, "agreements", header_only)
    assert status == 200 and "没有数据行" in text
    assert session.scalar(select(func.count()).select_from(Agreement)) == before
