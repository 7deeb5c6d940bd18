"""One vocabulary: every code the store holds has a label in both languages, the web page's
copy is the module's own output, and the API's labels come from it."""

from __future__ import annotations

from enum import StrEnum

import pytest

from linkrisk import vocabulary
from linkrisk.api.labels import reason_label, tier_labels
from linkrisk.graph.relations import ContactKind, RelType
from linkrisk.loaders.records import (
    EventType,
    InspectionResult,
    Role,
    Severity,
    Status,
    SubjectKind,
)
from linkrisk.models.reasons import REASONS
from linkrisk.models.tiers import TIER_LABELS, TIERS
from linkrisk.sampling.draw import MANDATORY, RANDOM
from linkrisk.sampling.plans import PlanStatus
from linkrisk.web.routes import STATIC_DIR

ENUMS: list[tuple[str, type[StrEnum]]] = [
    ("kind", SubjectKind),
    ("status", Status),
    ("role", Role),
    ("event_type", EventType),
    ("severity", Severity),
    ("result", InspectionResult),
    ("relation", RelType),
    ("contact", ContactKind),
    ("plan_status", PlanStatus),
]


@pytest.mark.parametrize(("table", "enum"), ENUMS, ids=[t for t, _ in ENUMS])
def test_every_code_has_a_label_in_both_languages(table: str, enum: type[StrEnum]) -> None:
    assert set(vocabulary.TABLES[table]) == {e.value for e in enum}
    for code in enum:
        zh, en = (vocabulary.label(table, code, lang) for lang in vocabulary.LANGS)
        assert zh and en and zh != en and zh != code.value


def test_tiers_reasons_and_draws() -> None:
    assert set(vocabulary.TABLES["tier"]) == set(TIERS)
    assert set(vocabulary.TABLES["reason"]) == {r.code for r in REASONS}
    assert set(vocabulary.TABLES["pick"]) == {RANDOM, MANDATORY}
    assert {r.code: (r.label_zh, r.label_en) for r in REASONS} == vocabulary.TABLES["reason"]


def test_the_web_pages_copy_is_generated_from_this_module() -> None:
    committed = (STATIC_DIR / "vocabulary.js").read_text(encoding="utf-8")
    assert committed == vocabulary.javascript(), (
        "regenerate: python -m linkrisk.vocabulary > linkrisk/web/static/vocabulary.js"
    )
    labels = (STATIC_DIR / "labels.js").read_text(encoding="utf-8")
    assert 'from "./vocabulary.js"' in labels and "存续" not in labels  # no second copy


def test_the_api_labels_are_the_vocabularys() -> None:
    assert tier_labels()["C"] == "信用风险较高 (elevated risk)" == TIER_LABELS["C"]
    assert reason_label("related_party_risk").startswith("关联方风险 (")
    assert reason_label("something_new") == "something new"


def test_unknown_codes_show_as_themselves_and_capital_in_wan_yuan() -> None:
    assert vocabulary.label("kind", "alien") == "alien" and vocabulary.label("kind", None) == ""
    assert vocabulary.capital(10_000_000.0) == "1,000 万元"
    assert vocabulary.capital(1_234_500.0, "en") == "123.45 10k yuan"
    assert vocabulary.capital(float("nan")) == "" and vocabulary.capital(None) == ""
    with pytest.raises(ValueError, match="zh or en"):
        vocabulary.label("kind", "person", "fr")
