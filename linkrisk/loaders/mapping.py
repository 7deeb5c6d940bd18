"""Map a file's headers to the source fields of ``columns.SOURCE_FIELDS``.

Headers and aliases are compared after normalisation: NFKC (full-width → half-width, "（）" →
"()"), case folding, and without spaces, "_", "-" or a required-field star. A unit in brackets at
the end ("注册资本(万元)", "持股比例(%)") is removed for the comparison and remembered: the
normalisers apply it to plain numbers. When the kind is not given it is the kind whose required
fields are all present and which explains the most columns; a tie is an error asking for --kind.
Several columns may map to one field (e.g. "统一社会信用代码" and "证件号码" in a list of
dishonest debtors): the first non-empty value per row is used. Two columns with the *same*
header are an error naming both: which of them is meant cannot be told, and taking the first
one silently loaded the wrong identifiers.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.errors import InputError, SourceFileError
from linkrisk.loaders.columns import SOURCE_FIELDS, SourceField, SourceKind
from linkrisk.loaders.normalise import PERCENT_UNITS, UNIT_MULTIPLIERS
from linkrisk.loaders.scrub import shorten
from linkrisk.loaders.textops import as_string_array, clean

ExtraAliases = Mapping[SourceKind, Mapping[str, Sequence[str]]]
_UNIT = re.compile(r"^(.*?)\(([^()]*)\)$")
_UNITS = frozenset(UNIT_MULTIPLIERS) | PERCENT_UNITS | {"人民币"}


def header_key(header: str) -> tuple[str, str | None]:
    """(comparison key, unit or None) of a header or alias."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").strip().strip("*").strip()
    unit = None
    match = _UNIT.match(text)
    if match and match.group(2).strip() in _UNITS:
        text, unit = match.group(1), match.group(2).strip()
        unit = "元" if unit == "人民币" else unit
    return re.sub(r"[\s_\-]+", "", text).casefold(), unit


@dataclass(slots=True)
class ColumnMapping:
    """Which columns feed which source field of a kind, and the units their headers carry."""

    kind: SourceKind
    headers: list[str]
    columns: dict[str, list[int]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)

    @property
    def unmapped(self) -> list[str]:
        used = {i for idx in self.columns.values() for i in idx}
        return [h for i, h in enumerate(self.headers) if i not in used]

    def field_values(self, columns: Sequence[pa.Array], name: str) -> pa.StringArray:
        """The cleaned text of one mapped field (first non-empty column per row)."""
        cleaned = [clean(columns[i]) for i in self.columns[name]]
        return cleaned[0] if len(cleaned) == 1 else as_string_array(pc.coalesce(*cleaned))

    def extract(self, columns: Sequence[pa.Array]) -> dict[str, pa.StringArray]:
        """The cleaned text of every mapped field (first non-empty column per row)."""
        return {name: self.field_values(columns, name) for name in self.columns}


def load_aliases(path: Path | str) -> dict[SourceKind, dict[str, tuple[str, ...]]]:
    """Extra aliases from a TOML file: ``[holdings]`` then ``share = ["占股比例"]``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: column map cannot be read ({exc})") from None
    out: dict[SourceKind, dict[str, tuple[str, ...]]] = {}
    for kind_name, fields in data.items():
        try:
            kind = SourceKind(kind_name)
        except ValueError:
            raise InputError(
                f"{path}: unknown kind [{kind_name}]; kinds are {', '.join(SourceKind)}"
            ) from None
        known = {f.name for f in SOURCE_FIELDS[kind]}
        if not isinstance(fields, dict):
            raise InputError(f"{path}: [{kind_name}] must be a table of field = [aliases]")
        for name, aliases in fields.items():
            if name not in known:
                raise InputError(
                    f"{path}: [{kind_name}] has no field {name!r}; fields are {sorted(known)}"
                )
            if isinstance(aliases, str):
                aliases = [aliases]
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise InputError(f"{path}: [{kind_name}] {name} must be a list of header names")
            out.setdefault(kind, {})[name] = tuple(aliases)
    return out


def _fields(kind: SourceKind, extra: ExtraAliases | None) -> list[SourceField]:
    more = (extra or {}).get(kind, {})
    return [
        SourceField(f.name, f.aliases + tuple(more.get(f.name, ())), f.required)
        for f in SOURCE_FIELDS[kind]
    ]


def _match(kind: SourceKind, headers: Sequence[str], extra: ExtraAliases | None) -> ColumnMapping:
    lookup: dict[str, str] = {}
    for f in _fields(kind, extra):
        for alias in f.aliases:
            lookup.setdefault(header_key(alias)[0], f.name)
    mapping = ColumnMapping(kind, list(headers))
    for i, header in enumerate(headers):
        key, unit = header_key(header)
        name = lookup.get(key)
        if name is None and (bracket := _UNIT.match(key)):
            name = lookup.get(bracket.group(1))  # "住所(经营场所)" is still the address
        if name is None:
            continue
        mapping.columns.setdefault(name, []).append(i)
        if unit and name not in mapping.units:
            mapping.units[name] = unit
    return mapping


def _missing(
    kind: SourceKind, mapping: ColumnMapping, extra: ExtraAliases | None
) -> list[SourceField]:
    return [f for f in _fields(kind, extra) if f.required and f.name not in mapping.columns]


def _describe(fields: Sequence[SourceField]) -> str:
    return "; ".join(f"{f.name} (headers accepted: {', '.join(f.aliases)})" for f in fields)


def _no_twins(mapping: ColumnMapping, where: str) -> ColumnMapping:
    """``SourceFileError`` when two columns of a mapped field have the same header."""
    for name, idx in mapping.columns.items():
        seen: dict[str, int] = {}
        for i in idx:
            key = header_key(mapping.headers[i])[0]
            if key in seen:
                j = seen[key]
                raise SourceFileError(
                    f"{where}columns {j + 1} ({mapping.headers[j]!r}) and {i + 1}"
                    f" ({mapping.headers[i]!r}) have the same header, both read as {name}:"
                    " remove or rename one of them"
                )
            seen[key] = i
    return mapping


def map_columns(
    headers: Sequence[str],
    *,
    kind: SourceKind | str | None = None,
    extra_aliases: ExtraAliases | None = None,
    file: str = "",
) -> ColumnMapping:
    """The column mapping of a file; its kind detected when not given (see the module docstring)."""
    where = f"{file}: " if file else ""
    if kind is not None:
        try:
            kind = SourceKind(kind)
        except ValueError:
            raise InputError(f"unknown kind {kind!r}; kinds are {', '.join(SourceKind)}") from None
        mapping = _match(kind, headers, extra_aliases)
        missing = _missing(kind, mapping, extra_aliases)
        if missing:
            raise SourceFileError(
                f"{where}missing required columns for {kind}: {_describe(missing)}"
            )
        return _no_twins(mapping, where)
    candidates = [_match(k, headers, extra_aliases) for k in SourceKind]
    complete = [m for m in candidates if not _missing(m.kind, m, extra_aliases)]
    if not complete:
        closest = max(
            candidates, key=lambda m: len(m.columns) - 10 * len(_missing(m.kind, m, extra_aliases))
        )
        lacking = _describe(_missing(closest.kind, closest, extra_aliases))
        raise SourceFileError(
            f"{where}cannot tell what kind of file this is from its headers "
            f"{shorten(str(list(headers)), 500)}; "
            f"closest is {closest.kind}, which lacks {lacking}. "
            "Fix the headers or pass the kind (--kind)"
        )
    score = {m.kind: sum(len(v) for v in m.columns.values()) for m in complete}
    best = max(score.values())
    winners = [m for m in complete if score[m.kind] == best]
    if len(winners) > 1:
        raise SourceFileError(
            f"{where}the headers fit several kinds ({', '.join(m.kind for m in winners)}); "
            "pass the kind (--kind)"
        )
    return _no_twins(winners[0], where)
