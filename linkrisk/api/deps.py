"""Dependencies as ``Annotated`` aliases, so that a route's signature says who may call it and
what it works with: ``def score(uscc: str, key: Lender, state: AppState, store: Store)``.

Every role alias carries the roles it admits (``allow(...).roles``); ``create_app`` refuses to
start if a ``/v1`` route lacks one and publishes them in the OpenAPI document as ``x-roles``.
Cheap dependencies are ``async`` so that they run on the event loop, not in the thread pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from linkrisk.api.auth import ApiKey, Role, presented_secret
from linkrisk.api.middleware import RequestContext, context_of
from linkrisk.api.services import Services
from linkrisk.api.state import ServingState
from linkrisk.config import Settings
from linkrisk.errors import Forbidden
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore

#: OpenAPI security schemes (the role dependencies read these headers)
SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "an lr_… key"},
    "Bearer": {"type": "http", "scheme": "bearer", "description": "the same key as a bearer token"},
}


async def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    """The settings ``create_app`` was given (override in tests like any dependency)."""
    return (await get_services(request)).settings


async def get_context(request: Request) -> RequestContext:
    return context_of(request.scope)


async def get_state(request: Request) -> ServingState:
    return (await get_services(request)).holder.current()


async def get_store(request: Request) -> EmbeddedStore:
    return (await get_services(request)).store


async def get_graph(request: Request) -> GraphStore:
    return (await get_services(request)).graph


def authenticate(request: Request) -> ApiKey:
    """The caller's key, recorded for the audit (whatever it turns out to be) and rate-limited
    (``Unauthenticated`` if missing, unknown or revoked)."""
    services: Services = request.app.state.services
    ctx = context_of(request.scope)
    ctx.identity = services.keys.identify(presented_secret(request.scope["headers"]))
    key = ctx.identity.require()
    ctx.key = key
    services.limiter.take(key.key_id)
    return key


class RoleCheck:
    """A dependency admitting keys of the given roles (``Forbidden`` for the others).

    It reads the headers itself rather than through ``Security`` sub-dependencies: one
    dependency instead of four on every request (``create_app`` documents the two security
    schemes in the OpenAPI document).
    """

    def __init__(self, *roles: Role) -> None:
        self.roles = roles
        self.__name__ = "allow_" + "_".join(r.value for r in roles)

    async def __call__(self, request: Request) -> ApiKey:
        key = authenticate(request)
        if key.role not in self.roles:
            allowed = " or ".join(r.value for r in self.roles)
            raise Forbidden(
                f"this endpoint is for {allowed} keys; key {key.key_id} is a {key.role.value} key",
                role=key.role.value,
                allowed=[r.value for r in self.roles],
            )
        return key


def allow(*roles: Role) -> RoleCheck:
    return RoleCheck(*roles)


@dataclass(frozen=True, slots=True)
class Call:
    """What a hot route works with, from one dependency: the caller's key, the services, the
    serving state and the request's audit context."""

    key: ApiKey
    services: Services
    state: ServingState
    ctx: RequestContext


class CallCheck(RoleCheck):
    """``RoleCheck`` that also hands over the ``Call`` (one dependency instead of four on the
    lender's score route, which is measured by bench/api.py)."""

    async def __call__(self, request: Request) -> Call:  # type: ignore[override]
        key = await super().__call__(request)
        services: Services = request.app.state.services
        return Call(key, services, services.holder.current(), context_of(request.scope))


AnyRole = Annotated[ApiKey, Depends(allow(*Role))]
Lender = Annotated[ApiKey, Depends(allow(Role.LENDER))]
LenderCall = Annotated[Call, Depends(CallCheck(Role.LENDER))]
Investigator = Annotated[ApiKey, Depends(allow(Role.INVESTIGATOR))]
Regulator = Annotated[ApiKey, Depends(allow(Role.REGULATOR))]
Admin = Annotated[ApiKey, Depends(allow(Role.ADMIN))]
ConsentKeeper = Annotated[ApiKey, Depends(allow(Role.ADMIN, Role.LENDER))]  # a lender: its own
Checker = Annotated[ApiKey, Depends(allow(Role.REGULATOR, Role.INVESTIGATOR))]  # 信用核查
#: check jobs' results: the roles that may create a job (narrowed per job) and admins
JobReader = Annotated[ApiKey, Depends(allow(Role.REGULATOR, Role.INVESTIGATOR, Role.ADMIN))]

Window = Annotated[ApiKey, Depends(allow(Role.WINDOW))]  # 信易+ window: checks and feedback
MeasureReader = Annotated[ApiKey, Depends(allow(Role.WINDOW, Role.REGULATOR, Role.ADMIN))]

AppServices = Annotated[Services, Depends(get_services)]
AppSettings = Annotated[Settings, Depends(get_settings)]
AppState = Annotated[ServingState, Depends(get_state)]
Context = Annotated[RequestContext, Depends(get_context)]
Store = Annotated[EmbeddedStore, Depends(get_store)]
Graph = Annotated[GraphStore, Depends(get_graph)]
