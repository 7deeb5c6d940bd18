"""Serve the page (``/``) and its assets (``/static/…``) from the API's own origin.

The page holds no data: everything it shows comes from the ``/v1`` API with the key the user
types in, so these routes need no key. Third-party JavaScript is vendored from npm by the build
(``web/copy_vendor.mjs``) and never fetched from a CDN; if the build has not run, ``/`` answers
503 with a page saying how to run it instead of a blank screen.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

STATIC_DIR = Path(__file__).parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
BUILD_COMMAND = "make web  (= cd web && npm ci && node copy_vendor.mjs)"

# Module scripts must be served as JavaScript; mimetypes does not know .mjs everywhere.
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".LICENSE": "text/plain; charset=utf-8",
}

# Only our origin: proves at run time that nothing is fetched from a CDN. Cytoscape injects
# one <style> element for its container, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_HEADERS = {
    "Cache-Control": "no-cache",  # revalidate (ETag) so an upgrade is seen at once
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


@lru_cache
def vendored_files() -> tuple[str, ...]:
    """Names under ``static/vendor/`` that the page needs (from ``static/vendor.json``)."""
    manifest = json.loads((STATIC_DIR / "vendor.json").read_text(encoding="utf-8"))
    return tuple(sorted(manifest["files"]))


def missing_vendored(vendor_dir: Path | None = None) -> list[str]:
    """The vendored files that the build has not (yet) copied into ``vendor_dir``."""
    directory = VENDOR_DIR if vendor_dir is None else vendor_dir
    return [name for name in vendored_files() if not (directory / name).is_file()]


def render_missing_page(missing: list[str]) -> str:
    """A plain page naming the missing files and the command that builds them."""
    items = "".join(f"<li><code>vendor/{html.escape(name)}</code></li>" for name in missing)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>linkrisk — 页面资源未构建</title></head>
<body style="font-family: sans-serif; max-width: 46rem; margin: 3rem auto; line-height: 1.6">
<h1>页面资源未构建 · Web assets not built</h1>
<p>linkrisk 页面所需的第三方脚本尚未复制到 <code>linkrisk/web/static/vendor/</code>。
The page's third-party scripts have not been copied from npm into the package:</p>
<ul>{items}</ul>
<p>请在仓库根目录运行 · Run in the repository root:</p>
<pre>{html.escape(BUILD_COMMAND)}</pre>
<p>API 本身不受影响 · The API itself is unaffected: see <a href="/docs">/docs</a>.</p>
</body></html>"""


@router.get("/", response_class=HTMLResponse)
def index() -> Response:
    """The single page; 503 with build instructions when the vendored files are missing."""
    missing = missing_vendored()
    if missing:
        return HTMLResponse(render_missing_page(missing), status_code=503, headers=_HEADERS)
    headers = {**_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY}
    return FileResponse(
        STATIC_DIR / "index.html", media_type=_MEDIA_TYPES[".html"], headers=headers
    )


# The API's own documentation pages: Swagger UI and ReDoc from the vendored npm packages, so
# that /docs and /redoc work without the internet (FastAPI's defaults load them from a CDN).
# Both pages start their viewer from an inline script, and ReDoc runs a worker from a blob.
DOCS_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
OPENAPI_URL = "/openapi.json"


def _docs_page(page: HTMLResponse) -> Response:
    missing = missing_vendored()
    if missing:
        return HTMLResponse(render_missing_page(missing), status_code=503, headers=_HEADERS)
    page.headers.update({**_HEADERS, "Content-Security-Policy": DOCS_SECURITY_POLICY})
    return page


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> Response:
    """The OpenAPI document in Swagger UI (try requests with a key)."""
    return _docs_page(
        get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="linkrisk API — Swagger UI",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui-favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
        )
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> Response:
    """The OpenAPI document in ReDoc."""
    return _docs_page(
        get_redoc_html(
            openapi_url=OPENAPI_URL,
            title="linkrisk API — ReDoc",
            redoc_js_url="/static/vendor/redoc.standalone.js",
            redoc_favicon_url="/static/vendor/swagger-ui-favicon.png",
            with_google_fonts=False,
        )
    )


@router.get("/static/{path:path}")
def static_file(path: str) -> Response:
    """One file under ``static/``; never anything outside it."""
    root = STATIC_DIR.resolve()
    target = (root / path).resolve()
    if path.startswith("vendor/"):
        # Served from VENDOR_DIR so that a test (or a deployment) can point it elsewhere.
        root = VENDOR_DIR.resolve()
        target = (root / path.removeprefix("vendor/")).resolve()
    if not target.is_relative_to(root):
        return PlainTextResponse(f"no such file: /static/{path}", status_code=404)
    if not target.is_file():
        if path.startswith("vendor/") and missing_vendored():
            detail = f"vendored file {path} is missing: run {BUILD_COMMAND}"
            return PlainTextResponse(detail, status_code=503, headers=_HEADERS)
        return PlainTextResponse(f"no such file: /static/{path}", status_code=404)
    media_type = _MEDIA_TYPES.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media_type, headers=_HEADERS)
