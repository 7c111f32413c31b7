"""Read the 绩效 forms of a published-figures JSON (``performance_forms`` in ../shared/seeds/*.json).

Nothing here is tuned to one document: the form definition is chosen by the transcribed shape letter or
by the printed title, fields by their printed caption (label or alias), funding rows and columns and
indicator columns by caption, 一级/二级 by the tree's labels and aliases. A weight printed in a 一级 label
(``产出指标(60)``) is kept as that 一级's stated weight. Every non-empty value that finds no place is
reported, never dropped silently. Works on any open document, whatever its table set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..document import Document
from .definition import FormDef
from .form import Value
from .loader import all_forms
from .store import insert_form
from .values import FormValueError, norm, parse_number

_WEIGHT_IN_LABEL = re.compile(r"^(?P<label>.*?)[(（](?P<w>\d+(?:\.\d+)?)分?[)）]$")
_SKIP = {"form_no", "shape", "title_printed", "preceded_by_report", "funding", "indicators", "indicator_columns",
         "总分", "grade", "总分_note", "report_figures", "normalized", "extraction_notes", "notes_printed",
         "trailing_rows", "funding_unit"}
_KIND = {"amount": "amount", "initial": "amount", "declared": "amount", "budget": "amount", "exec": "amount",
         "balance": "amount", "weight": "weight", "rate": "rate", "score": "score"}


class FormsShapeError(ValueError):
    """The ``performance_forms`` of a JSON are not shaped as transcribed forms; ``str()`` is the Chinese reason."""


def _scalar(value: Any, where: str) -> Any:
    if value is not None and (not isinstance(value, str | int | float) or isinstance(value, bool)):
        raise FormsShapeError(f"{where} 应为文字或数字，实际是 {type(value).__name__}")
    return value


@dataclass
class FormConversion:
    """The forms read from one JSON, and what could not be placed."""

    forms: list[tuple[str, str, dict[str, Value], list[tuple[str, dict[str, Value]]]]] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # read, but to be checked (a workbook formula computed here)


def _names(label: str, aliases: list[str]) -> set[str]:
    return {norm(label), *(norm(a) for a in aliases)}


def choose_definition(printed: Mapping[str, Any], forms: Mapping[str, FormDef]) -> FormDef | None:
    """By the transcribed shape letter (``A_…``), else by the printed title."""
    shape = str(printed.get("shape") or "")
    letter = shape.split("_", 1)[0] if "_" in shape else ""
    by_shape = [f for f in forms.values() if f.file.shape == letter]
    if len(by_shape) == 1:
        return by_shape[0]
    title = norm(printed.get("title_printed"))
    for f in forms.values():
        if title and any(t and (title.endswith(t) or t in title) for t in _names(f.file.title, f.file.title_aliases)):
            return f
    return None


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


class _FormReader:
    def __init__(self, fdef: FormDef, printed: Mapping[str, Any], unplaced: list[str]) -> None:
        self.fdef, self.printed, self.unplaced = fdef, printed, unplaced
        self.title = str(_scalar(printed.get("title_printed"), "title_printed") or "").strip()
        project = str(_scalar(printed.get("项目名称"), "项目名称") or "").strip()
        if not self.title or fdef.kind == "target":
            self.title = f"{project} {self.title or fdef.file.title}".strip()
        self.fields: dict[str, Value] = {}
        self.rows: list[tuple[str, dict[str, Value]]] = []

    def lost(self, where: str, raw: Any, reason: str) -> None:
        if raw is not None and str(raw).strip() != "":
            self.unplaced.append(f"{self.title} · {where}：“{raw}”（{reason}）")

    def number(self, where: str, raw: Any, kind: str) -> Decimal | None:
        try:
            return parse_number(None if raw is None else str(raw), kind)
        except FormValueError as exc:
            self.lost(where, raw, str(exc))
            return None

    def read(self) -> tuple[str, str, dict[str, Value], list[tuple[str, dict[str, Value]]]]:
        self._text_fields()
        self._funding()
        self._indicators()
        total = self.printed.get("总分")
        grades = {g.grade for g in self.fdef.scoring.grades}
        if isinstance(total, Mapping):
            for name, key in (("分值", "total.weight"), ("得分", "total.score")):
                if str(total.get(name) or "").strip() in grades:  # shape E prints the grade word here
                    self.fields["grade"] = str(total[name]).strip()
                    continue
                value = self.number(f"总分·{name}", total.get(name), "score")
                if value is not None:
                    self.fields[key] = value
        if self.printed.get("grade"):
            self.fields["grade"] = str(self.printed["grade"]).strip()
        return self.fdef.key, self.title, self.fields, self.rows

    def _text_fields(self) -> None:
        by_name = {}
        for _, f in self.fdef.text_fields():
            for name in _names(f.label, f.aliases):
                by_name.setdefault(name, f)
        data = {k: v for k, v in self.printed.items() if k not in _SKIP}
        for path, raw in _flatten(data).items():
            leaf = path.rsplit(".", 1)[-1]
            f = by_name.get(norm(path)) or by_name.get(norm(leaf))
            if f is None:
                self.lost(path, raw, "表样中没有这一栏")
            elif raw is not None and str(raw).strip():
                value, key = str(raw).strip(), f"t.{f.key}"
                if self.fields.get(key, value) != value:
                    self.lost(path, raw, f"“{f.label}”已取“{self.fields[key]}”")
                self.fields.setdefault(key, value)

    def _funding(self) -> None:
        fund = self.fdef.funding
        printed = self.printed.get("funding")
        if not isinstance(printed, Mapping):
            return
        rows = printed.get("rows")
        if isinstance(rows, list):
            cells = [(str(r.get("label") or ""), {k: v for k, v in r.items() if k != "label"}) for r in rows]
        else:  # {column: {row label: value}} as in the 目标表 (实施期 / 年度)
            cells = []
            for col_name, per_row in printed.items():
                if isinstance(per_row, Mapping):
                    for label, value in per_row.items():
                        cells.append((str(label), {str(col_name): value}))
        for label, values in cells:
            row = next((r for r in fund.rows if norm(label) in _names(r.label, r.aliases)), None)
            for col_name, raw in values.items():
                col = next((c for c in fund.columns if norm(col_name) in _names("".join(c.header), c.aliases)
                            or norm(col_name) == norm(c.caption)), None)
                where = f"{fund.caption}·{label}·{col_name}"
                if row is None or col is None:
                    self.lost(where, raw, "资金表中没有对应的行或栏")
                elif col.numeric:
                    value = self.number(where, raw, _KIND[col.role])
                    if value is not None:
                        self.fields[f"f.{row.key}.{col.key}"] = value
                elif raw is not None and str(raw).strip():
                    self.fields[f"f.{row.key}.{col.key}"] = str(raw).strip()

    def _level(self, l1_text: str, l2_text: str) -> str | None:
        m = _WEIGHT_IN_LABEL.match(l1_text.strip())
        label = m.group("label") if m else l1_text
        node = next((n for n in self.fdef.tree if norm(label) in _names(n.label, n.aliases)), None)
        if node is None:
            return None
        if m:
            self.fields[f"w.{node.key}"] = Decimal(m.group("w"))
        child = next((c for c in node.children if norm(l2_text) in _names(c.label, c.aliases)), None)
        return child.key if child else None

    def _indicators(self) -> None:
        columns = self.fdef.columns
        if not isinstance(self.printed.get("indicators") or [], list):
            raise FormsShapeError(f"{self.title} 的 indicators 应为数组")
        for item in self.printed.get("indicators") or []:
            if not isinstance(item, Mapping):
                continue
            flat = _flatten({k: v for k, v in item.items() if k not in ("reconstructed", "note")})
            l1 = str(flat.pop("一级指标", "") or "")
            l2 = str(flat.pop("二级指标", "") or "")
            flat.pop("年度.二级指标", None)
            level2 = self._level(l1, l2)
            where = f"{l1}·{l2}"
            if level2 is None:
                for name, raw in flat.items():
                    self.lost(f"{where}·{name}", raw, "指标树中没有这个一级/二级指标")
                continue
            cells: dict[str, Value] = {}
            for name, raw in flat.items():
                col = next((c for c in columns if norm(name) in _names("".join(c.header), c.aliases)
                            or norm(name) == norm(c.caption)), None)
                if col is None:
                    self.lost(f"{where}·{name}", raw, "指标表中没有这一栏")
                elif col.numeric:
                    value = self.number(f"{where}·{name}", raw, "score")
                    if value is not None:
                        cells[col.key] = value
                elif raw is not None and str(raw).strip():
                    cells[col.key] = str(raw).strip()
            if cells:
                self.rows.append((level2, cells))


def convert_forms(data: Mapping[str, Any], forms: Mapping[str, FormDef] | None = None) -> FormConversion:
    """Read every ``performance_forms`` entry of a published-figures JSON."""
    forms = forms or all_forms()
    out = FormConversion()
    if not isinstance(data.get("performance_forms") or [], list):
        raise FormsShapeError("performance_forms 应为数组")
    for i, printed in enumerate(data.get("performance_forms") or [], 1):
        if not isinstance(printed, Mapping):
            continue
        fdef = choose_definition(printed, forms)
        if fdef is None:
            out.unplaced.append(f"第 {i} 张绩效表“{printed.get('title_printed') or printed.get('shape')}”：没有对应的表样")
            continue
        out.forms.append(_FormReader(fdef, printed, out.unplaced).read())
    return out


def load_forms(doc: Document, conversion: FormConversion, *, who: str) -> list[int]:
    """Add the converted forms to an open document (one transaction per form); returns their ids."""
    return [insert_form(doc, shape, title, fields, rows, who=who, action="load_form")
            for shape, title, fields, rows in conversion.forms]
