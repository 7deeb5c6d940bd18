"""Property-based conformance: schemathesis generates requests from the OpenAPI document and
checks every answer (no 5xx, documented status codes, content types and bodies).

Each operation is called with a key of a role it admits, so that its own logic is reached
(admin where the operation admits admin); examples per operation are bounded. The operations
are listed from ``openapi_document()`` at collection time and the cases are drawn with
``APIOperation.as_strategy`` (schemathesis' lazy pytest fixture loader does not run under
pytest 9).

"Schema-valid data is accepted" is not checked: JSON Schema cannot say what the API does
validate beyond it — USCC and ID-number check characters, a consent ending before it starts,
the sampling package's rules for plans and inspection results. Those answers are 422 problems,
and every other check (no 5xx, status codes, content types, headers, bodies, negative data
rejected) runs.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from linkrisk.api.app import openapi_document
from tests.api.city import City
from tests.api.conftest import AppFactory, Keys, make_keys

MAX_EXAMPLES = 6
OPERATIONS = [
    (method.upper(), path, op.get("x-roles") or [])
    for path, ops in openapi_document()["paths"].items()
    for method, op in ops.items()
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "roles"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_operation_conforms_to_the_schema(
    make_client: AppFactory, city: City, method: str, path: str, roles: list[str]
) -> None:
    client: TestClient = make_client(rate_limit_per_minute=1_000_000)
    keys: Keys = make_keys(client, city)
    role = "admin" if "admin" in roles or not roles else roles[0]
    headers = {"X-API-Key": getattr(keys, role)}
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()
