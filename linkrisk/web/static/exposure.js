// The 50 % rule view (#/exposure): subjects owned ≥ a threshold in aggregate by listed subjects,
// each with the listed owners and the ownership paths that add up to it (GET /v1/exposure).
import { api } from "./api.js";
import { $, fill, formatPercent, h, table } from "./dom.js";
import { EVENT_TYPES, holdingCaption } from "./labels.js";

// Listings a compliance team applies the rule to; sanctions first (the default).
const LISTS = ["sanction", "serious_dishonest", "dishonest_debtor", "key_attention", "abnormal_operation"];

export class Exposure {
  constructor(root, { say, navigate }) {
    this.root = root;
    this.say = say;
    this.navigate = navigate;
    const select = $("#exposure-list", root);
    fill(select, LISTS.map((t) => h("option", { value: t }, EVENT_TYPES[t] ?? t)));
    $("#exposure-form", root).addEventListener("submit", (event) => {
      event.preventDefault();
      this.show();
    });
  }

  /** Ask the API and draw the hits (the view's data-busy is "1" while it waits). */
  async show() {
    const list = $("#exposure-list", this.root).value;
    const threshold = Number($("#exposure-threshold", this.root).value) / 100;
    const out = $("#exposure-results", this.root);
    this.root.dataset.busy = "1";
    try {
      const answer = await api.exposure(list, threshold);
      fill(out, this.render(answer));
    } catch (error) {
      this.say(error);
      fill(out);
    } finally {
      this.root.dataset.busy = "0";
    }
  }

  render(answer) {
    const head = h(
      "p",
      { class: "muted", id: "exposure-summary" },
      `${answer.listed_count} 个被列入主体 listed · ${answer.hits.length} 个主体达到 ` +
        `${formatPercent(answer.threshold, 0)} subjects reach the threshold`,
    );
    if (!answer.hits.length) return [head];
    const names = new Map();
    for (const hit of answer.hits) {
      for (const who of [hit, ...hit.owners]) if (who.name) names.set(who.sid, who.name);
    }
    const named = (sid) => names.get(sid) || sid;
    const link = (who) =>
      h("a", { href: `#/subject/${encodeURIComponent(who.sid)}` }, named(who.sid));
    const path = (p) =>
      h("div", { class: "path" }, p.hops.map((hop, i) => [
        i === 0 ? named(hop.src_sid) : null,
        ` —${holdingCaption(hop.share)}→ `,
        named(hop.dst_sid),
      ]));
    const rows = answer.hits.map((hit) => [
      h("span", { class: "subject" }, link(hit), hit.listed ? " （本身被列入 listed）" : ""),
      h("span", { class: "num", dataset: { share: String(hit.aggregate_share) } },
        formatPercent(hit.aggregate_share, 2)),
      hit.owners.map((o) => h("div", { class: "owner" }, link(o), ` ${formatPercent(o.share, 2)}`)),
      hit.owners.flatMap((o) => o.paths.slice(0, 3).map(path)),
    ]);
    return [head, table(["主体 Subject", "合计 Aggregate", "被列入股东 Listed owners", "路径 Paths"], rows,
      { id: "exposure-table" })];
  }
}
