"""Universities publish achievements and platforms; duplicates are merged and names resolved with suggestions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from xiaodi.catalog.models import PlatformKind
from xiaodi.catalog.service import (
    create_achievement,
    create_platform,
    merge_achievements,
    resolve_platform,
    update_achievement,
)
from xiaodi.core.audit import Actor, history
from xiaodi.core.errors import Ambiguous, Conflict
from xiaodi.directory.service import resolve_organisation


def test_an_achievement_is_published_updated_and_audited(session: Session, official: Actor) -> None:
    owner = resolve_organisation(session, "江西理工大学")
    ach = create_achievement(session, actor=official, title="钢渣资源化综合利用技术（示例）", owner_id=owner.id,
                             keywords=["钢渣", "固废"], price=Decimal("1500000"))
    update_achievement(session, actor=official, achievement_id=ach.id, price=Decimal("1800000"),
                       expected_version=1)
    change = history(session, "achievement", ach.id)[-1]
    assert change.before == {"price": "1500000.00", "version": 1}
    assert change.after == {"price": "1800000.00", "version": 2}
    with pytest.raises(Conflict):
        create_achievement(session, actor=official, title="钢渣资源化综合利用技术（示例）", owner_id=owner.id)


def test_merging_achievements_retires_the_duplicate(session: Session, official: Actor) -> None:
    owner = resolve_organisation(session, "武汉理工大学")
    a = create_achievement(session, actor=official, title="多固废协同制备低碳胶凝材料", owner_id=owner.id)
    b = create_achievement(session, actor=official, title="多固废协同制备低碳胶凝材料技术", owner_id=owner.id)
    merge_achievements(session, actor=official, keep_id=a.id, duplicate_id=b.id, reason="重复发布")
    assert b.retired_at is not None
    assert [e.action for e in history(session, "achievement", a.id)][-1] == "merge"


def test_platforms_resolve_with_suggestions(session: Session, official: Actor) -> None:
    host = resolve_organisation(session, "江西理工大学")
    create_platform(session, actor=official, name="示例稀土材料工程研究中心", kind=PlatformKind.ENGINEERING_CENTRE,
                    host_id=host.id, level="省级")
    assert resolve_platform(session, "示例稀土材料工程研究中心").host_id == host.id
    with pytest.raises(Ambiguous):
        resolve_platform(session, "示例稀土材料工程中心")
