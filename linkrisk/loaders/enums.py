"""Enum mappers: the Chinese and English values regulators' files use → ``records`` enums.

A value is looked up once per distinct value of a batch (enum columns have few distinct values):
first exactly (after NFKC, case folding, and dropping spaces, "_" and "-"), then by the first
listed substring it contains (so "有限责任公司(自然人独资)" is an enterprise and "吊销，未注销"
is revoked). Anything else is a problem naming the accepted values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.loaders.normalise import Parsed, map_distinct
from linkrisk.loaders.records import (
    EventType,
    InspectionResult,
    Role,
    Severity,
    Status,
    SubjectKind,
)
from linkrisk.loaders.textops import as_string_array, byte_matrix, present


def enum_key(text: str) -> str:
    """How values are compared: NFKC, case-folded, without spaces, "_" and "-"."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True, slots=True)
class EnumMap:
    """Spellings of each canonical value, and substrings tried in order when none matches."""

    name: str
    spellings: Mapping[str, tuple[str, ...]]
    contains: tuple[tuple[str, str], ...] = ()
    table: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {enum_key(value): value for value in self.spellings}
        for value, spellings in self.spellings.items():
            table.update((enum_key(s), value) for s in spellings)
        object.__setattr__(self, "table", table)

    def lookup(self, text: str) -> str | None:
        key = enum_key(text)
        found = self.table.get(key)
        if found is None:
            found = next((value for part, value in self.contains if part in key), None)
        return found

    @property
    def reason(self) -> str:
        examples = [s[0] for s in self.spellings.values() if s]
        english = ", ".join(self.spellings)
        return f"unknown {self.name}; expected e.g. {', '.join(examples)} or {english}"

    def map(self, values: pa.StringArray) -> Parsed:
        mapped = map_distinct(values, self.lookup, pa.string())
        bad = present(values) & ~present(mapped)
        return Parsed(mapped, [(bad, self.reason)])


_K = SubjectKind
SUBJECT_KIND = EnumMap(
    "subject kind",
    {
        _K.ENTERPRISE: ("企业", "公司", "有限责任公司", "股份有限公司", "合伙企业", "个人独资企业"),
        _K.INDIVIDUAL_BUSINESS: ("个体工商户", "个体", "个体户"),
        _K.SOCIAL_ORGANISATION: ("社会组织", "社会团体", "民办非企业单位", "民办非企业", "基金会"),
        _K.INSTITUTION: ("事业单位", "机关", "机关法人", "事业法人"),
    },
    # social-organisation words first: "民办非企业" contains "企业"
    contains=(
        ("个体", _K.INDIVIDUAL_BUSINESS), ("社会团体", _K.SOCIAL_ORGANISATION),
        ("民办非企业", _K.SOCIAL_ORGANISATION), ("社会组织", _K.SOCIAL_ORGANISATION),
        ("基金会", _K.SOCIAL_ORGANISATION), ("社会服务机构", _K.SOCIAL_ORGANISATION),
        ("事业单位", _K.INSTITUTION), ("事业法人", _K.INSTITUTION), ("机关", _K.INSTITUTION),
        ("公司", _K.ENTERPRISE), ("企业", _K.ENTERPRISE), ("合伙", _K.ENTERPRISE),
        ("合作社", _K.ENTERPRISE), ("所有制", _K.ENTERPRISE), ("外商", _K.ENTERPRISE),
    ),
)  # fmt: skip

STATUS = EnumMap(
    "status",
    {
        # 清算/停业/歇业: the subject still exists (存续) until it is cancelled
        Status.ACTIVE: (
            "存续", "在业", "开业", "在营", "正常", "在册", "登记成立", "清算", "停业", "歇业",
        ),
        Status.REVOKED: ("吊销", "吊销未注销", "撤销"),
        Status.CANCELLED: ("注销", "已注销"),
        Status.MOVED_OUT: ("迁出", "已迁出"),
    },
    contains=(
        ("已注销", Status.CANCELLED), ("吊销", Status.REVOKED), ("撤销", Status.REVOKED),
        ("注销", Status.CANCELLED), ("迁出", Status.MOVED_OUT), ("存续", Status.ACTIVE),
        ("在业", Status.ACTIVE), ("在营", Status.ACTIVE), ("开业", Status.ACTIVE),
    ),
)  # fmt: skip

ROLE = EnumMap(
    "role",
    {
        Role.LEGAL_REPRESENTATIVE: (
            "法定代表人", "法人代表", "法人", "执行事务合伙人", "legal representative",
        ),
        Role.CHAIR: ("董事长", "执行董事", "chairman", "chairperson", "chairwoman"),
        Role.DIRECTOR: ("董事", "副董事长", "独立董事", "职工董事", "外部董事"),
        Role.SUPERVISOR: ("监事", "监事会主席", "监事长", "职工监事", "职工代表监事", "监事会成员"),
        Role.MANAGER: (
            "经理", "总经理", "副总经理", "负责人", "财务负责人", "总裁", "厂长", "首席代表",
            "经营者", "general manager", "ceo",
        ),
    },
    contains=(
        ("董事长", Role.CHAIR), ("监事", Role.SUPERVISOR), ("董事", Role.DIRECTOR),
        ("经理", Role.MANAGER), ("负责人", Role.MANAGER),
    ),
)  # fmt: skip

#: separators of combined roles ("执行董事兼总经理" is a chair and a manager)
ROLE_SEPARATORS = re.compile(r"[兼、,，/;；&]|及")

EVENT_TYPE = EnumMap(
    "event type",
    {
        EventType.PENALTY: ("行政处罚", "处罚"),
        EventType.ABNORMAL_OPERATION: ("经营异常名录", "列入经营异常名录", "经营异常"),
        EventType.SERIOUS_DISHONEST: (
            "严重违法失信名单", "严重违法失信企业名单", "严重违法失信", "列入严重违法失信名单",
        ),
        EventType.DISHONEST_DEBTOR: ("失信被执行人", "失信被执行人名单"),
        EventType.CONSUMPTION_RESTRICTION: ("限制高消费", "限制消费", "限制消费令", "限高"),
        EventType.KEY_ATTENTION: ("重点关注名单", "重点关注"),
        EventType.RED_LIST: ("红名单", "守信激励", "守信激励对象", "荣誉", "荣誉信息"),
        EventType.INSPECTION_ABNORMAL: ("抽查检查异常",),
        EventType.SANCTION: (
            "制裁", "制裁名单", "制裁清单", "出口管制", "不可靠实体清单", "观察名单",
        ),
        EventType.COMMITMENT_BREACH: ("违背信用承诺", "违诺", "失信承诺"),
    },
)  # fmt: skip

SEVERITY = EnumMap(
    "severity",
    (
        {
            Severity.MINOR: ("一般", "轻微", "较轻"),
            Severity.MAJOR: ("较重",),
            Severity.SERIOUS: ("严重", "情节严重", "重大"),
        }
    ),
)

_R = InspectionResult
INSPECTION_RESULT = EnumMap(
    "inspection result",
    {
        _R.NORMAL: ("正常", "未发现问题", "未发现违法行为", "合格"),
        _R.CORRECTED: ("发现问题已责令改正", "已责令改正", "发现问题已改正", "责令改正"),
        _R.NO_ACTIVITY: ("未发现开展本次抽查涉及的经营活动", "未发现开展抽查涉及的经营活动"),
        _R.UNREACHABLE: (
            "通过登记的住所(经营场所)无法联系", "通过登记的住所无法联系",
            "通过登记的经营场所无法联系", "无法联系", "查无下落",
        ),
        _R.UNCOOPERATIVE: ("不配合检查", "不配合检查情节严重", "拒绝检查"),
        _R.VIOLATION: ("发现问题待后续处理", "违法", "发现违法行为", "发现问题", "不合格"),
    },
    # "未发现…" (nothing found) before "违法" (a violation): "未发现违法行为" is normal
    contains=(
        ("无法联系", _R.UNREACHABLE), ("不配合", _R.UNCOOPERATIVE), ("未发现开展", _R.NO_ACTIVITY),
        ("未发现", _R.NORMAL), ("责令改正", _R.CORRECTED), ("待后续处理", _R.VIOLATION),
        ("违法", _R.VIOLATION),
    ),
)  # fmt: skip

BOOLEAN = EnumMap(
    "yes/no value",
    (
        {
            "true": (
                "是",
                "Y",
                "yes",
                "t",
                "1",
                "有",
                "对",
                "在岗",
                "在职",
                "启用",
                "有效",
                "异议中",
                "有异议",
            ),
            "false": ("否", "N", "no", "f", "0", "错", "离岗", "离职", "停用", "无效", "无异议"),
        }
    ),
)


def booleans(values: pa.StringArray) -> Parsed:
    """是/否, Y/N, true/false, 1/0 (and 在岗/离岗 …) → bool."""
    parsed = BOOLEAN.map(values)
    return Parsed(pc.equal(parsed.values, "true"), parsed.problems)


def kind_from_uscc(uscc: pa.StringArray) -> pa.StringArray:
    """Subject kind from a USCC's registration authority and type (its first two characters).

    1x (机构编制), 2x (外交), Ax (军队) → institution; 5x (民政), 7x (宗教), 8x (工会) → social
    organisation; 92 → individual business; everything else (9x 市场监管, N 农业, Y 其他…)
    → enterprise.
    """
    matrix, lengths = byte_matrix(uscc, 2)
    first, second = matrix[:, 0], matrix[:, 1]
    code = np.zeros(len(uscc), dtype=np.int32)  # index into _KINDS
    code[np.isin(first, np.frombuffer(b"12A", np.uint8))] = 1
    code[np.isin(first, np.frombuffer(b"578", np.uint8))] = 2
    code[(first == ord("9")) & (second == ord("2"))] = 3
    indices = pa.array(code, mask=lengths == 0)
    return as_string_array(_KINDS.take(indices))


_KINDS = pa.array(
    [_K.ENTERPRISE, _K.INSTITUTION, _K.SOCIAL_ORGANISATION, _K.INDIVIDUAL_BUSINESS], pa.string()
)


def roles(values: pa.StringArray) -> tuple[np.ndarray, pa.StringArray, np.ndarray]:
    """Split combined roles: (parent row of each role, the roles, per-row "unknown role" mask)."""
    encoded = pc.dictionary_encode(values)
    assert isinstance(encoded, pa.DictionaryArray)
    split = [
        [ROLE.lookup(p.strip()) for p in ROLE_SEPARATORS.split(v) if p.strip()]
        for v in encoded.dictionary.to_pylist()
    ]
    counts = np.array([len(s) for s in split] + [0], dtype=np.int64)
    unknown_entry = np.array([any(r is None for r in s) or not s for s in split] + [False])
    idx = np.asarray(pc.fill_null(encoded.indices, len(split)).to_numpy(zero_copy_only=False))
    per_row = counts[idx]
    parents = np.repeat(np.arange(len(values)), per_row)
    starts = np.concatenate(([0], np.cumsum(counts)))[idx]
    within = np.arange(per_row.sum()) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    flat = pa.array([r for s in split for r in s] or [], type=pa.string())
    role_values = flat.take(pa.array(np.repeat(starts, per_row) + within)) if len(parents) else flat
    return parents, role_values, unknown_entry[idx]
