"""The canonical record tables: what every loader produces and every store keeps.

Records travel in columnar batches (``pyarrow.Table`` per canonical table) so that a million rows
are validated and written without a Python object per row. Each table below lists its columns,
their Arrow types, and the columns that make a row's identity (the upsert key: loading the same
row twice changes nothing).

Subject keys (``sid``):
- an organisation's sid is its 18-character USCC;
- a person with a valid resident ID number: ``"P"`` + the first 32 hex digits of
  HMAC-SHA256(settings.id_hash_key, normalised ID number) — the raw number is never kept;
- a person (or unregistered organisation) without a usable identifier gets a *weak* identity:
  ``"W"`` + 32 hex digits of HMAC-SHA256(key, name + "|" + the USCC of the firm it was seen with);
  weak subjects are flagged and never merged with anybody on name alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa


class SubjectKind(StrEnum):
    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"  # 个体工商户
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    INSTITUTION = "institution"  # 事业单位 / 机关
    PERSON = "person"
    UNKNOWN_ORG = "unknown_org"  # an organisation seen as shareholder without a USCC
    FOREIGN_ORG = "foreign_org"  # 境外组织: keyed by a typed registry number (``schemes``)


ORG_KINDS = frozenset(k for k in SubjectKind if k is not SubjectKind.PERSON)


class Status(StrEnum):
    ACTIVE = "active"  # 存续 / 在业
    REVOKED = "revoked"  # 吊销
    CANCELLED = "cancelled"  # 注销
    MOVED_OUT = "moved_out"  # 迁出


class Role(StrEnum):
    LEGAL_REPRESENTATIVE = "legal_representative"  # 法定代表人
    CHAIR = "chair"  # 董事长 / 执行董事
    DIRECTOR = "director"  # 董事
    SUPERVISOR = "supervisor"  # 监事
    MANAGER = "manager"  # 经理 / 总经理 / 负责人


class EventType(StrEnum):
    PENALTY = "penalty"  # 行政处罚
    ABNORMAL_OPERATION = "abnormal_operation"  # 经营异常名录
    SERIOUS_DISHONEST = "serious_dishonest"  # 严重违法失信名单
    DISHONEST_DEBTOR = "dishonest_debtor"  # 失信被执行人
    CONSUMPTION_RESTRICTION = "consumption_restriction"  # 限制高消费
    KEY_ATTENTION = "key_attention"  # 重点关注名单
    RED_LIST = "red_list"  # 守信激励 / 红名单 / 荣誉
    INSPECTION_ABNORMAL = "inspection_abnormal"  # abnormal 双随机 result, recorded by linkrisk
    SANCTION = "sanction"  # 制裁: a sanctions or watch list from outside the credit system
    COMMITMENT_BREACH = "commitment_breach"  # 违背信用承诺, recorded by linkrisk (incentives)


class Severity(StrEnum):
    MINOR = "minor"  # 一般
    MAJOR = "major"  # 较重
    SERIOUS = "serious"  # 严重


class InspectionResult(StrEnum):
    NORMAL = "normal"  # 正常 / 未发现问题
    CORRECTED = "corrected"  # 发现问题已责令改正
    NO_ACTIVITY = "no_activity"  # 未发现开展本次抽查涉及的经营活动
    UNREACHABLE = "unreachable"  # 通过登记的住所(经营场所)无法联系
    UNCOOPERATIVE = "uncooperative"  # 不配合检查
    VIOLATION = "violation"  # 发现问题待后续处理 / 违法


#: results that count as abnormal: they raise risk and put the subject on the next plan's list
ABNORMAL_RESULTS = frozenset(
    {InspectionResult.UNREACHABLE, InspectionResult.UNCOOPERATIVE, InspectionResult.VIOLATION}
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: pa.DataType
    required: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A canonical table: its columns and the columns that identify a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, nullable=not c.required) for c in self.columns])

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_STRING = pa.string()


def _c(name: str, type_: pa.DataType = _STRING, required: bool = False) -> Column:
    return Column(name, type_, required)


SUBJECTS = Table(
    "subjects",
    (
        _c("sid", required=True),
        _c("kind", required=True),  # SubjectKind
        _c("name"),
        _c("reg_date", pa.date32()),
        _c("status"),  # Status
        _c("industry"),  # GB/T 4754 code, e.g. "C1810"
        _c("region"),  # 6-digit 行政区划 code
        _c("capital", pa.float64()),  # registered capital in yuan
        _c("address"),  # normalised
        _c("phone"),  # normalised digits
        _c("email"),  # lower-cased
        _c("id_masked"),  # persons: e.g. 3201**********123X
        _c("weak", pa.bool_()),  # weak identity (no identifier)
    ),
    key=("sid",),
)

HOLDINGS = Table(
    "holdings",
    (
        _c("src", required=True),  # shareholder sid
        _c("dst", required=True),  # held organisation sid
        _c("share", pa.float64()),  # fraction in [0, 1]
        _c("subscribed", pa.float64()),  # subscribed capital, yuan
        _c("start_date", pa.date32()),
        _c("end_date", pa.date32()),
    ),
    key=("src", "dst", "start_date"),
)

OFFICERS = Table(
    "officers",
    (
        _c("person", required=True),
        _c("org", required=True),
        _c("role", required=True),  # Role
        _c("start_date", pa.date32()),
        _c("end_date", pa.date32()),
    ),
    key=("person", "org", "role", "start_date"),
)

BRANCHES = Table(
    "branches",
    (
        _c("parent", required=True),
        _c("branch", required=True),
        _c("start_date", pa.date32()),
        _c("end_date", pa.date32()),
    ),
    key=("parent", "branch"),
)

EVENTS = Table(
    "events",
    (
        _c("event_id", required=True),  # sha256 of (sid, type, decision_no, decision_date)[:24]
        _c("sid", required=True),
        _c("type", required=True),  # EventType
        _c("severity"),  # Severity, penalties only
        _c("authority"),
        _c("decision_no"),
        _c("decision_date", pa.date32(), required=True),
        _c("disclosure_end", pa.date32()),
        _c("repair_date", pa.date32()),  # 信用修复 / 移出: the event stops counting
        _c("objection", pa.bool_()),  # 异议 pending: frozen
        _c("reason"),
    ),
    key=("event_id",),
)

INSPECTIONS = Table(
    "inspections",
    (
        _c("plan_id", required=True),
        _c("sid", required=True),
        _c("inspect_date", pa.date32(), required=True),
        _c("matter"),
        _c("result", required=True),  # InspectionResult
        _c("inspectors"),  # ";"-separated inspector ids
        _c("department"),
    ),
    key=("plan_id", "sid", "matter"),
)

INSPECTORS = Table(
    "inspectors",
    (
        _c("inspector_id", required=True),
        _c("name"),
        _c("person_sid"),  # "P…" when an ID number was given: links the inspector to the graph
        _c("id_masked"),
        _c("department", required=True),
        _c("region"),
        _c("qualifications"),  # ";"-separated matter codes
        _c("active", pa.bool_()),
    ),
    key=("inspector_id",),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (SUBJECTS, HOLDINGS, OFFICERS, BRANCHES, EVENTS, INSPECTIONS, INSPECTORS)
}

MENTIONS = Table("mentions", SUBJECTS.columns, SUBJECTS.key)
"""Subject rows a file gives in passing (a holder's name, an officer, a firm an event names),
written into ``subjects`` where they only fill in what is unknown. The registry (a subjects
file) is what a subject is: its known values win over any mention, whatever the order of the
loads; among mentions, the first known value stays. So a holdings file naming a firm by an older
name, or a kind guessed from its USCC, never overwrites the registration."""

#: everything a write may carry: the canonical tables and the mentions (stored as subjects),
#: in the order a write applies them (subject rows first, as the bulk writer always merged them;
#: a registration and a mention give the same subject whichever comes first)
WRITABLE: dict[str, Table] = {MENTIONS.name: MENTIONS, **TABLES}


def stored_in(name: str) -> str:
    """The canonical table a written table's rows are stored in."""
    return SUBJECTS.name if name == MENTIONS.name else name
