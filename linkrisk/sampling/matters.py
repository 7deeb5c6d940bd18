"""The 抽查事项清单: matter codes and their names (``matters.toml``, or the file named by the
``sampling_matters`` setting). Plans name matters by code; publications show their names."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from linkrisk.errors import InputError

MATTERS_FILE = Path(__file__).with_name("matters.toml")


@dataclass(frozen=True, slots=True)
class Matter:
    code: str
    name: str
    department: str = ""
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Catalogue:
    matters: dict[str, Matter]
    source: str

    def name(self, code: str) -> str:
        """The matter's name; an unlisted code is shown as such, never silently as a name."""
        found = self.matters.get(code)
        return found.name if found else f"{code}（未列入抽查事项清单）"

    def names(self, codes: Iterable[str]) -> str:
        return "、".join(self.name(c) for c in codes)

    def check(self, codes: Iterable[str]) -> None:
        """Refuse codes that are not in the list (a plan must name listed matters)."""
        unknown = sorted(set(codes) - set(self.matters))
        if unknown:
            raise InputError(
                f"matters {unknown} are not in the 抽查事项清单 ({self.source}); listed:"
                f" {', '.join(sorted(self.matters)) or 'none'}"
            )


def load_catalogue(path: Path | None = None) -> Catalogue:
    source = path or MATTERS_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the 抽查事项清单 {source}: {exc}") from exc
    matters = {}
    for code, entry in (data.get("matters") or {}).items():
        if not isinstance(entry, dict) or not str(entry.get("name", "")).strip():
            raise InputError(f"{source}: matter {code!r} needs a name")
        matters[str(code)] = Matter(
            str(code),
            str(entry["name"]).strip(),
            str(entry.get("department", "")),
            str(entry.get("basis", "")),
        )
    if not matters:
        raise InputError(f"{source}: the 抽查事项清单 lists no matters")
    return Catalogue(matters, str(source))
