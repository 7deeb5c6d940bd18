"""The one scrubber and the one person-or-organisation decision (issue 17, items 5 and 6)."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.loaders.identifiers import IdentifierKind, identifier_kind, mask_id
from linkrisk.loaders.identity import resolve
from linkrisk.loaders.scrub import scrub_data, scrub_text, shorten
from tests.api.city import make_id_number, make_uscc
from tests.security.ids import dual_valid_id_number, spellings


def test_dual_valid_number_is_a_person_for_loader_and_api_alike() -> None:
    dual = dual_valid_id_number()
    codes = [dual, make_uscc(3), make_id_number(5), "bad"]
    who = resolve(pa.array(codes), pa.array(["张三"] * 4), None, b"k")
    loader = [None if k is None else k for k in who.kind.to_pylist()]
    api = [identifier_kind(c) for c in codes]
    assert api == [IdentifierKind.PERSON, IdentifierKind.ORGANISATION, IdentifierKind.PERSON, None]
    assert loader == ["person", "enterprise", "person", None]
    for spelled in spellings(dual):
        assert identifier_kind(spelled) is IdentifierKind.PERSON


@settings(max_examples=200, deadline=None)
@given(
    serial=st.integers(0, 999),
    day=st.integers(1, 28),
    spelling=st.integers(0, 4),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_scrubber_masks_every_spelling_anywhere(
    serial: int, day: int, spelling: int, before: str, after: str
) -> None:
    number = make_id_number(serial, born=f"198207{day:02d}")
    text = before + spellings(number)[spelling] + after
    assert number[:14] not in scrub_text(text).replace(" ", "").replace("-", "")
    glued = before[-1:].isdecimal() or (after[:1] != "" and after[0] in "0123456789XxＸｘ")
    if not glued and not after[:1].isdecimal():  # else the longer run is masked as a whole
        assert mask_id(number) in scrub_text(text)


def test_scrubber_keeps_usccs_keys_and_digests() -> None:
    kept = [
        make_uscc(4),
        "P" + "0123456789abcdef" * 2,
        "j_0123456789abcdef",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "2025-06-30 至 2025-12-31",
        "注册资本 1000000 元",
    ]
    for text in kept:
        assert scrub_text(text) == text
    dual = dual_valid_id_number()
    assert scrub_text(dual) == mask_id(dual)  # a USCC that is also an ID number is a person's
    assert scrub_text("P" + dual + "abcdefabcdefab") != "P" + dual + "abcdefabcdefab"


def test_scrubber_masks_before_cutting() -> None:
    number = make_id_number(3)
    text = "x" * 190 + number
    assert number[:10] not in shorten(text, 200)
    assert scrub_data({number: [number, 1]}) == {mask_id(number): [mask_id(number), 1]}
