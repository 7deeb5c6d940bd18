// 风险扫描 on the card: one count per record type (自身风险) and per distance and relation
// (周边风险); each count opens its list. Sections come from the API in order, so a section
// added later (预警) shows up without changes here.
import { fill, h } from "./dom.js";
import { EVENT_TYPES, SEVERITIES, label } from "./labels.js";

function eventLine(e) {
  return `${label(EVENT_TYPES, e.type)}${e.severity ? `（${label(SEVERITIES, e.severity)}）` : ""} ${e.decision_date}`;
}

function alertLine(a, open) {
  return h("li", {},
    h("button", { type: "button", class: "link", dataset: { sid: a.sid }, onclick: () => open(a.sid) }, a.sid),
    ` · ${a.distance} 跳 · 监控对象 ${a.watch_sid} · ${String(a.created).slice(0, 10)}`);
}

function items(group, open) {
  if (group.alerts?.length) return group.alerts.map((a) => alertLine(a, open));
  if (group.events?.length) return group.events.map((e) => h("li", {}, eventLine(e)));
  return (group.neighbours ?? []).map((n) => h("li", {},
    h("button", { type: "button", class: "link", dataset: { sid: n.sid }, onclick: () => open(n.sid) }, n.name || n.sid),
    ` · ${n.hops} 跳 · `, (n.events ?? []).map(eventLine).join("，")));
}

export function renderScan(element, scan, open) {
  fill(element, h("h3", {}, `风险扫描（${scan.hops} 跳内 · 截至 ${scan.as_of}）`),
    scan.sections.map((section) => {
      const list = h("ul", { class: "scan-list", hidden: true });
      const show = (group) => {
        const same = list.dataset.key === group.key && !list.hidden;
        list.dataset.key = group.key;
        fill(list, items(group, open));
        list.hidden = same;
      };
      return h("div", { class: "scan-section", dataset: { section: section.name } },
        h("strong", {}, `${section.title} ${section.total}`),
        section.groups.length
          ? section.groups.map((g) => [" ", h("button", { type: "button", class: "scan-count", dataset: { key: g.key },
              onclick: () => show(g) }, `${g.label} ${g.count}`)])
          : h("span", { class: "muted" }, " 无 none"),
        section.truncated ? h("span", { class: "muted" }, " （已截断）") : null,
        list);
    }));
}
