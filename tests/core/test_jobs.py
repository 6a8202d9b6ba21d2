"""Background jobs (后台任务) as the embedded default runs them — in the process — and as the queue's worker runs
them: the work and its 已完成 mark commit together, so a run is done exactly once however often it is started; a
failure is retried with back-off and kept on the run with its reason; bad input fails at once, in Chinese."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from xiaodi.core import jobs, queue
from xiaodi.core.db import make_engine, write_after_reading
from xiaodi.core.errors import ValidationFailed
from xiaodi.core.migrate import upgrade
from xiaodi.tables import jobs as _console_jobs  # noqa: F401  (registers tables.import_console)

CALLS: list[str] = []


@jobs.job("test.count", "测试计数")
def _count(session: Session, ctx: jobs.JobContext) -> str:
    """Writes one row per run: how many rows there are is how many times the work took effect."""
    CALLS.append("count")
    ctx.progress(1, 2)
    session.execute(text("insert into shared_counter (name, value) values (:n, 1)"), {"n": ctx.args["name"]})
    if ctx.args.get("crash"):  # the process dies after the writes, before the commit
        raise KeyboardInterrupt
    ctx.output("结果.txt", "完成".encode())
    return "计数完成"


@jobs.job("test.flaky", "测试失败")
def _flaky(session: Session, ctx: jobs.JobContext) -> str:
    CALLS.append("flaky")
    raise ConnectionError("数据库连接中断")


@jobs.job("test.refused", "测试拒绝")
def _refused(session: Session, ctx: jobs.JobContext) -> str:
    CALLS.append("refused")
    raise ValidationFailed("第 3 行“所属单位”不存在")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


def _run_row(engine: Engine, run_id: int) -> jobs.JobRun:
    with Session(engine, expire_on_commit=False) as s:
        run = s.get(jobs.JobRun, run_id)
        assert run is not None
        s.expunge(run)
        return run


def _effects(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("select count(*) from shared_counter where name = :n"), {"n": name}) or 0)


def _new_run(engine: Engine, kind: str, **args: object) -> int:
    with Session(engine) as s:
        run = jobs.JobRun(kind=kind, label=jobs.REGISTRY[kind].label, args=args)
        s.add(run)
        s.commit()
        return run.id


def test_a_job_is_done_once_however_often_it_is_started(engine: Engine) -> None:
    run_id = _new_run(engine, "test.count", name="once")
    assert jobs.run(engine, run_id) is True
    assert jobs.run(engine, run_id) is True  # the queue delivered it twice: nothing happens the second time
    run = _run_row(engine, run_id)
    assert (run.state, run.summary, run.output_name, run.attempts) == (jobs.JobState.DONE, "计数完成", "结果.txt", 1)
    assert run.percent == 100 and run.done == 2 and run.total == 2
    assert _effects(engine, "once") == 1


def test_a_run_that_dies_before_its_commit_leaves_nothing_and_the_next_attempt_does_the_work(engine: Engine) -> None:
    run_id = _new_run(engine, "test.count", name="crashed", crash=True)
    with pytest.raises(KeyboardInterrupt):
        jobs.run(engine, run_id)
    assert _effects(engine, "crashed") == 0
    assert _run_row(engine, run_id).state == jobs.JobState.RUNNING  # as a killed worker leaves it
    with Session(engine) as s:  # the next attempt (a rescued job) no longer crashes
        run = s.get(jobs.JobRun, run_id)
        assert run is not None
        run.args = {"name": "crashed"}
        s.commit()
    assert jobs.run(engine, run_id) is True
    assert _effects(engine, "crashed") == 1 and _run_row(engine, run_id).attempts == 2


def test_a_failing_job_is_retried_with_back_off_and_keeps_its_reason(engine: Engine) -> None:
    run_id = _new_run(engine, "test.flaky")
    waits: list[float] = []
    CALLS.clear()
    assert jobs.run_with_retries(engine, run_id, sleep=waits.append) is False
    assert CALLS == ["flaky"] * jobs.MAX_ATTEMPTS
    assert waits == [2, 4, 8, 16]
    run = _run_row(engine, run_id)
    assert run.state == jobs.JobState.FAILED and run.attempts == jobs.MAX_ATTEMPTS
    assert run.error == "ConnectionError: 数据库连接中断" and run.finished_at is not None


def test_between_attempts_a_run_waits_for_its_retry(engine: Engine) -> None:
    run_id = _new_run(engine, "test.flaky")
    with pytest.raises(ConnectionError):
        jobs.run(engine, run_id)
    assert _run_row(engine, run_id).state == jobs.JobState.RETRYING


def test_bad_input_fails_at_once_with_the_chinese_reason(engine: Engine) -> None:
    run_id = _new_run(engine, "test.refused")
    CALLS.clear()
    assert jobs.run_with_retries(engine, run_id, sleep=lambda _: None) is False
    assert CALLS == ["refused"]  # another attempt cannot mend a file
    run = _run_row(engine, run_id)
    assert (run.state, run.error) == (jobs.JobState.FAILED, "第 3 行“所属单位”不存在")


def test_on_sqlite_a_submitted_job_runs_in_the_process(engine: Engine) -> None:
    run_id = jobs.submit(engine, "test.count", user_id=None, args={"name": "inline"})
    import time

    deadline = time.monotonic() + 30
    while _run_row(engine, run_id).state != jobs.JobState.DONE:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert _effects(engine, "inline") == 1
    assert _run_row(engine, run_id).queue_job_id is None


def test_only_postgresql_has_a_queue(engine: Engine) -> None:
    assert not jobs.queue_enabled(engine, "queue")
    pg = make_engine("postgresql+psycopg://u@db.example/x")
    assert jobs.queue_enabled(pg, "auto") and jobs.queue_enabled(pg, "queue")
    assert not jobs.queue_enabled(pg, "inline")
    with engine.begin() as conn:
        assert queue.ensure_schema(conn) is None


def test_the_admin_list_shows_open_and_failed_runs_newest_first(engine: Engine) -> None:
    with Session(engine) as s:
        failed = [r.id for r in jobs.runs(s, states=(jobs.JobState.FAILED,))]
        assert failed == sorted(failed, reverse=True) and failed
        assert all(jobs.as_dict(r)["state_label"] == "失败" for r in jobs.runs(s, states=(jobs.JobState.FAILED,)))


def test_an_older_queue_schema_gets_only_the_newer_migration_scripts() -> None:
    newer = [p.name for p in queue._migrations_after("3.3.0")]
    assert newer and all(not n.startswith(("03.00", "03.01", "03.02", "03.03")) for n in newer)
    assert queue._migrations_after(queue.installed_version()) == []


@pytest.mark.skipif(not os.environ.get("XIAODI_TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the queue lives in PostgreSQL")
def test_the_queue_schema_is_applied_once_by_the_upgrade() -> None:
    eng = make_engine(os.environ["XIAODI_TEST_DATABASE_URL"])
    upgrade(eng)  # the suite's database: applies the queue's schema if no other test module has
    try:
        with eng.begin() as conn:
            assert queue.ensure_schema(conn) is None  # already at the installed version
            assert queue.reachable(conn)
            comment = conn.scalar(select(text("obj_description('procrastinate_jobs'::regclass, 'pg_class')")))
        assert comment == f"procrastinate {queue.installed_version()}"
    finally:
        eng.dispose()


def test_the_worker_is_not_needed_on_sqlite(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xiaodi.cli import app

    result = CliRunner().invoke(app, ["worker", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code != 0
    assert "只在 PostgreSQL 上运行" in str(result.exception) or "只在 PostgreSQL 上运行" in result.output


# ---- an administrator's retry and cancel (the rules and the audit: tests/web/test_jobs_pages.py) ---------------

@jobs.job("test.stoppable", "测试停止")
def _stoppable(session: Session, ctx: jobs.JobContext) -> str:
    """Writes a row, then checks for a stop at each step as an import does every thousand rows."""
    session.execute(text("insert into shared_counter (name, value) values (:n, 1)"), {"n": ctx.args["name"]})
    session.flush()
    ctx.progress(1, 3)
    stopper = threading.Thread(target=_cancel, args=(ctx.engine, ctx.run_id))
    stopper.start()  # the administrator, on another connection
    deadline = time.monotonic() + 10
    while ctx.run_id not in jobs._STOP:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    STOPPERS.append(stopper)
    ctx.progress(2, 3)  # the job's check: it stops here
    return "不应完成"


STOPPERS: list[threading.Thread] = []


def _cancel(engine: Engine, run_id: int) -> None:
    """The administrator's 取消 as ``jobs.service.cancel`` does it: read the run, tell a running job to stop, and
    write only then (the job holds SQLite's write lock until it lets go)."""
    with Session(engine) as s:
        run = s.get(jobs.JobRun, run_id)
        assert run is not None
        if run.state == jobs.JobState.RUNNING:
            jobs.ask_to_stop(engine, run_id)
        write_after_reading(s)
        run = s.get(jobs.JobRun, run_id)
        assert run is not None
        jobs.cancel(s, run)
        s.commit()


def test_a_waiting_run_that_is_cancelled_never_runs(engine: Engine) -> None:
    run_id = _new_run(engine, "test.count", name="cancelled")
    _cancel(engine, run_id)
    CALLS.clear()
    assert jobs.run(engine, run_id) is False  # the queue still delivers it: nothing happens
    run = _run_row(engine, run_id)
    assert CALLS == [] and _effects(engine, "cancelled") == 0
    assert (run.state, jobs.JobState(run.state).label, run.error) == (jobs.JobState.CANCELLED, "已取消",
                                                                       "任务已被管理员取消，数据未作任何修改")


def test_a_running_run_asked_to_stop_stops_at_its_next_check_with_nothing_written(engine: Engine) -> None:
    run_id = _new_run(engine, "test.stoppable", name="stopped")
    assert jobs.run(engine, run_id) is False
    for stopper in STOPPERS:
        stopper.join(15)
    run = _run_row(engine, run_id)
    assert _effects(engine, "stopped") == 0  # the first step's row was rolled back with the run
    assert run.state == jobs.JobState.CANCELLED and run.finished_at is not None and run.summary is None


def test_a_failed_run_retried_runs_again_from_its_first_attempt(engine: Engine) -> None:
    run_id = _new_run(engine, "test.refused")
    jobs.run(engine, run_id)
    with Session(engine) as s:  # the administrator mended the cause (here: the job no longer refuses)
        run = s.get(jobs.JobRun, run_id)
        assert run is not None and run.state == jobs.JobState.FAILED
        run.kind, run.args = "test.count", {"name": "retried"}
        jobs.retry(s, run)
        assert (run.state, run.attempts, run.error) == (jobs.JobState.QUEUED, 0, None)
        s.commit()  # on SQLite it starts in a thread of the process once committed
    deadline = time.monotonic() + 30
    while _run_row(engine, run_id).state != jobs.JobState.DONE:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert _effects(engine, "retried") == 1 and _run_row(engine, run_id).attempts == 1


@pytest.mark.skipif(not os.environ.get("XIAODI_TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the queue lives in PostgreSQL")
def test_on_the_queue_a_stop_asked_on_another_host_is_seen_at_the_jobs_next_progress(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.core.settings import get_settings

    monkeypatch.setenv("XIAODI_JOBS", "queue")
    get_settings.cache_clear()
    eng = make_engine(os.environ["XIAODI_TEST_DATABASE_URL"])
    upgrade(eng)
    deferred: list[int] = []
    jobs.set_deferrer(lambda _engine, run_id: deferred.append(run_id) or len(deferred))
    try:
        run_id = jobs.submit(eng, "test.count", user_id=None, args={"name": "pg-stop"}, inline=False)
        assert deferred == [run_id] and _run_row(eng, run_id).queue_job_id == 1
        with eng.begin() as conn:  # the worker took it; another host's administrator asks it to stop
            conn.execute(text("update job_run set state = 'cancelling' where id = :i"), {"i": run_id})
        ctx = jobs.JobContext(eng, run_id, {}, None)
        with pytest.raises(jobs.JobCancelled):
            ctx.progress(1, 2)
        assert _run_row(eng, run_id).done == 1  # progress is written to the row on PostgreSQL
        assert jobs.run(eng, run_id) is False  # an attempt that starts after the request ends it at once
        assert _run_row(eng, run_id).state == jobs.JobState.CANCELLED
        with Session(eng) as s:
            run = s.get(jobs.JobRun, run_id)
            assert run is not None
            jobs.retry(s, run)
            s.commit()
        assert deferred == [run_id, run_id]  # retried: deferred to the queue again
    finally:
        jobs.set_deferrer(None)
        monkeypatch.undo()
        get_settings.cache_clear()
        eng.dispose()


# ---- xiaodi import --background: the console's import on the queue --------------------------------------------


def test_the_console_import_goes_to_the_queue_only_on_postgresql(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from xiaodi.cli import app

    file = tmp_path / "成果.csv"
    file.write_text("成果名称,所属单位\n测试成果,山西大学\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "achievements", str(file), "--background",
                                      "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code != 0
    assert "需要 PostgreSQL 任务队列" in str(result.exception) + result.output


@pytest.mark.skipif(not os.environ.get("XIAODI_TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the queue lives in PostgreSQL")
def test_the_console_import_runs_on_the_worker_and_its_row_errors_come_back_to_the_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.core.errors import ValidationFailed
    from xiaodi.core.settings import get_settings
    from xiaodi.tables.cli import import_in_background

    monkeypatch.setenv("XIAODI_JOBS", "queue")
    get_settings.cache_clear()
    eng = make_engine(os.environ["XIAODI_TEST_DATABASE_URL"])
    upgrade(eng)
    # the worker, here: the deferred run is run at once (as `xiaodi worker` would take it)
    jobs.set_deferrer(lambda engine, run_id: (jobs.run(engine, run_id), None)[1])
    file = tmp_path / "成果.csv"
    file.write_text("成果名称,所属单位\n后台导入测试成果,没有这个单位的大学\n", encoding="utf-8")
    try:
        with pytest.raises(ValidationFailed) as failed:
            import_in_background("achievements", file, eng, poll=0.01)
        assert "失败" in str(failed.value) and "第 2 行" in str(failed.value)
        with Session(eng) as s:
            run = s.scalars(select(jobs.JobRun).where(jobs.JobRun.kind == "tables.import_console")
                            .order_by(jobs.JobRun.id.desc())).first()
            assert run is not None and run.label == "导入新科技成果信息表（成果.csv，控制台）"
            assert run.state == jobs.JobState.FAILED and "数据库未作任何修改" in (run.error or "")
            assert s.scalar(text("select count(*) from achievement where title = '后台导入测试成果'")) == 0
    finally:
        jobs.set_deferrer(None)
        monkeypatch.undo()
        get_settings.cache_clear()
        eng.dispose()
