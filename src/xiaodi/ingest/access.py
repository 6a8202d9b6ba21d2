"""Who may review reports (报道核对的数据权限): the cooperation offices' work. A report is seen by the offices of its
region and by whoever uploaded it; the reading rule is registered with ``accounts.scope.register_readable``, and
the pages and API ask ``reviews_reports`` before anything else.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from xiaodi.accounts.scope import Viewer, in_office_regions, register_readable
from xiaodi.core.errors import Forbidden, NotFound
from xiaodi.directory.models import Region
from xiaodi.ingest.models import IngestedReport

REFUSAL = "只有校地合作办公室可以上传和核对工作报告"


def reviews_reports(viewer: Viewer) -> bool:
    """Report review (报道核对) is the cooperation offices' work."""
    return viewer.is_office or viewer.is_admin


def require_reviewer(viewer: Viewer) -> None:
    """Uploading and reviewing reports: refused (403) to anyone but an office or an administrator."""
    if not reviews_reports(viewer):
        raise Forbidden(REFUSAL)


def require_reconciliation_region(viewer: Viewer, place: Region, name: str) -> None:
    """An office compares the reports and the ledger of its own region or one below it (404 otherwise, so that
    scope does not leak)."""
    if not (viewer.is_admin or place.id in viewer.region_ids):
        raise NotFound(f"地区“{name}”不在您的管辖范围内")


def home_region_id(viewer: Viewer | None) -> int | None:
    """The uploader's office region (the smallest id of its office memberships), for a report naming none."""
    return min(viewer.office_region_ids) if viewer is not None and viewer.office_region_ids else None


def report_scope(viewer: Viewer) -> ColumnElement[bool]:
    """A report is seen by the offices of its region and by whoever uploaded it."""
    if viewer.is_admin:
        return true()
    if not reviews_reports(viewer):
        return false()
    mine = IngestedReport.uploaded_by_user_id == viewer.user_id if viewer.user_id is not None else false()
    return or_(in_office_regions(IngestedReport.region_id, viewer), mine)


register_readable(IngestedReport, report_scope)
