"""Generate a province-sized closed-loop ledger for the benchmarks (``bench/loop/run.py``).

100k demands (with ~50k claims), 20k agreements (40k parties), 20k projects (80k milestones), 200k fund records
(2 % of them corrected), 2k bases, over a province of 11 cities and 117 counties. Rows go in through Core bulk
inserts into a database built by the migrations; the data is random but seeded, so every run is the same.

    PYTHONPATH=src .venv/bin/python bench/loop/generate.py sqlite:////tmp/loop.db
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, insert

import xiaodi.models  # noqa: F401  (every table)
from xiaodi.core.db import make_engine
from xiaodi.core.migrate import upgrade
from xiaodi.core.models import Base

SIZES = {"demands": 100_000, "agreements": 20_000, "projects": 20_000, "funds": 200_000, "bases": 2_000,
         "universities": 200, "enterprises": 5_000, "units": 200}
CITIES, COUNTIES_PER_CITY = 11, (8, 13)
START = dt.date(2021, 1, 1)
NOW = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
STATES = ["draft", "submitted", "reviewed", "published", "claimed", "shortlisted", "selected", "contracted", "closed",
          "withdrawn", "rejected"]
STATE_WEIGHTS = [5, 3, 2, 30, 20, 5, 5, 10, 12, 5, 3]
PUBLISHED = {"published", "claimed", "shortlisted", "selected", "contracted", "closed"}


def day(rng: random.Random, span: int = 1640) -> dt.date:
    return START + dt.timedelta(days=rng.randrange(span))


def t(name: str) -> Table:
    return Base.metadata.tables[name]


def bulk(engine: Engine, table: str | Table, rows: Iterable[dict[str, Any]], batch: int = 5_000) -> int:
    """Insert rows in batches of ``batch`` (one transaction); ``table`` by name, or any Table (staging)."""
    target = t(table) if isinstance(table, str) else table
    n = 0
    chunk: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                conn.execute(insert(target), chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            conn.execute(insert(target), chunk)
            n += len(chunk)
    return n


def generate(url: str, seed: int = 20250630) -> dict[str, Any]:
    rng = random.Random(seed)
    engine = make_engine(url)
    upgrade(engine)
    began = time.perf_counter()
    now = NOW

    # Regions: one province, its cities and counties.
    regions: list[dict[str, Any]] = [dict(id=1, code="B10000", name="示例省", level="province", parent_id=None,
                                          full_name="示例省")]
    counties: list[int] = []
    cities: list[int] = []
    rid = 2
    for c in range(CITIES):
        city_id = rid
        cities.append(city_id)
        regions.append(dict(id=city_id, code=f"B1{c + 1:02d}00", name=f"示例{c + 1}市", level="city", parent_id=1,
                            full_name=f"示例省示例{c + 1}市"))
        rid += 1
        for k in range(rng.randint(*COUNTIES_PER_CITY)):
            name = f"示例{c + 1}-{k + 1}县"
            regions.append(dict(id=rid, code=f"B1{c + 1:02d}{k + 1:02d}", name=name, level="county",
                                parent_id=city_id, full_name=f"示例省示例{c + 1}市{name}"))
            counties.append(rid)
            rid += 1
    bulk(engine, "region", regions)

    orgs: list[dict[str, Any]] = []
    oid = 1
    ids: dict[str, list[int]] = {"university": [], "enterprise": [], "government": []}
    for kind, n in (("university", SIZES["universities"]), ("enterprise", SIZES["enterprises"]),
                    ("government", SIZES["units"])):
        for i in range(n):
            orgs.append(dict(id=oid, kind=kind, name=f"{kind}-{i}", region_id=rng.choice(counties), tags=[],
                             version=1, created_at=now, updated_at=now))
            ids[kind].append(oid)
            oid += 1
    bulk(engine, "organisation", orgs)
    unis, ents, units = ids["university"], ids["enterprise"], ids["government"]

    def demands() -> Iterable[dict[str, Any]]:
        for i in range(1, SIZES["demands"] + 1):
            state = rng.choices(STATES, STATE_WEIGHTS)[0]
            kind = rng.choice(["technology", "technology", "talent", "project"])
            published = (dt.datetime.combine(day(rng), dt.time(9), dt.UTC) if state in PUBLISHED
                         or (state == "withdrawn" and rng.random() < 0.5) else None)
            yield dict(id=i, code=f"XQ-B-{i:07d}", title=f"需求{i}", kind=kind, owner_id=rng.choice(ents),
                       region_id=rng.choice(counties), lead_unit_id=rng.choice(units), keywords=[],
                       headcount=rng.randint(1, 30) if kind == "talent" else None, state=state,
                       visibility="public", published_at=published, version=1, created_at=now, updated_at=now)

    bulk(engine, "demand", demands())

    def claims() -> Iterable[dict[str, Any]]:
        cid = 1
        for d in range(1, SIZES["demands"] + 1, 2):
            for _ in range(rng.randint(0, 2)):
                yield dict(id=cid, demand_id=d, claimant_org_id=rng.choice(unis), attachments=[],
                           state=rng.choice(["submitted", "under_review", "not_selected", "withdrawn"]),
                           submitted_at=now, version=1, created_at=now, updated_at=now)
                cid += 1

    n_claims = bulk(engine, "claim", claims())

    agreements: list[dict[str, Any]] = []
    parties: list[dict[str, Any]] = []
    for i in range(1, SIZES["agreements"] + 1):
        agreements.append(dict(id=i, code=f"XY-B-{i:07d}", title=f"协议{i}", kind="project_cooperation",
                               signed_on=day(rng), amount=Decimal(rng.randrange(10_000, 50_000_000)),
                               region_id=rng.choice(counties), state="signed", version=1, created_at=now,
                               updated_at=now))
        parties.append(dict(agreement_id=i, organisation_id=rng.choice(ents), name="甲", role="party_a"))
        parties.append(dict(agreement_id=i, organisation_id=rng.choice(unis), name="乙", role="party_b"))
    bulk(engine, "agreement", agreements)
    bulk(engine, "agreement_party", parties)

    projects: list[dict[str, Any]] = []
    milestones: list[dict[str, Any]] = []
    mid = 1
    for i in range(1, SIZES["projects"] + 1):
        a = agreements[i - 1]
        stage = rng.choice(["signed", "started", "landed", "landed", "in_production", "accepted", "stalled"])
        landed = a["signed_on"] + dt.timedelta(days=rng.randrange(30, 400)) if stage in (
            "landed", "in_production", "accepted") else None
        unit = rng.choice(units)
        projects.append(dict(id=i, code=f"XM-B-{i:07d}", name=f"项目{i}", agreement_id=i, region_id=a["region_id"],
                             responsible_unit_id=unit, partner_id=rng.choice(unis), enterprise_id=rng.choice(ents),
                             leader_in_charge="包联领导", stage=stage, pledged_amount=a["amount"], landed_on=landed,
                             is_key_project=False, version=1, created_at=now, updated_at=now))
        for k in range(4):
            due = a["signed_on"] + dt.timedelta(days=90 * (k + 1))
            done = rng.random() < 0.6
            milestones.append(dict(id=mid, project_id=i, title=f"节点{k + 1}", due_on=due, original_due_on=due,
                                   done_on=due if done else None, state="done" if done else "pending",
                                   slip_count=0, responsible_unit_id=unit, version=1, created_at=now, updated_at=now))
            mid += 1
    bulk(engine, "project", projects)
    bulk(engine, "milestone", milestones)

    def funds() -> Iterable[dict[str, Any]]:
        n_plain = int(SIZES["funds"] * 0.98)
        for i in range(1, n_plain + 1):
            yield dict(id=i, project_id=rng.randint(1, SIZES["projects"]),
                       amount=Decimal(rng.randrange(10_000, 5_000_000)),
                       arrived_on=day(rng), source="self_raised", corrects_id=None, created_at=now, updated_at=now)
        for j, corrected in enumerate(rng.sample(range(1, n_plain + 1), SIZES["funds"] - n_plain), start=n_plain + 1):
            yield dict(id=j, project_id=1, amount=Decimal(rng.randrange(10_000, 5_000_000)), arrived_on=day(rng),
                       source="self_raised", corrects_id=corrected, created_at=now, updated_at=now)

    # The correction rows must name their corrected record's project; fix them up after the insert.
    n_funds = bulk(engine, "fund_record", funds())
    with engine.begin() as conn:
        from sqlalchemy import select, update

        fr = t("fund_record")
        old = fr.alias("old")
        conn.execute(update(fr).where(fr.c.corrects_id.is_not(None)).values(
            project_id=select(old.c.project_id).where(old.c.id == fr.c.corrects_id).scalar_subquery()))

    base_type = [dict(id=1, code="internship", name="实习实训基地", sort_order=0, is_active=True)]
    bulk(engine, "base_type", base_type)
    bulk(engine, "programme_base", (dict(id=i, name=f"基地{i}", base_type_id=1, region_id=rng.choice(counties),
                                         partner_org_id=rng.choice(unis), host_org_id=rng.choice(ents),
                                         plaque_on=day(rng) if rng.random() < 0.8 else None, state="plaqued",
                                         version=1, created_at=now, updated_at=now)
                                    for i in range(1, SIZES["bases"] + 1)))
    if engine.dialect.name == "postgresql":
        # VACUUM as well as ANALYZE: the bulk load (and the corrections' UPDATE) leave the visibility map unset,
        # and without it PostgreSQL prices an index-only scan as a heap fetch per row. Autovacuum would get there
        # on its own in production; the benchmark must not depend on when.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        with engine.connect() as conn:
            for table in ("region", "organisation", "demand", "claim", "agreement", "project", "milestone",
                          "fund_record", "programme_base"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
            conn.commit()
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"seconds": round(time.perf_counter() - began, 1), "regions": len(regions), "cities": cities,
            "units": units, "claims": n_claims, "milestones": len(milestones), "funds": n_funds}


if __name__ == "__main__":
    info = generate(sys.argv[1] if len(sys.argv) > 1 else "sqlite:////tmp/xiaodi-loop-bench.db")
    print({k: v for k, v in info.items() if k not in ("cities", "units")})
