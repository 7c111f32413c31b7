"""Official-layout workbooks "made by hand": written here with openpyxl from a published-figures JSON (the
form of ../shared/seeds), independently of the exporter and in another style: tables stacked in one sheet
(or one per sheet) starting in column C, the label beside the title, blank spacer rows, headers merged or
left blank, 栏次 printed "1.00", amounts as text with thousands separators, in 全角 or as numbers, and
dashes in empty cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FULLWIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@dataclass
class Style:
    one_sheet: bool = True
    left: int = 3  # first column (1-based): C
    merge_headers: bool = True
    amounts: str = "grouped"  # grouped | fullwidth | number | plain
    empty: str = "——"  # what an empty amount cell shows ("" for nothing)
    lanci: bool = True
    split_codes: bool = False  # 功能分类科目编码 printed as 类 | 款 | 项 columns (宁夏)


class _Writer:
    def __init__(self, ws: Worksheet, style: Style, unit_name: str, year: str, money: str) -> None:
        self.ws, self.style = ws, style
        self.unit_name, self.year, self.money = unit_name, year, money
        self.row = 1

    def put(self, col: int, value: Any) -> None:
        if value is not None and value != "":
            self.ws.cell(row=self.row, column=self.style.left + col, value=value)

    def amount(self, col: int, text: str | None, index: int = 0) -> None:
        if text is None:
            self.put(col, self.style.empty or None)
            return
        kind = self.style.amounts
        if not any(ch.isdigit() for ch in text):  # a printed dash stays as printed
            self.put(col, text)
        elif kind == "number" or (kind == "mixed" and index % 2 == 0):
            self.put(col, float(text))
        elif kind == "grouped" or kind == "mixed":
            whole, _, frac = text.partition(".")
            sign = "-" if whole.startswith("-") else ""
            grouped = f"{int(whole.lstrip('-') or 0):,}"
            self.put(col, f"{sign}{grouped}.{frac}" if frac else f"{sign}{grouped}")
        elif kind == "fullwidth":
            self.put(col, text.translate(FULLWIDTH))
        else:
            self.put(col, text)

    def head(self, table: dict, ncols: int) -> None:
        self.put(0, table.get("label_printed") or table.get("label"))
        self.put(2, table["title"])
        self.row += 1
        self.put(0, f"部门名称：{self.unit_name}")
        self.put(max(ncols // 2, 1), f"{self.year}年度")
        self.put(max(ncols - 1, 2), f"金额单位：{self.money}")
        self.row += 2  # a spacer row before the header

    def header(self, paths: list[list[str]]) -> None:
        depth = max(len(p) for p in paths)
        for level in range(depth):
            c = 0
            while c < len(paths):
                path = paths[c]
                if level >= len(path):
                    c += 1
                    continue
                end = c
                while (end + 1 < len(paths) and len(paths[end + 1]) > level
                       and paths[end + 1][: level + 1] == path[: level + 1] and len(path) - 1 > level):
                    end += 1
                self.ws.cell(row=self.row + level, column=self.style.left + c, value=path[level])
                bottom = self.row + (depth - 1 if level == len(path) - 1 else level)
                if self.style.merge_headers and (end > c or bottom > self.row + level):
                    self.ws.merge_cells(start_row=self.row + level, start_column=self.style.left + c,
                                        end_row=bottom, end_column=self.style.left + end)
                c = end + 1
        self.row += depth

    def lanci(self, cells: dict[int, str]) -> None:
        if self.style.lanci:
            for col, text in cells.items():
                self.put(col, text if text == "栏次" else f"{int(float(text))}.00")
            self.row += 1


def _two_sided(w: _Writer, table: dict) -> None:
    spec = table["columns"]
    income, expenditure = spec["收入"], spec["支出"]
    paths = [["收入", "项目"], ["收入", "行次"], *(["收入", c["name"]] for c in income),
             ["支出", "项目"], ["支出", "行次"], *(["支出", c["name"]] for c in expenditure)]
    w.head(table, len(paths))
    w.header(paths)
    split = 2 + len(income)
    w.lanci({0: "栏次", **{2 + i: c["栏次"] for i, c in enumerate(income)},
             split: "栏次", **{split + 2 + i: c["栏次"] for i, c in enumerate(expenditure)}})
    for i, (a, b) in enumerate(zip(table["income_rows"], table["expenditure_rows"], strict=False)):
        for base, row, cols in ((0, a, income), (split, b, expenditure)):
            w.put(base, row.get("label"))
            w.put(base + 1, row.get("行次"))
            for k, c in enumerate(cols):
                w.amount(base + 2 + k, row["values"].get(c["name"]), i + k)
        w.row += 1


def _coded(w: _Writer, table: dict) -> None:
    cols = table["columns"]
    parts = 3 if w.style.split_codes else 1
    codes = [["功能分类科目编码", p] for p in ("类", "款", "项")] if parts == 3 else [["科目编码"]]
    paths = [*codes, ["科目名称"]]
    for c in cols:
        name = c["name"]
        path = name.split("·") if "·" in name else [name]
        paths.append([c["group"], *path] if c.get("group") else path)
    w.head(table, len(paths))
    w.header(paths)
    first = parts + 1
    w.lanci({0: "栏次", **{first + i: c["栏次"] for i, c in enumerate(cols)}})
    total = table.get("total_row")
    if total:
        w.put(0, total.get("label") or "合计")
        for i, c in enumerate(cols):
            w.amount(first + i, total["values"].get(c["name"]), i)
        w.row += 2  # a spacer row after the total
    for n, row in enumerate(table.get("rows") or []):
        code = row["科目编码"]
        if parts == 3:
            for k, (a, b) in enumerate(((0, 3), (3, 5), (5, 7))):
                w.put(k, code[a:b] or None)
        else:
            w.put(0, code)
        w.put(parts, row.get("科目名称"))
        for i, c in enumerate(cols):
            w.amount(first + i, row["values"].get(c["name"]), n + i)
        w.row += 1
    if table.get("no_data_note"):
        w.put(0, table["no_data_note"])
        w.row += 1


def _econ(w: _Writer, table: dict) -> None:
    names = table["block_columns"]
    blocks = table["blocks"]
    paths = [[b["group"], n] for b in blocks for n in names]
    w.head(table, len(paths))
    w.header(paths)
    width = len(names)
    for i in range(max(len(b["rows"]) for b in blocks)):
        for k, block in enumerate(blocks):
            if i < len(block["rows"]):
                row = block["rows"][i]
                w.put(k * width, row["科目编码"])
                w.put(k * width + 1, row.get("科目名称"))
                for j, name in enumerate(names[2:]):
                    w.amount(k * width + 2 + j, row.get(name), i + j)
        w.row += 1
    totals = table["totals"]
    slots = [0, (len(blocks) - 1) * width] + [0] * max(len(totals) - 2, 0)
    for n, (total, base) in enumerate(zip(totals, slots, strict=False)):
        w.put(base, total["label"])
        for j, name in enumerate(names[2:]):
            w.amount(base + 2 + j, total.get(name), j)
        if n != 0 or len(totals) == 1:
            w.row += 1
    w.row += 1


def _single_row(w: _Writer, table: dict) -> None:
    cols = table["columns"]
    paths = [c["name"].split("·") for c in cols]
    w.head(table, len(paths))
    w.header(paths)
    w.lanci({i: c["栏次"] for i, c in enumerate(cols)})
    for row in table.get("rows") or []:
        for i, c in enumerate(cols):
            w.amount(i, row["values"].get(c["name"]), i)
        w.row += 1


def _sections(w: _Writer, table: dict) -> None:
    sections = table["sections"]
    first = sections[0]["columns"]
    w.head(table, len(first))
    w.header([[c] for c in first])
    for section in sections:
        if section["columns"] != first:
            for i, c in enumerate(section["columns"]):
                w.put(i, c)
            w.row += 1
        w.put(0, section["title"])
        w.row += 1
        for row in section["rows"]:
            w.put(0, row["label"])
            w.put(1, row["行次"])
            w.amount(2, row.get("value"))
            w.row += 1


def write_handmade(data: dict, path: Path, style: Style | None = None) -> Path:
    """Write every table of a published-figures JSON as a hand-laid official workbook."""
    style = style or Style()
    doc = data["document"]
    wb = Workbook()
    ws = wb.active
    ws.title = "决算公开表"
    w = _Writer(ws, style, doc.get("unit_name_plain") or doc["unit_name"], str(doc["fiscal_year"]), doc.get("money_unit") or "元")
    for n, table in enumerate(data["tables"]):
        if not style.one_sheet and n:
            w.ws = wb.create_sheet(f"Sheet{n + 1}")
            w.row = 1 + n % 3  # tables start at different rows
        if "income_rows" in table:
            _two_sided(w, table)
        elif "blocks" in table:
            _econ(w, table)
        elif "sections" in table:
            _sections(w, table)
        elif table.get("kind") == "three_public_expenses":
            _single_row(w, table)
        else:
            _coded(w, table)
        if table.get("footnote"):
            w.put(0, table["footnote"])
            w.row += 1
        w.row += 2  # spacer rows between tables
    wb.save(path)
    return path
