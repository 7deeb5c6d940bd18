"""Every error as RFC 9457 ``application/problem+json``, from one handler table.

Domain code raises ``linkrisk.errors.LinkriskError`` subclasses, each carrying its status,
title and type slug; request validation errors, unknown routes and methods, oversized bodies
and crashes are rendered the same way. A problem body has ``type``, ``title``, ``status``,
``detail`` and ``instance``, plus the error's extra fields (e.g. the missing consent's org,
subject and purpose). Validation errors list where and what, never the rejected value (it
may be an ID number); and the whole body goes through the one scrubber (``scrub_data``), so that
an ID number a caller typed into a path, a field name or a subject key is never echoed back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from linkrisk.api.privacy import mask_path
from linkrisk.api.textcheck import printable
from linkrisk.errors import LinkriskError
from linkrisk.loaders.scrub import scrub_data, scrub_text

log = logging.getLogger("linkrisk.api")
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/problems/"  # relative type URIs; GET /problems/{slug} describes each


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON


#: HTTP statuses raised by the framework (routing, body limits) and their slugs and titles
HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Unauthenticated"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal", "Internal error"),
    503: ("not-ready", "Not ready"),
}


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """A problem response; ``detail`` and ``instance`` have ID-number-like runs masked (an ID
    number typed by a caller is never echoed back) and lone surrogates escaped."""
    body = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": mask_path(printable(detail)),
        "instance": mask_path(printable(instance)),
        **jsonable_encoder(
            {
                k: v
                for k, v in extra.items()
                if k not in {"type", "title", "status", "detail", "instance"}
            }
        ),
    }
    # an ID number typed by a caller is never echoed back, wherever the body repeats it
    return ProblemResponse(scrub_data(body), status_code=status, headers=headers)


def problem(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    return problem_response(status, slug, title, detail, request.url.path, headers=headers, **extra)


async def linkrisk_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LinkriskError)
    headers = {}
    retry = exc.extra.get("retry_after", exc.retry_after)
    if retry is not None:
        headers["Retry-After"] = str(int(retry))
    if exc.status >= 500:
        log.warning("%s: %s", exc.type_slug, scrub_text(exc.detail))
    return problem(request, exc.status, exc.type_slug, exc.title, exc.detail, headers, **exc.extra)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    return problem(
        request,
        422,
        "invalid-input",
        "Invalid input",
        f"the request is not valid: {where}",
        errors=errors,
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = HTTP_PROBLEMS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {mask_path(request.url.path)}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed here"
    return problem(request, exc.status_code, slug, title, detail, dict(exc.headers or {}))


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error(
        "unhandled %s on %s %s", type(exc).__name__, request.method, request.scope.get("route")
    )
    return problem(
        request,
        500,
        "internal",
        "Internal error",
        "the server failed to answer; the error was logged",
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]
HANDLERS: dict[type[Exception], Handler] = {
    LinkriskError: linkrisk_error,
    RequestValidationError: validation_error,
    StarletteHTTPException: http_error,
    Exception: internal_error,
}


def install(app: FastAPI) -> None:
    for exc_type, handler in HANDLERS.items():
        app.add_exception_handler(exc_type, handler)


def problem_types() -> dict[str, dict[str, Any]]:
    """Every problem type the API may answer with (slug → title and status), for documentation."""
    types: dict[str, dict[str, Any]] = {}
    stack: list[type[LinkriskError]] = [LinkriskError]
    while stack:
        cls = stack.pop()
        types[cls.type_slug] = {
            "title": cls.title,
            "status": cls.status,
            "description": (cls.__doc__ or "").strip(),
        }
        stack.extend(cls.__subclasses__())
    for status, (slug, title) in HTTP_PROBLEMS.items():
        types.setdefault(slug, {"title": title, "status": status, "description": ""})
    return types
