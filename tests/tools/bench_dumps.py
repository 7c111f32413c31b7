"""Synthetic documents for the benchmark and the durability test: many 科目 rows, many findings, many unit
files. Each returns a JSON dump (the form `gongkai load` reads) or writes .gkb files into a folder."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

from desktop.core.codes import default_code_lists
from desktop.core.definitions import get_set
from desktop.core.formats.dump import load_dump
from desktop.core.paths import resources_dir

SET_ID = "shanxi_2022_juesuan"


def large_dump(items_per_table: int = 120) -> dict:
    """A synthetic unit: ``items_per_table`` 项 codes in each coded table, with values everywhere."""
    codes = [c for c in default_code_lists()._lists["func_class"] if len(c) == 7]  # noqa: SLF001
    rng = random.Random(7)
    synthetic = [f"{c[:5]}{i:02d}" for c in codes for i in range(1, 100)][:items_per_table]
    tset = get_set(SET_ID)
    tables = {}
    for table in tset.tables:
        entry: dict = {"values": {}}
        block = table.floating_block
        if block is not None:
            entry["floating_rows"] = [[c, ""] for c in sorted(synthetic)]
            for code in synthetic:
                entry["values"][code] = {c.key: f"{rng.randint(1, 10**7)}.{rng.randint(0, 99):02d}"
                                         for c in block.value_columns}
        tables[table.key] = entry
    return {"format": "gongkai-dump", "format_version": 1, "set": SET_ID,
            "meta": {"unit_name": "基准测试单位", "year": "2022", "money_unit": "元"}, "tables": tables}


def tree_dump(rows_per_table: int = 5000) -> dict:
    """A synthetic unit whose coded tables each hold about ``rows_per_table`` 类/款/项 rows (20 类 × 10 款,
    项 under each 款), with values in every 项 row; the totals are left for the engine to derive."""
    per_kuan = max(1, -(-(rows_per_table - 220) // 200))
    codes = []
    for lei in (f"2{i:02d}" for i in range(1, 21)):
        codes.append(lei)
        for kuan in (f"{lei}{j:02d}" for j in range(1, 11)):
            codes += [kuan, *(f"{kuan}{m:02d}" for m in range(1, per_kuan + 1))]
    rng = random.Random(11)
    tables = {}
    for table in get_set(SET_ID).tables:
        entry: dict = {"values": {}}
        block = table.floating_block
        if block is not None:
            entry["floating_rows"] = [[c, ""] for c in codes]
            entry["values"] = {c: {col.key: f"{rng.randint(1, 10**6)}.{rng.randint(0, 99):02d}"
                                   for col in block.value_columns} for c in codes if len(c) == 7}
        tables[table.key] = entry
    return {"format": "gongkai-dump", "format_version": 1, "set": SET_ID,
            "meta": {"unit_name": "基准测试单位", "year": "2022", "money_unit": "元"}, "tables": tables}


def findings_dump(rows_per_table: int = 1700) -> dict:
    """:func:`tree_dump` with figures typed into every 类/款/项 row as well, none adding up: about 17,000
    findings at 1,700 rows per table (the 审核结果 list of a badly filled document)."""
    dump = tree_dump(rows_per_table)
    rng = random.Random(5)
    for table in get_set(SET_ID).tables:
        block = table.floating_block
        if block is None:
            continue
        entry = dump["tables"][table.key]
        for code, _ in entry["floating_rows"]:
            entry["values"][code] = {col.key: f"{rng.randint(1, 10**6)}.{rng.randint(0, 99):02d}"
                                     for col in block.value_columns}
    return dump


def unit_files(folder: Path, count: int) -> list[Path]:
    """``count`` variants of the demo document (seed 001): each its own 单位名称; every tenth has a figure
    changed without its totals following (a 错误), as a folder received from units would."""
    base = folder / "base.gkb"
    if not base.exists():
        load_dump(json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8")), base,
                  who="bench").close()
    paths = []
    for n in range(count):
        path = folder / f"unit{n:04d}.gkb"
        shutil.copy(base, path)
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'unit_name'", (f"基准单位{n:04d}",))
        if n % 10 == 9:
            conn.execute("UPDATE cell SET num = num + ? WHERE tbl = 'shouzhi_zongbiao' AND row = 'in_ybgg'", (n,))
            conn.execute("INSERT INTO change_log(at, who, action, tbl, row, col, old, new) "
                         "VALUES ('2026-01-01T00:00:00Z', 'bench', 'set', 'shouzhi_zongbiao', 'in_ybgg', 'amount', '', '')")
        conn.close()
        paths.append(path)
    base.unlink()
    return paths



def add_shape_a_forms(doc: object, forms: int, per_level2: int, who: str) -> None:
    """``forms`` shape-A 绩效自评表 in ``doc`` (a Document), ``per_level2`` 三级 rows under each of the 9 二级,
    with figures that leave some findings (the same forms on every run)."""
    from decimal import Decimal

    from desktop.core.jixiao.loader import get_form
    from desktop.core.jixiao.store import insert_form

    shape, rng = get_form("a_zhuanyi_ziping"), random.Random(3)
    for n in range(forms):
        fields = {"t.xmmc": f"项目{n}", "f.total.qn": Decimal(1000), "f.total.zx": Decimal(rng.randint(500, 1100)),
                  "f.total.fz": Decimal(10)}
        rows = [(level2, {"name": f"指标{level2}{i}", "target": "≥90%", "actual": f"{rng.randint(70, 100)}%",
                          "weight": Decimal(3), "score": Decimal(rng.randint(1, 3))})
                for level2 in shape.level2_keys for i in range(per_level2)]
        insert_form(doc, shape.key, f"项目{n}绩效自评表", fields, rows, who=who)
