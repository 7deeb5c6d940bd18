"""信易+ and 联合奖惩: measures for the trustworthy and the dishonest, checked at service windows.

- ``rules``: the declarative eligibility rules (TOML tables) and their validation
- ``catalogue``: the versioned catalogue of measures (``catalogues/illustrative.toml`` ships)
- ``facts``: what the rules read, as arrays over a snapshot's nodes
- ``evaluate``: rules over many nodes (masks) or one node (with the facts used)
- ``check``: a subject and a scenario → eligible / restricted / not applicable
"""

from linkrisk.incentives.catalogue import Catalogue, Measure, load_catalogue
from linkrisk.incentives.check import OUTCOMES, batch_outcomes, check_subject
from linkrisk.incentives.facts import Commitments, SubjectFacts
from linkrisk.incentives.rules import RuleError

__all__ = [
    "OUTCOMES",
    "Catalogue",
    "Commitments",
    "Measure",
    "RuleError",
    "SubjectFacts",
    "batch_outcomes",
    "check_subject",
    "load_catalogue",
]
