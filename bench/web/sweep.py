"""Which list requests are slowest: every list page and API list the load benchmark asks for, in every shape it
asks for it (plain, each sort both ways, each filter choice, a search term, a later page), for each role, one
request at a time; prints the slowest.

    .venv/bin/python bench/web/sweep.py URL [--roles province,city,county,enterprise,university,admin] [--runs 3]
                                         [--top 25] [--lists demands,claims] [--api-only | --pages-only]

URL is a ledger built by ``bench/web/generate.py``. The load benchmark (``bench/web/run.py``) reports p95 per
endpoint group, which a few slow shapes of a few lists decide; this finds them without the noise of 50 users:
each request runs in this process (as ``profile_request.py`` does), after one warm-up, and its median of
``--runs`` is kept. Follow up a slow one with ``profile_request.py URL PATH --plan``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package, when run as a script

from bench.web.load import API_LISTS, LIST_PAGES, ListShape, list_shapes
from bench.web.profile_request import _inline, login

warnings.filterwarnings("ignore", message=".*httpx.*")
TERMS = ("机床", "技术", "石墨烯")


def shapes_of(shape: ListShape, *, api: bool) -> list[dict[str, str]]:
    """The query strings of one list the load benchmark can send, one variation at a time."""
    out: list[dict[str, str]] = [{}, {"page": "5"}]
    for key in shape.sorts:
        out += [{"sort": key}, {"sort": "-" + key}]
    for name, choices in shape.filters:
        out += [{name: choice} for choice in choices]
    out += [{"q": term} for term in TERMS]
    if api:
        out = [{**params, "size": "100"} for params in out]
    return out


async def sweep(args: argparse.Namespace) -> list[tuple[float, str, str]]:
    import anyio.to_thread
    import httpx

    from xiaodi.core.db import make_engine
    from xiaodi.core.settings import Settings
    from xiaodi.web.app import create_app

    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    os.environ.setdefault("XIAODI_MATCH_ENCODER", "none")
    engine = make_engine(args.url)
    app = create_app(engine, settings=Settings(database_url=args.url, secret_key="bench-web-secret-key-0123456789"))
    shapes = list_shapes()
    lists = [(f"/{n}", shapes[n], False) for n in LIST_PAGES if not args.api_only]
    lists += [(f"/api/{n}", shapes[n], True) for n in API_LISTS if not args.pages_only]
    if args.lists:
        wanted = set(args.lists.split(","))
        lists = [entry for entry in lists if entry[0].rsplit("/", 1)[-1] in wanted]
    timings: list[tuple[float, str, str]] = []
    for role in args.roles.split(","):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            await login(client, f"bench_{role}")
            for base, shape, api in lists:
                for params in shapes_of(shape, api=api):
                    path = base + ("?" + urlencode(params) if params else "")
                    await client.get(path)
                    times = []
                    for _ in range(args.runs):
                        t0 = time.perf_counter()
                        r = await client.get(path)
                        times.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        print(f"  {role} {path}: status {r.status_code}", flush=True)
                    timings.append((statistics.median(times), role, path))
    engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--roles", default="province,city,county,enterprise,university,admin")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--lists", help="comma-separated list names (default: all the benchmark asks for)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--api-only", action="store_true")
    only.add_argument("--pages-only", action="store_true")
    args = parser.parse_args()
    timings = sorted(asyncio.run(sweep(args)), reverse=True)
    print(f"{len(timings)} requests; median {statistics.median(t for t, _, _ in timings):.1f} ms; slowest:")
    for ms, role, path in timings[:args.top]:
        print(f"  {ms:7.1f} ms  {role:<10} {path}")


if __name__ == "__main__":
    main()
