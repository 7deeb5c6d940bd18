"""The labels the command line prints, in the language a command was asked for (``--lang``,
else ``LINKRISK_LANG``, else Chinese): ``linkrisk.vocabulary``'s tables, which the API's labels
and the web page use too. ``--json`` output keeps the codes."""

from __future__ import annotations

from linkrisk import vocabulary
from linkrisk.config import get_settings

_lang: list[str] = []  # the language chosen for this command, once it is known


def use(lang: str | None) -> str:
    """Choose the language for this command's tables (None: the settings')."""
    chosen = lang or get_settings().lang
    _lang[:] = [vocabulary.check_lang(chosen)]
    return chosen


def lang() -> str:
    return _lang[0] if _lang else get_settings().lang


def say(table: str, code: object) -> str:
    """The label of ``code`` in ``table`` (``enterprise`` → 企业 / enterprise)."""
    return vocabulary.label(table, code, lang())


def word(name: str) -> str:
    return vocabulary.word(name, lang())


def capital(yuan: float | None) -> str:
    """``1,000 万元``."""
    return vocabulary.capital(yuan, lang())


def controller_reason(reason: str) -> str:
    """``ownership ≥ 25%`` → ``持股 ≥ 25%``; the fixed reasons from the table."""
    if reason.startswith("ownership"):
        return say("controller", "ownership") + reason.removeprefix("ownership")
    return say("controller", reason)
