"""The JSON dump: every value of a document as exact decimal text, for diffing, tests and transfer.

Format (``format_version`` 1)::

    {
      "format": "gongkai-dump",
      "format_version": 1,
      "set": "shanxi_2022_juesuan",
      "meta": {"unit_name": "…", "year": "2022", "money_unit": "元", …},
      "tables": {
        "<table key>": {
          "floating_rows": [["2101201", "财政对职工基本医疗保险基金的补助"], …],   # coded tables only
          "values": {"<row key>": {"<column key>": "1234.56", …}, …}
        }, …
      },
      "explanations": {"<finding key>": {"text": "…", "author": "…", "at": "…", "basis": "…"}},
      "forms": [{"shape": "a_zhuanyi_ziping", "title": "…", "fields": {…}, "indicators": [{"level2": …, "cells": {…}}]}]
    }

``forms`` (the 绩效 forms, see :mod:`desktop.core.jixiao.dumpio`) is present only when the document has any;
so is ``review`` (批注, table states, seals; see :mod:`desktop.core.review.dumpio`).

Amounts are strings with exactly two decimals (counts without decimals), in the document's unit.
``load`` followed by ``dump`` gives back the same JSON, and ``dump`` of a loaded dump is identical.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..definitions import TemplateSet, get_set
from ..document import Document, DocumentError
from ..i18n import tr
from ..jixiao.store import has_forms
from ..money import AmountError, parse_amount, to_plain
from ..review.dumpio import dump_review, load_review, parse_review
from ..review.errors import ReviewError
from ..rules.rowindex import RowIndex

FORMAT = "gongkai-dump"
FORMAT_VERSION = 1
_SKIP_META = {"set_id"}


class DumpError(ValueError):
    """A dump that cannot be loaded; the message lists what is wrong, in Chinese."""


def dump_document(doc: Document) -> dict[str, Any]:
    """The whole document as a JSON-ready dict, tables and rows in printed order."""
    tset = get_set(doc.set_id)
    floating = doc.floating_rows()
    rows = RowIndex(tset, floating)
    values = doc.values()
    tables: dict[str, Any] = {}
    for table in tset.tables:
        entry: dict[str, Any] = {}
        if table.floating_block is not None:
            entry["floating_rows"] = [[c, n] for c, n in floating.get(table.key, [])]
        per_row: dict[str, dict[str, str]] = {}
        for row in rows.rows(table.key):
            block = table.block(row.block)
            cols = block.value_columns if block else []
            cells = {
                c.key: to_plain(values[(table.key, row.key, c.key)], c.decimals)
                for c in cols
                if (table.key, row.key, c.key) in values
            }
            if cells:
                per_row[row.key] = cells  # type: ignore[assignment]
        entry["values"] = per_row
        tables[table.key] = entry
    meta = {k: v for k, v in sorted(doc.meta.items()) if k not in _SKIP_META}
    out = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "set": doc.set_id,
        "meta": meta,
        "tables": tables,
        "explanations": doc.explanations(),
    }
    if has_forms(doc):
        from ..jixiao.dumpio import dump_forms  # the form machinery loads only for documents with forms

        out["forms"] = dump_forms(doc)
    review = dump_review(doc)
    if review:
        out["review"] = review
    return out


def _problem_list(problems: list[str]) -> str:
    shown = "\n".join(f"  - {p}" for p in problems[:20])
    more = tr("\n  … 另有 {count} 处", count=len(problems) - 20) if len(problems) > 20 else ""
    return shown + more


def parse_dump(data: Any) -> tuple[TemplateSet, dict[str, str], dict[str, list[tuple[str, str]]], dict]:
    """Validate a dump; returns (set, meta, floating rows, {cell: hundredths}). Raises :class:`DumpError`."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise DumpError(tr("这不是公开表工作台的 JSON 导出文件（缺少 \"format\": \"gongkai-dump\"）。"))
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DumpError(tr("JSON 导出文件的 format_version 应为整数（如 1），实际是 {version!r}，未创建文档。请重新导出。", version=str(version)[:20]))
    if version > FORMAT_VERSION:
        raise DumpError(tr("JSON 导出文件的格式版本 {version} 比本软件支持的 {supported} 新，请升级软件。", version=version, supported=FORMAT_VERSION))
    try:
        tset = get_set(str(data.get("set")))
    except KeyError as exc:
        raise DumpError(str(exc.args[0])) from exc
    meta_in = data.get("meta") or {}
    if not isinstance(meta_in, Mapping):
        raise DumpError(tr("JSON 导出文件的 meta 应为对象（{…}），未创建文档。请重新导出。"))
    wrong = [str(k) for k, v in meta_in.items() if not isinstance(v, str | int) or isinstance(v, bool)]
    if wrong:
        raise DumpError(tr("meta 中 {wrong} 的值应为文字（如 \"unit_name\": \"某单位\"），未创建文档。", wrong='、'.join(wrong[:5])))
    meta = {str(k): str(v) for k, v in meta_in.items()}
    tables = data.get("tables") or {}
    if not isinstance(tables, Mapping):
        raise DumpError(tr("JSON 导出文件的 tables 应为对象（{…}），未创建文档。请重新导出。"))
    problems: list[str] = []
    floating: dict[str, list[tuple[str, str]]] = {}
    for key, entry in tables.items():
        if not tset.has_table(key):
            problems.append(tr("模板中没有表 {key}", key=key))
            continue
        if not isinstance(entry, Mapping):
            problems.append(tr("表 {key} 的内容应为对象", key=key))
            continue
        if not isinstance(entry.get("floating_rows") or [], list):
            problems.append(tr("表 {key} 的 floating_rows 应为列表", key=key))
            continue
        if not isinstance(entry.get("values") or {}, Mapping):
            problems.append(tr("表 {key} 的 values 应为对象", key=key))
            continue
        for item in entry.get("floating_rows") or []:
            if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                problems.append(tr("表 {key} 的浮动行应写成 [编码, 名称]：{item!r}", key=key, item=item))
                continue
            floating.setdefault(key, []).append((item[0], item[1]))
    rows = RowIndex(tset, floating)
    values: dict[tuple[str, str, str], int] = {}
    for key, entry in tables.items():
        if not tset.has_table(key) or not isinstance(entry, Mapping) or not isinstance(entry.get("values") or {}, Mapping):
            continue
        table = tset.table(key)
        for row_key, cells in (entry.get("values") or {}).items():
            info = rows.get(key, row_key)
            if info is None:
                problems.append(tr("{title}：没有行 {row_key}", title=table.title, row_key=row_key))
                continue
            block = table.block(info.block)
            if not isinstance(cells, Mapping):
                problems.append(tr("{title} 行 {row_key}：内容应为对象", title=table.title, row_key=row_key))
                continue
            for col_key, text in cells.items():
                col = block.column(col_key) if block else None
                if col is None or not col.is_value:
                    problems.append(tr("{title} 行 {row_key}：没有数值栏 {col_key}", title=table.title, row_key=row_key, col_key=col_key))
                    continue
                if text is not None and not isinstance(text, str):
                    problems.append(tr("{title} 行 {row_key} 栏 {col_key}：金额应写成字符串，如 \"1234.56\"", title=table.title, row_key=row_key, col_key=col_key))
                    continue
                try:
                    value = parse_amount(text, col.decimals)
                except AmountError as exc:
                    problems.append(tr("{title} 行 {row_key} 栏 {col_key}：{exc}", title=table.title, row_key=row_key, col_key=col_key, exc=exc))
                    continue
                if value is not None:
                    values[(key, row_key, col_key)] = value
    explanations = data.get("explanations") or {}
    if not isinstance(explanations, Mapping) or not all(isinstance(e, Mapping) for e in explanations.values()):
        problems.append(tr("explanations 应为对象，每条出错说明也应为对象（含 text、author、at、basis）"))
    if problems:
        raise DumpError(tr("JSON 导出文件有以下问题，未创建文档（请改正后重新载入）：\n") + _problem_list(problems))
    return tset, meta, floating, values


def _parse_forms(data: Any):  # noqa: ANN202 - jixiao.seeds.FormConversion, or None without forms
    if not data.get("forms"):
        return None
    from ..jixiao.dumpio import parse_forms

    problems: list[str] = []
    forms = parse_forms(data.get("forms"), problems)
    if problems:
        raise DumpError(tr("JSON 导出文件的绩效表有以下问题，未创建文档：\n") + _problem_list(problems))
    return forms


def load_dump(data: Any, target: Path, *, who: str = "", extra_forms: Any = None) -> Document:
    """Create a new document at ``target`` from a dump: all or nothing.

    The dump is validated first; the document is then built under a temporary name in the target folder
    and renamed to ``target`` only when everything is in, so a failure at any step leaves no file behind.
    ``extra_forms`` (a :class:`~desktop.core.jixiao.seeds.FormConversion`) adds forms read from elsewhere
    (the published figures' ``performance_forms``) inside the same all-or-nothing creation.
    """
    tset, meta, floating, values = parse_dump(data)
    forms = _parse_forms(data)
    try:
        review = parse_review(data.get("review"))
    except ReviewError as exc:
        raise DumpError(str(exc)) from exc
    explanations = _explanations(data.get("explanations") or {})
    meta = {**meta, "set_id": tset.id, "set_version": tset.info.version}
    meta.setdefault("money_unit", tset.info.money_unit)
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise DocumentError("exists", tr("文件“{target}”已存在，未覆盖。请换一个文件名。", target=target))
    folder = target.parent if str(target.parent) else Path(".")
    building = folder / f".gongkai-load-{secrets.token_hex(6)}{target.suffix or '.gkb'}"
    doc = Document.create(building, meta, who=who)
    try:
        add_rows = [(t, c, n) for t, rows in floating.items() for c, n in rows]
        doc.write(values, who=who, action="load", add_rows=add_rows)
        for key, (text, author, basis, at) in explanations.items():
            doc.set_explanation(key, text, who=who if author is None else author, basis=basis, at=at)
        if forms is not None or extra_forms is not None:
            from ..jixiao.seeds import load_forms

            for conversion in (forms, extra_forms):
                if conversion is not None:
                    load_forms(doc, conversion, who=who)
        load_review(doc, review)
        doc.close()
        _publish(building, target)
    except BaseException as exc:
        doc.close()
        building.unlink(missing_ok=True)
        if isinstance(exc, DocumentError | DumpError) or not isinstance(exc, Exception):
            raise
        if isinstance(exc, OSError):
            raise DocumentError("write_failed", tr("无法写入“{target}”（{reason}），未创建文档。", target=target, reason=exc.strerror or exc)) from exc
        raise DumpError(tr("JSON 导出文件的内容无法写入文档（{name}：{exc}），"
                        "未创建文档。请确认文件来源，或重新导出。", name=type(exc).__name__, exc=str(exc)[:120])) from exc
    return Document.open(target, who=who)


def _explanations(items: Any) -> dict[str, tuple[str, str | None, str, str | None]]:
    """The explanations of a dump as (text, author, basis, at); the shape was checked by :func:`parse_dump`."""
    out = {}
    for key, exp in items.items():
        fields = {f: exp.get(f) for f in ("text", "author", "basis", "at")}
        wrong = [f for f, v in fields.items() if v is not None and not isinstance(v, str | int)]
        if wrong:
            raise DumpError(tr("出错说明“{key}”的 {wrong} 应为文字，未创建文档。", key=str(key)[:40], wrong='、'.join(wrong)))
        out[str(key)] = (str(fields["text"] or ""), None if fields["author"] is None else str(fields["author"]),
                         str(fields["basis"] or ""), str(fields["at"]) if fields["at"] else None)
    return out


def _publish(building: Path, target: Path) -> None:
    """Give the finished file its name; never over a file that appeared meanwhile."""
    try:
        os.link(building, target)  # fails if target exists
    except FileExistsError as exc:
        raise DocumentError("exists", tr("文件“{target}”已存在，未覆盖。请换一个文件名。", target=target)) from exc
    except OSError:  # a file system without hard links
        if target.exists():
            raise DocumentError("exists", tr("文件“{target}”已存在，未覆盖。请换一个文件名。", target=target)) from None
        os.replace(building, target)
        return
    building.unlink()
