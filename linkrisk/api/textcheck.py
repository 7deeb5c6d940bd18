"""Invalid Unicode in a request: bytes that are not UTF-8, or a lone surrogate, in the path, the
query, a header or the body.

A Python string can hold a lone surrogate (``json.loads('"\\ud800"')`` is one) that no encoder
accepts: such a string fails far from where it came in — in a snapshot lookup, in the audit
log's hash, in the JSON of the answer. The request envelope refuses it at the edge (422):
``scope_problem`` checks the request line and headers before the app sees them, ``BodyCheck``
checks the body chunk by chunk as the app reads it, without buffering it. JSON text may spell a
surrogate as an escape (``\\ud800``), so the body is checked both as UTF-8 and for escapes of
lone surrogates.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import unquote_to_bytes

from starlette.types import Scope

#: "\uD800"–"\uDBFF" (high) followed by "\uDC00"–"\uDFFF" (low) is one character (a pair);
#: either alone is not. An escape starts at a backslash preceded by an even run of backslashes
#: ("\\ud800" is a backslash and the text "ud800").
_SURROGATE_ESCAPE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u(?:(?P<high>[dD][89abAB][0-9a-fA-F]{2})"
    rb"(?P<low>\\u[dD][c-fC-F][0-9a-fA-F]{2})?|[dD][c-fC-F][0-9a-fA-F]{2})"
)
_PAIR = 12  # bytes of an escaped pair: what a chunk boundary may cut and the next chunk completes
_ESCAPE = 6  # bytes of one escape ("\ud800")

BODY_PROBLEM = "the request body is not valid Unicode: {}"


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot encode (lone surrogates) written as ``\\udxxx``."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _percent_utf8(data: bytes) -> bool:
    """True if ``data`` (percent-encoded) decodes to UTF-8."""
    if b"%" not in data and data.isascii():
        return True
    return _utf8(unquote_to_bytes(data))


def scope_problem(scope: Scope) -> str | None:
    """What in the request line or headers is not valid Unicode, as a sentence, or ``None``."""
    path = str(scope.get("path", ""))
    raw_path = scope.get("raw_path")
    if not (path.isascii() or _encodable(path)) or (
        isinstance(raw_path, bytes) and not _percent_utf8(raw_path)
    ):
        return "the path is not valid Unicode (percent-encoded bytes must be UTF-8)"
    query = scope.get("query_string", b"")
    if query and not _percent_utf8(query.replace(b"+", b" ")):
        return "the query is not valid Unicode (percent-encoded bytes must be UTF-8)"
    for name, value in scope.get("headers", ()):
        if not value.isascii() and not _utf8(value):
            header = name.decode("ascii", "backslashreplace")
            return f"the header {header!r} is not valid Unicode (its bytes must be UTF-8)"
    return None


def _carry(buffer: bytes, pair: tuple[int, int]) -> bytes:
    """The tail of ``buffer`` that the next chunk may complete: its last ``_PAIR`` bytes, with
    the run of backslashes before them kept as its parity (which decides what is an escape),
    and never half of an escaped pair (its low half would look alone)."""
    start = max(0, len(buffer) - _PAIR)
    if pair[0] < start < pair[1]:
        start = pair[1]
    head = buffer[:start]
    run = len(head) - len(head.rstrip(b"\\"))
    return b"\\" * (run % 2) + buffer[start:]


class BodyCheck:
    """Checks a body as it arrives: ``feed(chunk, final)`` returns what is wrong, or ``None``."""

    __slots__ = ("_carry", "_decoder")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._carry = b""

    def feed(self, chunk: bytes, final: bool) -> str | None:
        try:
            self._decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            return BODY_PROBLEM.format(f"its bytes are not UTF-8 ({exc.reason})")
        buffer = self._carry + chunk
        pair = (0, 0)  # the span of the last escaped pair
        if b"\\u" in buffer:
            for match in _SURROGATE_ESCAPE.finditer(buffer):
                if match["low"] is not None:
                    pair = match.span()
                    continue
                if match["high"] is not None and not final and match.end() > len(buffer) - _ESCAPE:
                    continue  # its low half may start the next chunk (it is in the carry)
                return BODY_PROBLEM.format(
                    "a string holds a lone surrogate escape (\\ud800–\\udfff unpaired)"
                )
        self._carry = b"" if final else _carry(buffer, pair)
        return None
