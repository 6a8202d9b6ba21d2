"""The briefing as a background job (生成工作简报): a province's briefing reads every county's figures and draws
its charts — seconds to minutes — so the figures page can hand it to a job and follow its progress bar; the
document is kept with the run for the official who asked (``/jobs/{id}/download``).

Safe to run twice: it only reads the ledger and writes its result onto its own run.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xiaodi.core.errors import NotFound
from xiaodi.core.jobs import JobContext, job

BRIEFING = "briefing.build"
PARAMS = ("region", "year", "from", "to")


@job(BRIEFING, "生成工作简报")
def build_briefing(session: Session, ctx: JobContext) -> str:
    """The briefing of the run's region and period, with the rules of the official who asked for it."""
    from xiaodi.accounts.models import User
    from xiaodi.accounts.scope import viewer_for
    from xiaodi.assessment import access
    from xiaodi.briefing import document
    from xiaodi.figures.access import resolve_scope
    from xiaodi.figures.report import parse_period

    user = session.get(User, ctx.user_id) if ctx.user_id else None
    if user is None or not user.is_active:
        raise NotFound("提交简报任务的账号不存在或已停用")
    viewer = viewer_for(session, user)
    access.require_brief(viewer)
    params: dict[str, Any] = ctx.args.get("params") or {}
    period = parse_period(params.get("year"), params.get("from"), params.get("to"))
    scope = resolve_scope(session, viewer, params.get("region"))
    ctx.progress(0, 3)
    brief = document.build(session, viewer, region_id=scope.region.id if scope.region is not None else None,
                           date_from=period.date_from, date_to=period.date_to)
    ctx.progress(1, 3)
    if ctx.args.get("format") == "xlsx":
        ctx.output(document.filename(brief, "xlsx"), document.to_xlsx(brief))
    else:
        ctx.output(document.filename(brief, "docx"), document.to_docx(brief))
    ctx.progress(3, 3)
    return f"{document.filename(brief, 'docx').rsplit('.', 1)[0]} 已生成"
