"""Identifiers: vectorised USCCs and ID numbers agree with the scalar checks of the loaders."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from linkrisk.demo.codes import L_PREFIX, MA, MJ, NUMERIC, org_check_chars, resident_ids, usccs
from linkrisk.demo.region import PREFECTURE, birth_codes, counties, draw_birth_codes
from linkrisk.loaders.identifiers import (
    USCC_ALPHABET,
    check_resident_id,
    check_uscc,
    org_code_check_digit,
    resident_id_region_known,
    resident_id_valid_array,
    uscc_check_char,
    uscc_valid_array,
)


def test_usccs_of_every_scheme_are_valid_and_distinct() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    prefix = np.array([91, 92, 51, 52, 53, 12])[rng.integers(0, 6, n)]
    scheme = np.array([NUMERIC, MA, MJ, L_PREFIX])[rng.integers(0, 4, n)]
    codes = usccs(rng, prefix, np.full(n, 610323), scheme).astype(str)
    assert uscc_valid_array(codes).all()
    assert len(set(codes)) == n
    assert {c[:2] for c in codes} == {"91", "92", "51", "52", "53", "12"}
    assert all(check_uscc(c) is None for c in codes[:500])  # the scalar check agrees


@given(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
def test_org_code_check_matches_the_scalar_function(body: str) -> None:
    matrix = np.frombuffer(body.encode(), np.uint8).reshape(1, 8)
    assert chr(org_check_chars(matrix)[0]) == org_code_check_digit(body)


@given(st.integers(0, 10**8 - 1), st.sampled_from([91, 92, 51, 12]))
def test_uscc_check_char_matches_the_scalar_function(body: int, prefix: int) -> None:
    code = usccs(
        np.random.default_rng(body), np.array([prefix]), np.array([610302]), np.array([NUMERIC])
    )[0].decode()
    assert code[17] == uscc_check_char(code[:17])
    assert code[16] == org_code_check_digit(code[8:16])


def test_resident_ids_are_valid_distinct_and_born_where_the_county_existed() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    birth = rng.integers(-5479, 12053, n)  # 1955-01-01 … 2002-12-31
    years = 1970 + (birth // 365.2425).astype(np.int64)
    region = draw_birth_codes(rng, years, rng.random(n) < 0.8)
    male = rng.random(n) < 0.5
    ids, keys = resident_ids(rng, region, birth, male)
    text = ids.astype(str)
    assert resident_id_valid_array(text).all()
    assert len(set(text)) == n == len(set(keys.tolist()))
    assert all(check_resident_id(x) is None for x in text[:300])
    assert all(resident_id_region_known(x) for x in text[:300])
    assert ((np.array([int(x[16]) for x in text]) % 2 == 1) == male).all()  # odd for men


def test_the_city_has_real_current_counties_of_one_prefecture() -> None:
    codes = [p.code for p in counties()]
    assert len(codes) >= 8
    assert all(c.startswith(PREFECTURE) and len(c) == 6 for c in codes)
    assert set(birth_codes(2026, True)) >= set(codes)
    assert not set(birth_codes(2026, False)) & set(codes)
