// The card's registration sections (工商信息), the time slider over snapshot dates, and a
// person's page. Every party is a link that opens its own card; persons come masked from the
// API unless the key has the pii scope.
import { fill, formatNumber, formatPercent, h, table } from "./dom.js";
import { ROLES, STATUSES, label, tierBadge } from "./labels.js";
import { VOCABULARY } from "./vocabulary.js";

const words = (table) => Object.fromEntries(Object.entries(VOCABULARY[table]).map(([k, w]) => [k, w.zh]));
const NOT_LOADED = words("not_loaded");
const CHANGES = words("change");
const SECTIONS = words("change_section");

export const share = (x) => (x === null || x === undefined ? "未知" : formatPercent(x, 2));
export const money = (x) => (x === null || x === undefined ? "—" : `${formatNumber(x / 1e4, 2)} 万元`);
const when = (d) => d ?? "—";

/** A party (person or firm) as a button that opens its card or page. */
export function party(p, open) {
  return h("button", { type: "button", class: "link party", dataset: { sid: p.sid }, onclick: () => open(p.sid) },
    p.name || p.sid);
}

function stateCell(p) {
  return [p.status && p.status !== "active" ? h("span", { class: "hit-status" }, label(STATUSES, p.status)) : null,
    p.tier ? tierBadge(p.tier) : null];
}

function section(title, id, rows, headers) {
  return [
    h("h3", {}, `${title} (${rows.length})`),
    rows.length ? table(headers, rows, { class: "registry", id }) : h("p", { class: "muted", id }, "无 none"),
  ];
}

/** 工商信息: names of the codes, 法定代表人, 股东, 主要人员, 对外投资, 分支机构, 变更记录. */
export function renderRegistry(element, reg, open) {
  const named = (x) => (x ? h("span", { title: x.code }, x.path.length ? x.path.join(" › ") : x.code) : "—");
  fill(element,
    h("dl", { class: "facts", id: "card-registry-facts" },
      h("dt", {}, "法定代表人"),
      h("dd", { id: "card-legal-rep" }, reg.legal_representatives.length
        ? reg.legal_representatives.map((p) => party(p, open)) : "—"),
      h("dt", {}, "行业 industry"), h("dd", { id: "card-industry" }, named(reg.industry)),
      h("dt", {}, "区划 region"), h("dd", { id: "card-region" }, named(reg.region)),
      reg.head_office ? [h("dt", {}, "隶属企业"), h("dd", {}, party(reg.head_office, open))] : null,
      reg.not_loaded.map((f) => [h("dt", {}, NOT_LOADED[f] ?? f),
        h("dd", { class: "muted", dataset: { field: f } }, "未载入（来源文件无此字段）")]),
    ),
    section("股东信息", "card-shareholders", reg.shareholders.map((s) => [
      party(s, open), share(s.share), money(s.subscribed), when(s.since), stateCell(s),
    ]), ["股东", "持股比例", "认缴出资额", "出资日期", ""]),
    section("主要人员", "card-officers", reg.officers.map((p) => [
      party(p, open), label(ROLES, p.role), when(p.since),
    ]), ["姓名", "职务", "任职日期"]),
    section("对外投资", "card-investments", reg.investments.map((s) => [
      party(s, open), share(s.share), money(s.subscribed), when(s.since), stateCell(s),
    ]), ["被投资企业", "持股比例", "认缴出资额", "出资日期", "状态 / 等级"]),
    section("分支机构", "card-branches", reg.branches.map((b) => [
      party(b, open), label(STATUSES, b.status), when(b.since),
    ]), ["分支机构", "状态", "成立日期"]),
    h("h3", {}, `变更记录 (${reg.changes.reduce((n, d) => n + d.changes.length, 0)})`),
    changeList(reg.changes, open, "card-changes"),
  );
}

function changeText(c) {
  if (c.section === "status") return `${label(STATUSES, c.before)} → ${label(STATUSES, c.after)}`;
  if (c.role) return label(ROLES, c.role);
  if (c.change === "subscribed_changed") return `${money(c.before)} → ${money(c.after)}`;
  if (c.change === "share_changed") return `${share(c.before)} → ${share(c.after)}`;
  if (c.change === "entered" && c.section === "shareholder") return share(c.after);
  if (c.change === "left" && c.section === "shareholder") return share(c.before);
  return "";
}

/** The changes of one or more diffs, each dated by the two snapshot dates around it. */
export function changeList(diffs, open, id) {
  const rows = diffs.flatMap((d) => d.changes.map((c) => [
    `${d.before.as_of} → ${d.after.as_of}`,
    `${SECTIONS[c.section] ?? c.section}${CHANGES[c.change] ?? c.change}`,
    c.sid ? party(c, open) : "",
    changeText(c),
    c.since ? `登记日期 ${c.since}` : "",
  ]));
  if (!rows.length) return h("p", { class: "muted", id }, "快照之间无变更 · no changes between snapshot dates");
  return table(["期间", "变更", "对象", "内容", ""], rows, { class: "registry", id });
}

/** The time slider: pick a snapshot date, see the subject then and what changed since. */
export function renderHistory(element, history, { diff, open }) {
  const versions = history.versions;
  if (versions.length < 2) {
    fill(element, h("h3", {}, "历史 history"),
      h("p", { class: "muted", id: "history-note" },
        `只有一个快照日期（${versions[0]?.as_of ?? "—"}）· one snapshot date: nothing to compare`));
    return;
  }
  const last = versions.length - 1;
  const slider = h("input", { type: "range", id: "history-slider", min: 0, max: last, step: 1, value: 0,
    "aria-label": "快照日期 snapshot date" });
  const out = h("div", { id: "history-diff" });
  const dateLabel = h("strong", { id: "history-date" });
  const show = async () => {
    const picked = versions[Number(slider.value)];
    const latest = versions[last];
    fill(dateLabel, picked.as_of);
    element.dataset.busy = "1";
    try {
      const answer = await diff(picked.as_of, latest.as_of);
      const state = answer.before;
      fill(out,
        h("p", {}, `${picked.as_of}：`, state.present ? label(STATUSES, state.status) : "未登记",
          ` · 股东 ${state.shareholders.length} · 主要人员 ${state.officers.length}`),
        table(["股东", "持股比例", "认缴出资额"], state.shareholders.map((s) => [
          party(s, open), share(s.share), money(s.subscribed)]), { class: "registry", id: "history-holders" }),
        h("p", { class: "muted" }, `与最新快照 ${latest.as_of} 相比 · compared with the latest:`),
        changeList(answer.changes.length ? [answer] : [], open, "history-changes"));
    } finally {
      element.dataset.busy = "0";
    }
  };
  slider.addEventListener("input", show);
  fill(element, h("h3", {}, "历史 history"),
    h("div", { class: "slider" }, versions[0].as_of, slider, versions[last].as_of),
    h("p", {}, "快照日期 ", dateLabel), out);
  return show();
}

/** A person's page: every firm by role and by holding, with the firm's status and tier. */
export function renderPerson(element, page, open) {
  fill(element,
    h("h3", {}, `关联企业 firms (${page.firms})`),
    section("任职", "person-posts", page.posts.map((p) => [
      party(p, open), label(ROLES, p.role), when(p.since), label(STATUSES, p.status), tierBadge(p.tier),
    ]), ["企业", "职务", "任职日期", "状态", "风险等级"]),
    section("持股", "person-holdings", page.holdings.map((s) => [
      party(s, open), share(s.share), money(s.subscribed), label(STATUSES, s.status), tierBadge(s.tier),
    ]), ["企业", "持股比例", "认缴出资额", "状态", "风险等级"]),
  );
}


/** 受益所有人: each person with the rule that found it, the integrated share and a path. */
export function renderBeneficial(element, found, open) {
  const path = (p) => (p ? p.sids.length - 1 : 0);
  fill(element,
    h("h3", {}, `受益所有人 (${found.owners.length})`),
    found.fallback && found.owners.length
      ? h("p", { class: "muted" }, "无人持股达25%或实际控制：以负责日常经营管理的人员为受益所有人") : null,
    found.owners.length
      ? table(["姓名", "依据", "综合持股", "路径"], found.owners.map((o) => [
          party(o, open),
          o.rule_labels.join("；") + (o.role ? `（${label(ROLES, o.role)}）` : ""),
          o.integrated_share === null ? "—" : formatPercent(o.integrated_share, 2),
          o.paths.length ? `${path(o.paths[0])} 层` : "",
        ]), { class: "registry", id: "card-beneficial" })
      : h("p", { class: "muted", id: "card-beneficial" }, "无 none"));
}
