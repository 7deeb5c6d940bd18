"""Property-based conformance and fuzzing of every operation in the OpenAPI document.

For each operation, with a key of a role it admits (admin where it admits admin), so that its
own logic is reached:

- schemathesis generates schema-valid and schema-invalid requests and checks every answer:
  no 5xx, documented status codes, content types, headers and bodies, and — where JSON Schema
  can say what the API accepts — valid data accepted. "Invalid data rejected" is not checked:
  JSON Schema calls a repeated query parameter invalid where Starlette takes the last one, and a
  malformed ``Authorization`` header invalid where ``X-API-Key`` already authenticates;
- hostile values replace one string of a schema-valid request (a path parameter, a query
  parameter, a body field, or an extra query parameter): lone surrogates (sent as a lax client
  sends them: percent-encoded CESU bytes in a URL, ``\\ud800`` escapes in JSON), NUL, bidi
  controls, very long values; every answer is below 500 and errors are problem+json;

and after all of it the audit log still verifies. One app serves the whole module (its state
grows as requests are made; any state must answer without a 5xx).

The operations are listed from ``openapi_document()`` at collection time and the cases are
drawn with ``APIOperation.as_strategy`` (schemathesis' lazy pytest fixture loader does not run
under pytest 9).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from linkrisk.api.app import create_app, openapi_document
from linkrisk.api.audit_chain import AuditConfig
from linkrisk.api.audit_verify import verify_audit
from linkrisk.config import Settings
from tests.api.city import write_city
from tests.api.conftest import Keys, make_keys

POSITIVE_EXAMPLES = 12
NEGATIVE_EXAMPLES = 6
HOSTILE_EXAMPLES = 12
URL_VALUE_LIMIT = 8_000  # characters of a hostile value in a path or a query
OPERATIONS = [
    (method.upper(), path, op.get("x-roles") or [])
    for path, ops in openapi_document()["paths"].items()
    for method, op in ops.items()
]
#: Operations with something to get wrong (parameters or a body): negative data is generated
INVALIDABLE = {
    (method.upper(), path)
    for path, ops in openapi_document()["paths"].items()
    for method, op in ops.items()
    if op.get("parameters") or "requestBody" in op
}
IDS = [f"{m} {p}" for m, p, _ in OPERATIONS]

#: Operations whose answer to schema-valid data depends on rules JSON Schema cannot state, so
#: that "valid data is accepted" is not checked for them (their refusals are 422 problems, and
#: every other check runs).
BEYOND_THE_SCHEMA = {
    ("GET", "/v1/scores/{uscc}"): "the USCC's GB 32100 check character",
    ("GET", "/v1/paths"): "two different subjects",
    ("GET", "/v1/subjects/{sid}/history/diff"): "the first date is on or after a snapshot's",
    ("GET", "/v1/persons/{sid}"): "the subject is a person",
    ("POST", "/v1/subjects/{sid}/beneficial-owners/verification"): (
        "each filed owner has a person key or an ID number whose check digit is right"
    ),
    ("POST", "/v1/connections"): "two different subjects at least",
    ("POST", "/v1/checks"): "USCC and ID-number check characters",
    ("POST", "/v1/plans"): "the sampling package's rules for a plan",
    ("POST", "/v1/plans/{plan_id}/draw"): "a revealed seed matches the plan's sealed commitment",
    ("POST", "/v1/plans/{plan_id}/results"): "inspection results of the drawn subjects",
    ("POST", "/v1/consents"): "the USCC, a period that ends after it starts, a signed date",
    ("POST", "/v1/inspectors"): "the ID number's check digit, the id's characters, a region code",
    # 信易+ windows, the measures' effect and the personal score (routes/window.py, personal.py)
    ("GET", "/v1/measures"): "a scenario of the deployment's catalogue",
    ("GET", "/v1/measures/effect"): "a period that ends after it starts",
    ("POST", "/v1/window/checks"): "USCC and ID-number check characters, a catalogue scenario",
    ("POST", "/v1/window/feedback"): "a measure that applied in the window's own check",
    ("POST", "/v1/window/batches"): "scenarios of the deployment's catalogue",
    ("POST", "/v1/personal-scores"): "USCC and ID-number check characters",
    ("POST", "/v1/personal-consents"): "the ID number's check digit, a period, a signed date",
    ("POST", "/v1/watches"): "the subject key's check character and the kinds of change",
    ("POST", "/v1/webhooks"): "an http(s) URL with a host",
    ("POST", "/v1/alerts/ack"): "ids of alerts the key's organisation has",
}

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "\ud800",  # a lone high surrogate
            "\udfff",  # a lone low surrogate
            "x\ud83d",  # the first half of an emoji's pair
            "\x00",
            "a\x00b",
            "\u202e\u2066evil",  # bidi controls
            "\ufeff",
            "%00",
            "%ED%A0%80",
            "../../../etc/passwd",
            "'; DROP TABLE audit; --",
            '=HYPERLINK("http://127.0.0.1/")',
            "🙂" * 2_000,
            "x" * 100_000,
            "9" * 20_000,
        ]
    ),
    st.text(max_size=20).map(lambda t: f"{t}\ud800{t}"),
    st.text(st.characters(codec="utf-8"), max_size=50),
)


def without_lifespan(app: Any) -> Any:
    """The app for schemathesis, whose pytest plugin ends the lifespans it started at the end of
    each test (closing the app's services): the module's client owns the app's lifespan."""

    async def call(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return call


Served = tuple[TestClient, Keys, Any]  # the client, one key per role, the loaded schema


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One app over the tiny city for the whole module, limits out of the way."""
    data = tmp_path_factory.mktemp("fuzz") / "data"
    app_settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        env="test",
        data_dir=data,
        id_hash_key="test-key",
        audit_key="test-audit-key",
        rate_limit_per_minute=1_000_000,
        rate_limit_unauthenticated_per_minute=1_000_000,
    )
    city = write_city(app_settings)
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as client:
        schema = schemathesis.openapi.from_asgi("/openapi.json", without_lifespan(client.app))
        yield client, make_keys(client, city), schema


def headers_for(keys: Keys, roles: list[str]) -> dict[str, str]:
    role = "admin" if "admin" in roles or not roles else roles[0]
    return {"X-API-Key": getattr(keys, role)}


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "roles"), OPERATIONS, ids=IDS)
def test_operation_conforms_to_the_schema(
    served: Served, method: str, path: str, roles: list[str]
) -> None:
    _, keys, schema = served
    headers = headers_for(keys, roles)
    operation = schema[path][method]
    excluded = [negative_data_rejection]
    if (method, path) in BEYOND_THE_SCHEMA:
        excluded.append(positive_data_acceptance)
    modes = [(GenerationMode.POSITIVE, POSITIVE_EXAMPLES)]
    if (method, path) in INVALIDABLE:
        modes.append((GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES))

    for mode, examples in modes:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Case) -> None:
            case.call_and_validate(headers=headers, excluded_checks=excluded)

        try:
            check()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise  # e.g. a free-text path parameter: no request can break its schema


def _slots(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to the strings inside a JSON-like value."""
    if isinstance(value, str):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _slots(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _slots(item, (*where, index))


def _put(value: Any, where: tuple[Any, ...], new: str) -> Any:
    if not where:
        return new
    head, rest = where[0], where[1:]
    if isinstance(value, dict):
        return {**value, head: _put(value[head], rest, new)}
    return [_put(item, rest, new) if i == head else item for i, item in enumerate(value)]


def _quoted(value: Any) -> str:
    """A value as a lax client puts it in a URL: UTF-8, lone surrogates as their CESU bytes."""
    text = json.dumps(value) if isinstance(value, bool) else str(value)
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def send(client: TestClient, case: Case, headers: dict[str, str]) -> Any:
    """The case's request, with lone surrogates sent rather than refused by the client."""
    url = case.path.format(**{k: _quoted(v) for k, v in (case.path_parameters or {}).items()})
    pairs = [
        (name, item)
        for name, value in (case.query or {}).items()
        for item in (value if isinstance(value, list) else [value])
    ]
    if pairs:
        url += "?" + "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs)
    content = None
    sent = dict(headers)
    if not isinstance(case.body, NotSet) and case.body is not None:
        content = json.dumps(case.body).encode()  # \ud800 escapes: the attack's JSON text
        sent["Content-Type"] = "application/json"
    return client.request(case.method, url, content=content, headers=sent)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path", "roles"), OPERATIONS, ids=IDS)
def test_hostile_values_are_refused_without_a_server_error(
    served: Served, method: str, path: str, roles: list[str]
) -> None:
    client, keys, schema = served
    headers = headers_for(keys, roles)
    operation = schema[path][method]

    @given(case=operation.as_strategy(), value=HOSTILE, data=st.data())
    @settings(max_examples=HOSTILE_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Case, value: str, data: st.DataObject) -> None:
        places: list[tuple[str, tuple[Any, ...]]] = [
            *(("path", (k,)) for k in case.path_parameters or {}),
            *(("query", (k,)) for k in case.query or {}),
        ]
        if not isinstance(case.body, NotSet):
            places += [("body", where) for where in _slots(case.body)]
        place = data.draw(st.sampled_from([*places, ("extra", ())]))
        if place[0] != "body":  # servers refuse longer request lines (uvicorn/h11: 16 KiB)
            value = value[:URL_VALUE_LIMIT]
        if place[0] == "path":
            case.path_parameters = {**(case.path_parameters or {}), place[1][0]: value}
        elif place[0] == "query":
            case.query = {**(case.query or {}), place[1][0]: value}
        elif place[0] == "body":
            case.body = _put(case.body, place[1], value)
        else:
            case.query = {**(case.query or {}), "note": value}
        response = send(client, case, headers)
        assert response.status_code < 500, (place, response.text)
        if response.status_code >= 400:
            assert response.headers["content-type"] == "application/problem+json", response.text
            assert response.json()["status"] == response.status_code

    check()


@pytest.mark.slow
def test_the_audit_log_verifies_after_the_fuzzing(served: Served) -> None:
    client = served[0]
    services = client.app.state.services  # type: ignore[attr-defined]
    settings_: Settings = services.settings
    summary = verify_audit(settings_.db_path, AuditConfig.from_settings(settings_))
    assert summary.records > 0 and summary.head_seq == summary.records
    assert Path(settings_.audit_checkpoint_path).exists()
