"""For ``linkrisk demo``: one key per role, consents for the demo bank, and curl examples.

The demo bank gets consents for a handful of enterprises (one per risk tier where the published
scores allow, otherwise the first enterprises of the store) so that a lender's first request
succeeds and a request for any other firm shows the consent refusal.
"""

from __future__ import annotations

import hashlib
import shlex
from datetime import date, timedelta

from linkrisk.api.auth import Role, create_key
from linkrisk.api.consent import Purpose, create_consent, list_consents
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.identifiers import check_uscc

DEMO_ORGS = {
    Role.LENDER: "demo-bank",
    Role.INVESTIGATOR: "demo-credit-office",
    Role.REGULATOR: "demo-market-regulator",
    Role.ADMIN: "demo-ops",
    Role.WINDOW: "demo-service-window",
}
DEMO_SUBJECTS = 5


def demo_subjects(
    settings: Settings, store: EmbeddedStore, count: int = DEMO_SUBJECTS
) -> list[str]:
    """Enterprises to consent for: one per tier first (from the published scores), then any."""
    chosen: list[str] = []
    try:
        from linkrisk.graph.snapshot.arrays import load_current
        from linkrisk.models.scores import load_scores

        snapshot, scores = load_current(settings.snapshot_dir), load_scores(settings)
        if scores.snapshot_version == snapshot.version:
            for tier in range(4):
                for node in (scores.tier == tier).nonzero()[0][:200]:
                    sid = snapshot.sid(int(node))
                    if check_uscc(sid) is None:
                        chosen.append(sid)
                        break
    except Exception:  # no snapshot or scores yet: fall back to the store
        chosen = []
    rows = store.execute(
        "SELECT sid FROM subjects WHERE kind = 'enterprise' ORDER BY sid LIMIT ?", (count * 4,)
    )
    for (sid,) in rows:
        if len(chosen) >= count:
            break
        if sid not in chosen and check_uscc(str(sid)) is None:
            chosen.append(str(sid))
    return chosen[:count]


def create_demo_keys(settings: Settings, store: EmbeddedStore) -> dict[str, str]:
    """Create one key per role (role → secret) and consents for the demo bank's subjects."""
    keys = {role.value: create_key(store, role, DEMO_ORGS[role], label="demo")[1] for role in Role}
    today = date.today()
    for sid in demo_subjects(settings, store):
        letter = f"demo authorisation: {sid} authorises {DEMO_ORGS[Role.LENDER]}"  # synthetic
        create_consent(
            store,
            org=DEMO_ORGS[Role.LENDER],
            sid=sid,
            purpose=Purpose.CREDIT_APPLICATION,
            valid_from=today - timedelta(days=1),
            valid_until=today + timedelta(days=365),
            evidence_sha256=hashlib.sha256(letter.encode()).hexdigest(),
            evidence_date=today - timedelta(days=1),
            reference="demo",
            created_by="demo",
        )
    return keys


def _curl(key: str, url: str, body: str | None = None) -> str:
    parts = ["curl", "-s", "-H", f"X-API-Key: {key}"]
    if body is not None:
        parts += ["-H", "Content-Type: application/json", "-d", body]
    return " ".join(shlex.quote(p) for p in [*parts, url])


def curl_examples(
    keys: dict[str, str], store: EmbeddedStore, base_url: str = "http://127.0.0.1:8000"
) -> str:
    """Ready-to-paste curl commands for each role's main requests."""
    consented, _ = list_consents(store, org=DEMO_ORGS[Role.LENDER], active_on=date.today(), limit=1)
    uscc = consented[0].sid if consented else "<USCC>"
    base = base_url.rstrip("/")
    lines: list[str] = []
    if "lender" in keys:
        k = keys["lender"]
        lines += [
            "# lender (信易贷 bank): a consented score, a batch, its organisation's consents",
            _curl(k, f"{base}/v1/scores/{uscc}?purpose=credit_application"),
            _curl(
                k,
                f"{base}/v1/scores:batch",
                f'{{"purpose": "credit_application", "usccs": ["{uscc}"]}}',
            ),
            _curl(k, f"{base}/v1/consents?active=true"),
        ]
    if "investigator" in keys:
        k = keys["investigator"]
        lines += [
            "# investigator: subject card, owners (股权穿透), surrounding risk, search",
            _curl(k, f"{base}/v1/subjects/{uscc}"),
            _curl(k, f"{base}/v1/subjects/{uscc}/owners"),
            _curl(k, f"{base}/v1/subjects/{uscc}/risk?hops=2"),
            _curl(k, f"{base}/v1/search?q=zhang"),
        ]
    if "regulator" in keys:
        k = keys["regulator"]
        lines += [
            "# regulator: batch credit check (信用核查), sampling plans",
            _curl(k, f"{base}/v1/checks", f'{{"usccs": ["{uscc}"]}}'),
            _curl(k, f"{base}/v1/plans"),
        ]
    if "window" in keys:
        k = keys["window"]
        lines += [
            "# window (信易+ service window): the measures that apply to a subject",
            _curl(k, f"{base}/v1/window/checks", f'{{"uscc": "{uscc}", "scenario": "信易贷"}}'),
        ]
    if "admin" in keys:
        k = keys["admin"]
        lines += [
            "# admin: consents and the audit log",
            _curl(k, f"{base}/v1/consents?active=true"),
            _curl(k, f"{base}/v1/audit?limit=20"),
            _curl(k, f"{base}/v1/audit/verify"),
        ]
    return "\n".join(lines)
