// The regulator's view of 双随机、一公开 plans: the list, then one plan's draw, teams (with 回避
// skips and reasons), results, publication files and the re-verification of its draw.
import { api } from "./api.js";
import { $, download, fill, formatNumber, formatPercent, h, table } from "./dom.js";
import { KINDS, PLAN_STATUSES, label, tierBadge } from "./labels.js";

const TIER_LETTERS = ["A", "B", "C", "D"];
const STEPS = ["created", "drawn", "assigned", "results", "published"];
const FILES = {
  results_csv: "公示结果 CSV",
  xlsx: "公示 XLSX",
  plan_csv: "计划 CSV",
  announce_json: "计划公告 announce.json",
  verify_json: "公开验证材料 verify.json",
};

// The sampling package states conflicts in English; the page says them in Chinese.
const SKIP_REASONS = [
  [/^is the subject$/, () => "本人即检查对象"],
  [/^shareholder of the subject$/, () => "系检查对象股东"],
  [/^officer of the subject$/, () => "系检查对象高管"],
  [/^related in 1 hop \((\w+)\)$/, (m) => `一跳关联（${m[1]}）`],
  [/^related in 2 hops via (.+)$/, (m) => `经 ${m[1]} 两跳关联`],
  [/^inspected this subject in the previous round$/, () => "上一轮检查过该对象"],
  [/^capacity: (\d+) inspector\(s\) at the limit of (\d+) subjects$/,
    (m) => `${m[1]} 名检查人员已达 ${m[2]} 户上限`],
];

export function skipReason(reason) {
  for (const [pattern, say] of SKIP_REASONS) {
    const match = pattern.exec(reason);
    if (match) return `${say(match)}`;
  }
  return reason;
}

/** RFC 4180 CSV (quoted fields, doubled quotes) → rows of strings. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function when(value) {
  return value ? String(value).replace("T", " ").replace(/\+00:00$|Z$/, "") : "—";
}

function reached(plan, step) {
  return STEPS.indexOf(plan.status) >= STEPS.indexOf(step);
}

export class Regulator {
  constructor(root, { say, navigate }) {
    this.root = root;
    this.say = say;
    this.navigate = navigate;
    this.registry = null; // inspector id → {name, department}
    this.matters = null; // matter code → name (the 抽查事项清单)
    $("#plans-refresh", root).addEventListener("click", () => this.list());
    $("#dashboard-by", root).addEventListener("change", () => this.dashboard());
    $("#plan-create", root).addEventListener("submit", (event) => {
      event.preventDefault();
      this.create(new FormData(event.target));
    });
  }

  async busy(work) {
    this.root.dataset.busy = "1";
    try {
      return await work();
    } catch (error) {
      this.say(error);
      return undefined;
    } finally {
      this.root.dataset.busy = "0";
    }
  }

  list() {
    const body = $("#plans", this.root);
    fill(body, h("p", { class: "muted" }, "加载中…"));
    return this.busy(async () => {
      const plans = await api.plans();
      if (!plans.length) {
        fill(body, h("p", { class: "muted" }, "暂无抽查计划 · no plans yet"));
        await this.dashboard();
        return;
      }
      fill(body, table(
        ["计划编号", "名称", "状态", "部门", "名录 frame", "抽取 drawn", "创建时间"],
        plans.map((p) => [
          h("a", { href: `#/plans/${encodeURIComponent(p.plan_id)}`, class: "plan-link", dataset: { plan: p.plan_id } }, p.plan_id),
          p.name,
          h("span", { class: `status status-${p.status}` }, label(PLAN_STATUSES, p.status)),
          (p.params?.departments ?? []).join("、"),
          formatNumber(p.frame_size),
          reached(p, "drawn") ? formatNumber(sum(Object.values(p.stats?.selected ?? {})) + (p.stats?.selected_mandatory ?? 0)) : "—",
          when(p.created_at),
        ]),
        { class: "plans", id: "plans-table" },
      ));
      await this.dashboard();
    });
  }

  /** Create (and seal) a plan from the form: the same call as `linkrisk sampling create`. */
  create(form) {
    const list = (name) => String(form.get(name) || "").split(/[,，、\s]+/).filter(Boolean);
    const ratios = Object.fromEntries(TIER_LETTERS.map((t) => [t, String(form.get(`ratio_${t}`) || "")]).filter(([, v]) => v));
    const body = {
      plan_id: form.get("plan_id"), name: form.get("name"),
      departments: list("departments"), matters: list("matters"),
      inspect_start: form.get("inspect_start"), inspect_end: form.get("inspect_end"),
      region_prefix: form.get("region_prefix") || "", industry_prefixes: list("industry_prefixes"),
      ratios, abnormal_from: list("abnormal_from"),
      extended_hops: Number(form.get("extended_hops") || 0),
      recent_days: form.get("recent_days") ? Number(form.get("recent_days")) : null,
      team_size: Number(form.get("team_size") || 2), joint: form.get("joint") === "on",
    };
    return this.busy(async () => {
      const plan = await api.createPlan(body);
      this.navigate(`#/plans/${encodeURIComponent(plan.plan_id)}`);
    });
  }

  /** One step of the round, then the plan again. */
  step(planId, work) {
    return this.busy(async () => {
      await work();
      await this.open(planId);
    });
  }

  /** Results from a filled-in 任务单 (or any CSV with 主体标识, 检查结果, 检查日期). */
  async importResults(planId, file) {
    const [header, ...rows] = parseCsv((await file.text()).replace(/^\uFEFF/, ""));
    const col = (...names) => header.findIndex((h) => names.includes(h.trim()));
    const [sid, result, date] = [col("主体标识", "sid"), col("检查结果", "result"), col("检查日期", "inspect_date", "date")];
    if (sid < 0 || result < 0 || date < 0) throw new Error("结果文件需要 主体标识、检查结果、检查日期 三列");
    const seen = new Map();
    for (const r of rows) {
      const key = (r[sid] || "").replace(/^'/, "").trim();
      if (key && r[result]?.trim() && r[date]?.trim() && !seen.has(key)) {
        seen.set(key, { sid: key, result: r[result].trim(), inspect_date: r[date].trim() });
      }
    }
    if (!seen.size) throw new Error("结果文件中没有已填写的行");
    return api.recordResults(planId, [...seen.values()]);
  }

  /** 任务单: one row per inspector and subject, to fill in and import back. */
  taskSheet(plan, teams) {
    const p = plan.params ?? {};
    const matters = (p.matters ?? []).map((m) => this.matters?.get(m) ?? m).join("、");
    const rows = [["检查人员编号", "检查人员", "主体标识", "检查事项", "检查期间", "检查结果", "检查日期"]];
    const byInspector = [];
    for (const t of teams) for (const i of t.inspectors) byInspector.push([i, t.sid]);
    byInspector.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]));
    for (const [i, sid] of byInspector) {
      rows.push([i, this.registry?.get(i)?.name ?? "", sid, matters, `${p.inspect_start} 至 ${p.inspect_end}`, "", ""]);
    }
    const text = "\uFEFF" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
    download(new Blob([text], { type: "text/csv" }), `${plan.plan_id}.任务单.csv`);
  }

  /** The buttons of the round's next steps (each calls the API the CLI uses). */
  steps(plan, teams, recorded) {
    const id = plan.plan_id;
    const at = plan.status;
    const assigned = teams.filter((t) => t.status === "assigned").length;
    const parts = [];
    if (at === "created") {
      parts.push(h("button", { type: "button", id: "step-draw", onclick: () => this.step(id, () => api.drawPlan(id)) }, "揭示种子并抽取 Draw"));
    }
    if (at === "drawn") {
      const accept = h("input", { type: "checkbox", id: "step-accept-unassigned" });
      parts.push(h("button", { type: "button", id: "step-assign", onclick: () => this.step(id, () => api.assignPlan(id, accept.checked)) }, "分派检查人员 Assign"),
        h("label", {}, accept, " 允许部分主体无人可派"));
    }
    if (at === "assigned" || at === "results") {
      const reason = h("input", { id: "step-reassign-reason", placeholder: "重新分派原因" });
      const file = h("input", { type: "file", id: "step-results-file", accept: ".csv,text/csv" });
      file.addEventListener("change", () => file.files[0] && this.step(id, () => this.importResults(id, file.files[0])));
      parts.push(
        h("button", { type: "button", id: "step-task-sheet", onclick: () => this.taskSheet(plan, teams.filter((t) => t.inspectors.length)) }, "导出任务单 Task sheets"),
        h("label", {}, "导入结果 ", file),
        reason,
        h("button", { type: "button", id: "step-reassign", onclick: () => this.step(id, () => api.reassignPlan(id, { reason: reason.value })) }, "重新分派 Reassign"));
    }
    if (at === "results" || at === "published") {
      const partial = h("input", { id: "step-partial", placeholder: "部分公示原因（结果不全时必填）" });
      parts.push(partial, h("button", { type: "button", id: "step-publish", onclick: () => this.step(id, () => api.publishPlan(id, partial.value)) }, "公示 Publish"));
    }
    return h("section", { class: "steps", id: "plan-steps" },
      (plan.stats?.warnings ?? []).map((w) => h("p", { class: "failed plan-warning" }, `提示：${w}`)),
      h("p", { id: "plan-progress", class: "muted" }, reached(plan, "assigned") ? `结果进度 ${recorded} / ${assigned} 户已录入` : ""),
      h("div", { id: "plan-progress-detail" }),
      h("p", {}, parts));
  }

  /** The 分类 dashboard: subjects per tier by group, and each drawn plan's sample per group. */
  dashboard() {
    const body = $("#tier-dashboard", this.root);
    const by = $("#dashboard-by", this.root).value;
    fill(body, h("p", { class: "muted" }, "加载中…"));
    return this.busy(async () => {
      const board = await api.tierDashboard(by);
      const plans = board.plans ?? [];
      const drawn = (plan, key) => {
        const row = plan.groups[key];
        return row ? formatNumber(TIER_LETTERS.reduce((n, t) => n + (row[t] ?? 0), 0) + (row.none ?? 0)) : "0";
      };
      fill(body, scroll(table(
        [by === "region" ? "区划" : "行业门类", ...TIER_LETTERS.map((t) => tierBadge(t)), "无分类", ...plans.map((p) => `${p.plan_id} 抽取`)],
        board.groups.map((g) => [g.key, ...TIER_LETTERS.map((t) => formatNumber(g[t])), formatNumber(g.none), ...plans.map((p) => drawn(p, g.key))]),
        { class: "dashboard", id: "dashboard-table" },
      )));
    });
  }

  open(planId) {
    const detail = $("#plan-detail", this.root);
    fill(detail, h("p", { class: "muted" }, "加载中…"));
    return this.busy(async () => {
      let plan;
      try {
        plan = await api.plan(planId);
      } catch (error) {
        fill(detail, h("p", { class: "failed", id: "plan-error" }, `无法打开计划 ${planId}：${error.message}`));
        throw error;
      }
      if (!this.matters) {
        this.matters = new Map((await api.matters()).items.map((m) => [m.code, m.name]));
      }
      const selection = reached(plan, "drawn") ? (await api.selection(planId)).items : [];
      const teams = reached(plan, "assigned") ? (await api.teams(planId)).items : [];
      if (teams.length && !this.registry) {
        const inspectors = (await api.inspectors()).items;
        this.registry = new Map(inspectors.map((i) => [i.inspector_id, i]));
      }
      let published = new Map();
      let missing = null;
      if (plan.status === "published") {
        try {
          published = await this.publishedRows(planId);
        } catch (error) {
          missing = error.message; // the plan still opens; the files' absence is stated
        }
      }
      this.render(plan, selection, teams, published);
      if (reached(plan, "assigned")) this.progress(await api.planProgress(planId));
      if (missing) {
        $("#plan-detail", this.root).prepend(h("p", { class: "failed", id: "publication-missing" }, `公示文件缺失：${missing}`));
      }
    });
  }

  /** Results entered per team (its inspectors) and per matter (by name). */
  progress(found) {
    const rows = (items, name) => items.map((c) => [name(c.key), formatNumber(c.subjects), formatNumber(c.recorded)]);
    const team = (key) => key.split(";").map((id) => this.inspector(id)).join("、");
    const matter = (code) => this.matters?.get(code) ?? code;
    fill($("#plan-progress-detail", this.root),
      h("details", { open: found.recorded < found.subjects },
        h("summary", {}, `按检查组、按检查事项的结果进度 progress per team and matter`),
        table(["检查组 team", "主体", "已录入"], rows(found.teams, team), { id: "progress-teams" }),
        table(["检查事项 matter", "主体", "已录入"], rows(found.matters, matter), { id: "progress-matters" })));
  }

  /** Names, dates and results from the published results file (sid → row). */
  async publishedRows(planId) {
    const { blob } = await api.publication(planId, "results_csv");
    const [header, ...rows] = parseCsv((await blob.text()).replace(/^\uFEFF/, ""));
    const col = (name) => header.indexOf(name);
    const [sid, name, date, result] = ["主体标识", "主体名称", "检查日期", "检查结果"].map(col);
    return new Map(rows.filter((r) => r.length > 1).map((r) => [r[sid], { name: r[name], date: r[date], result: r[result] }]));
  }

  inspector(id) {
    const known = this.registry?.get(id);
    return known?.name ? `${known.name}（${id}）` : id;
  }

  render(plan, selection, teams, published) {
    const p = plan.params ?? {};
    const strata = plan.stats?.strata ?? {};
    const drawn = Object.fromEntries(TIER_LETTERS.map((t) => [t, 0]));
    for (const pick of selection) drawn[pick.tier] = (drawn[pick.tier] ?? 0) + 1;
    const subject = (sid) => {
      const row = published.get(sid);
      return row?.name ? [row.name, h("span", { class: "muted" }, ` ${sid}`)] : sid;
    };
    const results = [...published.entries()].filter(([, r]) => r.result);
    fill(
      $("#plan-detail", this.root),
      h("header", { class: "card-head" },
        h("h2", { id: "plan-title" }, plan.name),
        h("span", { class: `status status-${plan.status}`, id: "plan-status" }, label(PLAN_STATUSES, plan.status))),
      h("p", { class: "muted" }, `${plan.plan_id} · 检查期 ${p.inspect_start ?? "?"} — ${p.inspect_end ?? "?"}`),
      this.steps(plan, teams, plan.stats?.recorded ?? results.length),
      h("section", { class: "plan-grid" },
        h("div", {},
          h("h3", {}, "参数 parameters"),
          h("dl", { class: "facts" },
            h("dt", {}, "部门"), h("dd", {}, (p.departments ?? []).join("、") || "—"),
            h("dt", {}, "检查事项"), h("dd", { id: "plan-matters" }, (p.matters ?? []).map((m) => this.matters?.get(m) ?? m).join("、") || "—"),
            h("dt", {}, "范围 scope"), h("dd", {}, scopeText(p.scope)),
            h("dt", {}, "每户检查人员"), h("dd", {}, String(p.team_size ?? "—")),
            h("dt", {}, "延伸检查"), h("dd", {}, `${p.extended_hops ?? 0} 跳`),
            h("dt", {}, "无事不扰"), h("dd", {}, p.recent_days == null ? "—" : `${p.recent_days} 天内已查不再抽`),
            h("dt", {}, "必查名单"), h("dd", {}, (p.abnormal_from ?? []).join("、") || "—"))),
        h("div", {},
          h("h3", {}, "分层抽取 by tier"),
          table(["等级", "名录", "比例", "抽取"], TIER_LETTERS.map((t) => [
            tierBadge(t), formatNumber(strata[t] ?? 0), formatPercent(Number(p.ratios?.[t]), 0),
            formatNumber(drawn[t] ?? 0)]), { class: "ratios", id: "ratios-table" })),
        h("div", {},
          h("h3", {}, "可验证随机 verifiable draw"),
          h("dl", { class: "facts digests" },
            h("dt", {}, "快照"), h("dd", {}, plan.snapshot_id),
            h("dt", {}, "模型"), h("dd", {}, plan.model_version),
            h("dt", {}, "名录摘要（封存）"), h("dd", { class: "digest" }, plan.frame_digest),
            h("dt", {}, "名录承诺 Merkle"), h("dd", { class: "digest" }, plan.frame_root ?? "—"),
            h("dt", {}, "公告摘要"), h("dd", { class: "digest", id: "public-digest" }, plan.public_digest ?? "—"),
            h("dt", {}, "种子承诺"), h("dd", { class: "digest" }, plan.seed_commitment),
            h("dt", {}, "种子"), h("dd", { class: "digest" }, plan.seed ?? "（抽取时公开 revealed at the draw）"),
            h("dt", {}, "抽取摘要"), h("dd", { class: "digest" }, plan.result_digest ?? "—"),
            h("dt", {}, "分派摘要"), h("dd", { class: "digest" }, plan.assignment_digest ?? "—")),
          h("p", {},
            h("button", { type: "button", id: "plan-verify", disabled: !reached(plan, "drawn"), onclick: () => this.verify(plan.plan_id, "auditor") }, "全量复核 auditor verify"),
            " ",
            h("button", { type: "button", id: "plan-verify-public", disabled: plan.status !== "published", onclick: () => this.verify(plan.plan_id, "public") }, "公开验证 public verify"),
            " ", h("span", { id: "verify-status", class: "muted" })),
          plan.status === "published"
            ? h("p", { class: "downloads" }, h("span", { class: "muted" }, `公示于 ${when(plan.published_at)} · `),
                Object.entries(FILES).map(([kind, name]) => [
                  h("button", { type: "button", id: `download-${kind}`, onclick: () => this.download(plan.plan_id, kind) }, name), " "]))
            : h("p", { class: "muted" }, "尚未公示 · not published yet"))),
      h("h3", {}, `抽取结果 draw (${selection.length})`),
      selection.length
        ? scroll(table(["序", "主体", "等级", "方式", "原因"], selection.map((pick) => [
            String(pick.rank), subject(pick.sid), tierBadge(pick.tier),
            pick.how === "random" ? "随机 random" : h("span", { class: "mandatory" }, "必查 mandatory"),
            pick.reason || "",
          ]), { class: "draw", id: "draw-table" }))
        : h("p", { class: "muted" }, "尚未抽取 · not drawn yet"),
      h("h3", {}, `检查人员分派 assignments (${teams.length})`),
      teams.length
        ? scroll(table(["序", "主体", "检查人员", "状态", "回避 / 跳过"], teams.map((t) => [
            String(t.rank), subject(t.sid),
            t.inspectors.map((i) => this.inspector(i)).join("、"),
            t.status === "assigned" ? "已分派" : h("span", { class: "unassigned" }, t.status.replace(/^unassigned: ?/, "未分派：")),
            t.skips.length
              ? h("ul", { class: "skips" }, t.skips.map(([id, reason]) =>
                  h("li", {}, id === "*" ? skipReason(reason) : `${this.inspector(id)}：${skipReason(reason)}`)))
              : "",
          ]), { class: "teams", id: "teams-table" }))
        : h("p", { class: "muted" }, "尚未分派 · not assigned yet"),
      h("h3", {}, `检查结果 results (${results.length})`),
      results.length
        ? scroll(table(["主体", "检查日期", "结果"], results.map(([sid, r]) => [subject(sid), r.date, r.result]),
            { class: "results", id: "results-table" }))
        : h("p", { class: "muted" }, reached(plan, "results") ? "结果已录入，公示后显示 · shown once published" : "尚无结果 · no results yet"),
    );
  }

  verify(planId, level = "auditor") {
    const status = $("#verify-status", this.root);
    fill(status, "验证中…");
    status.className = "muted";
    return this.busy(async () => {
      try {
        const answer = await api.verifyPlan(planId, level);
        const which = level === "public" ? "仅凭公示文件" : "封存名录全量复核";
        fill(status, `✔ 验证通过 verified（${which}）：${answer.checks.join("；")}`);
        status.className = "verified";
      } catch (error) {
        fill(status, `✘ 验证失败 ${error.message}`);
        status.className = "failed";
      }
    });
  }

  download(planId, kind) {
    return this.busy(async () => {
      const { blob, filename } = await api.publication(planId, kind);
      download(blob, filename || `${planId}.${kind}`);
    });
  }
}

/** A CSV cell that no spreadsheet runs as a formula (as loaders/spreadsheet.py). */
export function csvCell(value) {
  let text = String(value ?? "");
  if (/^[=+\-@\t\r＝＋－＠]/.test(text) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Long tables scroll inside the page, their header kept in view. */
function scroll(element) {
  return h("div", { class: "scroll" }, element);
}

function sum(values) {
  return values.reduce((a, b) => a + Number(b || 0), 0);
}

function scopeText(scope) {
  if (!scope) return "—";
  const parts = [];
  if (scope.region_prefix) parts.push(`区划 ${scope.region_prefix}*`);
  if (scope.industry_prefixes?.length) parts.push(`行业 ${scope.industry_prefixes.join("/")}`);
  if (scope.kinds?.length) parts.push(scope.kinds.map((k) => label(KINDS, k)).join("、"));
  return parts.join(" · ") || "全部";
}
