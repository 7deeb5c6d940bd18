"""Bring-your-own-graph features: computed from the four tables alone (docs/byog.md).

Entity-only: the node's numeric attributes (``attr_<name>``), ``kind``, counts of its own events
per type (12 months, 36 months, all), ``severity_max`` and ``own_risk``
(``1 − exp(−Σ w · 0.5^(months / 12))``, ``w`` = severity / 2, 1 without a severity).

Graph: ``related_risk`` (own risk propagated with the engine's contagion operator, edges forward
at their weight and backward at half of it); ``flagged_<relation>_1hop`` (neighbours with events,
either direction) and ``flagged_2hop`` (two-edge walks to nodes with events, walks straight back
excluded); and the neighbour aggregates of ``linkrisk.models.neighbours`` over the node
attributes, event counts (12 months and all), own risk and degrees, with ``degree``,
``hop2_walks`` and ``component_size``. Columns the same for every node are dropped (and named).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from linkrisk.models.byog_tables import ByogData
from linkrisk.models.neighbours import degree, informative, neighbour_features
from linkrisk.models.propagation import PropagationConfig, operator_from_edges, propagate

WINDOWS = (12, 36)  # months
HALF_LIFE_MONTHS = 12.0  # decay of a generic event's weight


class ByogFeatures(NamedTuple):
    values: np.ndarray  # n × k float32
    names: tuple[str, ...]
    entity: tuple[str, ...]  # the entity-only columns among names
    dropped: tuple[str, ...]  # constant or empty everywhere


def byog_features(
    data: ByogData, *, reverse_factor: float = 0.5, config: PropagationConfig | None = None
) -> ByogFeatures:
    """The feature columns of every node (constant ones dropped, named in ``dropped``)."""
    n, cols = data.n, {}
    cols.update({f"attr_{k}": v for k, v in data.attributes.items()})
    cols["kind"] = data.kind.astype(np.float64)
    for t, name in enumerate(data.event_types):
        of_type = data.event_type == t
        for w in WINDOWS:
            cols[f"events_{name}_{w}m"] = np.bincount(
                data.event_node[of_type & (data.event_months <= w)], minlength=n
            )
        cols[f"events_{name}_all"] = np.bincount(data.event_node[of_type], minlength=n)
    cols["severity_max"] = np.full(n, np.nan)
    np.fmax.at(cols["severity_max"], data.event_node, data.event_severity)
    weight = np.where(np.isnan(data.event_severity), 1.0, data.event_severity / 2)  # major = 1
    raw = np.bincount(
        data.event_node, weights=weight * 0.5 ** (data.event_months / HALF_LIFE_MONTHS), minlength=n
    )
    own = -np.expm1(-raw)
    cols["own_risk"] = own
    entity = tuple(cols)

    config = config or PropagationConfig()
    operator = operator_from_edges(
        np.concatenate([data.edge_dst, data.edge_src]),
        np.concatenate([data.edge_src, data.edge_dst]),
        np.concatenate([data.edge_weight, reverse_factor * data.edge_weight]),
        n,
        config,
    )
    cols["related_risk"] = propagate(operator, own).related
    z = (own > 0).astype(np.float64)
    hop1_all = np.zeros(n)
    for r, name in enumerate(data.relations):
        e = data.edge_rel == r
        s, d = data.edge_src[e], data.edge_dst[e]
        cols[f"flagged_{name}_1hop"] = np.bincount(d, weights=z[s], minlength=n) + np.bincount(
            s, weights=z[d], minlength=n
        )
        hop1_all += cols[f"flagged_{name}_1hop"]
    deg = degree(data.edge_src, data.edge_dst, n)
    two = np.bincount(data.edge_dst, weights=hop1_all[data.edge_src], minlength=n)
    two += np.bincount(data.edge_src, weights=hop1_all[data.edge_dst], minlength=n)
    cols["flagged_2hop"] = two - deg * z  # less the walks straight back
    # the neighbours' own attributes, events (by type and recency), risk and degrees
    # only columns that vary: a constant's neighbour mean/max would merely say "has neighbours"
    shared, _ = informative(
        {k: np.asarray(v, np.float64) for k, v in cols.items() if k in _neighbour_values(cols)}
    )
    cols.update(
        neighbour_features(
            data.edge_src,
            data.edge_dst,
            data.edge_rel,
            data.relations,
            n,
            {**shared, "degree": deg},
        )
    )
    kept, dropped = informative({k: np.asarray(v, np.float64) for k, v in cols.items()})
    names = tuple(kept)
    values = np.column_stack([np.asarray(kept[k], np.float32) for k in names])
    return ByogFeatures(values, names, tuple(k for k in entity if k in kept), tuple(dropped))


def _neighbour_values(cols: dict[str, np.ndarray]) -> list[str]:
    """The node columns aggregated over neighbours: attributes, event counts, own risk."""
    return [
        k
        for k in cols
        if k.startswith("attr_")
        or (k.startswith("events_") and not k.endswith("_36m"))
        or k == "own_risk"
    ]
