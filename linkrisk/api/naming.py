"""Names for the subjects in an investigator's answer, with persons masked unless ``pii``.

Graph results carry subject keys only; before they are returned, every object that names a
subject (``sid`` + ``kind``) gets its display name from the store, masked for persons (张三 →
张*) when the key lacks the ``pii`` scope. The subject keys met on the way are collected for the
audit record.
"""

from __future__ import annotations

from typing import Any

from linkrisk.api.privacy import mask_name
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import SubjectKind

PERSON = SubjectKind.PERSON.value
_SID_KEYS = ("sid", "src_sid", "dst_sid", "source", "src", "dst")


def is_person(subject: dict[str, Any] | None, kind: str | None = None) -> bool:
    return (kind or (subject or {}).get("kind")) == PERSON


class Namer:
    """Looks names up once per request and masks persons' names for keys without ``pii``."""

    def __init__(self, graph: GraphStore, pii: bool) -> None:
        self.graph = graph
        self.pii = pii
        self._subjects: dict[str, dict[str, Any] | None] = {}
        self.seen: dict[str, None] = {}  # insertion-ordered set of subject keys in the answer

    def subject(self, sid: str) -> dict[str, Any] | None:
        if sid not in self._subjects:
            self._subjects[sid] = self.graph.get_subject(sid)
        return self._subjects[sid]

    def name(self, sid: str, kind: str | None = None) -> str | None:
        subject = self.subject(sid)
        name = None if subject is None else subject.get("name")
        if name is None:
            return None
        return str(name) if self.pii or not is_person(subject, kind) else mask_name(str(name))

    def annotate(self, data: Any) -> Any:
        """``data`` (from ``results.as_dict``) with a ``name`` beside every ``sid`` + ``kind``."""
        if isinstance(data, dict):
            out = {k: self.annotate(v) for k, v in data.items()}
            for key in _SID_KEYS:
                value = data.get(key)
                if isinstance(value, str):
                    self.seen[value] = None
            if isinstance(data.get("sid"), str) and "kind" in data:
                out["name"] = self.name(data["sid"], data.get("kind"))
            return out
        if isinstance(data, list):
            return [self.annotate(v) for v in data]
        return data
