"""An administrator sets up a server with a mistyped environment variable: the command stops and names the variable
and the rule in Chinese — no pydantic traceback in English, nothing started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xiaodi.core.errors import ConfigurationError
from xiaodi.core.settings import get_settings

SRC = Path(__file__).resolve().parents[1] / "src"


def _run(env_extra: dict[str, str], *args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XIAODI_")}
    env.update({"PYTHONPATH": f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}",
                "XIAODI_DATABASE_URL": f"sqlite:///{db}", **env_extra})
    return subprocess.run([sys.executable, "-c", "from xiaodi.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("XIAODI_SECRET_KEY", "short", "XIAODI_SECRET_KEY 至少 16 个字"),
    ("XIAODI_MAX_UPLOAD_MB", "五十", "XIAODI_MAX_UPLOAD_MB 须为整数"),
    ("XIAODI_TIMEZONE", "Asia/Beijing", "XIAODI_TIMEZONE 未知的时区“Asia/Beijing”"),
    ("XIAODI_TRUSTED_PROXIES", "proxy.local", "XIAODI_TRUSTED_PROXIES 须为反向代理的 IP 地址"),
])
def test_a_bad_setting_stops_the_command_with_the_variable_named_in_chinese(
        tmp_path: Path, variable: str, value: str, said: str) -> None:
    run = _run({variable: value}, "db", "init", db=tmp_path / "x.db")
    assert run.returncode == 2, run.stderr
    assert "配置有误：" in run.stderr and said in run.stderr, run.stderr
    assert "ValidationError" not in run.stderr and "pydantic" not in run.stderr
    assert not (tmp_path / "x.db").exists()  # nothing was created with the wrong settings


def test_the_service_layer_gets_the_same_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XIAODI_DB_POOL_SIZE", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="XIAODI_DB_POOL_SIZE 不能小于 1"):
            get_settings()
    finally:
        monkeypatch.delenv("XIAODI_DB_POOL_SIZE")
        get_settings.cache_clear()
