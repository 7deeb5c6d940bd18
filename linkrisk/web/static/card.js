// The subject card: attributes, tier, score, reasons, events and the score's explanation.
import { fill, formatNumber, formatPercent, h, table } from "./dom.js";
import {
  EVENT_TYPES,
  KINDS,
  REASONS,
  RELATIONS,
  SEVERITIES,
  STATUSES,
  label,
  tierBadge,
} from "./labels.js";

export function renderCard(element, card, showInGraph) {
  const capital = card.capital == null ? null : `${formatNumber(card.capital / 1e4, 1)} 万元`;
  const facts = [
    ["统一代码 / 主体标识", card.sid],
    ["类型 kind", label(KINDS, card.kind)],
    ["状态 status", label(STATUSES, card.status)],
    ["成立日期", card.reg_date],
    ["行业 industry", card.industry],
    ["区划 region", card.region],
    ["注册资本 capital", capital],
    ["证件 ID", card.id_masked],
    ["地址 address", card.address],
    ["电话 phone", card.phone],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  const events = card.events ?? [];
  fill(
    element,
    h("header", { class: "card-head" },
      h("h2", { id: "card-name" }, card.name || card.sid),
      tierBadge(card.tier, card.tier_label)),
    h("p", { class: "score" }, "风险评分 score ",
      h("strong", { id: "card-score" }, formatNumber(card.score, 3)),
      h("span", { class: "muted" }, ` · 截至 ${card.as_of ?? ""} · 快照 ${card.snapshot ?? ""}`)),
    h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "原因 reasons"),
    (card.reasons ?? []).length
      ? h("ul", { class: "reasons", id: "card-reasons" }, card.reasons.map((r) =>
          h("li", { dataset: { code: r.code } }, r.label || label(REASONS, r.code))))
      : h("p", { class: "muted" }, "无 none"),
    h("h3", {}, `记录 events (${events.length})`),
    events.length
      ? table(
          ["类型", "程度", "决定日期", "机关 / 文号", "状态"],
          events.map((e) => [
            label(EVENT_TYPES, e.type),
            e.severity ? label(SEVERITIES, e.severity) : "",
            e.decision_date ?? "",
            [e.authority, e.decision_no].filter(Boolean).join(" "),
            e.active
              ? h("span", { class: "active-event" }, "有效")
              : h("span", { class: "muted" }, e.repair_date ? `已修复 ${e.repair_date}` : "已失效"),
          ]),
          { class: "events", id: "card-events" },
        )
      : h("p", { class: "muted" }, "无 none"),
    renderExplanation(card.explanation, showInGraph),
  );
}

function renderExplanation(explanation, showInGraph) {
  if (!explanation) return null;
  const paths = explanation.paths ?? [];
  const share = (x) => (explanation.total > 0 ? formatPercent(x / explanation.total, 0) : "—");
  return [
    h("h3", {}, "评分构成 score explanation"),
    h("p", { class: "muted" },
      `自身风险 intrinsic ${formatNumber(explanation.intrinsic, 3)}（${share(explanation.intrinsic)}）· ` +
      `关联风险 related ${formatNumber(explanation.related, 3)}（${share(explanation.related)}）`),
    paths.length
      ? h("ol", { class: "explanation", id: "card-explanation" }, paths.map((p) => h("li", {}, explainPath(p))))
      : null,
    paths.length
      ? h("button", { type: "button", id: "show-explanation", onclick: showInGraph },
          "在图中显示风险来源 show in graph")
      : null,
  ];
}

/** One explanation path in words: source (its events) → relation → … → 本主体, contribution. */
function explainPath(path) {
  const subject = (sid) => h("span", { class: "sid", title: sid, dataset: { sid } }, sid);
  const parts = [subject(path.source)];
  for (const step of path.steps ?? []) {
    const rel = RELATIONS[step.relation] ?? step.relation;
    parts.push(` —${rel}${step.direction === "reverse" ? "(反向)" : ""}→ `);
    parts.push(step === path.steps.at(-1) ? "本主体" : subject(step.dst));
  }
  const events = (path.events ?? []).map((e) =>
    `${label(EVENT_TYPES, e.type)}${e.severity ? `(${label(SEVERITIES, e.severity)})` : ""} ${e.date}`);
  return h("span", {}, parts,
    events.length ? h("span", { class: "muted" }, `；来源记录：${events.join("，")}`) : null,
    h("span", { class: "contribution" }, ` 贡献 ${formatNumber(path.contribution, 4)}`));
}
