"""Fixed vocabularies of the demo city: industries, kinds, roles, departments, matters, labels.

Values are the Chinese texts regulators' files carry; the loaders map them to the canonical enums
of ``linkrisk.loaders.records``.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkrisk.demo.region import CITY_ABBR, CITY_NAME


@dataclass(frozen=True, slots=True)
class Industry:
    code: str  # GB/T 4754-2017 class: section letter + 4 digits
    words: tuple[str, ...]  # 行业词 in company names
    ent: float  # relative frequency among enterprises
    ib: float  # relative frequency among individual businesses (个体工商户)
    risk: float  # log hazard offset: some trades draw more sanctions
    shops: tuple[str, ...] = ()  # shop words for individual businesses


INDUSTRIES: tuple[Industry, ...] = (
    Industry("A0141", ("农业开发", "生态农业"), 1.5, 0.5, -0.1, ("种植园",)),
    Industry("A0311", ("畜牧养殖", "养殖"), 0.8, 0.4, 0.0, ("养殖场",)),
    Industry("C1431", ("食品", "面业"), 1.0, 0.5, 0.1, ("面粉加工坊",)),
    Industry("C1810", ("服饰", "服装制造"), 1.0, 0.3, 0.0, ("服装加工厂",)),
    Industry("C2231", ("包装材料", "纸制品"), 0.7, 0.0, 0.1),
    Industry("C2927", ("塑料制品", "塑业"), 0.7, 0.0, 0.1),
    Industry("C3311", ("钢结构", "金属制品"), 0.8, 0.2, 0.2, ("铁艺加工部",)),
    Industry("E4710", ("建筑工程", "建设工程"), 2.5, 0.0, 0.35),
    Industry("E5012", ("装饰工程", "装饰设计"), 2.5, 1.0, 0.25, ("装饰部",)),
    Industry("F5121", ("粮油", "农副产品"), 2.0, 1.0, 0.05, ("粮油店",)),
    Industry("F5181", ("贸易", "国际贸易"), 3.0, 0.0, 0.35),
    Industry("F5191", ("再生资源", "物资回收"), 1.0, 1.0, 0.4, ("废品收购站",)),
    Industry("F5199", ("商贸", "实业"), 5.0, 0.0, 0.3),
    Industry("F5211", ("百货", "商贸"), 1.0, 6.0, 0.0, ("百货店", "日杂店")),
    Industry("F5212", ("超市", "商业连锁"), 0.7, 5.0, 0.05, ("便利店", "超市")),
    Industry("F5232", ("服饰",), 0.8, 4.0, 0.0, ("服装店",)),
    Industry("F5261", ("汽车销售", "汽车贸易"), 0.8, 0.0, 0.15),
    Industry("F5271", ("五金机电",), 0.6, 2.5, 0.0, ("五金店",)),
    Industry("G5431", ("物流", "运输"), 2.0, 1.5, 0.3, ("货运部",)),
    Industry("H6110", ("酒店管理", "宾馆"), 0.6, 0.5, 0.1, ("宾馆",)),
    Industry("H6210", ("餐饮管理", "餐饮服务"), 1.5, 6.0, 0.15, ("饭店", "餐馆", "面馆")),
    Industry("H6291", ("小吃", "餐饮"), 0.3, 5.0, 0.1, ("小吃店", "早餐店")),
    Industry("I6513", ("网络科技", "软件科技"), 2.5, 0.0, 0.2),
    Industry("I6531", ("信息技术", "智能科技"), 1.5, 0.0, 0.15),
    Industry("K7010", ("房地产开发", "置业"), 1.0, 0.0, 0.45),
    Industry("K7020", ("物业服务", "物业管理"), 1.0, 0.0, 0.1),
    Industry("K7030", ("房产经纪", "房地产营销策划"), 0.6, 1.0, 0.3, ("房屋中介部",)),
    Industry("L7211", ("控股", "实业集团"), 0.0, 0.0, 0.3),
    Industry("L7212", ("投资管理", "资产管理"), 1.0, 0.0, 0.5),
    Industry("L7224", ("供应链管理",), 1.0, 0.0, 0.45),
    Industry("L7241", ("财务咨询", "财税服务"), 0.8, 0.5, 0.1, ("代账服务部",)),
    Industry("L7243", ("企业管理咨询", "商务信息咨询"), 3.0, 0.0, 0.4),
    Industry("L7251", ("广告传媒", "文化传媒"), 1.5, 0.5, 0.25, ("广告部",)),
    Industry("L7263", ("劳务派遣", "人力资源"), 1.0, 0.0, 0.35),
    Industry("M7320", ("科技", "技术开发"), 1.5, 0.0, 0.15),
    Industry("N7721", ("环保科技", "环境工程"), 0.6, 0.0, 0.25),
    Industry("O8010", ("家政服务",), 0.6, 2.0, 0.05, ("家政服务部",)),
    Industry("O8051", ("美容美发",), 0.3, 3.0, 0.05, ("理发店", "美容店")),
    Industry("O8111", ("汽车服务", "汽车维修"), 0.8, 3.0, 0.1, ("汽修部", "汽车美容店")),
    Industry("P8391", ("教育咨询", "职业培训"), 0.8, 0.3, 0.2, ("培训部",)),
)
INDUSTRY_INDEX = {ind.code: i for i, ind in enumerate(INDUSTRIES)}
HOLDCO_INDUSTRIES = ("L7211", "L7212")
SHELL_INDUSTRIES = ("F5181", "F5199", "L7243", "L7224", "I6513", "L7212", "M7320")

# social organisations and institutions: (USCC prefix, industry code, name word)
NONPROFIT_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("51", "S9522", ("个体劳动者协会", "餐饮行业协会", "摄影家协会", "电子商务协会", "商会")),
    ("52", "P8391", ("职业培训学校", "养老服务中心", "社会工作服务中心", "幼儿园")),
    ("53", "S9530", ("慈善基金会", "教育基金会")),
    ("12", "P8321", ("中心小学", "卫生院", "文化站", "农业综合服务站")),
)

# 主体类型 texts as they appear in registration exports
KIND_LABELS = {
    "sole": "有限责任公司(自然人独资)",
    "persons": "有限责任公司(自然人投资或控股)",
    "corporate": "有限责任公司(非自然人投资或控股的法人独资)",
    "joint_stock": "股份有限公司(非上市、自然人投资或控股)",
    "foreign": "有限责任公司(外商投资企业与内资合资)",
    "branch": "有限责任公司分公司(自然人投资或控股)",
    "ib": "个体工商户",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "12": "事业单位",
}

# 登记状态 texts; the first of each list is the most common spelling
STATUS_LABELS: dict[str, tuple[str, ...]] = {
    "active": ("存续", "在业", "存续（在营、开业、在册）"),
    "revoked": ("吊销", "吊销，未注销"),
    "cancelled": ("注销",),
    "moved_out": ("迁出",),
}

ROLES = ("法定代表人", "执行董事", "董事长", "董事", "监事", "经理", "总经理", "负责人")
LEGAL, EXEC_DIRECTOR, CHAIR, DIRECTOR, SUPERVISOR, MANAGER, GENERAL_MANAGER, HEAD = range(8)

HOLDER_TYPES = ("自然人股东", "企业法人", "外国(地区)企业")
PERSON_HOLDER, ORG_HOLDER, FOREIGN_HOLDER = range(3)


@dataclass(frozen=True, slots=True)
class Department:
    code: str  # used in plan ids
    name: str  # 所属部门 / 检查部门 / 决定机关
    penalty_prefix: str  # 决定书文号 prefix, e.g. 澜市监罚
    matters: tuple[str, ...]  # 检查事项 codes this department inspects
    share: float  # share of the city's inspectors
    sections: str  # industry sections it inspects ("" = all)


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "SCJG",
        f"{CITY_NAME}市场监督管理局",
        f"{CITY_ABBR}市监罚",
        ("M01", "M02", "M03", "M04", "M05"),
        0.50,
        "",
    ),
    Department(
        "SW", f"国家税务总局{CITY_NAME}税务局", f"{CITY_ABBR}税稽罚", ("M06", "M07"), 0.15, ""
    ),
    Department("JT", f"{CITY_NAME}交通运输局", f"{CITY_ABBR}交罚", ("M08", "M09"), 0.12, "G"),
    Department("HJ", f"{CITY_NAME}生态环境局", f"{CITY_ABBR}环罚", ("M10", "M11"), 0.12, "CEN"),
    Department("YJ", f"{CITY_NAME}应急管理局", f"{CITY_ABBR}应急罚", ("M12", "M13"), 0.11, "CE"),
)

MATTERS = {
    "M01": "登记事项检查",
    "M02": "年度报告公示信息检查",
    "M03": "食品经营行为检查",
    "M04": "产品质量检查",
    "M05": "广告发布行为检查",
    "M06": "发票使用情况检查",
    "M07": "纳税申报情况检查",
    "M08": "道路运输经营资质检查",
    "M09": "营运车辆安全检查",
    "M10": "排污许可执行情况检查",
    "M11": "危险废物规范化管理检查",
    "M12": "安全生产条件检查",
    "M13": "危险化学品安全检查",
}

INSPECTION_RESULTS = (
    "正常",
    "发现问题已责令改正",
    "未发现开展本次抽查涉及的经营活动",
    "通过登记的住所(经营场所)无法联系",
    "不配合检查",
)
NORMAL, CORRECTED, NO_ACTIVITY, UNREACHABLE, UNCOOPERATIVE = range(5)

EVENT_LABELS = (
    "行政处罚",
    "经营异常名录",
    "严重违法失信名单",
    "失信被执行人",
    "限制高消费",
    "重点关注名单",
    "红名单",
)
PENALTY, ABNORMAL, SERIOUS_DISHONEST, DEBTOR, RESTRICTION, KEY_ATTENTION, RED_LIST = range(7)
SEVERITIES = ("一般", "较重", "严重")

# 处罚事由 by the department that decides the penalty
PENALTY_REASONS: dict[str, tuple[str, ...]] = {
    "SCJG": (
        "未按规定明码标价",
        "销售不符合食品安全标准的食品",
        "虚假宣传",
        "无照经营",
        "销售不合格产品",
        "使用未经检验的特种设备",
    ),
    "SW": ("未按规定开具发票", "未按期进行纳税申报"),
    "JT": ("超限超载运输", "未取得道路运输经营许可擅自从事经营"),
    "HJ": ("未按规定取得排污许可", "超标排放污染物"),
    "YJ": ("安全生产违法行为", "未按规定开展安全生产教育培训"),
}
REASONS: dict[int, tuple[str, ...]] = {
    PENALTY: tuple(r for d in DEPARTMENTS for r in PENALTY_REASONS[d.code]),
    ABNORMAL: (
        "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告",
        "通过登记的住所或者经营场所无法联系",
        "公示企业信息隐瞒真实情况、弄虚作假",
        "未按照《企业信息公示暂行条例》第十条规定的期限公示有关企业信息",
    ),
    SERIOUS_DISHONEST: (
        "被列入经营异常名录届满3年仍未履行相关义务",
        "提交虚假材料或者采取其他欺诈手段隐瞒重要事实取得公司登记",
        "因严重违法行为受到较重行政处罚",
    ),
    DEBTOR: ("有履行能力而拒不履行生效法律文书确定义务", "违反财产报告制度", "违反限制消费令"),
    RESTRICTION: ("未按执行通知书指定的期间履行生效法律文书确定的给付义务",),
    KEY_ATTENTION: ("存在失信行为被列为重点关注对象", "经营异常情形较多"),
    RED_LIST: ("纳税信用A级纳税人", "守合同重信用企业", "诚信经营示范单位"),
}
