// The exported picture: the graph with, above it, the subject it is about (name, key, view,
// snapshot, date) and, below it, the legend, so a PNG pasted into a report still says what it is.
import { FONT } from "./graph_style.js";
import { NO_TIER_COLOR, TIERS } from "./labels.js";

const HEAD = 84; // px at scale 1
const FOOT = 56;

const RELATION_KEYS = [
  ["#455a64", false, "持股 holds"],
  ["#7b1fa2", true, "任职 officer"],
  ["#00838f", false, "分支 branch"],
  ["#ef6c00", true, "疑似关联 shared contact"],
];

function loadImage(uri) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = uri;
  });
}

function legend(g, y, scale) {
  g.font = `${12 * scale}px ${FONT}`;
  g.textBaseline = "middle";
  let x = 16 * scale;
  const dot = (color, text, border = null) => {
    g.beginPath();
    g.fillStyle = color;
    g.arc(x + 6 * scale, y, 6 * scale, 0, 2 * Math.PI);
    g.fill();
    if (border) {
      g.lineWidth = 3 * scale;
      g.strokeStyle = border;
      g.stroke();
    }
    g.fillStyle = "#1f2933";
    g.fillText(text, x + 16 * scale, y);
    x += g.measureText(text).width + 32 * scale;
  };
  for (const [tier, info] of Object.entries(TIERS)) dot(info.color, `${tier} ${info.label}`);
  dot(NO_TIER_COLOR, "未评级");
  dot("#ffffff", "失信/处罚", "#7f0000");
  for (const [color, dashed, text] of RELATION_KEYS) {
    g.strokeStyle = color;
    g.lineWidth = 2 * scale;
    g.setLineDash(dashed ? [5 * scale, 4 * scale] : []);
    g.beginPath();
    g.moveTo(x, y);
    g.lineTo(x + 24 * scale, y);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = "#1f2933";
    g.fillText(text, x + 30 * scale, y);
    x += g.measureText(text).width + 46 * scale;
  }
  return x;
}

/** The graph as a PNG Blob with `title` and `subtitle` above it and the legend below. */
export async function pngWithLegend(cy, { title, subtitle, scale = 2 }) {
  const graph = await loadImage(cy.png({ output: "base64uri", full: true, scale, bg: "#ffffff" }));
  const probe = document.createElement("canvas").getContext("2d");
  probe.font = `${12 * scale}px ${FONT}`;
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(graph.width, Math.ceil(legend(probe, 0, scale)) + 16 * scale);
  canvas.height = graph.height + (HEAD + FOOT) * scale;
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = "#1f2933";
  g.textBaseline = "top";
  g.font = `bold ${18 * scale}px ${FONT}`;
  g.fillText(title, 16 * scale, 14 * scale);
  g.font = `${12 * scale}px ${FONT}`;
  g.fillStyle = "#52606d";
  g.fillText(subtitle, 16 * scale, 46 * scale);
  g.fillRect(16 * scale, (HEAD - 8) * scale, canvas.width - 32 * scale, 1);
  g.drawImage(graph, Math.round((canvas.width - graph.width) / 2), HEAD * scale);
  legend(g, graph.height + (HEAD + FOOT / 2) * scale, scale);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}
