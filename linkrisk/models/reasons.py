"""Reason codes: the plain categories a score is explained with (lenders' and screeners' view).

Each subject carries a ``uint8`` of bit flags; the table below (code, bit, Chinese and English
label) is written beside every score file so that a consumer never has to guess what a bit means.
Append only: stored scores keep their bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntFlag

import numpy as np

from linkrisk.models.intrinsic import IntrinsicRisk
from linkrisk.vocabulary import TABLES


class Reason(IntFlag):
    OWN_EVENTS = 1
    RELATED_PARTY_RISK = 2
    INSPECTION_HISTORY = 4
    REGISTRATION_STATUS = 8
    RED_LIST = 16


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    code: str
    bit: int
    label_zh: str
    label_en: str


#: the labels are the vocabulary's (``linkrisk.vocabulary``: the CLI, API and web page say the same)
REASONS: tuple[ReasonInfo, ...] = tuple(
    ReasonInfo(code, bit, *TABLES["reason"][code])
    for code, bit in (
        ("own_events", Reason.OWN_EVENTS),
        ("related_party_risk", Reason.RELATED_PARTY_RISK),
        ("inspection_history", Reason.INSPECTION_HISTORY),
        ("registration_status", Reason.REGISTRATION_STATUS),
        ("red_list", Reason.RED_LIST),
    )
)
REASON_BY_CODE = {r.code: r for r in REASONS}

#: below this much related-party risk (in intrinsic-risk units, i.e. a 5 % owner-equivalent) a
#: neighbourhood is not worth naming as a reason
RELATED_THRESHOLD = 0.05
#: raw own-event weight below which an old, decayed minor record is not worth naming
OWN_EVENTS_THRESHOLD = 0.02


def reason_flags(
    intrinsic: IntrinsicRisk, related: np.ndarray, nodes: np.ndarray | None = None
) -> np.ndarray:
    """Bit flags from the parts of intrinsic risk and the related-party risk (all nodes or some)."""
    pick = slice(None) if nodes is None else nodes
    checks = (
        (intrinsic.events[pick] > OWN_EVENTS_THRESHOLD, Reason.OWN_EVENTS),
        (related[pick] > RELATED_THRESHOLD, Reason.RELATED_PARTY_RISK),
        (intrinsic.inspections[pick] > 0, Reason.INSPECTION_HISTORY),
        (intrinsic.status[pick] > 0, Reason.REGISTRATION_STATUS),
        (intrinsic.red_list[pick] < 0, Reason.RED_LIST),
    )
    flags = np.zeros(len(checks[0][0]), np.uint8)
    for mask, bit in checks:
        flags[mask] |= np.uint8(bit)
    return flags


def reason_codes(flags: int) -> list[str]:
    """The codes set in one subject's flags, in table order."""
    return [r.code for r in REASONS if int(flags) & r.bit]


def reason_table() -> list[dict[str, object]]:
    """The table written beside score files (JSON-ready)."""
    return [
        {"code": r.code, "bit": int(r.bit), "zh": r.label_zh, "en": r.label_en} for r in REASONS
    ]
