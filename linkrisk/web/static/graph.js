// The interactive graph: cytoscape.js (vendored) with a hierarchical layout for ownership
// (owners above, holdings below: dagre) and a force layout for everything else (fCoSE).
import cytoscape from "./vendor/cytoscape.esm.min.mjs";
import cytoscapeDagre from "./vendor/cytoscape-dagre.min.mjs";
import { CONTACTS, RELATIONS, ROLES, holdingCaption, tierColor } from "./labels.js";

cytoscape.use(cytoscapeDagre);
// fCoSE ships as UMD only: index.html loads it (and its two bases) as classic scripts first.
if (window.cytoscapeFcose) cytoscape.use(window.cytoscapeFcose);

export const FONT =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", ' +
  '"Microsoft YaHei", sans-serif';

// Above this many nodes dagre gets slow and labels clutter: switch to fCoSE, hide edges while
// panning, and drop labels that would be drawn smaller than 7 px.
const LARGE_GRAPH = 400;

const COMFORTABLE_ZOOM = 1.6;

const REL_COLORS = {
  HOLDS: "#455a64",
  OFFICER: "#7b1fa2",
  BRANCH: "#00838f",
  SAME_CONTACT: "#ef6c00",
};

/** The caption of an edge: relation, share for holdings (比例未知 when not recorded, never
 * 0.0%), role for officers, contact kind. */
export function edgeCaption(edge) {
  if (edge.rel === "HOLDS") return holdingCaption(edge.share);
  if (edge.rel === "OFFICER") return ROLES[edge.role] ?? RELATIONS.OFFICER;
  if (edge.rel === "SAME_CONTACT") return CONTACTS[edge.contact] ?? RELATIONS.SAME_CONTACT;
  return RELATIONS[edge.rel] ?? edge.rel;
}

/** One drawn edge per pair and relation: a person's several roles in one firm, or the two
 * stored directions of a symmetric shared contact, become one edge with a joint caption. */
function edgeId(edge) {
  if (edge.rel === "SAME_CONTACT") {
    const [a, b] = [edge.source, edge.target].sort();
    return `${a}|${edge.rel}|${b}`;
  }
  return `${edge.source}|${edge.rel}|${edge.target}`;
}

function nodeElement(node) {
  return {
    group: "nodes",
    data: {
      ...node,
      id: node.id,
      label: node.label || node.id,
      color: tierColor(node.tier),
      shape: node.kind === "person" ? "ellipse" : "round-rectangle",
      sanctioned: node.sanctioned ? 1 : 0,
    },
  };
}

function edgeElement(edge) {
  return {
    group: "edges",
    data: {
      ...edge,
      id: edge.id || edgeId(edge),
      caption: edgeCaption(edge),
      lineColor: REL_COLORS[edge.rel] ?? "#607d8b",
      arrow: edge.rel === "SAME_CONTACT" ? "none" : "triangle",
      dashed: edge.rel === "SAME_CONTACT" || edge.rel === "OFFICER" ? 1 : 0,
    },
  };
}

const STYLE = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-family": FONT,
      "font-size": 11,
      "min-zoomed-font-size": 7,
      color: "#1f2933",
      "text-valign": "bottom",
      "text-margin-y": 4,
      "text-wrap": "ellipsis",
      "text-max-width": "130px",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.75,
      "text-background-padding": "1px",
      "background-color": "data(color)",
      shape: "data(shape)",
      width: 26,
      height: 26,
      "border-width": 1,
      "border-color": "#ffffff",
    },
  },
  { selector: "node[sanctioned = 1]", style: { "border-width": 4, "border-color": "#7f0000" } },
  {
    selector: "node.focus",
    style: { width: 40, height: 40, "border-width": 4, "border-color": "#111827", "font-size": 13,
      "font-weight": "bold" },
  },
  { selector: "node:selected", style: { "overlay-color": "#2563eb", "overlay-opacity": 0.25 } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "curve-style": "bezier",
      "line-color": "data(lineColor)",
      "target-arrow-color": "data(lineColor)",
      "target-arrow-shape": "data(arrow)",
      "arrow-scale": 0.9,
      label: "data(caption)",
      "font-family": FONT,
      "font-size": 9,
      "min-zoomed-font-size": 7,
      color: "#37474f",
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": "1px",
    },
  },
  { selector: "edge[dashed = 1]", style: { "line-style": "dashed" } },
  {
    selector: "edge.path",
    style: { "line-color": "#d81b60", "target-arrow-color": "#d81b60", width: 4, "z-index": 10 },
  },
  { selector: "node.path", style: { "border-width": 4, "border-color": "#d81b60" } },
  { selector: ".faded", style: { opacity: 0.25 } },
];

// Large views: no edge captions (unreadable at that zoom, and measuring thousands of CJK
// labels dominates the layout time) and straight "haystack" edges, the cheapest to draw.
const LARGE_STYLE = [
  ...STYLE,
  {
    selector: "edge",
    style: { label: "", "curve-style": "haystack", "haystack-radius": 0, width: 1, opacity: 0.6 },
  },
  { selector: "edge.path", style: { width: 3, opacity: 1 } },
  { selector: "node", style: { "text-background-opacity": 0 } },
];

function layoutOptions(name, count, focus, incremental = false) {
  if (name === "dagre" && count <= LARGE_GRAPH) {
    // nodeSep leaves room for a ~10-character name under each node of a rank
    return { name: "dagre", rankDir: "TB", nodeSep: 110, rankSep: 90, animate: false, fit: true };
  }
  if (name === "concentric") {
    return {
      name: "concentric",
      animate: false,
      concentric: (n) => (n.id() === focus ? 10 : n.degree()),
      levelWidth: () => 2,
    };
  }
  if (!["dagre", "fcose", "cose"].includes(name)) return { name, animate: false, fit: true };
  const fcose = window.cytoscapeFcose ? "fcose" : "cose";
  return {
    name: fcose,
    // "draft" quality starts from a spectral layout and cannot continue from positions
    quality: count > LARGE_GRAPH && !incremental ? "draft" : "default",
    randomize: !incremental,
    animate: false,
    fit: true,
    nodeRepulsion: 6000,
    idealEdgeLength: 90,
    numIter: count > LARGE_GRAPH ? 1200 : 2500,
  };
}

export class GraphView {
  /** `onTap(node data)` runs when a node is clicked (the page expands it). */
  constructor(container, { onTap } = {}) {
    this.container = container;
    this.focus = null;
    this.large = false;
    this.layoutName = "dagre";
    this.cy = cytoscape({
      container,
      style: STYLE,
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 4,
    });
    this.cy.on("tap", "node", (event) => onTap?.(event.target.data()));
    this.publish();
  }

  /** Replace the whole view. */
  show(graph, { focus = null, layout = this.layoutName } = {}) {
    this.focus = focus;
    this.layoutName = layout;
    this.cy.elements().remove();
    this.add(graph);
    this.run();
  }

  /** Merge a fetched neighbourhood into the view around node `near` (new nodes start beside
   * it and the force layout continues from the current positions, so the picture the
   * investigator was reading stays put); returns the number of nodes added. */
  merge(graph, near = null) {
    const before = this.cy.nodes().length;
    const anchor = near ? this.cy.getElementById(near) : null;
    this.add(graph, anchor?.nonempty() ? anchor.position() : null);
    const added = this.cy.nodes().length - before;
    if (added > 0) this.run(this.layoutName, { incremental: Boolean(anchor?.nonempty()) });
    else this.publish();
    return added;
  }

  add(graph, around = null) {
    const elements = [];
    for (const node of graph.nodes) {
      const existing = this.cy.getElementById(node.id);
      if (existing.nonempty()) {
        this.annotate(node.id, node);
      } else {
        const element = nodeElement(node);
        if (around) {
          const angle = 2 * Math.PI * (elements.length / Math.max(graph.nodes.length, 1));
          element.position = { x: around.x + 80 * Math.cos(angle), y: around.y + 80 * Math.sin(angle) };
        }
        elements.push(element);
      }
    }
    const nodeIds = new Set([...this.cy.nodes().map((n) => n.id()), ...graph.nodes.map((n) => n.id)]);
    const fresh = new Map();
    for (const edge of graph.edges) {
      if (!nodeIds.has(edge.source) || !nodeIds.has(edge.target)) continue;
      const element = edgeElement(edge);
      const id = element.data.id;
      const drawn = this.cy.getElementById(id);
      const known = drawn.nonempty() ? drawn.data() : fresh.get(id)?.data;
      if (!known) {
        fresh.set(id, element);
        continue;
      }
      const caption = edgeCaption(edge);
      if (!known.caption.split(" / ").includes(caption)) {
        const joined = `${known.caption} / ${caption}`;
        if (drawn.nonempty()) drawn.data("caption", joined);
        else known.caption = joined;
      }
    }
    elements.push(...fresh.values());
    this.cy.batch(() => this.cy.add(elements));
    this.cy.nodes().removeClass("focus");
    if (this.focus) this.cy.getElementById(this.focus).addClass("focus");
  }

  /** Add what a later answer knows about a node (name, kind, tier, sanctioned); never erase. */
  annotate(id, facts) {
    const node = this.cy.getElementById(id);
    if (node.empty()) return;
    const known = node.data();
    const merged = { ...known };
    for (const [key, value] of Object.entries(facts)) {
      if (value !== undefined && value !== null && key !== "id") merged[key] = value;
    }
    merged.sanctioned = known.sanctioned || facts.sanctioned;
    merged.label = merged.name || id;
    node.data(nodeElement(merged).data);
  }

  run(name = this.layoutName, { incremental = false } = {}) {
    this.layoutName = name;
    const count = this.cy.nodes().length;
    const large = count > LARGE_GRAPH;
    if (large !== this.large) {
      this.large = large;
      this.cy.style(large ? LARGE_STYLE : STYLE);
      // Renderer flags read on every frame: while panning or zooming a large view, draw a
      // cached texture and leave the edges out.
      const renderer = this.cy.renderer();
      if (renderer) {
        renderer.hideEdgesOnViewport = large;
        renderer.textureOnViewport = large;
      }
    }
    this.container.dataset.layoutDone = "0";
    const layout = this.cy.layout(layoutOptions(name, count, this.focus, incremental));
    layout.one("layoutstop", () => {
      // A handful of nodes would be fitted at a giant zoom: keep them at a readable size.
      if (this.cy.zoom() > COMFORTABLE_ZOOM) {
        this.cy.zoom(COMFORTABLE_ZOOM);
        this.cy.center();
      }
      this.container.dataset.layoutDone = "1";
      this.publish();
    });
    layout.run();
  }

  /** Highlight the nodes and edges of paths (lists of node ids), fading the rest. */
  highlight(paths) {
    this.cy.elements().removeClass("path faded");
    if (!paths.length) return;
    const marked = this.cy.collection();
    for (const ids of paths) {
      for (let i = 0; i < ids.length; i += 1) {
        marked.merge(this.cy.getElementById(ids[i]));
        if (i > 0) {
          const a = this.cy.getElementById(ids[i - 1]);
          const b = this.cy.getElementById(ids[i]);
          marked.merge(a.edgesWith(b));
        }
      }
    }
    marked.addClass("path");
    this.cy.elements().not(marked).addClass("faded");
  }

  /** Counts as data attributes, for people (status line) and for the browser tests. */
  publish() {
    this.container.dataset.nodes = String(this.cy.nodes().length);
    this.container.dataset.edges = String(this.cy.edges().length);
    this.container.dispatchEvent(new CustomEvent("graphchange", { bubbles: true }));
  }

  fit() {
    this.cy.fit(undefined, 30);
  }

  nodeIds() {
    return this.cy.nodes().map((n) => n.id());
  }

  /** Where a node is drawn, in page pixels (tests click there like a person would). */
  pagePosition(id) {
    const node = this.cy.getElementById(id);
    if (node.empty()) return null;
    const box = this.container.getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }

  toPng() {
    return this.cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" });
  }

  toJson() {
    return {
      focus: this.focus,
      nodes: this.cy.nodes().map((n) => {
        const { color, shape, ...data } = n.data();
        return { ...data, position: n.position() };
      }),
      edges: this.cy.edges().map((e) => {
        const { lineColor, arrow, dashed, ...data } = e.data();
        return data;
      }),
    };
  }
}
