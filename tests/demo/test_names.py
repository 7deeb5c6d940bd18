"""Synthetic names, addresses, phones and e-mails: distinct codes give distinct texts."""

from __future__ import annotations

import numpy as np

from linkrisk.demo.contacts import (
    EMAILS,
    LANDLINES,
    MOBILE,
    _address_keys,
    render_addresses,
    render_emails,
    render_phones,
)
from linkrisk.demo.draws import unique_ints
from linkrisk.demo.names import (
    BLOCKED,
    GIVEN_FEMALE,
    GIVEN_MALE,
    GIVEN_NEUTRAL,
    PLACE,
    SURNAMES,
    ZIHAO,
    person_names,
    place_codes,
    render_person_names,
    render_place,
    render_zihao,
    zihao_draw,
)
from linkrisk.demo.region import counties


def test_every_character_is_gbk() -> None:
    for chars in (SURNAMES, GIVEN_MALE, GIVEN_FEMALE, GIVEN_NEUTRAL, ZIHAO, PLACE):
        chars.encode("gbk")
    "".join(p.name for p in counties()).encode("gbk")


def test_person_names_avoid_the_block_list() -> None:
    rng = np.random.default_rng(0)
    names = render_person_names(*person_names(rng, rng.random(200_000) < 0.6)).to_pylist()
    assert not set(names) & BLOCKED
    assert {len(n) for n in names} == {2, 3}
    assert 0.5 * len(names) < len(set(names)) < 0.9 * len(names)  # common names repeat


def test_zihao_and_places_render_one_to_one() -> None:
    rng = np.random.default_rng(1)
    codes = np.unique(zihao_draw(rng, 100_000, 0.3))
    texts = render_zihao(codes).to_pylist()
    assert len(set(texts)) == len(codes) and not set(texts) & BLOCKED
    places = np.unique(place_codes(rng, 5000))
    rendered = render_place(places).to_pylist()
    assert len(set(rendered)) == len(places) and all(t[0] != t[1] for t in rendered)


def test_contacts_render_one_to_one() -> None:
    rng = np.random.default_rng(2)
    county = rng.integers(0, len(counties()), 200_000).astype(np.int16)  # as the city keeps it
    addresses = np.unique(_address_keys(rng, county))
    assert (addresses >= 0).all()
    texts = render_addresses(addresses, np.zeros(len(addresses), bool)).to_pylist()
    assert len(set(texts)) == len(addresses)
    assert all(t.startswith(tuple(p.name for p in counties())) for t in texts[:1000])
    phones = np.r_[
        unique_ints(rng, 5000, LANDLINES), LANDLINES + unique_ints(rng, 50_000, len(MOBILE) * 10**8)
    ]
    styles = rng.integers(0, 2, len(phones))
    digits = {
        "".join(c for c in t if c.isdigit()) for t in render_phones(phones, styles).to_pylist()
    }
    assert len(digits) == len(phones)
    emails = render_emails(unique_ints(rng, 100_000, EMAILS)).to_pylist()
    assert len(set(emails)) == len(emails) and all("@" in e for e in emails)
