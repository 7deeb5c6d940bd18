// The graph's look: fonts, colours per relation, the cytoscape style sheets (a light one for
// large views). Node captions are pre-wrapped by wrap.js; cytoscape only breaks at those "\n".

export const FONT =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", ' +
  '"Microsoft YaHei", sans-serif';

export const REL_COLORS = {
  HOLDS: "#455a64",
  OFFICER: "#7b1fa2",
  BRANCH: "#00838f",
  SAME_CONTACT: "#ef6c00",
};

export const STYLE = [
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
      "text-wrap": "wrap", // lines broken by wrap.js between words, never cut
      "text-max-width": "1000px",
      "text-justification": "center",
      "line-height": 1.15,
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
  { selector: ".folded", style: { display: "none" } },
  // many edges: their captions only on the hovered node's edges, selected edges and paths
  { selector: "edge.quiet", style: { label: "" } },
  {
    selector: "edge.quiet.hover, edge.quiet:selected, edge.quiet.path",
    style: { label: "data(caption)", "z-index": 20 },
  },
];

// Large views: no edge captions (unreadable at that zoom, and measuring thousands of CJK
// labels dominates the layout time) and straight "haystack" edges, the cheapest to draw.
export const LARGE_STYLE = [
  ...STYLE,
  {
    selector: "edge",
    style: { label: "", "curve-style": "haystack", "haystack-radius": 0, width: 1, opacity: 0.6 },
  },
  { selector: "edge.path", style: { width: 3, opacity: 1 } },
  { selector: "node", style: { "text-background-opacity": 0 } },
];

