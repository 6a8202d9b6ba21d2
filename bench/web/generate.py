"""A province-sized ledger for the web load benchmark (``bench/web/run.py``).

On top of the closed-loop ledger of ``bench/loop/generate.py`` (100k demands with ~50k claims, 20k agreements,
20k projects with 80k milestones, 200k fund records, 2k bases, 200 universities, 5,000 enterprises, 200 units, a
province of 11 cities and 117 counties) this adds what the pages show:

* readable text: demand titles, descriptions, keywords, budgets and deadlines recombined from the CSL sample of
  Chinese paper metadata (``data/benchmarks/csl``), university names from the MOE list, enterprise names;
* 100,000 achievements (科技成果) owned by the universities, led by their experts, with CSL titles, keywords and
  abstracts; 3,000 experts; 1,000 platforms;
* one account per role, created through ``xiaodi.accounts.service`` (argon2 password hashes, memberships,
  audit trail): ``province`` (省级办公室, the province), ``city`` (a city office), ``county`` (a county office),
  ``enterprise``, ``university``, ``admin``; all with the password ``PASSWORD``.

Rows go in with Core bulk inserts into a database built by the migrations; everything is seeded, so every run
builds the same ledger (password salts aside). ``scale`` shrinks every count for development runs.

    .venv/bin/python bench/web/generate.py sqlite:////tmp/web.db [--scale 0.05]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, Date, Engine, Integer, MetaData, Numeric, String, Table, Text, select, text
from sqlalchemy.orm import Session

from xiaodi.core.db import make_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package, when run as a script

import bench.loop.generate as loop
from bench.matching.data import Paper, load_papers
from bench.tables.run import GIVEN, SUFFIXES, SURNAMES, universities

PASSWORD = "Xiaodi2025bench"
SIZES = {"achievements": 100_000, "experts": 3_000, "platforms": 1_000}
ROLES = ("province", "city", "county", "enterprise", "university", "admin")
INDUSTRY_WORDS = ("新材料", "装备制造", "精细化工", "新能源", "智能制造", "生物医药", "现代农业", "电子信息",
                  "节能环保", "冶金", "煤化工", "食品加工", "数字科技", "光电", "环境工程")
ENTERPRISE_FORMS = ("科技有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "实业有限公司")
MATURITY = ("研发阶段", "小试", "中试", "产业化", "成熟应用")
TRANSFER = ("转让", "许可", "作价入股", "合作开发", "技术服务", "其他")
PLATFORM_KINDS = ("全国重点实验室", "重点实验室", "工程研究中心", "技术创新中心", "新型研发机构", "工作站")
DEMAND_VERBS = ("关键技术攻关", "工艺优化", "技术合作", "联合研发", "成果转化", "中试验证", "人才引进", "技术咨询")
TITLES = ("教授", "研究员", "副教授", "高级工程师", "副研究员")
HONOURS = ["博士生导师", "长江学者", "省学术带头人", "青年拔尖人才"]


def scaled(scale: float) -> dict[str, int]:
    """The counts of both generators at ``scale`` (1.0 is the province of the issue)."""
    out = {k: max(1, int(v * scale)) for k, v in loop.SIZES.items()}
    out.update({k: max(1, int(v * scale)) for k, v in SIZES.items()})
    for k, least in (("universities", 20), ("enterprises", 50), ("units", 20), ("experts", 40), ("platforms", 20)):
        out[k] = max(out[k], least)
    return out


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _staging(name: str, *columns: Column[Any]) -> Table:
    return Table(name, MetaData(), Column("id", Integer, primary_key=True), *columns)


def _update_from(engine: Engine, target: str, staging: Table, rows: Iterable[dict[str, Any]]) -> int:
    """``UPDATE target SET … FROM staging``: one bulk insert and one statement, the same on both databases."""
    cols = [c.name for c in staging.columns if c.name != "id"]
    staging.create(engine)
    try:
        n = loop.bulk(engine, staging, rows)
        sets = ", ".join(f"{c} = s.{c}" for c in cols)
        with engine.begin() as conn:
            conn.execute(text(f"UPDATE {target} SET {sets} FROM {staging.name} AS s WHERE {target}.id = s.id"))
    finally:
        staging.drop(engine)
    return n


def generate(url: str, *, scale: float = 1.0, seed: int = 20251123) -> dict[str, Any]:
    """Build the ledger at ``url`` (an empty database); returns the counts and the accounts' scopes."""
    sizes = scaled(scale)
    saved = dict(loop.SIZES)
    loop.SIZES.update({k: sizes[k] for k in saved})
    try:
        began = time.perf_counter()
        info = loop.generate(url)
    finally:
        loop.SIZES.clear()
        loop.SIZES.update(saved)
    loop_seconds = time.perf_counter() - began
    rng = random.Random(seed)
    papers = load_papers()
    engine = make_engine(url)
    now = loop.NOW
    with engine.connect() as conn:
        orgs = conn.execute(text("SELECT id, kind, region_id FROM organisation ORDER BY id")).all()
        counties = [r for (r,) in conn.execute(text("SELECT id FROM region WHERE level = 'county' ORDER BY id"))]
        n_demands = conn.execute(text("SELECT count(*) FROM demand")).scalar_one()
    unis = [o.id for o in orgs if o.kind == "university"]
    ents = [o.id for o in orgs if o.kind == "enterprise"]
    units = [o.id for o in orgs if o.kind == "government"]
    region_of = {o.id: o.region_id for o in orgs}

    # ---- readable names and text ------------------------------------------------------------------------------
    uni_rows = universities(len(unis))
    org_staging = _staging("bench_org_text", Column("name", String(200)), Column("code", String(40)),
                           Column("level", String(40)), Column("city", String(60)),
                           Column("contact_name", String(60)), Column("contact_phone", String(40)),
                           Column("description", Text))

    def org_text() -> Iterator[dict[str, Any]]:
        for i, oid in enumerate(unis):
            u = uni_rows[i] if i < len(uni_rows) else {"name": f"示例第{i}大学", "code": None, "level": "本科",
                                                       "city": "示例市"}
            yield dict(id=oid, name=u["name"], code=u["code"], level=u["level"] or None, city=u["city"],
                       contact_name=person_name(rng), contact_phone=phone(rng),
                       description=f"{u['name']}，{rng.choice(papers).discipline}等学科见长。")
        for i, oid in enumerate(ents):
            word = INDUSTRY_WORDS[i % len(INDUSTRY_WORDS)]
            name = f"示例{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{word}{ENTERPRISE_FORMS[i % 5]}（{i}）"
            yield dict(id=oid, name=name, code=f"91B1{i:014d}", level=rng.choice(["规上企业", "专精特新", None]),
                       city=None, contact_name=person_name(rng), contact_phone=phone(rng),
                       description=f"主营{word}，{rng.choice(papers).title[:40]}。")
        for i, oid in enumerate(units):
            yield dict(id=oid, name=f"示例省{rng.choice(INDUSTRY_WORDS)}工作单位{i}", code=None, level=None,
                       city=None, contact_name=person_name(rng), contact_phone=phone(rng), description=None)

    _update_from(engine, "organisation", org_staging, org_text())

    demand_staging = _staging("bench_demand_text", Column("title", String(300)), Column("description", Text),
                              Column("keywords", JSON), Column("budget", Numeric(18, 2)), Column("deadline", Date),
                              Column("contact_name", String(60)), Column("contact_phone", String(40)),
                              Column("source", String(120)))

    def demand_text() -> Iterator[dict[str, Any]]:
        for i in range(1, n_demands + 1):
            p = rng.choice(papers)
            topic = (p.keywords[0] if p.keywords else p.discipline)[:30]
            yield dict(id=i, title=f"{topic}{rng.choice(DEMAND_VERBS)}需求（{i}）",
                       description=f"围绕{p.title[:60]}，{p.abstract[:160]}", keywords=list(p.keywords[:5]),
                       budget=Decimal(rng.randrange(5, 5000) * 10_000) if rng.random() < 0.7 else None,
                       deadline=loop.START + dt.timedelta(days=rng.randrange(200, 1900)),
                       contact_name=person_name(rng), contact_phone=phone(rng),
                       source=rng.choice(["对接会", "走访", "平台填报", "人才周"]))

    _update_from(engine, "demand", demand_staging, demand_text())

    # ---- experts, platforms, achievements -------------------------------------------------------------------
    experts_of: dict[int, list[int]] = {}

    def experts() -> Iterator[dict[str, Any]]:
        for pid in range(1, sizes["experts"] + 1):
            org = rng.choice(unis)
            experts_of.setdefault(org, []).append(pid)
            p = rng.choice(papers)
            yield dict(id=pid, kind="expert", name=person_name(rng), organisation_id=org,
                       department=f"{p.discipline}学院", title=rng.choice(TITLES), position=None,
                       honours=rng.sample(HONOURS, rng.randint(0, 2)),
                       disciplines=[p.discipline], research_interests="、".join(p.keywords[:4]),
                       phone=phone(rng), email=f"expert{pid}@example.edu.cn", id_number=None,
                       region_id=region_of.get(org), merged_into_id=None, extra={}, version=1, created_at=now,
                       updated_at=now)

    n_experts = loop.bulk(engine, "person", experts())

    def platforms() -> Iterator[dict[str, Any]]:
        for i in range(1, sizes["platforms"] + 1):
            p = rng.choice(papers)
            host = rng.choice(unis + ents[:200])
            kind = rng.choice(PLATFORM_KINDS)
            yield dict(id=i, name=f"{(p.keywords or (p.discipline,))[0][:40]}{kind}（{i}）", kind=kind,
                       level=rng.choice(["国家级", "省级", "省级", "市级"]), host_id=host, host_name=None,
                       discipline_code=None, field=p.discipline, directions="、".join(p.keywords[:5]),
                       approved_by=rng.choice(["科技部", "教育部", "省科技厅", "省发展改革委"]),
                       established_year=rng.randint(1995, 2024), city=None, source="bench", equipment=[],
                       version=1, created_at=now, updated_at=now)

    n_platforms = loop.bulk(engine, "platform", platforms())

    def achievements() -> Iterator[dict[str, Any]]:
        used: set[tuple[int, str]] = set()
        i = 0
        start = dt.date(2019, 1, 1)
        while i < sizes["achievements"]:
            p: Paper = rng.choice(papers)
            owner = rng.choice(unis)
            title = (p.title[:80] + rng.choice(SUFFIXES))[:280]
            if (owner, title) in used:
                continue
            used.add((owner, title))
            i += 1
            pool = experts_of.get(owner)
            price = Decimal(rng.randrange(5, 5000) * 10_000) if rng.random() < 0.8 else None
            yield dict(id=i, title=title, owner_id=owner, leader_id=rng.choice(pool) if pool else None,
                       team="、".join(person_name(rng) for _ in range(3)), discipline_code=None,
                       industry_code=f"C{rng.randint(13, 43)}", field=p.discipline, keywords=list(p.keywords[:6]),
                       summary=p.abstract[:300], maturity=rng.choice(MATURITY),
                       ip_kind=rng.choice(["发明专利", "实用新型", "软件著作权", None]),
                       ip_numbers=f"ZL{rng.randint(2015, 2024)}{rng.randint(10**7, 10**8 - 1)}.{rng.randint(0, 9)}",
                       transfer_mode=rng.choice(TRANSFER), price=price,
                       published_on=start + dt.timedelta(days=rng.randint(0, 2000)), version=1, created_at=now,
                       updated_at=now)

    n_achievements = loop.bulk(engine, "achievement", achievements())

    # ---- accounts, through the accounts service ----------------------------------------------------------------
    accounts = create_accounts(engine, cities=info["cities"], counties=counties, enterprise=_busiest_owner(engine),
                               university=unis[0])

    spread_claim_times(engine, seed)

    # ---- statistics -------------------------------------------------------------------------------------------
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            for table in ("person", "platform", "achievement"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
            conn.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()
    return {"seconds": round(time.perf_counter() - began, 1), "loop_seconds": round(loop_seconds, 1),
            "sizes": sizes, "demands": n_demands, "claims": info["claims"], "milestones": info["milestones"],
            "funds": info["funds"], "experts": n_experts, "platforms": n_platforms, "achievements": n_achievements,
            "accounts": accounts}


def spread_claim_times(engine: Engine, seed: int) -> int:
    """Claims submitted over time (the closed-loop generator stamps them all with one instant): within 60 days
    of the demand's publication, or at some time in the programme's years. Its own random stream, so it gives
    the same times whether it runs inside ``generate`` or on a ledger generated before it existed."""
    rng = random.Random(seed + 7)
    with engine.connect() as conn:
        claims = conn.execute(text("SELECT claim.id, demand.published_at FROM claim JOIN demand ON demand.id = "
                                   "claim.demand_id ORDER BY claim.id")).all()
    start = dt.datetime.combine(loop.START, dt.time(8), dt.UTC)

    def times() -> Iterator[dict[str, Any]]:
        for cid, published in claims:
            if isinstance(published, str):  # SQLite hands back the stored text
                published = dt.datetime.fromisoformat(published)
            base = published.replace(tzinfo=dt.UTC) if published is not None else start + dt.timedelta(
                days=rng.randrange(1600))
            yield {"id": cid, "submitted_at": base + dt.timedelta(days=rng.randrange(1, 60),
                                                                    seconds=rng.randrange(86_400))}

    from xiaodi.core.models import UTCDateTime

    staging = _staging("bench_claim_time", Column("submitted_at", UTCDateTime()))
    return _update_from(engine, "claim", staging, times())


def _busiest_owner(engine: Engine) -> int:
    """The enterprise with the most demands: its account's lists are the longest an enterprise sees."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT owner_id FROM demand GROUP BY owner_id ORDER BY count(*) DESC, owner_id "
                                     "LIMIT 1")).scalar_one())


def create_accounts(engine: Engine, *, cities: list[int], counties: list[int], enterprise: int,
                    university: int) -> dict[str, dict[str, Any]]:
    """One account per role through the accounts service (argon2 hashes, memberships, audit trail)."""
    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role
    from xiaodi.core.audit import Actor
    from xiaodi.directory.models import Region

    actor = Actor.system("bench-web")
    with Session(engine) as session:
        province = session.scalars(select(Region.id).where(Region.level == "province")).first()
        spec: dict[str, dict[str, Any]] = {
            "province": {"role": Role.PROVINCE_OFFICE, "region_id": province},
            "city": {"role": Role.CITY_OFFICE, "region_id": cities[0]},
            "county": {"role": Role.COUNTY_OFFICE, "region_id": counties[0]},
            "enterprise": {"role": Role.ENTERPRISE, "organisation_id": enterprise},
            "university": {"role": Role.UNIVERSITY, "organisation_id": university},
            "admin": {"role": Role.ADMIN},
        }
        out: dict[str, dict[str, Any]] = {}
        for name, kwargs in spec.items():
            user = accounts.create_user(session, actor=actor, username=f"bench_{name}",
                                        display_name=f"压测·{name}", password=PASSWORD, **kwargs)
            out[name] = {"username": user.username, "user_id": user.id,
                         **{k: v for k, v in kwargs.items() if k != "role"}}
        session.commit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", default="sqlite:////tmp/xiaodi-web-bench.db")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--talent", action="store_true",
                        help="also add the talent services of issue 15 (100k talents, 200k applications, inbox)")
    args = parser.parse_args()
    info = generate(args.url, scale=args.scale)
    print({k: v for k, v in info.items() if k != "accounts"})
    print(info["accounts"])
    if args.talent:
        added = add_talent_services(args.url, scale=args.scale)
        print({k: v for k, v in added.items() if k != "accounts"})


# ---- talent services (issue 15): 100k talents, 200k one-stop applications, the inbox ---------------------------

TALENT_SIZES = {"talents": 100_000, "cards": 60_000, "applications": 200_000, "messages": 200_000,
                "departments": 10, "talent_accounts": 10}


def _id_number(n: int, rng: random.Random) -> str:
    from xiaodi.talent.identity import check_digit

    first17 = f"140882{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{n % 1000:03d}"
    return first17 + check_digit(first17)


def add_talent_services(url: str, *, scale: float = 1.0, seed: int = 15) -> dict[str, Any]:
    """Add to a generated ledger what issue 15's performance target names: 100,000 talents (with persons, ID
    numbers and phones) spread over the counties, 60,000 talent cards, 200,000 one-stop applications over
    them with 1–2 department steps each, 200 benefits of the province granted by the first government units,
    and 200,000 inbox messages. Accounts (through the accounts service): ``bench_dept0…`` (staff of the
    departments with the most steps), ``bench_talent0…`` (the card holders with the most applications);
    the messages are spread over every bench account. Returns the counts and the accounts."""
    from sqlalchemy import func, insert

    from xiaodi.accounts import service as accounts
    from xiaodi.accounts.models import Role, User
    from xiaodi.core.audit import Actor
    from xiaodi.directory.models import Person
    from xiaodi.notifications.models import Notification
    from xiaodi.talent.models import (
        ApplicationStep,
        Benefit,
        ServiceApplication,
        Talent,
        TalentCard,
        TalentTier,
    )

    n = {k: max(1, int(v * scale)) if k not in ("departments", "talent_accounts") else v
         for k, v in TALENT_SIZES.items()}
    rng = random.Random(seed)
    engine = make_engine(url)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    began = time.perf_counter()
    with engine.connect() as conn:
        counties = [r for (r,) in conn.execute(text("SELECT id FROM region WHERE level = 'county' ORDER BY id"))]
        province = conn.execute(text("SELECT id FROM region WHERE level = 'province' ORDER BY id")).scalar_one()
        units = [r for (r,) in conn.execute(text("SELECT id FROM organisation WHERE kind = 'government' ORDER BY id"))]
        ents = [r for (r,) in conn.execute(text("SELECT id FROM organisation WHERE kind = 'enterprise' ORDER BY id"))]

    def next_id(conn: Any, table: str) -> int:
        return int(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()) + 1

    def put(conn: Any, table: Any, rows: Iterable[dict[str, Any]]) -> int:
        batch: list[dict[str, Any]] = []
        count = 0
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                conn.execute(insert(table), batch)
                count += len(batch)
                batch.clear()
        if batch:
            conn.execute(insert(table), batch)
            count += len(batch)
        return count

    with engine.begin() as conn:
        tiers = {}
        named = (("A", "顶尖人才", 1), ("B", "领军人才", 2), ("C", "拔尖人才", 3), ("D", "优秀人才", 4))
        for code, name, rank in named:
            found = conn.execute(select(TalentTier.id).where(TalentTier.code == code)).scalar()
            if found is None:
                found = conn.execute(insert(TalentTier).values(code=code, name=name, rank=rank)
                                     .returning(TalentTier.id)).scalar_one()
            tiers[code] = found
        person0, talent0, card0 = next_id(conn, "person"), next_id(conn, "talent"), next_id(conn, "talent_card")
        benefit0, app0 = next_id(conn, "benefit"), next_id(conn, "service_application")
        region_of = [counties[(i * 7919) % len(counties)] if rng.random() < 0.9 else counties[0]
                     for i in range(n["talents"])]  # the first county holds ~10 %: its office's lists are long
        put(conn, Person.__table__, ({
            "id": person0 + i, "kind": "talent", "name": person_name(rng), "phone": phone(rng),
            "id_number": _id_number(i, rng), "region_id": region_of[i], "honours": [], "disciplines": [],
            "extra": {}, "organisation_id": ents[i % len(ents)]} for i in range(n["talents"])))
        put(conn, Talent.__table__, ({
            "id": talent0 + i, "code": f"RC-B{i + 1:07d}", "person_id": person0 + i,
            "tier_id": tiers["ABCD"[min(3, int(rng.random() * 4))]], "category": "引进人才",
            "employer_id": ents[i % len(ents)], "region_id": region_of[i],
            "introduced_on": dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2500)),
            "mode": "full_time" if rng.random() < 0.7 else "flexible", "evidence": ["学位证书"]}
            for i in range(n["talents"])))
        put(conn, TalentCard.__table__, ({
            "id": card0 + i, "person_id": person0 + i, "talent_id": talent0 + i, "card_no": f"RCB-{i + 1:07d}",
            "tier_id": tiers["C"], "region_id": region_of[i], "state": "active", "card_name": "人才卡",
            "issued_on": dt.date(2024, 1, 1), "expires_on": dt.date(2027, 1, 1), "evidence": ["学位证书"],
            "applied_at": now} for i in range(n["cards"])))
        departments = units[:max(n["departments"], 20)]
        put(conn, Benefit.__table__, ({
            "id": benefit0 + i, "code": f"B{i:03d}", "name": f"人才待遇{i:03d}", "kind": "benefit",
            "region_id": province, "provider_unit_id": departments[i % len(departments)],
            "provider_name": f"部门{i % len(departments)}", "time_limit_days": 15} for i in range(200)))
        # applications: card holders apply a few times each; the first cards (the talent accounts) most often
        card_of = [card0 + (i % 50 if i % 40 == 0 else rng.randrange(n["cards"])) for i in range(n["applications"])]
        states = ("accepted", "accepted", "fulfilled", "rejected")
        put(conn, ServiceApplication.__table__, ({
            "id": app0 + i, "card_id": card_of[i], "region_id": region_of[card_of[i] - card0],
            "kind": "one_stop", "state": states[i % 4], "details": {},
            "submitted_at": now - dt.timedelta(minutes=i * 3)} for i in range(n["applications"])))

        def steps() -> Iterator[dict[str, Any]]:
            for i in range(n["applications"]):
                for k in range(1 + (i % 2)):
                    b = (i * 13 + k * 101) % 200
                    yield {"application_id": app0 + i, "benefit_id": benefit0 + b,
                           "department_id": departments[b % len(departments)],
                           "state": "pending" if i % 4 < 2 else "approved",
                           "due_on": dt.date(2026, 11, 1) + dt.timedelta(days=(i % 60) - 30)}
        n_steps = put(conn, ApplicationStep.__table__, steps())
        if engine.dialect.name == "postgresql":
            for table in ("person", "talent", "talent_card", "benefit", "service_application"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))

    actor = Actor.system("bench-talent")
    made: dict[str, dict[str, Any]] = {}
    with Session(engine) as session:
        for i, dept in enumerate(departments[:n["departments"]]):
            user = accounts.create_user(session, actor=actor, username=f"bench_dept{i}", display_name=f"压测·部门{i}",
                                        password=PASSWORD, role=Role.LEAD_UNIT, organisation_id=dept)
            made[f"dept{i}"] = {"username": user.username, "user_id": user.id, "organisation_id": dept}
        for i in range(n["talent_accounts"]):
            user = accounts.create_user(session, actor=actor, username=f"bench_talent{i}",
                                        display_name=f"压测·人才{i}", password=PASSWORD, role=Role.TALENT,
                                        person_id=person0 + i)
            made[f"talent{i}"] = {"username": user.username, "user_id": user.id, "person_id": person0 + i}
        session.commit()
        bench_users = list(session.scalars(select(User.id).where(User.username.like("bench_%")).order_by(User.id)))
        have = session.scalar(select(func.count()).select_from(Notification)) or 0

    with engine.begin() as conn:
        kinds = ("application_waiting", "demand_published", "milestone_due", "demand_claimed")
        put(conn, Notification.__table__, ({
            "user_id": bench_users[i % len(bench_users)], "kind": kinds[i % 4],
            "title": f"一件事申请待办理：第{i}号申请，请于时限内答复",
            "link": f"/talent-applications/{app0 + i % 1000}",
            "created_at": now - dt.timedelta(seconds=i), "read_at": now if rng.random() < 0.7 else None}
            for i in range(n["messages"])))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("person", "talent", "talent_card", "service_application", "application_step",
                          "notification"):
                conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return {"talents": n["talents"], "cards": n["cards"], "applications": n["applications"], "steps": n_steps,
            "messages": n["messages"] + have, "seconds": round(time.perf_counter() - began, 1), "accounts": made}


if __name__ == "__main__":
    main()
