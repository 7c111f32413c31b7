"""Small unit documents for the 汇总 and batch tests, with figures simple enough to add up by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desktop.core.formats.dump import load_dump

SET = "shanxi_2022_juesuan"
ZHICHU_ROWS = {
    "210": "卫生健康支出", "21012": "财政对基本医疗保险基金的补助", "2101201": "财政对职工基本医疗保险基金的补助",
    "208": "社会保障和就业支出", "20805": "行政事业单位养老支出", "2080505": "机关事业单位基本养老保险缴费支出",
}


def unit_dump(name: str, in_ybgg: str, zhichu: dict[str, dict[str, str]], *, set_id: str = SET,
              year: str = "2022", money_unit: str = "元", forms: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A unit with one fixed figure (公开01 行1) and 公开03 floating rows ``zhichu`` (code → {column: amount})."""
    rows = sorted({c[:n] for c in zhichu if c.isdigit() for n in (3, 5, 7) if len(c) >= n})
    data: dict[str, Any] = {
        "format": "gongkai-dump", "format_version": 1, "set": set_id,
        "meta": {"unit_name": name, "year": year, "money_unit": money_unit},
        "tables": {"shouzhi_zongbiao": {"values": {"in_ybgg": {"amount": in_ybgg}}},
                   "zhichu": {"floating_rows": [[c, ZHICHU_ROWS.get(c, "")] for c in rows], "values": zhichu}},
    }
    if forms:
        data["forms"] = forms
    return data


def make(path: Path, data: dict[str, Any]) -> Path:
    load_dump(json.loads(json.dumps(data)), path, who="测试").close()
    return path


def three_units(folder: Path) -> list[Path]:
    """甲 has 2101201 only, 乙 has 2101201 and 2080505, 丙 has 2080505 only; 乙's 公开03 合计 is wrong."""
    form = {"shape": "g_mubiao", "title": "甲的项目绩效目标表", "fields": {}, "indicators": []}
    return [
        make(folder / "甲.gkb", unit_dump("甲单位", "100.00", {
            "2101201": {"total": "10.00", "jb": "10.00"}, "21012": {"total": "10.00", "jb": "10.00"},
            "210": {"total": "10.00", "jb": "10.00"}, "total": {"total": "10.00", "jb": "10.00"}}, forms=[form])),
        make(folder / "乙.gkb", unit_dump("乙单位", "200.50", {
            "2101201": {"total": "1.25", "xm": "1.25"}, "21012": {"total": "1.25", "xm": "1.25"},
            "210": {"total": "1.25", "xm": "1.25"},
            "2080505": {"total": "3.00", "jb": "3.00"}, "20805": {"total": "3.00", "jb": "3.00"},
            "208": {"total": "3.00", "jb": "3.00"}, "total": {"total": "9.99", "jb": "3.00", "xm": "1.25"}})),
        make(folder / "丙.gkb", unit_dump("丙单位", "0.05", {
            "2080505": {"total": "7.00", "jb": "7.00"}, "20805": {"total": "7.00", "jb": "7.00"},
            "208": {"total": "7.00", "jb": "7.00"}, "total": {"total": "7.00", "jb": "7.00"}})),
    ]
