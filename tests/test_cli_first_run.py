"""Someone runs `xiaodi` for the first time, output piped to a file or another program as scripts do: a database
that was never initialised is named as such (not an SQL statement), and a summary line arrives whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

SRC = Path(__file__).resolve().parents[1] / "src"


def xiaodi(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, stdout and stderr piped (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "XIAODI_DEBUG")}
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}"
    if db is not None:
        env["XIAODI_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run([sys.executable, "-c", "from xiaodi.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def test_a_command_on_a_database_never_initialised_says_to_run_db_init(tmp_path: Path) -> None:
    run = xiaodi("export", "demands", str(tmp_path / "需求.csv"), db=tmp_path / "new.db")
    assert run.returncode == 2
    assert "数据库尚未初始化，请先运行 xiaodi db init" in run.stderr
    assert "SELECT" not in run.stderr + run.stdout and "sqlalche.me" not in run.stderr


def test_a_database_behind_the_code_is_told_to_upgrade(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # initialised by an older release: migrations recorded, this table not there yet
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    engine.dispose()
    run = xiaodi("user", "list", db=db)
    assert run.returncode == 2 and "xiaodi db upgrade" in run.stderr


def test_a_summary_is_not_broken_mid_phrase_when_piped(tmp_path: Path) -> None:
    folder = tmp_path / ("一个很长的文件夹名称用来模拟办公室共享盘上的深层目录" * 2)
    folder.mkdir()
    target = folder / "企业需求清单-填报模板.xlsx"
    run = xiaodi("template", "demands", str(target))
    assert run.returncode == 0, run.stderr
    assert f"已生成企业需求清单模板：{target}\n" in run.stdout
