"""绩效 forms read back from xlsx (the writer is :mod:`.forms_xlsx_export`).

Import reads such a sheet by its captions, not by cell addresses, so rows a clerk adds to the indicator table
in Excel/WPS are read too. A hidden sheet ``_gongkai`` records each sheet's form shape; without it the shape is
recognised by the printed title.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..jixiao.book import FormEditError, parse_field, parse_indicator
from ..jixiao.definition import FormDef
from ..jixiao.derive import derive
from ..jixiao.form import Form, Indicator, Value
from ..jixiao.loader import all_forms
from ..jixiao.seeds import FormConversion, choose_definition
from ..jixiao.values import norm, round_to
from .workbook_reader import Cell, Limits, Sheet, read_workbook

META_SHEET = "_gongkai"


MAX_COLUMNS = 64  # a printed form is far narrower; cells further right are reported, not read


def _value(cell: Cell | None) -> str:
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
    except ArithmeticError:  # an exponent no form prints: kept as stored, refused by the field's parser
        return cell.text.strip()


def _rows(sheet: Sheet, problems: list[str]) -> list[list[str]]:
    """The sheet as rows of text (merged areas empty but their first cell)."""
    rows: list[list[str]] = [[] for _ in range(sheet.nrows)]
    wide = 0
    for (r, c), cell in sorted(sheet.cells.items()):
        if c >= MAX_COLUMNS:
            wide += 1
            continue
        row = rows[r]
        row.extend([""] * (c + 1 - len(row)))
        row[c] = _value(cell)
    if wide:
        problems.append(f"{sheet.name}：第 {MAX_COLUMNS} 列以右有 {wide} 个单元格，不在表样之内，未读入")
    return rows


def _read_sheet(sheet_name: str, rows: list[list[str]], fdef: FormDef, problems: list[str]):  # noqa: ANN202
    fields: dict[str, Value] = {}
    indicators: list[tuple[str, dict[str, Value]]] = []

    def put(key: str, text: str) -> None:
        try:
            value = parse_field(fdef, key, text)
        except FormEditError as exc:
            problems.append(f"{sheet_name}：{exc}")
            return
        if value is not None:
            fields[key] = value

    labels = {norm(f.label): f.key for _, f in fdef.text_fields()}
    fund = fdef.funding
    fund_rows = {norm(r.label): r for r in fund.rows}
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "一级指标"), len(rows))
    total_label = norm(fdef.file.total.label if fdef.file.total else "总分")
    d_rows = iter(enumerate(rows))
    for i, r in d_rows:
        head = norm(r[0]) if r else ""
        if i == 0 or not head:
            continue
        if head in labels and len(r) > 2:
            put(f"t.{labels[head]}", r[2])
        elif head in fund_rows and i < header_at:
            for n, col in enumerate(fund.columns, 2):
                if n < len(r) and r[n]:
                    put(f"f.{fund_rows[head].key}.{col.key}", r[n])
        elif head == norm("自评等级") and len(r) > 2:
            put("grade", r[2])
        elif head == total_label and i > header_at:
            for n, col in enumerate(fdef.columns, 2):
                key = {"weight": "total.weight", "score": "total.score"}.get(col.role)
                if key and n < len(r) and r[n]:
                    put(key, r[n])
    level1 = level2 = None
    for r in rows[header_at + 1:]:
        if not r or norm(r[0]) == total_label:
            break
        if r[0]:
            m = re.match(r"^(.*?)[(（](\d+(?:\.\d+)?)[)）]$", r[0])
            level1 = next((n for n in fdef.tree if norm(m.group(1) if m else r[0]) == norm(n.label)), None)
            if level1 is None:
                break  # the indicator table has ended (a caption or text row follows)
            if m:
                fields[f"w.{level1.key}"] = Decimal(m.group(2))
        if len(r) > 1 and r[1] and level1 is not None:
            level2 = next((c.key for c in level1.children if norm(r[1]) in {norm(c.label), norm(fdef.level2_label(c.key))}),
                          None)
        if level2 is None:
            continue
        cells: dict[str, Value] = {}
        for n, col in enumerate(fdef.columns, 2):
            if n < len(r) and r[n]:
                try:
                    value = parse_indicator(fdef, col.key, r[n])
                except FormEditError as exc:
                    problems.append(f"{sheet_name}：{exc}")
                    continue
                if value is not None:
                    cells[col.key] = value
        if cells:
            indicators.append((level2, cells))
    return fields, indicators


def _drop_derived(fdef: FormDef, form: Form) -> None:
    """A derived figure that equals what the form's own figures give was written by export: not a printed one."""
    d = derive(fdef, form)
    for frow in fdef.funding.rows:
        for col in fdef.funding.columns:
            key = f"f.{frow.key}.{col.key}"
            follows = {"rate": d.rates, "score": d.rate_scores, "balance": d.balances}.get(col.role, {})
            if col.role in ("rate", "score", "balance") and form.number(key) == follows.get(frow.key):
                form.fields.pop(key, None)
    d = derive(fdef, form)
    for key, value in (("total.weight", d.total_weight), ("total.score", d.total_score), ("grade", d.grade)):
        if form.fields.get(key) == value:
            form.fields.pop(key, None)


def import_forms(source: Path, limits: Limits | None = None) -> FormConversion:
    """Read the 绩效 form sheets of a workbook (through the safe reader); problems are listed in ``unplaced``,
    formulas computed here or not checked in ``notes``. Raises :class:`WorkbookError` for a refused file."""
    sheets = read_workbook(Path(source), limits)
    defs = all_forms()
    shapes: dict[str, tuple[str, str]] = {}
    out = FormConversion()
    for sheet in sheets:
        if sheet.name != META_SHEET:
            continue
        for r in range(1, sheet.nrows):
            name, shape, title = (_value(sheet.cells.get((r, c))) for c in range(3))
            if name and shape in defs:
                shapes[name] = (shape, title or name)
    for sheet in sheets:
        out.unplaced += [str(n) for n in sheet.formula_notes if not n.used]
        out.notes += [str(n) for n in sheet.formula_notes if n.used]
        if sheet.name == META_SHEET:
            continue
        rows = _rows(sheet, out.unplaced)
        title = (rows[0][0] if rows and rows[0] else "") or sheet.name
        if sheet.name in shapes:
            fdef = defs[shapes[sheet.name][0]]
        else:
            fdef = choose_definition({"title_printed": title}, defs)
        if fdef is None:
            if sheet.cells:
                out.unplaced.append(f"工作表“{sheet.name}”：不是已知的绩效表样")
            continue
        fields, indicators = _read_sheet(sheet.name, rows, fdef, out.unplaced)
        form = Form(0, fdef.key, title, 0, dict(fields),
                    [Indicator(n, level2, cells) for n, (level2, cells) in enumerate(indicators)])
        _drop_derived(fdef, form)
        out.forms.append((fdef.key, title, form.fields, indicators))
    return out
