"""Audit commands: verify the keyed chain and the checkpoints, write a checkpoint, show the tail."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import Settings, get_settings
from linkrisk.graph.open import open_embedded

if TYPE_CHECKING:
    from linkrisk.api.audit_chain import AuditConfig

from linkrisk.cli.params import JsonFlag

audit_app = typer.Typer(
    help="The audit log (keyed hash chain, signed checkpoints): verify, checkpoint, tail.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


def _audit_config() -> tuple[Settings, AuditConfig]:
    from linkrisk.api.audit_chain import AuditConfig

    settings = get_settings()
    open_embedded(settings).close()  # migrated, so an empty store verifies as an empty log
    return settings, AuditConfig.from_settings(settings)


@audit_app.command("verify")
def audit_verify(json: JsonFlag = False) -> None:
    """Verify the keyed hash chain and every checkpoint (exit 2 names what does not verify).

    Finds altered, removed, reordered or forged records, and the checkpoints the log
    contradicts: a cut tail, a replaced or emptied log, keyed records passed off as legacy.
    """
    from linkrisk.api.audit_verify import verify_audit

    settings, config = _audit_config()
    summary = verify_audit(settings.db_path, config)
    if json:
        print_json({"ok": True, **asdict(summary)})
        return
    legacy = (
        f"; legacy, unkeyed up to record {summary.legacy_upto:,}" if summary.legacy_upto else ""
    )
    console.print(
        f"audit log intact: {summary.records:,} records,"
        f" head {summary.head_seq} {summary.head_hash[:16]}…{legacy}",
        highlight=False,
        soft_wrap=True,
    )
    if summary.checkpoint_seq is None:
        console.print(
            f"no checkpoints in {config.checkpoints}: records cut off the end, or a replaced"
            " log, cannot be detected",
            highlight=False,
            soft_wrap=True,
        )
        return
    unanchored = summary.head_seq - summary.checkpoint_seq
    console.print(
        f"{summary.checkpoints:,} checkpoints agree, the last at record {summary.checkpoint_seq:,}"
        f" ({summary.checkpoint_ts}); {unanchored:,} records since",
        highlight=False,
        soft_wrap=True,
    )


@audit_app.command("checkpoint")
def audit_checkpoint(json: JsonFlag = False) -> None:
    """Verify the log, then sign its head now, append it to the checkpoint file and print it.

    Keep a copy of the checkpoints elsewhere: they anchor the log outside the database.
    """
    from linkrisk.api.audit_verify import write_checkpoint

    settings, config = _audit_config()
    checkpoint = write_checkpoint(settings.db_path, config)
    if json:
        print_json(asdict(checkpoint))
        return
    console.print(
        f"checkpoint written to {config.checkpoints}: record {checkpoint.seq:,},"
        f" head {checkpoint.head[:16]}…",
        highlight=False,
        soft_wrap=True,
    )
    console.print(checkpoint.line().strip(), markup=False, highlight=False, soft_wrap=True)


@audit_app.command("tail")
def audit_tail(
    n: Annotated[int, typer.Option("-n", help="the last n records")] = 20, json: JsonFlag = False
) -> None:
    """The most recent audit records."""
    from linkrisk.api.audit import AuditLog

    settings, config = _audit_config()
    log = AuditLog(settings.db_path, config)
    try:
        total = log.count()
        records, _ = log.page(limit=n, after_seq=max(0, total - n))
    finally:
        log.close()
    if json:
        print_json([{**r.body(), "hash": r.hash} for r in records])
        return
    print_table(
        f"audit (last {len(records)} of {total})",
        ["seq", "time", "key", "auth", "org", "role", "request", "subjects", "purpose", "status"],
        [
            (
                r.seq,
                r.ts,
                r.key_id,
                r.auth,
                r.org,
                r.role,
                f"{r.method} {r.endpoint}",
                " ".join(r.subjects)[:60],
                r.purpose,
                r.status,
            )
            for r in records
        ],
    )
