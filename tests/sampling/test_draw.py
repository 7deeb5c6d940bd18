"""The subject draw: stratum sizes, determinism, a pinned draw, uniformity, mandatory additions."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from linkrisk.sampling.draw import (
    MANDATORY,
    RANDOM,
    draw_reference,
    draw_sample,
    selection_digest,
)
from linkrisk.sampling.frame import Frame, parse_frame_text
from linkrisk.sampling.params import PlanParams
from tests.sampling.conftest import plan_params

LINES = [f"9132010{i:011d},{'ABCD'[i % 4]}" for i in range(40)]  # 10 subjects per tier


def frame_of(lines: list[str]) -> Frame:
    return parse_frame_text("".join(f"{line}\n" for line in lines).encode())


def params(
    ratios: tuple[str, ...] = ("0.2", "0.2", "0.3", "1"), minimums: tuple[int, ...] = (0, 0, 0, 0)
) -> PlanParams:
    return plan_params("PLAN-2025-07", ratios=tuple(Decimal(r) for r in ratios), minimums=minimums)


def test_exact_stratum_sizes() -> None:
    picks = draw_sample(frame_of(LINES), params(("0.03", "0.15", "0.3", "1"), (1, 0, 0, 0)), "s")
    by_tier = {t: sum(1 for p in picks if p.tier == t) for t in "ABCD"}
    # A: ⌈0.3⌉ = 1 (and the minimum 1); B: ⌈1.5⌉ = 2; C: ⌈3⌉ = 3; D: all 10
    assert by_tier == {"A": 1, "B": 2, "C": 3, "D": 10}
    assert [p.rank for p in picks] == list(range(1, 17)) and all(p.how == RANDOM for p in picks)


def test_minimums_and_caps() -> None:
    picks = draw_sample(frame_of(LINES), params(("0", "0", "0.01", "1"), (3, 0, 25, 0)), "s")
    by_tier = {t: sum(1 for p in picks if p.tier == t) for t in "ABCD"}
    assert by_tier == {"A": 3, "B": 0, "C": 10, "D": 10}  # C's minimum 25 is capped at its 10


def test_pinned_draw_for_a_fixed_seed() -> None:
    # Computed with Python's hmac module (HMAC-SHA256, key "linkrisk-test-seed",
    # message "PLAN-2025-07|<sid>"), smallest digests first within each tier.
    expected = [
        ("913201000000000004", "A"),
        ("913201000000000028", "A"),
        ("913201000000000009", "B"),
        ("913201000000000029", "B"),
        ("913201000000000038", "C"),
        ("913201000000000010", "C"),
        ("913201000000000018", "C"),
        ("913201000000000031", "D"),
        ("913201000000000015", "D"),
        ("913201000000000039", "D"),
        ("913201000000000019", "D"),
        ("913201000000000035", "D"),
        ("913201000000000011", "D"),
        ("913201000000000027", "D"),
        ("913201000000000023", "D"),
        ("913201000000000003", "D"),
        ("913201000000000007", "D"),
    ]
    picks = draw_sample(frame_of(LINES), params(), "linkrisk-test-seed")
    assert [(p.sid, p.tier) for p in picks] == expected


def test_same_inputs_same_draw_and_digest() -> None:
    a = draw_sample(frame_of(LINES), params(), "seed-1")
    b = draw_sample(frame_of(LINES), params(), "seed-1")
    assert a == b and selection_digest(a) == selection_digest(b)
    c = draw_sample(frame_of(LINES), params(), "seed-2")
    assert selection_digest(c) != selection_digest(a)


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18), max_size=60),
    st.lists(st.integers(0, 3), min_size=60, max_size=60),
    st.text(min_size=1, max_size=70),
    st.lists(st.sampled_from(["0", "0.05", "0.3", "0.5", "1"]), min_size=4, max_size=4),
)
def test_vectorised_draw_equals_the_reference(
    sids: set[str], tiers: list[int], seed: str, ratios: list[str]
) -> None:
    lines = [
        f"{sid},{'ABCD'[t]}" for sid, t in zip(sorted(sids, key=str.encode), tiers, strict=False)
    ]
    p = params(tuple(ratios), (1, 0, 2, 0))
    picks = draw_sample(frame_of(lines), p, seed)
    assert [(x.sid, x.tier) for x in picks] == draw_reference(
        lines, p.plan_id, seed, p.ratios, p.minimums
    )


def test_every_subject_is_equally_likely_across_seeds() -> None:
    lines = [f"91320100000000{i:04d},B" for i in range(20)]
    frame = frame_of(lines)
    p = params(("0", "0.25", "0", "0"))  # 5 of 20 per draw
    counts = np.zeros(20)
    for i in range(2000):  # fixed seeds: the test is deterministic
        for pick in draw_sample(frame, p, f"uniformity-{i}"):
            counts[int(pick.sid[-4:])] += 1
    assert counts.sum() == 2000 * 5
    _chi2, p_value = stats.chisquare(counts)  # expected 500 each
    assert p_value > 0.001


def test_mandatory_inclusions_come_after_the_draw_flagged() -> None:
    frame = frame_of(LINES)
    p = params(("0", "0", "0", "0.1"))  # one subject of tier D
    drawn = draw_sample(frame, p, "seed-m")
    assert len(drawn) == 1
    already = drawn[0].sid
    mandatory = {
        already: ("D", "延伸检查: x"),
        "913201000000000000": ("A", "上次抽查结果异常: P0"),
        "ZZZ": ("B", "r"),
    }
    picks = draw_sample(frame, p, "seed-m", mandatory)
    assert (
        picks[0].sid == already
        and picks[0].how == RANDOM
        and picks[0].reason == "also mandatory: 延伸检查: x"
    )
    assert [(x.rank, x.sid, x.how, x.reason) for x in picks[1:]] == [
        (2, "913201000000000000", MANDATORY, "上次抽查结果异常: P0"),
        (3, "ZZZ", MANDATORY, "r"),
    ]
