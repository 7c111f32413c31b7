"""Find and read every 绩效 form in a workbook, wherever it sits, in any of the printed shapes.

A form starts at its printed title (the title of a form definition or one of its aliases, alone on its row;
an ``附件1-3`` line above it belongs to it) and runs to the next form's title or the end of the sheet, so
forms may be stacked on one sheet or come one per sheet, beside the 公开表 or not. The definition is chosen
among those whose title matches by how many of its captions the region prints (D, E and F share a title).
Inside a form everything is found by caption, never by cell address: a header field is the cell after its
caption (or the text after ``caption：`` in one cell, or the cell below when a row holds only captions);
the funding and indicator tables are mapped by their header rows (one or two rows, a group caption above
such as 实施期/年度), so spacer columns and merged cells do not matter. Printed figures are kept as printed
(a rate that disagrees with its amounts is a finding, as in the published-figures route).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from ..i18n import tr
from ..jixiao.book import FormEditError, parse_field, parse_indicator
from ..jixiao.definition import FormDef
from ..jixiao.form import Value
from ..jixiao.loader import all_forms
from ..jixiao.seeds import FormConversion
from ..jixiao.values import norm, round_to
from .sheet_header import SheetView
from .sheet_meta import is_label_line
from .workbook_reader import Cell, Sheet

META_SHEET = "_gongkai"
_WEIGHT = re.compile(r"^(?P<label>.*?)[(（](?P<w>\d+(?:\.\d+)?)分?[)）]$")
_YEAR_LINE = re.compile(r"^[（(]\s*\d{4}\s*[)）]?\s*年度?\s*[)）]?$|^\d{4}\s*年度$")
_PREFIX = re.compile(r"^(附件|附表)\s*[0-9０-９\-－—.．]*\s*[：:、]?\s*")


def cell_text(cell: Cell | None) -> str:
    """A cell as text; a number back to the decimals its format shows (70.6 shown as 0.00 is "70.60")."""
    if cell is None:
        return ""
    if not cell.number:
        return cell.text.strip()
    try:
        value = Decimal(cell.text)
        m = re.fullmatch(r"0(?:\.(0+))?", cell.number_format or "")
        if m:
            value = round_to(value, len(m.group(1) or ""))
        elif value == value.to_integral_value() and "." in cell.text:
            value = value.quantize(Decimal(1))
        return format(value, "f")
    except ArithmeticError:
        return cell.text.strip()


def _names(label: str, aliases: Iterable[str] = ()) -> set[str]:
    return {norm(label), *(norm(a) for a in aliases)} - {""}


def _title_defs(text: str, defs: dict[str, FormDef]) -> list[FormDef]:
    t = norm(_PREFIX.sub("", text))
    if not t or len(t) > 60:
        return []
    return [f for f in defs.values() if any(n and (t.endswith(n) or n in t) for n in _names(f.file.title, f.file.title_aliases))]


def _captions(fdef: FormDef) -> set[str]:
    out: set[str] = {norm(fdef.funding.caption)}
    for _, f in fdef.text_fields():
        out |= _names(f.label, f.aliases)
    for col in fdef.funding.columns:
        out |= _names(col.header[-1], col.aliases)
    for row in fdef.funding.rows:
        out |= _names(row.label, row.aliases)
    for col in fdef.columns:
        out |= _names(col.header[-1], col.aliases)
    return out


class _Region:
    """One form's rows of a sheet."""

    def __init__(self, view: SheetView, top: int, title_row: int, end: int, fdef: FormDef, title: str,
                 problems: list[str]) -> None:
        self.view, self.top, self.title_row, self.end, self.fdef = view, top, title_row, end, fdef
        self.title, self.problems = title, problems
        self.fields: dict[str, Value] = {}
        self.rows: list[tuple[str, dict[str, Value]]] = []
        self.done: set[int] = set()  # rows read as funding or indicator rows
        labels: dict[str, str] = {}
        for _, f in fdef.text_fields():
            for n in _names(f.label, f.aliases):
                labels.setdefault(n, f"t.{f.key}")
        labels.setdefault(norm("自评等级"), "grade")
        self.labels = labels
        groups = [fdef.file.objectives, fdef.file.texts]
        self.captions = {norm(g.caption) for g in groups if g is not None} - set(labels)  # a group's caption

    def items(self, r: int) -> list[tuple[int, str]]:
        return [(c, t) for c in self.view.row_cols(r) if (t := cell_text(self.view.cell(r, c)))]

    def owner_text(self, r: int, c: int) -> str:
        pos = self.view.owner.get((r, c), (r, c))
        return cell_text(self.view.cell(*pos))

    def put(self, key: str, text: str) -> None:
        try:
            value = parse_field(self.fdef, key, text)
        except FormEditError as exc:
            self.problems.append(f"{self.title}：{exc}")
            return
        if value is not None and key not in self.fields:
            self.fields[key] = value

    def read(self) -> tuple[str, str, dict[str, Value], list[tuple[str, dict[str, Value]]]]:
        ind = self._indicators()
        self._funding(ind if ind is not None else self.end + 1)
        self._fields()
        return self.fdef.key, self.title, self.fields, self.rows

    # header fields, objectives, texts, footer, grade
    def _fields(self) -> None:
        year_key = next((f"t.{f.key}" for _, f in self.fdef.text_fields() if f.label == "年度"), None)
        for r in range(self.title_row + 1, self.end + 1):
            if r in self.done:
                continue
            items = [(c, t) for c, t in self.items(r) if norm(t) not in self.captions]
            if year_key and len(items) == 1 and _YEAR_LINE.match(items[0][1].replace(" ", "")):
                self.put(year_key, items[0][1])
                continue
            keys = [self._label(t) for _, t in items]
            if len(items) >= 2 and all(keys) and r + 1 <= self.end:  # captions on one row, values below
                below = dict(self.items(r + 1))
                if below and not any(self._label(t) for t in below.values()):
                    for (c, _), key in zip(items, keys, strict=True):
                        if below.get(c):
                            self.put(key, below[c])  # type: ignore[arg-type]
                    self.done.add(r + 1)
                    continue
            i = 0
            while i < len(items):
                c, text = items[i]
                key = self._label(text)
                m = re.match(r"^([^：:]{1,20})[：:]\s*(.+)$", text)
                if key is None and m and self._label(m.group(1)):
                    self.put(self._label(m.group(1)), m.group(2).strip())  # type: ignore[arg-type]
                elif key is not None and i + 1 < len(items) and self._label(items[i + 1][1]) is None:
                    self.put(key, items[i + 1][1])
                    i += 1
                i += 1

    def _label(self, text: str) -> str | None:
        return self.labels.get(norm(text))

    # funding
    def _funding(self, stop: int) -> None:
        fund = self.fdef.funding
        row_names = [(row, _names(row.label, row.aliases)) for row in fund.rows]
        for h in range(self.title_row + 1, stop):
            if not self._is_subheader(h, fund.columns):
                continue
            cols = self._map_columns(h, fund.columns, stop)
            if len(cols) < 2:
                continue
            for r in range(h + 1, stop):
                found = next((row for _, t in self.items(r) for row, names in row_names if norm(t) in names), None)
                if found is None:
                    continue
                self.done.add(r)
                for col, c in cols:
                    text = cell_text(self.view.cell(r, c))
                    if text:
                        self.put(f"f.{found.key}.{col.key}", text)
            self.done.add(h)
            return

    def _map_columns(self, h: int, defs: list, stop: int) -> list[tuple]:
        """Funding or indicator columns (definition column -> sheet column) from a header at row ``h`` (with
        the row below when it continues the header, and a group row above for two-level captions)."""
        span = sorted({c for r in (h - 1, h, h + 1) for c in self.view.row_cols(r)} |
                      {c for (r, c) in self.view.owner if h - 1 <= r <= h + 1})
        below = h + 1 if h + 1 < stop and self._is_subheader(h + 1, defs) else None
        above = h - 1 if h - 1 > self.title_row and self._is_group_row(h - 1, defs) else None
        paths = {}
        for c in span:
            path = [t for r in (above, h, below) if r is not None and (t := self.owner_text(r, c))]
            dedup = [t for i, t in enumerate(path) if not i or norm(t) != norm(path[i - 1])]
            if dedup:
                paths[c] = dedup
        out: list[tuple] = []
        taken: set[int] = set()
        for col in defs:
            whole = norm("".join(col.header))
            names = _names(col.header[-1], col.aliases) | {whole}
            group = norm(col.header[0]) if len(col.header) > 1 else ""
            for c, path in paths.items():
                if c in taken:
                    continue
                joined, last = norm("".join(path)), norm(path[-1])
                if joined == whole or (last in names and (not group or any(group in norm(p) for p in path[:-1]))):
                    out.append((col, c))
                    taken.add(c)
                    break
        return out

    def _is_subheader(self, r: int, defs: list) -> bool:
        lasts = {n for col in defs for n in _names(col.header[-1], col.aliases)}
        texts = [norm(t) for _, t in self.items(r)]
        return bool(texts) and any(t in lasts for t in texts) and not any(
            t in _names(row.label, row.aliases) for row in self.fdef.funding.rows for t in texts)

    def _is_group_row(self, r: int, defs: list) -> bool:
        groups = {norm(col.header[0]) for col in defs if len(col.header) > 1}
        texts = [norm(t) for _, t in self.items(r)]
        return bool(texts) and bool(groups) and all(any(g in t for g in groups) for t in texts)

    # indicators
    def _indicators(self) -> int | None:
        for h in range(self.title_row + 1, self.end + 1):
            texts = {norm(t): c for c, t in self.items(h)}
            if norm("一级指标") in texts and norm("二级指标") in texts:
                break
        else:
            return None
        c1, c2 = texts[norm("一级指标")], texts[norm("二级指标")]
        top = h - 1 if h - 1 > self.title_row and self._is_group_row(h - 1, self.fdef.columns) else h
        cols = self._map_columns(h, self.fdef.columns, self.end + 1)
        first = h + (2 if self._is_subheader(h + 1, self.fdef.columns) else 1)
        self.done.update(range(top, first))
        total = _names(self.fdef.file.total.label if self.fdef.file.total else "总分")
        grades = {g.grade for g in self.fdef.scoring.grades}
        level1 = None
        for r in range(first, self.end + 1):
            head = self.owner_text(r, c1)
            if norm(head) in total or any(norm(t) in total for c, t in self.items(r) if c <= c2):
                self.done.add(r)
                for col, c in cols:
                    text = cell_text(self.view.cell(r, c))
                    if text in grades:
                        self.put("grade", text)
                    elif text and col.role in ("weight", "score"):
                        self.put("total.weight" if col.role == "weight" else "total.score", text)
                break
            if head:
                m = _WEIGHT.match(head)
                label = norm(m.group("label") if m else head)
                level1 = next((n for n in self.fdef.tree if label in _names(n.label, n.aliases)), None)
                if level1 is None:
                    break  # the indicator table has ended (a caption or text row follows)
                if m:
                    self.fields[f"w.{level1.key}"] = Decimal(m.group("w"))
            if level1 is None:
                continue
            self.done.add(r)
            l2 = norm(self.owner_text(r, c2))
            level2 = next((c.key for c in level1.children
                           if l2 in _names(c.label, c.aliases) | {norm(self.fdef.level2_label(c.key))}), None)
            cells: dict[str, Value] = {}
            for col, c in cols:
                text = cell_text(self.view.cell(r, c))
                if not text:
                    continue
                if level2 is None:
                    self.problems.append(tr("{title} · {head}·{owner}：“{text}”（指标树中没有这个一级/二级指标）",
                                            title=self.title, head=head, owner=self.owner_text(r, c2), text=text))
                    continue
                try:
                    value = parse_indicator(self.fdef, col.key, text)
                except FormEditError as exc:
                    self.problems.append(f"{self.title}：{exc}")
                    continue
                if value is not None:
                    cells[col.key] = value
            if cells and level2 is not None:
                self.rows.append((level2, cells))
        return top


_TABLE_HEADS: set[str] | None = None


def _table_heads() -> set[str]:
    """The printed titles and labels of every 公开表 of every shipped set (normalised)."""
    global _TABLE_HEADS
    if _TABLE_HEADS is None:
        from ..definitions import all_sets

        _TABLE_HEADS = {norm(t) for tset in all_sets().values() for table in tset.tables
                        for t in (table.title, table.label, *table.aliases) if t}
    return _TABLE_HEADS


def _table_starts(view: SheetView, first: int, last: int) -> int | None:
    """The first row in ``first..last`` that begins a 公开表 (its label or title alone on the row)."""
    heads = _table_heads()
    for r in range(first, last + 1):
        texts = [t for t in (view.text(r, c) for c in view.row_cols(r)) if t]
        if 1 <= len(texts) <= 2 and any(norm(t) in heads for t in texts):
            return r
    return None


def _forms_of_sheet(sheet: Sheet, defs: dict[str, FormDef], forced: tuple[str, str] | None,
                    out: FormConversion) -> list[int]:
    """Read the forms of one sheet into ``out``; the first row of each (for the tables' regions)."""
    view = SheetView(sheet)
    titles = []
    for r in sorted(view.rows):
        items = [(c, cell_text(view.cell(r, c))) for c in view.row_cols(r)]
        items = [(c, t) for c, t in items if t]
        if 1 <= len(items) <= 2 and not any(sheet.cells[(r, c)].number for c, _ in items):
            found = _title_defs(items[0][1], defs)
            if found:
                titles.append((r, items[0][1], found))
    if forced and not titles and sheet.cells:
        first = min(view.rows)
        titles = [(first, cell_text(view.cell(first, view.row_cols(first)[0])), [defs[forced[0]]])]
    starts = []
    for i, (r, text, found) in enumerate(titles):
        end = (titles[i + 1][0] - 1) if i + 1 < len(titles) else sheet.nrows - 1
        above = r - 1 if r > 0 and is_label_line([view.text(r - 1, c) for c in view.row_cols(r - 1)]) else r
        if i + 1 < len(titles) and is_label_line([view.text(end, c) for c in view.row_cols(end)]):
            end -= 1
        table = _table_starts(view, r + 1, end)  # a 公开表 printed after the form ends it
        if table is not None:
            end = table - 1
        texts = {norm(cell_text(c)) for (rr, _), c in sheet.cells.items() if r < rr <= end}
        if forced and i == 0:
            fdef = defs[forced[0]]
        elif max(len(_captions(f) & texts) for f in found) < 3:  # a 目录 line or a mention, not a form
            out.unplaced.append(tr("工作表“{sheet}”第 {row} 行“{text}”：只有表名，下面没有绩效表的内容"
                                   "（可能是目录或说明文字），未读入", sheet=sheet.name, row=r + 1, text=text[:40]))
            continue
        else:
            fdef = max(found, key=lambda f: (len(_captions(f) & texts) / max(len(_captions(f)), 1),
                                             len(_captions(f) & texts)))
        title = _PREFIX.sub("", text).strip()
        region = _Region(view, above, r, end, fdef, title, out.unplaced)
        shape, title, fields, rows = region.read()
        project = str(fields.get("t.xmmc") or "")
        if not forced and fdef.kind == "target" and project and not title.startswith(project):
            title = f"{project} {title}"
        out.forms.append((shape, title, fields, rows))
        starts.append(above)
    return starts


def read_forms(sheets: list[Sheet]) -> tuple[FormConversion, dict[str, list[int]]]:
    """Every 绩效 form of the workbook, and for each sheet holding forms the first row of each form."""
    defs = all_forms()
    shapes: dict[str, tuple[str, str]] = {}
    for sheet in sheets:
        if sheet.name == META_SHEET:
            for r in range(1, sheet.nrows):
                name, shape, title = (cell_text(sheet.cells.get((r, c))) for c in range(3))
                if name and shape in defs:
                    shapes[name] = (shape, title or name)
    out = FormConversion()
    where: dict[str, list[int]] = {}
    for sheet in sheets:
        if sheet.name == META_SHEET or (sheet.hidden and sheet.name not in shapes):
            continue
        starts = _forms_of_sheet(sheet, defs, shapes.get(sheet.name), out)
        if starts:
            where[sheet.name] = starts
    return out, where
