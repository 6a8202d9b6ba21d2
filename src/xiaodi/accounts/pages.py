"""Account administration in the browser (账号管理): the administrator lists accounts, opens one with a role and
its scope, grants and revokes roles, disables or re-enables it, unlocks it and resets its password — the same
services as ``xiaodi user …``. A generated password is shown once, on the page that created it, and never
stored in clear.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xiaodi.accounts import service
from xiaodi.accounts.access import require_account_admin
from xiaodi.accounts.models import Membership, Role, User
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.directory.service import resolve_organisation, resolve_region
from xiaodi.web.deps import MemberUser, RecordId, SessionDep
from xiaodi.web.form_errors import typed_name
from xiaodi.web.listing import mask_email, mask_phone
from xiaodi.web.templating import flash, render

PAGE_SIZE = 50


def specs() -> list[Any]:
    return []  # accounts are not one of the programme's lists; their pages are below


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"账号（编号 {user_id}）不存在")
    return user


def scope_of(session: Session, role: Role, scope: str) -> dict[str, int | None]:
    """The region (offices) or organisation (others) a role is granted for, from the name typed in the form."""
    scope = scope.strip()
    if role in service.REGION_ROLES:
        if not scope:
            raise ValidationFailed(f"{role.label}账号须填写辖区，如 河津市")
        return {"region_id": typed_name(lambda: resolve_region(session, scope).id, "辖区"), "organisation_id": None}
    if role in service.ORG_ROLES or (role in (Role.EXPERT, Role.TALENT) and scope):
        if not scope:
            raise ValidationFailed(f"{role.label}账号须填写所属单位全称")
        return {"region_id": None,
                "organisation_id": typed_name(lambda: resolve_organisation(session, scope).id, "所属单位")}
    return {"region_id": None, "organisation_id": None}


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationFailed("角色无效") from exc


def _detail(request: Request, session: Session, user: User, password: str | None = None) -> Response:
    return render(request, "user_detail.html", {
        "page_title": f"账号：{user.username}", "user": user, "password": password,
        "memberships": [m for m in user.memberships if m.retired_at is None],
        "roles": Role.labels(),
        "phone": mask_phone(user.phone), "email": mask_email(user.email),
    })


def _show_password(request: Request, session: Session, user: User, password: str, message: str) -> Response:
    """The one page that shows a generated password; it is not cached and not kept anywhere."""
    flash(request, message)
    response = _detail(request, session, user, password)
    response.headers["Cache-Control"] = "no-store"
    return response


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(prefix="/admin/users", include_in_schema=False)


@router.get("")
def users(request: Request, session: SessionDep, viewer: MemberUser, q: str = "", page: int = 1) -> Response:
    require_account_admin(viewer)
    stmt = select(User).order_by(User.username)
    if q.strip():
        like = f"%{q.strip()[:60]}%"
        stmt = stmt.where(User.username.like(like) | User.display_name.like(like))
    page = max(1, min(page, 10_000))
    rows = list(session.scalars(stmt.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return render(request, "users.html", {
        "page_title": "账号管理", "users": rows[:PAGE_SIZE], "more": len(rows) > PAGE_SIZE, "page": page, "q": q,
        "roles": Role.labels(),
    })


@router.post("")
def create(
    request: Request, session: SessionDep, viewer: MemberUser,
    username: Annotated[str, Form(max_length=60)], display_name: Annotated[str, Form(max_length=60)],
    role: Annotated[str, Form(max_length=24)], scope: Annotated[str, Form(max_length=120)] = "",
    phone: Annotated[str, Form(max_length=40)] = "", email: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    require_account_admin(viewer)
    granted = _role(role)
    password = service.generate_password()
    user = service.create_user(session, actor=viewer.actor, username=username, display_name=display_name,
                               password=password, role=granted, **scope_of(session, granted, scope),
                               phone=phone.strip() or None, email=email.strip() or None,
                               must_change_password=True)
    return _show_password(request, session, user, password, "账号已建立")


@router.get("/{user_id}")
def detail(request: Request, user_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    require_account_admin(viewer)
    return _detail(request, session, _user(session, user_id))


@router.post("/{user_id}/memberships")
def grant(
    request: Request, user_id: RecordId, session: SessionDep, viewer: MemberUser,
    role: Annotated[str, Form(max_length=24)], scope: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    require_account_admin(viewer)
    user = _user(session, user_id)
    granted = _role(role)
    service.add_membership(session, actor=viewer.actor, user_id=user.id, role=granted,
                           **scope_of(session, granted, scope))
    flash(request, f"已授予“{granted.label}”角色")
    return RedirectResponse(f"/admin/users/{user.id}", status_code=303)


@router.post("/{user_id}/memberships/{membership_id}/revoke")
def revoke(request: Request, user_id: RecordId, membership_id: RecordId, session: SessionDep,
           viewer: MemberUser) -> Response:
    require_account_admin(viewer)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.user_id != user_id:
        raise NotFound(f"授权（编号 {membership_id}）不存在")
    service.revoke_membership(session, actor=viewer.actor, membership_id=membership.id)
    flash(request, "已收回该角色")
    return RedirectResponse(f"/admin/users/{user_id}", status_code=303)


@router.post("/{user_id}/active")
def set_active(
    request: Request, user_id: RecordId, session: SessionDep, viewer: MemberUser,
    active: Annotated[str, Form(max_length=3)], reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    require_account_admin(viewer)
    user = _user(session, user_id)
    if user.id == viewer.user_id and active != "yes":
        raise ValidationFailed("不能停用自己的账号")
    service.set_active(session, actor=viewer.actor, username=user.username, active=active == "yes",
                       reason=reason.strip() or None)
    flash(request, "账号已启用" if active == "yes" else "账号已停用，其登录和接口令牌随即失效")
    return RedirectResponse(f"/admin/users/{user.id}", status_code=303)


@router.post("/{user_id}/unlock")
def unlock(request: Request, user_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    require_account_admin(viewer)
    user = service.unlock_user(session, actor=viewer.actor, username=_user(session, user_id).username)
    flash(request, "登录锁定已解除，此前的密码错误次数不再计算")
    return RedirectResponse(f"/admin/users/{user.id}", status_code=303)


@router.post("/{user_id}/password")
def reset(request: Request, user_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
    require_account_admin(viewer)
    user, password = service.reset_password(session, actor=viewer.actor, username=_user(session, user_id).username)
    return _show_password(request, session, user, password, "密码已重置，原有登录会话随即失效")
