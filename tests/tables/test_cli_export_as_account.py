"""``xiaodi export 表名 文件 --user 账号`` (#15: phones, e-mail and ID numbers masked for every role that does
not need them — on the command line too): the console writes the file the account would export on the pages —
only the records it sees, each phone and e-mail masked unless the account may read it (the pages' rule).
An enterprise and an office of another region get 山西大学's expert masked, the enterprise its contact phone
too; 山西大学's own account gets them in full; the console's operator (no ``--user``, who holds the database)
the whole table as before. An unknown account, or a table the pages have no list for, is refused in Chinese
with nothing written.

No other command prints a person's phone, e-mail or ID number (``xiaodi talent … --user`` and ``xiaodi event
… --user`` print names and record numbers); the talents table carries none, for any account."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.cli import app
from xiaodi.cli_options import fixed_engine
from xiaodi.core.audit import Actor
from xiaodi.core.errors import XiaodiError
from xiaodi.directory.models import Organisation, OrgKind, PersonKind, Region
from xiaodi.directory.regions import region_subtree_ids
from xiaodi.directory.service import create_person, update_organisation
from xiaodi.talent.service import register_talent

ACTOR = Actor.system("test")
PASSWORD = "Xiaodi2025test"
EXPERT_PHONE, EXPERT_MAIL = "13811112222", "zhangming@sxu.example"
CONTACT_PHONE = "0351-7010123"
ID_NUMBER = "11010519491231002X"
TALENT_PHONE, TALENT_ID = "13900001111", "140882199001011239"


@pytest.fixture
def ledger(db_engine: Engine) -> Iterator[Engine]:
    """山西大学 with its contact phone and an expert's phone, e-mail and ID number; an account per role asked."""
    with Session(db_engine) as s:
        sxu = s.scalars(select(Organisation).where(Organisation.name == "山西大学")).one()
        enterprise = s.scalars(select(Organisation).where(Organisation.kind == OrgKind.ENTERPRISE)).one()
        hejin = s.scalars(select(Region).where(Region.code == "140882")).one()
        update_organisation(s, actor=ACTOR, organisation_id=sxu.id, contact_phone=CONTACT_PHONE)
        create_person(s, actor=ACTOR, kind=PersonKind.EXPERT, name="张明", organisation_id=sxu.id,
                      phone=EXPERT_PHONE, email=EXPERT_MAIL, id_number=ID_NUMBER, title="教授")
        office = Viewer.office_of(region_subtree_ids(s, hejin.id), name="河津市办公室")
        register_talent(s, office, name="王晓燕", region_id=hejin.id, phone=TALENT_PHONE, id_number=TALENT_ID,
                        employer_id=enterprise.id)
        for username, kwargs in {"ent": {"role": Role.ENTERPRISE, "organisation_id": enterprise.id},
                                 "hejin": {"role": Role.COUNTY_OFFICE, "region_id": hejin.id},
                                 "sxu": {"role": Role.UNIVERSITY, "organisation_id": sxu.id},
                                 "nobody": {}}.items():
            accounts.create_user(s, actor=ACTOR, username=username, display_name=username, password=PASSWORD,
                                 **kwargs)  # type: ignore[arg-type]
        s.commit()
    with fixed_engine(db_engine):
        yield db_engine


def export(tmp_path: Path, table: str, *user: str) -> tuple[int, str, str]:
    """Run ``xiaodi export`` (as ``--user`` when given); exit code, the file's text (or ""), the console's output."""
    out = tmp_path / f"{table}-{'-'.join(user) or 'operator'}.csv"
    result = CliRunner().invoke(app, ["export", table, str(out), *(["--user", *user] if user else [])])
    if isinstance(result.exception, XiaodiError):
        return 2, "", result.exception.message
    text = out.read_text(encoding="utf-8-sig") if out.exists() else ""
    return result.exit_code, text, result.output


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


@pytest.mark.parametrize("username", ["ent", "hejin"])
def test_an_account_that_does_not_need_them_gets_phones_and_mail_masked(
        ledger: Engine, tmp_path: Path, username: str) -> None:
    code, text, said = export(tmp_path, "experts", username)
    assert code == 0 and f"已按账号“{username}”的权限导出" in said, said
    expert = next(r for r in rows(text) if r["姓名"] == "张明")  # the expert is listed: a resource every member sees
    assert expert["联系电话"] == "138****2222" and expert["电子邮箱"] == "z***@sxu.example"
    assert EXPERT_PHONE not in text and EXPERT_MAIL not in text and ID_NUMBER not in text


def test_an_enterprise_gets_a_universitys_contact_phone_masked(ledger: Engine, tmp_path: Path) -> None:
    """An organisation's contact phone is read in full by its own accounts and the offices (as on the 单位 page);
    another unit gets it masked."""
    code, text, _ = export(tmp_path, "universities", "ent")
    assert code == 0
    school = next(r for r in rows(text) if r["学校名称"] == "山西大学")
    assert school["联系电话"] == "035****0123" and CONTACT_PHONE not in text


def test_the_university_gets_its_own_people_in_full_and_the_operator_everything(
        ledger: Engine, tmp_path: Path) -> None:
    code, text, _ = export(tmp_path, "experts", "sxu")
    expert = next(r for r in rows(text) if r["姓名"] == "张明")
    assert code == 0 and (expert["联系电话"], expert["电子邮箱"]) == (EXPERT_PHONE, EXPERT_MAIL)
    code, text, _ = export(tmp_path, "universities", "sxu")
    assert code == 0 and next(r for r in rows(text) if r["学校名称"] == "山西大学")["联系电话"] == CONTACT_PHONE
    code, text, _ = export(tmp_path, "experts")  # the console's operator, trusted like ``xiaodi import``
    assert code == 0 and EXPERT_PHONE in text and EXPERT_MAIL in text
    assert ID_NUMBER not in text  # the experts table has no ID number column for anyone


@pytest.mark.parametrize("username", ["ent", "hejin"])
def test_the_talents_file_names_the_talent_without_their_numbers(
        ledger: Engine, tmp_path: Path, username: str) -> None:
    """The employer and the office both export 王晓燕; neither file holds her phone or ID number (the talents
    table carries none: they are entered on the register's pages, with their check)."""
    code, text, _ = export(tmp_path, "talents", username)
    assert code == 0 and [r["姓名"] for r in rows(text)] == ["王晓燕"]
    assert TALENT_PHONE not in text and TALENT_ID not in text


def test_an_account_exports_only_what_it_sees(ledger: Engine, tmp_path: Path) -> None:
    """An account without a role sees no list's records: its file has the headers and no rows; 山西大学 is no
    employer of 王晓燕's and does not get her."""
    code, text, _ = export(tmp_path, "experts", "nobody")
    assert code == 0 and rows(text) == [] and "姓名" in text
    code, text, _ = export(tmp_path, "talents", "sxu")
    assert code == 0 and rows(text) == []


def test_an_unknown_account_or_a_table_without_a_list_is_refused_in_chinese(ledger: Engine, tmp_path: Path) -> None:
    code, text, said = export(tmp_path, "experts", "ghost")
    assert code == 2 and "账号“ghost”不存在或已停用" in said and not text
    code, text, said = export(tmp_path, "base_activities", "hejin")
    assert code == 2 and "不能按账号导出" in said and not text
