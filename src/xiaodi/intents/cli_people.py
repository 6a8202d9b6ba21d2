"""Who a command acts as (命令行的操作人): an account of the platform (``--user``), whose rights the command keeps —
an enterprise account cannot record what it could not record on the pages — or, without ``--user``, the server's
operator console (the administrator's rights), named in the audit trail by ``--as``."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role, User
from xiaodi.accounts.scope import Viewer, viewer_for
from xiaodi.cli_options import cli_actor
from xiaodi.core.errors import NotFound

UserOption = Annotated[
    str | None, typer.Option("--user", help="以平台账号的身份和权限操作（用户名）；不填则为服务器控制台")
]


def cli_viewer(session: Session, username: str | None, as_name: str | None) -> Viewer:
    if username:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None or getattr(user, "retired_at", None) is not None:
            raise NotFound(f"账号“{username}”不存在或已停用")
        return viewer_for(session, user)
    return Viewer(user_id=None, name=cli_actor(as_name).name, roles=frozenset({Role.ADMIN}))
