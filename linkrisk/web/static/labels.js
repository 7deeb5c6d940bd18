// Chinese labels for the codes the API returns. The words come from vocabulary.js, generated from
// linkrisk/vocabulary.py: the command line and the API's *_label fields use the same tables.
import { formatPercent, h } from "./dom.js";
import { VOCABULARY } from "./vocabulary.js";

/** code → Chinese label of one vocabulary table. */
function zh(table) {
  return Object.fromEntries(Object.entries(VOCABULARY[table]).map(([code, w]) => [code, w.zh]));
}

const TIER_COLORS = { A: "#2e7d32", B: "#1565c0", C: "#ef6c00", D: "#c62828" };
export const TIERS = Object.fromEntries(
  Object.entries(VOCABULARY.tier).map(([t, w]) => [t, { label: w.zh, en: w.en, color: TIER_COLORS[t] }]),
);
export const NO_TIER_COLOR = "#9e9e9e";

export const KINDS = zh("kind");
export const STATUSES = zh("status");
export const ROLES = zh("role");
export const EVENT_TYPES = zh("event_type");
export const SEVERITIES = zh("severity");
export const RESULTS = zh("result");
export const RELATIONS = zh("relation");
export const CONTACTS = zh("contact");
export const REASONS = zh("reason");
export const PLAN_STATUSES = zh("plan_status");
export const WORDS = zh("words");

/** A holding's caption: "持股 35.0%", or "持股 比例未知" when no share is recorded (never 0.0%). */
export function holdingCaption(share) {
  return `${RELATIONS.HOLDS} ${formatPercent(share) || WORDS.share_unknown}`;
}

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
