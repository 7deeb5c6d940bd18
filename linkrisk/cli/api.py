"""API commands: serve, keys and consents (授权); the audit log's are in ``cli/audit.py``."""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.cli.params import DATE_HELP, JsonFlag, date_option, typed_uscc
from linkrisk.config import get_settings
from linkrisk.errors import InputError
from linkrisk.graph.open import open_embedded

keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
consents_app = typer.Typer(
    help="Lender consents (授权), with the evidence of each authorisation: create, list, revoke.",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")
app.add_typer(consents_app, name="consents")


def typed_host(value: str) -> str:
    """A host name or IP address to bind to (letters, digits, ``.``, ``-``, ``:``, ``[]``)."""
    import re

    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]{1,253}", value):
        raise typer.BadParameter(f"{value!r} is not a host name or IP address")
    return value


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(
            parser=typed_host, help="address to listen on (default: LINKRISK_API_HOST, 127.0.0.1)"
        ),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="port (default: LINKRISK_API_PORT, 8000)", min=1, max=65535)
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="worker processes (default: LINKRISK_API_WORKERS, 1)", min=1)
    ] = None,
) -> None:
    """Serve the API with uvicorn (no access log: paths may carry subject keys)."""
    import uvicorn

    settings = get_settings()
    workers = workers or settings.api_workers
    os.environ["LINKRISK_API_WORKERS"] = str(workers)  # worker processes read their settings anew
    uvicorn.run(
        "linkrisk.api.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        workers=workers,
        access_log=False,
        log_level="info",
    )


# -- keys --------------------------------------------------------------------------------------
@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="lender | investigator | regulator | admin")],
    org: Annotated[str, typer.Option(help="the organisation the key belongs to")],
    scope: Annotated[
        list[str] | None, typer.Option(help="extra scope, e.g. pii (repeatable)")
    ] = None,
    label: Annotated[str | None, typer.Option(help="a note, e.g. who holds the key")] = None,
    json: JsonFlag = False,
) -> None:
    """Create a key. The secret is printed once and cannot be shown again."""
    from linkrisk.api.auth import create_key

    record, secret = create_key(open_embedded(), role, org, scope or [], label)
    if json:
        print_json(
            {
                "key": secret,
                "key_id": record.key_id,
                "role": record.role.value,
                "org": record.org,
                "scopes": sorted(record.scopes),
            }
        )
        return
    console.print(f"key id [bold]{record.key_id}[/] ({record.role.value}, {record.org})")
    console.print(secret, markup=False, highlight=False)
    typer.secho(
        "store this key now: it is not kept and cannot be shown again",
        err=True,
        fg=typer.colors.YELLOW,
    )


@keys_app.command("list")
def keys_list(json: JsonFlag = False) -> None:
    """All keys (ids, never secrets)."""
    from linkrisk.api.auth import list_keys

    keys = list_keys(open_embedded())
    if json:
        print_json(
            [
                {
                    "key_id": k.key_id,
                    "role": k.role.value,
                    "org": k.org,
                    "scopes": sorted(k.scopes),
                    "label": k.label,
                    "created": k.created,
                    "revoked": k.revoked,
                }
                for k in keys
            ]
        )
        return
    print_table(
        "API keys",
        ["key id", "role", "org", "scopes", "label", "created", "revoked"],
        [
            (
                k.key_id,
                k.role.value,
                k.org,
                " ".join(sorted(k.scopes)),
                k.label,
                k.created,
                k.revoked,
            )
            for k in keys
        ],
    )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="the key id, e.g. lr_Ab3dE9xZ")],
) -> None:
    """Revoke a key (running servers notice within a second)."""
    from linkrisk.api.auth import revoke_key

    key = revoke_key(open_embedded(), key_id)
    console.print(f"key {key.key_id} revoked at {key.revoked}")


@keys_app.command("examples")
def keys_examples(
    base_url: Annotated[str, typer.Option(help="where the API listens")] = "http://127.0.0.1:8000",
) -> None:
    """curl examples for each role (keys read from $LINKRISK_<ROLE>_KEY)."""
    from linkrisk.api.auth import Role
    from linkrisk.api.demo import curl_examples

    keys = {r.value: f"${{LINKRISK_{r.value.upper()}_KEY}}" for r in Role}
    print(curl_examples(keys, open_embedded(), base_url).replace("'${", '"${').replace("}'", '}"'))


# -- consents ----------------------------------------------------------------------------------
@consents_app.command("create")
def consents_create(
    org: Annotated[str, typer.Option(help="the lender organisation")],
    uscc: Annotated[str, typer.Option(help="the subject that consented", parser=typed_uscc)],
    purpose: Annotated[
        str,
        typer.Option(
            help="credit_application | credit_review | post_loan_monitoring | guarantee_review"
        ),
    ],
    valid_from: Annotated[date, date_option("--from", help=f"first day, {DATE_HELP}")],
    valid_until: Annotated[date, date_option("--until", help="last day (a date, as --from)")],
    evidence_date: Annotated[
        date,
        date_option("--evidence-date", help="the day the authorisation (授权书) was signed"),
    ],
    evidence_sha256: Annotated[
        str | None, typer.Option(help="SHA-256 of the signed authorisation (or --evidence-file)")
    ] = None,
    evidence_file: Annotated[
        Path | None,
        typer.Option(help="the signed authorisation's file: its SHA-256 is recorded, not the file"),
    ] = None,
    reference: Annotated[str | None, typer.Option(help="the signed consent's number")] = None,
    json: JsonFlag = False,
) -> None:
    """Record a consent (授权) for a lender to query a subject's score for a purpose.

    The evidence of the authorisation is required: the signed document's SHA-256 (given, or
    computed from --evidence-file; the file itself is not kept) and the day it was signed.
    """
    from linkrisk.api.consent import create_consent

    if (evidence_sha256 is None) == (evidence_file is None):
        raise InputError("give the evidence as --evidence-sha256 or --evidence-file (one of them)")
    if evidence_file is not None:
        evidence_sha256 = hashlib.sha256(evidence_file.read_bytes()).hexdigest()
    assert evidence_sha256 is not None
    consent = create_consent(
        open_embedded(),
        org=org,
        sid=uscc,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        evidence_sha256=evidence_sha256,
        evidence_date=evidence_date,
        reference=reference,
        created_by="cli",
    )
    if json:
        print_json(
            {
                "consent_id": consent.consent_id,
                "org": consent.org,
                "uscc": consent.sid,
                "purpose": consent.purpose.value,
                "valid_from": consent.valid_from,
                "valid_until": consent.valid_until,
                "evidence_sha256": consent.evidence_sha256,
                "evidence_date": consent.evidence_date,
            }
        )
        return
    console.print(
        f"consent {consent.consent_id}: {consent.org} may query {consent.sid}"
        f" for {consent.purpose.value} from {consent.valid_from} to {consent.valid_until}"
        f" (authorisation signed {consent.evidence_date}, SHA-256 {consent.evidence_sha256})"
    )


@consents_app.command("list")
def consents_list(
    org: Annotated[str | None, typer.Option(help="only this lender")] = None,
    uscc: Annotated[str | None, typer.Option(help="only this subject", parser=typed_uscc)] = None,
    active: Annotated[bool, typer.Option(help="only those active today")] = False,
    limit: Annotated[int, typer.Option(help="at most this many")] = 100,
    json: JsonFlag = False,
) -> None:
    """Consents, newest first."""
    from linkrisk.api.consent import list_consents

    items, total = list_consents(
        open_embedded(), org=org, sid=uscc, active_on=date.today() if active else None, limit=limit
    )
    if json:
        print_json(
            {
                "total": total,
                "items": [
                    {
                        "consent_id": c.consent_id,
                        "org": c.org,
                        "uscc": c.sid,
                        "purpose": c.purpose.value,
                        "valid_from": c.valid_from,
                        "valid_until": c.valid_until,
                        "revoked": c.revoked,
                        "evidence_sha256": c.evidence_sha256,
                        "evidence_date": c.evidence_date,
                        "active": c.active_on(date.today()),
                    }
                    for c in items
                ],
            }
        )
        return
    print_table(
        f"consents ({len(items)} of {total})",
        ["id", "org", "uscc", "purpose", "from", "until", "signed", "revoked"],
        [
            (
                c.consent_id,
                c.org,
                c.sid,
                c.purpose.value,
                c.valid_from,
                c.valid_until,
                c.evidence_date,
                c.revoked,
            )
            for c in items
        ],
    )


@consents_app.command("revoke")
def consents_revoke(consent_id: Annotated[str, typer.Argument(help="the consent id, c_…")]) -> None:
    """Revoke a consent (the record is kept; lenders are refused from now on)."""
    from linkrisk.api.consent import revoke_consent

    consent = revoke_consent(open_embedded(), consent_id, revoked_by="cli")
    console.print(f"consent {consent.consent_id} revoked at {consent.revoked}")
