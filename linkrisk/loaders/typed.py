"""Rows whose identifier-type column names a scheme from outside the registry (``schemes``).

``apply_types`` takes what ``identity.resolve`` made of a batch and re-resolves the rows with a
typed identifier: persons by the keyed hash of ``scheme:country:value``, organisations by their
registry number in clear (kind ``foreign_org``). Each distinct (type, country, value) is checked
once; rows without a type (or typed 身份证 / 统一社会信用代码) keep the registry's resolution.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pycountry

from linkrisk.loaders.checks import Context, Fields, Problems
from linkrisk.loaders.identifiers import compact_code
from linkrisk.loaders.identity import Resolved, keyed_column
from linkrisk.loaders.records import SubjectKind
from linkrisk.loaders.schemes import SCHEMES, Typed, check_typed, mask_typed, scheme_of
from linkrisk.loaders.textops import as_string_array, present

UNKNOWN_TYPE = (
    "unknown identifier type (expected e.g. 身份证, 统一社会信用代码, 护照 with a country,"
    f" 港澳居民来往内地通行证, 台湾居民来往大陆通行证, or one of {', '.join(SCHEMES)})"
)
UNKNOWN_COUNTRY = "not a country (expected an ISO 3166 code such as SG, or a name such as 新加坡)"


@cache
def _country_names() -> dict[str, str]:
    """Country names in Chinese and English (and 3-letter codes) → ISO alpha-2."""
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), c.alpha_3):
            if name:
                out[name.casefold()] = c.alpha_2
        out[zh.gettext(c.name)] = c.alpha_2
    out |= {"中国台湾": "TW", "台湾": "TW", "中国香港": "HK", "中国澳门": "MO"}
    return out


def country_code(text: str) -> str | None:
    """``"SG"``, ``"sgp"``, ``"Singapore"``, ``"新加坡"`` → ``"SG"``; None when unknown."""
    text = text.strip()
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None:
        return text.upper()
    return _country_names().get(text) or _country_names().get(text.casefold())


@dataclass(slots=True)
class TypedRows:
    """What the types of a batch changed, and the problems of its type and country columns."""

    who: Resolved
    bad_type: np.ndarray
    bad_country: np.ndarray


def apply_types(
    who: Resolved,
    codes: pa.StringArray,
    types: pa.StringArray,
    countries: pa.StringArray,
    key: bytes,
    *,
    allow_org: bool = True,
) -> TypedRows:
    """Re-resolve the rows of ``who`` whose type names a scheme from outside the registry."""
    n = len(codes)
    none = np.zeros(n, dtype=bool)
    if not present(types).any():
        return TypedRows(who, none, none.copy())
    type_list, country_list = types.to_pylist(), countries.to_pylist()
    code_list = codes.to_pylist()
    bad_type, bad_country = none.copy(), none.copy()
    keys: list[str | None] = [None] * n
    person, org, bad = none.copy(), none.copy(), none.copy()
    reasons: dict[str, str] = {}
    checked: dict[tuple[str, str | None, str], Typed] = {}
    for i, type_text in enumerate(type_list):
        if type_text is None:
            continue
        found = scheme_of(type_text)
        if found is None:
            bad_type[i] = True
            continue
        scheme, country = found
        if scheme is None or code_list[i] is None:
            continue  # a registry identifier, or no number: resolved as before
        if country is None and country_list[i] is not None:
            country = country_code(country_list[i])
            bad_country[i] = country is None
        triple = (scheme, country, code_list[i])
        typed = checked.get(triple)
        if typed is None:
            typed = checked[triple] = check_typed(*triple)
        if typed.key is None or (not typed.person and not allow_org):
            bad[i] = True
            reasons[code_list[i]] = (
                typed.problem or f"a {scheme} number names an organisation, not a person"
            )
            continue
        keys[i] = typed.key
        (person if typed.person else org)[i] = True
    typed_rows = person | org | bad
    if not typed_rows.any():
        return TypedRows(who, bad_type, bad_country)
    key_texts = as_string_array(pa.array(keys, pa.string()))
    sid = keyed_column(key_texts, np.flatnonzero(person), "P", key)
    sid = as_string_array(pc.if_else(pa.array(org), key_texts, sid))
    keep = pa.array(~typed_rows)
    masked = pa.array(
        [mask_typed(k) if k and p else None for k, p in zip(keys, person, strict=True)],
        pa.string(),
    )
    kind = pa.array(
        [
            SubjectKind.PERSON.value if p else SubjectKind.FOREIGN_ORG.value if o else None
            for p, o in zip(person, org, strict=True)
        ],
        pa.string(),
    )
    base_reason = who.reason
    resolved = replace(
        who,
        sid=as_string_array(pc.if_else(keep, who.sid, sid)),
        kind=as_string_array(pc.if_else(keep, who.kind, kind)),
        id_masked=as_string_array(pc.if_else(keep, who.id_masked, masked)),
        weak=who.weak & ~typed_rows,
        bad=(who.bad & ~typed_rows) | bad,
        reason=lambda value: reasons.get(compact_code(value)) or base_reason(value),
        persons=who.persons & ~typed_rows,
    )
    return TypedRows(resolved, bad_type, bad_country)


def typed_identities(
    who: Resolved,
    f: Fields,
    p: Problems,
    ctx: Context,
    prefix: str,
    codes: pa.StringArray,
    *,
    allow_org: bool = True,
) -> Resolved:
    """``who`` with the rows whose ``<prefix>_id_type`` field names a scheme from outside the
    registry re-resolved; unknown types and countries are the row's problems."""
    types, countries = f[f"{prefix}_id_type"], f[f"{prefix}_country"]
    typed = apply_types(who, codes, types, countries, ctx.key, allow_org=allow_org)
    p.add(f"{prefix}_id_type", typed.bad_type, UNKNOWN_TYPE)
    p.add(f"{prefix}_country", typed.bad_country, UNKNOWN_COUNTRY)
    return typed.who


def typed_orgs(
    f: Fields, p: Problems, prefix: str, codes: pa.StringArray
) -> tuple[pa.StringArray, np.ndarray]:
    """Keys of the rows whose ``<prefix>_id_type`` names an organisation scheme from outside the
    registry (a held offshore company: ``hk-cr:…``), null elsewhere, and the mask of those rows
    (their ``<prefix>_uscc`` is then no USCC). A person's scheme there is the row's problem."""
    n = len(codes)
    keys: list[str | None] = [None] * n
    typed, bad_type, bad_country, bad = (np.zeros(n, dtype=bool) for _ in range(4))
    reasons: dict[str, str] = {}
    countries = f[f"{prefix}_country"].to_pylist()
    code_list = codes.to_pylist()
    for i, type_text in enumerate(f[f"{prefix}_id_type"].to_pylist()):
        found = None if type_text is None else scheme_of(type_text)
        if type_text is not None and found is None:
            bad_type[i] = True
        if found is None:
            continue
        scheme, country = found
        if scheme is None or code_list[i] is None:
            continue
        typed[i] = True
        if country is None and countries[i] is not None:
            country = country_code(countries[i])
            bad_country[i] = country is None
        result = check_typed(scheme, country, code_list[i])
        if result.key is None or result.person:
            bad[i] = True
            reasons[code_list[i]] = result.problem or f"a {scheme} number names a person"
        else:
            keys[i] = result.key
    p.add(f"{prefix}_id_type", bad_type, UNKNOWN_TYPE)
    p.add(f"{prefix}_country", bad_country, UNKNOWN_COUNTRY)
    p.add(f"{prefix}_uscc", bad, lambda v: reasons.get(compact_code(v), "not accepted here"))
    return as_string_array(pa.array(keys, pa.string())), typed
