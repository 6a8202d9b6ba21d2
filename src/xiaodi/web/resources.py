"""The lists the web serves, gathered from each area's ``pages.py`` (``specs()``), in menu order."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

from fastapi import APIRouter

from xiaodi.web.listing import ResourceSpec

# Areas with pages; an area missing here (or whose pages module is missing) simply has no pages yet.
AREAS: tuple[str, ...] = (
    "demands", "projects", "bases", "events", "talent", "directory", "catalog", "matching", "ingest", "accounts",
)


def _page_modules() -> Iterator[object]:
    for area in AREAS:
        try:
            yield importlib.import_module(f"xiaodi.{area}.pages")
        except ModuleNotFoundError as exc:
            if exc.name != f"xiaodi.{area}.pages":
                raise


def load_specs() -> dict[str, ResourceSpec]:
    specs: dict[str, ResourceSpec] = {}
    for module in _page_modules():
        for spec in module.specs():  # type: ignore[attr-defined]
            specs[spec.name] = spec
    return specs


def area_routers(kind: str) -> list[APIRouter]:
    """Each area's extra routes: ``pages.router()`` (form posts) and ``api.router()`` (JSON actions)."""
    out: list[APIRouter] = []
    for area in AREAS:
        try:
            module = importlib.import_module(f"xiaodi.{area}.{kind}")
        except ModuleNotFoundError as exc:
            if exc.name != f"xiaodi.{area}.{kind}":
                raise
            continue
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):  # declared at module level (the pattern new areas follow)
            out.append(router)
        elif router is not None:
            out.append(router())
    return out
