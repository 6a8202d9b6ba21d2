"""Someone types a command wrong: the answer says in Chinese what was wrong, how the command is used and where its
help is — never Click's English, never a traceback — and exits with 2 as a usage error does."""

from __future__ import annotations

import re

import pytest

from xiaodi.cli import main


def typed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("sys.argv", ["xiaodi", *args])
    try:
        main()
    except SystemExit as stopped:
        return int(stopped.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


@pytest.mark.parametrize(("args", "said"), [
    (("user", "add"), "缺少参数 username"),
    (("user", "add", "wang", "--role", "mayor"), "--role 的值无效，可选：province_office（省级办公室）"),
    (("user", "add", "wang", "li", "--role", "admin"), "多余的参数：li"),
    # a Chinese word where a choice's code goes: the choices, not a message quoting it in English
    (("demand", "list", "--state", "已发榜"), "--state 的值无效，可选：draft（草稿）"),
    (("figures", "--frm", "2026-01-01"), "没有选项 --frm；您是否要找：--from"),
    (("match", "--top", "十", "钢渣综合利用"), "--top 的值应为一个整数"),
    (("agreement", "list", "--limit", "20000"), "--limit 的值应为一个整数，且在 1–10000 之间"),  # not "no integer"
    (("mach", "钢渣综合利用"), "没有命令“mach”"),
])  # fmt: skip
def test_a_mistyped_command_line_is_said_in_chinese_with_its_usage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], said: str
) -> None:
    code, err = typed(capsys, monkeypatch, *args)
    assert code == 2
    assert said in err
    assert "用法：" in err and "--help 查看说明" in err
    assert not re.search(r"\b(Missing|Invalid|No such|Got unexpected|Usage:|Traceback|Value error)\b", err), err


def test_an_option_without_its_value_says_so(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = typed(capsys, monkeypatch, "match", "钢渣综合利用", "--place")
    assert code == 2
    assert "选项 --place 后面需要一个值" in err


def test_the_projects_own_message_is_kept_as_written(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = typed(capsys, monkeypatch, "figures", "--from", "2026-13-01")
    assert code == 2
    assert "起始日期应写作 YYYY-MM-DD：2026-13-01" in err


def test_help_still_exits_cleanly(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _ = typed(capsys, monkeypatch, "--help")
    assert code == 0
