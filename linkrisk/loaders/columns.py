"""Source file kinds and the header names regulators' files use for each field.

A source file is one of the kinds below. Its headers may be Chinese or English; each source field
lists the aliases that map to it (compared after normalisation: full-width → half-width, case and
surrounding whitespace ignored). A deployment can add aliases in a TOML file
(``LINKRISK_COLUMN_MAP``, see README) without touching code.

Source fields are *raw* fields (as the file has them); ``linkrisk.loaders.validate`` turns them
into the canonical tables of ``linkrisk.loaders.records``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SourceKind(StrEnum):
    ORGS = "orgs"  # 市场主体登记信息
    HOLDINGS = "holdings"  # 股东及出资信息
    OFFICERS = "officers"  # 主要人员信息
    BRANCHES = "branches"  # 分支机构信息
    EVENTS = "events"  # 行政处罚 / 经营异常 / 严重违法失信 / 失信被执行人 / 红名单 …
    INSPECTIONS = "inspections"  # 双随机抽查结果
    INSPECTORS = "inspectors"  # 执法检查人员名录库


@dataclass(frozen=True, slots=True)
class SourceField:
    name: str
    aliases: tuple[str, ...]
    required: bool = False


def _f(name: str, *aliases: str, required: bool = False) -> SourceField:
    return SourceField(name, (name, *aliases), required)


SOURCE_FIELDS: dict[SourceKind, tuple[SourceField, ...]] = {
    SourceKind.ORGS: (
        _f("uscc", "统一社会信用代码", "信用代码", "credit_code", required=True),
        _f("name", "企业名称", "主体名称", "名称", "org_name", required=True),
        _f("kind", "主体类型", "市场主体类型", "subject_kind"),
        _f("reg_date", "成立日期", "注册日期", "登记日期", "established"),
        _f("status", "登记状态", "经营状态", "企业状态"),
        _f("industry", "行业代码", "国民经济行业代码", "industry_code"),
        _f("region", "行政区划代码", "所在地区划代码", "区划代码", "region_code"),
        _f("capital", "注册资本", "注册资本(万元)", "registered_capital"),
        _f("address", "住所", "经营场所", "地址", "注册地址"),
        _f("phone", "联系电话", "电话", "telephone"),
        _f("email", "电子邮箱", "邮箱", "e_mail"),
    ),
    SourceKind.HOLDINGS: (
        _f(
            "org_uscc",
            "统一社会信用代码",
            "企业统一社会信用代码",
            "被投资企业统一社会信用代码",
            "被投资企业注册号",
            required=True,
        ),
        _f("org_id_type", "被投资企业证照类型", "被投资企业证件类型"),
        _f("org_country", "被投资企业国别", "被投资企业注册地"),
        _f("holder_name", "股东名称", "股东", "出资人", "shareholder", required=True),
        _f("holder_type", "股东类型", "出资人类型", "shareholder_type"),
        _f(
            "holder_id",
            "股东证照号码",
            "股东证件号码",
            "证照/证件号码",
            "股东统一社会信用代码",
            "shareholder_id",
        ),
        _f("holder_id_type", "股东证件类型", "股东证照类型", "证照类型", "证件类型", "id_type"),
        _f("holder_country", "股东国别", "国别", "国籍", "国别(地区)", "注册地", "country"),
        _f("share", "持股比例", "出资比例", "share_pct", "percentage"),
        _f("subscribed", "认缴出资额", "认缴出资额(万元)", "subscribed_amount"),
        _f("start_date", "认缴出资日期", "出资日期", "入股日期", "since"),
        _f("end_date", "退出日期", "转让日期", "until"),
    ),
    SourceKind.OFFICERS: (
        _f("org_uscc", "统一社会信用代码", "企业统一社会信用代码", required=True),
        _f("person_name", "姓名", "人员姓名", "name", required=True),
        _f("person_id", "证件号码", "身份证号码", "id_number"),
        _f("person_id_type", "证件类型", "id_type"),
        _f("person_country", "国籍", "国别", "country"),
        _f("role", "职务", "职位", "position", required=True),
        _f("start_date", "任职日期", "任职起始日期", "since"),
        _f("end_date", "离任日期", "任职终止日期", "until"),
    ),
    SourceKind.BRANCHES: (
        _f(
            "parent_uscc",
            "隶属企业统一社会信用代码",
            "总公司统一社会信用代码",
            "parent",
            required=True,
        ),
        _f("branch_uscc", "分支机构统一社会信用代码", "分支机构信用代码", "branch", required=True),
        _f("start_date", "成立日期", "设立日期", "since"),
        _f("end_date", "注销日期", "until"),
    ),
    SourceKind.EVENTS: (
        _f(
            "subject_id",
            "统一社会信用代码",
            "当事人证件号码",
            "证件号码",
            "当事人统一社会信用代码",
            required=True,
        ),
        _f("subject_name", "当事人名称", "主体名称", "企业名称", "被执行人姓名/名称"),
        _f("subject_id_type", "当事人证件类型", "证件类型", "id_type"),
        _f("subject_country", "国别", "国籍", "country"),
        _f("event_type", "类别", "信息类别", "名单类型", "type", required=True),
        _f("severity", "处罚严重程度", "严重程度", "情节"),
        _f("authority", "决定机关", "作出决定机关", "列入机关", "执行法院"),
        _f("decision_no", "处罚决定书文号", "决定书文号", "文书号", "执行依据文号", "案号"),
        _f(
            "decision_date",
            "决定日期",
            "处罚决定日期",
            "列入日期",
            "立案日期",
            "认定日期",
            required=True,
        ),
        _f("disclosure_end", "公示截止日期", "公示期限", "有效期至"),
        _f("repair_date", "信用修复日期", "移出日期", "修复日期"),
        _f("objection", "异议", "异议状态"),
        _f("reason", "事由", "处罚事由", "列入原因", "违法行为类型"),
    ),
    SourceKind.INSPECTIONS: (
        _f("plan_id", "抽查计划编号", "计划编号", "任务编号", required=True),
        _f("uscc", "统一社会信用代码", required=True),
        _f("inspect_date", "检查日期", "检查完成日期", "抽查日期", required=True),
        _f("matter", "检查事项", "抽查事项"),
        _f("result", "检查结果", "抽查结果", required=True),
        _f("inspectors", "执法人员", "检查人员编号", "执法证号"),
        _f("department", "检查部门", "检查机关", "实施部门"),
    ),
    SourceKind.INSPECTORS: (
        _f("inspector_id", "执法证号", "人员编号", "执法人员编号", required=True),
        _f("name", "姓名", "执法人员姓名"),
        _f("id_number", "身份证号码", "证件号码"),
        _f("department", "所属部门", "部门", "单位", required=True),
        _f("region", "行政区划代码", "区划代码"),
        _f("qualifications", "检查事项资格", "可检查事项", "执法领域"),
        _f("active", "在岗", "状态", "是否在岗"),
    ),
}
