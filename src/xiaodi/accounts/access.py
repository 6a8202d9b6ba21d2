"""Who may manage accounts (账号管理): one rule, asked by the pages and any other interface alike.

The command line (``xiaodi user …``) runs on the server's console, which is trusted as an administrator.
"""

from __future__ import annotations

from xiaodi.accounts.scope import Viewer
from xiaodi.core.errors import Forbidden


def require_account_admin(viewer: Viewer) -> None:
    """Only an administrator (系统管理员) creates, changes, locks or retires accounts."""
    if not viewer.is_admin:
        raise Forbidden("只有管理员可以管理账号")
