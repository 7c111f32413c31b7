"""Apply a table file's ``patch:`` to the raw data of the table it extends.

Targets: the table itself (no target key), ``block: KEY``, ``column: KEY`` (in every block holding it,
or only those named by ``in:``) and ``row: KEY`` (a key, a run ``FIRST..LAST`` in printed order, or a
list of both). Row keys are unique in a table, so a row needs no block. See resources/templates/README.md.
"""

from __future__ import annotations

from typing import Any

from ..i18n import tr
from .errors import DefinitionError
from .patch import (
    TARGET_ACTIONS,
    apply_list_entry,
    check_entry,
    fail,
    insert_unique,
    keyed_index,
    new_items,
    set_fields,
)
from .yaml_source import YDict, YList


def _blocks(table: YDict) -> list[YDict]:
    blocks = table.get("blocks")
    return [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []


def _rows(block: YDict) -> list:
    rows = block.get("rows")
    if not isinstance(rows, list):
        rows = YList()
        block["rows"] = rows
    return rows


def _row_keys(table: YDict) -> set[str]:
    return {str(r.get("key")) for b in _blocks(table) for r in _rows(b) if isinstance(r, dict)}


def _find_row(table: YDict, key: str) -> tuple[YDict, int] | None:
    for block in _blocks(table):
        at = keyed_index(_rows(block), key)
        if at is not None:
            return block, at
    return None


def _row_targets(entry: YDict, table: YDict) -> list[str]:
    """The row keys an entry names, in order; runs ``A..B`` expand to the rows printed from A to B."""
    value = entry["row"]
    names = value if isinstance(value, list) else [value]
    keys: list[str] = []
    for name in (str(n) for n in names):
        first, _, last = name.partition("..")
        found = _find_row(table, first)
        if found is None:
            raise fail(entry, "GK105", tr("补丁指向的行 {first} 在表 {table} 中不存在，请检查行键（被继承的表可能已删去或改了它）", first=first, table=table.get('key')), "row")
        if not last:
            keys.append(first)
            continue
        block, start = found
        end = keyed_index(_rows(block), last)
        if end is None or end < start:
            raise fail(entry, "GK105", tr("行段 {name}：行 {last} 不在 {first} 之后的同一块中", name=name, last=last, first=first), "row")
        keys += [str(r.get("key")) for r in _rows(block)[start:end + 1]]
    return keys


def _patch_rows(entry: YDict, table: YDict) -> None:
    keys = _row_targets(entry, table)
    if "shift_hangci" in entry:
        shift = entry["shift_hangci"]
        if not isinstance(shift, int) or isinstance(shift, bool):
            raise fail(entry, "GK114", tr("shift_hangci 应是一个整数，如 -1"), "shift_hangci")
        for key in keys:
            block, at = _find_row(table, key)  # type: ignore[misc]
            row = _rows(block)[at]
            if not str(row.get("hangci", "")).isdigit():
                raise fail(entry, "GK114", tr("行 {key} 没有数字行次，不能移动行次", key=key), "shift_hangci")
            row.put("hangci", str(int(row["hangci"]) + shift), *entry.where("shift_hangci"))
    if "set" in entry:
        for key in keys:
            block, at = _find_row(table, key)  # type: ignore[misc]
            set_fields(entry, _rows(block)[at])
    moving = [k for k in ("move_before", "move_after") if k in entry]
    if "remove" in entry or moving or "replace" in entry:
        first = _find_row(table, keys[0])
        taken = _row_keys(table) - set(keys)
        pulled = []
        for key in keys:
            block, at = _find_row(table, key)  # type: ignore[misc]
            pulled.append(_rows(block).pop(at))
        if "replace" in entry:
            block, at = first  # type: ignore[misc]
            insert_unique(entry, _rows(block), at, new_items(entry, "replace"), taken, tr("行"))
        for action in moving:
            dest = _find_row(table, str(entry[action]))
            if dest is None:
                raise fail(entry, "GK105", tr("{action} 指向的行 {entry} 不存在（或就是要移动的行）", action=action, entry=entry[action]), action)
            block, at = dest
            _rows(block)[at + (action == "move_after"):at + (action == "move_after")] = pulled
    for action, edge in (("before", 0), ("after", -1)):
        if action in entry:
            block, at = _find_row(table, keys[edge])  # type: ignore[misc]
            insert_unique(entry, _rows(block), at + (edge == -1), new_items(entry, action), _row_keys(table), tr("行"))


def _patch_columns(entry: YDict, table: YDict) -> None:
    keys = entry["column"] if isinstance(entry["column"], list) else [entry["column"]]
    for key in keys:  # a list: the same change to each column
        _patch_column(entry, table, str(key))


def _patch_column(entry: YDict, table: YDict, key: str) -> None:
    blocks = _blocks(table)
    if "in" in entry:
        wanted = [str(k) for k in (entry["in"] if isinstance(entry["in"], list) else [entry["in"]])]
        for name in wanted:
            if keyed_index(blocks, name) is None:
                raise fail(entry, "GK107", tr("in 指向的块 {name} 不存在", name=name), "in")
        blocks = [b for b in blocks if str(b.get("key")) in wanted]
    holding = [b for b in blocks if isinstance(b.get("columns"), list) and keyed_index(b["columns"], key) is not None]
    if not holding:
        raise fail(entry, "GK106", tr("补丁指向的列 {key} 在表 {table} 中不存在", key=key, table=table.get('key')), "column")
    for block in holding:
        apply_list_entry(entry, block["columns"], key, "column")


def _patch_block(entry: YDict, table: YDict) -> None:
    key = str(entry["block"])
    blocks = table.get("blocks")
    if not isinstance(blocks, list):
        raise fail(entry, "GK107", tr("表 {table} 没有块", table=table.get('key')), "block")
    if "add_rows" in entry:
        at = keyed_index(blocks, key)
        if at is None:
            raise fail(entry, "GK107", tr("补丁指向的块 {key} 不存在", key=key), "block")
        rows = _rows(blocks[at])
        insert_unique(entry, rows, len(rows), new_items(entry, "add_rows"), _row_keys(table), tr("行"))
        if len(entry) == 2:
            return
    rest = YDict({k: v for k, v in entry.items() if k != "add_rows"})
    rest.file, rest.line, rest.key_lines = entry.file, entry.line, getattr(entry, "key_lines", {})
    if len(rest) > 1:
        apply_list_entry(rest, blocks, key, "block")


def _rename_headers(entry: YDict, table: YDict) -> None:
    renames = entry["rename_header"]
    if not isinstance(renames, dict) or not renames:
        raise fail(entry, "GK114", tr("rename_header 应是“原表头文字: 新文字”的映射"), "rename_header")
    used: set[str] = set()
    for block in _blocks(table):
        for column in block.get("columns") or []:
            header = column.get("header") if isinstance(column, dict) else None
            if isinstance(header, list):
                for i, text in enumerate(header):
                    if str(text) in renames:
                        used.add(str(text))
                        header[i] = str(renames[str(text)])
    missing = [str(k) for k in renames if str(k) not in used]
    if missing:
        raise fail(entry, "GK117", tr("表头中没有文字 {missing}，无法改名", missing='、'.join(missing)), "rename_header")


def patch_table(table: YDict, entries: Any, file: str, line: int) -> None:
    """Apply ``entries`` (a table patch list) to ``table`` in place."""
    if not isinstance(entries, YList):
        raise DefinitionError(file, "patch", tr("patch 应是补丁的列表（每条以 - 开头）"), code="GK114", line=line)
    for i, entry in enumerate(entries):
        target = check_entry(entry, entries, i, TARGET_ACTIONS)
        if target is None:
            if "set" in entry:
                set_fields(entry, table, forbidden=("blocks",))
            if "rename_header" in entry:
                _rename_headers(entry, table)
        elif target == "row":
            _patch_rows(entry, table)
        elif target == "column":
            _patch_columns(entry, table)
        else:
            _patch_block(entry, table)
