"""The words people read for the codes linkrisk stores: one table per kind of code, zh and en.

The command line (``--lang zh|en``, Chinese by default), the API's ``*_label`` fields and the web
page (``linkrisk/web/static/vocabulary.js``, generated from this module by ``python -m
linkrisk.vocabulary``; a test keeps the two equal) all read these tables, so a code is called
the same everywhere. The codes themselves (``enterprise``, ``HOLDS``, ``dishonest_debtor``) stay
what the store, the API's JSON and ``--json`` output carry; tests check that every code of the
enums has a label here.

A leaf module: it imports no other linkrisk package, so every layer may use it.
"""

from __future__ import annotations

import json
import math
import sys

LANGS = ("zh", "en")

#: table → code → (zh, en)
TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {
        "enterprise": ("企业", "enterprise"),
        "individual_business": ("个体工商户", "individual business"),
        "social_organisation": ("社会组织", "social organisation"),
        "institution": ("事业单位/机关", "institution"),
        "person": ("自然人", "person"),
        "unknown_org": ("未登记组织", "unregistered organisation"),
        "foreign_org": ("境外组织", "organisation registered abroad"),
    },
    "status": {
        "active": ("存续", "active"),
        "revoked": ("吊销", "revoked"),
        "cancelled": ("注销", "cancelled"),
        "moved_out": ("迁出", "moved out"),
    },
    "relation": {
        "HOLDS": ("持股", "holds"),
        "OFFICER": ("任职", "officer"),
        "BRANCH": ("分支机构", "branch"),
        "SAME_CONTACT": ("疑似关联", "shared contact"),
    },
    "role": {
        "legal_representative": ("法定代表人", "legal representative"),
        "chair": ("董事长", "chair"),
        "director": ("董事", "director"),
        "supervisor": ("监事", "supervisor"),
        "manager": ("经理", "manager"),
    },
    "contact": {
        "phone": ("同电话", "same phone"),
        "email": ("同邮箱", "same email"),
        "address": ("同地址", "same address"),
    },
    "event_type": {
        "penalty": ("行政处罚", "administrative penalty"),
        "abnormal_operation": ("经营异常名录", "abnormal operation list"),
        "serious_dishonest": ("严重违法失信名单", "serious illegal and dishonest list"),
        "dishonest_debtor": ("失信被执行人", "dishonest judgment debtor"),
        "consumption_restriction": ("限制高消费", "high-consumption restriction"),
        "key_attention": ("重点关注名单", "key attention list"),
        "red_list": ("守信激励（红名单）", "red list (honours)"),
        "inspection_abnormal": ("抽查结果异常", "abnormal inspection result"),
        "sanction": ("制裁名单", "sanctions list"),
        "commitment_breach": ("违背信用承诺", "broken credit commitment"),
    },
    "severity": {
        "minor": ("一般", "minor"),
        "major": ("较重", "major"),
        "serious": ("严重", "serious"),
    },
    "event_state": {
        "in_force": ("有效", "in force"),
        "repaired": ("已修复", "repaired"),
        "expired": ("已过公示期", "past its disclosure period"),
    },
    "result": {
        "normal": ("正常", "normal"),
        "corrected": ("发现问题已责令改正", "problems found and corrected"),
        "no_activity": ("未发现开展本次抽查涉及的经营活动", "no activity of this inspection found"),
        "unreachable": (
            "通过登记的住所(经营场所)无法联系",
            "unreachable at the registered address",
        ),
        "uncooperative": ("不配合检查", "did not cooperate"),
        "violation": ("发现问题待后续处理", "problems found, follow-up pending"),
    },
    "tier": {
        "A": ("信用风险低", "low risk"),
        "B": ("信用风险一般", "moderate risk"),
        "C": ("信用风险较高", "elevated risk"),
        "D": ("信用风险高", "high risk"),
    },
    "reason": {
        "own_events": ("自身失信、处罚或名单记录", "own penalties and list entries"),
        "related_party_risk": (
            "关联方风险",
            "risk of related parties (owners, officers, shared contacts)",
        ),
        "inspection_history": ("以往检查结果异常", "abnormal results in earlier inspections"),
        "registration_status": ("登记状态异常", "registration status (licence revoked, moved out)"),
        "red_list": ("守信激励(红名单)记录,降低风险", "red-list (good credit) record, lowers risk"),
    },
    "controller": {
        "ownership": ("持股", "ownership"),
        "largest shareholder": ("第一大股东", "largest shareholder"),
        "legal representative": ("法定代表人", "legal representative"),
        "chair": ("董事长", "chair"),
    },
    # issue 19: history, 受益所有人, 风险扫描
    "change": {
        "entered": ("新增", "entered"),
        "left": ("退出", "left"),
        "share_changed": ("持股比例变更", "share changed"),
        "subscribed_changed": ("认缴出资额变更", "subscribed capital changed"),
        "status_changed": ("登记状态变更", "status changed"),
    },
    "change_section": {
        "subject": ("主体", "subject"),
        "status": ("状态", "status"),
        "shareholder": ("股东", "shareholder"),
        "officer": ("主要人员", "officer"),
    },
    "bo_rule": {
        "ownership": ("直接或间接拥有25%以上股权或收益权", "owns ≥ 25% (integrated)"),
        "control": ("通过多数持股链实际控制", "controls through majority holdings"),
        "senior_manager": ("无上述人员时，负责日常经营管理的人员", "runs the daily business"),
    },
    "discrepancy": {
        "not_filed": ("未备案（计算为受益所有人）", "not filed (a beneficial owner by the graph)"),
        "not_found": ("已备案但不是受益所有人", "filed, not a beneficial owner by the graph"),
        "share_differs": ("比例不一致", "share differs"),
    },
    "scan_section": {
        "own": ("自身风险", "own records"),
        "around": ("周边风险", "listed subjects nearby"),
        "alerts": ("预警", "open alerts"),
    },
    "alert_kind": {
        "event": ("新增记录", "new record"),
        "tier": ("风险等级变化", "tier change"),
        "ownership": ("股权变更", "ownership change"),
        "officer": ("高管变更", "officer change"),
        "status": ("登记状态变化", "status change"),
    },
    "not_loaded": {
        "business_scope": ("经营范围", "business scope"),
        "paid_in": ("实缴出资额", "paid-in capital"),
    },
    "plan_status": {
        "created": ("已创建", "created"),
        "drawn": ("已抽取", "drawn"),
        "assigned": ("已分派", "assigned"),
        "results": ("已录入结果", "results recorded"),
        "published": ("已公示", "published"),
    },
    "pick": {
        "random": ("随机抽取", "random draw"),
        "mandatory": ("必查", "mandatory"),
    },
    "matched": {
        "uscc": ("统一社会信用代码", "USCC"),
        "name": ("名称", "name"),
        "pinyin": ("拼音", "pinyin"),
        "initials": ("拼音首字母", "initials"),
        "fuzzy": ("近似", "similar"),
    },
}

#: words around the labels (units, "none")
WORDS: dict[str, tuple[str, str]] = {
    "wan_yuan": ("万元", "10k yuan"),
    "none": ("无", "none"),
    "authority": ("机关", "authority"),
    "decision_no": ("文号", "decision no."),
    "share_unknown": ("比例未知", "share unknown"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use zh or en")
    return lang


def label(table: str, code: object, lang: str = "zh") -> str:
    """The word for ``code`` in ``table``; an unknown code is shown as itself, None as empty."""
    if code is None or code == "":
        return ""
    entry = TABLES[table].get(str(code))
    return str(code) if entry is None else entry[LANGS.index(check_lang(lang))]


def both(table: str, code: object) -> str:
    """``信用风险高 (high risk)``: the Chinese label with the English one (the API's style)."""
    entry = TABLES[table].get(str(code))
    return str(code) if entry is None else f"{entry[0]} ({entry[1]})"


def word(name: str, lang: str = "zh") -> str:
    return WORDS[name][LANGS.index(check_lang(lang))]


def capital(yuan: float | None, lang: str = "zh") -> str:
    """Registered capital as people write it: ``1,000 万元`` (10,000,000 yuan)."""
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return ""
    wan = yuan / 10_000
    text = f"{wan:,.0f}" if wan == int(wan) else f"{wan:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {word('wan_yuan', lang)}"


def as_json() -> dict[str, dict[str, dict[str, str]]]:
    """Every table as ``{table: {code: {"zh": …, "en": …}}}`` (what the web page reads)."""
    tables = {**TABLES, "words": WORDS}
    return {
        name: {code: dict(zip(LANGS, words, strict=True)) for code, words in table.items()}
        for name, table in tables.items()
    }


def javascript() -> str:
    """The web page's ``vocabulary.js``: the same tables as an ES module."""
    body = json.dumps(as_json(), ensure_ascii=False, indent=2)
    return (
        "// Generated by `python -m linkrisk.vocabulary > linkrisk/web/static/vocabulary.js`"
        " from linkrisk/vocabulary.py.\n// Do not edit: tests/test_vocabulary.py checks that"
        " the two are equal.\n"
        f"export const VOCABULARY = {body};\n"
    )


if __name__ == "__main__":  # pragma: no cover - the generator of vocabulary.js
    sys.stdout.write(javascript())
