"""A command line typed wrong (用法错误), said in Chinese.

Click (which Typer carries) builds its usage errors from English strings; a programme office works in Chinese. The
error's own fields — the option typed, the parameter and the Python type it was declared with — say what went wrong,
so the sentence is made from them rather than by translating Click's text. A message the project wrote itself in
Chinese (``typer.BadParameter("…")``) is kept as written.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiaodi.core.labels import Labelled

try:  # Typer 0.2x carries its own copy of Click
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older Typer runs on Click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

UsageError = click_errors.UsageError
NoArgsIsHelp = click_errors.NoArgsIsHelpError

# Click's sentences that carry no structured fields: (pattern of the English text, the Chinese sentence).
_CLICK_SENTENCES = (
    (re.compile(r"No such command '(?P<name>.+)'\."), "没有命令“{name}”"),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<name>.+)\)"), "多余的参数：{name}"),
    (re.compile(r"Option '(?P<name>.+)' requires an argument\."), "选项 {name} 后面需要一个值"),
    (re.compile(r"Option '(?P<name>.+)' requires (?P<count>\d+) arguments\."), "选项 {name} 后面需要 {count} 个值"),
)
# What a value of a declared Python type looks like, checked in this order (bool is an int, datetime a date).
_EXPECTED: tuple[tuple[type, str], ...] = (
    (bool, "是或否（true/false）"),
    (int, "一个整数"),
    (float, "一个数"),
    (Decimal, "一个数"),
    (dt.datetime, "日期时间（如 2026-12-07 09:30）"),
    (dt.date, "日期（如 2026-12-07）"),
    (Path, "一个文件或文件夹的路径"),
)


def usage_problem(exc: click_errors.ClickException) -> str:
    """The Chinese sentence for a command line Click refused, with the usage and where help is."""
    problem = _problem(exc)
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return problem
    usage = ctx.get_usage().removeprefix("Usage:").strip()
    return f"{problem}\n用法：{usage}\n运行 {ctx.command_path} --help 查看说明。"


def _problem(exc: click_errors.ClickException) -> str:
    if isinstance(exc, click_errors.NoSuchOption):
        guess = f"；您是否要找：{'、'.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{guess}"
    if isinstance(exc, click_errors.MissingParameter):
        kind = "选项" if getattr(exc.param, "param_type_name", "") == "option" else "参数"
        return f"缺少{kind} {_named(exc.param)}"
    if isinstance(exc, click_errors.BadParameter):
        return _bad_value(exc)
    for pattern, sentence in _CLICK_SENTENCES:
        found = pattern.search(exc.message)
        if found:
            return sentence.format(**found.groupdict())
    return exc.message if _is_chinese(exc.message) else f"命令行有误：{exc.message}"


def _bad_value(exc: click_errors.BadParameter) -> str:
    """A value of the wrong kind: what the parameter takes, or the project's own message as written."""
    where = _named(exc.param) or "参数"
    declared = getattr(getattr(exc.param, "type_descriptor", None), "annotation", None)
    if isinstance(declared, type) and issubclass(declared, enum.Enum):  # before the message: it quotes the value
        return f"{where} 的值无效，可选：{'、'.join(_choice(member) for member in declared)}"
    if _is_chinese(exc.message):
        return f"{where}：{exc.message}"
    for python_type, expected in _EXPECTED:
        if isinstance(declared, type) and issubclass(declared, python_type):
            return f"{where} 的值应为{expected}{_range(exc.param)}"
    return f"{where} 的值无效"


def _range(param: Any) -> str:
    """The bounds a number must keep, as declared (``min=1, max=10000``): "--limit 20000" was told it was no
    integer."""
    info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if low is not None and high is not None:
        return f"，且在 {low}–{high} 之间"
    if low is not None:
        return f"，且不小于 {low}"
    if high is not None:
        return f"，且不大于 {high}"
    return ""


def _choice(member: enum.Enum) -> str:
    """A choice as it is typed, with its Chinese label where it has one: ``county_office（县级合作办）``."""
    if isinstance(member, Labelled) and member.label != member.value:
        return f"{member.value}（{member.label}）"
    return str(member.value)


def _named(param: Any) -> str:
    """How the user types the parameter: the option's longest flag, or the argument's name."""
    if param is None:
        return ""
    opts = [opt for opt in getattr(param, "opts", []) if opt.startswith("-")]
    return max(opts, key=len) if opts else str(getattr(param, "name", "") or "")


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
