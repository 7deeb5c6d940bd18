"""The page's routes (``linkrisk/web/routes.py``) without a browser."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from linkrisk.web import routes
from tests.web.harness import vendored_or_skip

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(routes.router)
    return TestClient(app)


@pytest.fixture
def vendored() -> None:
    """The build's vendored files; missing outside CI skips, in CI fails."""
    vendored_or_skip()


@pytest.mark.usefixtures("vendored")
def test_index_is_the_page_with_a_same_origin_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/static/app.js">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self';" in policy
    assert "http" not in policy  # no CDN is allowed, whatever its name


@pytest.mark.usefixtures("vendored")
def test_every_script_and_stylesheet_the_page_names_is_served_as_such(client: TestClient) -> None:
    page = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert {"/static/app.js", "/static/app.css", "/static/vendor/cytoscape-fcose.js"} <= set(assets)
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        expected = "text/css" if asset.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(expected), asset
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.usefixtures("vendored")
def test_every_module_import_resolves_to_a_served_file(client: TestClient) -> None:
    """A typo in an import path would leave the page blank: follow the whole module graph."""
    seen: set[str] = set()
    todo = ["/static/app.js"]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/javascript"), url
        if "/vendor/" in url:
            continue  # minified third-party code: its imports are its own business
        for target in re.findall(r'^import\s[^;]*?from\s+"(\./[^"]+)";', response.text, re.M):
            todo.append(url.rsplit("/", 1)[0] + "/" + target.removeprefix("./"))
    assert "/static/vendor/cytoscape.esm.min.mjs" in seen
    assert "/static/graph.js" in seen and "/static/regulator.js" in seen


@pytest.mark.usefixtures("vendored")
def test_vendored_files_are_the_ones_pinned_in_the_lock_file() -> None:
    versions = json.loads((routes.VENDOR_DIR / "VERSIONS.json").read_text())
    lock = json.loads((REPO / "web" / "package-lock.json").read_text())["packages"]
    for name in routes.vendored_files():
        entry = versions[name]
        assert entry["version"] == lock[f"node_modules/{entry['name']}"]["version"], name
        digest = hashlib.sha256((routes.VENDOR_DIR / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], f"{name} changed since it was vendored"


def test_missing_vendored_files_give_a_page_that_says_how_to_build_them(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "VENDOR_DIR", tmp_path / "vendor")
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "页面资源未构建" in response.text
    assert "vendor/cytoscape.esm.min.mjs" in response.text
    assert "npm ci" in response.text
    asset = client.get("/static/vendor/cytoscape.esm.min.mjs")
    assert asset.status_code == 503
    assert "npm ci" in asset.text


def test_missing_vendor_list_names_exactly_the_absent_files(tmp_path: Path) -> None:
    (tmp_path / "cytoscape.esm.min.mjs").write_text("")
    missing = routes.missing_vendored(tmp_path)
    assert "cytoscape.esm.min.mjs" not in missing
    assert set(missing) == set(routes.vendored_files()) - {"cytoscape.esm.min.mjs"}


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2froutes.py",
        "/static/%2e%2e/routes.py",
        "/static/vendor/..%2f..%2froutes.py",
        "/static/nothing-here.js",
    ],
)
def test_nothing_outside_static_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "router" not in response.text
