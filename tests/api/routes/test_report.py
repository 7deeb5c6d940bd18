"""调查报告: the PDF an investigator downloads, read back; refused to other roles; audited."""

from __future__ import annotations

import io
import unicodedata

from fastapi.testclient import TestClient
from pypdf import PdfReader

from linkrisk.api.report_html import SECTIONS, ReportData, report_html
from tests.api.city import City
from tests.api.conftest import AppFactory, Keys, make_keys
from tests.web.harness import chromium_or_skip


def _text(pdf: bytes) -> str:
    """The PDF's text, NFKC-normalised (the CJK font maps 乙 to the Kangxi radical ⼄), 风 for
    the radical ⻛ it maps 风 to (a radical NFKC leaves alone), without table-cell line breaks."""
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFKC", pages).replace("\n", "").replace("\u2edb", "风")


def test_the_report_is_a_pdf_of_what_the_investigator_may_see(
    client: TestClient, keys: Keys, city: City
) -> None:
    chromium_or_skip()
    answer = client.get(f"/v1/subjects/{city.a}/report", headers=keys.headers("investigator"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert city.snapshot.version in answer.headers["content-disposition"]
    assert answer.content[:5] == b"%PDF-"
    text = _text(answer.content)
    for expected in (
        "调查报告",
        "南京甲乙科技有限公司",  # the subject
        city.a,
        city.snapshot.version,  # the snapshot version and its date
        "2025-06-30",
        "city-credit-office",  # who produced it
        "股权穿透",
        "实际控制人",
        "风险扫描",
        "自身风险",
        "预警",
        "受益所有人",
        "南京丙丁贸易有限公司",  # held 50 % by A: in the look-through and the graph
        "记录",
    ):
        assert expected in text, expected
    assert "张三丰" not in text and "张**" in text  # the owner, masked without pii
    audit = client.get("/v1/audit", headers=keys.headers("admin"), params={"limit": 1000})
    records = [r for r in audit.json()["items"] if r["endpoint"].endswith("/report")]
    assert records and records[-1]["status"] == 200 and city.a in records[-1]["subjects"]
    assert records[-1]["org"] == "city-credit-office"


def test_other_roles_get_no_report_and_a_missing_browser_is_named(
    make_client: AppFactory, city: City
) -> None:
    client = make_client(chromium="/nonexistent/chromium")
    keys = make_keys(client, city)
    for role in ("lender", "regulator"):
        refused = client.get(f"/v1/subjects/{city.a}/report", headers=keys.headers(role))
        assert refused.status_code == 403
    missing = client.get(f"/v1/subjects/{city.a}/report", headers=keys.headers("investigator"))
    assert missing.status_code == 503 and "chromium" in missing.json()["detail"]


def test_sections_are_a_list_to_extend() -> None:
    data = ReportData(
        card={"sid": "X", "name": "<b>甲</b>", "events": [], "reasons": []},
        owners={},
        holdings={},
        controllers=[],
        risk={},
        neighbourhood={"nodes": [], "edges": []},
        produced_by={"key_id": "k", "org": "o", "role": "investigator"},
        produced_at="2026-01-01T00:00:00+00:00",
        open_alerts=0,
    )
    page = report_html(data, [*SECTIONS, lambda d: "<h2>备案核验</h2>"])
    assert "<b>甲</b>" not in page and "&lt;b&gt;甲&lt;/b&gt;" in page  # escaped
    assert page.index("记录 Events") < page.index("备案核验")
    assert "受益所有人" not in page and "风险扫描" not in page  # no data, no empty section
