"""One 绩效 form as Word tables in the disclosure's 第五部分 附件 (the order of its definition's sections)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..jixiao.values import plain

if TYPE_CHECKING:
    from ..jixiao.definition import FormDef
    from ..jixiao.derive import Derived
    from ..jixiao.form import Form
    from .disclosure import _Builder


def _text(value: Any, *, rate: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{plain(value)}%" if rate else plain(value)
    return str(value)


def _table(builder: _Builder, rows: list[list[str]], bold_first_row: bool = False) -> Any:
    width = max(len(r) for r in rows)
    table = builder.doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = builder.Pt(8)
                    run.bold = bold_first_row and r == 0
    return table


def write_form(builder: _Builder, fdef: FormDef, form: Form, d: Derived) -> None:
    """Title, then each section of the form as a table."""
    builder.para(form.title, size=13, bold=True, align=builder.center)
    for section in fdef.file.sections:
        if section in ("header", "footer"):
            pairs = [[f.label, form.text(f"t.{f.key}")] for f in getattr(fdef.file, section)]
            if pairs:
                _table(builder, pairs)
        elif section == "funding":
            _funding(builder, fdef, form, d)
        elif section == "indicators":
            _indicators(builder, fdef, form, d)
        elif (group := getattr(fdef.file, section, None)) is not None:
            rows = [[group.caption, ""]] + [[f.label, form.text(f"t.{f.key}")] for f in group.fields]
            _table(builder, rows, bold_first_row=True)
    builder.page_break()


def _funding(builder: _Builder, fdef: FormDef, form: Form, d: Derived) -> None:
    fund = fdef.funding
    rows = [["项目", *("·".join(c.header) for c in fund.columns)]]
    for frow in fund.rows:
        line = [frow.label]
        for col in fund.columns:
            value = form.fields.get(f"f.{frow.key}.{col.key}")
            if value is None and col.role == "rate" and (frow.total or frow.scored):
                value = d.rates.get(frow.key)
            elif value is None and col.role == "score":
                value = d.rate_scores.get(frow.key)
            elif value is None and col.role == "balance":
                value = d.balances.get(frow.key)
            line.append(_text(value, rate=col.role == "rate"))
        rows.append(line)
    builder.para(fund.caption, bold=True)
    _table(builder, rows, bold_first_row=True)


def _indicators(builder: _Builder, fdef: FormDef, form: Form, d: Derived) -> None:
    rows = [["一级指标", "二级指标", *("·".join(c.header) for c in fdef.columns)]]
    for node in fdef.tree:
        weight = form.number(f"w.{node.key}")
        level1 = f"{node.label}({plain(weight)})" if weight is not None else node.label
        for child in node.children:
            for ind in form.under(child.key) or [None]:
                cells = [_text(ind.cells.get(c.key)) if ind else "" for c in fdef.columns]
                rows.append([level1, fdef.level2_label(child.key), *cells])
    if fdef.scoring.scored:
        total = fdef.file.total.label if fdef.file.total else "总分"
        sums = {"weight": form.number("total.weight") or d.total_weight,
                "score": form.number("total.score") or d.total_score}
        rows.append([total, "", *(_text(sums.get(c.role)) for c in fdef.columns)])
        rows.append(["自评等级", "", form.text("grade") or str(d.grade or "")] + [""] * (len(fdef.columns) - 1))
    _table(builder, rows, bold_first_row=True)
