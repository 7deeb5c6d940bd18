"""Monitoring: ``linkrisk watch add|list|remove``, ``linkrisk alerts``, ``linkrisk webhooks``.

The command line works for any organisation (``--org``): it is the operator's tool, on the
machine that holds the store. Over the API an organisation is its key's, and a lender may watch
only the subjects that authorised it, at depth 0.
"""

from __future__ import annotations

import json as jsonlib
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, err_console, print_json, print_table
from linkrisk.cli.params import JsonFlag
from linkrisk.config import Settings, get_settings
from linkrisk.graph.open import open_embedded

watch_app = typer.Typer(
    help="Watchlists (监控): subjects an organisation watches, how far around them, for what.",
    no_args_is_help=True,
)
webhooks_app = typer.Typer(
    help="Webhooks: alerts POSTed to an organisation's URL, HMAC-signed, retried with backoff.",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")
app.add_typer(webhooks_app, name="webhooks")

Org = Annotated[str, typer.Option(help="the organisation (an API key's org)")]
Sid = Annotated[str, typer.Argument(help="the subject's key: USCC or person key P…", metavar="SID")]
KINDS_HELP = "event, tier, ownership, officer, status, or event:<type> (repeatable; default all)"


def _known(settings: Settings, sid: str) -> str:
    """``sid`` as the published snapshot holds it (``NotFound`` / ``InputError`` otherwise)."""
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.monitor.watches import check_sid

    key = check_sid(sid)
    snapshot = load_current(settings.snapshot_dir)
    return snapshot.sid(snapshot.index(key))


def evaluate_after(settings: Settings, *, quiet: bool = False) -> None:
    """The load → snapshot → score pipeline's hook: alerts from what changed, then webhooks."""
    from linkrisk.monitor.runs import after_publish

    store = open_embedded(settings)
    try:
        runs = after_publish(settings, store)
    finally:
        store.close()
    for run in runs:
        if not quiet and not run.skipped and run.previous:
            err_console.print(
                f"alerts ({run.part}): {run.changes:,} changes since {run.previous},"
                f" {run.alerts:,} new alerts",
                markup=False,
                highlight=False,
            )


@watch_app.command("add")
def watch_add(
    sid: Sid,
    org: Org,
    depth: Annotated[int, typer.Option(min=0, max=3, help="links around the subject (0–3)")] = 1,
    kind: Annotated[list[str] | None, typer.Option(help=KINDS_HELP)] = None,
    label: Annotated[str | None, typer.Option(help="a note, e.g. the loan file")] = None,
    json: JsonFlag = False,
) -> None:
    """Watch a subject of the published snapshot for an organisation (replaces its earlier
    watch of that subject)."""
    from linkrisk.monitor.watches import add_watch, check_kinds

    settings = get_settings()
    check_kinds(kind)
    known = _known(settings, sid)
    store = open_embedded(settings)
    watch = add_watch(store, org, known, depth=depth, kinds=kind, label=label, created_by="cli")
    if json:
        print_json(watch.to_dict())
        return
    console.print(
        f"{watch.org} watches {watch.sid} at depth {watch.depth} for {', '.join(watch.kinds)}",
        markup=False,
        highlight=False,
    )


@watch_app.command("list")
def watch_list(
    org: Annotated[str | None, typer.Option(help="one organisation (default: all)")] = None,
    json: JsonFlag = False,
) -> None:
    """The watches, by organisation and subject."""
    from linkrisk.monitor.watches import list_watches

    watches = list_watches(open_embedded(get_settings()), org)
    if json:
        print_json([w.to_dict() for w in watches])
        return
    print_table(
        "watches",
        ["org", "subject", "depth", "changes", "label", "since"],
        [(w.org, w.sid, w.depth, ", ".join(w.kinds), w.label, w.created) for w in watches],
    )


@watch_app.command("remove")
def watch_remove(sid: Sid, org: Org) -> None:
    """Stop watching a subject (its alerts stay)."""
    from linkrisk.monitor.watches import remove_watch

    watch = remove_watch(open_embedded(get_settings()), org, sid)
    console.print(f"{watch.org} no longer watches {watch.sid}", markup=False, highlight=False)


@app.command()
def alerts(
    org: Org,
    open_only: Annotated[bool, typer.Option("--open", help="only unacknowledged alerts")] = False,
    subject: Annotated[str | None, typer.Option(help="alerts about or through one subject")] = None,
    after: Annotated[int | None, typer.Option(help="the cursor a previous page printed")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    ack: Annotated[
        list[int] | None, typer.Option(help="acknowledge alert ids (repeatable)")
    ] = None,
    evaluate: Annotated[
        bool, typer.Option(help="first evaluate what changed up to the published snapshot")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """An organisation's alerts, newest first: the change, where, and the path from the watch."""
    from linkrisk.monitor.inbox import acknowledge, list_alerts

    settings = get_settings()
    if subject is not None:
        subject = _known(settings, subject)
    if evaluate:
        evaluate_after(settings)
    store = open_embedded(settings)
    if ack:
        done = acknowledge(store, org, ack, "cli")
        err_console.print(f"acknowledged {done} alert(s)", markup=False, highlight=False)
    page = list_alerts(store, org, after=after, limit=limit, open_only=open_only, sid=subject)
    if json:
        print_json({"alerts": [a.to_dict() for a in page.alerts], "next": page.next_cursor})
        return
    print_table(
        f"alerts of {org}",
        ["id", "watched", "subject", "change", "hops", "path", "snapshot", "read"],
        [
            (
                a.alert_id,
                a.watch_sid,
                a.sid,
                _change_text(a.change),
                a.distance,
                _path_text(a.path),
                a.snapshot,
                "✓" if a.acked else "",
            )
            for a in page.alerts
        ],
    )
    if page.next_cursor is not None:
        console.print(f"more: --after {page.next_cursor}", markup=False, highlight=False)


def _change_text(change: dict[str, object]) -> str:
    detail = {k: v for k, v in change.items() if k != "kind"}
    return f"{change['kind']} {jsonlib.dumps(detail, ensure_ascii=False)}"


def _path_text(path: dict[str, list[dict[str, str]]]) -> str:
    links = path.get("links", [])
    return " · ".join(f"{link['from']} {link['type']}→ {link['to']}" for link in links) or "—"


@webhooks_app.command("add")
def webhooks_add(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the alerts")],
    org: Org,
    json: JsonFlag = False,
) -> None:
    """Add a webhook; its signing secret is shown once."""
    from linkrisk.monitor.webhooks import add_webhook

    hook = add_webhook(open_embedded(get_settings()), org, url, "cli")
    if json:
        print_json(hook.to_dict())
        return
    console.print(f"webhook {hook.webhook_id} → {hook.url}", markup=False, highlight=False)
    console.print(f"signing secret (shown once): {hook.secret}", markup=False, highlight=False)


@webhooks_app.command("list")
def webhooks_list(org: Org, json: JsonFlag = False) -> None:
    """An organisation's webhooks."""
    from linkrisk.monitor.webhooks import list_webhooks

    hooks = list_webhooks(open_embedded(get_settings()), org)
    if json:
        print_json([h.to_dict() for h in hooks])
        return
    print_table(
        "webhooks", ["id", "url", "since"], [(h.webhook_id, h.url, h.created) for h in hooks]
    )


@webhooks_app.command("deliver")
def webhooks_deliver(json: JsonFlag = False) -> None:
    """Send the deliveries that are due, every organisation's (run it from cron: a failed one
    is tried again after 30 s, 1, 2, 4 … minutes, six times at most)."""
    from linkrisk.monitor.webhooks import deliver_due

    outcome = deliver_due(open_embedded(get_settings()))
    if json:
        print_json(outcome)
        return
    print_table("webhook deliveries", ["outcome", "count"], sorted(outcome.items()))


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: str, org: Org) -> None:
    """Remove a webhook (pending deliveries to it stop)."""
    from linkrisk.monitor.webhooks import remove_webhook

    remove_webhook(open_embedded(get_settings()), org, webhook_id)
    console.print(f"webhook {webhook_id} removed", markup=False, highlight=False)
