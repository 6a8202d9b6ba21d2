"""List pages pick their rows on the list's own table, then load only those rows with their relations.

``fetch_page`` must give exactly what the plain query (every row joined, sorted, cut) gives: the same rows in the
same order on every page and for every sort, the same total, the same scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.web.listing import ListQuery, Page, build_select, count_cap, fetch_page, order_by, own_region_first
from xiaodi.web.resources import load_specs

from .conftest import World


@contextmanager
def selects(session: Session) -> Iterator[list[str]]:
    """The SELECT statements the session's engine sends while the block runs."""
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)

ADMIN = Viewer(user_id=1, name="管理员", roles=frozenset({Role.ADMIN}))


def plain_page(session: Session, name: str, viewer: Viewer, lq: ListQuery) -> tuple[list[int], int]:
    spec = load_specs()[name]
    stmt = build_select(spec, viewer, lq)
    # an office's own region first (本辖区在前), then the sort
    everything = list(session.scalars(order_by(spec, stmt, lq.sort, first=own_region_first(spec, viewer))).unique())
    start = (lq.page - 1) * lq.size
    return [obj.id for obj in everything[start:start + lq.size]], len(everything)


def counted(session: Session, name: str, lq: ListQuery, page: Page, total: int) -> bool:
    """Whether ``page`` states the plain query's ``total`` as a list's count must: exactly up to the cap
    (``count_cap``), past it the cap and "more than" (超过)."""
    cap = count_cap(session, load_specs()[name], lq)
    return (page.total, page.total_exact) == ((total, True) if total <= cap else (cap, False))


@pytest.mark.parametrize("sort", ["name", "-name", "kind", "-kind", "id", "-id"])
def test_pages_match_the_plain_query_for_every_sort(session: Session, sort: str) -> None:
    spec = load_specs()["organisations"]
    seen: list[int] = []
    for page in (1, 2, 7):
        lq = ListQuery(sort=sort, page=page, size=25)
        got = fetch_page(session, spec, ADMIN, lq)
        ids, total = plain_page(session, "organisations", ADMIN, lq)
        assert [o.id for o in got.items] == ids
        assert total > 1000 and counted(session, "organisations", lq, got, total)  # the reference universities
        seen += ids
    assert len(seen) == len(set(seen)), "pages overlap"


def test_filtered_searched_and_scoped_pages_match(session: Session, world: World) -> None:
    province = Viewer(user_id=2, name="省办", roles=frozenset({Role.PROVINCE_OFFICE}),
                      region_ids=frozenset({world.hejin.id, world.taiyuan.id}))
    enterprise = Viewer(user_id=3, name="企业", roles=frozenset({Role.ENTERPRISE}),
                        organisation_ids=frozenset({world.enterprise.id}))
    cases: list[tuple[str, Viewer, dict[str, Any]]] = [
        ("organisations", ADMIN, {"q": "大学", "sort": "-name"}),
        ("organisations", ADMIN, {"filters": {"kind": "university"}, "sort": "name", "page": 3}),
        ("organisations", enterprise, {"sort": "name"}),
        ("demands", province, {"sort": "-id"}),
        ("demands", enterprise, {"sort": "title"}),
        ("demands", ADMIN, {"q": "铝", "sort": "state"}),
        ("projects", province, {"sort": "-pledged_amount"}),
        ("agreements", enterprise, {"sort": "-signed_on"}),
    ]
    for name, viewer, kwargs in cases:
        lq = ListQuery(size=10, **kwargs)
        got = fetch_page(session, load_specs()[name], viewer, lq)
        ids, total = plain_page(session, name, viewer, lq)
        assert [o.id for o in got.items] == ids, (name, kwargs)
        assert got.total == total if lq.q else counted(session, name, lq, got, total), (name, kwargs)
    # the enterprise sees its own demands (published and draft) but not the other enterprise's draft
    mine = fetch_page(session, load_specs()["demands"], enterprise, ListQuery(sort="-id", size=50))
    assert {world.demand_id, world.draft_id} <= {d.id for d in mine.items}
    assert world.other_demand_id not in {d.id for d in mine.items}


def test_an_empty_list_and_a_page_past_the_end_read_no_rows_after_their_count(session: Session) -> None:
    """A filter that selects nothing (a department with no accepted application): the count says so, and no
    statement goes looking for rows — PostgreSQL walked the sort's index over the whole table to find none."""
    spec = load_specs()["organisations"]
    nothing = ListQuery(sort="-name", filters={"kind": "enterprise", "region": "999999"})  # no such region
    for lq in (nothing, ListQuery(sort="-name", page=999)):
        with selects(session) as statements:
            page = fetch_page(session, spec, ADMIN, lq)
        assert page.items == [] and page.total_exact
        rows = [s for s in statements if "count(" not in s.lower() and "max(" not in s.lower()]  # max: the table's size
        assert statements and rows == [], rows


def test_a_page_joins_its_relations_for_its_own_rows_only(session: Session) -> None:
    """The statement that loads the page's rows carries the sort and the LIMIT in a subquery of ids."""
    spec = load_specs()["organisations"]
    with selects(session) as statements:
        page = fetch_page(session, spec, ADMIN, ListQuery(sort="-name", page=2, size=20))
    assert len(page.items) == 20
    count = next(s for s in statements if "count(" in s.lower())
    rows = next(s for s in statements if " IN (" in s and "JOIN" in s)
    assert "count(*)" in count.lower() and "region" not in count.lower()  # no join, no subquery of columns
    outer, _, inner = rows.partition(" IN (")
    assert "LEFT OUTER JOIN region" in outer  # the eager load, on the outer query …
    if session.get_bind().dialect.name == "postgresql":  # … the page chosen on the bare table, read first
        ids = next(s for s in statements if "LIMIT" in s and "count(" not in s.lower())
        assert "JOIN" not in ids and "LIMIT" not in rows and statements.index(ids) < statements.index(rows)
    else:  # … the page chosen on the bare table, in a subquery
        assert "LIMIT" in inner and "JOIN" not in inner


def test_sorts_on_unindexed_columns_read_the_table_in_order(session: Session, world: World) -> None:
    """Pages sorted by a column no index orders (SQLite: read in rowid order) match the plain query."""
    from decimal import Decimal

    from xiaodi.demands import service as demands

    from .conftest import ACTOR

    for i in range(12):
        demands.create_demand(session, actor=ACTOR, owner_id=world.enterprise.id, title=f"排序需求{i}",
                              kind="technology", budget=Decimal(1000 * (i % 4)) if i % 3 else None)
    session.flush()
    for sort in ("budget", "-budget", "kind", "-kind"):
        for page in (1, 2, 3):
            lq = ListQuery(sort=sort, page=page, size=5)
            got = fetch_page(session, load_specs()["demands"], ADMIN, lq)
            ids, total = plain_page(session, "demands", ADMIN, lq)
            assert [d.id for d in got.items] == ids, (sort, page)
            assert got.total == total


@pytest.mark.parametrize("walk_rows", [0, 10**9])
def test_a_page_sorted_by_an_index_is_the_same_however_sqlite_reads_it(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch, walk_rows: int
) -> None:
    """A common selection is read in the sort index's order (SQLite: no condition may choose an index); a rare
    one is collected and sorted. Either way the page is the plain query's page."""
    import xiaodi.web.listing as listing

    monkeypatch.setattr(listing, "WALK_ROWS", walk_rows)
    county = Viewer(user_id=4, name="县办", roles=frozenset({Role.COUNTY_OFFICE}),
                    region_ids=frozenset({world.hejin.id}))
    for name, viewer, sort in (("demands", county, "title"), ("organisations", county, "-name"),
                               ("projects", county, "-id")):
        lq = ListQuery(sort=sort, size=5)
        with selects(session) as statements:
            got = fetch_page(session, load_specs()[name], viewer, lq)
        assert got.items, name
        assert [o.id for o in got.items] == plain_page(session, name, viewer, lq)[0], name
        page = " ".join(next(s for s in statements if "LIMIT" in s and "count(" not in s.lower()).split())
        assert ("WHERE + (" in page) == (walk_rows > 0 and session.get_bind().dialect.name == "sqlite"), name


def test_a_search_reads_the_table_once_and_counts_up_to_a_cap(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xiaodi.web.listing as listing

    spec = load_specs()["organisations"]
    with selects(session) as statements:
        few = fetch_page(session, spec, ADMIN, ListQuery(q="山西大学", sort="name", size=50))
        assert few.total == len(few.items) >= 1 and few.total_exact
        monkeypatch.setattr(listing, "SEARCH_COUNT_CAP", 30)
        many = fetch_page(session, spec, ADMIN, ListQuery(q="大学", sort="name", size=10))
        assert len(many.items) == 10
        assert many.total == 30 and not many.total_exact and many.has_next
        # past the cap the ids follow the page, so the pager still has a next page when there is one
        deep = fetch_page(session, spec, ADMIN, ListQuery(q="大学", sort="name", size=10, page=5))
        assert len(deep.items) == 10 and deep.total == 50 and not deep.total_exact and deep.has_next
        beyond = fetch_page(session, spec, ADMIN, ListQuery(q="山西大学", sort="name", size=10, page=99))
        assert beyond.items == [] and beyond.total == few.total and beyond.total_exact
    assert not any("count(" in s.lower() for s in statements), "a search is not counted separately"
    # the pages of a search are the plain query's pages, and an exact total is what the plain query counts
    monkeypatch.setattr(listing, "SEARCH_COUNT_CAP", 100_000)
    for page in (1, 3):
        lq = ListQuery(q="大学", sort="-name", size=10, page=page)
        got = fetch_page(session, spec, ADMIN, lq)
        ids, total = plain_page(session, "organisations", ADMIN, lq)
        assert [o.id for o in got.items] == ids and got.total == total and got.total_exact


def test_search_totals_beyond_the_cap_are_shown_as_more_than(
    login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xiaodi.web.listing as listing

    monkeypatch.setattr(listing, "SEARCH_COUNT_CAP", 30)
    c = login("province")
    page = c.get("/organisations", params={"q": "大学"}).text
    assert "超过 30 条" in page and 'rel="next"' in page and "第 1 页" in page
    body = c.get("/api/organisations", params={"q": "大学", "size": 10}).json()
    assert body["total"] == 30 and body["total_exact"] is False
    body = c.get("/api/organisations", params={"q": "山西大学"}).json()
    assert body["total_exact"] is True and body["total"] == len(body["items"])
    assert "共 " in c.get("/demands").text  # lists without a search count exactly up to LIST_COUNT_CAP …
    monkeypatch.setattr(listing, "LIST_COUNT_CAP", 30)
    monkeypatch.setattr(listing, "WALK_ROWS", 10**9)  # (on SQLite the cap also covers the walk's choice)
    page = c.get("/organisations").text  # … and past it say so, with a pager that goes on while pages are full
    assert "超过 30 条" in page and "只计数到 30 条" in page and "缩小搜索范围" not in page and 'rel="next"' in page
    body = c.get("/api/organisations", params={"size": 10}).json()
    assert body["total"] == 30 and body["total_exact"] is False and len(body["items"]) == 10


@pytest.mark.parametrize(("persona", "shown", "hidden"), [
    ("enterprise", {"填报需求", "我要点单"}, {"新建协议"}),
    ("university", {"填报需求"}, {"我要点单", "新建协议"}),
    ("hejin", {"填报需求", "我要点单", "新建协议"}, set()),
])
def test_list_buttons_are_offered_only_to_roles_that_may_use_them(login, persona, shown, hidden) -> None:  # type: ignore[no-untyped-def]
    c = login(persona)
    pages = "".join(c.get(path).text for path in ("/demands", "/orders", "/agreements"))
    for label in shown:
        assert f">{label}</a>" in pages, label
    for label in hidden:
        assert f">{label}</a>" not in pages, label


def test_each_role_sees_the_claims_it_is_party_to(session: Session, world: World) -> None:
    """The claims list (揭榜方案): the claimant, the demand's owner and lead unit, and the demand's offices see a
    claim — a province office through every demand of its regions, a county office through its own only."""
    from xiaodi.demands.models import Claim, Demand
    from xiaodi.directory.models import Organisation, OrgKind

    institute = Organisation(kind=OrgKind.INSTITUTE, name="太原理化研究所", region_id=world.taiyuan.id)
    lead_unit = Organisation(kind=OrgKind.GOVERNMENT, name="河津市工信局", region_id=world.hejin.id)
    session.add_all([institute, lead_unit])
    session.flush()
    session.get(Demand, world.demand_id).lead_unit_id = lead_unit.id  # type: ignore[union-attr]
    in_hejin = Claim(demand_id=world.demand_id, claimant_org_id=world.university.id, approach="熔体过滤")
    in_taiyuan = Claim(demand_id=world.other_demand_id, claimant_org_id=institute.id, approach="真空精炼")
    session.add_all([in_hejin, in_taiyuan])
    session.flush()

    def org(oid: int, role: Role) -> Viewer:
        return Viewer(user_id=9, name="单位", roles=frozenset({role}), organisation_ids=frozenset({oid}))

    def office(role: Role, *regions: int) -> Viewer:
        return Viewer(user_id=8, name="办公室", roles=frozenset({role}), region_ids=frozenset(regions))

    expected = {
        "claimant": (org(world.university.id, Role.UNIVERSITY), {in_hejin.id}),
        "owner": (org(world.enterprise.id, Role.ENTERPRISE), {in_hejin.id}),
        "lead unit": (org(lead_unit.id, Role.LEAD_UNIT), {in_hejin.id}),
        "other owner": (org(world.other_enterprise.id, Role.ENTERPRISE), {in_taiyuan.id}),
        "other claimant": (org(institute.id, Role.UNIVERSITY), {in_taiyuan.id}),
        "county office": (office(Role.COUNTY_OFFICE, world.hejin.id), {in_hejin.id}),
        "city office": (office(Role.CITY_OFFICE, world.taiyuan.id), {in_taiyuan.id}),
        "province office": (office(Role.PROVINCE_OFFICE, world.hejin.id, world.taiyuan.id),
                            {in_hejin.id, in_taiyuan.id}),
        "administrator": (ADMIN, {in_hejin.id, in_taiyuan.id}),
    }
    for who, (viewer, ids) in expected.items():
        page = fetch_page(session, load_specs()["claims"], viewer, ListQuery(sort="-id", size=50))
        assert {c.id for c in page.items} == ids, who
        assert page.total == len(ids), who


@pytest.mark.parametrize("cap", [1, 2, 3, 1000])
def test_an_offices_pages_past_the_count_cap_are_the_plain_querys_pages(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch, cap: int
) -> None:
    """本辖区在前 with the count stopped at the cap: whether the own part or the whole list passes the cap, every
    page is the plain query's page (own region first, then the others), and the total says "more than" exactly
    when the list is longer than the cap."""
    import xiaodi.web.listing as listing
    from xiaodi.demands import service as demands

    from .conftest import ACTOR

    monkeypatch.setattr(listing, "LIST_COUNT_CAP", cap)
    monkeypatch.setattr(listing, "WALK_ROWS", 10**9)  # the cap as set, not raised for SQLite's walk
    for i in range(3):  # public demands of 太原 (others, for the county office) and of 河津 (its own)
        for owner in (world.other_enterprise.id, world.enterprise.id):
            d = demands.create_demand(session, actor=ACTOR, owner_id=owner, title=f"分页需求{i}", kind="technology")
            for step in ("submit", "review", "publish"):
                demands.transition(session, actor=ACTOR, demand_id=d.id, step=step)
    session.flush()
    county = Viewer(user_id=4, name="县办", roles=frozenset({Role.COUNTY_OFFICE}),
                    region_ids=frozenset({world.hejin.id}))
    for sort in ("-id", "title"):
        seen: list[int] = []
        for page in range(1, 7):
            lq = ListQuery(sort=sort, page=page, size=2)
            got = fetch_page(session, load_specs()["demands"], county, lq)
            ids, total = plain_page(session, "demands", county, lq)
            assert [o.id for o in got.items] == ids, (sort, page)
            assert counted(session, "demands", lq, got, total), (sort, page)
            assert got.has_next == (len(seen) + len(ids) < total), (sort, page)
            seen += ids
        assert len(seen) == len(set(seen)) > 6


@pytest.mark.parametrize("read_upto", [0, 20_000])
def test_the_regions_a_viewer_sees_are_those_of_the_rows_however_found(session: Session, world: World,
                                                                       read_upto: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The 地区 filter's regions of a viewer who is no office: on PostgreSQL read from the rows (a few thousand) or
    found by a skip scan along the region index (more), on SQLite by ``DISTINCT`` — the same regions as the plain
    query's."""

    from xiaodi.web import listing
    from xiaodi.web.listing import regions_seen

    monkeypatch.setattr(listing, "REGIONS_READ_UPTO", read_upto)

    enterprise = Viewer(user_id=3, name="企业", roles=frozenset({Role.ENTERPRISE}),
                        organisation_ids=frozenset({world.enterprise.id}))
    outsider = Viewer(user_id=5, name="太原企业", roles=frozenset({Role.ENTERPRISE}),
                      organisation_ids=frozenset({world.other_enterprise.id}))
    for name in ("demands", "projects", "organisations", "talent-applications"):
        spec = load_specs()[name]
        for viewer in (enterprise, outsider, ADMIN):
            plain = build_select(spec, viewer, ListQuery()).with_only_columns(spec.region_column).distinct()
            expected = {r for r in session.scalars(plain) if r is not None}
            got = regions_seen(session, spec, viewer)
            assert len(got) == len(set(got)) == min(300, len(expected)), (name, viewer.name)  # at most 300
            assert set(got) <= expected, (name, viewer.name)
    assert regions_seen(session, load_specs()["demands"], enterprise), "the enterprise sees its own demands"


def test_an_offices_rows_outside_its_regions_are_those_of_the_plain_query(session: Session, world: World) -> None:
    """The rows outside an office's regions that it sees (全省公开 on the page) are found with the office's own
    region test written false — which it is outside its regions — and are the plain query's rows."""
    from xiaodi.demands import service as demands
    from xiaodi.web.listing import _outside, _visible_outside

    from .conftest import ACTOR

    for step in ("submit", "review", "publish"):  # a public demand of 太原: outside 河津, seen by its office
        demands.transition(session, actor=ACTOR, demand_id=world.other_demand_id, step=step)
    session.flush()
    county = Viewer(user_id=4, name="县办", roles=frozenset({Role.COUNTY_OFFICE}),
                    region_ids=frozenset({world.hejin.id}))
    for name in ("demands", "projects", "organisations", "talent-applications", "talents"):
        spec = load_specs()[name]
        got = set(session.scalars(_visible_outside(spec, county, ListQuery())))
        plain = build_select(spec, county, ListQuery(), part=_outside(spec.region_column, [world.hejin.id]))
        assert got == set(session.scalars(plain.with_only_columns(spec.model.id))), name
        if name == "demands":
            assert world.other_demand_id in got
