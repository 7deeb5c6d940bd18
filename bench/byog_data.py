"""Data sets for ``bench/byog.py``, written as the four BYOG tables (docs/byog.md).

- ``city``: the demo city generator (``linkrisk.demo.city``) loaded into a scratch store; features
  as of T−12m, the label a new serious event in the following twelve months (the city model's
  outcome), subjects only; random 60/20/20 train/valid/test split.
- ``ownership``: firms in ownership trees; a firm's risk rises with its owner's record.
- ``officers``: firms and persons in communities (a bipartite firm–person officer graph); a
  community's hidden risk shows in its firms' attributes and events, and a firm's outcome
  depends on its community, so the neighbours' attributes carry the signal.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import numpy as np

SPLIT_SHARES = (0.6, 0.2, 0.2)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _splits(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(np.array(["train", "valid", "test"]), n, p=SPLIT_SHARES)


def ownership(out: Path, n: int, seed: int) -> tuple[Path, Path, Path, Path]:
    rng = np.random.default_rng(seed)
    owner = np.where(rng.random(n) < 0.8, rng.integers(0, n // 20, n), -1)
    flagged_root = rng.random(n // 20) < 0.3
    size = rng.lognormal(3, 1, n)
    own_event = rng.random(n) < 0.05
    parent_bad = (owner >= 0) & flagged_root[np.maximum(owner, 0)]
    logit = -3.5 + 1.0 * own_event + 2.5 * parent_bad - 0.2 * np.log(size)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    ids = [f"n{i}" for i in range(n)]
    nodes = _write(
        out / "nodes.csv",
        ["id", "kind", "size"],
        [[ids[i], "firm", round(size[i], 2)] for i in range(n)],
    )
    edges = _write(
        out / "edges.csv",
        ["src", "dst", "relation", "weight"],
        [[ids[owner[i]], ids[i], "owns", 1.0] for i in range(n) if 0 <= owner[i] != i],
    )
    rows = [[ids[i], "penalty", 6] for i in range(n) if own_event[i]]
    rows += [[ids[i], "penalty", 10] for i in range(n // 20) if flagged_root[i]]
    events = _write(out / "events.csv", ["id", "type", "months_before"], rows)
    split = _splits(n, rng)
    labels = _write(
        out / "labels.csv",
        ["id", "split", "label"],
        [[ids[i], split[i], int(y[i])] for i in range(n)],
    )
    return nodes, edges, events, labels


def officers(out: Path, firms: int, seed: int) -> tuple[Path, Path, Path, Path]:
    rng = np.random.default_rng(seed)
    communities = firms // 25
    community = rng.integers(0, communities, firms)
    hidden = rng.normal(size=communities)
    persons = firms // 2
    person_community = rng.integers(0, communities, persons)
    # each firm has 1–3 officers from its own community (or anyone, 20 %)
    by_community = [np.flatnonzero(person_community == c) for c in range(communities)]
    edge_rows = []
    for f in range(firms):
        pool = by_community[community[f]]
        for _ in range(rng.integers(1, 4)):
            p = (
                rng.integers(0, persons)
                if len(pool) == 0 or rng.random() < 0.2
                else rng.choice(pool)
            )
            edge_rows.append([f"p{p}", f"f{f}", "officer", 1.0])
    employees = np.round(rng.lognormal(2 + 0.4 * hidden[community], 1.0)).astype(int)
    noisy = hidden[community] + rng.normal(scale=1.5, size=firms)
    ev_rate = 1 / (1 + np.exp(-(-3 + 0.8 * hidden[community])))
    has_event = rng.random(firms) < ev_rate
    logit = -3 + 1.2 * hidden[community] + 0.5 * has_event + 0.2 * rng.normal(size=firms)
    y = rng.random(firms) < 1 / (1 + np.exp(-logit))
    node_rows = [[f"f{f}", "firm", employees[f], round(noisy[f], 3)] for f in range(firms)]
    node_rows += [[f"p{p}", "person", "", ""] for p in range(persons)]
    nodes = _write(out / "nodes.csv", ["id", "kind", "employees", "survey"], node_rows)
    edges = _write(out / "edges.csv", ["src", "dst", "relation", "weight"], edge_rows)
    months = rng.integers(1, 48, firms)
    events = _write(
        out / "events.csv",
        ["id", "type", "months_before", "severity"],
        [[f"f{f}", "penalty", months[f], "major"] for f in range(firms) if has_event[f]],
    )
    split = _splits(firms, rng)
    labels = _write(
        out / "labels.csv",
        ["id", "split", "label"],
        [[f"f{f}", split[f], int(y[f])] for f in range(firms)],
    )
    return nodes, edges, events, labels


def city(out: Path, subjects: int, seed: int, cache: Path) -> tuple[Path, Path, Path, Path]:
    """The demo city as BYOG tables: features as of T−12m, labels from the following year."""
    import bench.common as common
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.relations import EVENT_CODES, KIND_CODES
    from linkrisk.graph.snapshot.arrays import load_snapshot
    from linkrisk.graph.snapshot.build import build_snapshot
    from linkrisk.models.dates import add_months, day_number
    from linkrisk.models.labels import HORIZON_MONTHS, labels_for
    from linkrisk.models.pipeline import subject_rows

    common.CACHE = cache  # our own scratch cities, never the shared cache
    settings = common.ensure_city(subjects, seed, verbose=False)
    store = EmbeddedStore(settings.db_path)
    feature_date = add_months(common.AS_OF, -HORIZON_MONTHS)
    snaps = out / "snapshots"
    earlier = load_snapshot(build_snapshot(store, snaps, as_of=feature_date))
    later = load_snapshot(build_snapshot(store, snaps, as_of=common.AS_OF))
    y = labels_for(earlier, later, add_months(feature_date, HORIZON_MONTHS))
    n, nodes_ = earlier.n, earlier.nodes
    day = day_number(feature_date)
    reg = nodes_["reg_date"].astype(np.float64)
    age = np.where(nodes_["reg_date"] > np.iinfo(np.int32).min, (day - reg) / 365.25, np.nan)
    capital = np.where(nodes_["capital"] >= 0, nodes_["capital"].astype(np.float64), np.nan)
    status = np.where(nodes_["status"] >= 0, nodes_["status"].astype(np.float64), np.nan)
    kind = [KIND_CODES[k].value if k >= 0 else "" for k in nodes_["kind"]]
    _write(
        out / "nodes.csv",
        ["id", "kind", "capital", "age_years", "status"],
        [[f"n{i}", kind[i], _num(capital[i]), _num(age[i]), _num(status[i])] for i in range(n)],
    )
    edge_rows = []
    for rel_type, rel in earlier.relations.items():
        share = rel.attrs.get("share")
        weight = (
            np.ones(rel.n_edges)
            if share is None
            else np.nan_to_num(np.asarray(share, float), nan=1.0)
        )
        for s, d, w in zip(
            rel.sources().tolist(), np.asarray(rel.indices).tolist(), weight.tolist(), strict=True
        ):
            edge_rows.append([f"n{s}", f"n{d}", rel_type.value, round(w, 4)])
    _write(out / "edges.csv", ["src", "dst", "relation", "weight"], edge_rows)
    ev = earlier.events
    seen = ev["decision"] <= day
    severity = ev["severity"].astype(int)
    _write(
        out / "events.csv",
        ["id", "type", "months_before", "severity"],
        [
            [
                f"n{ev['node'][i]}",
                EVENT_CODES[ev["type"][i]].value,
                round((day - int(ev["decision"][i])) / 30.436875, 2),
                severity[i] + 1 if severity[i] >= 0 else "",
            ]
            for i in np.flatnonzero(seen)
        ],
    )
    rows = subject_rows(earlier)
    split = _splits(len(rows), np.random.default_rng(seed))
    _write(
        out / "labels.csv",
        ["id", "split", "label"],
        [[f"n{r}", split[i], int(y[r])] for i, r in enumerate(rows)],
    )
    store.close()
    return out / "nodes.csv", out / "edges.csv", out / "events.csv", out / "labels.csv"


def _num(value: float) -> object:
    return "" if np.isnan(value) else round(float(value), 4)


__all__ = ["city", "date", "officers", "ownership"]
