"""The 绩效 forms in the JSON dump (optional key ``forms``; absent when a document has none).

Each form is ``{"shape": …, "title": …, "fields": {key: text}, "indicators": [{"level2": …, "cells": {col: text}}]}``
with numbers as exact decimal text as stored (``"70.60"``). Loading validates every form before anything
is written; problems are listed in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..document import Document
from ..i18n import tr
from .book import FormEditError, parse_field, parse_indicator
from .form import Value
from .loader import all_forms
from .seeds import FormConversion
from .store import read_forms


def _text(value: Value) -> str:
    return format(value, "f") if isinstance(value, Decimal) else value


def dump_forms(doc: Document) -> list[dict[str, Any]]:
    """Every form of the document, in order, as JSON-ready dicts."""
    return [
        {"shape": form.shape, "title": form.title,
         "fields": {k: _text(v) for k, v in sorted(form.fields.items())},
         "indicators": [{"level2": i.level2, "cells": {k: _text(v) for k, v in sorted(i.cells.items())}}
                        for i in form.indicators]}
        for form in read_forms(doc, {key: fdef.level2_keys for key, fdef in all_forms().items()})
    ]


def _scalar(value: Any) -> bool:
    """A value a form cell can hold in a dump: text or a number (never a list, object or true/false)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def parse_forms(items: Any, problems: list[str]) -> FormConversion:
    """Validate the ``forms`` of a dump; problems are appended (in Chinese) to ``problems``."""
    out = FormConversion()
    if items is None:
        return out
    if not isinstance(items, list):
        problems.append(tr("forms 应为数组"))
        return out
    defs = all_forms()
    for n, item in enumerate(items, 1):
        where = tr("第 {n} 张绩效表", n=n)
        if (not isinstance(item, Mapping) or not isinstance(item.get("shape"), str) or item["shape"] not in defs
                or not isinstance(item.get("title"), str) or not item["title"].strip()):
            problems.append(tr("{where}：须有已知的 shape（{defs}）和 title", where=where, defs='、'.join(sorted(defs))))
            continue
        fdef = defs[item["shape"]]
        fields: dict[str, Value] = {}
        if not isinstance(item.get("fields") or {}, Mapping) or not isinstance(item.get("indicators") or [], list):
            problems.append(tr("{where}：fields 应为对象，indicators 应为数组", where=where))
            continue
        for key, text in (item.get("fields") or {}).items():
            if not _scalar(text):
                problems.append(tr("{where}：栏“{key}”的值应为文字或数字", where=where, key=str(key)[:40]))
                continue
            try:
                value = parse_field(fdef, str(key), str(text))
            except FormEditError as exc:
                problems.append(f"{where}：{exc}")
                continue
            if value is not None:
                fields[str(key)] = value
        rows: list[tuple[str, dict[str, Value]]] = []
        for row in item.get("indicators") or []:
            level2 = row.get("level2") if isinstance(row, Mapping) else None
            if fdef.level2(str(level2)) is None:
                problems.append(tr("{where}：没有二级指标“{level2}”", where=where, level2=level2))
                continue
            cells: dict[str, Value] = {}
            if not isinstance(row.get("cells") or {}, Mapping):
                problems.append(tr("{where}：二级指标“{level2}”的 cells 应为对象", where=where, level2=level2))
                continue
            for col, text in (row.get("cells") or {}).items():
                if not _scalar(text):
                    problems.append(tr("{where}：指标栏“{col}”的值应为文字或数字", where=where, col=str(col)[:40]))
                    continue
                try:
                    value = parse_indicator(fdef, str(col), str(text))
                except FormEditError as exc:
                    problems.append(f"{where}：{exc}")
                    continue
                if value is not None:
                    cells[str(col)] = value
            rows.append((str(level2), cells))
        out.forms.append((fdef.key, str(item["title"]).strip(), fields, rows))
    return out
