"""What the investigator commands (:mod:`linkrisk.cli.graph`) share: the argument and option
types, and the context each opens — the published snapshot's queries and the store that names
its subjects — with the text it renders subjects, hops and paths as, the JSON it emits, and the
percentages and supernode warnings of their tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import typer

from linkrisk.cli.output import console, print_json
from linkrisk.cli.params import JsonFlag, Subject
from linkrisk.cli.words import say, word
from linkrisk.config import Settings, get_settings
from linkrisk.graph.queries.results import Hop, Path, as_dict
from linkrisk.graph.queries.search import SearchIndex
from linkrisk.graph.store import GraphStore

Sid = Subject
__all__ = [
    "Context",
    "DegreeCap",
    "JsonFlag",
    "Rels",
    "Sid",
    "pct",
    "relation_text",
    "warn_supernodes",
]


def typed_rel(value: str) -> str:
    """A relation type, any case (``holds`` → ``HOLDS``)."""
    from linkrisk.graph.relations import RelType

    if value.upper() not in RelType.__members__:
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(RelType.__members__)}")
    return value.upper()


Rels = Annotated[
    list[str] | None,
    typer.Option(
        "--rel",
        parser=typed_rel,
        metavar="REL",
        help="relation type to follow (repeatable): HOLDS, OFFICER, BRANCH, SAME_CONTACT",
    ),
]
DegreeCap = Annotated[int, typer.Option(help="do not expand through nodes of higher degree", min=1)]


class Context:
    """The published snapshot's queries and the store that names its subjects."""

    def __init__(self, settings: Settings | None = None) -> None:
        from linkrisk.graph.queries import SnapshotQueries
        from linkrisk.graph.snapshot.arrays import load_current

        self.settings = settings or get_settings()
        self.snapshot = load_current(self.settings.snapshot_dir)
        self.queries = SnapshotQueries(self.snapshot, settings=self.settings)
        self._store: GraphStore | None = None
        self._names: dict[str, str] = {}
        self._search: SearchIndex | None = None

    def search_index(self) -> SearchIndex:
        """The name index of the snapshot's subjects (the snapshot's own; for a snapshot of an
        older release, built from the store on first use)."""
        if self._search is None:
            self._search = SearchIndex.of_snapshot_or(
                self.snapshot, lambda: self.store.read_table("subjects", ["sid", "name", "kind"])
            )
        return self._search

    def resolve(self, text: str) -> str:
        """The key of the one subject ``text`` names: a key, a unique key prefix or a name."""
        from linkrisk.graph.queries.resolve import resolve_subject

        return resolve_subject(text, self.snapshot, self.search_index, self.candidate)

    def candidate(self, sid: str) -> str:
        """A line of the list shown when a name or prefix fits several subjects."""
        row = self.store.get_subject(sid) or {}
        facts = [say("kind", row.get("kind")), say("status", row.get("status"))]
        facts.append(str(row.get("region") or ""))
        return f"{sid}  {row.get('name') or ''}  {' '.join(f for f in facts if f)}".rstrip()

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            from linkrisk.graph.open import open_store

            self._store = open_store(self.settings)
        return self._store

    def names(self, sids: Iterable[str]) -> dict[str, str]:
        """Names of subjects, looked up once each (a result shows at most a few hundred)."""
        for sid in sorted(set(sids) - set(self._names)):
            row = self.store.get_subject(sid) or {}
            self._names[sid] = row.get("name") or ""
        return self._names

    def label(self, sid: str) -> str:
        name = self.names([sid]).get(sid)
        # hashed person keys are cut; a typed registry key (hk-cr:…) is its identity: kept whole
        short = sid if len(sid) <= 18 or ":" in sid else sid[:9] + "…"
        return f"{name} ({short})" if name else short

    def hop_text(self, hop: Hop) -> str:
        text = relation_text(hop.rel.value, hop.role, hop.contact, hop.share)
        return f"—{text}→" if hop.direction == "forward" else f"←{text}—"

    def path_text(self, path: Path) -> str:
        parts = [self.label(path.start)]
        for hop in path.hops:
            parts += [self.hop_text(hop), self.label(hop.dst_sid)]
        return " ".join(parts)

    def emit_json(self, result: Any, sids: Iterable[str]) -> None:
        print_json({"result": as_dict(result), "names": self.names(sids)})


def relation_text(rel: str, role: str | None, contact: str | None, share: float | None) -> str:
    """``持股 60.00%``, ``任职 法定代表人``, ``疑似关联 同电话`` (or in English)."""
    if role:
        fact = say("role", role)
    elif contact:
        fact = say("contact", contact)
    elif rel == "HOLDS":
        fact = share_text(share)
    else:
        fact = pct(share)
    return f"{say('relation', rel)}{' ' + fact if fact else ''}"


def pct(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


def share_text(value: float | None, partial: bool = False) -> str:
    """A share that may be unknown: ``比例未知``, never 0.00 %; ``≥ 12.00%`` when some walk to it
    crosses an unknown share (the figure is a lower bound)."""
    if value is None:
        return word("share_unknown")
    return f"≥ {value:.2%}" if partial else f"{value:.2%}"


def warn_supernodes(ctx: Context, hubs: tuple[str, ...]) -> None:
    if hubs:
        shown = ", ".join(ctx.label(h) for h in hubs[:5])
        more = f" and {len(hubs) - 5} more" if len(hubs) > 5 else ""
        console.print(f"[yellow]not expanded (supernodes): {shown}{more}[/]")
