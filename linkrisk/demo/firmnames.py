"""Organisation names: 〈区县简称〉〈字号〉〈行业词〉有限公司 and the like, unique in the city.

A name is a packed key of (pattern, place prefix, 字号 or town, word, suffix) so that uniqueness is
checked on integers; repeats get a fresh, longer 字号. Group firms share their group's 字号; a
branch is its parent's name plus 〈区县〉(第N)分公司; holders from outside the city get names too.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.draws import I64, dedupe
from linkrisk.demo.names import (
    SYLLABLES,
    join,
    pick,
    place_codes,
    render_place,
    render_zihao,
    vocab,
    zihao_draw,
    zihao_space,
)
from linkrisk.demo.orgs import BRANCH, ENT, GROUP, IB, INST, S51, S52, S53, Orgs
from linkrisk.demo.ownership import FOREIGN, Structure
from linkrisk.demo.region import CITY_NAME, counties
from linkrisk.demo.vocab import INDUSTRIES, NONPROFIT_KINDS

FIRM, NONPROFIT, TOWN, DOMESTIC, OVERSEAS = range(5)  # name patterns
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "")
GROUP_WORDS = ("投资集团", "控股", "实业集团")
OVERSEAS_WORDS = ("国际投资(香港)", "国际控股(香港)", "环球贸易(香港)")
WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [w for i in INDUSTRIES for w in (*i.words, *i.shops)]
        + [w for k in NONPROFIT_KINDS for w in k[2]]
        + list(GROUP_WORDS)
        + list(OVERSEAS_WORDS)
    )
)
_W = {w: i for i, w in enumerate(WORDS)}
_ZS = zihao_space()
_CN = "零一二三四五六七八九"


def _word_table(words_of: list[tuple[str, ...]]) -> tuple[I64, I64]:
    """Flattened word ids per row of a table, with each row's start and length."""
    lengths = np.array([len(w) for w in words_of])
    flat = np.array([_W[w] for ws in words_of for w in ws])
    return flat, np.stack([np.cumsum(lengths) - lengths, lengths], axis=1)


def _choose(rng: np.random.Generator, table: tuple[I64, I64], rows: I64) -> I64:
    flat, spans = table
    start, length = spans[rows, 0], spans[rows, 1]
    return np.asarray(flat[start + rng.integers(0, 1 << 30, len(rows)) % length], np.int64)


def name_keys(rng: np.random.Generator, orgs: Orgs, st: Structure) -> tuple[I64, I64]:
    """Packed name keys of the organisations followed by the external holders."""
    n, e = len(orgs), len(st.external_kind)
    c = len(counties())
    ext_kind = np.array(st.external_kind, np.int64)
    pattern = np.full(n + e, FIRM)
    pattern[n:] = np.where(ext_kind == FOREIGN, OVERSEAS, DOMESTIC)
    kind = np.r_[orgs.kind, np.full(e, -1)]
    pattern[:n][(kind[:n] == S51) | (kind[:n] == S53)] = NONPROFIT
    pattern[:n][(kind[:n] == S52) | (kind[:n] == INST)] = TOWN
    prefix = np.r_[np.where(rng.random(n) < 0.4, orgs.county, c), np.full(e, c)]
    prefix[:n][kind[:n] != ENT] = orgs.county[kind[:n] != ENT]
    zcode = zihao_draw(rng, n + e, 0.15)
    # group firms carry their group's 字号 most of the time
    g = st.group
    gz = zihao_draw(rng, len(st.group_top), 0.1)
    share = (g >= 0) & (rng.random(n) < 0.7)
    zcode[:n][share] = gz[g[share]]
    town = pattern == TOWN
    n_town = int(town.sum())
    zcode[town] = place_codes(rng, n_town) * 2 + rng.integers(0, 2, n_town)
    ind = _word_table([i.words for i in INDUSTRIES])
    shop = _word_table([i.shops or i.words for i in INDUSTRIES])
    nonprofit = _word_table([k[2] for k in NONPROFIT_KINDS])
    word = np.zeros(n + e, np.int64)
    firm_ind = np.minimum(orgs.industry, len(INDUSTRIES) - 1)
    ent = np.flatnonzero(kind == ENT)
    word[ent] = _choose(rng, ind, firm_ind[ent])
    ib = np.flatnonzero(kind == IB)
    word[ib] = _choose(rng, shop, firm_ind[ib])
    np_rows = np.flatnonzero(kind >= S51)
    word[np_rows] = _choose(rng, nonprofit, kind[np_rows] - S51)
    word[st.group_top] = np.array([_W[w] for w in GROUP_WORDS])[
        rng.integers(0, 3, len(st.group_top))
    ]
    dom = np.flatnonzero(pattern == DOMESTIC)
    word[dom] = _choose(rng, ind, rng.integers(0, len(INDUSTRIES), len(dom)))
    ovs = np.flatnonzero(pattern == OVERSEAS)
    word[ovs] = np.array([_W[w] for w in OVERSEAS_WORDS])[rng.integers(0, 3, len(ovs))]
    suffix = np.where(rng.random(n + e) < 0.85, 0, 1)
    big = np.r_[(orgs.capital >= 5000) & (orgs.role != GROUP), np.zeros(e, bool)]
    suffix[big & (rng.random(n + e) < 0.3)] = 2
    suffix[(kind == IB) | (kind >= S51) | (pattern == OVERSEAS)] = 3

    def pack(z: I64, idx: I64 | slice) -> I64:
        head = (pattern[idx] * (c + 1) + prefix[idx]) * _ZS + z
        return np.asarray((head * len(WORDS) + word[idx]) * 4 + suffix[idx], np.int64)

    def redraw(idx: I64) -> I64:
        z = zihao_draw(rng, len(idx), 0.5)
        towns = place_codes(rng, len(idx)) * 2 + rng.integers(0, 2, len(idx))
        z = np.where(pattern[idx] == TOWN, towns, z)
        zcode[idx] = z
        return pack(z, idx)

    keys = dedupe(pack(zcode, slice(None)), redraw)
    return keys, zcode


def render_names(keys: I64, branch_of: I64, branch_rank: I64, county: I64) -> pa.Array:
    """Names from packed keys; rows with ``branch_of >= 0`` are named after their parent."""
    chunk = 200_000  # text is rendered in slices: the intermediate columns stay small
    names = pa.concat_arrays(
        [_render(keys[lo : lo + chunk]) for lo in range(0, max(len(keys), 1), chunk)]
    )
    is_branch = np.flatnonzero(branch_of >= 0)
    if len(is_branch):
        parent = pc.take(names, pa.array(branch_of[is_branch]))
        k = np.minimum(branch_rank[is_branch] + 1, 99)
        ordinals = vocab(tuple(f"第{_chinese_number(x)}" if x > 1 else "" for x in range(100)))
        shorts = vocab(tuple(p.short for p in counties()))
        label = join(parent, pick(shorts, county[is_branch]), pick(ordinals, k), "分公司")
        mask = np.zeros(len(keys), bool)
        mask[is_branch] = True
        names = pc.replace_with_mask(names, pa.array(mask), label)
    return names


def _render(keys: I64) -> pa.Array:
    c = len(counties())
    suffix = keys % 4
    rest = keys // 4
    word, rest = rest % len(WORDS), rest // len(WORDS)
    z, rest = rest % _ZS, rest // _ZS
    prefix, pattern = rest % (c + 1), rest // (c + 1)
    shorts = vocab((*(p.short for p in counties()), CITY_NAME[:-1]))
    fulls = vocab((*(p.name for p in counties()), CITY_NAME))
    town = pattern == TOWN
    zh = render_zihao(np.where(town, 0, z))
    zt = np.where(town, z, 0)
    place = join(render_place(zt // 2), pick(vocab(("镇", "街道")), zt % 2))
    firm = join(pick(shorts, prefix), zh, pick(vocab(WORDS), word), pick(vocab(SUFFIXES), suffix))
    nonprofit = join(
        pick(fulls, prefix), pc.if_else(pa.array(town), place, zh), pick(vocab(WORDS), word)
    )
    latin = join(
        pick(vocab(tuple(s.capitalize() for s in SYLLABLES)), z % len(SYLLABLES)),
        pick(vocab(SYLLABLES), z // len(SYLLABLES) % len(SYLLABLES)),
        " Holdings Limited",
    )
    overseas = pc.if_else(
        pa.array(z % 2 == 0), join(zh, pick(vocab(WORDS), word), "有限公司"), latin
    )
    domestic = join(zh, pick(vocab(WORDS), word), pick(vocab(SUFFIXES), suffix))
    return pc.choose(
        pa.array(pattern.astype(np.int8)), firm, nonprofit, nonprofit, domestic, overseas
    )


def _chinese_number(k: int) -> str:
    if k < 10:
        return _CN[k]
    tens, ones = divmod(k, 10)
    return (
        ("" if tens == 1 else _CN[tens]) + "十" + ("" if ones == 0 else _CN[ones])
        if k < 100
        else str(k)
    )


def branch_ranks(parent: I64) -> I64:
    """Each branch's 0-based number among its parent's branches (-1 for non-branches)."""
    out = np.full(len(parent), -1)
    idx = np.flatnonzero(parent >= 0)
    order = idx[np.argsort(parent[idx], kind="stable")]
    p = parent[order]
    starts = np.r_[0, np.flatnonzero(np.diff(p)) + 1]
    counts = np.diff(np.r_[starts, len(p)])
    out[order] = np.arange(len(p)) - np.repeat(starts, counts)
    return out


__all__ = ["BRANCH", "branch_ranks", "name_keys", "render_names"]
