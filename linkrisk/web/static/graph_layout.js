// What keeps a graph legible after its layout: node captions pushed apart until no two overlap
// (checked on the captions' drawn boxes), deterministic starting positions (the same subject is
// laid out the same way whatever order the API lists its nodes in), and the edge groups an
// investigator can fold away: 股东 / 投资 / 高管 / 分支 / 疑似关联.

export const GROUPS = {
  shareholder: "股东",
  investment: "投资",
  officer: "高管",
  branch: "分支",
  contact: "疑似关联",
};

const GAP = 6; // model pixels kept between two captions
const ROUNDS = 60;

/** The drawn box of every visible node with its caption, as {node, x1, y1, x2, y2}. */
export function captionBoxes(cy) {
  return cy.nodes(":visible").map((node) => {
    const b = node.boundingBox({ includeLabels: true, includeOverlays: false });
    return { node, x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
  });
}

/** Pairs of boxes that intersect (by more than `slack` px), found with a sweep along x. */
export function overlaps(boxes, slack = 0) {
  const sorted = [...boxes].sort((a, b) => a.x1 - b.x1);
  const found = [];
  for (let i = 0; i < sorted.length; i += 1) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j].x1 < a.x2 - slack; j += 1) {
      const b = sorted[j];
      if (Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > slack) found.push([a, b]);
    }
  }
  return found;
}

/** Move nodes apart until no two captions overlap. In a hierarchy (`keepRanks`) nodes move
 * only sideways, so owners stay above what they own; otherwise along the shorter way out. */
export function separateCaptions(cy, { keepRanks = false } = {}) {
  for (let round = 0; round < ROUNDS; round += 1) {
    const pairs = overlaps(captionBoxes(cy), -GAP);
    if (!pairs.length) return round;
    cy.batch(() => {
      for (const [a, b] of pairs) {
        const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + GAP;
        const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + GAP;
        const pa = a.node.position();
        const pb = b.node.position();
        if (keepRanks || dx <= dy) {
          const sign = pa.x < pb.x || (pa.x === pb.x && a.node.id() < b.node.id()) ? -1 : 1;
          a.node.position({ x: pa.x + (sign * dx) / 2, y: pa.y });
          b.node.position({ x: pb.x - (sign * dx) / 2, y: pb.y });
        } else {
          const sign = pa.y < pb.y || (pa.y === pb.y && a.node.id() < b.node.id()) ? -1 : 1;
          a.node.position({ x: pa.x, y: pa.y + (sign * dy) / 2 });
          b.node.position({ x: pb.x, y: pb.y - (sign * dy) / 2 });
        }
      }
    });
  }
  return ROUNDS;
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/** Starting positions that depend only on the node ids: the focus in the middle, the others on
 * a golden-angle spiral in id order (a force layout then starts from the same picture). */
export function seedPositions(cy, focus) {
  const nodes = cy.nodes().sort((a, b) => (a.id() < b.id() ? -1 : 1));
  let i = 0;
  cy.batch(() => {
    for (const node of nodes) {
      if (node.id() === focus) {
        node.position({ x: 0, y: 0 });
        continue;
      }
      i += 1;
      const angle = i * 2.39996 + hash(node.id()) * 0.1;
      const radius = 60 * Math.sqrt(i);
      node.position({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
    }
  });
}

/** The group of each edge: a holding towards the focus or its owners is 股东, away 投资. */
export function assignGroups(cy, focus) {
  const upstream = new Set(focus ? [focus] : []);
  let frontier = [...upstream];
  while (frontier.length) {
    const next = [];
    for (const id of frontier) {
      for (const edge of cy.getElementById(id).incomers('edge[rel = "HOLDS"]')) {
        const owner = edge.source().id();
        if (!upstream.has(owner)) {
          upstream.add(owner);
          next.push(owner);
        }
      }
    }
    frontier = next;
  }
  const byRel = { OFFICER: "officer", BRANCH: "branch", SAME_CONTACT: "contact" };
  cy.batch(() => {
    for (const edge of cy.edges()) {
      const rel = edge.data("rel");
      const group = rel === "HOLDS"
        ? (upstream.has(edge.target().id()) ? "shareholder" : "investment")
        : byRel[rel] ?? "other";
      edge.data("group", group);
    }
  });
}

/** Hide the edges of the folded groups, and the nodes left with no visible edge (never the
 * focus); returns the count of edges per group. */
export function applyFolds(cy, folded, focus) {
  const counts = {};
  cy.batch(() => {
    cy.elements().removeClass("folded");
    for (const edge of cy.edges()) {
      const group = edge.data("group");
      counts[group] = (counts[group] ?? 0) + 1;
      if (folded.has(group)) edge.addClass("folded");
    }
    if (!folded.size) return;
    for (const node of cy.nodes()) {
      if (node.id() === focus) continue;
      const edges = node.connectedEdges();
      if (edges.nonempty() && edges.every((e) => e.hasClass("folded"))) node.addClass("folded");
    }
  });
  return counts;
}
