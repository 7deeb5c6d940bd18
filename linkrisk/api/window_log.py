"""What service windows did: each check (one row per scenario) and the window's feedback.

The 湘潭 model is identify → apply → feed back: a window checks a subject, then records per
measure whether it applied it or overrode the outcome (with the reason). The rows are the
regulator's data for the effect report (``effect_report``). A person is recorded by subject key
(keyed hash) and masked number only; a reason is scrubbed of anything like an ID number.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from linkrisk.api.auth import ApiKey, now_iso
from linkrisk.errors import Conflict, InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.scrub import scrub_text

ACTIONS = ("applied", "overridden")


def record_check(store: EmbeddedStore, key: ApiKey, query: str, result: Mapping[str, Any]) -> str:
    """Record a window check (its scenarios, outcomes and applicable measures); its id."""
    check_id = "mc_" + secrets.token_hex(8)
    at = now_iso()
    rows = [
        (
            check_id,
            s["scenario"],
            at,
            key.key_id,
            key.org,
            result["subject"] if result["found"] else None,
            query,
            result.get("kind"),
            s["outcome"],
            json.dumps([m["id"] for m in s["measures"] if m["applies"]]),
            result["catalogue_version"],
            result["snapshot"],
        )
        for s in result["scenarios"]
    ]
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO measure_checks (check_id, scenario, checked_at, key_id, org, subject,"
            " query, kind, outcome, measures, catalogue_version, snapshot_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return check_id


def record_feedback(
    store: EmbeddedStore,
    key: ApiKey,
    *,
    check_id: str,
    scenario: str,
    measure_id: str,
    action: str,
    reason: str | None,
) -> dict[str, Any]:
    """Record what the window did with one measure of one of its checks.

    ``NotFound`` for another organisation's check (or none), ``InputError`` for a measure that
    did not apply in that check or an override without a reason, ``Conflict`` when the window
    already recorded feedback for that measure.
    """
    if action not in ACTIONS:
        raise InputError(f"action must be one of {', '.join(ACTIONS)}", field="action")
    reason = scrub_text(reason.strip()) if reason and reason.strip() else None
    if action == "overridden" and not reason:
        raise InputError("an override needs its reason", field="reason")
    rows = store.execute(
        "SELECT measures FROM measure_checks WHERE check_id = ? AND scenario = ? AND org = ?",
        (check_id, scenario, key.org),
    )
    if not rows:
        raise NotFound(f"no check {check_id} for scenario {scenario} by organisation {key.org}")
    if measure_id not in json.loads(str(rows[0][0])):
        raise InputError(
            f"measure {measure_id!r} did not apply in check {check_id} ({scenario})",
            field="measure_id",
        )
    done = store.execute(
        "SELECT action FROM measure_feedback"
        " WHERE check_id = ? AND scenario = ? AND measure_id = ?",
        (check_id, scenario, measure_id),
    )
    if done:
        raise Conflict(f"feedback for {measure_id} in check {check_id} is already recorded")
    at = now_iso()
    store.execute(
        "INSERT INTO measure_feedback (check_id, scenario, measure_id, action, reason, key_id,"
        " org, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (check_id, scenario, measure_id, action, reason, key.key_id, key.org, at),
    )
    return {
        "check_id": check_id,
        "scenario": scenario,
        "measure_id": measure_id,
        "action": action,
        "reason": reason,
        "at": at,
    }


def effect_report(
    store: EmbeddedStore,
    since: date,
    until: date,
    scenario: str | None = None,
    org: str | None = None,
) -> dict[str, Any]:
    """Per scenario over [since, until]: checks, distinct subjects by outcome, feedback and
    the override reasons (most frequent first); of one window organisation, or all."""
    where = "substr(checked_at, 1, 10) BETWEEN ? AND ?"
    params: list[Any] = [since.isoformat(), until.isoformat()]
    if scenario:
        where += " AND scenario = ?"
        params.append(scenario)
    if org is not None:
        where += " AND org = ?"
        params.append(org)
    checks = store.execute(
        f"SELECT scenario, outcome, COUNT(*), COUNT(DISTINCT subject) FROM measure_checks"
        f" WHERE {where} GROUP BY scenario, outcome",
        params,
    )
    feedback = store.execute(
        "SELECT c.scenario, f.action, f.reason, COUNT(*) FROM measure_feedback f"
        " JOIN (SELECT check_id, scenario FROM measure_checks"
        f" WHERE {where}) c ON c.check_id = f.check_id AND c.scenario = f.scenario"
        " GROUP BY c.scenario, f.action, f.reason",
        params,
    )
    out: dict[str, dict[str, Any]] = {}
    for name, outcome, n, subjects in checks:
        row = out.setdefault(name, _empty(name))
        row["checks"] += int(n)
        row["outcomes"][str(outcome)] = {"checks": int(n), "subjects": int(subjects)}
    for name, action, reason, n in feedback:
        row = out.setdefault(name, _empty(name))
        row["feedback"][str(action)] = row["feedback"].get(str(action), 0) + int(n)
        if action == "overridden":
            row["override_reasons"].append({"reason": reason, "count": int(n)})
    for row in out.values():
        row["override_reasons"].sort(key=lambda r: (-r["count"], r["reason"] or ""))
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "scenarios": [out[k] for k in sorted(out)],
    }


def _empty(name: str) -> dict[str, Any]:
    return {"scenario": name, "checks": 0, "outcomes": {}, "feedback": {}, "override_reasons": []}
