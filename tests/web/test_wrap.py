"""``static/wrap.js``: node captions broken between the words of a name, never inside one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.harness import NodeModules


@pytest.fixture(scope="module")
def wrap(tmp_path_factory: pytest.TempPathFactory) -> Any:
    modules = NodeModules(tmp_path_factory.mktemp("modules"))
    return lambda name: modules.call("wrap", "wrapName", name)


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("张三丰", ["张三丰"]),
        ("澜城骏圆金属制品有限公司", ["澜城骏圆金属制品", "有限公司"]),
        ("陇县市骏圆金属制品股份有限公司", ["陇县市骏圆金属制品", "股份有限公司"]),
        (
            "北京市朝阳区骏圆金属制品科技股份有限公司",
            ["北京市", "朝阳区骏圆金属制品科技", "股份有限公司"],
        ),
        ("南京甲乙科技有限公司南京分公司", ["南京甲乙科技", "有限公司", "南京分公司"]),
        ("某某投资合伙企业（有限合伙）", ["某某投资", "合伙企业（有限合伙）"]),
        (
            "Acme Holdings Limited Hong Kong Branch",
            ["Acme Holdings", "Limited Hong Kong", "Branch"],
        ),
        ("91610327595192207M", ["91610327595192207M"]),
        ("", [""]),
    ],
)
def test_names_break_only_between_words(wrap: Any, name: str, lines: list[str]) -> None:
    assert wrap(name).split("\n") == lines
