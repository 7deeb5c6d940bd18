"""A budget per client address for requests without a valid API key, enforced before any key
is looked up.

A request that does not authenticate — no key, a malformed, unknown or revoked one, a wrong
secret — costs its client address one token of ``rate_limit_unauthenticated_per_minute``. While
an address has no token left, every request from it is refused with a 429 problem (and
``Retry-After``) before its key is looked at or its body read, whatever key it then presents: keys
cannot be guessed, nor the key table and the audit log driven, faster than the budget allows.
Requests with a valid key cost nothing here (each key has its own budget, ``deps.authenticate``).

The address is the ASGI client's. Behind a reverse proxy, that is the proxy's unless uvicorn
trusts its ``X-Forwarded-For`` (``--forwarded-allow-ips``; 127.0.0.1 by default).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from linkrisk.api.auth import AuthState, Identity
from linkrisk.api.middleware import context_of, unaudited
from linkrisk.api.problems import problem_response
from linkrisk.api.ratelimit import TokenBucketLimiter
from linkrisk.errors import RateLimited


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "-"


class AddressGuard:
    """Plain ASGI, inside ``AuditMiddleware``: its refusals are audited (``auth`` unchecked)."""

    def __init__(self, app: ASGIApp, *, limiter: TokenBucketLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or unaudited(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        try:
            self.limiter.check(address)
        except RateLimited as exc:
            context_of(scope).identity = Identity(AuthState.UNCHECKED)
            retry = str(exc.extra["retry_after"])
            response = problem_response(
                exc.status,
                exc.type_slug,
                exc.title,
                exc.detail,
                str(scope.get("path", "")),
                headers={"Retry-After": retry},
                **exc.extra,
            )
            await response(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            identity = context_of(scope).identity  # set by the route or by the audit record
            if identity is None or identity.state is not AuthState.VALID:
                self.limiter.spend(address)
