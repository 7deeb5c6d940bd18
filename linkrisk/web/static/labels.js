// Chinese labels (with English where natural) for the codes the API returns.
import { h } from "./dom.js";

export const TIERS = {
  A: { label: "信用风险低", en: "low", color: "#2e7d32" },
  B: { label: "信用风险一般", en: "moderate", color: "#1565c0" },
  C: { label: "信用风险较高", en: "elevated", color: "#ef6c00" },
  D: { label: "信用风险高", en: "high", color: "#c62828" },
};
export const NO_TIER_COLOR = "#9e9e9e";

export const KINDS = {
  enterprise: "企业",
  individual_business: "个体工商户",
  social_organisation: "社会组织",
  institution: "事业单位/机关",
  person: "自然人",
  unknown_org: "未登记组织",
};

export const STATUSES = {
  active: "存续",
  revoked: "吊销",
  cancelled: "注销",
  moved_out: "迁出",
};

export const ROLES = {
  legal_representative: "法定代表人",
  chair: "董事长",
  director: "董事",
  supervisor: "监事",
  manager: "经理",
};

export const EVENT_TYPES = {
  penalty: "行政处罚",
  abnormal_operation: "经营异常名录",
  serious_dishonest: "严重违法失信名单",
  dishonest_debtor: "失信被执行人",
  consumption_restriction: "限制高消费",
  key_attention: "重点关注名单",
  red_list: "守信激励（红名单）",
  inspection_abnormal: "抽查结果异常",
};

export const SEVERITIES = { minor: "一般", major: "较重", serious: "严重" };

export const RESULTS = {
  normal: "正常",
  corrected: "发现问题已责令改正",
  no_activity: "未发现开展本次抽查涉及的经营活动",
  unreachable: "通过登记的住所(经营场所)无法联系",
  uncooperative: "不配合检查",
  violation: "发现问题待后续处理",
};

export const RELATIONS = {
  HOLDS: "持股",
  OFFICER: "任职",
  BRANCH: "分支机构",
  SAME_CONTACT: "疑似关联",
};

export const CONTACTS = { phone: "同电话", email: "同邮箱", address: "同地址" };

export const REASONS = {
  own_events: "自身失信或处罚记录 · own events",
  related_party_risk: "关联方风险 · related-party risk",
  inspection_history: "抽查检查记录 · inspection history",
  registration_status: "登记状态 · registration status",
  red_list: "守信激励 · red list",
};

export const PLAN_STATUSES = {
  created: "已创建",
  drawn: "已抽取",
  assigned: "已分派",
  results: "已录入结果",
  published: "已公示",
};

/** The label of a code in a table, falling back to the code itself. */
export function label(table, code) {
  if (code === undefined || code === null || code === "") return "—";
  return table[code] ?? String(code);
}

export function tierColor(tier) {
  return TIERS[tier]?.color ?? NO_TIER_COLOR;
}

/** The coloured tier badge: "C · 信用风险较高", grey "未评级" without a tier. */
export function tierBadge(tier, tierLabel) {
  if (!tier) return h("span", { class: "tier tier-none" }, "未评级");
  return h(
    "span",
    { class: `tier tier-${tier}`, title: TIERS[tier]?.en ?? "" },
    `${tier} · ${tierLabel || TIERS[tier]?.label || ""}`,
  );
}
