"""Rule tables: versions by effective date, validation, lookup arrays."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from linkrisk.errors import InputError
from linkrisk.graph.relations import EVENT_CODES, SEVERITY_CODES
from linkrisk.loaders.records import EventType, Severity
from linkrisk.models.rules import RULES_DIR, load_rules, parse_rule_table


def test_the_version_in_force_follows_effective_dates() -> None:
    book = load_rules()
    assert book.versions == ["2019", "2023", "2026"]
    assert book.in_force(date(2019, 7, 16)).version == "2019"
    assert book.in_force(date(2023, 4, 30)).version == "2019"
    assert book.in_force(date(2023, 5, 1)).version == "2023"
    assert book.in_force(date(2025, 12, 31)).version == "2023"
    assert book.in_force(date(2026, 1, 1)).version == "2026"


def test_no_rule_before_the_first_version() -> None:
    with pytest.raises(InputError, match="no rule table in force"):
        load_rules().in_force(date(2018, 1, 1))


def test_2023_and_2026_differ_for_minor_penalties_and_abnormal_operation() -> None:
    book = load_rules()
    old, new = book.in_force(date(2025, 1, 1)), book.in_force(date(2026, 6, 1))
    minor_old = old.rule(EventType.PENALTY, Severity.MINOR)
    minor_new = new.rule(EventType.PENALTY, Severity.MINOR)
    assert (minor_old.disclosure_months, minor_new.disclosure_months) == (12, 6)
    abnormal = EventType.ABNORMAL_OPERATION
    assert (old.rule(abnormal).disclosure_months, new.rule(abnormal).disclosure_months) == (36, 24)


def test_severity_falls_back_to_the_type_rule() -> None:
    table = load_rules().in_force(date(2026, 1, 1))
    assert table.rule(EventType.RED_LIST, Severity.SERIOUS) == table.rule(EventType.RED_LIST)
    assert table.rule(EventType.RED_LIST).weight < 0  # red list lowers risk


def test_lookup_arrays_match_the_rules() -> None:
    table = load_rules().in_force(date(2026, 1, 1))
    arrays = table.event_arrays()
    t, s = EVENT_CODES.index(EventType.PENALTY), SEVERITY_CODES.index(Severity.SERIOUS) + 1
    assert arrays["weight"][t, s] == table.rule(EventType.PENALTY, Severity.SERIOUS).weight
    assert arrays["disclosure_months"][t, 0] == table.rule(EventType.PENALTY).disclosure_months


def _raw(version: str = "2026") -> dict:
    with (RULES_DIR / f"{version}.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_unknown_event_type_is_rejected_with_its_name() -> None:
    raw = _raw()
    raw["events"]["parking_ticket"] = raw["events"]["penalty"]
    with pytest.raises(InputError, match="parking_ticket"):
        parse_rule_table(raw, "x.toml")


def test_normal_inspection_results_may_not_carry_weight() -> None:
    raw = _raw()
    raw["inspections"]["weights"]["normal"] = 0.1
    with pytest.raises(InputError, match="not abnormal"):
        parse_rule_table(raw, "x.toml")


def test_missing_field_names_the_section() -> None:
    raw = _raw()
    del raw["events"]["key_attention"]["half_life_days"]
    with pytest.raises(InputError, match=r"events\.key_attention"):
        parse_rule_table(raw, "x.toml")


def test_a_custom_rule_directory(tmp_path: Path) -> None:
    (tmp_path / "only.toml").write_bytes((RULES_DIR / "2023.toml").read_bytes())
    book = load_rules(tmp_path)
    assert book.versions == ["2023"]
    with pytest.raises(InputError):
        load_rules(tmp_path / "empty")
