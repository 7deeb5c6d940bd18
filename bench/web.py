"""How the page's graph copes with a few thousand nodes, in headless Chromium.

For each size, a random graph of N nodes and 2N edges (org/person mix, all relation types) is
shown the way the page shows an answer (``GraphView.show``: elements, fCoSE layout, render),
then 200 nodes are merged in (an expand-on-click) and the view is zoomed for a second while
frames are counted. References measured in the same run: plain cytoscape drawing the same
elements with the trivial ``grid`` layout (the library's floor), and the page's view with that
layout (so the difference to fCoSE is the force layout itself).

    .venv/bin/python bench/web.py --nodes 500 2000 4000

Needs /usr/bin/chromium (apt-get install chromium) and the vendored assets (make web).
Software rendering on a shared CPU: the figures are indicative, not a GPU desktop's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import sync_playwright

from linkrisk.web.routes import BUILD_COMMAND, missing_vendored, router

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).parent / "results" / "web.json"

# Runs in the page: build a seeded random graph, time show/merge/zoom, and the grid reference.
MEASURE = """async ([n, seed]) => {
  const view = window.linkrisk.investigator.graph;
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rels = ["HOLDS", "OFFICER", "BRANCH", "SAME_CONTACT"];
  const tiers = ["A", "A", "A", "B", "B", "C", "D"];
  const graphOf = (count, offset) => {
    const nodes = [];
    for (let i = 0; i < count; i += 1) {
      const person = rand() < 0.4;
      const id = offset + i;
      const kind = person ? "person" : "enterprise";
      const tier = person ? null : tiers[Math.floor(rand() * 7)];
      nodes.push({ id: `N${id}`, name: `主体${id}号有限公司`, kind, tier });
    }
    const edges = [];
    for (let i = 0; i < 2 * count; i += 1) {
      const a = offset + Math.floor(rand() * count);
      const b = Math.floor(rand() * (offset + count));
      if (a !== b) edges.push({ source: `N${a}`, target: `N${b}`, rel: rels[i % 4],
        share: rand(), role: "director", contact: "phone" });
    }
    return { nodes, edges };
  };
  const settle = () => new Promise((done) => {
    const wait = () => (view.container.dataset.layoutDone === "1"
      ? requestAnimationFrame(() => requestAnimationFrame(done)) : setTimeout(wait, 5));
    wait();
  });
  const timed = async (work) => {
    const t = performance.now();
    work();
    await settle();
    return performance.now() - t;
  };
  const graph = graphOf(n, 0);
  // Reference: bare cytoscape, same elements, node labels, haystack edges, grid, first frame.
  const { default: cytoscape } = await import("/static/vendor/cytoscape.esm.min.mjs");
  const box = document.createElement("div");
  box.style.cssText = "position:absolute;left:0;top:0;width:1000px;height:620px";
  document.body.append(box);
  let t = performance.now();
  const bare = cytoscape({ container: box, layout: { name: "grid" },
    style: [{ selector: "node", style: { label: "data(name)" } },
            { selector: "edge", style: { "curve-style": "haystack" } }],
    elements: [...graph.nodes.map((d) => ({ data: d })),
               ...graph.edges.map((d, i) => ({ data: { id: `E${i}`, ...d } }))] });
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const bare_ms = performance.now() - t;
  bare.destroy();
  box.remove();
  const grid = await timed(() => view.show(graph, { focus: "N0", layout: "grid" }));
  const show = await timed(() => view.show(graph, { focus: "N0", layout: "fcose" }));
  const shown = view.cy.nodes().length;
  const extra = graphOf(200, n);
  for (let i = 0; i < 50; i += 1) {
    extra.edges.push({ source: `N${i}`, target: extra.nodes[i].id, rel: "HOLDS", share: 0.5 });
  }
  const merge = await timed(() => view.merge(extra));
  let frames = 0;
  const counting = () => { frames += 1; if (view.cy.animated()) requestAnimationFrame(counting); };
  const t0 = performance.now();
  view.cy.animate({ zoom: view.cy.zoom() * 2.5, duration: 1000 });
  requestAnimationFrame(counting);
  await new Promise((done) => setTimeout(done, 1100));
  const fps = frames / ((performance.now() - t0) / 1000);
  return { nodes: shown, merged: view.cy.nodes().length, edges: view.cy.edges().length,
           bare_grid_ms: bare_ms, grid_ms: grid, show_ms: show, merge_ms: merge, zoom_fps: fps };
}"""


def _serve() -> tuple[uvicorn.Server, threading.Thread, str]:
    app = FastAPI()
    app.include_router(router)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[500, 2000, 4000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if missing_vendored():
        raise SystemExit(f"vendored assets missing: run {BUILD_COMMAND}")
    server, thread, url = _serve()
    rows: list[dict[str, Any]] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for n in args.nodes:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(url + "/")
                page.wait_for_function("() => window.linkrisk && window.linkrisk.investigator")
                page.evaluate("() => { document.querySelector('#key-dialog').close(); "
                              "document.querySelector('#view-investigator').hidden = false; "
                              "document.querySelector('#workspace').hidden = false; }")  # fmt: skip
                result = page.evaluate(MEASURE, [n, args.seed])
                rows.append({"requested": n, **{k: round(v, 1) for k, v in result.items()}})
                page.close()
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    header = ("nodes", "edges", "bare ms", "grid ms", "fcose ms", "+200 ms", "zoom fps")
    print(" ".join(f"{h:>9}" for h in header))
    columns = ("nodes", "edges", "bare_grid_ms", "grid_ms", "show_ms", "merge_ms", "zoom_fps")
    for r in rows:
        print(" ".join(f"{r[column]:>9}" for column in columns))
    print(
        "reference (same run): bare ms = plain cytoscape drawing the same elements with a grid"
        " layout; grid ms = the page's view with that layout; fcose ms = the page's view as used"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.write_text(json.dumps({"machine": machine, "sizes": rows}, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
