"""The options and arguments many commands share, and how a typed value becomes a date.

Dates go through the loaders' parser (``linkrisk.loaders.normalise.parse_date``): an option
takes every spelling a source file may use (2026-11-01, 2026/11/01, 2026.11.01, 20261101,
2026年11月1日), and anything else is a usage error naming the option, exit code 2.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from linkrisk.errors import InputError
from linkrisk.loaders.keys import uscc_key
from linkrisk.loaders.normalise import DATE_REASON, parse_date

DATE_METAVAR = "DATE"
DATE_HELP = "2026-10-31, 2026/10/31, 20261031 or 2026年10月31日"


def typed_date(value: str | date) -> date:
    """A click parser: the option's text → a date, or ``BadParameter`` (exit code 2)."""
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except InputError:
        raise typer.BadParameter(f"{value!r} is {DATE_REASON}") from None


def typed_uscc(value: str) -> str:
    """A click parser for options that take a USCC: the API's check and message."""
    try:
        return uscc_key(value)
    except InputError as exc:
        raise typer.BadParameter(exc.detail) from None


def date_option(*names: str, help: str) -> Any:
    """An option taking a date, as ``Annotated`` metadata."""
    return typer.Option(*names, parser=typed_date, metavar=DATE_METAVAR, help=help)


JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]
StoreOption = Annotated[
    str | None, typer.Option("--store", help="embedded | neo4j (default: LINKRISK_STORE)")
]


def typed_lang(value: str | None) -> str | None:
    if value is not None and value not in ("zh", "en"):
        raise typer.BadParameter(f"{value!r}: use zh (中文) or en")
    return value


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        parser=typed_lang,
        metavar="zh|en",
        help="labels in Chinese (zh) or English (en); default LINKRISK_LANG, else zh",
    ),
]
Subject = Annotated[
    str,
    typer.Argument(
        help="the subject: USCC, person key P…, a unique key prefix, or a name", metavar="SUBJECT"
    ),
]
