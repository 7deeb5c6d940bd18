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


REASONS: tuple[ReasonInfo, ...] = (
    ReasonInfo(
        "own_events",
        Reason.OWN_EVENTS,
        "自身失信、处罚或名单记录",
        "own penalties and list entries",
    ),
    ReasonInfo(
        "related_party_risk",
        Reason.RELATED_PARTY_RISK,
        "关联方风险",
        "risk of related parties (owners, officers, shared contacts)",
    ),
    ReasonInfo(
        "inspection_history",
        Reason.INSPECTION_HISTORY,
        "以往检查结果异常",
        "abnormal results in earlier inspections",
    ),
    ReasonInfo(
        "registration_status",
        Reason.REGISTRATION_STATUS,
        "登记状态异常",
        "registration status (licence revoked, moved out)",
    ),
    ReasonInfo(
        "red_list",
        Reason.RED_LIST,
        "守信激励(红名单)记录,降低风险",
        "red-list (good credit) record, lowers risk",
    ),
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
