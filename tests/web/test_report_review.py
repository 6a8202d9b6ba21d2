"""河津's office uploads a county report, corrects one figure, accepts the rest and compares them with the ledger;
an enterprise may not touch the review and another county's office does not see the report."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from .conftest import World, csrf_for

REPORT = "河津市校地合作进展\n今年以来，河津市与8所高校签订合作协议5个，签约金额1.2亿元。\n".encode()


def _upload(c: TestClient) -> dict:  # type: ignore[type-arg]
    r = c.post("/api/reports?region=河津市", files={"file": ("河津进展.txt", REPORT, "text/plain")},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200, r.text
    return r.json()


def test_office_reviews_a_report_and_reconciles_it(login: Callable[[str], TestClient], world: World) -> None:
    c = login("hejin")
    report = _upload(c)
    figures = {f["metric"]: f for f in report["figures"]}
    assert figures["agreements"]["value"] == 5 and figures["amount_signed"]["value"] == 120_000_000
    r = c.post(f"/api/reports/figures/{figures['agreements']['id']}/review",
               json={"decision": "correct", "corrected_value": 4, "note": "台账核实为4个"},
               headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200 and r.json()["state"] == "corrected"
    r = c.post(f"/api/reports/{report['id']}/accept", headers={"X-CSRF-Token": csrf_for(c)})
    assert r.status_code == 200
    rows = {x["metric"]: x for x in c.get("/api/reconciliation?region=河津市").json()["rows"]}
    assert rows["agreements"]["reported"] == 4
    assert rows["agreements"]["ledger"] == 1  # the one agreement of the test world
    assert rows["agreements"]["flagged"] is True


def test_only_offices_in_scope_take_part(login: Callable[[str], TestClient], world: World) -> None:
    report = _upload(login("hejin"))
    ent = login("enterprise")
    assert ent.post("/api/reports", files={"file": ("x.txt", REPORT, "text/plain")},
                    headers={"X-CSRF-Token": csrf_for(ent)}).status_code == 403
    assert ent.get(f"/api/reports/{report['id']}").status_code == 403
    assert login("province").get(f"/api/reports/{report['id']}").status_code == 200
    assert login("hejin").get("/api/reconciliation?region=太原市").status_code == 404
