"""风险扫描 as API data: the subject's own records by type and its listed neighbours by
distance and relation, names added (persons masked without ``pii``), every key audited.

A plain function so that the PDF report can call it as the route does. Sections are a list;
预警 (the organisation's open watchlist alerts about the subject or watched through it) is the
third, appended by ``alerts_section``.
"""

from __future__ import annotations

from typing import Any

from linkrisk.api.naming import Namer
from linkrisk.api.state import ServingState
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.queries.events import active_events_of, day_of
from linkrisk.graph.queries.results import as_dict
from linkrisk.graph.queries.scan import risk_scan
from linkrisk.graph.store import GraphStore
from linkrisk.monitor.inbox import list_alerts, open_alert_count
from linkrisk.vocabulary import label


def scan_view(
    state: ServingState, graph: GraphStore, sid: str, hops: int, limit: int, pii: bool
) -> tuple[dict[str, Any], list[str]]:
    """The scan of ``sid`` as JSON-ready data, and the subject keys it reveals."""
    node = state.snapshot.index(sid)
    around = state.queries.surrounding_risk(sid, hops=hops, limit=limit)
    own = active_events_of(state.snapshot.events, node, day_of(around.as_of))
    namer = Namer(graph, pii)
    data = namer.annotate(as_dict(risk_scan(sid, own, around)))
    for section in data["sections"]:
        section["title"] = label("scan_section", section["name"])
        section["title_en"] = label("scan_section", section["name"], "en")
        for group in section["groups"]:
            if group["type"]:
                group["label"] = label("event_type", group["type"])
            else:
                group["label"] = f"{group['hops']} 跳 · {label('relation', group['relation'])}"
    return data, list(namer.seen)


#: alerts listed under 预警 at most (the inbox pages by 500; the total is always counted)
ALERTS_LISTED = 500


def alerts_section(store: EmbeddedStore, org: str, sid: str, limit: int) -> dict[str, Any]:
    """预警: ``org``'s unacknowledged alerts about ``sid`` or watched through it, by kind of
    change; each count opens its alerts (the first ``limit``, newest last)."""
    total = open_alert_count(store, org, sid)
    alerts = list_alerts(store, org, open_only=True, sid=sid, limit=limit).alerts
    kinds: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        kinds.setdefault(alert.kind, []).append(alert.to_dict())
    groups = [
        {"key": f"alerts:{kind}", "label": label("alert_kind", kind), "count": len(items),
         "alerts": items}
        for kind, items in sorted(kinds.items())
    ]  # fmt: skip
    return {
        "name": "alerts",
        "title": label("scan_section", "alerts"),
        "title_en": label("scan_section", "alerts", "en"),
        "total": total,
        "groups": groups,
        "truncated": total > len(alerts),
    }
