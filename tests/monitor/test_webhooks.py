"""Webhooks: signed deliveries to a local receiver, retried with backoff after failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from linkrisk.errors import InputError
from linkrisk.monitor.changes import snapshot_changes
from linkrisk.monitor.evaluate import evaluate
from linkrisk.monitor.watches import add_watch
from linkrisk.monitor.webhooks import (
    HEADER,
    MAX_ATTEMPTS,
    add_webhook,
    deliver_due,
    list_webhooks,
    queue_deliveries,
    remove_webhook,
    verify,
)
from tests.monitor.conftest import A, World


class Receiver(BaseHTTPRequestHandler):
    failures_left = 0
    received: ClassVar[list[tuple[bytes, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.failures_left > 0:
            Receiver.failures_left -= 1
            self.send_response(503)
        else:
            Receiver.received.append((body, self.headers[HEADER]))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Receiver)  # a free port from the OS
    Receiver.received, Receiver.failures_left = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def _alerts(world: World) -> list[int]:
    add_watch(world.store, "bank1", A, depth=0, kinds=["ownership"])
    run = evaluate(
        world.store, world.old.version, world.new, snapshot_changes(world.old, world.new), "graph"
    )
    assert run.alerts == 1
    return run.alert_ids


def test_a_signed_delivery_retried_with_backoff(world: World, receiver: str) -> None:
    hook = add_webhook(world.store, "bank1", receiver, "admin")
    add_webhook(world.store, "other-org", receiver, "admin")  # not told of bank1's alerts
    assert queue_deliveries(world.store, _alerts(world)) == 1
    Receiver.failures_left = 2
    start = datetime.now(UTC)
    assert deliver_due(world.store, now=start) == {"delivered": 0, "retry": 1, "failed": 0}
    # not due again before the backoff has passed
    assert deliver_due(world.store, now=start + timedelta(seconds=10))["retry"] == 0
    assert deliver_due(world.store, now=start + timedelta(seconds=31))["retry"] == 1
    assert deliver_due(world.store, now=start + timedelta(seconds=60))["retry"] == 0  # 60 s wait
    last = start + timedelta(seconds=92)
    assert deliver_due(world.store, now=last)["delivered"] == 1
    ((body, header),) = Receiver.received
    assert verify(hook.secret or "", body, header, now=last.timestamp())
    assert not verify("another secret", body, header, now=last.timestamp())
    assert not verify(hook.secret or "", body + b" ", header, now=last.timestamp())
    assert not verify(hook.secret or "", body, header, now=last.timestamp() + 3600)  # replayed
    alert = json.loads(body)["alert"]
    assert alert["org"] == "bank1" and alert["change"]["kind"] == "ownership"
    assert deliver_due(world.store, now=last + timedelta(days=1)) == {
        "delivered": 0,
        "retry": 0,
        "failed": 0,
    }


def test_a_dead_receiver_is_given_up_after_the_last_attempt(world: World) -> None:
    add_webhook(world.store, "bank1", "http://127.0.0.1:9/unreachable", "admin")  # discard port
    queue_deliveries(world.store, _alerts(world))
    moment = datetime.now(UTC)
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        outcomes.append(deliver_due(world.store, now=moment))
        moment += timedelta(days=1)
    assert [o["retry"] for o in outcomes] == [1] * (MAX_ATTEMPTS - 1) + [0]
    assert outcomes[-1]["failed"] == 1
    (error,) = world.store.execute("SELECT last_error FROM webhook_deliveries")[0:1]
    assert "Error" in error[0]


def test_webhook_urls_are_checked_and_removed_per_organisation(world: World) -> None:
    for bad in ("file:///etc/passwd", "ftp://x/", "http://", "javascript:alert(1)"):
        with pytest.raises(InputError):
            add_webhook(world.store, "bank1", bad, None)
    hook = add_webhook(world.store, "bank1", "https://bank.example/hook", None)
    assert [h.webhook_id for h in list_webhooks(world.store, "bank1")] == [hook.webhook_id]
    assert list_webhooks(world.store, "bank1")[0].secret is None  # shown once only
    with pytest.raises(Exception, match="no webhook"):
        remove_webhook(world.store, "other", hook.webhook_id)
    remove_webhook(world.store, "bank1", hook.webhook_id)
    assert list_webhooks(world.store, "bank1") == []
