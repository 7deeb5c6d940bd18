"""Typed errors. Each carries the HTTP status the API renders it with (RFC 9457 problem+json).

Domain code raises these; only ``linkrisk.api`` turns them into responses, and the CLI prints
their ``detail`` without a traceback.
"""

from __future__ import annotations

from typing import Any


class LinkriskError(Exception):
    """Base class: ``detail`` is a sentence a user can act on."""

    status: int = 500
    title: str = "Internal error"
    type_slug: str = "internal"
    retry_after: int | None = None  # seconds, sent as Retry-After unless ``extra`` says otherwise

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InputError(LinkriskError):
    """A file, row, field or argument is not acceptable."""

    status, title, type_slug = 422, "Invalid input", "invalid-input"


class SourceFileError(InputError):
    """A source file cannot be read at all (missing, wrong encoding, missing columns)."""

    title, type_slug = "Unreadable source file", "source-file"


class NotFound(LinkriskError):
    status, title, type_slug = 404, "Not found", "not-found"


class Conflict(LinkriskError):
    status, title, type_slug = 409, "Conflict", "conflict"


class Gone(LinkriskError):
    """Something that existed was removed for good (an expired check job's results)."""

    status, title, type_slug = 410, "Gone", "gone"


class Unauthenticated(LinkriskError):
    status, title, type_slug = 401, "Unauthenticated", "unauthenticated"


class Forbidden(LinkriskError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class ConsentRequired(Forbidden):
    title, type_slug = "Consent required", "consent-required"


class RateLimited(LinkriskError):
    status, title, type_slug = 429, "Too many requests", "rate-limited"


class NotReady(LinkriskError):
    """No snapshot or scores are loaded yet."""

    status, title, type_slug = 503, "Not ready", "not-ready"
    retry_after = 30  # a snapshot build or a scoring run takes about this long


class StoreUnavailable(LinkriskError):
    """The graph store (e.g. a Neo4j server) cannot be reached."""

    status, title, type_slug = 503, "Store unavailable", "store-unavailable"
    retry_after = 10  # a restarted server answers again after about this long


class ConvergenceError(LinkriskError):
    """An iterative algorithm did not converge within its iteration budget."""

    status, title, type_slug = 500, "No convergence", "no-convergence"


class IntegrityError(LinkriskError):
    """A hash chain, digest or published draw does not verify."""

    status, title, type_slug = 409, "Integrity check failed", "integrity"
