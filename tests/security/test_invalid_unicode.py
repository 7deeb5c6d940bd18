"""Item 1: invalid Unicode in a request is a 422 problem, and no request can fail another
request or drop another request's audit record (the audit records are committed in groups)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.api.audit import AuditEntry, AuditLog
from linkrisk.api.audit_chain import AuditConfig
from linkrisk.api.audit_verify import verify_audit
from linkrisk.api.textcheck import BodyCheck, printable
from linkrisk.graph.open import open_embedded
from tests.api.city import City
from tests.api.conftest import Keys, services_of
from tests.security.conftest import run_cli

LONE_HIGH = b'{"sids": ["\\ud800", "%s"]}'  # JSON text: an escaped high surrogate, alone
JSON = {"Content-Type": "application/json"}


def audit_rows(client: TestClient) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(services_of(client).settings.db_path)
    rows = conn.execute(
        "SELECT key_id, method, endpoint, status FROM audit ORDER BY seq"
    ).fetchall()
    conn.close()
    return rows


def assert_invalid_unicode(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/invalid-input"
    assert "Unicode" in response.json()["detail"]


def test_a_lone_surrogate_in_a_body_is_a_422(client: TestClient, keys: Keys, city: City) -> None:
    for body in (
        LONE_HIGH % city.a.encode(),
        b'{"sids": ["\\udc00", "%s"]}' % city.a.encode(),  # a low surrogate alone
        b'{"sids": ["\\ud800\\u0041", "%s"]}' % city.a.encode(),  # high, then not a low
        b'{"sids": ["\xed\xa0\x80", "%s"]}' % city.a.encode(),  # a surrogate as raw bytes
        b'{"sids": ["\xff", "%s"]}' % city.a.encode(),  # not UTF-8 at all
    ):
        response = client.post(
            "/v1/connections", content=body, headers={**JSON, **keys.headers("investigator")}
        )
        assert_invalid_unicode(response)
    statuses = []
    for fine in (  # an escaped backslash before "ud800" is text; a pair is one character
        b'{"sids": ["\\\\ud800", "%s"]}' % city.a.encode(),
        b'{"sids": ["\\ud83d\\ude00", "%s"]}' % city.a.encode(),
    ):
        response = client.post(
            "/v1/connections", content=fine, headers={**JSON, **keys.headers("investigator")}
        )
        assert response.status_code in {200, 404}, response.text
        statuses.append(response.status_code)
    assert [r[3] for r in audit_rows(client)] == [422] * 5 + statuses


def test_invalid_unicode_in_path_query_and_headers_is_a_422(
    client: TestClient, keys: Keys, city: City
) -> None:
    headers = keys.headers("investigator")
    assert_invalid_unicode(client.get("/v1/subjects/%ED%A0%80", headers=headers))
    assert_invalid_unicode(client.get("/v1/search?q=%ED%A0%80", headers=headers))
    assert_invalid_unicode(client.get("/v1/search?q=%FF", headers=headers))
    # the test client re-encodes header values, so the raw request is made by hand
    note = (b"x-note", b"\xed\xa0\x80")
    assert call(client, "/v1/search", b"q=x", [*raw_headers(keys), note])[0]["status"] == 422
    assert [r[3] for r in audit_rows(client)] == [422] * 4


def raw_headers(keys: Keys) -> list[tuple[bytes, bytes]]:
    return [(b"x-api-key", keys.investigator.encode())]


def call(
    client: TestClient,
    path: str,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    raw_path: bytes | None = None,
) -> list[dict[str, Any]]:
    """One request straight into the app, as a server hands it over; the messages it sends."""
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": raw_path if raw_path is not None else path.encode(),
            "query_string": query,
            "root_path": "",
            "scheme": "http",
            "server": ("test", 80),
            "client": ("127.0.0.1", 1),
            "http_version": "1.1",
            "headers": headers or [],
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await client.app(scope, receive, send)  # type: ignore[arg-type]

    anyio.run(run)
    return sent


def test_a_path_decoded_with_surrogates_by_the_server_is_a_422_and_audited(
    client: TestClient, keys: Keys
) -> None:
    """A server that decodes paths with ``surrogateescape`` hands the app a lone surrogate."""
    sent = call(
        client,
        "/v1/subjects/\udcff\udcfe",
        headers=raw_headers(keys),
        raw_path=b"/v1/subjects/\xff\xfe",
    )
    assert sent[0]["status"] == 422
    rows = audit_rows(client)
    assert len(rows) == 1 and rows[0][3] == 422 and "\\udcff" in rows[0][2]


def gate_the_audit_writer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> tuple[threading.Event, list[int]]:
    """Hold the first group commit until released, so the requests made meanwhile share the next."""
    audit = services_of(client).audit
    original: Callable[..., Any] = audit.append_many
    release, sizes = threading.Event(), []

    def gated(entries: Any) -> Any:
        sizes.append(len(entries))
        if len(sizes) == 1:
            release.wait(10)
        return original(entries)

    monkeypatch.setattr(audit, "append_many", gated)
    return release, sizes


def queued(client: TestClient) -> int:
    return services_of(client).audit_writer._queue.qsize()


def test_a_lone_surrogate_fails_no_other_request_in_its_group_commit(
    client: TestClient, keys: Keys, city: City, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    release, sizes = gate_the_audit_writer(client, monkeypatch)
    good: list[tuple[str, Callable[[], httpx.Response]]] = [
        ("lender", lambda: client.get("/v1/me", headers=keys.headers("lender"))),
        (
            "lender_b",
            lambda: client.get(
                f"/v1/scores/{city.a}",
                params={"purpose": "credit_application"},
                headers=keys.headers("lender_b"),
            ),
        ),
        (
            "investigator_pii",
            lambda: client.post(
                "/v1/connections",
                json={"sids": [city.a, city.b]},
                headers=keys.headers("investigator_pii"),
            ),
        ),
        ("regulator", lambda: client.get("/v1/plans", headers=keys.headers("regulator"))),
        ("admin", lambda: client.get("/v1/keys", headers=keys.headers("admin"))),
    ]
    bad = LONE_HIGH % city.a.encode()
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(client.get, "/v1/me", headers=keys.headers("admin"))
        deadline = time.monotonic() + 10
        while not sizes and time.monotonic() < deadline:  # the first commit is being held
            time.sleep(0.01)
        futures = [pool.submit(call) for _, call in good]
        attack = pool.submit(
            client.post,
            "/v1/connections",
            content=bad,
            headers={**JSON, **keys.headers("investigator")},
        )
        while queued(client) < len(good) + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        release.set()
        answers = [f.result(timeout=30) for f in futures]
        attacked = attack.result(timeout=30)
        assert first.result(timeout=30).status_code == 200
    assert sizes[1] == len(good) + 1, sizes  # the attack shared its group commit with the others
    assert [a.status_code for a in answers] == [200, 403, 200, 200, 200], [a.text for a in answers]
    assert_invalid_unicode(attacked)
    recorded = {r[0]: r[3] for r in audit_rows(client)}
    for role, _ in good:
        assert recorded[getattr(keys, role)[:11]] in {200, 403}
    assert [r[3] for r in audit_rows(client)].count(422) == 1
    assert len(audit_rows(client)) == len(good) + 2
    code, out = run_cli(capsys, "audit", "verify")
    assert code == 0, out


PIECES = ["a", "é", "\\\\", "\\u", "\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\u0041", "d800"]


@given(st.lists(st.sampled_from(PIECES), max_size=12), st.integers(0, 200))
@settings(max_examples=300, deadline=None)
def test_the_body_check_agrees_with_json_wherever_the_chunks_split(
    pieces: list[str], cut: int
) -> None:
    body = ('{"q": "' + "".join(pieces) + '"}').encode()
    try:
        text = json.loads(body)["q"]
    except json.JSONDecodeError:
        return
    valid = printable(text) == text  # what UTF-8 can encode
    whole = BodyCheck().feed(body, final=True)
    assert (whole is None) == valid, (body, whole)
    check = BodyCheck()
    cut = min(cut, len(body))
    split = check.feed(body[:cut], final=False) or check.feed(body[cut:], final=True)
    assert (split is None) == valid, (body, cut, split)
    check = BodyCheck()
    verdicts = [check.feed(body[i : i + 1], final=i == len(body) - 1) for i in range(len(body))]
    assert all(v is None for v in verdicts) == valid, body


def test_any_entry_can_be_recorded_and_one_cannot_fail_its_group(settings: Any) -> None:
    open_embedded(settings).close()
    config = AuditConfig.from_settings(settings)
    log = AuditLog(settings.db_path, config)
    records = log.append_many(
        [
            AuditEntry("GET", "/v1/me", 200, key_id="lr_a"),
            AuditEntry("POST", "/v1/x\ud800", 500, subjects=("\udcff", "S" * 10_000)),
            AuditEntry("GET", "/v1/me", 200, key_id="lr_b", org=object()),  # type: ignore[arg-type]
            AuditEntry("GET", "/v1/me", "boom", key_id="lr_c"),  # type: ignore[arg-type]
        ]
    )
    log.close()
    assert [r.seq for r in records] == [1, 2, 3, 4]
    assert records[1].endpoint == "/v1/x\\ud800" and records[1].subjects[0] == "\\udcff"
    assert len(records[1].subjects[1]) <= 256
    assert records[3].endpoint.startswith("(audit record failed") and records[3].status == 0
    assert verify_audit(settings.db_path, config).records == 4
