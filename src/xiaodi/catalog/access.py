"""Who may see the catalog (成果与平台的数据权限): achievements and platforms are the published resource list, which
every member sees. Registered with ``accounts.scope.register_readable`` for the generic list and detail machinery.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from xiaodi.accounts.scope import Viewer, register_readable
from xiaodi.catalog.models import Achievement, Platform


def catalog_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Achievements and platforms are the published resource list: every member sees them."""
    return true() if viewer.is_admin or viewer.has_access else false()


register_readable(Achievement, catalog_scope)
register_readable(Platform, catalog_scope)
