"""后台任务 in the browser: the administrator lists the jobs that are waiting, running or failed, each failure with its
reason; the official who started an import follows its progress bar and downloads its result; nobody else sees
another's job (404) or the administrator's list (403)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xiaodi.core.jobs import JobRun, JobState


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
