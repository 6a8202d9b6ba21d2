"""Who may review reports (报道核对的数据权限): the cooperation offices' work. A report is seen by the offices of its
region and by whoever uploaded it; the reading rule is registered with ``accounts.scope.register_readable``, and
the pages and API ask ``reviews_reports`` before anything else.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from xiaodi.accounts.scope import Viewer, in_office_regions, register_readable
from xiaodi.ingest.models import IngestedReport


def reviews_reports(viewer: Viewer) -> bool:
    """Report review (报道核对) is the cooperation offices' work."""
    return viewer.is_office or viewer.is_admin


def report_scope(viewer: Viewer) -> ColumnElement[bool]:
    """A report is seen by the offices of its region and by whoever uploaded it."""
    if viewer.is_admin:
        return true()
    if not reviews_reports(viewer):
        return false()
    mine = IngestedReport.uploaded_by_user_id == viewer.user_id if viewer.user_id is not None else false()
    return or_(in_office_regions(IngestedReport.region_id, viewer), mine)


register_readable(IngestedReport, report_scope)
