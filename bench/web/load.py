"""A small closed-loop load generator (asyncio + httpx) for the web benchmark.

Each virtual user logs in as one of the role accounts (GET /login for the CSRF token, POST /login, session
cookie), then loops until the end of the run: pick an action from the mix, send it, think, repeat. Page
requests use the session; API requests use the role's bearer token. Ids for detail pages come from what the
user's own lists returned, so every detail request is one the user may make (a 404 would be an error).

Latency is measured in the client, from sending the request to having read the whole body.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
import resource
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LIST_PAGES = ("demands", "projects", "achievements", "agreements", "organisations", "experts", "platforms",
              "claims", "bases")
API_LISTS = ("demands", "achievements", "projects", "agreements", "organisations", "experts")
DETAILS = ("demands", "projects", "achievements", "agreements", "organisations")
# Share of each group in the mix (per request).
MIX = {"list": 0.45, "api": 0.20, "detail": 0.25, "dashboard": 0.10}
# Which role each of the virtual users logs in as (cycled): offices and organisations, a few administrators.
ROLE_CYCLE = ("province", "enterprise", "university", "city", "county", "province", "enterprise", "university",
              "city", "admin")


@dataclass(frozen=True)
class ListShape:
    """What a list accepts: its sort keys and its filters with their choices (from the app's ResourceSpecs)."""

    sorts: tuple[str, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]


def list_shapes() -> dict[str, ListShape]:
    from xiaodi.web.resources import load_specs

    out = {}
    for name, spec in load_specs().items():
        filters = []
        for f in spec.filters:
            if f.choices:
                filters.append((f.name, tuple(c for c, _ in f.choices)))
            elif f.op == "year":
                filters.append((f.name, tuple(str(y) for y in range(2021, 2026))))
        out[name] = ListShape(tuple(spec.sort_columns()), tuple(filters))
    return out


@dataclass
class Sample:
    group: str  # list | api | detail | dashboard | login
    name: str  # e.g. "list /demands"
    variant: str  # plain | page | sort | filter | search | …
    status: int
    ms: float
    started: float  # perf_counter at send


@dataclass
class Plan:
    base_url: str
    users: int
    warmup: float
    duration: float
    think: tuple[float, float]
    accounts: dict[str, str]  # role → username
    password: str
    tokens: dict[str, str]  # role → bearer token
    search_terms: list[str]
    shapes: dict[str, ListShape]
    seed: int = 1
    timeout: float = 60.0
    workers: int = 1
    prime: list[str] = field(default_factory=list)  # paths each priming client fetches before the run
    # several app processes (bench/scale/hosts.py): user i talks to base_urls[i % len] all along, as behind a
    # sticky load balancer; empty: every user talks to base_url
    base_urls: list[str] = field(default_factory=list)
    # (base url, role) → session cookies logged in once beforehand (``login_once``); empty: every user logs in
    sessions: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def url_of(self, index: int) -> str:
        return self.base_urls[index % len(self.base_urls)] if self.base_urls else self.base_url


@dataclass
class Result:
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # exceptions (timeouts, resets)
    measure_from: float = 0.0
    measure_to: float = 0.0
    client_cpu_s: float = 0.0  # CPU of this process during the measured period
    epoch: float = 0.0


def _list_params(rng: random.Random, shape: ListShape, terms: list[str], *, api: bool) -> tuple[dict[str, Any], str]:
    params: dict[str, Any] = {}
    variants = []
    r = rng.random()
    if r < 0.25:
        params["page"] = rng.randint(2, 5)
        variants.append("page")
    elif r < 0.33:
        params["page"] = rng.randint(6, 50)
        variants.append("deep-page")
    if rng.random() < 0.25 and len(shape.sorts) > 1:
        key = rng.choice([s for s in shape.sorts if s != "id"])
        params["sort"] = key if rng.random() < 0.5 else "-" + key
        variants.append("sort")
    if rng.random() < 0.30 and shape.filters:
        name, choices = rng.choice(shape.filters)
        params[name] = rng.choice(choices)
        variants.append("filter")
    if rng.random() < 0.15:
        params["q"] = rng.choice(terms)
        params.pop("page", None)  # a search starts on page 1
        variants = [v for v in variants if "page" not in v] + ["search"]
    if api:
        params["size"] = rng.choice((20, 20, 50, 100))
    return params, "+".join(variants) or "plain"


ID_RE = {name: re.compile(rf'href="/{name}/(\d+)"') for name in DETAILS}


async def _login(client: httpx.AsyncClient, username: str, password: str, res: Result) -> None:
    for attempt in range(5):
        t0 = time.perf_counter()
        r = await client.get("/login")
        m = CSRF_RE.search(r.text)
        if not m:
            raise RuntimeError(f"no CSRF token on /login (status {r.status_code})")
        r = await client.post("/login", data={"username": username, "password": password, "next": "/",
                                              "csrf_token": m.group(1)})
        res.samples.append(Sample("login", "login", "plain", r.status_code, (time.perf_counter() - t0) * 1000, t0))
        if r.status_code == 303:
            return
        await asyncio.sleep(0.5 + attempt)
    raise RuntimeError(f"login of {username} failed: {r.status_code} {r.text[:200]}")


async def _user(index: int, plan: Plan, res: Result, start_at: float, end_at: float) -> None:
    rng = random.Random(plan.seed * 1000 + index)
    role = ROLE_CYCLE[index % len(ROLE_CYCLE)]
    seen: dict[str, list[int]] = defaultdict(list)
    token_headers = {"Authorization": f"Bearer {plan.tokens[role]}"}
    # uvicorn closes a keep-alive connection after 5 idle seconds; a client that reuses it just then gets a reset
    # (browsers retry those silently). Expiring idle connections at 4 s keeps that race out of the numbers.
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=4.0)
    async with httpx.AsyncClient(base_url=plan.url_of(index), follow_redirects=False, timeout=plan.timeout,
                                 limits=limits) as client:
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        session = plan.sessions.get((plan.url_of(index), role))
        if session is not None:
            client.cookies.update(session)
        else:
            await _login(client, plan.accounts[role], plan.password, res)
        groups, weights = list(MIX), list(MIX.values())
        while time.perf_counter() < end_at:
            group = rng.choices(groups, weights)[0]
            headers: dict[str, str] = {}
            params: dict[str, Any] = {}
            variant = "plain"
            harvest: Callable[[httpx.Response], None] | None = None
            if group == "detail":
                known = [n for n in DETAILS if seen[n]]
                if not known:
                    group = "list"
                else:
                    name = rng.choice(known)
                    path = f"/{name}/{rng.choice(seen[name])}"
                    label = f"detail /{name}/{{id}}"
            if group == "list":
                name = rng.choice(LIST_PAGES)
                path = f"/{name}"
                label = f"list /{name}"
                params, variant = _list_params(rng, plan.shapes[name], plan.search_terms, api=False)
                if name in ID_RE:
                    def harvest(r: httpx.Response, name: str = name) -> None:
                        ids = [int(x) for x in ID_RE[name].findall(r.text)]
                        if ids:
                            seen[name][:] = (seen[name] + ids)[-200:]
            elif group == "api":
                name = rng.choice(API_LISTS)
                path = f"/api/{name}"
                label = f"api /api/{name}"
                params, variant = _list_params(rng, plan.shapes[name], plan.search_terms, api=True)
                headers = token_headers

                def harvest(r: httpx.Response, name: str = name) -> None:
                    if name in ID_RE and r.status_code == 200:
                        ids = [int(item["id"]) for item in r.json().get("items", [])]
                        if ids:
                            seen[name][:] = (seen[name] + ids)[-200:]
            elif group == "dashboard":
                path = "/"
                label = "dashboard /"
                if rng.random() < 0.3:
                    params = {"year": str(rng.randint(2021, dt.date.today().year))}
                    variant = "year"
            t0 = time.perf_counter()
            try:
                r = await client.get(path, params=params, headers=headers)
                body_read = r.content  # noqa: F841  (the whole body is part of the latency)
                ms = (time.perf_counter() - t0) * 1000
            except httpx.HTTPError as exc:
                res.failures.append(f"{label}: {type(exc).__name__} {exc}")
                res.samples.append(Sample(group, label, variant, 0, (time.perf_counter() - t0) * 1000, t0))
                continue
            res.samples.append(Sample(group, label, variant, r.status_code, ms, t0))
            if harvest is not None and r.status_code == 200:
                harvest(r)
            think = rng.uniform(*plan.think)
            if think > 0:
                await asyncio.sleep(think)


async def prime(plan: Plan, workers: int, paths: list[str]) -> None:
    """Before the run: each server process loads what it loads lazily (the matching indexes behind a demand's
    page take seconds; templates, compiled statements), as a server that has been up for a while has done.
    Several clients at once, each on its own connection, so that every worker gets some of them."""

    async def one(i: int) -> None:
        async with httpx.AsyncClient(base_url=plan.url_of(i), follow_redirects=False, timeout=120) as client:
            await _login(client, plan.accounts["province"], plan.password, Result())
            for path in paths[i % len(paths):] + paths[:i % len(paths)]:
                await client.get(path)

    await asyncio.gather(*(one(i) for i in range(4 * workers * max(1, len(plan.base_urls)))))


async def _login_once(plan: Plan) -> dict[tuple[str, str], dict[str, str]]:
    sessions: dict[tuple[str, str], dict[str, str]] = {}
    for url in plan.base_urls or [plan.base_url]:
        for role, username in plan.accounts.items():
            async with httpx.AsyncClient(base_url=url, follow_redirects=False, timeout=120) as client:
                await _login(client, username, plan.password, Result())
                sessions[(url, role)] = dict(client.cookies.items())
    return sessions


def login_once(plan: Plan) -> dict[tuple[str, str], dict[str, str]]:
    """One session per role and process, for users that share it (a long-lived browser session each): a login
    storm of hundreds of argon2 hashes is not the steady state a campaign week is measured in."""
    return asyncio.run(_login_once(plan))


async def _run(plan: Plan) -> Result:
    res = Result()
    if plan.prime:
        await prime(plan, plan.workers, plan.prime)
    began = time.perf_counter()
    res.epoch = time.time() - began  # perf_counter → wall clock (to line samples up with server-side logs)
    ramp = min(plan.warmup * 0.5, 10.0)
    res.measure_from = began + plan.warmup
    res.measure_to = res.measure_from + plan.duration

    async def cpu_probe() -> None:
        await asyncio.sleep(max(0.0, res.measure_from - time.perf_counter()))
        first = _cpu_self()
        await asyncio.sleep(max(0.0, res.measure_to - time.perf_counter()))
        res.client_cpu_s = _cpu_self() - first

    probe = asyncio.create_task(cpu_probe())
    users = [asyncio.create_task(_user(i, plan, res, began + ramp * i / plan.users, res.measure_to))
             for i in range(plan.users)]
    outcomes = await asyncio.gather(*users, return_exceptions=True)
    await probe
    for o in outcomes:
        if isinstance(o, BaseException):
            res.failures.append(f"user: {type(o).__name__} {o}")
    return res


def _cpu_self() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def run(plan: Plan) -> Result:
    return asyncio.run(_run(plan))


# ---- summaries ----------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def measured(res: Result) -> list[Sample]:
    return [s for s in res.samples if res.measure_from <= s.started and s.started + s.ms / 1000 <= res.measure_to
            and s.group != "login"]


def summarise(samples: list[Sample], key: Callable[[Sample], str], seconds: float) -> dict[str, dict[str, Any]]:
    by: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by[key(s)].append(s)
    out = {}
    for k in sorted(by):
        group = by[k]
        ms = [s.ms for s in group]
        errors = [s for s in group if not 200 <= s.status < 400]
        out[k] = {"n": len(group), "rps": round(len(group) / seconds, 2), "p50": round(pct(ms, 50), 1),
                  "p95": round(pct(ms, 95), 1), "p99": round(pct(ms, 99), 1), "max": round(max(ms), 1),
                  "mean": round(statistics.fmean(ms), 1), "errors": len(errors),
                  "error_statuses": sorted({s.status for s in errors})}
    return out
