"""Pages (HTML): login, the dashboard (工作台), every list and detail page, exports, imports, the user's account.

Routes parse, call one service or access helper, and render; the transaction is the request's (``SessionDep``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
import sys
from collections.abc import Hashable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xiaodi.accounts import service as accounts
from xiaodi.accounts.models import Role
from xiaodi.accounts.scope import Viewer
from xiaodi.core.audit import action_label, history
from xiaodi.core.errors import NotFound, ValidationFailed
from xiaodi.core.jobs import JobContext, job, submit_with
from xiaodi.core.labels import Labelled
from xiaodi.core.models import Base, Money
from xiaodi.core.settings import local_minute, local_today
from xiaodi.figures.access import region_choices
from xiaodi.web import dashboard, imports
from xiaodi.web.deps import CurrentUser, MemberUser, OptionalUser, RecordId, SessionDep, login_session
from xiaodi.web.errors import FIELD_LABELS
from xiaodi.web.listing import (
    ResourceSpec,
    display,
    fetch_all,
    fetch_page,
    list_columns,
    page_rows,
    parse_query,
    region_view,
    related_of,
    scope_note,
)
from xiaodi.web.params import plain_int
from xiaodi.web.responses import xlsx_response
from xiaodi.web.table_export import table_workbook
from xiaodi.web.templating import flash, render


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow the platform's address."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _list_routes(r: APIRouter, spec: ResourceSpec) -> None:
    name = spec.name

    def list_page(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
        params = dict(request.query_params)
        lq = parse_query(spec, params)
        regions = region_view(session, spec, viewer, lq)
        # an office whose list shows only its own region needs no 本辖区-first order (the sort's index serves)
        page = fetch_page(session, spec, viewer, lq, own_first=regions.others or not viewer.is_office)
        columns = list_columns(spec)
        rows = page_rows(session, spec, page.items, viewer, columns, regions)
        return render(request, "list.html", {
            "spec": spec, "page": page, "rows": rows, "lq": lq, "params": params, "columns": columns,
            "regions": regions.choices, "scope_note": scope_note(spec, viewer, regions)})

    def export(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
        data, filename = list_workbook(session, spec, viewer, dict(request.query_params),
                                       request.app.state.settings.today())
        return xlsx_response(data, filename)

    def detail(request: Request, record_id: RecordId, session: SessionDep, viewer: MemberUser) -> Response:
        obj = spec.get(session, record_id, viewer)
        fields = [(col.label, spec.cell(col, obj, viewer), col.url(obj)) for col in spec.detail]
        extras = spec.extras(session, viewer, obj) if spec.extras else {}
        trail, trail_shows_id = trail_of(session, spec, obj, viewer)
        spec.note_id_reads(session, viewer, [obj], "详情页", shown=trail_shows_id)  # one read, whichever part
        extras.setdefault("related", related_of(session, spec, viewer, obj))
        return render(request, "detail.html", {"spec": spec, "obj": obj, "title": spec.title(obj), "fields": fields,
                                               "trail": trail, **extras})

    r.add_api_route(f"/{name}", list_page, methods=["GET"], name=f"{name}_list")
    r.add_api_route(f"/{name}/export.xlsx", export, methods=["GET"], name=f"{name}_export")
    r.add_api_route(f"/{name}/{{record_id}}", detail, methods=["GET"], name=f"{name}_detail")


def _account_page(request: Request, session: Session, viewer: Viewer, new_secret: str | None = None) -> Response:
    tokens = accounts.list_api_tokens(session, user_id=viewer.user_id or 0)
    return render(request, "account.html", {"user": request.state.user, "tokens": tokens, "new_secret": new_secret})


def audit_trail(session: Session, spec: ResourceSpec, obj: Any, viewer: Viewer) -> list[dict[str, Any]]:
    """The record's audit trail (操作留痕), oldest first; personal fields are masked like the record itself."""
    return trail_of(session, spec, obj, viewer)[0]


def _trail_fields(spec: ResourceSpec) -> dict[str, tuple[str, dict[Any, str] | None, str]]:
    """The trail's field names (字段) as the record's page names them, with their value labels and kind: a change
    of ``state`` reads 状态 已发布 → 已揭榜, ``university_id`` reads as the page's 高校 column, an amount in 万元."""
    out: dict[str, tuple[str, dict[Any, str] | None, str]] = {}
    for col in [*spec.columns, *spec.detail, *spec.trail]:
        if col.key.count(".") > 1:  # card.person.name names the card's holder, not the card
            continue
        head, _, attr = col.key.partition(".")
        out.setdefault(f"{head}_id" if attr else head, (col.label, col.labels, col.kind))
    return out


class _ReferenceNames:
    """The names a trail shows for a changed reference (地区 山西省运城市河津市, not 地区 666): the referenced
    record's full name, name or title, looked up once per record."""

    SHOWN = ("full_name", "name", "title", "display_name", "username", "code")

    def __init__(self, session: Session, model: type[Any]) -> None:
        self.session = session
        self.table: Any = getattr(model, "__table__", None)
        self.found: dict[tuple[str, Any], Any] = {}

    def of(self, key: str, value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or self.table is None:
            return value
        if (key, value) not in self.found:
            self.found[(key, value)] = self._lookup(key, value)
        return self.found[(key, value)]

    def _lookup(self, key: str, value: int) -> Any:
        column = self.table.c.get(key)
        target = next(iter(column.foreign_keys)).column.table if column is not None and column.foreign_keys else None
        model = next((m.class_ for m in Base.registry.mappers if m.local_table is target), None)
        record = self.session.get(model, value) if model is not None else None
        shown = next((getattr(record, a) for a in self.SHOWN if getattr(record, a, None)), None)
        return f"{shown}（编号 {value}）" if shown else value


# A moment as the trail stores it (ISO text, UTC): 2026-12-07T05:37:43.289833+00:00
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_MAPPED_TYPE = re.compile(r"Mapped\[\s*([A-Za-z_]\w*)")


class _TrailValues:
    """How a trail shows a stored value: an enum's value by its label (labels are the enum's own,
    ``core.labels.Labelled``, found from the model's ``Mapped[...]`` annotation when the page names none), an
    amount in 万元, a moment in the deployment's time zone (``core.settings.local_minute``), a dict as 键：值."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.table: Any = getattr(model, "__table__", None)

    def labels_of(self, key: str) -> dict[str, str] | None:
        for cls in getattr(self.model, "__mro__", ()):
            note = inspect.get_annotations(cls).get(key)
            if note is None:
                continue
            name = _MAPPED_TYPE.match(note) if isinstance(note, str) else None
            found = (vars(sys.modules[cls.__module__]).get(name.group(1)) if name
                     else getattr(note, "__args__", (None,))[0])
            return found.labels() if isinstance(found, type) and issubclass(found, Labelled) else None
        return None

    def kind_of(self, key: str) -> str:
        column = self.table.c.get(key) if self.table is not None else None
        return "money" if column is not None and isinstance(column.type, Money) else "text"

    def show(self, value: Any, kind: str = "text") -> str:
        if isinstance(value, dict):
            return "；".join(f"{FIELD_LABELS.get(k, k)}：{self.show(v)}" for k, v in value.items()
                            if v not in (None, "", [], {}))
        if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
            try:
                return local_minute(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                return value
        if kind == "money" and isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                return display(Decimal(str(value)), "money")
            except ArithmeticError:
                return str(value)
        return display(value)


def trail_of(session: Session, spec: ResourceSpec, obj: Any, viewer: Viewer) -> tuple[list[dict[str, Any]], bool]:
    """The audit trail, and whether it shows an ID number in full (a read to record)."""
    personal = {col.key: col.personal for col in spec.detail if col.personal}
    sees = spec.sees_personal(viewer, obj)
    from xiaodi.web.listing import MASKERS

    fields = _trail_fields(spec)
    names = _ReferenceNames(session, spec.model)
    shown = _TrailValues(spec.model)
    out = []
    shows_id = False
    for entry in history(session, spec.entity, obj.id):
        changes = []
        keys = list(dict.fromkeys([*(entry.before or {}), *(entry.after or {})]))
        for key in keys:
            if key in ("version", "id"):
                continue
            before = (entry.before or {}).get(key)
            after = (entry.after or {}).get(key)
            if key in personal and not sees:
                before = MASKERS[personal[key] or "phone"](str(before)) if before else before
                after = MASKERS[personal[key] or "phone"](str(after)) if after else after
            elif personal.get(key) == "id_number" and (before or after):
                shows_id = True
            name, values, kind = fields.get(key, (FIELD_LABELS.get(key, key), None, "text"))
            values = values or cast(dict[Any, str] | None, shown.labels_of(key))
            if kind == "text":
                kind = shown.kind_of(key)
            if values:
                before, after = (values.get(v, v) if isinstance(v, Hashable) else v
                                 for v in (before, after))
            elif key.endswith("_id"):
                before, after = (names.of(key, v) for v in (before, after))
            changes.append((name, shown.show(before, kind), shown.show(after, kind)))
        out.append({"at": entry.at, "actor": entry.actor, "action": action_label(spec.entity, entry.action),
                    "reason": entry.reason, "changes": changes[:30]})
    return out, shows_id


def list_workbook(session: Session, spec: ResourceSpec, viewer: Viewer, params: dict[str, str],
                  today: dt.date) -> tuple[bytes, str]:
    """A list's Excel export (the page's filters and search, the viewer's scope) and its file name."""
    lq = parse_query(spec, params)
    items = fetch_all(session, spec, viewer, lq)
    stamp = today.strftime("%Y%m%d")  # the deployment's day, not the server's
    data = table_workbook(session, spec, items, viewer)  # the 信息表's own columns: no ID number among them
    if data is None:
        data = _xlsx(spec, items, viewer)
        spec.note_id_reads(session, viewer, items, "导出")
    return data, f"{spec.label}-{stamp}.xlsx"


def _xlsx(spec: ResourceSpec, items: list[Any], viewer: Viewer) -> bytes:
    """The list as an Excel workbook with Chinese headers; personal data masked as on the page."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(spec.label[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    wan = wb.add_format({"num_format": "0.00####"})
    for c, col in enumerate(spec.detail):
        # Amounts are numbers a sheet can add up, in the unit the header names (not text like "800万元").
        ws.write(0, c, f"{col.label}（万元）" if col.kind == "money" else col.label, head)
        ws.set_column(c, c, 18)
    for r_i, obj in enumerate(items, start=1):
        sees = spec.sees_personal(viewer, obj)
        for c, col in enumerate(spec.detail):
            value = col.raw(obj) if col.kind == "money" else None
            if value is not None:
                ws.write_number(r_i, c, float(Decimal(value) / 10_000), wan)
            else:
                ws.write_string(r_i, c, spec.cell(col, obj, viewer, sees=sees))
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def count_visible(session: Session, model: type[Any], viewer: Viewer) -> int:
    from xiaodi.web.access import scope_of

    return int(session.scalar(select(func.count()).select_from(model).where(scope_of(model, viewer))) or 0)


# ── routes ────────────────────────────────────────────────────────────────────────────────────────────────────────


router = APIRouter(include_in_schema=False)

# ---- login -----------------------------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, viewer: OptionalUser, next: str = "/") -> Response:
    if viewer.user_id is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next)})


@router.post("/login")
def login(
    request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    with request.app.state.session_factory() as reading:  # the costly verification holds no write lock
        checked = accounts.check_password(reading, username=username, password=password)
    try:
        user = accounts.authenticate(session, username=username, password=password, checked=checked,
                                     ip=request.client.host if request.client else None,
                                     user_agent=request.headers.get("user-agent"))
    except (accounts.LoginFailed, accounts.AccountLocked) as exc:
        # Rendered, not raised: the failed attempt and the lock-out must be committed.
        return render(request, "login.html", {"next": safe_next(next), "error": exc.message,
                                              "username": username[:60]}, status=exc.status)
    login_session(request, user)
    if user.must_change_password:
        flash(request, "请先修改初始密码", "warn")
        return RedirectResponse("/account", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep, viewer: OptionalUser) -> Response:
    if viewer.user_id is not None:
        accounts.end_sessions(session, user_id=viewer.user_id)  # a copy of the cookie ends too
    request.session.clear()
    return RedirectResponse("/login", status_code=303)

# ---- dashboard -------------------------------------------------------------------------------------------


@router.get("/")
def home(request: Request, session: SessionDep, viewer: CurrentUser, year: str = "", region: str = "") -> Response:
    if not viewer.has_access:
        return render(request, "no_role.html")
    if viewer.roles == {Role.TALENT}:  # a talent's home is their own services, not an enterprise dashboard
        from xiaodi.talent.pages import home_page

        return home_page(request, session, viewer)
    year_value = plain_int(year, low=2000, high=2100)  # a bad year shows every year, as the form's default
    data = dashboard.build(session, viewer, region=region[:60] or None, year=year_value,
                           cache=request.app.state.figures_cache)
    return render(request, "dashboard.html", {"d": data, "year": year_value,
                                              "regions": region_choices(session, viewer),
                                              "cache_seconds": f"{request.app.state.figures_cache.seconds:g}",
                                              "years": list(range(local_today().year, 2017, -1))})

# ---- account ---------------------------------------------------------------------------------------------


@router.get("/account")
def account(request: Request, session: SessionDep, viewer: CurrentUser) -> Response:
    return _account_page(request, session, viewer)


@router.post("/account/password")
def change_password(
    request: Request, session: SessionDep, viewer: CurrentUser, old_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()], confirm: Annotated[str, Form()],
) -> Response:
    if new_password != confirm:
        raise ValidationFailed("两次输入的新密码不一致")
    forced = bool(request.state.user and request.state.user.must_change_password)
    user = accounts.change_password(session, user_id=viewer.user_id or 0, old_password=old_password,
                                    new_password=new_password)
    login_session(request, user)  # the other sessions of this account end; this one goes on
    flash(request, "密码已修改")
    # an initial password changed: on to the work the person logged in for
    return RedirectResponse("/" if forced else "/account", status_code=303)


@router.post("/account/tokens")
def new_token(request: Request, session: SessionDep, viewer: MemberUser, name: Annotated[str, Form()]) -> Response:
    issued = accounts.create_api_token(session, actor=viewer.actor, user_id=viewer.user_id or 0, name=name,
                                       expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=365))
    # Shown once, on the page that answers this request: a secret never travels in the (signed, readable)
    # session cookie, and the page is not cached.
    response = _account_page(request, session, viewer, new_secret=issued.secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: RecordId, session: SessionDep, viewer: CurrentUser) -> Response:
    accounts.revoke_api_token(session, actor=viewer.actor, token_id=token_id, user_id=viewer.user_id)
    flash(request, "令牌已撤销")
    return RedirectResponse("/account", status_code=303)

# ---- import (导入信息表) -----------------------------------------------------------------------------------


@router.get("/import")
def import_form(request: Request, viewer: MemberUser) -> Response:
    imports.require_importer(viewer)
    return render(request, "import.html", {"tables": imports.table_choices()})


@router.get("/import/template/{table}.xlsx")
def import_template(request: Request, viewer: MemberUser, table: str) -> Response:
    imports.require_importer(viewer)
    title, data = imports.template(table)
    return xlsx_response(data, f"{title}-填报模板.xlsx")


@router.post("/import")
async def import_check(
    request: Request, viewer: MemberUser, table: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    imports.require_importer(viewer)
    upload_id = await imports.receive_upload(request.app.state.settings, file)
    # The check reads the whole file and runs every rule: in a worker thread, never on the event loop.
    result, errors = await run_in_threadpool(imports.check, request.app.state.session_factory, table, upload_id,
                                             viewer, request.app.state.settings)
    request.session["import"] = {"id": upload_id, "table": table, "rows": result.rows if result else None,
                                 "filename": Path(file.filename or "").name[:120] or None}
    return render(request, "import_report.html", {"result": result, "errors": errors, "table": table,
                                                  "upload_id": upload_id, "filename": file.filename},
                  status=200 if not errors else 422)


@router.post("/import/confirm")
def import_confirm(
    request: Request, session: SessionDep, viewer: MemberUser, upload_id: Annotated[str, Form()],
) -> Response:
    imports.require_importer(viewer)
    pending = request.session.get("import") or {}
    if pending.get("id") != upload_id:
        raise ValidationFailed("导入已过期，请重新上传文件")
    run_id = imports.submit_confirmed(session, request.app.state.settings, pending["table"], upload_id, viewer,
                                      rows=pending.get("rows"), filename=pending.get("filename"))
    if run_id is not None:  # the queue's worker (or, for a large file on SQLite, a thread) imports; this page
        # shows its progress
        request.session.pop("import", None)
        return RedirectResponse(f"/jobs/{run_id}", status_code=303)
    result = imports.confirm(session, request.app.state.settings, pending["table"], upload_id, viewer)
    request.session.pop("import", None)
    flash(request, result.summary())
    return RedirectResponse("/import", status_code=303)

# ---- lists and records -----------------------------------------------------------------------------------


def resource_router(specs: dict[str, ResourceSpec]) -> APIRouter:
    """The routes of every list (``specs``, known when the app is built), after the fixed routes above."""
    r = APIRouter(include_in_schema=False)
    for spec in specs.values():
        _list_routes(r, spec)
    return r


# ---- a list's export as a background job --------------------------------------------------------------------

EXPORT_JOB = "lists.export"


@router.post("/exports")
async def export_job(request: Request, session: SessionDep, viewer: MemberUser) -> Response:
    """后台导出: a large list's export as a background job; the page that follows shows its progress and offers
    the file. The same rules as the download: the list must admit the viewer, the filters must parse."""
    form = await request.form()
    specs: dict[str, ResourceSpec] = request.app.state.specs
    spec = specs.get(str(form.get("list") or ""))
    if spec is None:
        raise NotFound("没有这个列表")
    spec.admit(viewer)
    params = {k: str(v) for k, v in form.items() if k not in ("list", "csrf_token") and isinstance(v, str) and v}
    parse_query(spec, params)  # refused here, not in the job
    run_id = submit_with(session, EXPORT_JOB, user_id=viewer.user_id, args={"list": spec.name, "params": params},
                         label=f"导出{spec.label}")
    return RedirectResponse(f"/jobs/{run_id}", status_code=303)


@job(EXPORT_JOB, "导出列表")
def _export_job(session: Session, ctx: JobContext) -> str:
    """The export, with the scope of the user who asked for it (safe to run twice: it only reads the ledger)."""
    from xiaodi.accounts.models import User
    from xiaodi.accounts.scope import viewer_for
    from xiaodi.core.settings import get_settings
    from xiaodi.web.resources import load_specs

    user = session.get(User, ctx.user_id) if ctx.user_id else None
    if user is None or not user.is_active:
        raise NotFound("提交导出的账号不存在或已停用")
    viewer = viewer_for(session, user)
    spec = load_specs()[ctx.args["list"]]
    spec.admit(viewer)
    ctx.progress(0, 2)
    data, filename = list_workbook(session, spec, viewer, dict(ctx.args.get("params") or {}),
                                   get_settings().today())
    ctx.output(filename, data)
    ctx.progress(2, 2)
    return f"已导出{spec.label}"
