"""``create_app(settings)``: the one FastAPI application for lenders, investigators, regulators
and admins.

The settings are injected (``deps.get_settings``); the services (stores, key ring, limiter,
audit log, serving state) are built once per process. Every ``/v1`` route must declare the
roles it admits through a role alias (``Lender``, ``Admin`` …): the app refuses to start
otherwise, and publishes them per operation as ``x-roles`` in the OpenAPI document, where
every error response is documented as ``application/problem+json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from linkrisk import __version__
from linkrisk.api import problems
from linkrisk.api.deps import SECURITY_SCHEMES, RoleCheck
from linkrisk.api.guard import AddressGuard
from linkrisk.api.middleware import AuditMiddleware
from linkrisk.api.routes import (
    admin,
    checks,
    exposure,
    health,
    inspectors,
    investigator,
    lender,
    monitor,
    regulator,
    report,
)
from linkrisk.api.routes import personal as personal_routes  # 商鼎分-style personal score
from linkrisk.api.routes import registry as registry_routes  # issue 19: 工商信息, history
from linkrisk.api.routes import window as window_routes  # 信易+ service windows
from linkrisk.api.schemas import Problem
from linkrisk.api.services import build_services
from linkrisk.api.state import ScoresLoader
from linkrisk.config import Settings, get_settings
from linkrisk.web.routes import router as web_router

DESCRIPTION = """
Risk scores, linked-entity queries, batch credit checks and 双随机 sampling for credit-based
supervision (信用监管). Authenticate with an API key in `X-API-Key` (or `Authorization: Bearer`).
Each operation lists the roles it admits under `x-roles`. Errors are RFC 9457
`application/problem+json`. Every request is written to a hash-chained audit log.
"""

TAGS = [
    {"name": "lenders", "description": "信易贷: consented scores with a stated purpose"},
    {
        "name": "investigators",
        "description": "the graph around a subject; persons masked without `pii`",
    },
    {"name": "checks", "description": "信用核查: batch checks of organisations and persons"},
    {"name": "regulators", "description": "双随机、一公开 sampling plans and inspectors"},
    {
        "name": "admin",
        "description": "keys, consents (授权: a lender key records and lists its own), audit",
    },
    {"name": "health", "description": "liveness, readiness, problem types"},
]


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def route_roles(route: APIRoute) -> list[str]:
    """The roles a route admits, from the role aliases among its dependencies."""
    roles: set[str] = set()
    for dep in _dependants(route.dependant):
        if isinstance(dep.call, RoleCheck):
            roles.update(r.value for r in dep.call.roles)
    return sorted(roles)


def declared_roles(routers: Sequence[APIRouter]) -> dict[tuple[str, str], list[str]]:
    """(path, method) → the roles admitted; ``RuntimeError`` if a /v1 route declares none."""
    declared = {}
    for route in (r for router in routers for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        roles = route_roles(route)
        if route.path.startswith("/v1") and not roles:
            raise RuntimeError(f"route {route.path} does not declare the roles it admits")
        for method in route.methods or ():
            declared[(route.path, method.lower())] = roles
    return declared


def _document(doc: dict[str, Any], roles: dict[tuple[str, str], list[str]]) -> dict[str, Any]:
    """Add each operation's roles (``x-roles``) and the error responses it may give, all as
    problem+json."""
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Problem", Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    doc["components"]["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in doc.get("paths", {}).items():
        for method, op in operations.items():
            if roles.get((path, method)):
                op["x-roles"] = roles[(path, method)]
                op["security"] = [{"ApiKey": []}, {"Bearer": []}]
            needed: set[int] = set()
            params = op.get("parameters", [])
            if op.get("x-roles"):
                needed |= {401, 403, 429}
            if any(p.get("in") == "path" for p in params):
                needed.add(404)
            if params or "requestBody" in op:
                needed.add(422)
            if "requestBody" in op:
                needed.add(413)
            if path.startswith("/v1"):
                needed.add(503)
            responses = op.setdefault("responses", {})
            for code in sorted(needed):
                title = problems.HTTP_PROBLEMS.get(code, ("", "Error"))[1]
                responses.setdefault(str(code), {"description": title})
            for code, response in responses.items():
                if code[0] in "45":
                    response["content"] = problem_ref
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return doc


ROUTERS: tuple[APIRouter, ...] = tuple(
    m.router
    for m in (
        health,
        lender,
        investigator,
        report,
        exposure,
        checks,
        regulator,
        inspectors,
        monitor,  # before admin: the role matrix's lender watch precedes the consent's revocation
        admin,
        registry_routes,
        window_routes,
        personal_routes,
    )
)


def openapi_document(routers: Sequence[APIRouter] = ROUTERS) -> dict[str, Any]:
    """The OpenAPI document of the API (no store or settings needed)."""
    routes = [route for router in routers for route in router.routes]
    doc = get_openapi(
        title="linkrisk", version=__version__, description=DESCRIPTION, routes=routes, tags=TAGS
    )
    return _document(doc, declared_roles(routers))


def create_app(
    settings: Settings | None = None, *, scores_loader: ScoresLoader | None = None
) -> FastAPI:
    """The API over the published snapshot and scores of ``settings`` (default: the environment).

    ``scores_loader`` replaces ``linkrisk.models.scores.load_scores`` (tests, benchmarks).
    """
    settings = settings or get_settings()
    services = build_services(settings, scores_loader)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            services.close()

    app = FastAPI(
        title="linkrisk",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc are served by the web router, from vendored files
        redoc_url=None,
    )
    app.state.services = services
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(web_router)  # the page and its vendored assets, same origin and keys
    # the last added runs first: the audit envelope, then the unauthenticated budget
    app.add_middleware(AddressGuard, limiter=services.address_limiter)
    app.add_middleware(
        AuditMiddleware,
        batcher=services.audit_writer,
        keys=services.keys,
        max_body_bytes=settings.api_max_body_bytes,
    )
    declared_roles(ROUTERS)  # fail fast: every /v1 route declares its roles

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = openapi_document()
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
