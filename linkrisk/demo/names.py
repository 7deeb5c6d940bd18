"""Synthetic Chinese names: people, firms, roads and buildings, from random character lists.

Names are put together from common characters only (all of them in GBK, so that GBK/GB18030
files can carry them). Characters of well-known leaders' given names are left out of the lists,
and a short block list catches famous people's and brands' names that random draws could hit.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.demo.draws import I64, categorical

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Zipf-like surname frequencies: 王 and 李 each carry about 7% of the population
SURNAME_WEIGHTS = 1.0 / (np.arange(len(SURNAMES)) + 6.0)
GIVEN_MALE = "伟刚勇毅俊峰军磊超波辉健斌鑫宇浩凯旭晨瑞杰文武兵亮志明永海松柏栋梁彬博宁昊昆鸿帆航"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲桂秀英慧莉婷雪琳晶颖倩瑶蓉萍红梅兰菊月玉凤云洁琪欣怡佳悦"
GIVEN_NEUTRAL = "子晓雨思嘉一文天新金小安佳明成立振建"
# 字号: the distinctive part of a firm's name
ZIHAO = (
    "鑫华盛泰恒达源瑞丰隆兴宏信诚博卓润嘉佳弘金宇辰晟昊腾远顺通利富德和康益福惠美新创锐捷智汇邦驰凯航"
    "骏豪铭鼎冠尚优领耀晨阳星光辉煌天海山川森禾田云凤麒聚合众宸昌旺亿万千百方圆正大中东西南北久"
)
PLACE = (
    "建设兴华新民文化胜利解放朝阳光明滨河长安和平青年工业科技学府凤鸣秦岭渭水金台石鼓宝塔西关东风"
)
ROAD_TYPES = ("路", "街", "大道", "巷", "大街")
BUILDINGS = ("大厦", "商务中心", "广场", "创业园", "国际中心")
SHOP_SUFFIXES = ("有限公司", "有限责任公司")
EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "139.com")
SYLLABLES = (
    "an",
    "bo",
    "chen",
    "da",
    "fei",
    "gang",
    "hui",
    "jia",
    "kai",
    "lin",
    "ming",
    "ning",
    "pei",
    "qiang",
    "rui",
    "shan",
    "tao",
    "wei",
    "xin",
    "yang",
    "zhi",
    "hong",
    "lu",
    "yun",
)

#: famous people's names and brands a random draw could hit: never produced
BLOCKED = frozenset(
    [
        "马云",
        "雷军",
        "姚明",
        "刘翔",
        "李娜",
        "王菲",
        "杨幂",
        "赵薇",
        "周迅",
        "刘德华",
        "周杰伦",
        "马化腾",
        "李彦宏",
        "王健林",
        "董明珠",
        "李嘉诚",
        "张一鸣",
        "任正非",
        "刘强东",
        "郭晶晶",
        "王俊凯",
        "易建联",
        "林丹",
        "邓亚萍",
        "孙杨",
        "王楠",
        "张怡宁",
        "郎平",
        "李宁",
        "章子怡",
        "巩俐",
        "华为",
        "腾讯",
        "阿里",
        "百度",
        "京东",
        "小米",
        "联想",
        "海尔",
        "格力",
        "美的",
        "万科",
        "恒大",
        "吉利",
        "长城",
        "茅台",
        "华润",
        "中信",
        "平安",
        "招商",
        "国美",
        "苏宁",
        "万达",
        "网易",
        "美团",
        "蒙牛",
        "伊利",
        "光明",
        "海信",
        "长虹",
        "康佳",
        "创维",
        "方正",
        "永辉",
        "华联",
        "顺丰",
        "圆通",
        "申通",
        "中通",
        "韵达",
        "德邦",
        "安踏",
        "特步",
        "恒安",
        "达利",
        "福耀",
        "宁德",
        "隆基",
        "通威",
        "海天",
        "汇源",
        "统一",
        "三一",
        "中联",
        "天虹",
        "金地",
        "绿地",
        "保利",
        "龙湖",
        "华夏",
        "光大",
        "兴业",
        "民生",
        "中兴",
        "大疆",
        "华谊",
    ]
)


def vocab(chars: str | tuple[str, ...]) -> pa.Array:
    return pa.array(list(chars), pa.string())


def pick(words: pa.Array, idx: I64) -> pa.Array:
    """``words[idx]``, null where ``idx`` is negative."""
    idx = np.asarray(idx)
    return words.take(pa.array(idx, pa.int32(), mask=idx < 0))


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate element-wise; null parts are skipped."""
    return pc.binary_join_element_wise(*parts, "", null_handling="skip")


_SMALL = 10_000
_NUMBERS: list[pa.Array] = []


def text(values: np.ndarray) -> pa.Array:
    """Decimal text of integers (numbers below 10 000 by table lookup, which is faster)."""
    values = np.asarray(values)
    if values.dtype.kind in "iu" and len(values) and values.min() >= 0 and values.max() < _SMALL:
        if not _NUMBERS:
            _NUMBERS.append(pa.array([str(i) for i in range(_SMALL)], pa.string()))
        return _NUMBERS[0].take(pa.array(values, pa.int32()))
    return pc.cast(pa.array(values), pa.string())


def _blocked_mask(
    first: np.ndarray, second: np.ndarray, third: np.ndarray, a: str, b: str, c: str
) -> np.ndarray:
    """Rows whose characters a[first] + b[second] (+ c[third]) spell a blocked name."""
    bad = np.zeros(len(first), bool)
    for name in BLOCKED:
        if len(name) not in (2, 3) or name[0] not in a or name[1] not in b:
            continue
        hit = (first == a.index(name[0])) & (second == b.index(name[1]))
        if len(name) == 3:
            hit &= (third == c.index(name[2])) if name[2] in c else False
        else:
            hit &= third < 0
        bad |= hit
    return bad


def person_names(rng: np.random.Generator, male: np.ndarray) -> tuple[I64, I64, I64]:
    """Surname and given-name character indices (``GIVEN`` = male + female + neutral lists)."""
    n = len(male)
    given = GIVEN_MALE + GIVEN_FEMALE + GIVEN_NEUTRAL
    lo_m, lo_f, lo_n = 0, len(GIVEN_MALE), len(GIVEN_MALE) + len(GIVEN_FEMALE)
    surname = categorical(rng, SURNAME_WEIGHTS, n)
    g1 = np.empty(n, np.int64)
    g2 = np.empty(n, np.int64)
    todo = np.arange(n)
    while len(todo):
        k = len(todo)
        gendered = np.where(
            male[todo],
            lo_m + rng.integers(0, lo_f - lo_m, k),
            lo_f + rng.integers(0, lo_n - lo_f, k),
        )
        neutral = lo_n + rng.integers(0, len(GIVEN_NEUTRAL), k)
        # two-character given names (about 80%) often start with a neutral character
        two = rng.random(k) < 0.8
        lead = rng.random(k) < 0.35
        g1[todo] = np.where(two & lead, neutral, gendered)
        second = np.where(
            male[todo],
            lo_m + rng.integers(0, lo_f - lo_m, k),
            lo_f + rng.integers(0, lo_n - lo_f, k),
        )
        g2[todo] = np.where(two, second, -1)
        bad = _blocked_mask(surname[todo], g1[todo], g2[todo], SURNAMES, given, given)
        todo = todo[bad]
    return surname, g1, g2


def render_person_names(surname: I64, g1: I64, g2: I64) -> pa.Array:
    given = vocab(GIVEN_MALE + GIVEN_FEMALE + GIVEN_NEUTRAL)
    return join(pick(vocab(SURNAMES), surname), pick(given, g1), pick(given, g2))


def zihao_space() -> int:
    """Number of 字号: two characters, or three once two are used up."""
    z = len(ZIHAO)
    return z * z + z * z * z


def zihao_draw(rng: np.random.Generator, n: int, three: float = 0.0) -> I64:
    """Random 字号 codes; ``three`` is the share drawn from the three-character space."""
    z = len(ZIHAO)
    long = rng.random(n) < three
    code = np.where(long, z * z + rng.integers(0, z**3, n), rng.integers(0, z * z, n))
    blocked = np.array([_zihao_code(name) for name in BLOCKED if _zihao_code(name) >= 0])
    hit = np.isin(code, blocked)
    code[hit] = z * z + rng.integers(0, z**3, int(hit.sum()))  # a blocked pair gets a third char
    return code


def _zihao_code(name: str) -> int:
    z = len(ZIHAO)
    if len(name) != 2 or any(c not in ZIHAO for c in name):
        return -1
    return ZIHAO.index(name[0]) * z + ZIHAO.index(name[1])


def render_zihao(code: I64) -> pa.Array:
    z = len(ZIHAO)
    chars = vocab(ZIHAO)
    long = code >= z * z
    rest = np.where(long, code - z * z, code)
    c1 = np.where(long, rest // (z * z), rest // z)
    c2 = np.where(long, rest // z % z, rest % z)
    c3 = np.where(long, rest % z, -1)
    return join(pick(chars, c1), pick(chars, c2), pick(chars, c3))


def place_codes(rng: np.random.Generator, n: int) -> I64:
    """Codes of two different place characters (no "建建路"): one code, one spelling."""
    p = len(PLACE)
    first = rng.integers(0, p, n)
    second = (first + rng.integers(1, p, n)) % p
    return np.asarray(first * p + second, np.int64)


def render_place(code: I64) -> pa.Array:
    """Two place characters (roads, towns) from ``code`` in ``[0, len(PLACE)**2)``."""
    p = len(PLACE)
    chars = vocab(PLACE)
    return join(pick(chars, code // p), pick(chars, code % p))
