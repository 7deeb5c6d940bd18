// The interactive graph: cytoscape.js (vendored) with a hierarchical layout for ownership
// (owners above, holdings below: dagre) and a force layout for everything else (fCoSE). After
// every layout the captions are pushed apart until none overlaps (graph_layout.js); the same
// subject is laid out the same way (elements in id order, fixed starting positions); edges are
// grouped 股东 / 投资 / 高管 / 分支 / 疑似关联 and each group can be folded away.
import cytoscape from "./vendor/cytoscape.esm.min.mjs";
import cytoscapeDagre from "./vendor/cytoscape-dagre.min.mjs";
import { CONTACTS, RELATIONS, ROLES, holdingCaption, tierColor } from "./labels.js";
import { formatPercent } from "./dom.js";
import { pngWithLegend } from "./graph_export.js";
import { applyFolds, assignGroups, GROUPS, separateCaptions, seedPositions } from "./graph_layout.js";
import { FONT, LARGE_STYLE, REL_COLORS, STYLE } from "./graph_style.js";
import { wrapName } from "./wrap.js";

export { FONT };

cytoscape.use(cytoscapeDagre);
// fCoSE ships as UMD only: index.html loads it (and its two bases) as classic scripts first.
if (window.cytoscapeFcose) cytoscape.use(window.cytoscapeFcose);

// Above this many nodes dagre gets slow and labels clutter: switch to fCoSE, hide edges while
// panning, and drop labels that would be drawn smaller than 7 px.
const LARGE_GRAPH = 400;

const COMFORTABLE_ZOOM = 1.6;
// More edges than this: edge captions only on hover (a 2-hop view is otherwise unreadable).
const QUIET_EDGES = 60;

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
  const fullLabel = node.fullLabel || node.label || node.id;
  return {
    group: "nodes",
    data: {
      ...node,
      id: node.id,
      fullLabel,
      label: wrapName(fullLabel),
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
  // "draft" quality starts from a spectral layout and cannot continue from positions; below
  // LARGE_GRAPH the layout starts from seedPositions, so the same subject looks the same
  const draft = count > LARGE_GRAPH && !incremental;
  return {
    name: fcose,
    quality: draft ? "draft" : "default",
    randomize: draft,
    animate: false,
    fit: true,
    nodeRepulsion: 6000,
    idealEdgeLength: 90,
    numIter: count > LARGE_GRAPH ? 1200 : 2500,
  };
}

export class GraphView {
  /** `onTap(node data)` runs when a node is clicked (the page expands it). */
  constructor(container, { onTap, groups = null } = {}) {
    this.container = container;
    this.groupsEl = groups; // where the fold toggles go
    this.folded = new Set();
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
    this.cy.on("mouseover", "node", (event) => event.target.connectedEdges().addClass("hover"));
    this.cy.on("mouseout", "node", (event) => event.target.connectedEdges().removeClass("hover"));
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
    const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const nodes = [...graph.nodes].sort(byId); // the API's order must not change the picture
    const edges = graph.edges
      .map((e) => ({ e, id: edgeId(e) }))
      .sort(byId)
      .map(({ e }) => e);
    for (const node of nodes) {
      const existing = this.cy.getElementById(node.id);
      if (existing.nonempty()) {
        this.annotate(node.id, node);
      } else {
        const element = nodeElement(node);
        if (around) {
          const angle = 2 * Math.PI * (elements.length / Math.max(nodes.length, 1));
          element.position = { x: around.x + 80 * Math.cos(angle), y: around.y + 80 * Math.sin(angle) };
        }
        elements.push(element);
      }
    }
    const nodeIds = new Set([...this.cy.nodes().map((n) => n.id()), ...nodes.map((n) => n.id)]);
    const fresh = new Map();
    for (const edge of edges) {
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
    merged.fullLabel = merged.name || id;
    const before = known.label;
    node.data(nodeElement(merged).data);
    if (node.data("label") !== before && this.container.dataset.layoutDone === "1") {
      this.tidy(); // a longer name may now cover a neighbour's
    }
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
    assignGroups(this.cy, this.focus);
    const edges = this.cy.edges();
    if (edges.length > QUIET_EDGES) edges.addClass("quiet");
    else edges.removeClass("quiet");
    this.showGroups(applyFolds(this.cy, this.folded, this.focus));
    const options = layoutOptions(name, count, this.focus, incremental);
    if (!incremental && !options.randomize && options.name !== "dagre") {
      seedPositions(this.cy, this.focus); // the same subject starts from the same picture
    }
    const layout = this.cy.elements(":visible").layout(options);
    layout.one("layoutstop", () => {
      this.tidy();
      this.container.dataset.layoutDone = "1";
      this.publish();
    });
    layout.run();
  }

  /** Push captions apart (hierarchies sideways only), then fit at a readable zoom. */
  tidy() {
    if (!this.large) {
      const rounds = separateCaptions(this.cy, { keepRanks: this.layoutName === "dagre" });
      this.container.dataset.separationRounds = String(rounds);
    }
    this.cy.fit(this.cy.elements(":visible"), 30);
    // A handful of nodes would be fitted at a giant zoom: keep them at a readable size.
    if (this.cy.zoom() > COMFORTABLE_ZOOM) {
      this.cy.zoom(COMFORTABLE_ZOOM);
      this.cy.center();
    }
  }

  /** The fold toggles: one per edge group present, with its count. */
  showGroups(counts) {
    if (!this.groupsEl) return;
    const buttons = Object.entries(GROUPS)
      .filter(([group]) => counts[group])
      .map(([group, name]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "group-toggle";
        button.dataset.group = group;
        button.setAttribute("aria-pressed", String(!this.folded.has(group)));
        button.textContent = `${this.folded.has(group) ? "▸" : "▾"} ${name} ${counts[group]}`;
        button.title = this.folded.has(group) ? "展开 show" : "折叠 fold";
        button.addEventListener("click", () => this.fold(group, !this.folded.has(group)));
        return button;
      });
    this.groupsEl.replaceChildren(...buttons);
  }

  /** Fold (hide) or unfold one edge group, and lay the rest out again. */
  fold(group, folded = true) {
    if (folded) this.folded.add(group);
    else this.folded.delete(group);
    this.run(this.layoutName);
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
    this.cy.fit(this.cy.elements(":visible"), 30);
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

  /** The PNG a report takes: the subject and view above the graph, the legend below. */
  toPngWithLegend({ title, subtitle }) {
    return pngWithLegend(this.cy, { title, subtitle });
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
