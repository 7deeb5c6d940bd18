"""The personal credit score (商鼎分 style): ``linkrisk personal-score rules|show``.

``show`` answers only under the person's own authorisation: an active consent of the named
organisation for the purpose ``personal_score`` (recorded by ``POST /v1/personal-consents`` or
``linkrisk consents create --purpose personal_score`` for an individual business); without one
it refuses and shows nothing. An ID number is hashed at once and printed masked.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from linkrisk.cli import app
from linkrisk.cli.output import console, print_json, print_table
from linkrisk.config import get_settings
from linkrisk.errors import InputError

personal_app = typer.Typer(
    help="个人信用分 (商鼎分 style): the point rules, a consented person's score.",
    no_args_is_help=True,
)
app.add_typer(personal_app, name="personal-score")


@personal_app.command("rules")
def rules() -> None:
    """The point rules: base, floor, ceiling, and each rule's points."""
    from linkrisk.incentives.personal import load_point_rules

    r = load_point_rules(get_settings().personal_points)
    flag = " — 示例规则 (illustrative)" if r.illustrative else ""
    print_table(
        f"个人信用分规则 {r.version}: 基础分 {r.base} ({r.floor}–{r.ceiling}){flag}",
        ["id", "规则", "分值", "上限"],
        [(x.id, x.label, f"{x.points:+d}", x.max_points or "") for x in r.rules],
    )


@personal_app.command("show")
def show(
    code: Annotated[
        str, typer.Argument(help="a resident ID number, or an individual business's USCC")
    ],
    org: Annotated[str, typer.Option(help="the organisation the person authorised")],
    json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """A person's score with its history line by line — only with their consent."""
    from linkrisk.api.consent import Purpose, require_consent
    from linkrisk.api.measures import window_subject
    from linkrisk.graph.open import open_embedded
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.incentives.commitment_book import CommitmentBook
    from linkrisk.incentives.personal import load_point_rules, personal_score
    from linkrisk.loaders.identifiers import IdentifierKind, identifier_kind

    settings = get_settings()
    kind = identifier_kind(code)
    if kind is None:
        raise InputError("not a valid USCC or resident ID number (the code is not repeated)")
    key = settings.id_hash_key.get_secret_value().encode()
    person = kind is IdentifierKind.PERSON
    subject = window_subject(None if person else code, code if person else None, key)
    ops = open_embedded(settings)
    try:
        require_consent(ops, org, subject.sid, Purpose.PERSONAL_SCORE, date.today())
        snapshot = load_current(settings.snapshot_dir)
        node = snapshot.try_index(subject.sid)
        if node is None:
            raise InputError(f"no record of {subject.query} in snapshot {snapshot.version}")
        commitments = CommitmentBook(ops).listed(date.today(), subject=subject.sid)
    finally:
        ops.close()
    result = personal_score(load_point_rules(settings.personal_points), snapshot, node, commitments)
    result = {"subject": subject.query, **result}
    if json:
        print_json(result)
        return
    console.print(f"{subject.query}  个人信用分 {result['score']}  (基础分 {result['base']},"
                  f" 规则 {result['rules_version']}, 数据截至 {result['as_of']})")  # fmt: skip
    print_table(
        "明细 history",
        ["日期", "规则", "记录", "分值"],
        [(x["date"], x["label"], x["what"], f"{x['points']:+d}") for x in result["lines"]],
    )
