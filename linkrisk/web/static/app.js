// Entry point: the API key (asked once, kept in sessionStorage), the two views, and the
// hash routes (#/search, #/subject/<sid>, #/plans, #/plans/<id>) so that Back works.
import { api, ApiError, clearKey, getKey, setKey } from "./api.js";
import { AlertBell, watchSubject } from "./alerts.js";
import { $, download, fill, h } from "./dom.js";
import { Exposure } from "./exposure.js";
import { Investigator } from "./investigator.js";
import { Regulator } from "./regulator.js";
import { WindowDesk } from "./window.js";

const ROLE_NAMES = {
  investigator: "调查人员 investigator",
  regulator: "监管人员 regulator",
  admin: "管理员 admin",
  lender: "贷款机构 lender",
  window: "服务窗口 service window",
};
// Which views a role may open (the API enforces the same; this only hides dead ends).
const VIEWS = {
  investigator: ["investigator"],
  regulator: ["regulator"],
  admin: [], // keys, consents and audit: the API (/docs), not this page
  lender: [],
  window: ["window"],
};

const state = { me: null };

/** Show an error (problem+json title and detail) or a plain message in the banner. */
function say(error) {
  const banner = $("#message");
  if (!error) {
    banner.hidden = true;
    return;
  }
  const title = error instanceof ApiError ? `${error.title} (${error.status})` : "出错了 error";
  fill(banner, h("strong", {}, title), " ", error.message ?? String(error),
    h("button", { type: "button", class: "close", "aria-label": "关闭", onclick: () => say(null) }, "×"));
  banner.hidden = false;
  if (error instanceof ApiError && error.status === 401) askKey(error.message);
}

function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

const investigator = new Investigator($("#view-investigator"), { say, navigate });
const regulator = new Regulator($("#view-regulator"), { say, navigate });
const exposure = new Exposure($("#view-exposure"), { say, navigate });

const windowDesk = new WindowDesk($("#view-window"), { say });
const bell = new AlertBell($("#alert-bell"), $("#alert-panel"), { say, navigate });
$("#export-report").addEventListener("click", async () => {
  if (!investigator.sid) return;
  const button = $("#export-report");
  button.disabled = true;
  try {
    const { blob, filename } = await api.report(investigator.sid);
    download(blob, filename || `linkrisk-report-${investigator.sid}.pdf`);
  } catch (error) {
    say(error);
  } finally {
    button.disabled = false;
  }
});
$("#watch-subject").addEventListener("click", async () => {
  if (!investigator.sid) return;
  try {
    const w = await watchSubject(investigator.sid, Number($("#graph-depth").value));
    fill($("#watch-subject"), `已监控 ${w.depth} 层 ✓`);
  } catch (error) {
    say(error);
  }
});

function showView(name) {
  for (const view of ["investigator", "regulator", "exposure", "window"]) {
    $(`#view-${view}`).hidden = view !== name;
    $(`#tab-${view}`).classList.toggle("current", view === name);
  }
}

async function route() {
  if (!state.me) return;
  say(null);
  const [, section, id] = window.location.hash.split("/").map(decodeURIComponent);
  const allowed = VIEWS[state.me.role] ?? [];
  if (allowed.includes("window")) {
    showView("window");
    await windowDesk.open();
  } else if (section === "plans" && allowed.includes("regulator")) {
    showView("regulator");
    $("#plan-detail").hidden = !id;
    if (id) await regulator.open(id);
    else await regulator.list();
  } else if (section === "exposure" && allowed.includes("investigator")) {
    showView("exposure"); // the 50 % rule: an investigator's question about the whole graph
  } else if (allowed.includes("investigator")) {
    showView("investigator");
    if (section === "subject" && id) await investigator.open(id);
  } else if (allowed.includes("regulator")) {
    navigate("#/plans");
  }
}

function askKey(reason) {
  const dialog = $("#key-dialog");
  fill($("#key-error"), reason || "");
  if (!dialog.open) dialog.showModal();
  $("#key-input").focus();
}

async function signIn() {
  try {
    state.me = await api.whoami();
  } catch (error) {
    state.me = null;
    if (error instanceof ApiError && error.status === 401) {
      clearKey();
      askKey(`密钥无效 · ${error.message}`);
    } else {
      say(error);
    }
    return;
  }
  $("#key-dialog").close();
  const allowed = VIEWS[state.me.role] ?? [];
  fill($("#whoami"), `${ROLE_NAMES[state.me.role] ?? state.me.role} · ${state.me.org} · ${state.me.key_id}`);
  $("#tab-investigator").hidden = !allowed.includes("investigator");
  $("#tab-exposure").hidden = !allowed.includes("investigator");
  $("#tab-regulator").hidden = !allowed.includes("regulator");
  $("#tab-window").hidden = !allowed.includes("window");
  bell.start(); // every role's organisation may watch (a lender: its consented subjects)
  if (!allowed.length) {
    const use = state.me.role === "lender" ? "贷款机构请使用评分接口 /v1/scores" : "管理功能请使用 API（/docs）";
    say(new Error(`此页面供调查和监管人员使用；${use}。 This page is for investigator and regulator keys.`));
    return;
  }
  await route();
}

/** A new key may be another role's or organisation's: nothing the previous key was shown
 * stays on screen (the card, the graph, plans, who is signed in). */
function clearScreen() {
  state.me = null;
  say(null);
  investigator.reset();
  regulator.registry = null;
  fill($("#plans"));
  fill($("#plan-detail"));
  $("#plan-detail").hidden = true;
  fill($("#whoami"));
  bell.stop(); // the previous key's alerts go with it
  fill($("#exposure-results"));
  fill($("#window-result"));
  for (const view of ["investigator", "regulator", "exposure", "window"]) {
    $(`#view-${view}`).hidden = true;
    $(`#tab-${view}`).hidden = true;
  }
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("#key-input").value.trim();
  if (!key) return;
  if (key !== getKey()) clearScreen();
  setKey(key);
  $("#key-input").value = "";
  signIn();
});

$("#sign-out").addEventListener("click", () => {
  clearKey();
  clearScreen();
  askKey("");
});

window.addEventListener("hashchange", route);

// For people and for the browser tests: the live objects behind the page.
window.linkrisk = { investigator, regulator, exposure, windowDesk, state, bell };

if (getKey()) signIn();
else askKey("");
