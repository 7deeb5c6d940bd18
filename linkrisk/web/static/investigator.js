// The investigator's view: search, the subject card, and the graph around the subject.
import { api } from "./api.js";
import { renderCard } from "./card.js";
import { renderBeneficial, renderHistory, renderPerson, renderRegistry } from "./registry.js";
import { renderScan } from "./scan.js";
import { $, download, fill, formatPercent, h } from "./dom.js";
import { GraphView } from "./graph.js";
import { KINDS, STATUSES, label, tierBadge } from "./labels.js";
import {
  fromControllers,
  fromExplanation,
  fromOwnership,
  fromPaths,
  fromSharedContacts,
  fromSubgraph,
  fromSurroundingRisk,
} from "./shapes.js";

const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const CHECK_CHUNK = 1000; // organisations per 信用核查 request when colouring the graph
const NAME_LOOKUPS = 60; // unnamed nodes (met only inside paths) whose card is fetched for a name

// Each graph mode: its name, the layout that suits it, and how to fetch it.
const MODES = {
  neighbourhood: {
    name: "关联方 related parties",
    layout: "fcose",
    load: async (sid, depth) => fromSubgraph(await api.neighbourhood(sid, depth), sid),
  },
  lookthrough: {
    name: "股权穿透 look-through",
    layout: "dagre",
    load: async (sid, depth) =>
      fromOwnership(sid, await api.owners(sid, depth + 1), await api.holdings(sid, depth + 1)),
  },
  controllers: {
    name: "实际控制人 controllers",
    layout: "dagre",
    load: async (sid) => fromControllers(sid, await api.controllers(sid)),
  },
  beneficial: {
    name: "受益所有人 beneficial owners",
    layout: "dagre",
    // integrated percentages on the nodes: the owner's label carries its share
    load: async (sid) => fromControllers(sid, (await api.beneficialOwners(sid)).owners.map((o) => ({
      sid: o.sid,
      kind: o.kind,
      name: `${o.name ?? o.sid} ${o.integrated_share === null ? "" : formatPercent(o.integrated_share, 2)}`.trim(),
      reason: o.rules.join(","),
      paths: o.paths,
    }))),
  },
  explanation: {
    name: "风险来源 score explanation",
    layout: "dagre",
    load: async (sid, depth, card) => fromExplanation(sid, card?.explanation),
  },
  risk: {
    name: "周边风险 surrounding risk",
    layout: "fcose",
    load: async (sid, depth) => fromSurroundingRisk(await api.risk(sid, Math.max(depth, 2))),
  },
  contacts: {
    name: "疑似关联 shared contacts",
    layout: "concentric",
    load: async (sid) => {
      const answer = await api.contacts(sid);
      return { ...fromSharedContacts(answer), contacts: answer.contacts ?? [] };
    },
  },
  group: {
    name: "企业集团 group",
    layout: "fcose",
    load: async (sid) => fromSubgraph(await api.group(sid), sid),
  },
};

/** Run `task` over `items`, at most `width` at a time. */
async function inPool(items, width, task) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(width, queue.length) }, async () => {
    while (queue.length) await task(queue.shift());
  });
  await Promise.all(workers);
}

export class Investigator {
  constructor(root, { say, navigate }) {
    this.root = root;
    this.say = say;
    this.navigate = navigate;
    this.sid = null;
    this.card = null;
    this.expanded = new Set();
    this.known = new Map(); // sid → what 信用核查 or a card said (tier, lists, name): asked once
    this.pending = Promise.resolve();
    this.graph = new GraphView($("#graph", root), {
      onTap: (node) => this.tapped(node),
      groups: $("#graph-groups", root),
    });
    this.bind();
  }

  bind() {
    const modeSelect = $("#graph-mode", this.root);
    fill(modeSelect, Object.entries(MODES).map(([value, m]) => h("option", { value }, m.name)));
    $("#search-form", this.root).addEventListener("submit", (event) => {
      event.preventDefault();
      this.search($("#search-input", this.root).value);
    });
    modeSelect.addEventListener("change", () => this.loadGraph());
    $("#graph-depth", this.root).addEventListener("change", () => this.loadGraph());
    $("#graph-layout", this.root).addEventListener("change", (event) =>
      this.graph.run(event.target.value),
    );
    $("#path-form", this.root).addEventListener("submit", (event) => {
      event.preventDefault();
      this.findPath($("#path-target", this.root).value);
    });
    $("#export-png", this.root).addEventListener("click", () => this.exportPng());
    $("#export-json", this.root).addEventListener("click", () => this.exportJson());
    $("#graph-fit", this.root).addEventListener("click", () => this.graph.fit());
    $("#graph", this.root).addEventListener("graphchange", () => this.showCounts());
  }

  /** While the page works, `data-busy` is set on the view (the browser tests wait on it). */
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

  search(query) {
    const q = query.trim();
    const list = $("#search-results", this.root);
    if (!q) return Promise.resolve();
    fill(list, h("li", { class: "muted" }, "搜索中…"));
    return this.busy(async () => {
      fill(list);
      const items = (await api.search(q)).items ?? [];
      if (!items.length) {
        fill(list, h("li", { class: "muted" }, `未找到“${q}” · no match`));
        return;
      }
      fill(list, items.map((item) => h("li", {}, this.hit(item))));
    });
  }

  hit(item) {
    const href = `#/subject/${encodeURIComponent(item.sid)}`;
    return h(
      "button",
      { type: "button", class: "hit", dataset: { sid: item.sid }, onclick: () => this.navigate(href) },
      h("span", { class: "hit-name" }, item.name || item.sid),
      h("span", { class: "hit-meta" }, `${item.sid} · ${label(KINDS, item.kind)}`),
      item.status && item.status !== "active"
        ? h("span", { class: "hit-status" }, label(STATUSES, item.status))
        : null,
    );
  }

  /** Forget everything shown for the previous key (another role or organisation may sign in
   * next): the card, the graph, search results, notes and what was learnt about nodes. An
   * answer still on its way for the old key is dropped when it arrives (`generation`). */
  reset() {
    this.generation = (this.generation ?? 0) + 1;
    this.sid = null;
    this.card = null;
    this.expanded = new Set();
    this.known = new Map();
    this.graph.cy.elements().remove();
    this.graph.publish();
    for (const id of ["#card", "#search-results", "#graph-notes", "#graph-counts", "#path-choice"]) {
      fill($(id, this.root));
    }
    fill($("#selection", this.root), "点击节点展开其关联方 · click a node to expand it");
    $("#path-choice", this.root).hidden = true;
    $("#search-input", this.root).value = "";
    $("#path-target", this.root).value = "";
    $("#workspace", this.root).hidden = true;
  }

  /** Open a subject: its card and the graph around it. */
  open(sid) {
    const generation = this.generation;
    this.sid = sid;
    fill($("#search-results", this.root));
    fill($("#card", this.root), h("p", { class: "muted" }, "加载中…"));
    fill($("#selection", this.root), "点击节点展开其关联方 · click a node to expand it");
    return this.busy(async () => {
      const card = await api.subject(sid);
      if (generation !== this.generation) return; // the key changed meanwhile
      this.card = card;
      renderCard($("#card", this.root), this.card, () => this.showMode("explanation"));
      await this.details(sid, card, generation);
      $("#workspace", this.root).hidden = false;
      await this.nameSources();
      await this.loadGraphNow();
    });
  }

  /** The card's registration sections and time slider (organisations), or a person's firms. */
  async details(sid, card, generation) {
    const root = $("#card", this.root);
    const open = (other) => this.navigate(`#/subject/${encodeURIComponent(other)}`);
    if (card.kind === "person") {
      const page = await api.person(sid);
      if (generation !== this.generation) return;
      const element = h("section", { id: "card-person" });
      root.querySelector("dl.facts").after(element);
      renderPerson(element, page, open);
      return;
    }
    const [registry, history, scan, owners] = await Promise.all([
      api.registry(sid), api.history(sid), api.scan(sid), api.beneficialOwners(sid)]);
    if (generation !== this.generation) return;
    const element = h("section", { id: "card-registry" });
    const slider = h("section", { id: "card-history", dataset: { busy: "0" } });
    const summary = h("section", { id: "card-scan" });
    const beneficial = h("section", { id: "card-owners" });
    root.querySelector("dl.facts").after(summary, element, beneficial);
    renderScan(summary, scan, open);
    renderBeneficial(beneficial, owners, open);
    root.append(slider);
    renderRegistry(element, registry, open);
    await renderHistory(slider, history, { diff: (a, b) => api.historyDiff(sid, a, b), open });
  }

  /** Put names on the risk sources that the explanation lists by subject key. */
  async nameSources() {
    const spans = [...this.root.querySelectorAll("#card-explanation .sid")];
    const names = new Map();
    await inPool([...new Set(spans.map((s) => s.dataset.sid))], 4, async (sid) => {
      names.set(sid, (await api.subject(sid, false)).name);
    });
    for (const span of spans) {
      const name = names.get(span.dataset.sid);
      if (name) fill(span, name);
    }
  }

  mode() {
    return $("#graph-mode", this.root).value;
  }

  showMode(mode) {
    $("#graph-mode", this.root).value = mode;
    return this.loadGraph();
  }

  loadGraph() {
    return this.busy(() => this.loadGraphNow());
  }

  async loadGraphNow() {
    if (!this.sid) return;
    const mode = MODES[this.mode()];
    const depth = Number($("#graph-depth", this.root).value);
    $("#graph-layout", this.root).value = mode.layout;
    this.expanded = new Set([this.sid]);
    const graph = await mode.load(this.sid, depth, this.card);
    this.graph.show(graph, { focus: this.sid, layout: mode.layout });
    if (graph.paths) this.graph.highlight(graph.paths);
    this.notes(graph, mode === MODES.explanation ? "explanation" : null);
    await this.enrich();
  }

  /** Colour organisations by tier and list status (信用核查), and name path-only subjects. */
  async enrich() {
    const ids = this.graph.nodeIds();
    const usccs = ids.filter((id) => USCC.test(id) && !this.known.get(id)?.checked);
    for (let i = 0; i < usccs.length; i += CHECK_CHUNK) {
      const answer = await api.check(usccs.slice(i, i + CHECK_CHUNK));
      for (const r of answer.results ?? []) {
        const facts = r.found ? { tier: r.tier, sanctioned: r.lists.length > 0, lists: r.lists } : {};
        this.remember(r.query, { ...facts, checked: true });
      }
    }
    const unnamed = this.graph.cy.nodes()
      .filter((n) => !n.data("name") && !this.known.get(n.id())?.name)
      .map((n) => n.id());
    await inPool(unnamed.slice(0, NAME_LOOKUPS), 4, async (sid) => {
      const card = await api.subject(sid, false);
      this.remember(sid, { name: card.name, kind: card.kind });
    });
    for (const id of ids) {
      const facts = this.known.get(id);
      if (facts) this.graph.annotate(id, facts);
    }
  }

  remember(sid, facts) {
    this.known.set(sid, { ...(this.known.get(sid) ?? {}), ...facts });
  }

  notes(graph, kind = null) {
    const notes = [];
    if (graph.truncated) notes.push("结果已截断 · truncated at the node limit");
    if (graph.skipped?.length) notes.push(`未展开的超级节点 supernodes not expanded: ${graph.skipped.length}`);
    if (graph.contacts) {
      notes.push(...this.contactNotes(graph.contacts));
    } else {
      for (const s of graph.supernodes ?? []) {
        const what = { phone: "电话", email: "邮箱", address: "地址" }[s.kind] ?? s.kind;
        notes.push(`${what}由 ${s.n_subjects} 个主体共用（超级节点，不建立关联）`);
      }
    }
    if (kind === "explanation") {
      notes.unshift(`${graph.paths.length} 条风险来源路径 · risk source paths`);
    } else if (graph.paths) {
      notes.unshift(graph.paths.length
        ? `找到 ${graph.paths.length} 条路径，最短 ${graph.paths[0].length - 1} 跳`
        : "两主体之间在深度内无路径 · no path within the depth");
    }
    fill($("#graph-notes", this.root), notes.map((n) => h("li", {}, n)));
  }

  /** 疑似关联 in words: which value is shared and with how many; a supernode value lists the
   * subjects holding it (too many to draw); a subject sharing nothing says so. */
  contactNotes(contacts) {
    if (!contacts.length) {
      return [h("span", { id: "contacts-none" },
        "无疑似关联：该主体的电话、邮箱、地址未与其他主体共用 · shares no phone, e-mail or address")];
    }
    const open = (sid) => this.navigate(`#/subject/${encodeURIComponent(sid)}`);
    return contacts.map((c) => {
      const what = { phone: "电话", email: "邮箱", address: "地址" }[c.kind] ?? c.kind;
      const value = h("strong", { class: "contact-value" }, c.value ?? "—");
      if (!c.supernode) {
        return h("span", { dataset: { kind: c.kind } }, `同${what} `, value, `：${c.sids.length} 个其他主体`);
      }
      const more = c.members_total > c.members.length ? `（列出前 ${c.members.length} 个）` : "";
      return h("span", { dataset: { kind: c.kind } },
        `${what} `, value, ` 由 ${c.n_subjects} 个主体共用（超级节点，不绘制关联）${more}：`,
        h("ul", { class: "contact-members", dataset: { kind: c.kind } }, c.members.map((m) =>
          h("li", {}, h("button", { type: "button", class: "link", dataset: { sid: m.sid }, onclick: () => open(m.sid) },
            m.name || m.sid), m.status && m.status !== "active" ? ` ${label(STATUSES, m.status)}` : ""))));
    });
  }

  showCounts() {
    const el = $("#graph", this.root);
    fill($("#graph-counts", this.root), `节点 ${el.dataset.nodes} · 关系 ${el.dataset.edges}`);
  }

  /** A click on a node: show what it is and merge its neighbourhood into the view. */
  tapped(node) {
    const open = `#/subject/${encodeURIComponent(node.id)}`;
    fill(
      $("#selection", this.root),
      h("strong", {}, node.label), " ", node.kind === "person" ? null : tierBadge(node.tier),
      h("span", { class: "muted" }, ` ${node.id} · ${label(KINDS, node.kind)} `),
      h("button", { type: "button", onclick: () => this.navigate(open) }, "打开 open"), " ",
      h("button", { type: "button", onclick: () => { $("#path-target", this.root).value = node.id; } },
        "设为路径终点 path target"),
    );
    if (this.expanded.has(node.id)) return Promise.resolve();
    this.expanded.add(node.id);
    return this.busy(async () => {
      try {
        const answer = await api.neighbourhood(node.id, 1);
        const added = this.graph.merge(fromSubgraph(answer, node.id), node.id);
        fill($("#graph-notes", this.root), h("li", {}, `展开 ${node.label}：新增 ${added} 个节点`));
        await this.enrich();
      } catch (error) {
        this.expanded.delete(node.id);
        throw error;
      }
    });
  }

  /** 查关系: the shortest paths from the open subject to another, highlighted. The API takes
   * a key, a key prefix or a name; a name that fits several subjects is answered with the
   * candidates, and the page asks which one was meant instead of picking one. */
  findPath(query) {
    if (!this.sid || !query.trim()) return Promise.resolve();
    fill($("#path-choice", this.root));
    $("#path-choice", this.root).hidden = true;
    return this.busy(async () => {
      const found = await api.resolve(query.trim());
      if (!found.sid) {
        this.askWhich(query.trim(), found.candidates);
        return;
      }
      const graph = fromPaths(await api.paths(this.sid, found.sid));
      this.expanded = new Set([this.sid]);
      $("#graph-layout", this.root).value = "dagre";
      this.graph.show(graph, { focus: this.sid, layout: "dagre" });
      this.graph.highlight(graph.paths);
      this.notes(graph);
      await this.enrich();
    });
  }

  /** Several subjects fit the path target: list them; a click runs 查关系 with that one. */
  askWhich(query, candidates) {
    const choose = (sid) => {
      $("#path-target", this.root).value = sid;
      return this.findPath(sid);
    };
    fill($("#path-choice", this.root),
      h("p", {}, `“${query}”对应 ${candidates.length} 个主体，请选择要查关系的一个 · which one?`),
      h("ul", { class: "hits" }, candidates.map((c) => h("li", {},
        h("button", { type: "button", class: "hit", dataset: { sid: c.sid }, onclick: () => choose(c.sid) },
          h("span", { class: "hit-name" }, c.name || c.sid),
          h("span", { class: "hit-meta" }, `${c.sid} · ${label(KINDS, c.kind)}`),
          c.status && c.status !== "active"
            ? h("span", { class: "hit-status" }, label(STATUSES, c.status)) : null)))));
    $("#path-choice", this.root).hidden = false;
  }

  /** The PNG with the subject, the view, the snapshot and the legend drawn on it. */
  async exportPng() {
    const name = this.card?.name;
    const title = name ? `${name}（${this.sid}）` : this.sid;
    const when = new Date().toISOString().slice(0, 10);
    const subtitle = `${MODES[this.mode()].name} · 快照 snapshot ${this.card?.snapshot ?? "—"} · 导出 ${when}`;
    download(await this.graph.toPngWithLegend({ title, subtitle }), `linkrisk-${this.sid}-${this.mode()}.png`);
  }

  exportJson() {
    const data = {
      exported_at: new Date().toISOString(),
      subject: this.sid,
      mode: this.mode(),
      snapshot: this.card?.snapshot ?? null,
      ...this.graph.toJson(),
    };
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    download(blob, `linkrisk-${this.sid}-${this.mode()}.json`);
  }
}
