"""受益所有人 (beneficial owners) as the 2024 受益所有人信息管理办法 identifies them, with the rule
that fired for each and the paths that show it.

1. ``ownership``: natural persons who ultimately own ≥ 25 % (the threshold) of the subject, by
   integrated share over every ownership path (股权穿透). The registry records equity shares; a
   收益权 (profit right) the sources do not record cannot be told apart from them, so equity
   stands for both.
2. ``control``: natural persons who control the subject through a chain of majority holdings
   (each step > 50 %), whatever the product of the shares (51 % of 51 % of 51 % is 13 %).
   Both 1 and 2 apply together: a person found by both carries both rules.
3. ``senior_manager``: when nobody is found by 1 or 2, the persons running the daily business:
   the manager(s) (经理 / 负责人), else the legal representative(s), else the chair(s).

Composed from ``GraphQueries.owners`` and ``neighbourhood`` only, so every backend agrees. The
control chains are read from the look-through's evidence paths (the ``max_paths`` largest), so
a majority chain of tiny product in a very wide structure may be missed: ``paths_truncated``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from linkrisk.graph.queries.results import Path
from linkrisk.graph.relations import RelType

PERSON = "person"
MAJORITY = 0.5  # a step of a control chain holds more than this
#: who runs the daily business when nobody owns or controls (办法 第六条), in this order
MANAGER_ROLES = ("manager", "legal_representative", "chair")
#: filed and computed shares further apart than this are a discrepancy (rounding in filings)
SHARE_TOLERANCE = 0.01


@dataclasses.dataclass(frozen=True, slots=True)
class BeneficialOwner:
    """A beneficial owner: the rules that found it, its integrated share, role and paths."""

    sid: str
    rules: tuple[str, ...]  # ownership, control, senior_manager
    integrated_share: float | None  # None for a senior manager who holds nothing
    role: str | None = None  # senior_manager: manager, legal_representative or chair
    paths: tuple[Path, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class BeneficialOwners:
    """The beneficial owners of ``sid``: largest integrated share first, then by sid."""

    sid: str
    threshold: float
    owners: tuple[BeneficialOwner, ...]
    fallback: bool  # found by rule 3 (nobody owns ≥ threshold or controls)
    paths_truncated: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class FiledOwner:
    """A beneficial owner a firm filed (备案): its person key, name and share if given."""

    sid: str
    name: str | None = None
    share: float | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Discrepancy:
    """备案核验: ``not_filed`` (computed, missing from the filing), ``not_found`` (filed, not
    a beneficial owner by the graph) or ``share_differs`` (both, shares apart)."""

    sid: str
    kind: str
    filed_share: float | None = None
    computed_share: float | None = None
    rules: tuple[str, ...] = ()


def _controls(path: Path) -> bool:
    return all(h.share is not None and h.share > MAJORITY for h in path.hops)


def beneficial_owners(
    queries: Any, sid: str, *, threshold: float = 0.25, max_depth: int = 10
) -> BeneficialOwners:
    """The beneficial owners of ``sid`` by the three rules (see the module docstring)."""
    ownership = queries.owners(sid, max_depth=max_depth)
    found: list[BeneficialOwner] = []
    for entry in ownership.entries:
        if entry.kind != PERSON:
            continue
        rules = []
        share = entry.integrated_share  # None: every path crosses a holding of unknown share
        if share is not None and share >= threshold - 1e-9:  # a lower bound may reach it
            rules.append("ownership")
        chains = tuple(p for p in entry.paths if _controls(p))
        if chains:
            rules.append("control")
        if rules:
            paths = entry.paths if "ownership" in rules else chains
            found.append(
                BeneficialOwner(entry.sid, tuple(rules), entry.integrated_share, None, paths)
            )
    if found:
        found.sort(key=lambda o: (-(o.integrated_share or 0.0), o.sid))
        return BeneficialOwners(sid, threshold, tuple(found), False, ownership.paths_truncated)
    shares = {e.sid: e.integrated_share for e in ownership.entries}
    around = queries.neighbourhood(sid, hops=1, rels=[RelType.OFFICER])
    for role in MANAGER_ROLES:
        persons = sorted({e.src_sid for e in around.edges if e.dst_sid == sid and e.role == role})
        if persons:
            owners = tuple(
                BeneficialOwner(p, ("senior_manager",), shares.get(p), role) for p in persons
            )
            return BeneficialOwners(sid, threshold, owners, True, ownership.paths_truncated)
    return BeneficialOwners(sid, threshold, (), True, ownership.paths_truncated)


def verify_filing(
    computed: BeneficialOwners, filed: Sequence[FiledOwner]
) -> tuple[Discrepancy, ...]:
    """备案核验: compare what a firm filed with the beneficial owners the graph gives."""
    mine = {o.sid: o for o in computed.owners}
    theirs = {f.sid: f for f in filed}
    out = []
    for sid in sorted(mine.keys() - theirs.keys()):
        owner = mine[sid]
        out.append(Discrepancy(sid, "not_filed", None, owner.integrated_share, owner.rules))
    for sid in sorted(theirs.keys() - mine.keys()):
        out.append(Discrepancy(sid, "not_found", theirs[sid].share, None))
    for sid in sorted(mine.keys() & theirs.keys()):
        filed_share, owner = theirs[sid].share, mine[sid]
        computed_share = owner.integrated_share
        if (
            filed_share is not None
            and computed_share is not None
            and abs(filed_share - computed_share) > SHARE_TOLERANCE
        ):
            out.append(Discrepancy(sid, "share_differs", filed_share, computed_share, owner.rules))
    return tuple(out)
