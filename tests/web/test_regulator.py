"""Pure helpers of ``static/regulator.js`` (CSV of the publication, 回避 reasons), run in Node."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.harness import NodeModules


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> NodeModules:
    return NodeModules(tmp_path_factory.mktemp("modules"))


def _csv(modules: NodeModules, text: str) -> Any:
    return modules.call("regulator", "parseCsv", text)


def test_csv_fields_with_quotes_commas_and_line_breaks(modules: NodeModules) -> None:
    text = '序号,主体名称,检查结果\r\n1,"甲公司,分店","发现问题""待处理"""\r\n2,"乙\n公司",正常\r\n'
    assert _csv(modules, text) == [
        ["序号", "主体名称", "检查结果"],
        ["1", "甲公司,分店", '发现问题"待处理"'],
        ["2", "乙\n公司", "正常"],
    ]


def test_csv_without_a_final_line_break_keeps_its_last_row(modules: NodeModules) -> None:
    assert _csv(modules, "a,b\n1,") == [["a", "b"], ["1", ""]]


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("inspected this subject in the previous round", "上一轮检查过该对象"),
        ("shareholder of the subject", "系检查对象股东"),
        ("officer of the subject", "系检查对象高管"),
        ("is the subject", "本人即检查对象"),
        ("related in 1 hop (SAME_CONTACT)", "一跳关联（SAME_CONTACT）"),
        ("related in 2 hops via 91320102MA1XYZ1234", "经 91320102MA1XYZ1234 两跳关联"),
        ("capacity: 3 inspector(s) at the limit of 20 subjects", "3 名检查人员已达 20 户上限"),
        ("a reason nobody foresaw", "a reason nobody foresaw"),
    ],
)
def test_skip_reasons_are_said_in_chinese(modules: NodeModules, reason: str, said: str) -> None:
    assert modules.call("regulator", "skipReason", reason) == said


def test_the_sampling_package_still_words_its_reasons_as_the_page_expects(
    modules: NodeModules,
) -> None:
    """If the sampling package rewords a reason, the page would show it in English."""
    from linkrisk.sampling.conflicts import PREVIOUS_ROUND, _reason

    for reason in (PREVIOUS_ROUND, *(_reason(code, 2, "X") for code in range(5))):
        assert modules.call("regulator", "skipReason", reason) != reason, reason


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'),
        ("+86 123", "'+86 123"),
        ("＝1", "'＝1"),
        ("-12.5", "-12.5"),  # a number stays a number
        ("正常", "正常"),
        ("a,b", '"a,b"'),
    ],
)
def test_task_sheet_cells_never_run_as_formulas(
    modules: NodeModules, value: str, cell: str
) -> None:
    """The page's 任务单 follows the same rule as loaders/spreadsheet.py's safe_cell."""
    from linkrisk.loaders.spreadsheet import safe_cell

    assert modules.call("regulator", "csvCell", value) == cell
    assert cell.strip('"').replace('""', '"') == safe_cell(value)
