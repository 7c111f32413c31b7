"""The layout facts that tell the 决算 template sets apart (LAYOUTS.md §1–§10), and that they share keys.

山西 2022 (seeds 000/001), 山西 2024 (seed 003) and 宁夏 2023 (seed 002) print the same tables with different
numbers, 行次, captions and columns. The shared rules (_shared/juesuan_rules.yaml) rely on the table, row
and column keys being the same in every set; these tests pin both the differences and the shared keys.
"""

from __future__ import annotations

import csv

import pytest

from desktop.core.codes import default_code_lists
from desktop.core.definitions import TemplateSet, all_sets, get_set, load_set
from desktop.core.paths import codes_dir
from desktop.core.rules.engine import Engine
from desktop.core.rules.rowindex import RowIndex

S2022, S2024, NX2023 = "shanxi_2022_juesuan", "shanxi_2024_juesuan", "ningxia_2023_juesuan"
JUESUAN_SETS = [S2022, S2024, NX2023]
FLOATING = {
    "shouru": [("201", "一般公共服务支出"), ("2010101", "行政运行")],
    "zhichu": [("201", "一般公共服务支出"), ("20101", "人大事务"), ("2010101", "行政运行")],
    "ybgg_zhichu": [("210", "卫生健康支出"), ("2101501", "行政运行")],
}


def engine(tset: TemplateSet, floating=None) -> Engine:
    floating = FLOATING if floating is None else floating
    return Engine(tset, RowIndex(tset, floating), {}, rounding=tset.info.money_unit == "万元")


def rows(tset: TemplateSet, table: str, block: str | None = None):
    t = tset.table(table)
    return [r for b in t.blocks if block is None or b.key == block for r in b.rows]


def row(tset: TemplateSet, table: str, key: str):
    found = tset.fixed_row(table, key)
    assert found is not None, f"{tset.id}: {table} has no row {key}"
    return found


def hangci(tset: TemplateSet, table: str, block: str) -> list[str]:
    return [r.hangci for r in rows(tset, table, block) if r.hangci]


def econ_codes(year: int) -> dict[str, str]:
    with (codes_dir() / "dept_econ_class.csv").open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(fh) if r["year"] == str(year)}


# -- every set ------------------------------------------------------------------------------------
def test_every_set_loads_through_all_sets():
    sets = all_sets()
    assert set(JUESUAN_SETS) <= set(sets)
    for tset in sets.values():
        assert tset.tables and tset.rules


@pytest.mark.parametrize("set_id", JUESUAN_SETS)
def test_each_variant_loads_from_its_folder_and_compiles_its_rules(set_id):
    tset = load_set(get_set(set_id).folder)
    e = engine(tset)
    assert len(e.instances) > 100
    assert e.sorted_findings() == []  # an empty document breaks no rule


@pytest.mark.parametrize("set_id", JUESUAN_SETS)
def test_shared_keys_are_the_same_in_every_set(set_id):
    base, tset = get_set(S2022), get_set(set_id)
    for table in ("shouzhi_zongbiao", "czbk_zongbiao", "sangong"):
        keys = [r.key for r in rows(tset, table) if r.kind == "data"]
        assert keys == [r.key for r in rows(base, table) if r.kind == "data"], table
    for table in ("shouru", "zhichu", "czbk_zongbiao", "ybgg_zhichu", "sangong", "zfxjj", "gyzb_zhichu"):
        base_cols = {c.key for b in base.table(table).blocks for c in b.value_columns}
        cols = {c.key for b in tset.table(table).blocks for c in b.value_columns}
        assert base_cols <= cols, table
    assert {r.key for r in rows(tset, "jiben_mingxi") if r.footer} >= {"renyuan_total", "gongyong_total"}


# -- 山西 2024 (seed 003) ------------------------------------------------------------------------
def test_2024_table_numbers_follow_the_2024_order():
    tset = get_set(S2024)
    labels = {t.key: t.label for t in tset.tables}
    assert labels["zfxjj"] == "公开07表"
    assert labels["gyzb_zhichu"] == "公开08表"
    assert labels["sangong"] == "公开09表"
    assert labels["xinxi_tongji"] == "公开10表"
    assert [t.key for t in tset.tables][6:9] == ["zfxjj", "gyzb_zhichu", "sangong"]
    assert tset.info.money_unit == "万元"
    assert get_set(S2022).table("sangong").label == "公开07表"


def test_2024_captions_of_gongkai01_and_02():
    tset = get_set(S2024)
    t01 = tset.table("shouzhi_zongbiao")
    assert [b.column("amount").caption for b in t01.blocks] == ["金额", "金额"]
    assert row(tset, "shouzhi_zongbiao", "in_fczjy").label == "使用非财政拨款结余（含专用结余）"
    assert row(tset, "shouzhi_zongbiao", "in_zj").hangci == "31"
    assert row(tset, "shouzhi_zongbiao", "ex_zj").hangci == "62"
    assert tset.table("shouru").block("main").column("code").caption == "科目代码"


def test_2024_gongkai06_has_one_basic_column_and_the_2024_econ_template():
    tset = get_set(S2024)
    table = tset.table("jiben_mingxi")
    assert len(table.blocks) == 4
    for block in table.blocks:
        assert [c.key for c in block.value_columns] == ["basic"]
        assert block.column("basic").caption == "决算数"
    printed = {r.code: r.label for r in rows(tset, "jiben_mingxi") if r.code}
    assert printed == econ_codes(2024)
    assert "31206" in [r.code for r in rows(tset, "jiben_mingxi", "b4")]
    assert printed["30999"] == "其他基本建设支出"
    assert printed["31302"] == "对社会保险基金补助"
    assert printed["31101"] == "资本金注入（基本建设）"
    assert printed["30901"] == printed["31001"] == "房屋建筑物购建"
    na = {r.code for r in rows(tset, "jiben_mingxi") if r.na}
    assert na == {"30908", "30913", "30919", "30921", "30922", "30999"}
    assert all(r.na == ["basic"] for r in rows(tset, "jiben_mingxi") if r.na)
    # 2022 prints 金额 and 其中：基本支出, with —— on every 309/311/313 row
    assert [c.key for c in get_set(S2022).table("jiben_mingxi").blocks[0].value_columns] == [
        "amount",
        "basic",
    ]


def test_2024_rules_read_only_the_basic_column_of_gongkai06():
    tset = get_set(S2024)
    ids = {r.id for r in tset.rules}
    assert {"gk06_rollup", "gk06_personnel", "gk06_public", "x05_06_basic", "x10_06_running_cost"} <= ids
    assert not ids & {"gk06_basic_not_above_amount", "x05_06_amount"}
    e = engine(tset)
    cols = {cell[2] for inst in e.instances.values() for cell in inst.cells if cell[0] == "jiben_mingxi"}
    assert cols == {"basic"}


def test_2024_gongkai06_totals_are_derived_from_basic():
    e = engine(get_set(S2024))
    e.apply({("jiben_mingxi", "30101", "basic"): 10000, ("jiben_mingxi", "31206", "basic"): 2500})
    assert e.values[("jiben_mingxi", "301", "basic")] == 10000
    assert e.values[("jiben_mingxi", "312", "basic")] == 2500
    assert e.values[("jiben_mingxi", "renyuan_total", "basic")] == 10000
    assert e.values[("jiben_mingxi", "gongyong_total", "basic")] == 2500


def test_2024_gongkai10_labels():
    tset = get_set(S2024)
    assert row(tset, "xinxi_tongji", "car_2").label.endswith("主要负责人用车")
    assert row(tset, "xinxi_tongji", "car_7").label.endswith("离退休干部服务用车")
    assert [b.value_columns[0].caption for b in tset.table("xinxi_tongji").blocks] == ["统计数"] * 3
    assert row(get_set(S2022), "xinxi_tongji", "car_2").label.endswith("主要领导干部用车")


# -- 宁夏 2023 (seed 002) ------------------------------------------------------------------------
def test_ningxia_has_no_gongkai10_and_keeps_the_2022_numbering():
    tset = get_set(NX2023)
    assert not tset.has_table("xinxi_tongji")
    assert tset.info.money_unit == "元"
    labels = {t.key: t.label for t in tset.tables}
    assert (labels["sangong"], labels["zfxjj"], labels["gyzb_zhichu"]) == ("公开07表", "公开08表", "公开09表")
    assert tset.table("sangong").title == "一般公共预算财政拨款“三公”经费支出决算表"
    assert not any(r.id.startswith(("gk10_", "x10_")) for r in tset.rules)


def test_ningxia_gongkai01_hangci():
    tset = get_set(NX2023)
    assert row(tset, "shouzhi_zongbiao", "in_zj").hangci == "30"
    assert row(tset, "shouzhi_zongbiao", "ex_zj").hangci == "62"
    classes = [r for r in rows(tset, "shouzhi_zongbiao", "expenditure") if r.code]
    assert [r.hangci for r in classes] == [str(n) for n in [*range(31, 51), *range(53, 59)]]
    assert [r.code for r in classes[20:]] == ["223", "224", "229", "231", "232", "234"]
    assert [row(tset, "shouzhi_zongbiao", k).hangci for k in ("ex_bnhj", "ex_jyfp", "ex_nmjz")] == [
        "59",
        "60",
        "61",
    ]
    assert "51" not in hangci(tset, "shouzhi_zongbiao", "expenditure")
    assert "52" not in hangci(tset, "shouzhi_zongbiao", "expenditure")
    assert not [r for r in rows(tset, "shouzhi_zongbiao", "expenditure") if r.kind == "blank"]
    assert hangci(tset, "shouzhi_zongbiao", "income") == [str(n) for n in range(1, 31)]
    # side by side: both blocks list the same number of rows, so income 21 sits beside expenditure 53
    income, expenditure = (rows(tset, "shouzhi_zongbiao", b) for b in ("income", "expenditure"))
    assert len(income) == len(expenditure) == 30
    assert (income[20].hangci, expenditure[20].hangci) == ("21", "53")
    assert row(tset, "shouzhi_zongbiao", "in_zfxjj").label == "二、政府性基金预算财政拨款"
    assert tset.table("shouzhi_zongbiao").block("expenditure").column("label").caption == "项目(按功能分类)"
    # 山西 2022: 总计 31 / 62 with blank rows 30 and 61
    assert row(get_set(S2022), "shouzhi_zongbiao", "in_zj").hangci == "31"


def test_ningxia_coded_tables_split_the_code_into_lei_kuan_xiang():
    tset = get_set(NX2023)
    for key in ("shouru", "zhichu", "ybgg_zhichu", "zfxjj", "gyzb_zhichu"):
        block = tset.table(key).floating_block
        assert block is not None and block.floating is not None
        parts = [c for c in block.columns if c.kind == "code_part"]
        assert [(c.key, c.level, c.caption) for c in parts] == [
            ("code_l", 1, "类"),
            ("code_k", 2, "款"),
            ("code_x", 3, "项"),
        ]
        assert block.column("code") is None
        assert block.floating.levels == [3, 5, 7]


def test_ningxia_shouru_has_education_fees_under_shiye_income():
    tset = get_set(NX2023)
    block = tset.table("shouru").block("main")
    assert [c.key for c in block.value_columns] == [
        "total",
        "czbk",
        "sjbz",
        "sy",
        "sy_jysf",
        "jy",
        "fsdw",
        "qt",
    ]
    assert block.column("sy").header == ["事业收入", "小计"]
    assert block.column("sy_jysf").header == ["事业收入", "其中：教育收费"]
    assert not get_set(S2022).table("shouru").block("main").column("sy_jysf")


def test_ningxia_education_fees_above_shiye_income_is_an_error():
    e = engine(get_set(NX2023))
    e.apply({("shouru", "2010101", "sy"): 10000, ("shouru", "2010101", "sy_jysf"): 20000})
    finding = e.findings["gk02_jysf_not_above_sy[2010101]"]
    assert finding.severity == "error"
    assert (finding.left, finding.right) == (20000, 10000)
    # the row total leaves 其中：教育收费 out
    assert e.values[("shouru", "2010101", "total")] == 10000
    e.apply({("shouru", "2010101", "sy_jysf"): 5000})
    assert not [k for k in e.findings if k.startswith("gk02_jysf_not_above_sy")]


def test_ningxia_captions_of_gongkai04_and_05():
    tset = get_set(NX2023)
    assert row(tset, "czbk_zongbiao", "c_zj").label == "合计"
    assert row(tset, "czbk_zongbiao", "ex_zj").label == "合计"
    assert (row(tset, "czbk_zongbiao", "c_zj").hangci, row(tset, "czbk_zongbiao", "ex_zj").hangci) == (
        "32",
        "64",
    )
    assert row(tset, "czbk_zongbiao", "c_nc_ybgg").label.startswith("一、")
    assert tset.table("czbk_zongbiao").block("income").column("amount").caption == "决算数"
    assert tset.table("ybgg_zhichu").block("main").column("xj").caption == "本年支出合计"


def test_ningxia_gongkai06_three_blocks_basic_only():
    tset = get_set(NX2023)
    table = tset.table("jiben_mingxi")
    assert [b.key for b in table.blocks] == ["b1", "b2", "b3"]
    for block in table.blocks:
        assert [c.key for c in block.value_columns] == ["basic"]
    codes = {b.key: [r.code for r in b.rows if r.code] for b in table.blocks}
    assert {c[:3] for c in codes["b1"]} == {"301", "303"}
    assert codes["b2"][codes["b2"].index("30299") + 1 :] == ["307", "30701", "30702", "30703", "30704"]
    assert {c[:3] for c in codes["b3"]} == {"310", "312", "399"}
    assert "39906" in codes["b3"]
    printed = {r.code: r.label for r in rows(tset, "jiben_mingxi") if r.code}
    assert printed == econ_codes(2023)
    assert not {"309", "311", "313"} & set(printed)
    assert not any(r.na for r in rows(tset, "jiben_mingxi"))
    footers = {r.key: r.label for r in rows(tset, "jiben_mingxi") if r.footer}
    assert footers == {"renyuan_total": "人员经费合计", "gongyong_total": "公用经费合计", "heji": "合计"}


def test_ningxia_gongkai06_totals_and_sangong_rules():
    tset = get_set(NX2023)
    e = engine(tset)
    e.apply(
        {
            ("jiben_mingxi", "30101", "basic"): 10000,
            ("jiben_mingxi", "30701", "basic"): 300,
            ("jiben_mingxi", "39906", "basic"): 200,
            ("jiben_mingxi", "30231", "basic"): 500,
        }
    )
    v = e.values
    assert v[("jiben_mingxi", "renyuan_total", "basic")] == 10000
    assert v[("jiben_mingxi", "gongyong_total", "basic")] == 1000
    assert v[("jiben_mingxi", "heji", "basic")] == 11000
    # 公用车运行维护费 in 公开06 (500) is more than the 三公 figure (empty): a ≤ rule fails
    assert e.findings["x06_sangong_car_running"].severity == "error"
    purchase = e.instances["x06_sangong_car_purchase"]
    assert [c for _, c in purchase.left] == [("jiben_mingxi", "31013", "basic")]


def test_econ_code_names_match_the_code_list_for_the_set_year():
    codes = default_code_lists()
    for set_id in JUESUAN_SETS:
        tset = get_set(set_id)
        for r in rows(tset, "jiben_mingxi"):
            if r.code:
                known = codes.name("dept_econ_class", r.code, tset.info.year)
                assert known is not None and codes.same_name(known, r.label), (set_id, r.code, r.label, known)
