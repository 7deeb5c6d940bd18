// The service window's view (信易+ / 联合奖惩, the 湘潭 model: identify → apply → feed back):
// a clerk enters a USCC or a person's ID number, picks a scenario, and sees per scenario the
// outcome, every measure that applies with the facts its rule used (in Chinese) and its legal
// basis; then records per measure whether it was applied or overridden (with the reason).
// An ID number is sent once in the request body and cleared from the form at once.
import { api } from "./api.js";
import { $, fill, h } from "./dom.js";

const ID_NUMBER = /^\d{17}[\dXx]$/;
const KIND_WORDS = { enterprise: "企业", individual_business: "个体工商户", person: "自然人",
  social_organisation: "社会组织", institution: "事业单位/机关" };

export class WindowDesk {
  constructor(root, { say }) {
    this.root = root;
    this.say = say;
    this.form = $("#window-form", root);
    this.result = $("#window-result", root);
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.check();
    });
    this.loaded = false;
  }

  /** Fill the scenario list from the catalogue (once). */
  async open() {
    if (this.loaded) return;
    const catalogue = await api.measures();
    const select = $("#window-scenario", this.root);
    fill(select, h("option", { value: "" }, "全部场景 all scenarios"),
      catalogue.scenarios.map((s) => h("option", { value: s }, s)));
    fill($("#window-catalogue", this.root),
      `措施目录 ${catalogue.catalogue} ${catalogue.version}`,
      catalogue.illustrative ? " · 示例目录，非正式清单 (illustrative)" : "");
    this.loaded = true;
  }

  async check() {
    const input = $("#window-code", this.root);
    const code = input.value.replace(/[\s-]/g, "").toUpperCase();
    if (!code) return;
    const person = $("#window-person", this.root).checked || ID_NUMBER.test(code);
    input.value = ""; // an ID number does not stay on the screen
    const scenario = $("#window-scenario", this.root).value || undefined;
    this.say(null);
    try {
      const answer = await api.windowCheck(person ? { id_number: code } : { uscc: code }, scenario);
      this.show(answer);
    } catch (error) {
      fill(this.result);
      this.say(error);
    }
  }

  show(answer) {
    const head = h("div", { class: "window-head" },
      h("strong", {}, answer.query), " ",
      answer.found ? (KIND_WORDS[answer.kind] ?? answer.kind) : "未查到该主体的信用记录",
      h("span", { class: "muted" }, ` · 数据截至 ${answer.as_of} · 核查编号 ${answer.check_id}`));
    fill(this.result, head, answer.scenarios.map((s) => this.scenario(answer, s)));
  }

  scenario(answer, s) {
    const measures = s.measures.length
      ? s.measures.map((m) => this.measure(answer, s, m))
      : [h("p", { class: "muted" }, "本场景无适用于该主体的措施")];
    return h("section", { class: `window-scenario outcome-${s.outcome}`, dataset: { scenario: s.scenario } },
      h("h3", {}, s.scenario, " ", h("span", { class: `outcome outcome-${s.outcome}` }, s.outcome_label)),
      measures);
  }

  measure(answer, s, m) {
    const facts = h("ul", { class: "facts" },
      m.facts.map((f) => h("li", { class: f.held !== Boolean(f.negated) ? "held" : "not-held" },
        f.held !== Boolean(f.negated) ? "✔ " : "✘ ", f.negated ? "排除条件：" : "", f.text, f.parties?.length ? `（${f.parties.join("、")}）` : "")));
    const box = h("div", { class: `measure ${m.applies ? "applies" : "not-applies"}`, dataset: { measure: m.id } },
      h("div", {}, h("span", { class: `effect effect-${m.effect}` }, m.effect_label), " ",
        h("strong", {}, m.name), m.applies ? " · 适用" : " · 不适用"),
      h("div", { class: "muted" }, m.description),
      facts,
      h("div", { class: "basis" }, "依据：", m.basis, m.basis_number ? `（${m.basis_number}）` : "",
        " · ", m.authority));
    if (m.applies) box.append(this.feedback(answer, s, m));
    return box;
  }

  feedback(answer, s, m) {
    const reason = h("input", { class: "reason", placeholder: "不予执行的理由 reason for an override" });
    const status = h("span", { class: "feedback-status muted" });
    const send = async (action) => {
      try {
        await api.windowFeedback({
          check_id: answer.check_id, scenario: s.scenario, measure_id: m.id, action,
          reason: reason.value.trim() || undefined,
        });
        fill(status, action === "applied" ? "已记录：已执行" : "已记录：不予执行");
        row.querySelectorAll("button, input").forEach((el) => { el.disabled = true; });
      } catch (error) {
        this.say(error);
      }
    };
    const row = h("div", { class: "feedback" },
      h("button", { type: "button", class: "apply", onclick: () => send("applied") }, "已执行 Applied"),
      reason,
      h("button", { type: "button", class: "override", onclick: () => send("overridden") }, "不予执行 Override"),
      status);
    return row;
  }
}
