"""绩效 forms read back from xlsx (the writer is :mod:`.forms_xlsx_export`).

Import reads every form of a workbook by its captions, not by cell addresses (any shape, anywhere:
:mod:`.forms_reader`), so rows a clerk adds to the indicator table in Excel/WPS are read too. A hidden sheet
``_gongkai`` records each sheet's form shape; the derived figures our export wrote are dropped again.
"""

from __future__ import annotations

from pathlib import Path

from ..i18n import tr
from ..jixiao.definition import FormDef
from ..jixiao.derive import derive
from ..jixiao.form import Form, Indicator
from ..jixiao.loader import all_forms
from ..jixiao.seeds import FormConversion
from .workbook_reader import Limits, read_workbook

META_SHEET = "_gongkai"


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
    """Read every 绩效 form of a workbook (through the safe reader; any shape, anywhere: :mod:`.forms_reader`);
    problems are listed in ``unplaced``, formulas computed here or not checked in ``notes``. Forms of a
    workbook written by :func:`export_forms` (its hidden shape list) drop the derived figures export wrote.
    Raises :class:`WorkbookError` for a refused file."""
    from .forms_reader import read_forms

    sheets = read_workbook(Path(source), limits)
    out, where = read_forms(sheets)
    ours = any(s.name == META_SHEET for s in sheets)
    defs = all_forms()
    for shape, _title, fields, rows in out.forms:
        if ours:
            form = Form(0, shape, _title, 0, fields, [Indicator(n, level2, cells) for n, (level2, cells) in enumerate(rows)])
            _drop_derived(defs[shape], form)
    for sheet in sheets:
        out.unplaced += [str(n) for n in sheet.formula_notes if not n.used]
        out.notes += [str(n) for n in sheet.formula_notes if n.used]
        out.unplaced += sheet.skipped
        if sheet.name != META_SHEET and not sheet.hidden and sheet.cells and sheet.name not in where:
            out.unplaced.append(tr("工作表“{sheet}”：不是已知的绩效表样", sheet=sheet.name))
    return out
