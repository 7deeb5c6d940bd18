"""疑似关联: shared phone/email/address within the cap link; above it a supernode is reported."""

from __future__ import annotations

from linkrisk.graph.queries.results import SharedContact
from tests.factories import org
from tests.graph.queries.conftest import Build


def test_shared_values_link_and_supernodes_report(build: Build) -> None:
    agents = [org(f"S{i:02d}", address="代理地址1号") for i in range(4)]
    q = build(
        subjects=[
            org("A", phone="02500001", email="a@x.cn", address="代理地址1号"),
            org("B", phone="02500001"),
            org("C", phone="02500001", email="a@x.cn"),
            org("D", phone="02599999"),
            *agents,
        ],
        supernode_cap=3,
    )
    result = q.shared_contacts("A")
    assert result.contacts == (
        SharedContact("phone", 3, ("B", "C")),
        SharedContact("email", 2, ("C",)),
        SharedContact("address", 5, (), supernode=True),
    )
    assert q.shared_contacts("D").contacts == ()
