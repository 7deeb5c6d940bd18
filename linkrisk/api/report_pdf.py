"""The report's HTML printed to PDF by headless Chromium (Playwright), on the server.

Chromium is a runtime need of this one endpoint: Debian's ``chromium`` package (``make demo``
and ``make test`` install it with ``fonts-noto-cjk`` for the Chinese text), or the browser at
``LINKRISK_CHROMIUM``. Without it the endpoint answers 503 naming what to install; the rest of
the API does not depend on it. The page is loaded from a string with JavaScript disabled and
every network request refused: the report's HTML is self-contained (inline CSS and SVG).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from linkrisk.errors import NotReady

ARGS = [
    "--headless",
    "--no-sandbox",  # containers run as root; the page is our own HTML with scripts disabled
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = "apt-get install -y chromium fonts-noto-cjk"


def find_chromium(configured: str) -> Path:
    """The Chromium executable (a path or a name on PATH), else ``NotReady``."""
    found = shutil.which(configured) or (configured if Path(configured).is_file() else None)
    if found is None:
        raise NotReady(
            f"the PDF report needs headless Chromium ({configured!r} not found): {INSTALL},"
            " or point LINKRISK_CHROMIUM at a Chromium executable"
        )
    return Path(found)


def html_to_pdf(html: str, chromium: Path) -> bytes:
    """Print ``html`` to an A4 PDF (backgrounds kept, the CSS ``@page`` margins used)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=False, offline=True)
            page = context.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing leaves the machine
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()
