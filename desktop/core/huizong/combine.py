"""Add unit files up: fixed rows by key, coded rows by code, named rows (预算 表11–13) by name under their
单位, 绩效 forms collected. One unit at a time, so memory follows the size of the 汇总, not the number of files.

Every value column of the shipped sets is additive (``amount`` or ``count``), so the 汇总 of derived totals
equals the totals of the 汇总: a unit whose total disagrees with its parts passes that disagreement on,
and the usual checks find it on the 汇总 (see :mod:`.trace` for which unit it came from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..definitions import get_set
from ..document.numbers import MAX_HUNDREDTHS as MAX_AMOUNT
from ..money import to_plain
from .errors import HuizongError
from .layout import TableLayout, layout_of
from .sources import Cell, UnitData, Version

MAX_NOTES = 200


@dataclass
class _Named:
    """Named rows of one table in the 汇总: (parent key, name) → new key, and where each came from."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    taken: dict[str, int] = field(default_factory=dict)  # parent key -> last number used under it


@dataclass
class Combined:
    """The 汇总 as it grows: sums, rows, forms and the versions that went in."""

    set_id: str
    year: str
    money_unit: str
    sums: dict[Cell, int] = field(default_factory=dict)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> code -> name
    named: dict[str, _Named] = field(default_factory=dict)
    origin: dict[str, dict[str, list[list[Any]]]] = field(default_factory=dict)  # table -> new key -> [[unit, old]]
    versions: list[Version] = field(default_factory=list)
    forms: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first_file: str = ""

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        elif len(self.notes) == MAX_NOTES:
            self.notes.append("……（其余说明从略）")


def _refuse_mixed(combined: Combined, unit: UnitData) -> None:
    """Different sets, years or money units never add up; say which two files differ."""
    first, this = combined.first_file, unit.version.name
    tail = "不能汇总到一起。请只选择同一表套、同一年度、同一金额单位的单位文件。"
    if unit.set_id != combined.set_id:
        names = {}
        for sid in (combined.set_id, unit.set_id):
            try:
                names[sid] = get_set(sid).name
            except KeyError:
                names[sid] = sid
        raise HuizongError(f"“{this}”使用的表套是《{names[unit.set_id]}》，而“{first}”是《{names[combined.set_id]}》，{tail}")
    if unit.year != combined.year:
        raise HuizongError(f"“{this}”是 {unit.year or '（未填）'} 年度的，而“{first}”是 {combined.year or '（未填）'} 年度的，{tail}")
    if unit.money_unit != combined.money_unit:
        raise HuizongError(f"“{this}”的金额单位是{unit.money_unit}，而“{first}”是{combined.money_unit}，{tail}"
                           "（金额单位不同的数字不能直接相加，本软件也不替您换算。）")


def start(unit: UnitData) -> Combined:
    return Combined(unit.set_id, unit.year, unit.money_unit, first_file=unit.version.name)


def _named_key(lay: TableLayout, state: _Named, parent: str, name: str, width: int, level: str) -> str:
    ident = (parent, name)
    key = state.keys.get(ident)
    if key is None:
        number = state.taken.get(parent, 0) + 1
        if len(str(number)) > width:
            raise HuizongError(f"《{lay.title}》最多能列 {10 ** width - 1} 个{level}行，这些单位文件合起来超过了，"
                               "无法汇总到一个文件中。请分批汇总（例如按二级单位），再把各批的汇总文件汇总。")
        state.taken[parent] = number
        key = parent + str(number).zfill(width)
        state.keys[ident] = key
        state.names[key] = name
    return key


def _map_named(combined: Combined, lay: TableLayout, unit: UnitData, index: int) -> dict[str, str]:
    """Old key → 汇总 key for the named rows of one unit: merged by name under the same parent."""
    fl = lay.floating
    assert fl is not None
    levels = sorted(fl.levels)
    state = combined.named.setdefault(lay.key, _Named())
    origin = combined.origin.setdefault(lay.key, {})
    mapping: dict[str, str] = {}
    for old, name in sorted(unit.floating.get(lay.key, []), key=lambda kn: (len(kn[0]), kn[0])):
        if fl.key_problem(old) is not None:
            continue
        depth = levels.index(len(old))
        parent_old = old[:levels[depth - 1]] if depth else ""
        if depth and parent_old not in mapping:
            combined.note(f"{unit.version.label}：《{lay.title}》的行“{name}”没有上级行，未计入。")
            continue
        parent = mapping.get(parent_old, "")
        ident = name.strip() or f"\0{index}:{old}"  # an unnamed row is never merged with another
        width = levels[depth] - (levels[depth - 1] if depth else 0)
        level = fl.level_names[depth] if depth < len(fl.level_names) else ""
        key = _named_key(lay, state, parent, ident, width, level)
        state.names[key] = name.strip()
        mapping[old] = key
        origin.setdefault(key, []).append([index, old])
    return mapping


def add_unit(combined: Combined, unit: UnitData) -> None:
    """Add one unit's figures, rows and forms into ``combined`` (refusing a mixed set, year or unit)."""
    _refuse_mixed(combined, unit)
    index = len(combined.versions)
    layouts = layout_of(combined.set_id)
    maps: dict[str, dict[str, str]] = {}
    for table, rows in unit.floating.items():
        lay = layouts.get(table)
        if lay is None or lay.floating is None:
            continue
        if lay.named:
            maps[table] = _map_named(combined, lay, unit, index)
            continue
        known = combined.rows.setdefault(table, {})
        for code, name in rows:
            if lay.floating.key_problem(code) is None and (code not in known or (name and not known[code])):
                known[code] = name
    floating_sets = {t: {c for c, _ in rows} for t, rows in unit.floating.items()}
    stray = 0
    sums = combined.sums
    for (table, row, col), value in unit.values.items():
        lay = layouts.get(table)
        cols = lay.columns(row, floating_sets.get(table, set())) if lay else None
        if cols is None or col not in cols:
            stray += 1
            continue
        mapping = maps.get(table)
        if mapping is not None and row != lay.floating.total_key:  # type: ignore[union-attr]
            if row not in mapping:
                stray += 1
                continue
            row = mapping[row]
        cell = (table, row, col)
        total = sums.get(cell, 0) + value
        if not -MAX_AMOUNT < total < MAX_AMOUNT:
            raise HuizongError(f"加上 {unit.version.label} 后，《{lay.title}》的一个合计超出了本软件能保存的范围"  # type: ignore[union-attr]
                               "（绝对值应小于一千万亿），请检查该单位文件的金额是否填错了数量级。")
        sums[cell] = total
    if stray:
        combined.note(f"{unit.version.label}：有 {stray} 个数值不在本表套的任何可填单元格中（文件可能被其他工具改过），未计入。")
    for form in unit.forms:
        title = str(form.get("title", ""))
        label = unit.version.unit_name.strip()
        combined.forms.append({**form, "title": title if not label or label in title else f"{title}（{label}）"})
    combined.versions.append(unit.version)


def to_dump(combined: Combined, name: str) -> dict[str, Any]:
    """The 汇总 as a JSON dump (see :mod:`desktop.core.formats.dump`), ready for ``load_dump``."""
    tset = get_set(combined.set_id)
    layouts = layout_of(combined.set_id)
    tables: dict[str, Any] = {}
    for table in tset.tables:
        lay = layouts[table.key]
        entry: dict[str, Any] = {"values": {}}
        if lay.floating is not None:
            if lay.named:
                names = combined.named.get(table.key, _Named()).names
                pairs = sorted(names.items())
            else:
                pairs = sorted(combined.rows.get(table.key, {}).items())
            entry["floating_rows"] = [[k, n] for k, n in pairs]
        tables[table.key] = entry
    for (table, row, col), value in sorted(combined.sums.items()):
        lay = layouts[table]
        decimals = lay.fixed.get(row, lay.floating_columns).get(col, 2)
        tables[table]["values"].setdefault(row, {})[col] = to_plain(value, decimals)
    meta = {"unit_name": name, "year": combined.year, "money_unit": combined.money_unit}
    out: dict[str, Any] = {"format": "gongkai-dump", "format_version": 1, "set": combined.set_id, "meta": meta,
                           "tables": tables, "explanations": {}}
    if combined.forms:
        out["forms"] = combined.forms
    return out
