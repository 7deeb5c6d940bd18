"""What the simulation records: events and inspections as columns of integers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from linkrisk.demo.draws import I64


@dataclass(slots=True)
class Events:
    subject: I64  # org index, or person id where ``person``
    person: np.ndarray
    type: I64
    severity: I64  # 0/1/2 for penalties, -1 otherwise
    month: I64
    reason: I64  # index into vocab.REASONS[type]
    case: I64  # court case key shared by a debtor listing and its restrictions, else -1
    removed: I64  # month an abnormal listing was removed, or -1 (others decided later)


@dataclass(slots=True)
class Inspections:
    org: I64
    plan: I64  # index into the plan list
    month: I64
    result: I64


class EventLog:
    """Appends events a batch at a time; ``build`` sorts them by month and type."""

    def __init__(self) -> None:
        self.cols: dict[str, list[I64]] = defaultdict(list)

    def add(
        self,
        subject: I64,
        *,
        person: bool = False,
        type: int,
        month: int,
        severity: I64 | int = -1,
        reason: I64 | int = 0,
        case: I64 | int = -1,
        removed: I64 | int = -1,
    ) -> None:
        if month < 0:  # burn-in months shape the state but are not part of the record
            return
        n = len(subject)
        for key, v in (
            ("subject", subject),
            ("person", person),
            ("type", type),
            ("severity", severity),
            ("month", month),
            ("reason", reason),
            ("case", case),
            ("removed", removed),
        ):
            self.cols[key].append(np.broadcast_to(np.asarray(v, np.int64), n).copy())

    def build(self) -> Events:
        cols = {k: np.concatenate(v) for k, v in self.cols.items()}
        order = np.lexsort((cols["type"], cols["month"]))
        out = {k: v[order] for k, v in cols.items()}
        return Events(**{**out, "person": out["person"].astype(bool)})
