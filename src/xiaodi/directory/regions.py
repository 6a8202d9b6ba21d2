"""Regions as a tree (地区层级): a region with every region below it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from xiaodi.directory.models import Region


def region_subtree_ids(session: Session, region_id: int) -> list[int]:
    """The region and all its descendants, in one recursive query (a city's figures include its counties)."""
    tree = select(Region.id).where(Region.id == region_id).cte("subtree", recursive=True)
    child = aliased(Region)
    tree = tree.union_all(select(child.id).join(tree, child.parent_id == tree.c.id))
    return list(session.scalars(select(tree.c.id)))


__all__ = ["region_subtree_ids"]
