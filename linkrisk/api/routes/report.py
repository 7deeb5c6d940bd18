"""调查报告: a subject's investigation report as a PDF, made on the server and audited.

The report is built from the investigator routes' own answers (called in process, with the
caller's key, so masking and the audit's list of revealed subjects are the same as for the
page) and printed by headless Chromium. Who asked, when, and which subjects the report shows are
in the audit log like any other request; the PDF names the key, its organisation and role.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from linkrisk.api.beneficial import owners_view
from linkrisk.api.deps import AppServices, AppState, Context, Graph, Investigator
from linkrisk.api.report_html import ReportData, report_html
from linkrisk.api.report_pdf import find_chromium, html_to_pdf
from linkrisk.api.routes import investigator as inv
from linkrisk.api.routes import may_answer
from linkrisk.api.scan import ALERTS_LISTED, alerts_section, scan_view
from linkrisk.monitor.inbox import open_alert_count

router = APIRouter(prefix="/v1", tags=["investigators"])


def _plain(model: Any) -> Any:
    if isinstance(model, list):
        return [_plain(m) for m in model]
    return model.model_dump(mode="json", by_alias=True)


def gather(sid: str, key: Any, state: Any, graph: Any, services: Any, ctx: Any) -> ReportData:
    """The report's contents, from the routes' answers to this key."""
    card = inv.subject_card(sid, key, state, graph, services, ctx, explain=False)
    pii = key.has_scope("pii")
    scan, seen = scan_view(state, graph, sid, 2, 200, pii)
    scan["sections"].append(alerts_section(services.store, key.org, sid, ALERTS_LISTED))
    default = services.settings.beneficial_owner_threshold
    beneficial, owners_seen = owners_view(state, graph, sid, pii, default)
    ctx.touch(*seen, *owners_seen)
    return ReportData(
        card=_plain(card),
        owners=_plain(inv.owners(sid, key, state, graph, ctx, max_depth=10, min_share=0.0)),
        holdings=_plain(inv.holdings(sid, key, state, graph, ctx, max_depth=10, min_share=0.0)),
        controllers=_plain(inv.controllers(sid, key, state, graph, ctx, max_depth=10)),
        risk=_plain(inv.surrounding_risk(sid, key, state, graph, ctx, hops=2, limit=200)),
        neighbourhood=_plain(
            inv.neighbourhood(sid, key, state, graph, ctx, hops=1, max_nodes=200, degree_cap=500)
        ),
        produced_by={"key_id": key.key_id, "org": key.org, "role": key.role.value},
        produced_at=datetime.now(UTC).isoformat(timespec="seconds"),
        open_alerts=open_alert_count(services.store, key.org, sid),
        extra={"scan": scan, "beneficial": beneficial},
    )


@router.get(
    "/subjects/{sid}/report",
    summary="调查报告: the subject's investigation report as a PDF (card, 风险扫描, graph,"
    " look-through, controllers, 受益所有人, paths, events, snapshot, who produced it)",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the report"},
        **may_answer(503),
    },
)
def report(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
) -> Response:
    ctx.touch(sid)
    chromium = find_chromium(services.settings.chromium)
    data = gather(sid, key, state, graph, services, ctx)
    pdf = html_to_pdf(report_html(data), chromium)
    name = f"linkrisk-report-{sid}-{data.card['snapshot']}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
