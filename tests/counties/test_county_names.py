"""Which county a title, a sheet's name or a file's name names (``importer.county``)."""

from __future__ import annotations

import pytest

from projtrack.importer.county import county_named


@pytest.mark.parametrize(("text", "county"), [
    ("平阳县“十四五”教育事业发展规划项目安排表", "平阳县"),
    ("附件1:苍南县教育“十四五”项目安排表", "苍南县"),
    ("“十四五”时期平阳县教育建设项目", "平阳县"),
    ("2021—2025年度泰顺县教育项目", "泰顺县"),
    ("温州市鹿城区“十四五”教育项目表", "鹿城区"),
    ("温州市区“十四五”教育项目安排表", "温州市"),  # the city's own table
    ("瑞安市教育局项目表", "瑞安市"),
    ("景宁畲族自治县教育项目", "景宁畲族自治县"),
    ("某县教育项目投资计划表（亿元）", None),  # a county not named
    ("古市", None),  # a township's short name (a sheet per township)
    ("附件", None), ("单位:万元", None), ("项目安排表", None), ("十四五教育项目", None),
    ("市区项目", None), ("填报单位:平阳县教育局", None), (None, None), (2021, None),
])
def test_county_named(text, county):
    assert county_named(text) == county
