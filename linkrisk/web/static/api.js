// The page's only door to the server: the /v1 API with the key kept in sessionStorage.
// Errors arrive as RFC 9457 problem+json and are thrown as ApiError (title + detail shown).

const KEY_NAME = "linkrisk.apiKey";

export function getKey() {
  return sessionStorage.getItem(KEY_NAME);
}

export function setKey(key) {
  sessionStorage.setItem(KEY_NAME, key.trim());
}

export function clearKey() {
  sessionStorage.removeItem(KEY_NAME);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  get title() {
    return this.problem.title || `HTTP ${this.status}`;
  }
}

async function problemOf(response) {
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      /* fall through to the status line */
    }
  }
  return { title: response.statusText || `HTTP ${response.status}`, status: response.status };
}

/** One API call. `as`: "json" (default) or "blob" (returns {blob, filename}). */
export async function request(path, { method = "GET", params, body, as = "json" } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== "") url.searchParams.append(name, String(v));
    }
  }
  const headers = { Accept: as === "json" ? "application/json" : "*/*" };
  const key = getKey();
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  if (as === "blob") {
    const disposition = response.headers.get("content-disposition") || "";
    const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
    return { blob: await response.blob(), filename: match ? decodeURIComponent(match[1]) : null };
  }
  if (response.status === 204) return null;
  return response.json();
}

const enc = encodeURIComponent;

// Every endpoint the page uses, in one place.
export const api = {
  whoami: () => request("/v1/me"),
  search: (q, limit = 20) => request("/v1/search", { params: { q, limit } }),
  subject: (sid, explain = true) => request(`/v1/subjects/${enc(sid)}`, { params: { explain } }),
  neighbourhood: (sid, hops = 1, maxNodes = 2000) =>
    request(`/v1/subjects/${enc(sid)}/neighbourhood`, { params: { hops, max_nodes: maxNodes } }),
  owners: (sid, maxDepth = 10) =>
    request(`/v1/subjects/${enc(sid)}/owners`, { params: { max_depth: maxDepth } }),
  holdings: (sid, maxDepth = 10) =>
    request(`/v1/subjects/${enc(sid)}/holdings`, { params: { max_depth: maxDepth } }),
  controllers: (sid) => request(`/v1/subjects/${enc(sid)}/controllers`),
  risk: (sid, hops = 2) => request(`/v1/subjects/${enc(sid)}/risk`, { params: { hops } }),
  contacts: (sid) => request(`/v1/subjects/${enc(sid)}/contacts`),
  group: (sid) => request(`/v1/subjects/${enc(sid)}/group`),
  // 工商信息, history by snapshot date, a person's firms (issue 19)
  registry: (sid) => request(`/v1/subjects/${enc(sid)}/registry`),
  history: (sid) => request(`/v1/subjects/${enc(sid)}/history`),
  historyDiff: (sid, from, to) =>
    request(`/v1/subjects/${enc(sid)}/history/diff`, { params: { from, to } }),
  person: (sid) => request(`/v1/persons/${enc(sid)}`),
  resolve: (q) => request("/v1/resolve", { params: { q } }),
  beneficialOwners: (sid) => request(`/v1/subjects/${enc(sid)}/beneficial-owners`),
  scan: (sid, hops = 2) => request(`/v1/subjects/${enc(sid)}/scan`, { params: { hops } }),
  paths: (a, b, k = 5, maxDepth = 6) =>
    request("/v1/paths", { params: { a, b, k, max_depth: maxDepth } }),
  exposure: (list, threshold) => request("/v1/exposure", { params: { list, threshold } }),
  // 信用核查: tier and active list memberships of organisations, used to colour the graph.
  check: (usccs) => request("/v1/checks", { method: "POST", body: { usccs } }),
  plans: () => request("/v1/plans"),
  matters: () => request("/v1/matters"), // the 抽查事项清单: code → name
  // the steps of a round: the same calls the CLI's steps make through the API
  createPlan: (body) => request("/v1/plans", { method: "POST", body }),
  drawPlan: (id) => request(`/v1/plans/${enc(id)}/draw`, { method: "POST", body: {} }),
  assignPlan: (id, accept) => request(`/v1/plans/${enc(id)}/assign`, { method: "POST", body: { accept_unassigned: accept } }),
  reassignPlan: (id, body) => request(`/v1/plans/${enc(id)}/reassign`, { method: "POST", body }),
  recordResults: (id, entries) => request(`/v1/plans/${enc(id)}/results`, { method: "POST", body: { entries } }),
  publishPlan: (id, partial) => request(`/v1/plans/${enc(id)}/publish`, { method: "POST", body: { partial: partial || null } }),
  tierDashboard: (by) => request("/v1/dashboard/tiers", { params: { by } }),
  plan: (id) => request(`/v1/plans/${enc(id)}`),
  selection: (id) => request(`/v1/plans/${enc(id)}/selection`, { params: { limit: 10000 } }),
  teams: (id) => request(`/v1/plans/${enc(id)}/teams`, { params: { limit: 10000 } }),
  planProgress: (id) => request(`/v1/plans/${enc(id)}/progress`),
  inspectors: () => request("/v1/inspectors", { params: { limit: 10000 } }),
  // level: auditor (the sealed frame, re-derived) | public (the published files alone)
  verifyPlan: (id, level = "auditor") => request(`/v1/plans/${enc(id)}/verify?level=${enc(level)}`),
  // kind: plan_csv | results_csv | xlsx | verify_json (published plans only) | announce_json
  // 信易+ service window (role window)
  measures: (scenario) => request("/v1/measures", { params: { scenario } }),
  windowCheck: (subject, scenario) =>
    request("/v1/window/checks", { method: "POST", body: { ...subject, scenario } }),
  windowFeedback: (body) => request("/v1/window/feedback", { method: "POST", body }),
  publication: (id, kind) => request(`/v1/plans/${enc(id)}/publication/${enc(kind)}`, { as: "blob" }),
  // 监控: watches and alerts of the key's organisation
  alerts: (params) => request("/v1/alerts", { params }),
  alertCount: (sid) => request("/v1/alerts/count", { params: { sid } }),
  ack: (ids) => request("/v1/alerts/ack", { method: "POST", body: { alert_ids: ids } }),
  watch: (body) => request("/v1/watches", { method: "POST", body }),
  // 调查报告: the PDF made on the server (audited there)
  report: (sid) => request(`/v1/subjects/${enc(sid)}/report`, { as: "blob" }),
};
