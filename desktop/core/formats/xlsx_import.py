"""Import the workbooks clerks really have (.xlsx, .xls, web pages and Excel 2003 XML saved as .xls).

:mod:`.workbook_reader` reads the cells safely (hidden rows, columns and sheets are skipped and reported);
:mod:`.sheet_header` finds each table (by title or label, anywhere in any sheet, a 目录 line without a
header below it losing to the table itself) and maps its columns; :mod:`.sheet_table` reads each table's
rows and joins its continuations on later sheets. The 绩效 forms found anywhere in the workbook are read by
:mod:`.forms_reader`. The template set is the one that fits best, or the one forced. The result is a dump,
loaded the same way as ``gongkai load``, with the forms; the report lists every cell not placed, every
formula cell, every hidden row/column skipped and every sheet not recognised, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..definitions import TemplateSet, all_sets
from ..document import Document
from ..i18n import tr
from .dump import FORMAT, FORMAT_VERSION, load_dump
from .published import Conversion, Unplaced, title_score
from .sheet_header import Anchor, SheetView, find_tables
from .sheet_table import TableReader, TableResult, most_common
from .workbook_reader import Limits, WorkbookError, read_workbook

META_SHEET = "_gongkai"  # our forms export's hidden list of shapes


def _convert(views: Sequence[SheetView], tset: TemplateSet, form_rows: dict[str, list[int]],
             anchors: list[Anchor] | None = None) -> TableResult:
    """The tables of ``tset`` in the sheets (``anchors``: where :func:`find_tables` found them, if known);
    ``form_rows`` are the first rows of the 绩效 forms, which end a table's region like the next table does."""
    out = TableResult()
    anchors = find_tables(views, tset) if anchors is None else anchors
    readers: list[TableReader] = []

    def region_end(s: int, after: int) -> int:
        stops = [a.top for a in anchors if a.sheet == s and a.top > after]
        stops += [r for r in form_rows.get(views[s].sheet.name, []) if r > after]
        return min(stops, default=views[s].sheet.nrows) - 1

    for anchor in anchors:
        reader = TableReader(views[anchor.sheet], anchor, region_end(anchor.sheet, anchor.row), out, tset.info.year)
        reader.run()
        readers.append(reader)
    for s, view in enumerate(views):
        if not view.sheet.cells:
            continue
        mine = [a for a in anchors if a.sheet == s]
        forms = form_rows.get(view.sheet.name, [])
        before = [(a, rd) for a, rd in zip(anchors, readers, strict=True) if a.sheet < s]
        start = min((r for r, _ in view.sheet.cells), default=0)
        end = region_end(s, start - 1) if start not in forms else start - 1
        joined = bool(before) and start <= end and before[-1][1].continue_on(view, start, end)
        if not mine and not forms and not joined:
            listed = sum(1 for cell in view.sheet.cells.values() if not cell.number and "表" in cell.text
                         and len(cell.text) <= 80 and any(title_score(cell.text, t) >= 0.8 for t in tset.tables))
            why = tr("是目录：列出 {listed} 个表名，没有表格内容", listed=listed) if listed >= 2 else tr("未找到 {name} 中的任何表", name=tset.name)
            out.unmatched.append(tr("工作表“{name}”（{why}）", name=view.sheet.name, why=why))
    for reader in readers:
        reader.finish()
    return out


def convert_workbook(path: Path, set_id: str | None = None, limits: Limits | None = None) -> Conversion:
    """Read a workbook and convert it for the best-fitting template set (or ``set_id``)."""
    sheets = read_workbook(Path(path), limits)
    shown = [s for s in sheets if not s.hidden]
    views = [SheetView(s) for s in shown]
    from .forms_reader import read_forms

    forms, form_sheets = read_forms(sheets)
    sets = all_sets()
    if set_id is not None:
        if set_id not in sets:
            raise WorkbookError(tr("没有名为 {set_id} 的模板（可用：{sets}）", set_id=set_id, sets='、'.join(sorted(sets))))
        candidates = [sets[set_id]]
    else:
        candidates = list(sets.values())
    found = {tset.id: find_tables(views, tset) for tset in candidates}  # titles only: cheap
    most = max((len({a.table.key for a in anchors}) for anchors in found.values()), default=0)
    results = []
    for tset in candidates:
        if len(candidates) > 1 and 2 * len({a.table.key for a in found[tset.id]}) < most:
            continue  # finds under half the tables the best set finds by title: cannot win, not converted
        res = _convert(views, tset, form_sheets, found[tset.id])
        year = most_common(res.years)
        distance = abs(tset.info.year - int(year)) if year.isdigit() else 0
        results.append((res.score(tset) - 0.01 * distance, tset, res))
    results.sort(key=lambda x: -x[0])
    best, tset, res = results[0]
    notes = [n for s in sheets for n in s.formula_notes]
    told = " ".join(u.reason for u in res.unplaced)  # a formula caption is reported by its table already
    res.unplaced += [Unplaced(tr("工作表“{sheet}”", sheet=n.sheet), tr("单元格 {address}", address=n.address), tr("公式"), n.formula, n.message)
                     for n in notes if not n.used and f"{n.sheet}!{n.address}）" not in told]
    if not res.tables_found:
        also = (tr("（找到 {forms_count} 张绩效表：请先用 gongkai new 新建文档，再用 gongkai forms 文档 --import "
                "工作簿 读入）", forms_count=len(forms.forms))) if forms.forms else ""
        raise WorkbookError(tr("在“{name}”中没有找到任何公开表（按表名或表号查找），未创建文档{also}。", name=Path(path).name, also=also))
    unit = most_common(res.money_units) or tset.info.money_unit
    if set_id is not None:
        reason = tr("按指定使用模板 {id}", id=tset.id)
    else:
        second = results[1] if len(results) > 1 and results[1][0] > float("-inf") else None
        runner = tr("；次优 {id}（{second:.1f} 分）", id=second[1].id, second=second[0]) if second else ""
        reason = (tr("自动选择模板 {id}（{name}）：找到 {tables} 张表，"
                  "{unplaced} 个数值未能放入，得分 {score:.1f}{runner}", id=tset.id, name=tset.name, tables=len(res.tables_found), unplaced=len(res.unplaced), score=best, runner=runner))
    if len(set(res.money_units)) > 1:
        reason += tr("；注意：各表的金额单位不一致（{set}），按 {unit} 读取，未换算", set='、'.join(sorted(set(res.money_units))), unit=unit)
    meta = {"unit_name": most_common(res.unit_names), "year": most_common(res.years) or str(tset.info.year),
            "money_unit": unit, "source": Path(path).name}
    tables: dict[str, Any] = {}
    for table in tset.tables:
        entry: dict[str, Any] = {}
        if table.floating_block is not None:
            entry["floating_rows"] = [[c, n] for c, n in sorted(res.floating.get(table.key, {}).items())]
        entry["values"] = res.values.get(table.key, {})
        tables[table.key] = entry
    dump = {"format": FORMAT, "format_version": FORMAT_VERSION, "set": tset.id,
            "meta": {k: v for k, v in meta.items() if v}, "tables": tables, "explanations": {}}
    matched = {a.table.title: a.table.key for a in res.tables_found.values()}
    skipped = [tr("工作表“{name}”是隐藏的工作表，未读入", name=s.name) for s in sheets if s.hidden and s.name != META_SHEET
               and s.cells] + [item for s in sheets if not s.hidden for item in s.skipped]
    return Conversion(dump, tset.id, reason, matched, res.unmatched, res.unplaced, [n for n in notes if n.used],
                      skipped, res.continued, forms)


def import_workbook(path: Path, target: Path, set_id: str | None = None, *, who: str = "",
                    limits: Limits | None = None) -> tuple[Document, Conversion]:
    """Create a document at ``target`` from a workbook; nothing is created if the workbook is refused."""
    conversion = convert_workbook(path, set_id, limits)
    forms = conversion.forms if conversion.forms is not None and conversion.forms.forms else None
    return load_dump(conversion.dump, target, who=who, extra_forms=forms), conversion
