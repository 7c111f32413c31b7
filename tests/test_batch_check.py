"""``gongkai check --batch``: a folder of received files, one row each, bad files listed with the reason,
nothing in the folder written, the report written atomically and escaped."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
from pathlib import Path

import hostile
import pytest
from hostile.harness import INTERNAL, Kind, run_cli, snapshot
from huizong_units import make, three_units, unit_dump

from desktop.core.demo import build_demo
from desktop.core.huizong.batch import run_batch

HOSTILE = "<script>alert('x')</script>&"
FORMULA = "=HYPERLINK(\"http://example.com\",\"点我\")"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good (the demo), erroneous (乙, and the sparse 甲/丙), corrupt, a FIFO and other files."""
    folder = tmp_path / "收件"
    folder.mkdir()
    three_units(folder)
    build_demo(folder / "示例.gkb")
    make(folder / "怪名.gkb", unit_dump(HOSTILE + FORMULA, "1.00", {}))
    (folder / "截断.gkb").write_bytes((folder / "乙.gkb").read_bytes()[:3000])
    (folder / "空.gkb").write_bytes(b"")
    os.mkfifo(folder / "管道.gkb")
    os.mkfifo(folder / "另一个管道")
    (folder / "说明.txt").write_text("不是文档", encoding="utf-8")
    (folder / "子文件夹").mkdir()
    return folder


def test_every_file_gets_a_row_and_bad_ones_their_reason(folder: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(folder)
    report = tmp_path / "报告.html"
    code = run_cli(["check", "--batch", str(folder), "--report", str(report), "--json"])
    assert code.code == 1 and INTERNAL not in code.err and "Traceback" not in code.err
    assert "审核 " in code.err  # progress on stderr
    data = json.loads(code.out)
    rows = {r["name"]: r for r in data["files"]}
    assert set(rows) == {"甲.gkb", "乙.gkb", "丙.gkb", "示例.gkb", "怪名.gkb", "截断.gkb", "空.gkb", "管道.gkb",
                         "另一个管道", "说明.txt"}
    assert rows["示例.gkb"]["verdict"] == "通过" and rows["示例.gkb"]["errors"] == 0
    assert rows["示例.gkb"]["unit_name"] == "柳林县医疗保障局" and rows["示例.gkb"]["review"] == "未开始审核"
    assert rows["乙.gkb"]["verdict"] == "有错误" and rows["乙.gkb"]["errors"] > 0 and rows["乙.gkb"]["details"]
    assert rows["乙.gkb"]["set_name"].startswith("山西 2022")
    assert rows["截断.gkb"]["status"] == "bad" and "不完整" in rows["截断.gkb"]["reason"]
    assert rows["空.gkb"]["status"] == "bad" and "空的" in rows["空.gkb"]["reason"]
    assert rows["管道.gkb"]["status"] == "bad" and "命名管道" in rows["管道.gkb"]["reason"]
    assert rows["说明.txt"]["status"] == "skipped" and "不是 .gkb" in rows["说明.txt"]["reason"]
    assert rows["另一个管道"]["status"] == "skipped" and "不是普通文件" in rows["另一个管道"]["reason"]
    assert data["totals"] == {"files": 10, "checked": 5, "with_errors": 4, "warnings_only": 0, "passed": 1,
                              "bad": 3, "skipped": 2}
    # nothing in the folder was written: no lock, no journal, no byte changed
    assert snapshot(folder) == before
    # the report: escaped, complete, and no temporary file left beside it
    page = report.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp;" in page
    assert "截断.gkb" in page and "命名管道" in page and "<details>" in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.html", "收件"]


def test_the_workbook_report_keeps_file_text_as_text(folder: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    report = tmp_path / "报告.xlsx"
    assert run_cli(["check", "--batch", str(folder), "--report", str(report)]).code == 1
    wb = load_workbook(report)
    sheet = wb["批量审核"]
    names = [row[1].value for row in sheet.iter_rows(min_row=4)]
    odd = next(row[1] for row in sheet.iter_rows(min_row=4) if row[0].value == "怪名.gkb")
    assert odd.data_type == "s" and odd.value == HOSTILE + FORMULA, names
    assert wb["审核结果明细"].max_row > 1


def test_a_report_that_cannot_be_written_changes_nothing(folder: Path, tmp_path: Path) -> None:
    existing = tmp_path / "报告.html"
    existing.write_text("旧报告", encoding="utf-8")
    result = run_cli(["check", "--batch", str(folder), "--report", str(tmp_path / "没有这个文件夹" / "r.html")])
    assert result.code == 2 and "不存在" in result.err
    result = run_cli(["check", "--batch", str(folder), "--report", str(tmp_path / "r.pdf")])
    assert result.code == 2 and ".xlsx 或 .html" in result.err
    assert run_cli(["check", "--batch", str(tmp_path / "没有")]).code == 2
    assert existing.read_text(encoding="utf-8") == "旧报告"


def test_many_files_are_checked_by_worker_processes_in_name_order(tmp_path: Path) -> None:
    source = three_units(tmp_path)[1]
    folder = tmp_path / "许多"
    folder.mkdir()
    for n in range(20):
        shutil.copy(source, folder / f"{n:02d}.gkb")
    seen: list[int] = []
    rows = run_batch(folder, workers=2, progress=lambda done, total, row: seen.append(done))
    assert [r.name for r in rows] == [f"{n:02d}.gkb" for n in range(20)]
    assert seen == list(range(1, 21))
    assert len({(r.errors, r.warnings, tuple(r.details)) for r in rows}) == 1 and rows[0].errors > 0


def _kinds() -> list[Kind]:
    kinds: list[Kind] = []
    for info in pkgutil.iter_modules(hostile.__path__):
        if info.name.startswith("kinds_"):
            kinds += [k for k in importlib.import_module(f"hostile.{info.name}").KINDS
                      if k.category in ("gkb", "special", "lock")]
    return kinds


@pytest.mark.parametrize("kind", _kinds(), ids=lambda k: k.name)
def test_hostile_files_are_rows_or_refusals_never_writes(kind: Kind, tmp_path: Path) -> None:
    """Every hostile document of the corpus in a batch and as a 汇总 input: handled, folder untouched."""
    case = tmp_path / "case"
    case.mkdir()
    source = kind.build(case)
    if case not in Path(os.path.abspath(source)).parents:
        pytest.skip("input outside the folder (e.g. /dev/zero itself)")
    before = snapshot(case)
    batch = run_cli(["check", "--batch", str(case)])
    assert batch.code in (0, 1), batch.err
    assert INTERNAL not in batch.err + batch.out and "Traceback" not in batch.err + batch.out
    assert snapshot(case) == before
    good = three_units(tmp_path)[0]
    out = tmp_path / "汇总.gkb"
    merged = run_cli(["huizong", str(out), str(good), str(source)])
    assert merged.code in (0, 2) and INTERNAL not in merged.err and "Traceback" not in merged.err
    if merged.code == 2:
        assert "\n错误：" in "\n" + merged.err and not out.exists()
    assert snapshot(case) == before
