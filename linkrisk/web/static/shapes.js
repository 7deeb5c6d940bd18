// API answers → the page's graph model {nodes: [{id, label, name, kind, …}], edges: [{source,
// target, rel, share, role, contact}]}. The API names the subjects it lists (nodes, entries,
// controllers, risky neighbours; persons masked without pii); subjects met only inside a path
// carry no name, and no answer carries tiers: the page fills both in afterwards (enrich()).

/** A node from what is known about it (undefined values never erase known ones). */
function describe(sid, ...facts) {
  const node = { id: sid, name: null, kind: null, tier: null, sanctioned: false };
  for (const fact of facts) {
    for (const [key, value] of Object.entries(fact)) {
      if (value !== undefined && value !== null) node[key] = value;
    }
  }
  node.label = node.name || sid;
  return node;
}

/** A stored edge from a result ({src_sid, dst_sid, rel, share, role, contact}). */
function storedEdge(edge) {
  return {
    source: edge.src_sid,
    target: edge.dst_sid,
    rel: edge.rel,
    share: edge.share ?? null,
    role: edge.role ?? null,
    contact: edge.contact ?? null,
  };
}

/** A hop walked along a path, turned back into the stored edge it used. */
function hopEdge(hop) {
  const forward = hop.direction !== "backward";
  return storedEdge({
    ...hop,
    src_sid: forward ? hop.src_sid : hop.dst_sid,
    dst_sid: forward ? hop.dst_sid : hop.src_sid,
  });
}

class Builder {
  constructor() {
    this.nodes = new Map();
    this.edges = [];
  }

  node(sid, extra = {}) {
    this.nodes.set(sid, describe(sid, this.nodes.get(sid) ?? {}, extra));
  }

  edge(edge) {
    this.node(edge.source);
    this.node(edge.target);
    this.edges.push(edge);
  }

  path(path) {
    for (const hop of path.hops) this.edge(hopEdge(hop));
  }

  graph(extra = {}) {
    return { nodes: [...this.nodes.values()], edges: this.edges, ...extra };
  }
}

/** Neighbourhood / group / connections subgraph: {nodes: [{sid, kind, hop}], edges}. */
export function fromSubgraph(answer, centre = answer.centre) {
  const b = new Builder();
  if (centre) b.node(centre);
  for (const n of answer.nodes ?? answer.members ?? []) {
    b.node(n.sid, { kind: n.kind, name: n.name ?? undefined, hop: n.hop ?? undefined });
  }
  for (const e of answer.edges ?? []) b.edge(storedEdge(e));
  return b.graph({
    truncated: Boolean(answer.truncated),
    skipped: answer.skipped_supernodes ?? [],
  });
}

/** Look-through: owners (up) and holdings (down) merged, evidence paths drawn as edges. */
export function fromOwnership(sid, ...answers) {
  const b = new Builder();
  b.node(sid);
  let truncated = false;
  for (const answer of answers) {
    truncated ||= Boolean(answer.paths_truncated);
    for (const entry of answer.entries ?? []) {
      b.node(entry.sid, {
        kind: entry.kind,
        name: entry.name ?? undefined,
        integratedShare: entry.integrated_share,
        direction: answer.direction,
      });
      for (const path of entry.paths ?? []) b.path(path);
    }
  }
  return b.graph({ truncated, skipped: [] });
}

/** 查关系: every path of a PathSet; `paths` (lists of sids) are highlighted by the page. */
export function fromPaths(answer) {
  const b = new Builder();
  b.node(answer.a);
  b.node(answer.b);
  for (const path of answer.paths ?? []) b.path(path);
  return b.graph({
    paths: (answer.paths ?? []).map((p) => p.sids ?? [p.hops[0].src_sid, ...p.hops.map((h) => h.dst_sid)]),
    skipped: answer.skipped_supernodes ?? [],
    truncated: Boolean(answer.truncated),
  });
}

/** 周边风险: each risky neighbour with the path that reaches it; risky nodes flagged. */
export function fromSurroundingRisk(answer) {
  const b = new Builder();
  b.node(answer.sid);
  for (const n of answer.neighbours ?? []) {
    b.path(n.path);
    b.node(n.sid, { kind: n.kind, name: n.name ?? undefined, sanctioned: true, hops: n.hops });
  }
  return b.graph({ skipped: answer.skipped_supernodes ?? [], truncated: Boolean(answer.truncated) });
}

/** 疑似关联: a star of SAME_CONTACT links; supernode values are listed, never linked. */
export function fromSharedContacts(answer) {
  const b = new Builder();
  b.node(answer.sid);
  const supernodes = [];
  for (const c of answer.contacts ?? []) {
    if (c.supernode) {
      supernodes.push(c);
      continue;
    }
    for (const other of c.sids) {
      b.edge({ source: answer.sid, target: other, rel: "SAME_CONTACT", contact: c.kind });
    }
  }
  return b.graph({ supernodes, skipped: [], truncated: false });
}

/** Controllers: the control paths from each ultimate controller down to the subject. */
export function fromControllers(sid, controllers) {
  const b = new Builder();
  b.node(sid);
  for (const c of controllers) {
    b.node(c.sid, { kind: c.kind, name: c.name ?? undefined, controller: c.reason });
    for (const path of c.paths ?? []) b.path(path);
  }
  return b.graph({ skipped: [], truncated: false });
}

/** 风险来源: the card's explanation paths (risk source → … → subject) as a graph. */
export function fromExplanation(sid, explanation) {
  const b = new Builder();
  b.node(sid);
  const paths = [];
  for (const path of explanation?.paths ?? []) {
    b.node(path.source, { sanctioned: true });
    for (const step of path.steps) {
      const forward = step.direction !== "reverse";
      b.edge({
        source: forward ? step.src : step.dst,
        target: forward ? step.dst : step.src,
        rel: step.relation,
        share: null,
        role: null,
        contact: null,
      });
    }
    paths.push([path.steps[0]?.src ?? path.source, ...path.steps.map((step) => step.dst)]);
  }
  return b.graph({ paths, skipped: [], truncated: Boolean(explanation?.truncated) });
}
