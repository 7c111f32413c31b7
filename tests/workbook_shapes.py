"""Workbooks in the shapes clerks really receive, generated here from a published-figures JSON (the seeds'
figures), never by the application's exporter.

Each :class:`Shape` is one real-world habit: a 久其 export (one sheet per table, label line above the title,
``编制单位：``, 类/款/项 printed as 3/2/2 digits with the whole code in a hidden column, a hidden row), a
budget 一体化 export (one sheet, ``预算公开表N`` above each title, ``单位：万元`` at the right, 类/款/项 whole
codes), a web page saved as .xls (GBK, a 目录 list first, ``x:num`` numbers), a WPS Excel 2003 XML
(a 目录 worksheet, a hidden column), PDF-to-Excel pages (tables cut across sheets, pages without a title,
spacer columns), "(续)" sheets, everything on one sheet with the 绩效 forms below (``附件1-N`` lines, a
spacer column), and randomised layouts. The 绩效 forms are laid out as printed (title not in A1, a year
line, caption | value pairs, a funding table with its caption down the left, the indicator table with its
一级 merged down, a group row for 实施期/年度).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from desktop.core.jixiao.loader import all_forms


@dataclass
class Shape:
    """How a workbook is laid out; every switch is a habit seen in real workbooks."""

    name: str
    writer: str = "xlsx"  # xlsx | html | xml2003
    per_sheet: bool = False  # one table per sheet
    codes: str = "whole"  # whole | full_parts (210 | 21011 | 2101101) | short_parts (210 | 11 | 01) | sparse_parts
    hidden_code: bool = False  # the whole code in a hidden column beside the parts
    hidden_row: bool = False  # a hidden row with figures inside a coded table
    label_above: str = "label"  # label: 公开02表 | yusuan: 预算公开表2 | fujian: 附件2 | none
    unit_field: str = "部门名称"
    money_field: str = "金额单位"
    money_right: bool = False  # the money unit alone at the right of the title row
    amounts: str = "number"  # number | grouped | text
    toc: bool = False  # a 目录 listing the titles first
    page_rows: int = 0  # cut tables into pages of this many body rows (PDF-to-Excel)
    page_header: bool = True  # a page repeats the header
    continued: bool = False  # a cut table's next page is titled "…（续）"
    spacer_cols: tuple[int, ...] = ()  # empty columns inserted at these grid positions
    spacer_rows: int = 1
    left: int = 0
    forms: bool = True
    forms_spacer: bool = False  # an empty column between caption and value in the forms
    shuffle_seed: int | None = None  # sheet order shuffled


class Grid:
    """One sheet being laid out: cells, merges, hidden rows and columns."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: dict[tuple[int, int], Any] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden_rows: set[int] = set()
        self.hidden_cols: set[int] = set()
        self.row = 0

    def put(self, r: int, c: int, value: Any, to: tuple[int, int] | None = None) -> None:
        if value is not None and value != "":
            self.cells[(r, c)] = value
        if to is not None and to != (r, c):
            self.merges.append((r, c, to[0], to[1]))


@dataclass
class Amount:
    text: str  # as transcribed


def _cols(spec: list) -> list[list[str]]:
    out = []
    for c in spec:
        name = c["name"]
        path = name.split("·") if "·" in name else [name]
        out.append([c["group"], *path] if c.get("group") else path)
    return out


@dataclass
class Printed:
    """A table as printed: header paths per column, body rows (cells), and where its code columns are."""

    label: str
    title: str
    header: list[list[str]]
    rows: list[list[Any]]
    lanci: list[str | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hidden_cols: set[int] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)  # body row indexes


def _code_cells(code: str, shape: Shape, last: dict[int, str]) -> list[Any]:
    if shape.codes == "whole":
        return [code]
    parts = {3: [code], 5: [code[:3], code], 7: [code[:3], code[:5], code]}[len(code)]
    if shape.codes in ("short_parts", "sparse_parts"):
        parts = [p[-2:] if i else p for i, p in enumerate(parts)]
    cells = parts + [None] * (3 - len(parts))
    if shape.codes == "sparse_parts":  # upper levels printed once, where they change
        for lvl in range(len(parts) - 1):
            if last.get(lvl) == code[: (3, 5)[lvl]]:
                cells[lvl] = None
        for lvl, n in enumerate((3, 5, 7)[: len(parts)]):
            last[lvl] = code[:n]
    return ([code] if shape.hidden_code else []) + cells


def _code_header(shape: Shape, caption: str) -> list[list[str]]:
    if shape.codes == "whole":
        return [[caption]]
    return ([[caption]] if shape.hidden_code else []) + [[caption, p] for p in ("类", "款", "项")]


def printed_table(table: dict, shape: Shape) -> Printed:
    """The printed grid of one transcribed table, in ``shape``."""
    label, title = table.get("label_printed") or table.get("label") or "", table["title"]
    notes = [n for n in (table.get("no_data_note"), table.get("footnote")) if n]
    if "income_rows" in table:
        spec = table["columns"]
        sides = list(spec)
        has_h = any(r.get("行次") for r in table["income_rows"] + table["expenditure_rows"])
        header, lanci = [], []
        for side in sides:
            header += [[side, "项目"]] + ([[side, "行次"]] if has_h else []) + [[side, *p] for p in _cols(spec[side])]
            lanci += ["栏次"] + ([None] if has_h else []) + [c.get("栏次") for c in spec[side]]
        rows = []
        pairs = zip(table["income_rows"], table["expenditure_rows"], strict=False)
        extra = table["expenditure_rows"][len(table["income_rows"]):] if len(table["expenditure_rows"]) > len(
            table["income_rows"]) else []
        for a, b in [*pairs, *((None, b) for b in extra)]:
            row: list[Any] = []
            for side, r in zip(sides, (a, b), strict=True):
                r = r or {"values": {}}
                row += [r.get("label")] + ([r.get("行次")] if has_h else [])
                row += [_amount(r["values"].get(c["name"])) for c in spec[side]]
            rows.append(row)
        return Printed(label, title, header, rows, lanci if any(x and x != "栏次" for x in lanci) else [], notes)
    if "blocks" in table:
        names = table["block_columns"]
        header = [[b["group"], n] for b in table["blocks"] for n in names]
        rows = []
        for i in range(max(len(b["rows"]) for b in table["blocks"])):
            row = []
            for b in table["blocks"]:
                r = b["rows"][i] if i < len(b["rows"]) else {}
                row += [r.get("科目编码"), r.get("科目名称"), *(_amount(r.get(n)) for n in names[2:])]
            rows.append(row)
        width = len(names)
        for t in table["totals"]:
            row = [None] * len(header)
            base = 0 if t["label"].startswith("人员") else (len(table["blocks"]) - 1) * width
            row[base] = t["label"]
            for j, n in enumerate(names[2:]):
                row[base + 2 + j] = _amount(t.get(n))
            rows.append(row)
        return Printed(label, title, header, rows, [], notes)
    if "sections" in table:
        first = table["sections"][0]["columns"]
        rows = []
        for sec in table["sections"]:
            if sec["columns"] != first:
                rows.append(list(sec["columns"]))
            rows.append([sec["title"], None, None])
            rows += [[r["label"], r["行次"], _amount(r.get("value"))] for r in sec["rows"]]
        return Printed(label, title, [[c] for c in first], rows, [], notes)
    if isinstance(table.get("columns"), dict):  # two sides of coded rows (预算 表9): printed side by side
        header = [[side, c["name"]] for side, cols in table["columns"].items() for c in cols]
        return Printed(label, title, header, [], [], notes)
    spec = [c for c in table.get("columns") or [] if c["name"] not in ("项目名称", "单位名称", "部门预算支出经济科目名称",
                                                                         "政府预算支出经济科目名称", "收入科目编码", "科目编码", "科目名称")]
    names = [c["name"] for c in table.get("columns") or []]
    rows_in = table.get("rows") or []
    coded = any(r.get("科目编码") for r in rows_in) or "科目编码" in str(table.get("kind")) or \
        table.get("kind") in ("function_classification",)
    values = [c["name"] for c in spec]
    if "部门预算支出经济科目名称" in names:
        stub = [["部门预算支出经济科目名称"], ["政府预算支出经济科目名称"]]
        body = [[r.get("部门预算支出经济科目名称"), r.get("政府预算支出经济科目名称")] for r in rows_in]
        total = ["合计", None]
    elif coded:
        caption = "收入科目编码" if "收入科目编码" in names else "科目编码"
        stub = [*_code_header(shape, caption), ["科目名称"]]
        last: dict[int, str] = {}
        body = [[*_code_cells(r["科目编码"], shape, last), r.get("科目名称")] for r in rows_in]
        total = ["合计"] + [None] * (len(stub) - 1)
    elif rows_in and any(k in rows_in[0] for k in ("项目名称", "label")) and (names[:1] in (["项目名称"], ["单位名称"]) or
                                                                          table.get("kind") != "three_public_expenses"):
        first = names[0] if names and names[0] in ("项目名称", "单位名称") else "项目"
        stub = [[first]]
        body = [[r.get("项目名称") or r.get("label")] for r in rows_in]
        total = ["合计"]
    else:  # the 决算 三公 table: one data row without a label
        stub, body, total = [], [[] for _ in rows_in], []
    header = [*stub, *_cols(spec)]
    lanci = [None] * len(stub) + [c.get("栏次") for c in spec]
    rows = []
    if table.get("total_row") and total:
        rows.append([*total, *(_amount(table["total_row"]["values"].get(v)) for v in values)])
    for r, cells in zip(rows_in, body, strict=True):
        rows.append([*cells, *(_amount(r["values"].get(v)) for v in values)])
    hidden = {0} if coded and shape.hidden_code and shape.codes != "whole" else set()
    return Printed(label, title, header, rows, lanci if any(lanci) else [], notes, hidden)


def _amount(text: str | None) -> Amount | None:
    return None if text in (None, "") else Amount(str(text))


def _shown(value: Any, shape: Shape) -> Any:
    if not isinstance(value, Amount):
        return value
    text = value.text
    if not any(ch.isdigit() for ch in text):
        return text
    if shape.amounts == "grouped":
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        grouped = f"{int(whole.lstrip('-') or 0):,}"
        return f"{sign}{grouped}.{frac}" if frac else f"{sign}{grouped}"
    if shape.amounts == "number":
        return Decimal(text)
    return text


# -- laying tables out on sheets --------------------------------------------------------------------------
def _label_line(p: Printed, shape: Shape, n: int) -> str | None:
    if shape.label_above == "none" or not p.label:
        return None
    digits = "".join(ch for ch in p.label if ch.isdigit()).lstrip("0") or str(n)
    return {"label": p.label if p.label.endswith("表") else p.label + "表", "yusuan": f"预算公开表{digits}",
            "fujian": f"附件{digits}"}[shape.label_above]


def _place(g: Grid, p: Printed, shape: Shape, meta: dict, n: int, rows: list[list[Any]] | None = None,
           title: str | None = None, header: bool = True) -> None:
    pos = _positions(len(p.header), shape)
    width = pos[-1] + 1 if pos else 1
    left = shape.left
    label = _label_line(p, shape, n) if title is None else None
    if label:
        g.put(g.row, left, label)
        g.row += 1
    g.put(g.row, left, title or p.title, (g.row, left + width - 1))
    if shape.money_right:
        g.put(g.row, left + width + 1, f"单位：{meta['money']}")
    g.row += 1
    if title is None:
        g.put(g.row, left, f"{shape.unit_field}：{meta['unit']}", (g.row, left + max(width // 2 - 1, 0)))
        g.put(g.row, left + max(width // 2, 1), f"{meta['year']}年度")
        if not shape.money_right:
            g.put(g.row, left + max(width - 1, 2), f"{shape.money_field}：{meta['money']}")
        g.row += shape.spacer_rows
    if header:
        _header(g, p, shape)
    _body(g, p, shape, p.rows if rows is None else rows)
    if rows is None or rows[-1:] == p.rows[-1:]:
        for note in p.notes:
            g.put(g.row, left, note)
            g.row += 1
    g.row += shape.spacer_rows


def _header(g: Grid, p: Printed, shape: Shape) -> None:
    ncols, left = len(p.header), shape.left
    pos = _positions(ncols, shape)
    depth = max(len(h) for h in p.header)
    for level in range(depth):
        c = 0
        while c < ncols:
            path = p.header[c]
            if level >= len(path):
                c += 1
                continue
            end = c
            while end + 1 < ncols and len(p.header[end + 1]) > level and \
                    p.header[end + 1][: level + 1] == path[: level + 1] and len(path) - 1 > level:
                end += 1
            bottom = g.row + (depth - 1 if level == len(path) - 1 else level)
            g.put(g.row + level, left + pos[c], path[level], (bottom, left + pos[end]))
            c = end + 1
    g.row += depth
    if p.lanci:
        for c, text in enumerate(p.lanci):
            g.put(g.row, left + pos[c], text)
        g.row += 1


def _body(g: Grid, p: Printed, shape: Shape, rows: list[list[Any]]) -> None:
    left = shape.left
    pos = _positions(len(p.header), shape)
    for c in p.hidden_cols:
        g.hidden_cols.add(left + pos[c])
    for i, row in enumerate(rows):
        stub = len(p.hidden_cols) and row[0] == "合计"  # 合计 merged over the code columns (one of them hidden)
        for c, value in enumerate(row):
            g.put(g.row, left + pos[c], _shown(value, shape), (g.row, left + pos[3]) if stub and c == 0 else None)
        g.row += 1
        if shape.hidden_row and i == 1 and any(isinstance(v, Amount) for v in row):
            g.put(g.row, left, "（隐藏的草稿行）")
            g.put(g.row, left + pos[-1], Decimal("999"))
            g.hidden_rows.add(g.row)
            g.row += 1


def _positions(ncols: int, shape: Shape) -> list[int]:
    out, pos = [], 0
    for c in range(ncols):
        if c in shape.spacer_cols:
            pos += 1
        out.append(pos)
        pos += 1
    return out


def layout(data: dict, shape: Shape) -> list[Grid]:
    """Every table (and form) of a published-figures JSON laid out in ``shape``, as sheets."""
    doc = data["document"]
    meta = {"unit": doc.get("unit_name_plain") or doc["unit_name"], "year": str(doc["fiscal_year"]),
            "money": doc.get("money_unit") or "元"}
    printed = [printed_table(t, shape) for t in data["tables"]]
    sheets: list[Grid] = []
    if shape.toc:
        toc = Grid("目录")
        toc.put(0, 0, "目录")
        for i, p in enumerate(printed, 1):
            toc.put(i, 0, f"{p.label} {p.title}".strip())
            toc.put(i, 1, str(i))
        sheets.append(toc)
    one = Grid("公开表")
    if not shape.per_sheet and not shape.page_rows:
        sheets.append(one)
    for n, p in enumerate(printed, 1):
        if shape.page_rows and len(p.rows) > shape.page_rows:
            pages = [p.rows[i: i + shape.page_rows] for i in range(0, len(p.rows), shape.page_rows)]
            for k, part in enumerate(pages):
                g = Grid(f"第{len(sheets) + 1}页")
                if k == 0:
                    _place(g, p, shape, meta, n, part)
                else:
                    title = f"{p.title}（续）" if shape.continued else ""
                    if title:
                        _place(g, p, shape, meta, n, part, title=title, header=shape.page_header)
                    else:
                        _page_without_title(g, p, shape, part)
                sheets.append(g)
        elif shape.per_sheet or shape.page_rows:
            g = Grid(_sheet_name(p, n, shape))
            g.row = n % 3
            _place(g, p, shape, meta, n)
            sheets.append(g)
        else:
            _place(one, p, shape, meta, n)
    if shape.forms:
        target = one if not shape.per_sheet and not shape.page_rows else None
        for k, form in enumerate(data_forms(data), 1):
            g = target or Grid(f"绩效表{k}")
            place_form(g, form, shape, k)
            if target is None:
                sheets.append(g)
    if shape.shuffle_seed is not None:
        rest = sheets[1:] if shape.toc else sheets
        if not shape.page_rows:
            random.Random(shape.shuffle_seed).shuffle(rest)
        sheets = ([sheets[0]] if shape.toc else []) + rest
    return sheets


def _sheet_name(p: Printed, n: int, shape: Shape) -> str:
    return (p.label or f"表{n}")[:31]


def _page_without_title(g: Grid, p: Printed, shape: Shape, rows: list[list[Any]]) -> None:
    """A PDF page that carries on a table: maybe its header again, then rows; no title."""
    if shape.page_header:
        _header(g, p, shape)
    _body(g, p, shape, rows)
    if rows[-1:] == p.rows[-1:]:
        for note in p.notes:
            g.put(g.row, shape.left, note)
            g.row += 1


# -- 绩效 forms --------------------------------------------------------------------------------------------
def data_forms(data: dict) -> list[tuple[str, str, dict, list]]:
    """The forms of a published-figures JSON, read the way ``gongkai load`` reads them."""
    from desktop.core.jixiao.seeds import convert_forms

    return convert_forms(data).forms


def _text(value: Any, role: str = "") -> str:
    if isinstance(value, Decimal):
        return f"{value}%" if role == "rate" else str(value)
    return str(value)


def place_form(g: Grid, form: tuple[str, str, dict, list], shape: Shape, k: int) -> None:
    """One form as printed: 附件 line, title, year line, caption | value pairs, funding, objectives and
    texts, the indicator table, 总分, footer."""
    key, title, fields, rows = form
    fdef = all_forms()[key]
    L = shape.left
    gap = 1 if shape.forms_spacer else 0
    g.row += 1
    g.put(g.row, L, f"附件1-{k}")
    g.row += 1
    printed_title = fdef.file.title if fdef.kind == "target" and title.endswith(fdef.file.title) else title
    g.put(g.row, L, printed_title, (g.row, L + 7 + gap))
    g.row += 1
    width = 2 + max(len(fdef.funding.columns), len(fdef.columns))

    def pair(label: str, value: Any) -> None:
        g.put(g.row, L, label, (g.row, L + 1))
        g.put(g.row, L + 2 + gap, _text(value), (g.row, L + width + gap - 1))
        g.row += 1

    for _, f in fdef.text_fields():
        if f.label == "年度" and f"t.{f.key}" in fields:
            g.put(g.row, L + 2, fields[f"t.{f.key}"])
            g.row += 1
    for f in fdef.file.header:
        if f.label != "年度" and f"t.{f.key}" in fields:
            pair(f.label, fields[f"t.{f.key}"])
    fund = fdef.funding
    top = g.row
    two = any(len(c.header) > 1 for c in fund.columns)
    g.put(g.row, L + 1, "项目", (g.row + (1 if two else 0), L + 1 + gap))
    c = L + 2 + gap
    groups: dict[str, int] = {}
    for col in fund.columns:
        if len(col.header) > 1:
            if col.header[0] not in groups:
                span = sum(1 for x in fund.columns if x.header[0] == col.header[0])
                g.put(g.row, c, col.header[0], (g.row, c + span - 1))
                groups[col.header[0]] = c
            g.put(g.row + 1, c, col.header[-1])
        else:
            g.put(g.row, c, col.header[-1], (g.row + (1 if two else 0), c))
        c += 1
    g.row += 2 if two else 1
    for frow in fund.rows:
        g.put(g.row, L + 1, frow.label, (g.row, L + 1 + gap))
        for i, col in enumerate(fund.columns):
            value = fields.get(f"f.{frow.key}.{col.key}")
            if value is not None:
                g.put(g.row, L + 2 + gap + i, _text(value, col.role))
        g.row += 1
    g.put(top, L, fund.caption, (g.row - 1, L))
    for group in (fdef.file.objectives, fdef.file.texts):
        if group is None:
            continue
        present = [f for f in group.fields if f"t.{f.key}" in fields]
        if len(present) == 2 and fdef.kind == "target":  # captions on one row, the texts below
            g.put(g.row, L, group.caption, (g.row + 1, L))
            g.put(g.row, L + 1, present[0].label)
            g.put(g.row, L + 4, present[1].label)
            g.put(g.row + 1, L + 1, fields[f"t.{present[0].key}"])
            g.put(g.row + 1, L + 4, fields[f"t.{present[1].key}"])
            g.row += 2
            continue
        for f in present:
            pair(f.label, fields[f"t.{f.key}"])
    grouped = any(len(col.header) > 1 for col in fdef.columns)
    if grouped:
        c = L + 2
        seen: dict[str, int] = {}
        for col in fdef.columns:
            if col.header[0] not in seen:
                seen[col.header[0]] = c
                span = sum(1 for x in fdef.columns if x.header[0] == col.header[0])
                g.put(g.row, c, f"{col.header[0]}绩效指标", (g.row, c + span - 1 + (1 if seen and len(seen) > 1 else 0)))
            c += 1
        g.row += 1
    g.put(g.row, L, "一级指标")
    g.put(g.row, L + 1, "二级指标")
    for i, col in enumerate(fdef.columns):
        g.put(g.row, L + 2 + i, col.header[-1])
    g.row += 1
    weights = {n.key: fields.get(f"w.{n.key}") for n in fdef.tree}
    for node in fdef.tree:
        start = g.row
        for child in node.children:
            mine = [cells for level2, cells in rows if level2 == child.key] or [{}]
            top2 = g.row
            for cells in mine:
                for i, col in enumerate(fdef.columns):
                    if col.key in cells:
                        g.put(g.row, L + 2 + i, _text(cells[col.key]))
                g.row += 1
            g.put(top2, L + 1, fdef.level2_label(child.key), (g.row - 1, L + 1))
        w = weights.get(node.key)
        g.put(start, L, f"{node.label}({w})" if w is not None else node.label, (g.row - 1, L))
    if "total.weight" in fields or "total.score" in fields or "grade" in fields:
        g.put(g.row, L, fdef.file.total.label if fdef.file.total else "总分", (g.row, L + 1))
        for i, col in enumerate(fdef.columns):
            if col.role == "weight" and "total.weight" in fields:
                g.put(g.row, L + 2 + i, _text(fields["total.weight"]))
            if col.role == "score" and "total.score" in fields:
                g.put(g.row, L + 2 + i, _text(fields["total.score"]))
            elif col.role == "score" and "grade" in fields and "total.score" not in fields:
                g.put(g.row, L + 2 + i, fields["grade"])
        g.row += 1
        if "grade" in fields and "total.score" in fields:
            pair("自评等级", fields["grade"])
    for f in fdef.file.footer:
        if f"t.{f.key}" in fields:
            pair(f.label, fields[f"t.{f.key}"])
    g.row += 1


# -- writers -----------------------------------------------------------------------------------------------
def write(sheets: list[Grid], path: Path, shape: Shape) -> Path:
    {"xlsx": _xlsx, "html": _html, "xml2003": _xml2003}[shape.writer](sheets, path)
    return path


def _xlsx(sheets: list[Grid], path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for g in sheets:
        ws = wb.create_sheet(g.name)
        for (r, c), value in g.cells.items():
            cell = ws.cell(row=r + 1, column=c + 1, value=float(value) if isinstance(value, Decimal) else value)
            if isinstance(value, Decimal):
                places = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
                cell.number_format = "0." + "0" * places if places else "0"
            elif isinstance(value, str):
                cell.data_type = "s"
        for r1, c1, r2, c2 in g.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for r in g.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        from openpyxl.utils import get_column_letter

        for c in g.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
    wb.save(path)


def _html(sheets: list[Grid], path: Path) -> None:
    """A web system's "Excel" download: one page, a 目录 list as text, each sheet's grid as a table (GBK)."""
    out = ['<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>'
           '<meta http-equiv="Content-Type" content="text/html; charset=gbk"><style>td{border:1px}</style></head><body>']
    for g in sheets:
        if g.name == "目录":
            out += [f"<p>{html.escape(str(v))}</p>" for (_r, c), v in sorted(g.cells.items()) if c == 0]
            continue
        covered = {(r, c) for r1, c1, r2, c2 in g.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
                   if (r, c) != (r1, c1)}
        spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in g.merges}
        nrows = max((r for r, _ in g.cells), default=-1) + 1
        ncols = max((c for _, c in g.cells), default=-1) + 1
        out.append("<table border=1>")
        for r in range(nrows):
            style = ' style="display:none"' if r in g.hidden_rows else ""
            out.append(f"<tr{style}>")
            for c in range(ncols):
                if (r, c) in covered:
                    continue
                value = g.cells.get((r, c))
                rs, cs = spans.get((r, c), (1, 1))
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                if c in g.hidden_cols and cs == 1:  # a title spanning the hidden column stays shown
                    attrs += ' style="display:none"'
                if isinstance(value, Decimal):
                    attrs += f' x:num="{value}"'
                    value = f"{value:,}"
                out.append(f"<td{attrs}>{html.escape(str(value)) if value is not None else ''}</td>")
            out.append("</tr>")
        out.append("</table><br>")
    out.append("</body></html>")
    path.write_bytes("\n".join(out).encode("gb18030"))


def _xml2003(sheets: list[Grid], path: Path) -> None:
    """A WPS / web system Excel 2003 XML workbook."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">']
    for g in sheets:
        out.append(f'<Worksheet ss:Name="{html.escape(g.name)}"><Table>')
        for c in sorted(g.hidden_cols):
            out.append(f'<Column ss:Index="{c + 1}" ss:Hidden="1"/>')
        spans = {(r1, c1): (r2 - r1, c2 - c1) for r1, c1, r2, c2 in g.merges}
        rows: dict[int, list[int]] = {}
        for r, c in sorted(set(g.cells) | set(spans)):
            rows.setdefault(r, []).append(c)
        for r, cols in sorted(rows.items()):
            hidden = ' ss:Hidden="1"' if r in g.hidden_rows else ""
            out.append(f'<Row ss:Index="{r + 1}"{hidden}>')
            for c in cols:
                value = g.cells.get((r, c))
                down, across = spans.get((r, c), (0, 0))
                attrs = f' ss:Index="{c + 1}"' + (f' ss:MergeAcross="{across}"' if across else "") + \
                    (f' ss:MergeDown="{down}"' if down else "")
                if value is None:
                    out.append(f"<Cell{attrs}/>")
                elif isinstance(value, Decimal):
                    out.append(f'<Cell{attrs}><Data ss:Type="Number">{value}</Data></Cell>')
                else:
                    out.append(f'<Cell{attrs}><Data ss:Type="String">{html.escape(str(value))}</Data></Cell>')
            out.append("</Row>")
        out.append("</Table></Worksheet>")
    out.append("</Workbook>")
    path.write_text("\n".join(out), encoding="utf-8")


SHAPES = [
    Shape("久其导出", per_sheet=True, codes="short_parts", hidden_code=True, hidden_row=True, unit_field="编制单位",
          money_field="单位"),
    Shape("一体化导出", codes="full_parts", label_above="yusuan", money_right=True, amounts="grouped"),
    Shape("网页另存xls", writer="html", toc=True, unit_field="编制部门", amounts="number", label_above="none"),
    Shape("WPS-XML2003", writer="xml2003", per_sheet=True, toc=True, codes="sparse_parts", unit_field="单位名称"),
    Shape("PDF转Excel", page_rows=14, page_header=False, spacer_cols=(1, 3), amounts="text", label_above="none"),
    Shape("续表", page_rows=20, continued=True, codes="short_parts", amounts="grouped"),
    Shape("一张表含绩效表", left=1, forms_spacer=True, label_above="fujian", spacer_rows=2),
    Shape("页眉重复的PDF页", writer="xml2003", page_rows=25, page_header=True, amounts="number", shuffle_seed=None),
]


def write_shape(data: dict, path: Path, shape: Shape) -> Path:
    """``data`` (a published-figures JSON) written to ``path`` in ``shape``."""
    return write(layout(data, shape), path, shape)
