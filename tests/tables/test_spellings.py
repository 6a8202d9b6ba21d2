"""A school stored as the MOE list publishes it — 中国矿业大学（北京）, full-width brackets, an authority padded with
spaces — is the same school when an office's file writes 中国矿业大学(北京): the row updates it by its name and
leaves the published spelling as it is."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xiaodi.core.audit import Actor, AuditEntry
from xiaodi.directory.models import Organisation, OrgKind
from xiaodi.tables import import_file

from .test_amounts_and_old_files import write_csv


def test_a_name_written_another_way_updates_the_record_and_keeps_its_spelling(
    db_engine: Engine, actor: Actor, tmp_path: Path
) -> None:
    with Session(db_engine) as s:
        s.add(Organisation(kind=OrgKind.UNIVERSITY, name="中国矿业大学（北京）", code="4111011413",
                           authority="教育部       "))
        s.commit()
    header = ["学校名称", "学校标识码", "主管部门", "联系人"]
    same = write_csv(tmp_path / "same.csv", [header, ["中国矿业大学(北京)", "4111011413", "教育部", ""]])
    unchanged = import_file(db_engine, "universities", same, actor=actor)
    assert (unchanged.created, unchanged.updated, unchanged.unchanged) == (0, 0, 1)

    contact = write_csv(tmp_path / "contact.csv", [header, ["中国 矿业大学 (北京)", "4111011413", "教育部", "李明"]])
    updated = import_file(db_engine, "universities", contact, actor=actor)
    assert (updated.created, updated.updated) == (0, 1)
    with Session(db_engine) as s:
        school = s.scalars(select(Organisation).where(Organisation.code == "4111011413")).one()
        change = s.scalars(select(AuditEntry).where(AuditEntry.entity == "organisation",
                                                    AuditEntry.entity_id == school.id)).one()
    assert (school.name, school.authority, school.contact_name) == ("中国矿业大学（北京）", "教育部       ", "李明")
    assert change.after == {"contact_name": "李明", "version": 2}


def test_a_region_written_without_its_shi_is_the_region(db_engine: Engine, actor: Actor, tmp_path: Path) -> None:
    """An enterprise table whose 所在地区 says 河津 (for 河津市) imports; the region is 河津市."""
    path = write_csv(tmp_path / "e.csv", [["企业名称", "所在地区"], ["河津示例铝材有限公司", "河津"]])
    assert import_file(db_engine, "enterprises", path, actor=actor).created == 1
    with Session(db_engine) as s:
        firm = s.scalars(select(Organisation).where(Organisation.name == "河津示例铝材有限公司")).one()
        assert firm.region is not None and firm.region.full_name == "山西省运城市河津市"
