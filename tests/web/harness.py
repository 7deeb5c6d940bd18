"""Browser-test plumbing: Debian's Chromium through Playwright, and a real uvicorn server."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
# Headless, no sandbox (containers run as root), and nothing that phones home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium_or_skip() -> Path:
    """Debian's Chromium; outside CI a missing browser skips, in CI it fails loudly."""
    found = CHROMIUM if CHROMIUM.exists() else None
    if found is None and shutil.which("chromium"):
        found = Path(str(shutil.which("chromium")))
    if found is not None:
        return found
    reason = (
        "headless Chromium is not installed: apt-get install -y chromium fonts-noto-cjk "
        "(make test does this when run as root)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def vendored_or_skip() -> None:
    """The page's vendored scripts (build output); missing outside CI skips, in CI fails."""
    from linkrisk.web.routes import BUILD_COMMAND, missing_vendored

    missing = missing_vendored()
    if not missing:
        return
    reason = f"the page's vendored assets are missing ({', '.join(missing)}): run {BUILD_COMMAND}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


class ServerThread:
    """uvicorn serving ``app`` on a free loopback port from a background thread."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port = int(self.socket.getsockname()[1])
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@dataclass
class PageWatch:
    """Everything a page did that a test may want to assert on."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests that left the test server's origin (a CDN would show up here)."""
        local = (self.base_url, "data:", "blob:")
        return [u for u in self.requests if not u.startswith(local)]


@contextmanager
def chromium_page(browser: Any, base_url: str) -> Iterator[tuple[Any, PageWatch]]:
    """A fresh context and page, recording requests, console errors and page errors."""
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    watch = PageWatch(base_url)
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("pageerror", lambda e: watch.errors.append(f"pageerror: {e}"))
    page.on(
        "console",
        lambda m: watch.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
    )
    page.set_default_timeout(30_000)
    try:
        yield page, watch
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Draws two CJK characters with the page's font and compares the pixels: without a CJK font
# both come out as the same "tofu" box, so identical pixels mean the glyphs are missing.
CJK_GLYPHS_DIFFER = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (ch) => {
    const c = document.createElement("canvas");
    c.width = 48; c.height = 48;
    const g = c.getContext("2d");
    g.font = `40px ${font}`;
    g.fillStyle = "#000";
    g.fillText(ch, 2, 40);
    return Array.from(g.getImageData(0, 0, 48, 48).data).join(",");
  };
  return draw("信") !== draw("用");
}"""


class NodeModules:
    """The page's ES modules loaded in Node, to test their pure functions without a browser.

    The static files are copied with the ``.mjs`` suffix (and their relative imports rewritten)
    so that Node loads them as the ES modules the browser sees; only modules that touch no DOM
    at import time can be loaded (not graph.js, which needs the browser's cytoscape globals).
    """

    RUNNER = (
        "const [module, name, args] = JSON.parse(process.argv[2]);\n"
        "const loaded = await import(`./${module}.mjs`);\n"
        "process.stdout.write(JSON.stringify(loaded[name](...args)));\n"
    )

    def __init__(self, work: Path) -> None:
        from linkrisk.web.routes import STATIC_DIR

        node = shutil.which("node")
        if node is None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail("node is not installed (the web build needs it too)", pytrace=False)
            pytest.skip("node is not installed")
        self.node = node
        self.work = work
        for source in STATIC_DIR.glob("*.js"):
            text = re.sub(r'from "\./([\w-]+)\.js"', r'from "./\1.mjs"', source.read_text("utf-8"))
            (work / f"{source.stem}.mjs").write_text(text, encoding="utf-8")
        (work / "run.mjs").write_text(self.RUNNER)

    def call(self, module: str, name: str, *args: Any) -> Any:
        """``module.name(*args)`` in Node, arguments and result through JSON."""
        done = subprocess.run(
            [self.node, "run.mjs", json.dumps([module, name, list(args)])],
            cwd=self.work,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)
