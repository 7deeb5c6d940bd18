"""The request envelope: a per-request context, the body size limit, and the audit write.

``AuditMiddleware`` is plain ASGI (no per-request task or body buffering). It gives every
request a ``RequestContext`` that the auth dependency and the routes fill in (caller, subjects
touched, purpose), and appends the audit record when the response *starts*, before any byte
of it is sent: if the record cannot be written the caller gets a problem and no data (500, or
the typed error's status: 409 when the audit tables were tampered with). Requests
that crash are recorded with status 500 before the error handler answers. A request line,
header or body that is not valid Unicode is answered 422 (``linkrisk.api.textcheck``).

Records are committed in groups (``AuditBatcher``); a group that fails is retried record by
record, so that one request's record can never fail another request or drop its record.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkrisk.api.audit import AuditEntry, AuditLog
from linkrisk.api.auth import ApiKey, Identity, KeyRing, presented_secret
from linkrisk.api.privacy import mask_path, safe_subject_key
from linkrisk.api.problems import problem_response
from linkrisk.api.textcheck import BodyCheck, scope_problem
from linkrisk.errors import LinkriskError

log = logging.getLogger("linkrisk.api")
CONTEXT_KEY = "linkrisk"  # key of the RequestContext in the ASGI scope's "state"
UNAUDITED = frozenset({"/healthz", "/readyz", "/"})  # probes and the page shell: no data
UNAUDITED_PREFIXES = ("/static/",)  # the page's scripts and styles: no caller, no data


@dataclass(slots=True)
class RequestContext:
    key: ApiKey | None = None  # the authenticated (active) key
    identity: Identity | None = None  # what the presented key turned out to be, once looked at
    subjects: list[str] = field(default_factory=list)
    purpose: str | None = None

    def touch(self, *sids: str) -> None:
        """Record subject keys this request reads (ID-number-like input is masked)."""
        self.subjects.extend(safe_subject_key(s) for s in sids)


def unaudited(path: str) -> bool:
    """Probes and the page's static files: no caller, no data, no record."""
    return path in UNAUDITED or path.startswith(UNAUDITED_PREFIXES)


def context_of(scope: Scope) -> RequestContext:
    state = scope.setdefault("state", {})
    ctx = state.get(CONTEXT_KEY)
    if ctx is None:
        ctx = state[CONTEXT_KEY] = RequestContext()
    return ctx  # type: ignore[no-any-return]


def endpoint_of(scope: Scope) -> str:
    """The route template (``/v1/scores/{uscc}``) or, for unknown routes, the masked path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else mask_path(str(scope.get("path", "")))


class AuditBatcher:
    """Group commit on a writer thread: requests hand their records over and wait for the
    commit; the thread appends whatever has queued up in one transaction.

    While the thread commits one batch (SQLite releases the GIL for the I/O), the event loop
    goes on serving and the next batch fills up, so under load a commit is shared by many
    requests; alone, a request waits for one small transaction. Between batches the thread
    writes the checkpoint that records have waited long enough for (``AuditLog.anchor_if_due``).
    """

    def __init__(self, audit: AuditLog) -> None:
        self._audit = audit
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    async def write(self, entry: AuditEntry) -> None:
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="linkrisk-audit", daemon=True
                    )
                    self._thread.start()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.put((entry, loop, done))
        await done

    def _run(self) -> None:
        tick = min(self._audit.config.seconds, 60.0)  # how often a due checkpoint is looked for
        while True:
            try:
                first = self._queue.get(timeout=tick)
            except queue.Empty:
                self._audit.anchor_if_due()
                continue
            if first is None:
                return
            batch, stop = [first], False
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            for items, error in self._commit(batch):
                by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
                for _, loop, done in items:
                    by_loop.setdefault(loop, []).append(done)
                for loop, futures in by_loop.items():
                    loop.call_soon_threadsafe(_settle, futures, error)
            self._audit.anchor_if_due()
            if stop:
                return

    def _commit(self, batch: list[_Item]) -> list[tuple[list[_Item], BaseException | None]]:
        """Append a group in one transaction; if that fails, each record alone (the group
        shares a commit, never a failure)."""
        try:
            self._audit.append_many([entry for entry, _, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                return [(batch, exc)]
        else:
            return [(batch, None)]
        outcomes: list[tuple[list[_Item], BaseException | None]] = []
        for item in batch:
            try:
                self._audit.append_many([item[0]])
            except Exception as exc:
                outcomes.append(([item], exc))
            else:
                outcomes.append(([item], None))
        return outcomes

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None


_Item = tuple[AuditEntry, asyncio.AbstractEventLoop, "asyncio.Future[None]"]


def _settle(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for done in futures:
        if done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)


class AuditMiddleware:
    def __init__(
        self, app: ASGIApp, *, batcher: AuditBatcher, keys: KeyRing, max_body_bytes: int
    ) -> None:
        self.app = app
        self.batcher = batcher
        self.keys = keys
        self._max_body = max_body_bytes

    def identify(self, scope: Scope) -> Identity:
        """Who the request claims to be, for its record: the route's authentication, or (for a
        request no route authenticated: 404, 405, 413, 422 …) the key it presents."""
        ctx = context_of(scope)
        if ctx.identity is None:
            ctx.identity = self.keys.identify(presented_secret(scope.get("headers", ())))
        return ctx.identity

    async def _record(self, scope: Scope, status: int) -> None:
        ctx = context_of(scope)
        identity = self.identify(scope)
        key = identity.key
        await self.batcher.write(
            AuditEntry(
                method=str(scope.get("method", "")),
                endpoint=endpoint_of(scope),
                status=status,
                key_id=key.key_id if key else identity.key_id,
                org=key.org if key else None,
                role=key.role.value if key else None,
                subjects=tuple(dict.fromkeys(ctx.subjects)),
                purpose=ctx.purpose,
                auth=identity.state.value,
            )
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        context_of(scope)
        path = scope.get("path", "")
        audited = unaudited(path)

        refused = False  # the audit record failed with a typed error: its problem is the answer

        async def send_audited(message: Message) -> None:
            nonlocal audited, refused
            if refused:
                return
            if message["type"] == "http.response.start" and not audited:
                audited = True
                try:
                    await self._record(scope, int(message["status"]))
                except LinkriskError as exc:  # e.g. the audit tables were dropped: 409, no data
                    refused = True
                    log.error("audit record not written: %s", exc.detail)
                    await problem_response(
                        exc.status, exc.type_slug, exc.title, exc.detail, path, **exc.extra
                    )(scope, receive, send)
                    return
            await send(message)

        try:
            invalid = scope_problem(scope)
            if invalid is not None:
                response = problem_response(422, "invalid-input", "Invalid input", invalid, path)
                await response(scope, receive, send_audited)
                return
            await self.app(scope, self._limited(scope, receive), send_audited)
        except BaseException:
            if not audited:
                audited = True
                await self._record(scope, 500)
            raise

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        """``receive`` that refuses bodies over the limit (by Content-Length, then by counting)
        and bodies that are not valid Unicode (422)."""
        limit = self._max_body
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                return _refuse(limit)
        seen = 0
        check = BodyCheck()

        async def receive_checked() -> Message:
            nonlocal seen
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.request":
                body = message.get("body", b"")
                seen += len(body)
                if seen > limit:
                    raise HTTPException(413, f"the request body exceeds {limit:,} bytes")
                problem = check.feed(body, final=not message.get("more_body", False))
                if problem is not None:
                    raise HTTPException(422, problem)
            return message

        return receive_checked


def _refuse(limit: int) -> Receive:
    async def receive() -> Message:
        raise HTTPException(413, f"the request body exceeds {limit:,} bytes")

    return receive
