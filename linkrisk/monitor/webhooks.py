"""Webhooks: an organisation's alerts POSTed to its URL, signed, retried with backoff.

Each delivery is a JSON body ``{"alert": …}`` with the header
``X-Linkrisk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``
(the secret is shown once, when the webhook is added); a receiver recomputes it and refuses an
old ``t``. A delivery that fails (no answer, or not 2xx) is tried again after 30 s, 1, 2, 4 …
minutes, at most ``MAX_ATTEMPTS`` times; ``deliver_due`` sends what is due (after each
evaluation, and from ``linkrisk webhooks deliver``, which cron runs).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.monitor.inbox import _COLUMNS as ALERT_COLUMNS
from linkrisk.monitor.inbox import _row as alert_row
from linkrisk.monitor.watches import now_iso

MAX_ATTEMPTS = 6
FIRST_RETRY = 30.0  # seconds; doubled after each failure
TIMEOUT = 5.0
HEADER = "X-Linkrisk-Signature"

Sender = Callable[[str, bytes, dict[str, str]], int]  # url, body, headers → HTTP status


@dataclass(frozen=True, slots=True)
class Webhook:
    webhook_id: str
    org: str
    url: str
    created: str
    secret: str | None = None  # only when just created

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "webhook_id": self.webhook_id,
            "org": self.org,
            "url": self.url,
            "created": self.created,
        }
        if self.secret is not None:
            out["secret"] = self.secret
        return out


def signature(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def verify(
    secret: str, body: bytes, header: str, *, now: float | None = None, tolerance: float = 300
) -> bool:
    """A receiver's check: the signature matches and is at most ``tolerance`` seconds old."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        at = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, body, at), header)


def add_webhook(store: EmbeddedStore, org: str, url: str, created_by: str | None) -> Webhook:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise InputError("a webhook URL is http:// or https:// with a host", field="url")
    hook = Webhook(
        f"wh_{secrets.token_hex(6)}", org, url.strip(), now_iso(), secrets.token_urlsafe(32)
    )
    store.execute(
        "INSERT INTO webhooks (webhook_id, org, url, secret, created, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (hook.webhook_id, org, hook.url, hook.secret, hook.created, created_by),
    )
    return hook


def list_webhooks(store: EmbeddedStore, org: str) -> list[Webhook]:
    rows = store.execute(
        "SELECT webhook_id, org, url, created FROM webhooks WHERE org = ? AND removed IS NULL"
        " ORDER BY created",
        (org,),
    )
    return [Webhook(*map(str, r)) for r in rows]


def remove_webhook(store: EmbeddedStore, org: str, webhook_id: str) -> None:
    rows = store.execute(
        "UPDATE webhooks SET removed = ? WHERE org = ? AND webhook_id = ? AND removed IS NULL"
        " RETURNING webhook_id",
        (now_iso(), org, webhook_id),
    )
    if not rows:
        raise NotFound(f"organisation {org} has no webhook {webhook_id[:40]}")


def queue_deliveries(store: EmbeddedStore, alert_ids: Sequence[int]) -> int:
    """One pending delivery per new alert and webhook of the alert's organisation."""
    if not alert_ids:
        return 0
    with store.transaction() as conn:
        before = conn.total_changes
        for start in range(0, len(alert_ids), 500):
            chunk = list(alert_ids[start : start + 500])
            marks = ", ".join("?" for _ in chunk)
            conn.execute(
                "INSERT OR IGNORE INTO webhook_deliveries (webhook_id, alert_id, next_try)"
                " SELECT w.webhook_id, a.alert_id, ? FROM alerts a JOIN webhooks w"
                f" ON w.org = a.org AND w.removed IS NULL WHERE a.alert_id IN ({marks})",
                (now_iso(), *chunk),
            )
        return int(conn.total_changes - before)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver_due(
    store: EmbeddedStore, *, now: datetime | None = None, send: Sender = _post, limit: int = 1000
) -> dict[str, int]:
    """Send the deliveries that are due; returns how many were delivered, retried, given up."""
    moment = now or datetime.now(UTC)
    stamp = moment.isoformat(timespec="seconds")
    rows = store.execute(
        "SELECT d.webhook_id, d.alert_id, d.attempts, w.url, w.secret FROM webhook_deliveries d"
        " JOIN webhooks w USING (webhook_id) WHERE d.status = 'pending' AND d.next_try <= ?"
        " AND w.removed IS NULL ORDER BY d.next_try LIMIT ?",
        (stamp, limit),
    )
    outcome = {"delivered": 0, "retry": 0, "failed": 0}
    for webhook_id, alert_id, attempts, url, secret in rows:
        alert = store.execute(f"SELECT {ALERT_COLUMNS} FROM alerts WHERE alert_id = ?", (alert_id,))
        body = json.dumps({"alert": alert_row(alert[0]).to_dict()}, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            HEADER: signature(secret, body, int(moment.timestamp())),
        }
        try:
            status, error = send(url, body, headers), None
        except (OSError, ValueError) as exc:  # refused, timed out, unresolvable
            status, error = 0, f"{type(exc).__name__}: {exc}"[:300]
        tries = int(attempts) + 1
        if 200 <= status < 300:
            outcome["delivered"] += 1
            store.execute(
                "UPDATE webhook_deliveries SET attempts = ?, status = 'delivered', delivered = ?,"
                " last_error = NULL WHERE webhook_id = ? AND alert_id = ?",
                (tries, stamp, webhook_id, alert_id),
            )
            continue
        final = tries >= MAX_ATTEMPTS
        outcome["failed" if final else "retry"] += 1
        later = moment + timedelta(seconds=FIRST_RETRY * 2 ** (tries - 1))
        store.execute(
            "UPDATE webhook_deliveries SET attempts = ?, status = ?, last_error = ?, next_try = ?"
            " WHERE webhook_id = ? AND alert_id = ?",
            (
                tries,
                "failed" if final else "pending",
                error or f"HTTP {status}",
                later.isoformat(timespec="seconds"),
                webhook_id,
                alert_id,
            ),
        )
    return outcome
