// The alerts bell (监控预警): the organisation's unread alerts, each with the change, the subject
// it happened to and the path from the watched subject; read ones are acknowledged. Also the
// "监控 Watch" button that watches the subject on screen at the graph's depth.
import { api } from "./api.js";
import { $, fill, h } from "./dom.js";
import { EVENT_TYPES, label, ROLES, STATUSES } from "./labels.js";

const POLL_MS = 60_000;
const KIND = { event: "新增记录", tier: "风险等级变化", ownership: "股权变更", officer: "高管变更", status: "登记状态变化" };
const REL = { HOLDS: "持股", OFFICER: "任职", BRANCH: "分支" };

function changeText(change) {
  switch (change.kind) {
    case "event":
      return `${KIND.event}：${label(EVENT_TYPES, change.event_type)}`;
    case "status":
      return `${KIND.status}：${label(STATUSES, change.before ?? "—")} → ${label(STATUSES, change.after ?? "—")}`;
    case "tier":
      return `${KIND.tier}：${change.before ?? "—"} → ${change.after ?? "—"}`;
    case "ownership": {
      const pct = (v) => (v === null || v === undefined ? "无" : `${(v * 100).toFixed(2)}%`);
      return `${KIND.ownership}：${change.holder} ${pct(change.before)} → ${pct(change.after)}`;
    }
    case "officer":
      return `${KIND.officer}：${change.person} ${change.before ? label(ROLES, change.before) : "—"} → ${change.after ? label(ROLES, change.after) : "离任"}`;
    default:
      return change.kind;
  }
}

export class AlertBell {
  constructor(button, panel, { say, navigate }) {
    this.button = button;
    this.panel = panel;
    this.say = say;
    this.navigate = navigate;
    this.timer = null;
    this.items = [];
    button.addEventListener("click", () => this.toggle());
  }

  start() {
    this.button.hidden = false;
    this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.refresh(), POLL_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.button.hidden = true;
    this.panel.hidden = true;
    this.items = [];
    fill(this.panel);
    this.show(0);
  }

  show(count) {
    this.button.dataset.open = String(count);
    fill($(".count", this.button) ?? this.button, count > 99 ? "99+" : String(count));
    this.button.classList.toggle("has-alerts", count > 0);
  }

  async refresh() {
    try {
      this.show((await api.alertCount()).open);
    } catch (error) {
      this.say(error);
    }
  }

  async toggle() {
    if (!this.panel.hidden) {
      this.panel.hidden = true;
      return;
    }
    try {
      const page = await api.alerts({ open: true, limit: 50 });
      this.items = page.items;
      this.show(page.open);
      this.render();
      this.panel.hidden = false;
    } catch (error) {
      this.say(error);
    }
  }

  render() {
    const rows = this.items.map((a) =>
      h("li", { class: "alert", dataset: { alertId: a.alert_id } },
        h("div", { class: "what" }, changeText(a.change)),
        h("div", { class: "where muted" },
          h("a", { href: `#/subject/${encodeURIComponent(a.sid)}` }, a.sid),
          a.distance ? ` · 经 ${a.distance} 层关联 · 监控主体 ${a.watch_sid}` : " · 监控主体本身"),
        a.path.links.length
          ? h("div", { class: "path muted" }, a.path.links.map((l) => `${l.from} ${REL[l.type] ?? l.type}→ ${l.to}`).join(" · "))
          : null,
        h("div", { class: "when muted" }, `快照 ${a.snapshot} · ${a.created}`),
        h("button", { type: "button", class: "ack", onclick: () => this.ack([a.alert_id]) }, "已读")),
    );
    fill(this.panel,
      h("div", { class: "alerts-head" },
        h("strong", {}, "监控预警 Alerts"),
        this.items.length
          ? h("button", { type: "button", class: "ack-all", onclick: () => this.ack(this.items.map((a) => a.alert_id)) }, "全部已读")
          : null),
      rows.length ? h("ul", { class: "alert-list" }, rows) : h("p", { class: "muted empty" }, "没有未读预警 · no unread alerts"));
  }

  async ack(ids) {
    try {
      const done = await api.ack(ids);
      this.items = this.items.filter((a) => !ids.includes(a.alert_id));
      this.show(done.open);
      this.render();
    } catch (error) {
      this.say(error);
    }
  }
}

/** Watch `sid` for the key's organisation at `depth` hops (every kind of change). */
export async function watchSubject(sid, depth) {
  return api.watch({ sid, depth });
}
