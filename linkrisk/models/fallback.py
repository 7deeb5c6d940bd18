"""The rule score: a calibrated transform of intrinsic and related-party risk.

Used when no model is trained (``linkrisk score`` right after a load) and as the baseline in the
model card: ``p = sigmoid(a + b · intrinsic + c · related)``. The default coefficients put a
subject with no record at about 1 % and one with intrinsic risk 1 near 60 %; ``fit_rule_score``
refits them by logistic regression on training labels, so that the rule score is a calibrated
probability like the model's and the same tier machinery applies.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression


@dataclass(frozen=True, slots=True)
class RuleScore:
    intercept: float = -4.6  # logit(1 %)
    intrinsic: float = 5.0
    related: float = 3.0
    fitted: bool = False

    def __call__(self, intrinsic: np.ndarray, related: np.ndarray) -> np.ndarray:
        z = self.intercept + self.intrinsic * np.asarray(intrinsic, np.float64)
        z = z + self.related * np.asarray(related, np.float64)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), np.float32)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_rule_score(intrinsic: np.ndarray, related: np.ndarray, y: np.ndarray) -> RuleScore:
    """Logistic regression of the labels on (intrinsic, related)."""
    X = np.column_stack([intrinsic, related]).astype(np.float64)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(X, np.asarray(y, int))
    a, (b, c) = float(model.intercept_[0]), model.coef_[0].tolist()
    return RuleScore(a, float(b), float(c), fitted=True)
