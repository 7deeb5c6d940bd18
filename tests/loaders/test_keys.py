"""Subject keys as typed: one normaliser and one USCC check for the CLI and the API."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.loaders.identifiers import USCC_ALPHABET, uscc_check_char
from linkrisk.loaders.keys import key_problem, normalise_key, subject_key, uscc_key
from linkrisk.loaders.normalise import parse_date

VALID = "91320102MA0000015M"


def test_pasted_keys_are_normalised() -> None:
    assert normalise_key(" 9132 0102 MA00 0001 5M ") == VALID
    assert normalise_key("９１３２０１０２ma0000015m") == VALID  # full-width, lower case
    assert normalise_key("Pf608e3ff…") == "Pf608e3ff"  # a key a table cut short
    person = "P" + "ab" * 16
    assert normalise_key(person) == person  # person keys keep their lower-case hex


def test_a_usccs_problem_is_named() -> None:
    wrong = VALID[:-1] + "0"
    assert key_problem(wrong) == f"'{wrong}' is not a valid USCC: check character does not match"
    assert key_problem(VALID[:-1]) == f"'{VALID[:-1]}' is not a valid USCC: wrong length"
    assert key_problem(VALID[:16]) is None  # a prefix, not meant as a USCC
    assert key_problem("91A") is None and key_problem("P" + "0" * 32) is None
    with pytest.raises(InputError, match="check character"):
        subject_key(wrong)
    with pytest.raises(InputError, match="wrong length"):
        uscc_key("%%garbage%%")


def test_an_id_number_typed_as_a_key_is_never_echoed() -> None:
    problem = key_problem("110101199003074518")
    assert problem is not None and "199003074518" not in problem and "1101" in problem


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).filter(lambda s: s[0] != "0"))
def test_every_checked_uscc_passes_and_any_other_check_character_fails(body: str) -> None:
    good = body + uscc_check_char(body)
    if body[:2] != "92" and key_problem(good) is not None:  # the embedded GB 11714 code
        return
    assert subject_key(good.lower()) == good
    for other in USCC_ALPHABET[:5]:
        if other != good[-1]:
            assert key_problem(body + other) is not None


@pytest.mark.parametrize(
    "text",
    ["2026-11-01", "2026/11/01", "2026.11.01", "20261101", "2026年11月1日", "２０２６年１１月１日"],
)
def test_one_date_parser_for_options_and_files(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 1)


@pytest.mark.parametrize("text", ["2026-13-01", "notadate", "", "长期", "2026/02/30"])
def test_one_clear_error_for_anything_else(text: str) -> None:
    with pytest.raises(InputError, match=r"--as-of: .* is not a date in 1900–2100 \(expected"):
        parse_date(text, "--as-of")


def test_a_typed_registry_key_is_normalised_scheme_lower_rest_upper() -> None:
    from linkrisk.loaders.keys import normalise_key, subject_key

    assert normalise_key("HK-CR:01234567") == "hk-cr:01234567"
    assert normalise_key(" foreign-reg:sg:00192200m ") == "foreign-reg:SG:00192200M"
    assert subject_key("foreign-reg:vg:1234567") == "foreign-reg:VG:1234567"
    assert normalise_key("note:abc") == "note:abc"  # not a scheme: left alone
