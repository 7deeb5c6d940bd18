"""Monitoring (监控): an organisation's watches, its alerts and its webhooks.

The organisation is always the key's: one organisation never sees, acknowledges or removes
another's watches, alerts or webhooks (they answer 404 as if absent). A lender key watches only
subjects that authorised it (an active consent, 授权, of any purpose: the authorisation's
validity bounds the monitoring), at depth 0, for their events, tier and status (who holds or
runs a firm is not a lender's to see); once no consent is active, the subject's alerts are no
longer shown to it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from linkrisk.api.auth import ApiKey, Role
from linkrisk.api.consent import Purpose, active_consents
from linkrisk.api.deps import AnyRole, AppState, Context, Store
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import (
    AlertAck,
    AlertAckResult,
    AlertCount,
    AlertList,
    AlertPublic,
    WatchCreate,
    WatchPublic,
    WebhookCreate,
    WebhookPublic,
)
from linkrisk.errors import ConsentRequired, Forbidden
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.monitor import inbox, watches, webhooks

router = APIRouter(prefix="/v1", tags=["monitoring"])
LENDER_KINDS = frozenset({"event", "tier", "status"})
SQLITE_MAX_INT = 2**63 - 1


def _lender_rules(store: EmbeddedStore, key: ApiKey, sid: str, body: WatchCreate) -> list[str]:
    """A lender's watch: consented, depth 0, its own subject's changes only."""
    if body.depth != 0:
        raise Forbidden(
            f"a lender key watches the consented subject itself (depth 0), not {body.depth} hops",
            field="depth",
        )
    kinds = list(watches.check_kinds(body.kinds))
    if not body.kinds:
        kinds = sorted(LENDER_KINDS)
    other = [k for k in kinds if k.split(":")[0] not in LENDER_KINDS]
    if other:
        raise Forbidden(
            f"a lender key watches events, tier and status, not {', '.join(other)}", field="kinds"
        )
    if not _consented(store, key.org, [sid]):
        raise ConsentRequired(
            f"no active consent (授权) of organisation {key.org} for subject {sid}: a lender"
            " key watches only subjects that authorised it",
            org=key.org,
            subject=sid,
        )
    return kinds


def _consented(store: EmbeddedStore, org: str, sids: list[str]) -> set[str]:
    """The subjects among ``sids`` with an active consent of ``org`` today, for any purpose."""
    found: set[str] = set()
    for purpose in Purpose:
        found |= set(active_consents(store, org, sids, purpose, date.today()))
    return found


@router.post(
    "/watches",
    status_code=201,
    summary="Watch a subject for the key's organisation (depth 0–3, changes that matter)",
    responses=may_answer(403, 404),
)
async def add_watch(
    body: WatchCreate, key: AnyRole, store: Store, state: AppState, ctx: Context
) -> WatchPublic:
    sid = watches.check_sid(body.sid)
    ctx.touch(sid)
    if key.role is not Role.LENDER:  # a lender learns nothing of a subject it holds no consent of
        state.snapshot.index(sid)  # a subject the published snapshot holds (else 404)
    kinds = _lender_rules(store, key, sid, body) if key.role is Role.LENDER else body.kinds
    watch = watches.add_watch(
        store,
        key.org,
        sid,
        depth=body.depth,
        kinds=kinds,
        label=body.label,
        created_by=key.key_id,
    )
    return WatchPublic(**watch.to_dict())


@router.get("/watches", summary="The key's organisation's watches")
async def list_watches(key: AnyRole, store: Store) -> list[WatchPublic]:
    return [WatchPublic(**w.to_dict()) for w in watches.list_watches(store, key.org)]


@router.delete(
    "/watches/{sid}", summary="Stop watching a subject (its alerts stay)", responses=may_answer(404)
)
async def remove_watch(sid: str, key: AnyRole, store: Store, ctx: Context) -> WatchPublic:
    ctx.touch(sid)
    return WatchPublic(**watches.remove_watch(store, key.org, sid).to_dict())


def _visible(store: EmbeddedStore, key: ApiKey, items: list[inbox.Alert]) -> list[inbox.Alert]:
    if key.role is not Role.LENDER:
        return items
    consented = _consented(store, key.org, [a.watch_sid for a in items])
    return [a for a in items if a.watch_sid in consented]


@router.get("/alerts", summary="The organisation's alerts, newest first (cursor: ?after=)")
async def list_alerts(
    key: AnyRole,
    store: Store,
    ctx: Context,
    after: Annotated[
        int | None, Query(ge=0, le=SQLITE_MAX_INT, description="the last alert_id seen")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    open: Annotated[bool, Query(description="only unacknowledged alerts")] = False,
    sid: Annotated[
        str | None, Query(max_length=40, description="about or watched through one subject")
    ] = None,
) -> AlertList:
    if sid:
        ctx.touch(sid)
    page = inbox.list_alerts(store, key.org, after=after, limit=limit, open_only=open, sid=sid)
    return AlertList(
        items=[AlertPublic(**a.to_dict()) for a in _visible(store, key, page.alerts)],
        next_after=page.next_cursor,
        open=inbox.open_alert_count(store, key.org),
    )


@router.get("/alerts/count", summary="Unacknowledged alerts (the bell; ?sid= for one subject)")
async def count_alerts(
    key: AnyRole,
    store: Store,
    sid: Annotated[str | None, Query(max_length=40)] = None,
) -> AlertCount:
    return AlertCount(open=inbox.open_alert_count(store, key.org, sid))


@router.post(
    "/alerts/ack",
    summary="Acknowledge alerts (another organisation's ids: 404)",
    responses=may_answer(404),
)
async def ack_alerts(body: AlertAck, key: AnyRole, store: Store) -> AlertAckResult:
    done = inbox.acknowledge(store, key.org, body.alert_ids, key.key_id)
    return AlertAckResult(acknowledged=done, open=inbox.open_alert_count(store, key.org))


@router.post(
    "/webhooks",
    status_code=201,
    summary="Send the organisation's alerts to a URL, HMAC-signed (secret shown once)",
)
async def add_webhook(body: WebhookCreate, key: AnyRole, store: Store) -> WebhookPublic:
    return WebhookPublic(**webhooks.add_webhook(store, key.org, body.url, key.key_id).to_dict())


@router.get("/webhooks", summary="The organisation's webhooks (never their secrets)")
async def list_webhooks(key: AnyRole, store: Store) -> list[WebhookPublic]:
    return [WebhookPublic(**h.to_dict()) for h in webhooks.list_webhooks(store, key.org)]


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    summary="Remove a webhook",
    responses=may_answer(404),
)
async def remove_webhook(webhook_id: str, key: AnyRole, store: Store) -> None:
    webhooks.remove_webhook(store, key.org, webhook_id)
