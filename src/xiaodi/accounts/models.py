"""Account models: users (用户), memberships (a user acts for an organisation or an office), API tokens, logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xiaodi.core.contact import checked_phones
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, IdMixin, RecordMixin, TimestampMixin, utcnow
from xiaodi.directory.models import Organisation, Region


class Role(Labelled):
    """What a user does in the programme. A user may hold several roles through several memberships."""

    PROVINCE_OFFICE = "province_office", "省级办公室"  # 省校合作办
    CITY_OFFICE = "city_office", "市级办公室"
    COUNTY_OFFICE = "county_office", "县级办公室"
    LEAD_UNIT = "lead_unit", "牵头单位"  # a provincial department leading a base type or a pairing
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高校/院所"
    EXPERT = "expert", "专家"  # reviews claims, serves orders
    TALENT = "talent", "人才"  # holds a talent card
    ADMIN = "admin", "管理员"

# The office roles see everything inside their region's subtree; the others see what their organisation owns.
OFFICE_ROLES: frozenset[Role] = frozenset({Role.PROVINCE_OFFICE, Role.CITY_OFFICE, Role.COUNTY_OFFICE})


class User(RecordMixin, Base):
    """A user account (用户). A deactivated user is ``is_active = False``; accounts are never deleted.

    Not versioned on purpose: every login writes ``failed_logins``/``last_login_at``, and two logins at once
    must not fail each other with a stale-data conflict.
    """

    # "user" is a reserved word in PostgreSQL; a plain name keeps hand-written SQL and psql sessions simple.
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id string; None: cannot log in
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default="0")
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Every session cookie carries the generation it was issued in; logging out or changing the password moves
    # it on, so a copied cookie stops working on the server, not only in the browser that cleared it.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)  # the expert/talent

    # Loaded with the user: every request checks permissions through them.
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", lazy="raise_on_sql")

    def roles(self) -> set[Role]:
        return {Role(m.role) for m in self.memberships if m.retired_at is None}


class Membership(IdMixin, TimestampMixin, Base):
    """A user acting with a role for an organisation (企业/高校/牵头单位) and/or a region (办公室的辖区).

    The unique constraint treats NULLs as distinct (SQLite, PostgreSQL < 15), so services also check duplicates.
    """

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "role", "organisation_id", "region_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[Role] = mapped_column(String(24), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    retired_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # revoked, kept for the trail

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")


class ApiToken(IdMixin, TimestampMixin, Base):
    """A personal API token (接口令牌). Only its hash is stored; ``prefix`` lets the owner recognise it."""

    __tablename__ = "api_token"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)  # sha256 hex of the secret
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")

    def is_valid(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class LoginAttempt(IdMixin, Base):
    """One login attempt (登录记录), kept for lock-out decisions and the security trail."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_username_at", "username", "at"),)

    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(60))  # as typed: the account may not exist
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    success: Mapped[bool]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(String(60))  # bad_password / locked / inactive / unknown_user


checked_phones(User.phone)  # 联系电话: one rule for every interface (core.contact)
