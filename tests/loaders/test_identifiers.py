"""USCC and resident ID checks: published examples, and the vectorised functions agree with the
scalar ones on generated strings."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.loaders.identifiers import (
    ID_CHECK,
    ID_WEIGHTS,
    USCC_ALPHABET,
    IdProblem,
    check_resident_id,
    check_uscc,
    keyed_sids,
    mask_id,
    mask_value,
    org_code_check_digit,
    person_sid,
    resident_id_prefix_known,
    resident_id_valid_array,
    resident_id_valid_matrix,
    uscc_check_char,
    uscc_valid_array,
    uscc_valid_matrix,
    weak_sid,
)
from linkrisk.loaders.textops import byte_matrix

# python-stdnum's documented valid example (stdnum/cn/uscc.py)
STDNUM_USCC = "91110000600037341L"
# the sample number of the GB 11643-1999 standard
GB11643_SAMPLE = "11010519491231002X"


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


def with_id_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK[total % 11]


def test_published_uscc_is_valid() -> None:
    assert check_uscc(STDNUM_USCC) is None
    assert uscc_valid_array(np.array([STDNUM_USCC])).tolist() == [True]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91110000600037341M", IdProblem.CHECKSUM),  # last character flipped
        ("91110000700037341L", IdProblem.CHECKSUM),  # a body character flipped
        ("9111000060003734", IdProblem.LENGTH),
        ("A1110000600037341L", IdProblem.FORMAT),  # the first 8 must be digits
        ("91110000600037341l", IdProblem.FORMAT),  # not upper-case: callers compact first
        ("91110000600O37341L", IdProblem.FORMAT),  # O is not in the GB 32100 alphabet
    ],
)
def test_invalid_usccs(code: str, problem: IdProblem) -> None:
    assert check_uscc(code) is problem
    assert uscc_valid_array(np.array([code])).tolist() == [False]


def test_wrong_embedded_org_code_is_org_code_problem() -> None:
    body = STDNUM_USCC[8:16]
    right = org_code_check_digit(body)
    wrong = "0" if right != "0" else "1"
    code = with_uscc_check(STDNUM_USCC[:16] + wrong)  # the USCC's own check character fixed
    assert check_uscc(code) is IdProblem.ORG_CODE
    assert uscc_valid_array(np.array([code])).tolist() == [False]


def test_individual_business_org_code_is_not_checked() -> None:
    code = with_uscc_check("92" + STDNUM_USCC[2:16] + ("0" if STDNUM_USCC[16] != "0" else "1"))
    assert check_uscc(code) is None
    assert uscc_valid_array(np.array([code])).tolist() == [True]


def test_gb11643_sample_is_valid() -> None:
    assert check_resident_id(GB11643_SAMPLE) is None
    assert resident_id_valid_array(np.array([GB11643_SAMPLE])).tolist() == [True]


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("110105194912310021", IdProblem.CHECKSUM),  # wrong check digit
        (with_id_check("11010519490231002"), IdProblem.BIRTH_DATE),  # 31 February
        (with_id_check("11010517001231002"), IdProblem.BIRTH_DATE),  # before 1800
        (with_id_check("11010521001231002"), IdProblem.BIRTH_DATE),  # in the future
        ("11010519491231002", IdProblem.LENGTH),
        ("1101051949123100２X", IdProblem.FORMAT),  # a full-width digit
        ("1101051949123100²X", IdProblem.FORMAT),  # isdigit() but not a decimal digit
        ("11010519491231002x", IdProblem.FORMAT),  # compact (upper-case) first
    ],
)
def test_invalid_resident_ids(number: str, problem: IdProblem) -> None:
    assert check_resident_id(number) is problem
    assert resident_id_valid_array(np.array([number])).tolist() == [False]


def test_region_prefixes() -> None:
    assert resident_id_prefix_known("110105")
    assert resident_id_prefix_known("320102")  # 玄武区, since 1983
    assert resident_id_prefix_known("110104")  # 宣武区 until 2010: known at some date
    assert not resident_id_prefix_known("999999")
    assert not resident_id_prefix_known("119999")  # a known province, no such county


def test_keyed_sids_equal_the_scalar_functions() -> None:
    key = b"a secret"
    assert keyed_sids("P", [GB11643_SAMPLE], key) == [person_sid(GB11643_SAMPLE, key)]
    assert keyed_sids("W", ["张三|" + STDNUM_USCC], key) == [weak_sid("张三", STDNUM_USCC, key)]
    long_key = b"k" * 100  # longer than a SHA-256 block: hashed first (RFC 2104)
    assert keyed_sids("P", ["x"], long_key) == [person_sid("x", long_key)]
    assert person_sid(GB11643_SAMPLE, key) != person_sid(GB11643_SAMPLE, b"another")


def test_masks() -> None:
    assert mask_id(GB11643_SAMPLE) == "1101**********002X"
    assert mask_value("1234567") == "*******"
    assert GB11643_SAMPLE not in mask_value(GB11643_SAMPLE)


# -- vectorised == scalar -------------------------------------------------------------------

ALPHABET = USCC_ALPHABET + "IOSVZxl-² 中１"
random_codes = st.text(alphabet=ALPHABET, min_size=0, max_size=20)
random_numbers = st.text(alphabet="0123456789X", min_size=16, max_size=19)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from("159"))  # stdnum (and so linkrisk) wants 8 leading digits
    second = draw(st.sampled_from("1239"))
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    body = draw(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
    org = body + org_code_check_digit(body)
    return with_uscc_check(first + second + region + org)


@st.composite
def valid_resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    serial = draw(st.integers(0, 999))
    return with_id_check(f"{region}{born:%Y%m%d}{serial:03d}")


def _both(codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    matrix, lengths = byte_matrix(pa.array(codes, pa.string()), 18)
    return uscc_valid_matrix(matrix, lengths), resident_id_valid_matrix(matrix, lengths)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(random_codes, random_numbers, valid_usccs(), valid_resident_ids()), max_size=40
    )
)
def test_vectorised_checks_agree_with_scalar(codes: list[str]) -> None:
    expected_uscc = [check_uscc(c) is None for c in codes]
    expected_id = [check_resident_id(c) is None for c in codes]
    assert uscc_valid_array(np.array(codes, dtype=str)).tolist() == expected_uscc
    assert resident_id_valid_array(np.array(codes, dtype=str)).tolist() == expected_id
    from_arrow_uscc, from_arrow_id = _both(codes)
    assert from_arrow_uscc.tolist() == expected_uscc
    assert from_arrow_id.tolist() == expected_id


@settings(max_examples=100, deadline=None)
@given(valid_usccs(), valid_resident_ids())
def test_generated_valid_codes_are_valid(code: str, number: str) -> None:
    assert check_uscc(code) is None
    assert check_resident_id(number) is None
