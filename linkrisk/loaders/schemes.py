"""Identifiers from outside the registry: typed as scheme (+ country) + value.

Ownership chains run through subjects without a USCC or a resident ID number: foreign investors,
Hong Kong / Macao / Taiwan companies, persons identified by passport or by the 港澳 / 台湾 travel
permits. A row names the scheme in an identifier-type column (证件类型: "护照", "passport:CN",
"香港公司注册编号" …) and, where the scheme needs it, the country in a country column (国别).

- persons: the sid is ``P`` + the keyed hash of ``scheme:country:value`` — the same keyed hash as
  a resident ID number, so the same document in two firms is one person and the number is never
  stored or printed; the masked form keeps the scheme and the first and last two characters.
- organisations: public registry numbers, kept in clear as the sid ``scheme:COUNTRY:value``
  (``hk-cr:01234567``, ``foreign-reg:SG:201912345K``), kind ``foreign_org``.

Values are checked by pattern, and by their check digit where python-stdnum has the scheme
(Taiwan's 統一編號 ``stdnum.tw.ubn``, Singapore's UEN ``stdnum.sg.uen``, Korea's BRN
``stdnum.kr.brn``). Passports and the travel permits carry no public check digit outside their
machine-readable zone: only their shape is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.kr import brn
from stdnum.sg import uen
from stdnum.tw import ubn

from linkrisk.loaders.identifiers import compact_code


@dataclass(frozen=True, slots=True)
class Scheme:
    """One kind of identifier: whom it names, its shape, its check, whether it needs a country."""

    name: str
    person: bool
    pattern: str
    country: bool = False
    check: Callable[[str], object] | None = None


def _stdnum(module: object) -> Callable[[str], object]:
    return module.validate  # type: ignore[attr-defined, no-any-return]


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme("passport", True, r"[A-Z0-9]{5,20}", country=True),
        Scheme("hk-macao-permit", True, r"[HM]\d{8}(\d{2})?"),  # 港澳居民来往内地通行证
        Scheme("tw-permit", True, r"\d{8}(\d{2})?"),  # 台湾居民来往大陆通行证
        Scheme("foreign-id", True, r"[A-Z0-9]{4,24}", country=True),  # another national ID
        Scheme("hk-cr", False, r"\d{7,8}"),  # Hong Kong Companies Registry number
        Scheme("mo-cr", False, r"\d{1,8}(SO)?"),  # Macao commercial registry number
        Scheme("tw-ubn", False, r"\d{8}", check=_stdnum(ubn)),  # 統一編號
        Scheme("foreign-reg", False, r"[A-Z0-9]{2,30}", country=True),
    )
}
#: a foreign registration number checked by its country's stdnum module
FOREIGN_CHECKS: dict[str, Callable[[str], object]] = {
    "SG": _stdnum(uen),
    "TW": _stdnum(ubn),
    "KR": _stdnum(brn),
}
#: how identifier-type columns name the schemes (after ``enum_key``-style folding); the two the
#: registry knows map to None: such rows are resolved as USCC or resident ID number
ALIASES: dict[str, str | None] = {
    "护照": "passport",
    "外国护照": "passport",
    "中国护照": "passport",
    "港澳居民来往内地通行证": "hk-macao-permit",
    "回乡证": "hk-macao-permit",
    "港澳通行证": "hk-macao-permit",
    "台湾居民来往大陆通行证": "tw-permit",
    "台胞证": "tw-permit",
    "外国身份证件": "foreign-id",
    "境外身份证件": "foreign-id",
    "香港公司注册编号": "hk-cr",
    "香港公司注册证书": "hk-cr",
    "澳门商业登记": "mo-cr",
    "澳门商业登记编号": "mo-cr",
    "台湾统一编号": "tw-ubn",
    "统一编号": "tw-ubn",
    "境外注册号": "foreign-reg",
    "境外企业注册号": "foreign-reg",
    "外国企业注册号": "foreign-reg",
    "外国公司注册号": "foreign-reg",
    "foreignregistration": "foreign-reg",
    "居民身份证": None,
    "身份证": None,
    "身份证号码": None,
    "统一社会信用代码": None,
    "营业执照": None,
    "uscc": None,
    "residentid": None,
}
_COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed identifier checked: its key text (``scheme:COUNTRY:value``) or why it is not one."""

    scheme: str
    key: str | None
    problem: str | None
    person: bool


def scheme_of(text: str) -> tuple[str | None, str | None] | None:
    """(scheme, country in the type column) of an identifier-type text; None when unknown.

    ``"护照"`` → ("passport", None); ``"passport:cn"`` → ("passport", "CN"); ``"身份证"`` →
    (None, None): a registry identifier.
    """
    name, _, country = text.strip().partition(":")
    folded = re.sub(r"[\s_()（）\-]+", "", name).casefold()
    if name.strip().casefold() in SCHEMES:
        scheme: str | None = name.strip().casefold()
    elif folded in ALIASES:
        scheme = ALIASES[folded]
    else:
        return None
    return scheme, (compact_code(country) or None)


def check_typed(scheme: str, country: str | None, value: str) -> Typed:
    """Check ``value`` as an identifier of ``scheme`` (and ``country`` where it needs one)."""
    spec = SCHEMES[scheme]
    code = compact_code(value)
    if spec.country and not (country and _COUNTRY.fullmatch(country)):
        return Typed(scheme, None, f"{scheme} needs a country (ISO 3166)", spec.person)
    if not re.fullmatch(spec.pattern, code):
        return Typed(scheme, None, f"not a {scheme} number: wrong length or form", spec.person)
    check = spec.check or (FOREIGN_CHECKS.get(country or "") if scheme == "foreign-reg" else None)
    if check is not None:
        try:
            check(code)
        except ValidationError as exc:
            return Typed(scheme, None, f"not a valid {scheme} number: {exc}", spec.person)
    key = f"{scheme}:{country}:{code}" if spec.country else f"{scheme}:{code}"
    return Typed(scheme, key, None, spec.person)


def mask_typed(key: str) -> str:
    """``passport:CN:E12345678`` → ``passport:CN:E1*****78`` (a person's document, masked)."""
    head, _, code = key.rpartition(":")
    keep = 2 if len(code) >= 6 else 1
    return f"{head}:{code[:keep]}{'*' * (len(code) - 2 * keep)}{code[-keep:]}"
