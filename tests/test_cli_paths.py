"""An office types a path wrong: exports into a folder that is not there, a briefing to a missing drive, a report
file that does not exist. Every command that reads or writes a named file answers in Chinese what is wrong with
it (目录不存在、文件不存在、没有写入权限) — not 内部错误：FileCreateError, a FileNotFoundError or an English
strerror (core.paths, used by the commands' path options and by ``xiaodi``'s last resort)."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from xiaodi import cli
from xiaodi.cli_options import fixed_engine


def xiaodi(engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
           *args: str) -> tuple[int, str]:
    """``xiaodi ARGS`` as the installed command runs it (``cli.main``: its messages, its exit code)."""
    monkeypatch.setattr(sys, "argv", ["xiaodi", *args])
    monkeypatch.setenv("XIAODI_MATCH_ENCODER", "none")
    monkeypatch.delenv("XIAODI_DEBUG", raising=False)
    with fixed_engine(engine), pytest.raises(SystemExit) as exited:
        cli.main()
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out + captured.err


def test_an_export_into_a_folder_that_is_not_there_names_the_folder(engine, capsys, monkeypatch, tmp_path) -> None:
    code, said = xiaodi(engine, capsys, monkeypatch, "export", "agreements", str(tmp_path / "nonexist" / "a.xlsx"))
    assert code == 2
    assert f"错误：目录不存在：{tmp_path / 'nonexist'}" in said
    assert "内部错误" not in said and "Errno" not in said


def test_a_briefing_to_a_missing_folder_is_refused_before_it_is_built(engine, capsys, monkeypatch, tmp_path) -> None:
    code, said = xiaodi(engine, capsys, monkeypatch, "briefing", "--out", str(tmp_path / "nonexist" / "b.docx"))
    assert code == 2 and f"错误：目录不存在：{tmp_path / 'nonexist'}" in said
    assert "FileNotFoundError" not in said


def test_a_report_file_that_does_not_exist_is_named_in_chinese(engine, capsys, monkeypatch, tmp_path) -> None:
    code, said = xiaodi(engine, capsys, monkeypatch, "ingest", str(tmp_path / "nonexist.txt"))
    assert code == 1
    assert f"文件不存在：{tmp_path / 'nonexist.txt'}" in said
    assert "No such file" not in said


def test_a_batch_file_that_does_not_exist_and_a_folder_given_as_output(engine, capsys, monkeypatch, tmp_path) -> None:
    code, said = xiaodi(engine, capsys, monkeypatch, "match", "--batch", str(tmp_path / "b.csv"),
                        "--out", str(tmp_path / "o.jsonl"))
    assert code == 2 and f"文件不存在：{tmp_path / 'b.csv'}" in said
    (tmp_path / "b.csv").write_text("id,text\nD1,钢渣\n", encoding="utf-8")
    code, said = xiaodi(engine, capsys, monkeypatch, "match", "--batch", str(tmp_path / "b.csv"),
                        "--out", str(tmp_path))
    assert code == 2 and f"这是一个文件夹，不是文件：{tmp_path}" in said


def test_a_file_that_may_not_be_written_says_so(tmp_path: Path) -> None:
    """The words for a refused write (a file Excel holds open, a read-only share), as the last resort says them."""
    from xiaodi.core.paths import path_problem

    locked = tmp_path / "a.xlsx"
    refused = PermissionError(errno.EACCES, "Permission denied", str(locked))
    assert path_problem(refused, writing=True) == f"没有写入权限：{locked}"
    assert path_problem(FileNotFoundError(errno.ENOENT, "No such file", "/nonexist/dir/a.xlsx")) == \
        "目录不存在：/nonexist/dir"
