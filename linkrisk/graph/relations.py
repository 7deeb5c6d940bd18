"""Relation types and the small integer codes the snapshot uses for categorical attributes."""

from __future__ import annotations

from enum import StrEnum

from linkrisk.loaders.records import (
    EventType,
    InspectionResult,
    Role,
    Severity,
    Status,
    SubjectKind,
)


class RelType(StrEnum):
    """Edge types of the graph (the Neo4j relationship types are the upper-case names)."""

    HOLDS = "HOLDS"  # shareholder → organisation, attribute share
    OFFICER = "OFFICER"  # person → organisation, attribute role
    BRANCH = "BRANCH"  # organisation → its branch
    SAME_CONTACT = "SAME_CONTACT"  # derived, symmetric: shared phone, email or address


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


# Codes are positions in these tuples; -1 means unknown. Append only: snapshots store codes.
KIND_CODES: tuple[SubjectKind, ...] = tuple(SubjectKind)
STATUS_CODES: tuple[Status, ...] = tuple(Status)
ROLE_CODES: tuple[Role, ...] = tuple(Role)
EVENT_CODES: tuple[EventType, ...] = tuple(EventType)
SEVERITY_CODES: tuple[Severity, ...] = tuple(Severity)
RESULT_CODES: tuple[InspectionResult, ...] = tuple(InspectionResult)
CONTACT_CODES: tuple[ContactKind, ...] = tuple(ContactKind)

#: Dates in the snapshot are int32 days since 1970-01-01; these mark "unknown".
NO_START = -(2**31)  # unknown start: valid since forever
NO_END = 2**31 - 1  # unknown end: still valid


def code_of(codes: tuple[StrEnum, ...], value: str | None) -> int:
    """The code of an enum value, or -1."""
    for i, member in enumerate(codes):
        if member.value == value:
            return i
    return -1
