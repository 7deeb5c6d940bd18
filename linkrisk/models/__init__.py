"""The risk engine: intrinsic risk from a subject's own records, propagation over the graph,
features, the calibrated classifier and its model card, tiers, explanations and bring-your-own-
graph evaluation. Pure functions over snapshot arrays, sklearn-style estimators.

May import ``graph`` and ``loaders``; never ``sampling``, ``api``, ``cli`` or ``web``.
"""
