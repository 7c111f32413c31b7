"""汇总: the sum of unit files cell for cell, mixed inputs refused, findings traced to the unit file, and a
re-run that says what moved and in which unit."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from huizong_units import make, three_units, unit_dump

from desktop.cli import main
from desktop.core.document import Document
from desktop.core.formats.dump import dump_document
from desktop.core.huizong import HuizongError
from desktop.core.huizong.build import build_huizong
from desktop.core.huizong.provenance import read_provenance
from desktop.core.huizong.trace import trace_huizong
from desktop.core.session import Session


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def tables(path: Path) -> dict:
    with Document.open(path, readonly=True) as doc:
        return dump_document(doc)


def test_the_huizong_equals_the_hand_sum_cell_for_cell(tmp_path: Path) -> None:
    units = three_units(tmp_path)
    before = digests(tmp_path)
    result = build_huizong(tmp_path / "部门.gkb", units, name="某部门", who="审核员")
    data = tables(result.path)
    assert data["meta"]["unit_name"] == "某部门" and data["meta"]["year"] == "2022"
    assert data["tables"]["shouzhi_zongbiao"]["values"] == {"in_ybgg": {"amount": "300.55"}}
    zhichu = data["tables"]["zhichu"]
    # floating rows present in only some units are all there, each once
    assert [c for c, _ in zhichu["floating_rows"]] == ["208", "20805", "2080505", "210", "21012", "2101201"]
    assert zhichu["values"] == {
        "208": {"total": "10.00", "jb": "10.00"}, "20805": {"total": "10.00", "jb": "10.00"},
        "2080505": {"total": "10.00", "jb": "10.00"},
        "210": {"total": "11.25", "jb": "10.00", "xm": "1.25"}, "21012": {"total": "11.25", "jb": "10.00", "xm": "1.25"},
        "2101201": {"total": "11.25", "jb": "10.00", "xm": "1.25"},
        "total": {"total": "26.99", "jb": "20.00", "xm": "1.25"},
    }
    # every other table is empty, as in the units
    assert all(not t["values"] for k, t in data["tables"].items() if k not in ("shouzhi_zongbiao", "zhichu"))
    # the 绩效 form of 甲 is collected, named after its unit
    assert [f["title"] for f in data["forms"]] == ["甲的项目绩效目标表（甲单位）"]
    # which files and which version of each went in
    prov = read_provenance(data["meta"])
    assert prov is not None and prov.name == "某部门"
    assert [(v.name, v.unit_name) for v in prov.units] == [("甲.gkb", "甲单位"), ("乙.gkb", "乙单位"), ("丙.gkb", "丙单位")]
    for version, path in zip(prov.units, units, strict=True):
        assert version.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        with Document.open(path, readonly=True) as doc:
            log = doc.change_log()
        assert version.log_count == len(log) and version.log_head["id"] == log[0]["id"]
    # the unit files were only read
    assert {k: v for k, v in digests(tmp_path).items() if k != "部门.gkb"} == before


def test_budget_unit_and_project_lists_are_concatenated_under_their_units(tmp_path: Path) -> None:
    def budget(name: str, units: list[tuple[str, str, str]], projects: list[tuple[str, str, str]]) -> dict:
        return {"format": "gongkai-dump", "format_version": 1, "set": "shanxi_2025_yusuan",
                "meta": {"unit_name": name, "year": "2025", "money_unit": "万元"},
                "tables": {"jiguan_yunxing": {"floating_rows": [[k, n] for k, n, _ in units],
                                              "values": {k: {"total": v} for k, _, v in units}},
                           "xiangmu_bennian": {"floating_rows": [[k, n] for k, n, _ in projects],
                                               "values": {k: {"total": v} for k, _, v in projects}}}}

    a = make(tmp_path / "a.gkb", budget("甲局", [("01", "甲局本级", "5.00")],
                                        [("01", "甲局本级", "3.00"), ("0101", "信息化项目", "1.00"), ("0102", "培训", "2.00")]))
    b = make(tmp_path / "b.gkb", budget("乙中心", [("01", "乙中心", "7.50"), ("02", "乙中心分站", "0.50")],
                                        [("01", "乙中心", "4.00"), ("0101", "信息化项目", "4.00")]))
    data = tables(build_huizong(tmp_path / "h.gkb", [a, b], name="某厅").path)["tables"]
    assert data["jiguan_yunxing"]["floating_rows"] == [["01", "甲局本级"], ["02", "乙中心"], ["03", "乙中心分站"]]
    assert data["jiguan_yunxing"]["values"] == {"01": {"total": "5.00"}, "02": {"total": "7.50"}, "03": {"total": "0.50"}}
    assert data["xiangmu_bennian"]["floating_rows"] == [
        ["01", "甲局本级"], ["0101", "信息化项目"], ["0102", "培训"], ["02", "乙中心"], ["0201", "信息化项目"]]
    assert data["xiangmu_bennian"]["values"]["0201"] == {"total": "4.00"}


@pytest.mark.parametrize(("change", "words"), [
    ({"set_id": "shanxi_2024_juesuan"}, ["表套", "不能汇总"]),
    ({"year": "2023"}, ["2023 年度", "2022 年度", "不能汇总"]),
    ({"money_unit": "万元"}, ["金额单位", "万元", "元", "不能汇总"]),
])
def test_mixed_sets_years_and_money_units_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       change: dict[str, str], words: list[str]) -> None:
    units = three_units(tmp_path)
    odd = unit_dump("丁单位", "1.00", {}, set_id=change.get("set_id", "shanxi_2022_juesuan"),
                    year=change.get("year", "2022"), money_unit=change.get("money_unit", "元"))
    units.append(make(tmp_path / "丁.gkb", odd))
    before = digests(tmp_path)
    code = main(["huizong", str(tmp_path / "部门.gkb"), *map(str, units)])
    err = capsys.readouterr().err
    assert code == 2 and "错误：" in err and "丁.gkb" in err and "甲.gkb" in err
    assert all(w in err for w in words), err
    assert digests(tmp_path) == before  # no output, no partial file, no temp file left


def test_a_unit_error_is_traced_to_its_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = build_huizong(tmp_path / "部门.gkb", three_units(tmp_path), name="某部门").path
    session = Session.open(out, readonly=True)
    errors = [f for f in session.findings() if f.severity == "error"]
    session.close()
    assert errors, "乙's wrong 合计 must show in the 汇总"
    report = trace_huizong(out)
    # the sparse test units break cross-table rules everywhere; 乙 alone has a wrong 公开03 合计
    rollup = [t for t in report.findings
              if t.finding["severity"] == "error" and t.finding["table"] == "zhichu"
              and all(c["row"] == "total" for c in t.finding["cells"][:1])]
    assert rollup and all(t.same_in == ["乙单位（乙.gkb）"] for t in rollup), [t.finding["message"] for t in rollup]
    total = next(p for p in rollup[0].parts if "合计 · 本年支出合计" in p["cell"])
    assert [(u["unit"], u["value"]) for u in total["units"]] == [
        ("甲单位（甲.gkb）", "10.00"), ("乙单位（乙.gkb）", "9.99"), ("丙单位（丙.gkb）", "7.00")]
    # every traced finding names exactly the units whose own check has it
    for t in report.findings:
        owners = []
        for path, label in ((tmp_path / f"{n}.gkb", f"{n}单位（{n}.gkb）") for n in "甲乙丙"):
            s = Session.open(path, readonly=True)
            if any(f.key == t.finding["key"] for f in s.findings()):
                owners.append(label)
            s.close()
        assert t.same_in == owners, t.finding["message"]
    assert main(["huizong", "--trace", str(out)]) == 1
    text = capsys.readouterr().out
    assert "来自单位文件" in text and "乙单位（乙.gkb）" in text


def test_rerun_after_a_unit_changes_shows_what_moved_per_cell_and_unit(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    units = three_units(tmp_path)
    out = tmp_path / "部门.gkb"
    assert main(["huizong", str(out), *map(str, units), "--name", "某部门"]) == 0
    session = Session.open(units[2], who="丙的填报人")
    session.set_text(("shouzhi_zongbiao", "in_ybgg", "amount"), "10.05", who="丙的填报人")
    session.close()
    capsys.readouterr()
    assert main(["huizong", str(out)]) == 0  # the recorded units are read again
    text = capsys.readouterr().out
    assert "丙单位（丙.gkb）：已修改" in text
    moved = [line for line in text.splitlines() if "一般公共预算财政拨款收入" in line]
    assert moved and "300.55 → 310.55" in moved[0] and "丙单位（丙.gkb）：0.05 → 10.05" in moved[0], text
    assert tables(out)["meta"]["unit_name"] == "某部门"
    assert main(["huizong", str(out)]) == 0
    assert "都没有变动" in capsys.readouterr().out


def test_an_existing_document_that_is_not_a_huizong_is_never_overwritten(tmp_path: Path) -> None:
    units = three_units(tmp_path)
    before = digests(tmp_path)
    with pytest.raises(HuizongError, match="不是汇总文件"):
        build_huizong(units[0], units[1:])
    with pytest.raises(HuizongError, match="出现了两次"):
        build_huizong(tmp_path / "h.gkb", [units[0], units[1], units[0]])
    assert digests(tmp_path) == before


def test_a_huizong_meta_that_was_tampered_with_is_refused_in_chinese(tmp_path: Path) -> None:
    out = build_huizong(tmp_path / "部门.gkb", three_units(tmp_path)).path
    doc = Document.open(out)
    prov = json.loads(doc.meta["huizong"])
    prov["units"][0]["sha256"] = "not a digest"
    doc.write({}, who="x", meta={"huizong": json.dumps(prov)})
    doc.close()
    with pytest.raises(HuizongError, match="汇总来源信息不完整或被改动过"):
        trace_huizong(out)


def test_a_unit_that_cannot_be_read_names_itself_and_nothing_is_written(tmp_path: Path) -> None:
    units = three_units(tmp_path)
    bad = tmp_path / "坏.gkb"
    bad.write_bytes(units[0].read_bytes()[:4000])
    before = digests(tmp_path)
    with pytest.raises(HuizongError, match="坏.gkb"):
        build_huizong(tmp_path / "部门.gkb", [*units, bad])
    assert digests(tmp_path) == before
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


def test_rerun_names_added_and_replaced_units_when_no_log_leads_to_the_cell(tmp_path: Path) -> None:
    units = three_units(tmp_path)
    out = build_huizong(tmp_path / "部门.gkb", units[:2], name="某部门").path
    units[1].unlink()
    make(units[1], unit_dump("乙单位", "999.00", {}))  # another file under the same name: its log starts afresh
    result = build_huizong(out, units)
    assert result.moves is not None
    kinds = {u.label: u.kind for u in result.moves.units}
    assert kinds == {"乙单位（乙.gkb）": "replaced", "丙单位（丙.gkb）": "added"}
    moved = next(m for m in result.moves.cells if m.change.cell == ("shouzhi_zongbiao", "in_ybgg", "amount"))
    assert (moved.change.old, moved.change.new) == (30050, 109905)
    assert set(moved.sources) == {"乙单位（乙.gkb）（文件已被替换）", "丙单位（丙.gkb）（新加入）"}
