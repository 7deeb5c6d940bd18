"""Personal data at the edge: masked names, ID-number-like input never kept raw."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from linkrisk.api.privacy import looks_like_id_number, mask_name, mask_path, safe_subject_key
from tests.api.city import make_id_number, make_uscc


def test_mask_name() -> None:
    assert (mask_name("张三"), mask_name("欧阳娜娜"), mask_name("李"), mask_name(None)) == (
        "张*",
        "欧***",
        "李",
        None,
    )


def test_id_numbers_are_masked_usccs_are_not() -> None:
    number = make_id_number(1)
    assert (
        looks_like_id_number(number)
        and safe_subject_key(number) == number[:4] + "*" * 10 + number[-4:]
    )
    uscc = make_uscc(1)
    assert not looks_like_id_number(uscc) and safe_subject_key(uscc) == uscc
    assert safe_subject_key("P" + "a" * 32) == "P" + "a" * 32


@given(st.integers(0, 999), st.sampled_from(["/v1/subjects/", "/x/", "/"]))
def test_paths_never_keep_an_id_number(serial: int, prefix: str) -> None:
    number = make_id_number(serial)
    assert number not in mask_path(f"{prefix}{number}/owners")


def test_subject_keys_are_bounded() -> None:
    assert len(safe_subject_key("x" * 10_000)) == 64
