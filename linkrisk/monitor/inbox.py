"""An organisation's alerts: listed newest first a page at a time, acknowledged, counted.

The cursor is the last ``alert_id`` of the previous page (ids only grow), so a page is stable
while new alerts arrive. ``open_alert_count`` is what the 风险扫描 summary shows as 预警.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.monitor.watches import now_iso

MAX_PAGE = 500
_COLUMNS = (
    "alert_id, org, watch_sid, sid, kind, change, path, distance, snapshot, previous, created,"
    " acked, acked_by"
)


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: int
    org: str
    watch_sid: str
    sid: str
    kind: str
    change: dict[str, Any]
    path: dict[str, Any]
    distance: int
    snapshot: str
    previous: str
    created: str
    acked: str | None
    acked_by: str | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def _row(row: Sequence[Any]) -> Alert:
    values = list(row)
    values[5], values[6] = json.loads(values[5]), json.loads(values[6])
    return Alert(*values)


@dataclass(frozen=True, slots=True)
class Page:
    alerts: list[Alert]
    next_cursor: int | None  # pass as ``after`` for the next page; None on the last


def list_alerts(
    store: EmbeddedStore,
    org: str,
    *,
    after: int | None = None,
    limit: int = 50,
    open_only: bool = False,
    sid: str | None = None,
) -> Page:
    """``org``'s alerts newest first, below the cursor ``after``; ``sid``: those of one watched
    subject or about one subject."""
    if not 1 <= limit <= MAX_PAGE:
        raise InputError(f"limit must be 1 to {MAX_PAGE}", field="limit")
    sql = f"SELECT {_COLUMNS} FROM alerts WHERE org = ?"
    params: list[Any] = [org]
    if after is not None:
        sql += " AND alert_id < ?"
        params.append(int(after))
    if open_only:
        sql += " AND acked IS NULL"
    if sid is not None:
        sql += " AND (watch_sid = ? OR sid = ?)"
        params += [sid, sid]
    rows = store.execute(sql + " ORDER BY alert_id DESC LIMIT ?", (*params, limit + 1))
    alerts = [_row(r) for r in rows[:limit]]
    more = len(rows) > limit
    return Page(alerts, alerts[-1].alert_id if more and alerts else None)


def acknowledge(store: EmbeddedStore, org: str, alert_ids: Sequence[int], by: str | None) -> int:
    """Mark ``org``'s alerts read; another organisation's ids are ``NotFound``, as if absent."""
    ids = sorted({int(i) for i in alert_ids})
    if not ids or len(ids) > MAX_PAGE:
        raise InputError(f"acknowledge 1 to {MAX_PAGE} alerts at a time", field="alert_ids")
    marks = ", ".join("?" for _ in ids)
    with store.transaction() as conn:
        mine = {
            int(r[0])
            for r in conn.execute(
                f"SELECT alert_id FROM alerts WHERE org = ? AND alert_id IN ({marks})",
                (org, *ids),
            )
        }
        missing = [i for i in ids if i not in mine]
        if missing:
            raise NotFound(f"no alert {missing[0]} for organisation {org}")
        cur = conn.execute(
            f"UPDATE alerts SET acked = ?, acked_by = ? WHERE org = ? AND acked IS NULL"
            f" AND alert_id IN ({marks})",
            (now_iso(), by, org, *ids),
        )
        return int(cur.rowcount)


def open_alert_count(store: EmbeddedStore, org: str, sid: str | None = None) -> int:
    """Unacknowledged alerts of ``org`` (about or watched through ``sid``, when given): the
    预警 count of the 风险扫描 summary and the bell on the page."""
    if sid is None:
        rows = store.execute("SELECT count(*) FROM alerts WHERE org = ? AND acked IS NULL", (org,))
    else:
        rows = store.execute(
            "SELECT count(*) FROM alerts WHERE org = ? AND acked IS NULL"
            " AND (watch_sid = ? OR sid = ?)",
            (org, sid, sid),
        )
    return int(rows[0][0])
