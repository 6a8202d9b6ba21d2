"""The key that signs session cookies (会话密钥).

A server must not start with the well-known development key: anyone could sign a cookie saying they are an
administrator. Only the demo, which builds its own throw-away database, uses a generated key, kept beside that
database (``xiaodi-demo.db.secret``, readable by its owner only) so logins survive a restart.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from xiaodi.core.errors import ValidationFailed
from xiaodi.core.settings import DEFAULT_SECRET, Settings

MISSING = ("未设置会话密钥 XIAODI_SECRET_KEY，不能使用内置的开发密钥启动服务（任何人都可伪造登录）。"
           "请设置为至少 32 位的随机字符串，例如："
           "export XIAODI_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')；"
           "只有 xiaodi demo 建的演示数据库使用自动生成的密钥")


def demo_secret_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".secret")


def ensure_demo_secret(db_path: Path) -> str:
    """The demo database's key: read it, or create it (mode 600) the first time."""
    path = demo_secret_path(db_path)
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if len(kept) >= 32:
            return kept
    secret = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")
    os.chmod(path, 0o600)  # an existing file keeps its mode through O_CREAT
    return secret


def session_secret(settings: Settings) -> str:
    """The configured key; for a demo database without one, the demo's own; otherwise refuse to start."""
    if settings.secret_key != DEFAULT_SECRET:
        return settings.secret_key
    url = settings.database_url
    if url.startswith("sqlite:///"):
        from xiaodi.demo.cli import is_demo_database

        db_path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if demo_secret_path(db_path).is_file() and is_demo_database(db_path):
            return ensure_demo_secret(db_path)
    raise ValidationFailed(MISSING)
