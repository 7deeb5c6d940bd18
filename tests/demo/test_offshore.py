"""The demo city's chains that leave the registry: offshore companies and passport holders."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from linkrisk.demo.city import generate_city
from linkrisk.loaders.schemes import check_typed, scheme_of
from linkrisk.loaders.typed import country_code
from tests.demo.conftest import column, read_csv, read_parquet


def _key(scheme_text: str, country: str | None, number: str) -> str | None:
    found = scheme_of(scheme_text)
    assert found is not None and found[0] is not None
    code = found[1] or (country_code(country) if country else None)
    return check_typed(found[0], code, number).key


def test_offshore_holdings_reach_the_city_through_one_or_two_layers(city_dir: Path) -> None:
    h = read_parquet(city_dir / "holdings.parquet")
    onshore_holders = {
        _key(t, c, i)
        for t, c, i in zip(
            column(h, "holder_id_type"),
            column(h, "holder_country"),
            column(h, "holder_id"),
            strict=True,
        )
        if t
    }
    assert None not in onshore_holders  # every offshore number checks under its scheme
    o = read_csv(city_dir / "offshore_holdings.csv")
    held = [
        _key(t, c, i)
        for t, c, i in zip(
            column(o, "org_id_type"), column(o, "org_country"), column(o, "org_uscc"), strict=True
        )
    ]
    assert onshore_holders <= set(held)  # every offshore holder of a city firm has an owner
    types = column(o, "holder_id_type")
    assert {"护照", "境外注册号"} <= set(types)
    parents = {i for t, i in zip(types, column(o, "holder_id"), strict=True) if t == "境外注册号"}
    assert parents and parents <= set(column(o, "org_uscc"))  # a parent is owned in turn
    passports = Counter(
        i for t, i in zip(types, column(o, "holder_id"), strict=True) if t == "护照"
    )
    assert max(passports.values()) > 1  # the same passport holder in several offshore firms


def test_the_offshore_file_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate_city(tmp_path / name, subjects=400, seed=11)
    first = (tmp_path / "a" / "offshore_holdings.csv").read_bytes()
    assert first == (tmp_path / "b" / "offshore_holdings.csv").read_bytes()
