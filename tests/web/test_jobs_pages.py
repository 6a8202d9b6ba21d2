"""后台任务 in the browser: the administrator lists the jobs that are waiting, running or failed, each failure with its
reason; the official who started an import follows its progress bar and downloads its result; nobody else sees
another's job (404) or the administrator's list (403)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xiaodi.briefing.jobs import build_briefing
from xiaodi.core.jobs import JobContext, JobRun, JobState

from .conftest import World, csrf_for


def _run(session: Session, user_id: int, **values: object) -> int:
    run = JobRun(kind="tables.import", label="导入新科技成果信息表（成果.xlsx）", user_id=user_id, **values)
    session.add(run)
    session.flush()
    return run.id


def test_the_administrator_sees_waiting_running_and_failed_jobs_with_the_reason(
        login: Callable[[str], TestClient], personas: dict[str, int], session: Session) -> None:
    running = _run(session, personas["hejin"], state=JobState.RUNNING, done=3000, total=12000, attempts=1)
    failed = _run(session, personas["hejin"], state=JobState.FAILED, attempts=5,
                  error="OperationalError: 数据库连接中断")
    finished = _run(session, personas["hejin"], state=JobState.DONE, summary="导入：共 10 行")
    page = login("admin").get("/admin/jobs").text
    assert f'href="/jobs/{running}"' in page and "3000 / 12000" in page and "运行中" in page
    assert f'href="/jobs/{failed}"' in page and "OperationalError: 数据库连接中断" in page
    assert f'href="/jobs/{finished}"' not in page  # finished jobs only when asked for
    assert f'href="/jobs/{finished}"' in login("admin").get("/admin/jobs?state=done").text
    api = login("admin").get("/api/jobs", params={"state": "failed"}).json()
    assert [(j["id"], j["state_label"], j["error"]) for j in api["items"]][:1] == [
        (failed, "失败", "OperationalError: 数据库连接中断")]
    assert login("admin").get("/api/jobs", params={"state": "lost"}).status_code == 422


def test_the_official_who_started_an_import_follows_its_progress_and_nobody_else_sees_it(
        login: Callable[[str], TestClient], personas: dict[str, int], session: Session) -> None:
    run_id = _run(session, personas["hejin"], state=JobState.RUNNING, done=3000, total=12000)
    hejin = login("hejin")
    page = hejin.get(f"/jobs/{run_id}")
    assert page.status_code == 200
    assert f'data-job-progress="/api/jobs/{run_id}"' in page.text and 'value="25"' in page.text
    progress = hejin.get(f"/api/jobs/{run_id}").json()
    assert (progress["state"], progress["percent"], progress["done"], progress["total"]) == ("running", 25, 3000, 12000)
    for other in ("province", "enterprise"):
        assert login(other).get(f"/jobs/{run_id}").status_code == 404
        assert login(other).get(f"/api/jobs/{run_id}").status_code == 404
    assert hejin.get("/admin/jobs").status_code == 403 and hejin.get("/api/jobs").status_code == 403
    assert login("admin").get(f"/api/jobs/{run_id}").status_code == 200


def test_a_finished_job_offers_its_result_file(
        login: Callable[[str], TestClient], personas: dict[str, int], session: Session) -> None:
    run_id = _run(session, personas["province"], state=JobState.DONE, summary="简报已生成",
                  output_name="山西省工作简报.docx", output_data=b"PK-docx")
    province = login("province")
    assert "下载 山西省工作简报.docx" in province.get(f"/jobs/{run_id}").text
    r = province.get(f"/jobs/{run_id}/download")
    assert r.status_code == 200 and r.content == b"PK-docx"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    nothing = _run(session, personas["province"], state=JobState.DONE)
    assert province.get(f"/jobs/{nothing}/download").status_code == 404


def test_an_office_builds_its_briefing_in_the_background_and_downloads_it(
        login: Callable[[str], TestClient], world: World, session: Session, engine: Engine) -> None:
    hejin = login("hejin")
    assert 'action="/figures/briefing/jobs"' in hejin.get("/figures?year=2025").text
    r = hejin.post("/figures/briefing/jobs", data={"year": "2025", "csrf_token": csrf_for(hejin)},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    run_id = int(r.headers["location"].rsplit("/", 1)[1])
    run = session.get(JobRun, run_id)
    assert run is not None and run.kind == "briefing.build" and run.label == "生成工作简报（山西省运城市河津市）"
    assert (run.args, run.state) == ({"params": {"year": "2025"}, "format": "docx"}, JobState.QUEUED)
    # what the worker (or, on SQLite, the thread) does with it, here in the test's transaction
    ctx = JobContext(engine, run_id, run.args, run.user_id)
    ctx.progress = lambda done, total=None: None  # type: ignore[method-assign]
    assert build_briefing(session, ctx).endswith("已生成")
    assert ctx.output_name and ctx.output_name.endswith(".docx") and ctx.output_data
    assert ctx.output_data[:2] == b"PK"
    enterprise = login("enterprise")
    assert enterprise.post("/figures/briefing/jobs", data={"year": "2025", "csrf_token": csrf_for(enterprise)},
                           follow_redirects=False).status_code == 403
    assert hejin.post("/figures/briefing/jobs", data={"year": "2025", "region": world.taiyuan.code,
                                                       "csrf_token": csrf_for(hejin)},
                      follow_redirects=False).status_code == 404  # 太原 is outside 河津's figures


def test_a_large_list_is_exported_in_the_background_within_the_officials_scope(
        login: Callable[[str], TestClient], world: World, session: Session, engine: Engine) -> None:
    from xiaodi.web.pages import _export_job

    hejin = login("hejin")
    r = hejin.post("/exports", data={"list": "demands", "q": "", "csrf_token": csrf_for(hejin)},
                   follow_redirects=False)
    assert r.status_code == 303
    run = session.get(JobRun, int(r.headers["location"].rsplit("/", 1)[1]))
    assert run is not None and (run.kind, run.label, run.args) == ("lists.export", "导出需求清单",
                                                                    {"list": "demands", "params": {}})
    ctx = JobContext(engine, run.id, run.args, run.user_id)
    ctx.progress = lambda done, total=None: None  # type: ignore[method-assign]
    assert _export_job(session, ctx) == "已导出需求清单"
    assert ctx.output_name and ctx.output_name.startswith("需求清单-") and ctx.output_data[:2] == b"PK"
    assert hejin.post("/exports", data={"list": "nothing", "csrf_token": csrf_for(hejin)},
                      follow_redirects=False).status_code == 404


def test_the_administrator_retries_a_failed_job_and_cancels_a_waiting_one_with_a_trail(
        login: Callable[[str], TestClient], personas: dict[str, int], session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.core import jobs
    from xiaodi.core.audit import history

    started: list[int] = []  # where the retried run goes once the request commits (the queue, or a thread)
    monkeypatch.setattr(jobs, "start", lambda _engine, run_id, **_: started.append(run_id))

    failed = _run(session, personas["hejin"], state=JobState.FAILED, attempts=5, error="OperationalError: 连接中断")
    waiting = _run(session, personas["hejin"], state=JobState.QUEUED)
    admin = login("admin")
    page = admin.get("/admin/jobs").text
    assert f'action="/jobs/{failed}/retry"' in page and f'action="/jobs/{waiting}/cancel"' in page
    r = admin.post(f"/jobs/{waiting}/cancel", data={"csrf_token": csrf_for(admin), "reason": "重复提交"},
                   follow_redirects=False)
    assert r.status_code == 303
    session.expire_all()
    run = session.get(JobRun, waiting)
    assert run is not None and (run.state, run.error) == (JobState.CANCELLED, "任务已被管理员取消，数据未作任何修改")
    [entry] = history(session, "job_run", waiting)
    assert (entry.action, entry.actor_user_id, entry.reason) == ("cancel", personas["admin"], "重复提交")
    assert entry.before["state"] == "queued" and entry.after["state"] == "cancelled"
    # the API: retry the failed one (it goes back in the queue from its first attempt); a second cancel conflicts
    retried = admin.post(f"/api/jobs/{failed}/retry", headers={"X-CSRF-Token": csrf_for(admin)})
    assert retried.status_code == 200, retried.text
    assert (retried.json()["attempts"], retried.json()["error"]) == (0, None)
    assert [e.action for e in history(session, "job_run", failed)] == ["retry"] and started == [failed]
    again = admin.post(f"/api/jobs/{waiting}/cancel", headers={"X-CSRF-Token": csrf_for(admin)})
    assert again.status_code == 409 and "只有排队、等待重试或运行中的任务可以取消" in again.json()["detail"]


def test_nobody_but_the_administrator_retries_or_cancels_a_job_not_even_who_started_it(
        login: Callable[[str], TestClient], personas: dict[str, int], session: Session) -> None:
    from xiaodi.core.audit import history

    failed = _run(session, personas["hejin"], state=JobState.FAILED, attempts=1, error="第 3 行“所属单位”不存在")
    waiting = _run(session, personas["hejin"], state=JobState.QUEUED)
    hejin = login("hejin")
    assert f'action="/jobs/{failed}/retry"' not in hejin.get(f"/jobs/{failed}").text  # the page offers no button
    for persona in ("hejin", "province", "enterprise"):
        c = login(persona)
        token = csrf_for(c)
        assert c.post(f"/jobs/{failed}/retry", data={"csrf_token": token}, follow_redirects=False).status_code == 403
        assert c.post(f"/jobs/{waiting}/cancel", data={"csrf_token": token},
                      follow_redirects=False).status_code == 403
        assert c.post(f"/api/jobs/{failed}/retry", headers={"X-CSRF-Token": token}).status_code == 403
        assert c.post(f"/api/jobs/{waiting}/cancel", headers={"X-CSRF-Token": token}).status_code == 403
    session.expire_all()
    assert (session.get(JobRun, failed).state, session.get(JobRun, waiting).state) == (  # type: ignore[union-attr]
        JobState.FAILED, JobState.QUEUED)
    assert history(session, "job_run", failed) == [] and history(session, "job_run", waiting) == []


def test_the_administrator_is_told_how_a_stop_ended() -> None:
    from xiaodi.jobs.service import outcome

    said = {state: outcome(JobRun(id=7, state=state)) for state in (JobState.CANCELLED, JobState.CANCELLING,
                                                                     JobState.DONE)}
    assert said == {JobState.CANCELLED: "任务（编号 7）已取消",
                    JobState.CANCELLING: "任务（编号 7）将在下一次进度检查时停止",
                    JobState.DONE: "任务（编号 7）在停止前已结束（已完成），未能取消"}  # its work stands
