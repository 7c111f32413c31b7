"""The rules on real published disclosures: real errors are found, relations that hold stay quiet."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from desktop.core.report import finding_dict


def keys(session, severity=None):
    return sorted(f.key for f in session.findings() if severity is None or f.severity == severity)


def test_seed_000_reports_exactly_the_two_table_errors_of_known_errors(load_seed):
    session, conversion = load_seed("000_add86a24b3a51088")
    assert conversion.set_id == "shanxi_2022_juesuan"
    assert conversion.unplaced == [] and conversion.unmatched_tables == []
    # KNOWN_ERRORS 000 #1 and #2 (#3 is not a §2.3 relation; #4-#6 are about the prose).
    assert keys(session) == ["x01_02_income_total", "x01_02_qt"]
    by_key = {f.key: f for f in session.findings()}
    first = by_key["x01_02_income_total"]
    assert first.severity == "error"
    assert (first.left, first.right, first.diff) == (2573093553, 2573120168, -26615)
    for text in ("公开01表", "收入支出决算总表", "行次27", "公开02表", "25,730,935.53", "25,731,201.68", "-266.15"):
        assert text in first.message
    second = by_key["x01_02_qt"]
    assert (second.left, second.right) == (26615, 0)
    assert "其他收入" in second.message and "行次8" in second.message and "266.15" in second.message


def test_seed_000_finding_json_names_tables_rows_and_columns(load_seed):
    session, _ = load_seed("000_add86a24b3a51088")
    finding = next(f for f in session.findings() if f.key == "x01_02_income_total")
    data = finding_dict(session, finding)
    assert data["severity"] == "error"
    assert data["table_title"] == "收入支出决算总表"
    assert (data["left"], data["right"], data["difference"]) == ("25730935.53", "25731201.68", "-266.15")
    captions = {(c["table_title"], c["row_caption"], c["col_caption"]) for c in data["cells"]}
    assert ("收入支出决算总表", "本年收入合计（行次27）", "收入·决算数（栏次1）") in captions
    assert ("收入决算表", "合计", "本年收入合计（栏次1）") in captions


def test_seed_001_tables_are_consistent_so_no_finding_is_raised(load_seed):
    session, conversion = load_seed("001_0f45429440d9ca6e")
    assert conversion.set_id == "shanxi_2022_juesuan"
    assert conversion.unplaced == []
    assert len(session.engine.instances) > 400  # the relations really were evaluated
    assert keys(session) == []


def test_a_typo_in_seed_001_is_caught_in_every_relation_it_breaks(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e")
    cell = ("ybgg_zhichu", "2101501", "jb")
    session.set_values({cell: session.value(cell) + 100}, who="测试员", derive=False)
    found = keys(session, "error")
    assert "gk05_row_total[2101501]" in found  # 小计 ≠ 基本 + 项目 on that row
    assert "gk05_rollup[21015|jb]" in found  # the 款 no longer adds up
    assert "x05_06_basic" not in found  # the 合计 row was not touched
    # undoing the typo clears them all again
    session.set_values({cell: session.value(cell) - 100}, who="测试员", derive=False)
    assert keys(session) == []


def _to_wanyuan(dump):
    """The same document published in 万元: every cell rounded half-up on its own, as 久其 does."""
    for table in dump["tables"].values():
        for cells in table["values"].values():
            for col, text in cells.items():
                if "." not in text:
                    continue  # counts (车辆数) are not money
                value = (Decimal(text) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                cells[col] = f"{value:.2f}"
    dump["meta"]["money_unit"] = "万元"
    return dump


def test_rounding_gaps_of_a_wanyuan_document_are_notes_not_errors(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e", transform=_to_wanyuan)
    assert session.doc.money_unit == "万元"
    findings = session.findings()
    assert findings, "rounding each cell to 万元 should open some gaps"
    assert {f.severity for f in findings} == {"rounding"}
    for f in findings:
        assert "尾数误差" in f.message
        assert abs(f.diff) <= 3  # never more than a few 0.01 万元


def test_a_real_gap_in_a_wanyuan_document_is_still_an_error(load_seed):
    session, _ = load_seed("001_0f45429440d9ca6e", transform=_to_wanyuan)
    cell = ("shouzhi_zongbiao", "in_ybgg", "amount")
    session.set_values({cell: session.value(cell) + 5}, who="测试员", derive=False)  # 0.05 万元
    errors = keys(session, "error")
    assert "gk01_income_year_total" in errors
    assert "x04_01_ybgg" in errors
