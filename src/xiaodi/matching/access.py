"""Who may do what in 精准匹配 (matching): one rule, asked by the service, the pages and the API alike.

Matching reads the records of other areas through their own reading rules; what is its own is the feedback on a
candidate (对接反馈: 已对接 / 不合适), which offices and lead units give.
"""

from __future__ import annotations

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer

FEEDBACK_ROLES = (Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE, Role.LEAD_UNIT)


def may_give_feedback(viewer: Viewer) -> bool:
    """Whether ``viewer`` may mark a candidate 已对接 or 不合适 (the programme offices and lead units)."""
    return viewer.has_role(*FEEDBACK_ROLES)
