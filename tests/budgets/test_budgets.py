"""经费预算: 河津市's office sets aside its 人才工作经费 for the year and pays projects, bases and other work from it;
spending past the line needs a stated reason; only offices see the money; the figures set budget beside spending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.intents.test_intents import _same_session, viewer
from tests.web.conftest import World, csrf_for
from xiaodi.budgets import service
from xiaodi.budgets.figures import budget_vs_spending
from xiaodi.budgets.models import Allocation, AllocationTarget, BudgetLine
from xiaodi.core.audit import history
from xiaodi.core.errors import Forbidden, NotFound, ValidationFailed
from xiaodi.core.settings import local_today

WAN = Decimal(10_000)


def line(session: Session, world: World, amount: Decimal = 100 * WAN, who: str = "hejin") -> BudgetLine:
    return service.create_line(session, viewer(session, who), name="人才工作经费", kind="人才工作经费",
                               region_id=world.hejin.id, year=2025, amount=amount,
                               source_document="河津市人才工作经费管理办法")


def allocations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Allocation)) or 0


def test_a_budget_line_pays_a_project_and_other_work_and_the_figures_show_it(
        session: Session, world: World, personas: dict[str, int]) -> None:
    budget = line(session, world)
    office = viewer(session, "hejin")
    service.allocate(session, office, budget.id, amount=60 * WAN, paid_on=dt.date(2025, 4, 1),
                     target=AllocationTarget.PROJECT, project_id=world.project_id)
    service.allocate(session, office, budget.id, amount=15 * WAN, paid_on=dt.date(2025, 6, 1), target="other",
                     description="博士人才生活补贴")

    assert service.spent(session, budget.id) == 75 * WAN
    rows = budget_vs_spending(session, region_id=world.hejin.id)
    assert [(r.year, r.budget, r.spent, r.remaining, r.share) for r in rows] == [
        (2025, 100 * WAN, 75 * WAN, 25 * WAN, "75.0%")]
    assert budget_vs_spending(session, region_id=world.taiyuan.id) == []
    assert [e.action for e in history(session, "budget_line", budget.id)] == ["create"]


def test_spending_past_the_line_needs_an_explicit_reason(session: Session, world: World,
                                                         personas: dict[str, int]) -> None:
    budget = line(session, world, amount=50 * WAN)
    office = viewer(session, "hejin")
    service.allocate(session, office, budget.id, amount=40 * WAN, paid_on=dt.date(2025, 4, 1), target="other",
                     description="人才补贴")

    with pytest.raises(ValidationFailed, match=r"超出预算.*剩余 10万元.*确需超支请填写超预算说明"):
        service.allocate(session, office, budget.id, amount=20 * WAN, paid_on=dt.date(2025, 5, 1),
                         target=AllocationTarget.PROJECT, project_id=world.project_id)
    assert allocations(session) == 1

    over = service.allocate(session, office, budget.id, amount=20 * WAN, paid_on=dt.date(2025, 5, 1),
                            target=AllocationTarget.PROJECT, project_id=world.project_id,
                            override_reason="市委常委会议定追加")
    assert over.override_reason == "市委常委会议定追加"
    assert history(session, "budget_allocation", over.id)[0].reason == "市委常委会议定追加"
    with pytest.raises(ValidationFailed, match="不能低于已拨付"):
        service.update_line(session, office, budget.id, {"amount": 10 * WAN})


def test_bad_allocations_are_refused_in_chinese(session: Session, world: World, personas: dict[str, int]) -> None:
    budget = line(session, world)
    office = viewer(session, "hejin")
    with pytest.raises(ValidationFailed, match="须写明用途"):
        service.allocate(session, office, budget.id, amount=WAN, paid_on=dt.date(2025, 1, 2), target="other")
    with pytest.raises(ValidationFailed, match="不在经费所属地区"):  # the province sees 太原's project; 河津 money
        service.allocate(session, viewer(session, "province"), budget.id, amount=WAN, paid_on=dt.date(2025, 1, 2),
                         target="project", project_id=world.other_project_id)
    with pytest.raises(ValidationFailed, match="须为正数"):
        service.allocate(session, office, budget.id, amount=0, paid_on=dt.date(2025, 1, 2), target="other",
                         description="x")
    assert allocations(session) == 0


def test_only_offices_see_and_manage_money(session: Session, world: World, personas: dict[str, int]) -> None:
    budget = line(session, world, who="province")  # the province office may write a county's line
    from xiaodi.budgets import access

    for who in ("enterprise", "university"):
        with pytest.raises(Forbidden):
            access.get_readable(session, viewer(session, who), budget.id)
        with pytest.raises(Forbidden):
            line(session, world, who=who)
    taiyuan = service.create_line(session, viewer(session, "province"), name="引导基金", kind="guidance_fund",
                                  region_id=world.taiyuan.id, year=2025, amount=500 * WAN)
    with pytest.raises(NotFound):
        access.get_readable(session, viewer(session, "hejin"), taiyuan.id)
    with pytest.raises(Forbidden):
        service.create_line(session, viewer(session, "hejin"), name="引导基金", kind="guidance_fund",
                            region_id=world.taiyuan.id, year=2025, amount=WAN)


def test_pages_api_and_figures_page(session: Session, world: World, personas: dict[str, int], login) -> None:  # type: ignore[no-untyped-def]
    office = login("hejin")
    token = csrf_for(office)
    r = office.post("/budgets/new", data={"csrf_token": token, "name": "人才工作经费", "kind": "talent_fund",
                                          "region": "河津市", "year": "20x5", "amount": "2000万元"})
    assert r.status_code == 422 and "年度须为" in r.text and 'value="2000万元"' in r.text
    r = office.post("/budgets/new", data={"csrf_token": token, "name": "人才工作经费", "kind": "talent_fund",
                                          "region": "河津市", "year": "2025", "amount": "100万元"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    line_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = office.post(f"/budgets/{line_id}/allocations", data={
        "csrf_token": token, "target": "project", "project_id": str(world.project_id), "amount": "150万元",
        "paid_on": "2025-03-01"})
    assert r.status_code == 422 and "超出预算" in r.text
    assert allocations(session) == 0
    r = office.post(f"/budgets/{line_id}/allocations", data={
        "csrf_token": token, "target": "project", "project_id": str(world.project_id), "amount": "30万元",
        "paid_on": "2025-03-01"}, follow_redirects=False)
    assert r.status_code == 303
    page = office.get(f"/budgets/{line_id}").text
    assert "再生铝提纯中试线" in page and "剩余 70万元" in page
    figures = office.get("/figures?year=2025").text
    assert "预算与支出" in figures and "30万元" in figures
    r = office.post(f"/budgets/{line_id}/edit", data={"csrf_token": token, "name": "人才工作经费", "amount": "20万元"})
    assert r.status_code == 422 and "不能低于已拨付的 30万元" in r.text
    r = office.patch(f"/api/budgets/{line_id}", json={"amount": "1200000"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["amount"] == "1200000.00"
    allocation_id = session.scalars(select(Allocation.id)).one()
    r = office.post(f"/budgets/allocations/{allocation_id}/withdraw", data={"csrf_token": token, "reason": ""})
    assert r.status_code == 422 and "必须说明原因" in r.text
    r = login("enterprise").post(f"/budgets/allocations/{allocation_id}/withdraw",
                                 data={"csrf_token": token, "reason": "x"})
    assert r.status_code in (403, 400)  # another session's token, or the role: never written
    assert session.get(Allocation, allocation_id).retired_at is None  # type: ignore[union-attr]

    headers = {"X-CSRF-Token": csrf_for(office)}
    r = office.post(f"/api/budgets/{line_id}/allocations", headers=headers, json={
        "amount": "1000000", "paid_on": "2025-04-01", "target": "other", "description": "人才补贴"})
    assert r.status_code == 422 and "超出预算" in r.json()["detail"]
    summary = office.get("/api/figures/budgets").json()
    assert [(s["year"], s["budget"], s["spent"]) for s in summary] == [(2025, "1200000.00", "300000.00")]

    enterprise = login("enterprise")
    assert enterprise.get("/budgets").status_code == 403
    assert enterprise.get(f"/budgets/{line_id}").status_code == 403
    assert enterprise.get("/api/budgets").status_code == 403
    assert enterprise.get("/api/figures/budgets").status_code == 403
    r = enterprise.post(f"/api/budgets/{line_id}/allocations", headers={"X-CSRF-Token": csrf_for(enterprise)},
                        json={"amount": "1", "paid_on": "2025-04-01", "target": "other", "description": "x"})
    assert r.status_code == 403
    assert "预算与支出" not in enterprise.get("/figures").text


def test_cli(session: Session, world: World, personas: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from xiaodi.budgets import cli

    monkeypatch.setattr(cli, "engine_for", lambda db: session.get_bind())
    monkeypatch.setattr(cli, "transaction", _same_session(session))
    runner = CliRunner()
    add = ["add", "--name", "人才工作经费", "--region", "河津市", "--year", "2025", "--amount", "50万元"]
    refused = runner.invoke(cli.app, [*add, "--user", "enterprise"])
    assert isinstance(refused.exception, Forbidden)
    assert runner.invoke(cli.app, [*add, "--user", "hejin"]).exit_code == 0
    code = session.scalars(select(BudgetLine.code)).one()
    over = runner.invoke(cli.app, ["allocate", code, "--amount", "60万元", "--date", "2025-05-01", "--other", "补贴",
                                   "--user", "hejin"])
    assert isinstance(over.exception, ValidationFailed) and "超出预算" in over.exception.message
    ok = runner.invoke(cli.app, ["allocate", code, "--amount", "20万元", "--date", "2025-05-01", "--other", "补贴",
                                 "--user", "hejin"])
    assert ok.exit_code == 0, ok.output
    assert "20万元" in runner.invoke(cli.app, ["summary", "--user", "hejin"]).output
    assert isinstance(runner.invoke(cli.app, ["list", "--user", "university"]).exception, Forbidden)


def test_money_is_paid_on_a_day_that_came_within_the_budgets_year(session: Session, world: World,
                                                                   personas: dict[str, int]) -> None:
    """A 2025 line paid "on" 2027-12-01 or 2019-12-01: both counted in 已支出 before; both refused now."""
    budget = line(session, world)
    office = viewer(session, "hejin")
    for day, said in ((local_today() + dt.timedelta(days=60), "拨付日期 .* 晚于今天"),
                      (dt.date(2019, 12, 1), "拨付日期 2019-12-01 早于预算年度 2025 年")):
        with pytest.raises(ValidationFailed, match=said):
            service.allocate(session, office, budget.id, amount=WAN, paid_on=day, target="other", description="培训")
    assert allocations(session) == 0


def test_a_budget_line_of_nothing_is_refused(session: Session, world: World, personas: dict[str, int]) -> None:
    with pytest.raises(ValidationFailed, match="预算金额须为正数"):
        line(session, world, amount=Decimal(0))
    assert session.scalar(select(func.count()).select_from(BudgetLine)) == 0


def test_a_second_line_of_the_same_name_and_year_names_the_first(session: Session, world: World,
                                                                  personas: dict[str, int]) -> None:
    """The office was told 与已有记录重复（可能有人同时提交），请刷新后重试 — as if someone else were at work."""
    from xiaodi.core.errors import Conflict
    first = line(session, world)
    with pytest.raises(Conflict, match=rf"河津市2025年度已有经费“人才工作经费”（{first.code}）"):
        line(session, world)
