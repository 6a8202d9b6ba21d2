"""ID numbers (身份证号) are masked by the viewer's relation to the person — their organisation, their project — never
shown because the person has no region, and every read of a full ID number is written to the audit trail (留痕)."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.core.audit import AuditEntry
from xiaodi.directory.models import OrgKind, PersonKind, Region
from xiaodi.directory.service import create_organisation, create_person
from xiaodi.projects import service as projects

from .conftest import ACTOR, World

TSINGHUA_ID = "110108197001019875"  # valid GB 11643 numbers: every person's is checked
HEJIN_ID = "140882198505051117"


@pytest.fixture
def people(session: Session, world: World) -> dict[str, int]:
    """A 清华 expert (no region of their own), an expert of the 河津 enterprise, and a 清华 expert who leads a
    河津 project."""
    haidian = session.scalars(select(Region).where(Region.code == "110108")).one()
    tsinghua = create_organisation(session, actor=ACTOR, kind=OrgKind.UNIVERSITY, name="清华测试大学",
                                   region_id=haidian.id)
    far = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="张远", organisation_id=tsinghua.id,
                        id_number=TSINGHUA_ID, phone="13600001111")
    near = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="王近", organisation_id=world.enterprise.id,
                         id_number=HEJIN_ID)
    leader = create_person(session, actor=ACTOR, kind=PersonKind.EXPERT, name="刘领", organisation_id=tsinghua.id,
                           id_number="110108197202023336")
    project = projects.create_project(session, actor=ACTOR, name="清华河津联合中试", region_id=world.hejin.id,
                                      partner_id=tsinghua.id)
    project.leader_person_id = leader.id
    session.flush()
    return {"far": far.id, "near": near.id, "leader": leader.id}


def _cells(xlsx: bytes) -> set[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).active
    assert sheet is not None
    return {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}


def _reads(session: Session, person_id: int) -> list[AuditEntry]:
    session.expire_all()
    return list(session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "person", AuditEntry.entity_id == person_id, AuditEntry.action == "read_id_number")))


def test_a_county_office_does_not_read_a_distant_experts_id_number(
    login: Callable[[str], TestClient], people: dict[str, int], session: Session
) -> None:
    c = login("hejin")
    body = c.get(f"/api/experts/{people['far']}").json()
    assert body["id_number"] != TSINGHUA_ID and "1970" not in body["id_number"]
    assert body["phone"] == "136****1111"
    assert TSINGHUA_ID not in c.get(f"/experts/{people['far']}").text
    assert TSINGHUA_ID not in str(c.get(f"/api/experts/{people['far']}/history").json())
    assert TSINGHUA_ID not in _cells(c.get("/experts/export.xlsx").content)
    assert _reads(session, people["far"]) == []


def test_the_office_reads_the_id_numbers_of_its_units_and_projects_and_each_read_is_recorded(
    login: Callable[[str], TestClient], people: dict[str, int], session: Session
) -> None:
    c = login("hejin")
    assert c.get(f"/api/experts/{people['near']}").json()["id_number"] == HEJIN_ID  # an expert of a 河津 unit
    assert c.get(f"/api/experts/{people['leader']}").json()["id_number"] == "110108197202023336"  # leads a 河津 project
    reads = _reads(session, people["near"])
    assert len(reads) == 1 and reads[0].actor == "测试·hejin" and reads[0].actor_user_id is not None
    assert "身份证号" in (reads[0].reason or "")
    c.get(f"/experts/{people['near']}")
    assert len(_reads(session, people["near"])) == 2  # the page is a read too
    # The record's trail says who read it (and the trail itself, shown in full, is one more read).
    trail = c.get(f"/api/experts/{people['near']}/history").json()
    assert any(e["action"] == "查看身份证号" and e["actor"] == "测试·hejin" for e in trail)


def test_an_export_in_the_tables_columns_shows_no_id_number_and_records_no_read(
    login: Callable[[str], TestClient], people: dict[str, int], session: Session
) -> None:
    # The expert list exports the 专家教授信息表's own columns, which hold no ID number: none is read.
    assert HEJIN_ID not in _cells(login("admin").get("/experts/export.xlsx").content)
    for key in ("far", "near", "leader"):
        assert not _reads(session, people[key]), key


def test_an_expert_of_the_own_university_is_read_in_full_and_recorded(
    login: Callable[[str], TestClient], world: World, session: Session
) -> None:
    assert login("university").get(f"/api/experts/{world.expert_id}").json()["id_number"] == "140102198001011234"
    assert len(_reads(session, world.expert_id)) == 1
    masked = login("hejin").get(f"/api/experts/{world.expert_id}").json()["id_number"]  # 山西大学 is not 河津's
    assert masked != "140102198001011234"
    assert len(_reads(session, world.expert_id)) == 1
