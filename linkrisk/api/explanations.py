"""Explanation paths for subject cards, from ``linkrisk.models.explain``.

``explain`` needs the city-wide intrinsic risk, the propagation operator and its result. They
are computed once per serving state, on the first card that asks (then cached in the state),
with the propagation settings of the model that produced the published scores when its bundle
is on disk, else the defaults.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from linkrisk.api.state import ServingState
from linkrisk.config import Settings

log = logging.getLogger("linkrisk.api")
_LOCK = threading.Lock()  # one city-wide computation at a time, whichever state asks


@dataclass(frozen=True, slots=True)
class RiskContext:
    intrinsic: Any  # linkrisk.models.intrinsic.IntrinsicRisk
    propagated: Any  # linkrisk.models.propagation.PropagationResult
    operator: Any  # linkrisk.models.propagation.PropagationOperator


def propagation_config(settings: Settings, model_version: str) -> Any:
    """The propagation settings saved with ``model_version`` (defaults if its bundle is absent)."""
    from linkrisk.models.propagation import PropagationConfig

    bundle = settings.model_dir / f"{model_version}.joblib"
    if bundle.exists():
        import joblib

        config = joblib.load(bundle).get("propagation")
        if isinstance(config, PropagationConfig):
            return config
    return PropagationConfig()


def risk_context(state: ServingState, settings: Settings) -> RiskContext:
    """The state's city-wide risk arrays (computed on first use, then cached in the state)."""
    cached = state.caches.get("risk_context")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from linkrisk.models.intrinsic import intrinsic_risk
    from linkrisk.models.propagation import build_operator, propagate

    with _LOCK:
        cached = state.caches.get("risk_context")
        if cached is None:
            log.info("computing risk arrays for explanations on snapshot %s", state.version)
            intrinsic = intrinsic_risk(state.snapshot)
            operator = build_operator(
                state.snapshot, propagation_config(settings, state.scores.model_version)
            )
            cached = RiskContext(intrinsic, propagate(operator, intrinsic.risk), operator)
            state.caches["risk_context"] = cached
    return cached


def explain_node(
    state: ServingState, settings: Settings, node: int, *, top: int = 5
) -> dict[str, Any]:
    """The explanation of one subject as JSON-ready data."""
    from linkrisk.models.explain import explain

    ctx = risk_context(state, settings)
    result = explain(state.snapshot, node, ctx.intrinsic, ctx.propagated, ctx.operator, top=top)
    return result.to_dict()
